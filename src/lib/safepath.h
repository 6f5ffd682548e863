/* Paths that come from the command line, config files or the stick are
 * untrusted: they are resolved only beneath a given directory. */
#ifndef VTOY_SAFEPATH_H
#define VTOY_SAFEPATH_H

/* Checks an untrusted path meant to name something inside a filesystem:
 * leading '/' allowed, no "." or ".." components, no control characters,
 * not empty. Returns 0 or -EINVAL. */
int safepath_check(const char *path);

/* Opens path beneath the directory dirfd: symlinks may not leave it, ".."
 * may not climb out of it and no mount point is crossed (openat2
 * RESOLVE_BENEATH; without openat2, symlinks are refused outright).
 * A leading '/' in path is taken as dirfd's root. Returns an fd or -errno. */
int safepath_open(int dirfd, const char *path, int flags);

/* safepath_open() beneath the directory at dir (a trusted path). */
int safepath_open_at(const char *dir, const char *path, int flags);

/* Opens path inside the tree at dirfd taken as a root filesystem: symlinks,
 * absolute ones included, and ".." resolve as if dirfd were "/" and never
 * leave it (openat2 RESOLVE_IN_ROOT); mount points may be crossed, as a
 * live root holds mounts of its own. Without openat2, symlinks are refused.
 * Returns an fd or -errno. */
int safepath_open_in_root(int dirfd, const char *path, int flags);

#endif
