/* Device specifications as the command line gives them: LABEL=, CDLABEL=,
 * UUID=, PARTUUID=, PARTLABEL= and /dev/ paths, matched against probed
 * block devices. */
#ifndef VTOY_DEVSPEC_H
#define VTOY_DEVSPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "blkdev.h"

enum devspec_kind {
	DEVSPEC_PATH,
	DEVSPEC_LABEL,
	DEVSPEC_UUID,
	DEVSPEC_PARTUUID,
	DEVSPEC_PARTLABEL,
};

struct devspec {
	enum devspec_kind kind;
	const char *value; /* PATH: points into the parsed text; else into the caller's buf */
};

/* "CDLABEL=X" and "LABEL=X" give LABEL; "UUID=", "PARTUUID=", "PARTLABEL="
 * their kind, split by libblkid's blkid_parse_tag_string() (quotes around
 * the value removed: LABEL="My Stick") and the value copied into buf;
 * "/dev/..." a PATH pointing into text. /dev/disk/by-label/X, by-uuid/X,
 * by-partuuid/X and by-partlabel/X become LABEL, UUID, PARTUUID and
 * PARTLABEL with udev's \xNN escapes decoded into buf: no udev runs in our
 * initramfs, so those links do not exist there. Other /dev/disk/by-* links
 * (by-id, by-path) stay PATHs, which match only a kernel device name, or
 * the device the link resolves to where udev made it.
 * Returns 0, -EINVAL for an empty value, an unterminated quote, a PATH not
 * under /dev/ or with empty, '.' or '..' components, a decoded NUL or an
 * unknown form, -ENAMETOOLONG when a value does not fit in buf, or
 * -ENOMEM. */
int devspec_parse(const char *text, struct devspec *out, char *buf, size_t buf_len);

/* PATH: equal to dev->node or to /dev/ + dev->name; LABEL, PARTLABEL: exact
 * (case-sensitive, as blkid compares); UUID, PARTUUID: case-insensitive. */
bool devspec_matches(const struct devspec *spec, const struct blkdev *dev);

/* "LABEL=X", "/dev/sdb1"... for log lines; returns buf. */
const char *devspec_describe(const struct devspec *spec, char *buf, size_t len);

#endif
