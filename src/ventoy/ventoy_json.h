/* Ventoy's persistence plugin in /ventoy/ventoy.json: which entry applies
 * to an ISO and which backend file it picks. The text is parsed by vjson
 * (jansson, within our bounds); the plugin's rules are Ventoy's, kept here. */
#ifndef VTOY_VENTOY_JSON_H
#define VTOY_VENTOY_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "vjson.h"

enum ventoy_autosel {
	VENTOY_AUTOSEL_ABSENT,
	VENTOY_AUTOSEL_SET,
	VENTOY_AUTOSEL_INVALID, /* present but not a whole number */
};

struct ventoy_persistence_choice {
	bool matched;             /* an entry's "image" matched the ISO path */
	size_t entry;             /* its index in the "persistence" array */
	char *image;              /* its "image" pattern */
	char **backends;          /* backend paths, in the entry's order */
	size_t count;
	size_t dropped;           /* removed by ventoy_persistence_drop_missing() */
	enum ventoy_autosel autosel_state;
	long long autosel;        /* when SET; counts from 1, 0 = no persistence */
	long long timeout;        /* seconds; -1 when absent or invalid */
	int chosen;               /* index into backends, or -1 for none */
	bool near_miss;           /* none matched, but an entry's image nearly does (reason names it) */
	bool skipped;             /* an entry matched but could not be used (reason says why) */
	char reason[256];         /* how it was chosen or why nothing was, for a log line */
};

/* Finds the persistence entry for iso_path in ventoy.json text and chooses a
 * backend (see ventoy_persistence_choose()). Returns 0 whether or not an
 * entry matched (out->matched, out->reason), -EINVAL/-E2BIG when the text
 * is not acceptable to vjson_parse() (out->reason says why, and where for
 * a syntax error: "line L, column C"), or -ENOMEM. Free out with
 * ventoy_persistence_choice_free(). */
int ventoy_json_persistence(const char *json, size_t len, const char *iso_path,
			    struct ventoy_persistence_choice *out);
/* The same, preferring Ventoy's per-boot-mode key "persistence_<mode>" (mode:
 * "legacy", "uefi", "ia32", "aa64" or "mips") when present; mode may be NULL. */
int ventoy_json_persistence_mode(const char *json, size_t len, const char *iso_path,
				 const char *mode, struct ventoy_persistence_choice *out);

/* Sets chosen and reason from backends and autosel. */
void ventoy_persistence_choose(struct ventoy_persistence_choice *c);
/* Drops the backends for which exists(path, ctx) returns 0, as Ventoy drops
 * missing files before numbering them for autosel, then chooses again.
 * Returns how many were dropped. */
size_t ventoy_persistence_drop_missing(struct ventoy_persistence_choice *c,
				       int (*exists)(const char *path, void *ctx), void *ctx);
void ventoy_persistence_choice_free(struct ventoy_persistence_choice *c);

/* What is likely wrong with a path typed into ventoy.json, for a message
 * ("it ends with a space", "it holds a doubled '/'"), or NULL. */
const char *ventoy_path_hint(const char *path);

#endif
