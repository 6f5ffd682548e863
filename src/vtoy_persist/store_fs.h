/* The filesystems a store may hold, and how each is made consistent
 * before it is written. */
#ifndef VTOY_STORE_FS_H
#define VTOY_STORE_FS_H

#include <stdbool.h>

/* For messages: what a store may hold. */
#define STORE_FSTYPES "ext2/3/4, xfs or btrfs"

struct store_fs {
	const char *fstype;     /* libblkid's TYPE */
	const char *mount_type; /* what mount(2) is given (the ext4 driver mounts ext2/3) */
	bool e2fsck;            /* checked with e2fsck -p before it is mounted read-write */
	const char *repair;     /* what the user runs when it cannot be made consistent */
};

/* The rule for fstype, or NULL when a store cannot hold it (an overlayfs
 * upper needs xattrs and d_type: never FAT, exFAT or NTFS). */
const struct store_fs *store_fs_find(const char *fstype);

#endif
