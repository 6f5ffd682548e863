/* Writing a JSON document to a stdio stream, for the machine-readable
 * status. Strings are escaped as RFC 8259 asks; the writer keeps track of
 * commas. Not a parser: bytes from a stick are only ever written out. */
#ifndef VTOY_JSON_WRITE_H
#define VTOY_JSON_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 16

struct json_writer {
	FILE *out;
	int depth;
	bool need_comma[JSON_DEPTH_MAX];
};

void json_begin(struct json_writer *w, FILE *out);
/* key is NULL inside arrays and at the top level. */
void json_object(struct json_writer *w, const char *key);
void json_array(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_end_array(struct json_writer *w);
/* A NULL or empty value is written as null: "" in the reports means unknown. */
void json_string(struct json_writer *w, const char *key, const char *value);
void json_bool(struct json_writer *w, const char *key, bool value);
void json_number(struct json_writer *w, const char *key, long long value);
void json_null(struct json_writer *w, const char *key);
/* Ends the document with a newline. */
void json_finish(struct json_writer *w);

#endif
