/* Persistence flavors beyond casper and live-boot: dracut's and archiso's
 * stores are named by a device (a label, a devspec) and a directory in it,
 * and are found, checked and opened here by their own rules. */
#ifndef VTOY_FLAVOR_H
#define VTOY_FLAVOR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "blkdev.h"
#include "kvlist.h"
#include "overlay.h"
#include "store_find.h"
#include "store_open.h"

enum flavor_kind {
	FLAVOR_NONE,
	FLAVOR_LIVEBOOT, /* persistence */
	FLAVOR_CASPER,   /* persistent */
	FLAVOR_DRACUT,   /* rd.live.overlay=, rd.overlay= */
	FLAVOR_ARCHISO,  /* cow_label=, cow_device= */
};

const char *flavor_kind_name(enum flavor_kind kind);

/* The one persistence flavor a command line gets. nopersistence and
 * nopersistent turn every flavor off. When several are asked for, boot=casper
 * or boot=live picks its own, else the first of live-boot, casper, dracut,
 * archiso; the others are logged as ignored. */
enum flavor_kind flavor_select(const struct kvlist *cmdline);

/* What vtoy-persist needs to build a store's overlay, whatever its flavor. */
struct flavor_ctx {
	const struct kvlist *cmdline;
	const struct kvlist *medium;  /* medium.env from vtoy-iso-scan */
	const char *run_dir;
	const char *e2fsck;
	struct kvlist *report;        /* persist.env lines */
};

/* A dracut or archiso store, opened: upper and work are ready. */
struct flavor_store {
	struct store store;
	struct opened_store opened;
	char upper[PATH_MAX];
	char work[PATH_MAX];
};

/* The kernel command line's bool flags as dracut reads them (getargbool):
 * present without a value, or with any value but 0, no, off. */
bool flavor_flag(const struct kvlist *cmdline, const char *key);

/* The live medium's own filesystem (the ISO through its loop device, else
 * the medium's partition): label and uuid as blkid reports them, as dracut
 * and archiso see them. Returns 0 or -errno. */
int flavor_medium_identity(const struct kvlist *medium, struct blkdev *iso);

/* Checks a tmpfs size= value: a number, optionally followed by one of
 * k, m, g, t, p, e (any case) or by % (1 to 100). Zero, which tmpfs takes as
 * "no limit", is refused. Returns 0 or -EINVAL. */
int flavor_tmpfs_size_check(const char *size);

/* The size of a tmpfs upper layer: overlay-size=, else archiso's
 * cow_spacesize=, each checked (a bad value is logged and ignored); NULL
 * means the kernel default (half of the memory). */
const char *flavor_tmpfs_size(const struct kvlist *cmdline);

/* Looks for the one partition a flavor names. match() says whether dev is
 * it; what names it is for the log ("cow_label=ARCH_COW"). Several matches:
 * the one on the medium's disk, then the first by name, with a warning.
 * Passing over anything is logged with the reason. 0 with out filled (a
 * partition, not yet opened), or -ENOENT. */
typedef bool (*flavor_match_fn)(const struct blkdev *dev, const void *arg);
int flavor_find_partition(const struct flavor_ctx *ctx, const char *what, flavor_match_fn match,
			  const void *arg, struct store *out, struct blkdev *out_dev);

/* Refuses, with the reason, a partition that cannot take an overlay upper
 * directory read-write: not ext2/3/4 (vtoy-persist checks its stores with
 * e2fsck), or the partition holding the ISO (mounted read-only without
 * journal replay). Returns 0 or -errno. */
int flavor_partition_writable(const struct flavor_ctx *ctx, const struct blkdev *dev,
			      const char *what);

/* Checks (e2fsck -p unless read_only) and mounts a store at RUN_DIR/store,
 * adding its persist.env lines. Returns 0 or -errno, logged. */
int flavor_open_store(const struct flavor_ctx *ctx, const struct store *store, bool read_only,
		      struct opened_store *opened);

/* upper and work: STORE/rel_upper and STORE/rel_work, each refused when it
 * is reached through a symlink leading out of the store. With create, the
 * missing ones are made (mode 0755, no symlink followed on the way); without,
 * only rel_upper must exist (a read-only store is a lower layer). Returns 0,
 * -ENOENT or another -errno, logged. */
int flavor_store_dirs(const char *store_mount, const char *rel_upper, const char *rel_work,
		      bool create, char *upper, char *work, size_t len);

/* Adds the last persist.env lines of a store in use. */
void flavor_report_layout(const struct flavor_ctx *ctx, const struct opened_store *opened,
			  const char *layout, const char *dir, bool read_only);

#endif
