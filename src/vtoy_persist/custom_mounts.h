/* live-boot's custom mounts: the persistence.conf entries other than
 * "/ union", mounted into the new root once its overlay is in place. */
#ifndef VTOY_CUSTOM_MOUNTS_H
#define VTOY_CUSTOM_MOUNTS_H

#include <stdbool.h>

#include "kvlist.h"
#include "persistence_conf.h"

struct custom_mounts_ctx {
	const char *store_mount; /* the store, mounted (read-only with read_only) */
	const char *conf_name;   /* "<store>/persistence.conf", for messages */
	const char *root;        /* the new root, its overlay mounted */
	const char *lowerdir;    /* the root images, top first, ':'-separated */
	const char *run_dir;     /* for an empty lower layer and, read-only, the changes */
	bool read_only;          /* persistence-read-only: changes go to run_dir's tmpfs */
};

/* True for the entries this module mounts (all but "/ union"). */
bool custom_mount_entry(const struct pconf_entry *e);
/* True when conf has at least one. */
bool custom_mounts_any(const struct pconf *conf);

/* Mounts each custom entry of conf: bind and union entries sorted by
 * destination, then link entries. An entry that cannot be set up is
 * refused with its file, line and reason, and the others go on. Each
 * mount is added to report as VTOY_CUSTOM_MOUNT=DEST METHOD SOURCE, each
 * refusal as VTOY_CUSTOM_MOUNT_REFUSED=DEST: REASON. Returns the number of
 * entries set up, or -errno when the root or the store cannot be opened. */
int custom_mounts_activate(const struct pconf *conf, const struct custom_mounts_ctx *ctx,
			   struct kvlist *report);

#endif
