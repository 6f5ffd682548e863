/* Noticing that a store meets a different live image than last time: its
 * changes were made over other files, and may not fit the new ones. */
#ifndef VTOY_ISO_CHANGE_H
#define VTOY_ISO_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvlist.h"

#define MEDIUM_RECORD ".vtoy-medium" /* at the store root */

/* The build time in a squashfs superblock (its first 96 bytes); -EINVAL
 * when sb is not one. */
int squashfs_mkfs_time(const unsigned char *sb, size_t len, uint32_t *out);

/* One line naming the mounted root images of lowerdir (top first): for
 * each, its file name, size and build time. Read through each mount's loop
 * device (/sys/dev/block/M:m/loop/backing_file). */
int medium_identity(const char *lowerdir, char *buf, size_t len);

enum medium_record_result {
	MEDIUM_FIRST,   /* nothing recorded yet */
	MEDIUM_SAME,
	MEDIUM_CHANGED, /* *before gets what was recorded */
};

/* Compares identity with the record in the store (store_fd: its root) and,
 * when write is set, records identity there (atomically, never through a
 * symlink). Returns a medium_record_result or -errno. */
int medium_record_check(int store_fd, const char *identity, bool write, char *before,
			size_t len);

/* All of it for a mounted store, logged and reported
 * (VTOY_MEDIUM_CHANGED, VTOY_MEDIUM_BEFORE, VTOY_MEDIUM_NOW). */
void iso_change_check(const char *store_mount, const char *lowerdir, bool read_only,
		      struct kvlist *report);

#endif
