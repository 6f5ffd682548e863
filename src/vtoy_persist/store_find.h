/* Finding persistence stores: partitions and image files by label. */
#ifndef VTOY_STORE_FIND_H
#define VTOY_STORE_FIND_H

#include "blkdev.h"
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define STORE_LABELS_MAX 8
#define STORE_CANDIDATES_MAX 32

enum store_media {
	STORE_MEDIA_ANY,
	STORE_MEDIA_REMOVABLE,     /* persistence-media=removable */
	STORE_MEDIA_REMOVABLE_USB, /* persistence-media=removable-usb */
};

/* live-boot's persistence-storage=: what may be a store. */
#define STORE_STORAGE_FILESYSTEM 0x1 /* a partition with the label */
#define STORE_STORAGE_FILE 0x2       /* an image file named by the label */
#define STORE_STORAGE_DIRECTORY 0x4  /* a directory named by the label */
#define STORE_STORAGE_DEFAULT (STORE_STORAGE_FILESYSTEM | STORE_STORAGE_FILE)

struct store_query {
	const char *labels[STORE_LABELS_MAX]; /* in order of preference */
	size_t label_count;
	const char *path;         /* directory of store files inside a partition ("/") */
	const char *medium_disk;  /* /dev/sda: stores there are preferred */
	const char *host_device;  /* partition already mounted at host_mount */
	const char *host_mount;
	const char *run_dir;
	enum store_media media;
	bool read_only;           /* the store will not be written to */
	unsigned storage;         /* STORE_STORAGE_*; 0 means the default */
};

struct store {
	char source[PATH_MAX];      /* device node, or the image file's path */
	char device[BLKDEV_PATH_MAX];            /* the partition it is, or that holds the file */
	char disk[BLKDEV_PATH_MAX];
	char host_mount[PATH_MAX];  /* for files: where their partition is mounted */
	char file[PATH_MAX];        /* for files: path inside that partition */
	char fstype[32];
	char label[128];
	char uuid[64];              /* the store filesystem's (a directory store: its partition's) */
	bool is_file;
	bool is_dir;                /* a directory (dir) on the partition device */
	bool is_mapped;             /* a file reached through a device-mapper map of its blocks */
	char dir[PATH_MAX];         /* for directories: path inside the partition */
	bool on_medium_disk;
	size_t label_rank;          /* index in query labels */
	size_t order;               /* discovery order */
};

struct store_list {
	struct store items[STORE_CANDIDATES_MAX];
	size_t count;
};

/* Finds every candidate; partitions are probed with libblkid and searched
 * for files through read-only, no-journal-replay mounts (kept mounted when
 * they hold a candidate). Each rejection is logged with its reason. */
int store_find(const struct store_query *q, struct store_list *out);

/* Picks the best candidate: label preference, then the medium's disk, then
 * discovery order. Warns when another candidate has the same label.
 * Returns an index or -1. */
int store_choose(const struct store_list *list);

/* "partition", "file", "directory" or "mapped-file" (persist.env, status). */
const char *store_kind_name(const struct store *s);

/* Unmounts the probe mounts of the candidates that were not chosen. */
void store_release_others(const struct store_list *list, int chosen, const char *host_mount);

#endif
