/* dracut's persistent overlay options, for conv_dracut.c and its tests. */
#ifndef VTOY_CONV_DRACUT_H
#define VTOY_CONV_DRACUT_H

#include "convention.h"
#include "kvlist.h"

/* The rd.overlay= (a devspec, not a 0/1/no/off flag) or else the
 * rd.live.overlay= value; NULL when neither names an overlay, or it is
 * "none" (dracut: a temporary overlay). key gets which one. */
const char *dracut_overlay_value(const struct kvlist *cmdline, const char **key);

/* Splits the value as dracut does (the devspec up to the first ':', the
 * path after the last one) and names the directories: without a path, or
 * with "auto", /<rd.live.dir or LiveOS>/overlay-<label>-<uuid>, label and
 * uuid being the live medium's. Returns 0, -ENOENT when no overlay is
 * asked, or -EINVAL (logged) for an empty device, a path with '.', '..' or
 * control characters, or "/". */
int dracut_overlay_parse(const struct kvlist *cmdline, const char *label, const char *uuid,
			 struct dracut_overlay *out);

#endif
