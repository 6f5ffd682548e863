/* The upper and work directories of an overlay inside a store. */
#ifndef VTOY_STORE_DIRS_H
#define VTOY_STORE_DIRS_H

#include <stdbool.h>
#include <stddef.h>

/* upper and work become STORE/rel_upper and STORE/rel_work, each resolved
 * beneath the store: one reached through a symlink leading out of it is
 * refused (-EXDEV). With create, the missing ones (and their parents) are
 * made, mode 0755, never through a symlink; without (a read-only store is
 * a lower layer), only rel_upper must exist (-ENOENT) and work is not
 * looked at. Returns 0 or -errno, logged. */
int store_dirs(const char *store_mount, const char *rel_upper, const char *rel_work, bool create,
	       char *upper, char *work, size_t len);

#endif
