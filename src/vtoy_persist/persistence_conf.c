#include "persistence_conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "safepath.h"


const char *pconf_method_name(enum pconf_method m)
{
	switch (m) {
	case PCONF_BIND: return "bind";
	case PCONF_LINK: return "link";
	case PCONF_UNION: return "union";
	}
	return "?";
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

/* Destination rules: absolute, no "." or ".." components, not under /lib
 * (live-boot compares a plain prefix, so /lib64 and /library count too),
 * not /run/live or below. Returns NULL when acceptable, else the reason. */
static const char *dest_problem(const char *dest)
{
	if (dest[0] != '/')
		return "is not an absolute path";
	if (strcmp(dest, "/") != 0 && safepath_check(dest) < 0)
		return "has '.' or '..' components or control characters";
	if (strncmp(dest, "/lib", 4) == 0)
		return "starts with /lib, which live-boot never lets persistence cover";
	if (strcmp(dest, "/run/live") == 0 || strncmp(dest, "/run/live/", 10) == 0)
		return "is /run/live or below it, where live-boot keeps its own mounts";
	return NULL;
}

/* "//home//x/" -> "/home/x": one spelling per directory. */
static void normalize_slashes(char *path)
{
	size_t out = 0;

	for (size_t in = 0; path[in]; in++)
		if (path[in] != '/' || out == 0 || path[out - 1] != '/')
			path[out++] = path[in];
	while (out > 1 && path[out - 1] == '/')
		out--;
	path[out] = '\0';
}

/* One line into e; 1: an entry, 0: blank or comment, -EINVAL: dropped (logged). */
static int parse_line(const char *line, size_t len, const char *name, unsigned nr,
		      struct pconf_entry *e)
{
	char buf[PCONF_LINE_MAX + 1], *tok, *save = NULL;
	const char *problem;
	bool have_source = false;

	if (len > PCONF_LINE_MAX) {
		log_warn("%s:%u: line ignored: longer than %d bytes", name, nr, PCONF_LINE_MAX);
		return -EINVAL;
	}
	if (memchr(line, '\0', len)) {
		log_warn("%s:%u: line ignored: it holds a NUL byte", name, nr);
		return -EINVAL;
	}
	if (len > 0 && line[len - 1] == '\r') {
		log_warn("%s:%u: line ignored, as live-boot ignores it: it ends with a carriage "
			 "return (CRLF line endings, saved by a Windows editor?); convert the file "
			 "to LF line endings", name, nr);
		return -EINVAL;
	}
	if (nr == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		log_warn("%s:%u: line ignored, as live-boot ignores it: the file starts with a "
			 "UTF-8 byte-order mark; save it without one", name, nr);
		return -EINVAL;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';

	tok = strtok_r(buf, " \t", &save);
	if (!tok || tok[0] == '#')
		return 0;
	memset(e, 0, sizeof(*e));
	e->line = nr;
	e->method = PCONF_BIND;
	if (strlen(tok) >= sizeof(e->dest)) {
		log_warn("%s:%u: line ignored: destination too long", name, nr);
		return -EINVAL;
	}
	strcpy(e->dest, tok);
	normalize_slashes(e->dest);
	problem = dest_problem(e->dest);
	if (problem) {
		log_warn("%s:%u: line ignored: destination '%s' %s", name, nr, tok, problem);
		return -EINVAL;
	}

	/* The rest: options separated by commas and/or white space. */
	for (char *p = save ? save : buf + len; *p;) {
		char opt[PCONF_LINE_MAX + 1];
		size_t n = 0;

		while (*p && is_sep(*p))
			p++;
		while (*p && !is_sep(*p))
			opt[n++] = *p++;
		opt[n] = '\0';
		if (n == 0)
			break;
		if (!strcmp(opt, "bind")) {
			e->method = PCONF_BIND;
		} else if (!strcmp(opt, "link")) {
			e->method = PCONF_LINK;
		} else if (!strcmp(opt, "union")) {
			e->method = PCONF_UNION;
		} else if (!strncmp(opt, "source=", 7)) {
			const char *src = opt + 7;

			if (!strcmp(src, ".")) {
				e->source[0] = '\0';
			} else if (src[0] == '/' || safepath_check(src) < 0 || strpbrk(src, ":\\") ||
				   strlen(src) >= sizeof(e->source)) {
				log_warn("%s:%u: line ignored: source '%s' must be a path relative to "
					 "the volume root without '.' or '..' components, ':' or '\\' "
					 "(or '.' for the root)", name, nr, src);
				return -EINVAL;
			} else {
				strcpy(e->source, src);
				normalize_slashes(e->source);
			}
			have_source = true;
		} else {
			log_warn("%s:%u: line ignored, as live-boot ignores it: unknown option "
				 "'%s'%s", name, nr, opt,
				 opt[0] == '#' ? " (a comment must be on a line of its own)" : "");
			return -EINVAL;
		}
	}
	if (!have_source)
		strcpy(e->source, e->dest + 1); /* "/home" -> "home", "/" -> "" */
	return 1;
}

/* a and b are equal, or one is inside the other ("" is the volume root). */
static bool sources_nest(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	const char *shorter = la <= lb ? a : b, *longer = la <= lb ? b : a;
	size_t ls = la <= lb ? la : lb;

	if (ls == 0)
		return true;
	return strncmp(shorter, longer, ls) == 0 && (longer[ls] == '\0' || longer[ls] == '/');
}

static int by_dest_then_line(const void *x, const void *y)
{
	const struct pconf_entry *a = x, *b = y;
	int c = strcmp(a->dest, b->dest);

	return c ? c : (a->line > b->line) - (a->line < b->line);
}

int pconf_parse(const char *text, size_t len, const char *name, struct pconf *out)
{
	size_t cap = 0, kept = 0;
	unsigned nr = 0;

	out->items = NULL;
	out->count = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct pconf_entry e;

		nr++;
		if (parse_line(text + pos, line_len, name, nr, &e) == 1) {
			if (out->count == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				struct pconf_entry *grown = realloc(out->items, ncap * sizeof(*grown));

				if (!grown) {
					pconf_free(out);
					return -ENOMEM;
				}
				out->items = grown;
				cap = ncap;
			}
			out->items[out->count++] = e;
		}
		pos += line_len + 1;
	}

	if (out->count > 1)
		qsort(out->items, out->count, sizeof(*out->items), by_dest_then_line);
	for (size_t i = 0; i < out->count; i++) {
		struct pconf_entry *e = &out->items[i];
		bool drop = false;

		for (size_t j = 0; j < kept && !drop; j++) {
			const struct pconf_entry *k = &out->items[j];

			if (!strcmp(k->dest, e->dest)) {
				log_warn("%s:%u: line ignored: %s is already given on line %u (the "
					 "first entry for a directory wins)", name, e->line, e->dest,
					 k->line);
				drop = true;
			} else if (sources_nest(k->source, e->source)) {
				log_warn("%s:%u: line ignored: its source '%s' overlaps line %u's "
					 "source '%s' on the same volume (live-boot stops the boot "
					 "here)%s", name, e->line, *e->source ? e->source : ".", k->line,
					 *k->source ? k->source : ".",
					 !strcmp(k->dest, "/") ? "; '/ union' must be the only entry" : "");
				drop = true;
			}
		}
		if (!drop)
			out->items[kept++] = *e;
	}
	out->count = kept;
	return 0;
}

void pconf_free(struct pconf *conf)
{
	free(conf->items);
	conf->items = NULL;
	conf->count = 0;
}

const struct pconf_entry *pconf_root_union(const struct pconf *conf)
{
	for (size_t i = 0; i < conf->count; i++)
		if (!strcmp(conf->items[i].dest, "/") && conf->items[i].method == PCONF_UNION)
			return &conf->items[i];
	return NULL;
}
