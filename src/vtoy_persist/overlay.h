/* The root overlay. */
#ifndef VTOY_OVERLAY_H
#define VTOY_OVERLAY_H

#include <stddef.h>

/* Options that change what an upper directory means on disk are always
 * given, so a store reads the same on every kernel (defaults differ). */
#define OVERLAY_STABLE_OPTIONS "index=off,metacopy=off,redirect_dir=off,xino=off"

int overlay_options(char *buf, size_t len, const char *lowerdir, const char *upper,
		    const char *work);
int overlay_mount_root(const char *target, const char *lowerdir, const char *upper,
		       const char *work);

/* A tmpfs for a temporary upper: mounts RUN_DIR/tmpfs and creates
 * upper/ and work/ there. */
int overlay_tmpfs(const char *run_dir, const char *size, char *upper, char *work, size_t len);

#endif
