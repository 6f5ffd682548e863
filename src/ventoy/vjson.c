#include "vjson.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int refuse(struct vjson *doc, int ret, unsigned line, unsigned column, const char *fmt,
		  ...) __attribute__((format(printf, 5, 6)));

/* The text may quote the file (jansson adds "near '...'"): it goes on a log
 * line, so control characters are masked. */
static int refuse(struct vjson *doc, int ret, unsigned line, unsigned column, const char *fmt,
		  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(doc->error, sizeof(doc->error), fmt, ap);
	va_end(ap);
	for (char *c = doc->error; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	doc->line = line;
	doc->column = column;
	return ret;
}

/* Counts v and what it holds into doc->count; depth is v's own nesting
 * level. Stops at the first limit passed, so the recursion never goes
 * deeper than VJSON_MAX_DEPTH + 1. */
static int check_limits(json_t *v, unsigned depth, struct vjson *doc)
{
	const char *key;
	json_t *child;
	size_t i;
	int ret = 0;

	if (++doc->count > VJSON_MAX_VALUES)
		return refuse(doc, -E2BIG, 0, 0, "more than %d values", VJSON_MAX_VALUES);
	if (!json_is_array(v) && !json_is_object(v))
		return 0;
	if (depth > VJSON_MAX_DEPTH)
		return refuse(doc, -EINVAL, 0, 0, "arrays and objects nested more than %d deep",
			      VJSON_MAX_DEPTH);
	if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if ((ret = check_limits(child, depth + 1, doc)) < 0)
				break;
	} else {
		json_object_foreach(v, key, child)
			if ((ret = check_limits(child, depth + 1, doc)) < 0)
				break;
	}
	return ret;
}

/* jansson's columns start at 0 before a line's first character (an
 * unexpected end just after a newline); ours start at 1. */
static unsigned place(int n)
{
	return n < 1 ? 1 : (unsigned)n;
}

int vjson_parse(const char *text, size_t len, struct vjson *doc)
{
	/* Any top-level value, "\u0000" in strings (checked where it
	 * matters), and no silent choice between duplicate names. */
	const size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES;
	json_error_t err;
	int ret;

	memset(doc, 0, sizeof(*doc));
	if (len > VJSON_MAX_SIZE)
		return refuse(doc, -E2BIG, 0, 0, "larger than 1 MiB");
	if (len >= 2 && ((text[0] == '\xff' && text[1] == '\xfe') ||
			 (text[0] == '\xfe' && text[1] == '\xff')))
		return refuse(doc, -EINVAL, 1, 1, "the text is UTF-16; save it as UTF-8");
	/* Ventoy skips a byte-order mark too; jansson would call it a token. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	doc->root = json_loadb(text, len, flags, &err);
	if (!doc->root) {
		if (json_error_code(&err) == json_error_out_of_memory || !err.text[0])
			return refuse(doc, -ENOMEM, 0, 0, "out of memory");
		/* jansson calls a NUL byte the end of the text: say what it is */
		if (err.position > 0 && (size_t)err.position <= len && !text[err.position - 1])
			return refuse(doc, -EINVAL, place(err.line), place(err.column),
				      "a NUL byte (is the file UTF-16? save it as UTF-8)");
		return refuse(doc, -EINVAL, place(err.line), place(err.column), "%s", err.text);
	}
	ret = check_limits(doc->root, 1, doc);
	if (ret < 0) {
		json_decref(doc->root);
		doc->root = NULL;
	}
	return ret;
}

void vjson_free(struct vjson *doc)
{
	json_decref(doc->root);
	memset(doc, 0, sizeof(*doc));
}
