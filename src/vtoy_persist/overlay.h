/* The root overlay. */
#ifndef VTOY_OVERLAY_H
#define VTOY_OVERLAY_H

#include <stddef.h>

#include <stdbool.h>

/* Options that change what an upper directory means on disk are always
 * given, so a store reads the same on every kernel (defaults differ).
 * redirect_dir follows the store's own system: live-boot turns it on for its
 * stores, casper leaves the kernel default (off). */
#define OVERLAY_STABLE_OPTIONS "index=off,metacopy=off,xino=off"

struct overlay_flavor {
	bool redirect_dir;
	bool noatime;
};

int overlay_options(char *buf, size_t len, const char *lowerdir, const char *upper,
		    const char *work, const struct overlay_flavor *flavor);
int overlay_mount_root(const char *target, const char *lowerdir, const char *upper,
		       const char *work, const struct overlay_flavor *flavor);

/* A tmpfs for a temporary upper: mounts RUN_DIR/tmpfs and creates
 * upper/ and work/ there. */
int overlay_tmpfs(const char *run_dir, const char *size, char *upper, char *work, size_t len);

#endif
