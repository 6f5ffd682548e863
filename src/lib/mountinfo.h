/* What is mounted where, now: /proc/self/mountinfo (proc(5)), so that the
 * status says what is true in the running system, not what was planned. */
#ifndef VTOY_MOUNTINFO_H
#define VTOY_MOUNTINFO_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#define MOUNTINFO_PATH "/proc/self/mountinfo"

struct mount_entry {
	char target[PATH_MAX];   /* mount point, octal escapes decoded */
	char source[PATH_MAX];   /* "/dev/sda1", "overlay", "tmpfs" */
	char fstype[32];
	char root[PATH_MAX];     /* the directory of the filesystem seen there (binds) */
	char super_opts[4096];   /* per-superblock options: overlay's upperdir= is here */
	dev_t devno;
	bool read_only;          /* this mount's own ro flag */
};

/* The mount on top at target (the last one listed: mounts stack). path is
 * the mountinfo file (NULL: MOUNTINFO_PATH). Returns 0, -ENOENT when
 * nothing is mounted exactly at target, or -errno. */
int mountinfo_find(const char *path, const char *target, struct mount_entry *out);

/* Calls fn for each mount, in the file's order (parents before children);
 * a non-zero return stops the walk. Returns 0, fn's negative return, or
 * -errno. */
int mountinfo_each(const char *path, int (*fn)(const struct mount_entry *e, void *arg), void *arg);

/* The value of key= in a comma-separated option list (overlay's
 * "lowerdir=...,upperdir=..."), copied to buf; -ENOENT when absent,
 * -ENAMETOOLONG when it does not fit. */
int mount_option(const char *opts, const char *key, char *buf, size_t len);

#endif
