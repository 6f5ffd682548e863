/* Untrusted JSON text (ventoy.json, from the stick) parsed by jansson, within
 * our bounds.
 *
 * What is accepted is RFC 8259 as jansson reads it: UTF-8 only (a UTF-8
 * byte-order mark is skipped; UTF-16 is refused with a hint), no comments,
 * no trailing commas, strings decoded ("\u0000" included in values, refused
 * in member names), any value at the top level. Numbers that do not fit are
 * refused rather than rounded: integers outside 64 bits, reals beyond a
 * double.
 *
 * Duplicate member names are refused anywhere in the text. Ventoy takes the
 * first member of a name (of the type it wants); jansson can only keep the
 * last, which would silently disagree with Ventoy, so refusing (with the
 * line and column) is the one answer that never picks another store than
 * Ventoy's menu would. */
#ifndef VTOY_VJSON_H
#define VTOY_VJSON_H

#include <jansson.h>
#include <stddef.h>

#define VJSON_MAX_SIZE (1 << 20)  /* bytes of text */
#define VJSON_MAX_DEPTH 32        /* nested arrays and objects */
#define VJSON_MAX_VALUES 65536    /* values in the whole document */

struct vjson {
	json_t *root;        /* after a successful parse; vjson_free() releases it */
	size_t count;        /* values in the document, root included */
	/* After a failed parse: why, on one line, control characters shown as
	 * '?'; and where: line from 1, column from 1 in characters (not bytes).
	 * Every syntax error has a place. line and column are 0 for the limits
	 * we check before or after jansson's parse (size, depth, value count),
	 * which have none. */
	char error[JSON_ERROR_TEXT_LENGTH];
	unsigned line, column;
};

/* Parses len bytes of text. Returns 0, -EINVAL for text that is not JSON as
 * above or nested deeper than VJSON_MAX_DEPTH, -E2BIG when longer than
 * VJSON_MAX_SIZE or holding more than VJSON_MAX_VALUES values, or -ENOMEM;
 * doc->error says why on every failure. The value count is checked after
 * the parse, so memory while parsing is bounded by the size limit only: a
 * pathological 1 MiB text ("[{},{},...]") takes about 70 MiB for a moment.
 * (A failing allocator cannot cut that short: jansson 2.14's lexer reads
 * past its buffer when an allocation fails inside a token.) */
int vjson_parse(const char *text, size_t len, struct vjson *doc);
void vjson_free(struct vjson *doc);

#endif
