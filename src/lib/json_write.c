#include "json_write.h"

static void put_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			/* Labels and paths are bytes: control characters escaped,
			 * the rest passed through (UTF-8 stays UTF-8). */
			if (*c < 0x20 || *c == 0x7f)
				fprintf(out, "\\u%04x", *c);
			else
				fputc(*c, out);
		}
	}
	fputc('"', out);
}

static void member(struct json_writer *w, const char *key)
{
	if (w->need_comma[w->depth])
		fputc(',', w->out);
	w->need_comma[w->depth] = true;
	if (key) {
		put_escaped(w->out, key);
		fputc(':', w->out);
	}
}

void json_begin(struct json_writer *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->need_comma[0] = false;
}

static void open_container(struct json_writer *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->out);
	if (w->depth + 1 < JSON_DEPTH_MAX)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_container(struct json_writer *w, char c)
{
	fputc(c, w->out);
	if (w->depth > 0)
		w->depth--;
}

void json_object(struct json_writer *w, const char *key) { open_container(w, key, '{'); }
void json_array(struct json_writer *w, const char *key) { open_container(w, key, '['); }
void json_end_object(struct json_writer *w) { close_container(w, '}'); }
void json_end_array(struct json_writer *w) { close_container(w, ']'); }

void json_string(struct json_writer *w, const char *key, const char *value)
{
	if (!value || !*value) {
		json_null(w, key);
		return;
	}
	member(w, key);
	put_escaped(w->out, value);
}

void json_bool(struct json_writer *w, const char *key, bool value)
{
	member(w, key);
	fputs(value ? "true" : "false", w->out);
}

void json_number(struct json_writer *w, const char *key, long long value)
{
	member(w, key);
	fprintf(w->out, "%lld", value);
}

void json_null(struct json_writer *w, const char *key)
{
	member(w, key);
	fputs("null", w->out);
}

void json_finish(struct json_writer *w)
{
	fputc('\n', w->out);
	fflush(w->out);
}
