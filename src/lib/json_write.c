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

static void member(struct jw *w, const char *key)
{
	if (w->need_comma[w->depth])
		fputc(',', w->out);
	w->need_comma[w->depth] = true;
	if (key) {
		put_escaped(w->out, key);
		fputc(':', w->out);
	}
}

void jw_begin(struct jw *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->need_comma[0] = false;
}

static void open_container(struct jw *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->out);
	if (w->depth + 1 < JW_DEPTH_MAX)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_container(struct jw *w, char c)
{
	fputc(c, w->out);
	if (w->depth > 0)
		w->depth--;
}

void jw_object(struct jw *w, const char *key) { open_container(w, key, '{'); }
void jw_array(struct jw *w, const char *key) { open_container(w, key, '['); }
void jw_end_object(struct jw *w) { close_container(w, '}'); }
void jw_end_array(struct jw *w) { close_container(w, ']'); }

void jw_string(struct jw *w, const char *key, const char *value)
{
	if (!value || !*value) {
		jw_null(w, key);
		return;
	}
	member(w, key);
	put_escaped(w->out, value);
}

void jw_bool(struct jw *w, const char *key, bool value)
{
	member(w, key);
	fputs(value ? "true" : "false", w->out);
}

void jw_number(struct jw *w, const char *key, long long value)
{
	member(w, key);
	fprintf(w->out, "%lld", value);
}

void jw_null(struct jw *w, const char *key)
{
	member(w, key);
	fputs("null", w->out);
}

void jw_finish(struct jw *w)
{
	fputc('\n', w->out);
	fflush(w->out);
}
