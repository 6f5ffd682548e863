/* Directory trees handled through file descriptors, never following a
 * symlink found on the way: live-boot's "mkdir -p", "cp -a", link_files
 * and "rm -rf", done safely on a store and in a live root. */
#ifndef VTOY_FS_TREE_H
#define VTOY_FS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Called for each directory tree_mkdirs creates: its fd (O_PATH) and its
 * path from the top ("home/user"). */
typedef void (*tree_created_fn)(int dir_fd, const char *path, void *arg);

/* Opens the directory rel under top_fd (O_PATH), creating what is missing
 * with mode 0755. in_root resolves as in a root filesystem
 * (safepath_open_in_root), else beneath top_fd (safepath_open). A
 * component that exists but is not a directory is -ENOTDIR, nothing is
 * removed. Returns an fd or -errno. */
int tree_mkdirs(int top_fd, const char *rel, bool in_root, tree_created_fn created, void *arg);

/* "cp -a": copies the directory src_fd into a new directory name under
 * dst_parent_fd (which must not exist yet): directories, regular files,
 * symlinks, fifos and device nodes, with owner, mode, times and extended
 * attributes (hard links become separate files; sockets are skipped).
 * Never crosses a mount point of the source. On failure the partial copy
 * is removed. Returns 0 or -errno (logged). */
int tree_copy(int src_fd, int dst_parent_fd, const char *name);

struct tree_link_stats {
	unsigned links;    /* symlinks made */
	unsigned skipped;  /* entries left alone (logged) */
};

/* live-boot's link_files: mirrors the tree src_fd into dst_fd, making each
 * missing directory (owner and mode of the source's) and a symlink to each
 * file, whose target is src_path/RELATIVE/NAME. Empty source directories
 * are not mirrored. An existing file or symlink in the way is replaced; a
 * directory in the way of a file, or anything but a directory in the way
 * of a directory, is left alone and logged. */
int tree_link(int src_fd, const char *src_path, int dst_fd, struct tree_link_stats *stats);

/* Removes everything in dir_fd except the entries for which keep() is true
 * (at the top level only), without following symlinks or crossing mount
 * points. Returns the number of top-level entries removed or -errno. */
int tree_empty(int dir_fd, bool (*keep)(const char *name));

/* Deletes everything inside rel, a directory beneath root_fd reached
 * without leaving it (safepath_open), keeping rel itself (dracut's
 * rd.live.overlay.reset). *removed counts the entries deleted at every
 * depth. Returns 0, -ENOENT when rel does not exist, or -errno (what could
 * be deleted is). */
int dir_empty(int root_fd, const char *rel, size_t *removed);

#endif
