/* Making the chosen store writable: loop for image files, e2fsck, mount. */
#ifndef VTOY_STORE_OPEN_H
#define VTOY_STORE_OPEN_H

#include "blkdev.h"
#include <limits.h>

#include "fsck.h"
#include "store_find.h"

struct opened_store {
	char device[BLKDEV_PATH_MAX];        /* what was checked and mounted (/dev/loopN or the partition) */
	char mount[PATH_MAX];   /* where it is mounted read-write */
	enum fsck_result fsck;
	int fsck_status;
};

/* Returns 0 with the store mounted read-write at RUN_DIR/store, or -errno
 * (the reason logged) with nothing left mounted read-write by us. */
int store_open(const struct store *s, const char *run_dir, const char *e2fsck_path,
	       struct opened_store *out);

/* Unmounts a store opened by store_open and makes its partition read-only
 * again (image files). */
void store_close(const struct store *s, const struct opened_store *opened);

#endif
