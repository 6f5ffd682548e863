/* Every overlay vtoy-persist mounts: the root overlay, live-boot's custom
 * unions, and the tmpfs that holds a temporary upper layer. */
#ifndef VTOY_OVERLAY_H
#define VTOY_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

/* Options that change what an upper directory means on disk are always
 * given, so a store reads the same on every kernel (defaults differ).
 * redirect_dir follows the store's own system: live-boot turns it on for its
 * stores, casper leaves the kernel default (off). */
#define OVERLAY_STABLE_OPTIONS "index=off,metacopy=off,xino=off"

struct overlay_opts {
	bool redirect_dir;
	bool noatime;
};

/* The mount data for lowerdir (top first, ':'-separated), upper and work.
 * -E2BIG beyond one page (legacy mount data is limited to it). */
int overlay_options(char *buf, size_t len, const char *lowerdir, const char *upper,
		    const char *work, const struct overlay_opts *opts);

/* Mounts an overlay at target (a path, or /proc/self/fd/N). Returns 0 or
 * -errno, logged. */
int overlay_mount(const char *target, const char *lowerdir, const char *upper, const char *work,
		  const struct overlay_opts *opts);

/* A tmpfs for a temporary upper layer at RUN_DIR/tmpfs (size: tmpfs size=,
 * NULL for the kernel's default), with upper/ and work/ made there.
 * Returns 0 or -errno, logged. */
int overlay_tmpfs(const char *run_dir, const char *size, char *upper, char *work, size_t len);

#endif
