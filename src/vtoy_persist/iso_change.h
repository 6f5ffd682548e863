/* Noticing that a store meets a different live image than last time: its
 * changes were made over other files, and may not fit the new ones. The
 * images' identity (name, size, build time) comes from vtoy-iso-scan. */
#ifndef VTOY_ISO_CHANGE_H
#define VTOY_ISO_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convention.h"

#define MEDIUM_RECORD ".vtoy-medium" /* at the store root */

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

/* The open store's record against the root images vtoy-iso-scan
 * reported, logged and reported (VTOY_MEDIUM_CHANGED, VTOY_MEDIUM_BEFORE,
 * VTOY_MEDIUM_NOW); the record is updated unless the store is read-only. */
void iso_change_check(struct persist *p);

#endif
