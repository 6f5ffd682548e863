/* Reading small sysfs attributes (and other one-line kernel files). */
#ifndef VTOY_SYSFS_H
#define VTOY_SYSFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The attribute at path, trailing newline and spaces removed. Returns 0,
 * or -errno (-ENOENT when absent). */
int sysfs_read(const char *path, char *buf, size_t len);

/* sysfs_read of path relative to dir_fd (openat(2)): a walk of many
 * devices' attributes need not look up the same directories again for
 * each (each lookup costs under TCG). */
int sysfs_read_at(int dir_fd, const char *path, char *buf, size_t len);

/* An attribute holding one unsigned decimal number ("size", "start",
 * "partition"). -EINVAL when it holds anything else. */
int sysfs_read_u64(const char *path, uint64_t *value);

/* An attribute holding "MAJ:MIN" ("dev"). */
int sysfs_read_devno(const char *path, dev_t *devno);

#endif
