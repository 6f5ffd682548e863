/* Which medium the command line asks for, in the words of live-boot,
 * casper, dracut and archiso. */
#ifndef VTOY_MEDIUM_SOURCE_H
#define VTOY_MEDIUM_SOURCE_H

#include <stdbool.h>

#include "devspec.h"
#include "kvlist.h"

#define MEDIUM_TIMEOUT_DEFAULT_MS 30000

enum medium_where {
	MEDIUM_ANY_DEVICE,   /* search every device (see media) */
	MEDIUM_NAMED_DEVICE, /* only the device matching device */
};

enum medium_media {
	MEDIUM_MEDIA_ANY,
	MEDIUM_MEDIA_REMOVABLE,     /* live-media=removable */
	MEDIUM_MEDIA_REMOVABLE_USB, /* live-media=removable-usb */
};

struct medium_source {
	enum medium_where where;
	struct devspec device;   /* when MEDIUM_NAMED_DEVICE */
	enum medium_media media; /* only such devices are searched (MEDIUM_ANY_DEVICE only) */
	/* An ISO file on the device, absolute inside its partition; NULL: the
	 * device itself holds the live layout (a dd'd ISO, a CD, a partition
	 * with live/). */
	const char *iso_path;
	/* The option that chose this source, for messages: "fromiso",
	 * "iso-scan/filename", "findiso", "img_loop", "root", "archisolabel",
	 * "live-media", or "(scan)" when none did. */
	const char *key;
	const char *value;        /* its value as given; NULL for "(scan)" */
	/* live-media-path=, else rd.live.dir=, else archisobasedir=; NULL: automatic */
	const char *media_path;
	const char *media_path_key; /* which of them; NULL without media_path */
	const char *squashimg;    /* rd.live.squashimg= (NULL: squashfs.img) */
	const char *layerfs_path; /* layerfs-path= (casper) */
	const char *module;       /* module= (live-boot) */
	bool to_ram;              /* toram[=...], copytoram[=y|yes|1], rd.live.ram[=1]; not
				   * copytoram=n|no|0, rd.live.ram=0|no|off */
	const char *to_ram_key;   /* which of them; NULL when !to_ram */
	long timeout_ms;          /* live-media-timeout=, else rootdelay=, else 30 s */
	char spec_buf[256];       /* storage for devspec_parse's decoded value */
	char device_text[512];    /* fromiso='s device part, which device may point into */
};
/* device.value may point into the struct itself: do not copy one by value. */

/* Fills src from the command line; the strings point into cmdline and src.
 * Precedence, first wins (each lower one that also names a medium is logged
 * as ignored, with the reason):
 *   fromiso=/dev/DEV/PATH.iso           NAMED_DEVICE DEV + iso_path
 *   iso-scan/filename=, findiso=        ANY_DEVICE + iso_path
 *   img_loop= (+ img_dev= or img_label=)  NAMED_DEVICE, or ANY_DEVICE without them
 *   root=live:SPEC                      NAMED_DEVICE SPEC; or ANY_DEVICE +
 *                                       iso_path when SPEC is /PATH.iso
 *                                       (also root=SPEC with rd.live.image)
 *   archisolabel=L                      NAMED_DEVICE LABEL=L
 *   live-media=DEV                      NAMED_DEVICE DEV
 *   nothing                             ANY_DEVICE, no iso_path, key "(scan)"
 * live-media=removable|removable-usb sets media for an ANY_DEVICE search.
 * Returns 0, or -EINVAL with the option and the rule it breaks in why. */
int medium_source_resolve(const struct kvlist *cmdline, struct medium_source *src, char *why,
			  size_t why_len);

#endif
