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

#endif
