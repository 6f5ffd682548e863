/* The other partitions of the disk a stick is mounted from: where casper
 * and live-boot also search for a store by its label. */
#ifndef VTOY_STICK_DISK_H
#define VTOY_STICK_DISK_H

#include <stddef.h>
#include <sys/types.h>

#include "blkdev.h"

#define STICK_PARTS_MAX 32

struct stick_disk {
	char disk[256];                       /* "sdb": "" when root is no partition's mount */
	struct blkdev parts[STICK_PARTS_MAX]; /* the others, probed with libblkid */
	size_t count;
};

/* Fills out for the stick mounted at root (a directory copy has none).
 * Returns 0 or -errno. */
int stick_disk_read(const char *root, struct stick_disk *out);

/* The partitions beside the partition devno, from sys_root ("/sys":
 * dev/block/MAJ:MIN links, block/DISK/PART/partition), each probed at
 * dev_root/PART ("/dev"). Returns 0 (none when devno is a whole disk) or
 * -errno. */
int stick_disk_parts(const char *sys_root, const char *dev_root, dev_t devno,
		     struct stick_disk *out);

#endif
