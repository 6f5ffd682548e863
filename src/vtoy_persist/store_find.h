/* Finding stores: partitions, image files and directories by label
 * (casper, live-boot, home-rw), or the one device a convention names
 * (dracut, archiso). Every device passed over is logged with the reason. */
#ifndef VTOY_STORE_FIND_H
#define VTOY_STORE_FIND_H

#include <stdbool.h>
#include <stddef.h>

#include "blkdev.h"
#include "store.h"

#define STORE_LABELS_MAX 8

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

/* live-boot's persistence-encryption=: which volumes may be stores. */
#define STORE_ENC_NONE 0x1 /* unencrypted ones (the default) */
#define STORE_ENC_LUKS 0x2 /* LUKS ones: unlocked (asked on the console) to read their label */

struct store_query {
	const char *labels[STORE_LABELS_MAX]; /* in order of preference */
	size_t label_count;
	const char *path;         /* directory of store files inside a partition ("/") */
	const char *medium_disk;  /* /dev/sda: stores there are preferred */
	const char *data_device;  /* partition already mounted at data_mount */
	const char *data_mount;
	const char *run_dir;      /* probe mounts go to RUN_DIR/probe */
	enum store_media media;
	bool read_only;           /* the store will not be written to */
	unsigned storage;         /* STORE_STORAGE_*; 0 means the default */
	unsigned encryption;      /* STORE_ENC_*; 0 means the default (none) */
};

/* Finds the candidates with one of the query's labels; partitions are
 * probed with libblkid and searched for files through read-only,
 * no-journal-replay mounts (kept mounted when they hold a candidate), but
 * only where a file could be chosen (store_unbeatable(), logged). 0 or
 * -errno. */
int store_find(const struct store_query *q, struct store_list *out);

/* store_find() for a convention (name: "casper"), saying what it looks
 * for and, when nothing is found, that changes will be lost. Returns 0
 * (out->count 0: none) or -errno. */
int store_search(const struct store_query *q, const char *name, struct store_list *out);

/* The one partition a convention names (what: "cow_label=X", for the
 * log): each device for which match() is true is a candidate. Several:
 * the one on the medium's disk, else the first by name, with a warning. 0
 * with out (a partition, not yet opened), -ENOENT, or -errno. */
typedef bool (*store_match_fn)(const struct blkdev *dev, const void *arg);
int store_find_device(const char *what, store_match_fn match, const void *arg,
		      const char *medium_disk, struct store *out, struct blkdev *out_dev);

/* store_find_device() for a devspec given as text ("LABEL=x", "/dev/sdb2",
 * "/dev/disk/by-uuid/..."): -EINVAL, logged, when it is not one. */
int store_find_devspec(const char *what, const char *text, const char *medium_disk,
		       struct store *out, struct blkdev *out_dev);

/* Picks the best candidate: label preference, then the medium's disk, then
 * discovery order (store_find: the data partition's files, then what
 * probes tell (partitions by label, LUKS volumes), then files and
 * directories found by mounting). Warns when another candidate has the
 * same label. Returns an index or -1. */
int store_choose(const struct store_list *list);

/* For a partition about to be mounted to look for stores (on the medium's
 * disk or not): a candidate in list with the first label that
 * store_choose() prefers over anything found there later (on the medium's
 * disk, or the partition is not), else NULL. */
const struct store *store_unbeatable(const struct store_list *list, bool on_medium_disk);

/* Unmounts the probe mounts of the candidates that were not chosen. */
void store_release_others(const struct store_list *list, int chosen, const char *data_mount);

#endif
