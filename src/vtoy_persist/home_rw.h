/* casper's home-rw: a second store, mounted on the new root's /home. */
#ifndef VTOY_HOME_RW_H
#define VTOY_HOME_RW_H

#include "convention.h"

/* With casper's "persistent": finds a store labelled home-rw (a partition,
 * or an image file at persistent-path, found as casper-rw ones are; on the
 * root store's partition through its mount when it is a file there),
 * checks it with e2fsck -p and mounts it on ROOT/home. Returns 0 when
 * mounted, -ENOENT when there is none, another -errno when it could not be
 * used (logged; /home then stays in the root overlay). Adds VTOY_HOME_*
 * lines to the report. */
int home_rw_mount(struct persist *p);

#endif
