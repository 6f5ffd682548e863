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
	enum fsck_result fsck;
	int fsck_status;
};

/* Mounts the store at RUN_DIR/store: read-write after e2fsck -p (-EUCLEAN
 * when e2fsck cannot make it consistent: nothing is mounted then); with
 * read_only, read-only without journal replay and without e2fsck, so that
 * nothing on the disk changes. An image file's partition is remounted
 * read-write for it (and back on failure). Returns 0 or -errno, the reason
 * logged, with nothing left mounted read-write by us on failure. */
int store_open(const struct store *s, const char *run_dir, const char *e2fsck_path,
	       bool read_only, struct opened_store *out);

/* Unmounts a store opened by store_open and makes an image file's
 * partition read-only again. */
void store_close(const struct store *s, const struct opened_store *opened);

#endif
