/* From candidates to a store in use: one way for the root store and for
 * casper's home-rw. */
#ifndef VTOY_STORE_ACQUIRE_H
#define VTOY_STORE_ACQUIRE_H

#include <stdbool.h>

#include "kvlist.h"
#include "store.h"
#include "store_open.h"

struct acquire_opts {
	const char *run_dir;      /* the store is mounted at RUN_DIR/store */
	const char *e2fsck;
	const char *data_mount;   /* the data partition's mount, never released */
	bool read_only;           /* mount it read-only: no e2fsck, no journal replay */
	/* When e2fsck cannot repair it: show it read-only (1) instead of
	 * failing (0). */
	bool read_only_fallback;
	const char *report_prefix; /* "VTOY_STORE" or "VTOY_HOME" */
	struct kvlist *report;
};

/* Picks the best candidate (store_choose), releases the others' probe
 * mounts, logs and reports it (PREFIX_SOURCE, _DEVICE, _KIND, _FSTYPE,
 * _LABEL, _UUID, _FSCK) and opens it (store_open). Returns 0 with chosen
 * and opened filled (*fsck_fallback when it is shown read-only because
 * e2fsck failed), -ENOENT when there is no candidate, or -errno (-EUCLEAN:
 * e2fsck failed), all logged; nothing stays mounted on failure. */
int store_acquire(struct store_list *candidates, const struct acquire_opts *o,
		  struct store *chosen, struct opened_store *opened, bool *fsck_fallback);

#endif
