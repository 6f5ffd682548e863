/* /ventoy/ventoy.json: a strict, bounded JSON parser (RFC 8259, without
 * recursion) and the lookup of Ventoy's persistence plugin in it. */
#ifndef VTOY_VENTOY_JSON_H
#define VTOY_VENTOY_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define VJSON_MAX_SIZE (1 << 20)  /* bytes of text */
#define VJSON_MAX_DEPTH 32        /* nested arrays and objects */
#define VJSON_MAX_VALUES 65536

enum vjson_type {
	VJSON_NULL,
	VJSON_FALSE,
	VJSON_TRUE,
	VJSON_NUMBER,
	VJSON_STRING,
	VJSON_ARRAY,
	VJSON_OBJECT,
};

/* Values are stored in document order: a container's children follow it,
 * and value + span is whatever comes after its whole subtree. */
struct vjson_value {
	enum vjson_type type;
	const char *key;   /* member name inside an object, else NULL */
	size_t key_len;
	const char *str;   /* STRING: decoded UTF-8, NUL-terminated */
	size_t len;        /* STRING: bytes in str (a "\u0000" escape counts) */
	long long integer; /* NUMBER: its value when is_integer */
	bool is_integer;   /* NUMBER: no fraction or exponent, fits a long long */
	size_t count;      /* ARRAY, OBJECT: children */
	size_t span;       /* 1 + values in the subtree */
};

struct vjson {
	struct vjson_value *values; /* values[0] is the root */
	size_t count;
	char *strings;
	/* After a failed parse: what and where (1-based). */
	const char *error;
	unsigned line, column;
};

/* Parses len bytes of text (a UTF-8 byte-order mark is skipped). Returns 0,
 * -EINVAL for malformed or too deeply nested text (doc->error says why),
 * -E2BIG when over the size or value limits, or -ENOMEM. */
int vjson_parse(const char *text, size_t len, struct vjson *doc);
void vjson_free(struct vjson *doc);

/* Children of an array or object: first, then next until NULL. */
const struct vjson_value *vjson_first(const struct vjson_value *parent);
const struct vjson_value *vjson_next(const struct vjson_value *parent,
				     const struct vjson_value *child);
/* The first member of obj named key, or NULL (also when obj is no object). */
const struct vjson_value *vjson_get(const struct vjson_value *obj, const char *key);

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
	char reason[256];         /* how it was chosen or why nothing was, for a log line */
};

/* Finds the persistence entry for iso_path in ventoy.json text and chooses a
 * backend (see ventoy_persistence_choose()). Returns 0 whether or not an
 * entry matched (out->matched, out->reason), -EINVAL/-E2BIG when the text
 * is not acceptable JSON (out->reason says where), or -ENOMEM. Free out with
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

#endif
