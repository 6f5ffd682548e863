/* Which medium the command line asks for. */
#ifndef VTOY_MEDIUM_SOURCE_H
#define VTOY_MEDIUM_SOURCE_H

#include "kvlist.h"

#define MEDIUM_TIMEOUT_DEFAULT_MS 30000

enum medium_kind {
	MEDIUM_NONE,
	MEDIUM_ISO_FILE, /* an ISO file on some partition */
};

struct medium_source {
	enum medium_kind kind;
	const char *iso_path;   /* path of the ISO inside its partition */
	const char *iso_key;    /* the option that named it */
	const char *media_path; /* live-media-path=, or NULL: casper/ then live/ */
	long timeout_ms;        /* how long to wait for the device */
};

/* Fills src from the command line. Returns 0, or -EINVAL with a reason in
 * why (for a malformed path), or -ENOENT when no source is named. */
int medium_source_resolve(const struct kvlist *cmdline, struct medium_source *src, char *why,
			  size_t why_len);

#endif
