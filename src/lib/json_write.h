/* Writing a JSON document to a stdio stream, for the machine-readable
 * status (jw_: jansson, which we link, owns the json_ names). Strings are
 * escaped as RFC 8259 asks; the writer keeps track of commas. Not a parser:
 * bytes from a stick are only ever written out. */
#ifndef VTOY_JSON_WRITE_H
#define VTOY_JSON_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#define JW_DEPTH_MAX 16

struct jw {
	FILE *out;
	int depth;
	bool need_comma[JW_DEPTH_MAX];
};

void jw_begin(struct jw *w, FILE *out);
/* key is NULL inside arrays and at the top level. */
void jw_object(struct jw *w, const char *key);
void jw_array(struct jw *w, const char *key);
void jw_end_object(struct jw *w);
void jw_end_array(struct jw *w);
/* A NULL or empty value is written as null: "" in the reports means unknown. */
void jw_string(struct jw *w, const char *key, const char *value);
void jw_bool(struct jw *w, const char *key, bool value);
void jw_number(struct jw *w, const char *key, long long value);
void jw_null(struct jw *w, const char *key);
/* Ends the document with a newline. */
void jw_finish(struct jw *w);

#endif
