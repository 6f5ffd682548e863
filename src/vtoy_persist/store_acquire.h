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
 * e2fsck failed) and candidates holding the chosen one alone, -ENOENT when
 * there is no candidate, or -errno (-EUCLEAN: e2fsck failed), all logged;
 * nothing stays mounted on failure. */
int store_acquire(struct store_list *candidates, const struct acquire_opts *o,
		  struct store *chosen, struct opened_store *opened, bool *fsck_fallback);

/* Undoes a store_acquire that succeeded, when a later step fails: unmounts
 * the store (store_close), then releases it as store_acquire does on its
 * own failure (store_release_others): a LUKS mapping closed, a partition
 * made writable for an encrypted file read-only again, the probe mount a
 * file was found in unmounted; data_mount stays mounted. When the store
 * cannot be unmounted, what it sits on is left as it is (logged). */
void store_release(struct store_list *candidates, const struct store *chosen,
		   const struct opened_store *opened, const char *data_mount);

#endif
