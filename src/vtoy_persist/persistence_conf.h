/* live-boot's persistence.conf: one "DIR [OPTIONS]" entry per line.
 * Parsed with live-boot's rules and results; where live-boot silently drops
 * a line or panics, the line is dropped and the reason logged with the file
 * name and line number. */
#ifndef VTOY_PERSISTENCE_CONF_H
#define VTOY_PERSISTENCE_CONF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define PCONF_LINE_MAX 4096

enum pconf_method {
	PCONF_BIND,  /* the default */
	PCONF_LINK,
	PCONF_UNION,
};

struct pconf_entry {
	char dest[PATH_MAX];   /* absolute, no trailing '/' (except "/") */
	char source[PATH_MAX]; /* relative to the volume root; "" is the root */
	enum pconf_method method;
	unsigned line;
};

struct pconf {
	struct pconf_entry *items; /* sorted by dest, parents first */
	size_t count;
};

/* Parses text (len bytes, may hold NULs). name is used in messages. */
int pconf_parse(const char *text, size_t len, const char *name, struct pconf *out);
void pconf_free(struct pconf *conf);

const char *pconf_method_name(enum pconf_method m);
/* The "/ union" entry (whole-root persistence), or NULL. */
const struct pconf_entry *pconf_root_union(const struct pconf *conf);

#endif
