/* Store images that hold a partition table instead of a filesystem (some
 * tools and users make a .dat as a small disk image). */
#ifndef VTOY_STORE_IMAGE_PARTS_H
#define VTOY_STORE_IMAGE_PARTS_H

#include <stddef.h>

#include "blkdev.h"

#define IMAGE_PARTS_MAX 16

struct image_part {
	unsigned number;   /* 1... as the kernel numbers it (/dev/loopNpK) */
	struct blkdev probe;
};

/* Loops the image read-only with partition scanning and probes each
 * partition the kernel finds (fstype, label, UUID); the loop device goes
 * when this returns. fd: the image, opened read-only. Returns how many
 * partitions were found (at most max), or -errno. */
int image_parts_probe(int fd, const char *name, struct image_part *parts, size_t max);

#endif
