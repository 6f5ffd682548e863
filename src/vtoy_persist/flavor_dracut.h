/* dracut's persistent overlay (dmsquash-live, overlayfs mode):
 * rd.overlay=/rd.live.overlay=<devspec>[:<path>] names a device and a
 * directory in it, by default /LiveOS/overlay-<LABEL>-<UUID> of the live
 * medium, with the work directory ovlwork/ beside it. */
#ifndef VTOY_FLAVOR_DRACUT_H
#define VTOY_FLAVOR_DRACUT_H

#include <limits.h>
#include <stdbool.h>

#include "flavor.h"
#include "kvlist.h"

struct dracut_overlay {
	const char *key;          /* "rd.overlay" or "rd.live.overlay" */
	const char *value;        /* as given */
	char device[256];         /* the devspec part */
	char upper[PATH_MAX];     /* in the device, without the leading '/' */
	char work[PATH_MAX];      /* ovlwork beside upper */
	bool default_path;        /* no path given (or "auto") */
	bool read_only;           /* rd.overlay.readonly, rd.live.overlay.readonly */
	bool reset;               /* rd.overlay.reset, rd.live.overlay.reset */
};

/* The rd.overlay= (a devspec, not a 0/1/no/off flag) or else the
 * rd.live.overlay= value; NULL when neither names an overlay, or it is
 * "none" (dracut: a temporary overlay). key gets which one. */
const char *dracut_overlay_value(const struct kvlist *cmdline, const char **key);

/* True when the command line asks for a dracut persistent overlay. */
bool dracut_requested(const struct kvlist *cmdline);

/* True for rd.overlay.readonly / rd.live.overlay.readonly. */
bool dracut_read_only(const struct kvlist *cmdline);

/* Splits the value as dracut does (the devspec up to the first ':', the
 * path after the last one) and names the directories: without a path, or
 * with "auto", /<rd.live.dir or LiveOS>/overlay-<label>-<uuid>, label and
 * uuid being the live medium's. Returns 0, -ENOENT when no overlay is
 * asked, or -EINVAL (logged) for an empty device, a path with '.', '..' or
 * control characters, or "/". */
int dracut_overlay_parse(const struct kvlist *cmdline, const char *label, const char *uuid,
			 struct dracut_overlay *out);

/* Finds the device, opens it (e2fsck -p first unless read-only), applies
 * rd.live.overlay.reset and prepares the directories. On the partition
 * holding the ISO (mounted read-only; exFAT, FAT and NTFS cannot hold an
 * overlayfs upper) only an ext2/3/4 image file at the path can be used,
 * with overlayfs/ and ovlwork/ inside, as livecd-iso-to-disk makes it.
 * Returns 0 or -errno, logged. */
int dracut_open(const struct flavor_ctx *ctx, struct flavor_store *out);

#endif
