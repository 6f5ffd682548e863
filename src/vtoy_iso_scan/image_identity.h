/* What tells one release of a live image from another: each root image's
 * file name, size and build time. vtoy-persist keeps it in the store, to
 * notice when the store meets other images than last time. */
#ifndef VTOY_IMAGE_IDENTITY_H
#define VTOY_IMAGE_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "root_layout.h"

/* The build time in a squashfs superblock (its first 96 bytes); -EINVAL
 * when sb is not one. */
int squashfs_mkfs_time(const unsigned char *sb, size_t len, uint32_t *out);

/* "NAME SIZE bytes, built DATE" for each image of plan (files beneath
 * dir_fd), top first, "; "-separated. The build time is squashfs's own;
 * other images give their mtime. Returns 0 or -errno. */
int image_identity(int dir_fd, const struct root_plan *plan, char *buf, size_t len);

#endif
