/* casper's home-rw: a second store, mounted on the new root's /home. */
#ifndef VTOY_HOME_RW_H
#define VTOY_HOME_RW_H

#include "kvlist.h"

struct home_rw_opts {
	const char *run_dir;     /* the store is mounted at RUN_DIR/home-rw/store */
	const char *root;        /* the new root, mounted */
	const char *e2fsck;
	const char *path;        /* persistent-path= */
	const char *medium_disk; /* stores there are preferred */
	const char *host_device; /* partition already mounted at host_mount */
	const char *host_mount;
};

/* With casper's "persistent": finds a store labelled home-rw (a partition,
 * or an image file at persistent-path, found as casper-rw ones are),
 * checks it with e2fsck -p and mounts it on ROOT/home. Returns 0 when
 * mounted, -ENOENT when there is none, another -errno when it could not
 * be used (logged; /home then stays in the root overlay). Adds
 * VTOY_HOME_* lines to report. */
int home_rw_mount(const struct home_rw_opts *o, struct kvlist *report);

#endif
