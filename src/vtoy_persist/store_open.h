/* Making the chosen store usable: a loop device for an image file, e2fsck,
 * the mount. */
#ifndef VTOY_STORE_OPEN_H
#define VTOY_STORE_OPEN_H

#include <limits.h>
#include <stdbool.h>

#include "blkdev.h"
#include "fsck.h"
#include "store.h"

struct opened_store {
	char device[BLKDEV_PATH_MAX]; /* what was checked and mounted (/dev/loopN, the partition) */
	char mount[PATH_MAX];         /* where it is mounted: RUN_DIR/store */
	char partition_mount[PATH_MAX]; /* directory stores: where their partition is mounted */
	bool read_only;
	bool write_protected;         /* read-only because the kernel says its device is */
	bool data_remounted;          /* an image file's partition was made read-write for it */
	enum fsck_result fsck;
	int fsck_status;
	const char *last_shutdown;    /* "clean", "unclean" (a journal to replay), NULL: unknown */
};

/* Mounts the store at RUN_DIR/store: read-write after its check (store_fs.c:
 * e2fsck -p for ext2/3/4; for xfs and btrfs the kernel's own at mount);
 * -EUCLEAN when it cannot be made consistent (nothing is mounted then),
 * -ENODEV when the kernel has no driver for it. With read_only: read-only
 * without check and without journal or log replay, so that nothing on the
 * disk changes. An image file's partition is remounted read-write for it
 * when it was not already (and back on failure); an image holding a
 * partition table is looped with partition scanning and its store
 * partition used. Returns 0 or -errno, the reason
 * logged, with nothing left mounted read-write by us on failure. */
int store_open(const struct store *s, const char *run_dir, const char *e2fsck_path,
	       bool read_only, struct opened_store *out);

/* Unmounts a store opened by store_open and makes an image file's
 * partition read-only again. Returns 0, or -errno (logged) when the store
 * cannot be unmounted: then nothing else is done. */
int store_close(const struct store *s, const struct opened_store *opened);

/* Makes the partition holding the store file what (s->data_mount)
 * read-write, unless it already is (vtoy.data=rw, VTOY_LINUX_REMOUNT); sets
 * *remounted when it did. Returns 0 or -errno, logged. */
int store_data_writable(const struct store *s, const char *what, bool *remounted);
/* Makes s->data_mount read-only again after store_data_writable remounted
 * it, and says so; a failure (a file still open for writing) is logged. */
void store_data_read_only(const struct store *s);

#endif
