/* Emptying a directory of a store (dracut's rd.live.overlay.reset). */
#ifndef VTOY_DIR_EMPTY_H
#define VTOY_DIR_EMPTY_H

#include <stddef.h>

/* Deletes everything inside rel, a directory beneath root_fd reached
 * without leaving it (safepath_open), keeping rel itself. Symlinks are
 * removed, never followed, and nothing on another filesystem is touched.
 * *removed counts the entries deleted. Returns 0, -ENOENT when rel does not
 * exist, or the first -errno met (what could be deleted is). */
int dir_empty(int root_fd, const char *rel, size_t *removed);

#endif
