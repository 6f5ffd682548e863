/* A store: the filesystem that keeps a session's changes. */
#ifndef VTOY_STORE_H
#define VTOY_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "blkdev.h"

#define STORE_CANDIDATES_MAX 32

enum store_kind {
	STORE_PARTITION,   /* a filesystem on a partition or disk */
	STORE_FILE,        /* an image file on a partition, looped */
	STORE_DIRECTORY,   /* a directory on a partition (live-boot) */
	STORE_MAPPED_FILE, /* a file reached through a device-mapper map of its blocks (Ventoy) */
};

struct store {
	enum store_kind kind;
	char source[PATH_MAX];        /* how it is named in messages: the node, the file's path */
	char device[BLKDEV_PATH_MAX]; /* the partition it is or is on; the dm node of a mapped file */
	char disk[BLKDEV_PATH_MAX];
	char data_mount[PATH_MAX];    /* files: where their partition is mounted */
	char file[PATH_MAX];          /* files: the path inside that partition */
	unsigned partition;           /* files holding a partition table: the store's (1...) */
	char luks_name[48];           /* a LUKS volume: its dm-crypt name (device: /dev/mapper/it) */
	bool data_remounted;          /* its data partition was made read-write before it was
				       * opened (an encrypted file, for cryptsetup) */
	char dir[PATH_MAX];           /* directories: the path inside the partition */
	char fstype[32];
	char label[128];
	char uuid[64];                /* the store filesystem's (a directory store: its partition's) */
	bool on_medium_disk;
	size_t label_rank;            /* index in the labels looked for */
	size_t order;                 /* discovery order */
};

struct store_list {
	struct store items[STORE_CANDIDATES_MAX];
	size_t count;
	size_t luks_locked;           /* LUKS volumes that stayed locked (wrong passphrases) */
	char locked[PATH_MAX];        /* the last of them, as the user knows it */
};

/* "partition", "file", "directory", "mapped-file" (persist.env, status). */
const char *store_kind_name(enum store_kind kind);

/* True for the filesystems a store may hold (store_fs.c): ext2/3/4,
 * checked with e2fsck before they are written; xfs and btrfs, made
 * consistent by the kernel as they mount. */
bool store_fstype_ok(const char *fstype);

#endif
