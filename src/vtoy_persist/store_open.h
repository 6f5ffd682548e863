/* Making the chosen store writable: loop for image files, e2fsck, mount. */
#ifndef VTOY_STORE_OPEN_H
#define VTOY_STORE_OPEN_H

#include "blkdev.h"
#include <limits.h>
#include <stdbool.h>

#include "fsck.h"
#include "store_find.h"

struct opened_store {
	char device[BLKDEV_PATH_MAX];        /* what was checked and mounted (/dev/loopN or the partition) */
	char mount[PATH_MAX];   /* where it is mounted */
	char host[PATH_MAX];    /* directory stores: where their partition is mounted */
	bool read_only;
	enum fsck_result fsck;
	int fsck_status;
};

/* Returns 0 with the store mounted at RUN_DIR/store, or -errno (the reason
 * logged) with nothing left mounted read-write by us. Read-write after
 * e2fsck -p; with read_only, mounted read-only without journal replay and
 * without e2fsck, so that nothing on the disk changes. */
int store_open(const struct store *s, const char *run_dir, const char *e2fsck_path,
	       bool read_only, struct opened_store *out);

/* Unmounts a store opened by store_open and makes its partition read-only
 * again (image files). */
void store_close(const struct store *s, const struct opened_store *opened);

#endif
