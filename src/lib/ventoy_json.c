#include "ventoy_json.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safepath.h"

enum want {
	WANT_VALUE,
	WANT_VALUE_OR_CLOSE, /* just after '[' */
	WANT_KEY,
	WANT_KEY_OR_CLOSE,   /* just after '{' */
	WANT_COMMA_OR_CLOSE,
};

struct parser {
	const char *s;
	size_t len, pos;
	struct vjson *doc;
	size_t capacity;
	char *out;                     /* next free byte in doc->strings */
	size_t stack[VJSON_MAX_DEPTH]; /* open containers, as value indexes */
	int depth;
	const char *key;               /* member name for the next value */
	size_t key_len;
};

static int fail(struct parser *p, const char *what)
{
	unsigned line = 1, column = 1;

	for (size_t i = 0; i < p->pos && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	p->doc->error = what;
	p->doc->line = line;
	p->doc->column = column;
	return -EINVAL;
}

static int add_value(struct parser *p, enum vjson_type type)
{
	struct vjson *doc = p->doc;
	struct vjson_value *v;

	if (doc->count == VJSON_MAX_VALUES) {
		doc->error = "too many values";
		return -E2BIG;
	}
	if (doc->count == p->capacity) {
		size_t cap = p->capacity ? p->capacity * 2 : 64;
		struct vjson_value *grown = realloc(doc->values, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		doc->values = grown;
		p->capacity = cap;
	}
	v = &doc->values[doc->count];
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->span = 1;
	if (p->depth > 0) {
		struct vjson_value *parent = &doc->values[p->stack[p->depth - 1]];

		parent->count++;
		if (parent->type == VJSON_OBJECT) {
			v->key = p->key;
			v->key_len = p->key_len;
		}
	}
	return (int)doc->count++;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		*d++ = (char)cp;
	} else if (cp < 0x800) {
		*d++ = (char)(0xc0 | cp >> 6);
		*d++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*d++ = (char)(0xe0 | cp >> 12);
		*d++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*d++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*d++ = (char)(0xf0 | cp >> 18);
		*d++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*d++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*d++ = (char)(0x80 | (cp & 0x3f));
	}
	return d;
}

/* \uXXXX at p->pos (after the backslash and 'u'), with a following low
 * surrogate when XXXX is a high one. */
static int unicode_escape(struct parser *p, unsigned *cp)
{
	unsigned lo;

	if (p->len - p->pos < 4 || hex4(p->s + p->pos, cp) < 0)
		return fail(p, "bad \\u escape: four hexadecimal digits expected");
	p->pos += 4;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return fail(p, "bad \\u escape: a low surrogate without a high one");
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 0;
	if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
	    hex4(p->s + p->pos + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
		return fail(p, "bad \\u escape: a high surrogate without a low one");
	p->pos += 6;
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* A string at p->pos (on its opening quote), decoded into doc->strings.
 * Decoded text plus its NUL never outgrows the quoted source, so
 * doc->strings (the size of the whole text) cannot overflow. Bytes from
 * 0x80 up are kept as they are, as Ventoy keeps them. */
static int parse_string(struct parser *p, const char **str, size_t *len)
{
	char *start = p->out, *d = p->out;

	p->pos++;
	for (;;) {
		unsigned char c;

		if (p->pos >= p->len)
			return fail(p, "unterminated string");
		c = (unsigned char)p->s[p->pos];
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(p, "control character inside a string");
		p->pos++;
		if (c != '\\') {
			*d++ = (char)c;
			continue;
		}
		if (p->pos >= p->len)
			return fail(p, "unterminated string");
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"': case '\\': case '/': *d++ = (char)c; break;
		case 'b': *d++ = '\b'; break;
		case 'f': *d++ = '\f'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case 't': *d++ = '\t'; break;
		case 'u': {
			unsigned cp;
			int ret = unicode_escape(p, &cp);

			if (ret < 0)
				return ret;
			d = put_utf8(d, cp);
			break;
		}
		default:
			p->pos--;
			return fail(p, "unknown escape in a string");
		}
	}
	p->pos++;
	*d++ = '\0';
	p->out = d;
	*str = start;
	*len = (size_t)(d - start) - 1;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(struct parser *p, struct vjson_value *v)
{
	const char *s = p->s;
	size_t i = p->pos, n = p->len;
	unsigned long long mag = 0;
	bool neg = false, whole = true, overflow = false;

	if (s[i] == '-') {
		neg = true;
		i++;
	}
	if (i >= n || !is_digit(s[i]))
		return fail(p, "bad number");
	if (s[i] == '0' && i + 1 < n && is_digit(s[i + 1]))
		return fail(p, "bad number: leading zero");
	for (; i < n && is_digit(s[i]); i++) {
		unsigned digit = (unsigned)(s[i] - '0');

		if (mag > (ULLONG_MAX - digit) / 10)
			overflow = true;
		else
			mag = mag * 10 + digit;
	}
	if (i < n && s[i] == '.') {
		whole = false;
		if (++i >= n || !is_digit(s[i]))
			return p->pos = i, fail(p, "bad number: digits expected after '.'");
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		whole = false;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return p->pos = i, fail(p, "bad number: digits expected in the exponent");
		while (i < n && is_digit(s[i]))
			i++;
	}
	p->pos = i;
	if (whole && !overflow && mag <= LLONG_MAX) {
		v->is_integer = true;
		v->integer = neg ? -(long long)mag : (long long)mag;
	}
	return 0;
}

static int parse_literal(struct parser *p, const char *word, enum vjson_type type)
{
	size_t n = strlen(word);
	int idx;

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, "unexpected character");
	idx = add_value(p, type);
	if (idx < 0)
		return idx;
	p->pos += n;
	return 0;
}

/* One value starting at p->pos; containers are only opened here. */
static int parse_value(struct parser *p, enum want *next)
{
	char c = p->s[p->pos];
	int idx, ret;

	*next = WANT_COMMA_OR_CLOSE;
	switch (c) {
	case '{':
	case '[':
		if (p->depth == VJSON_MAX_DEPTH)
			return fail(p, "nested too deeply");
		idx = add_value(p, c == '{' ? VJSON_OBJECT : VJSON_ARRAY);
		if (idx < 0)
			return idx;
		p->stack[p->depth++] = (size_t)idx;
		p->pos++;
		*next = c == '{' ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE;
		return 0;
	case '"': {
		const char *str;
		size_t len;

		ret = parse_string(p, &str, &len);
		if (ret < 0)
			return ret;
		idx = add_value(p, VJSON_STRING);
		if (idx < 0)
			return idx;
		p->doc->values[idx].str = str;
		p->doc->values[idx].len = len;
		return 0;
	}
	case 't': return parse_literal(p, "true", VJSON_TRUE);
	case 'f': return parse_literal(p, "false", VJSON_FALSE);
	case 'n': return parse_literal(p, "null", VJSON_NULL);
	default:
		if (c != '-' && !is_digit(c))
			return fail(p, "unexpected character");
		idx = add_value(p, VJSON_NUMBER);
		if (idx < 0)
			return idx;
		return parse_number(p, &p->doc->values[idx]);
	}
}

static void close_container(struct parser *p)
{
	size_t idx = p->stack[--p->depth];

	p->doc->values[idx].span = p->doc->count - idx;
	p->pos++;
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int parse(struct parser *p)
{
	enum want want = WANT_VALUE;

	for (;;) {
		bool in_object;
		char c;
		int ret;

		skip_space(p);
		if (want == WANT_COMMA_OR_CLOSE && p->depth == 0) {
			if (p->pos != p->len)
				return fail(p, "trailing characters after the JSON text");
			return 0;
		}
		if (p->pos == p->len)
			return fail(p, "unexpected end of text");
		c = p->s[p->pos];
		in_object = p->depth > 0 &&
			    p->doc->values[p->stack[p->depth - 1]].type == VJSON_OBJECT;
		switch (want) {
		case WANT_VALUE_OR_CLOSE:
		case WANT_KEY_OR_CLOSE:
			if (c == (in_object ? '}' : ']')) {
				close_container(p);
				want = WANT_COMMA_OR_CLOSE;
			} else {
				want = want == WANT_KEY_OR_CLOSE ? WANT_KEY : WANT_VALUE;
			}
			break;
		case WANT_KEY:
			if (c != '"')
				return fail(p, "expected a member name in double quotes");
			ret = parse_string(p, &p->key, &p->key_len);
			if (ret < 0)
				return ret;
			skip_space(p);
			if (p->pos == p->len || p->s[p->pos] != ':')
				return fail(p, "expected ':' after a member name");
			p->pos++;
			want = WANT_VALUE;
			break;
		case WANT_VALUE:
			ret = parse_value(p, &want);
			if (ret < 0)
				return ret;
			break;
		case WANT_COMMA_OR_CLOSE:
			if (c == ',') {
				p->pos++;
				want = in_object ? WANT_KEY : WANT_VALUE;
			} else if (c == (in_object ? '}' : ']')) {
				close_container(p);
			} else {
				return fail(p, in_object ? "expected ',' or '}'"
							 : "expected ',' or ']'");
			}
			break;
		}
	}
}

int vjson_parse(const char *text, size_t len, struct vjson *doc)
{
	struct parser p = { .s = text, .len = len, .doc = doc };
	int ret;

	memset(doc, 0, sizeof(*doc));
	if (len > VJSON_MAX_SIZE) {
		doc->error = "larger than 1 MiB";
		return -E2BIG;
	}
	if (len >= 2 && ((text[0] == '\xff' && text[1] == '\xfe') ||
			 (text[0] == '\xfe' && text[1] == '\xff')))
		return fail(&p, "the text is UTF-16; save it as UTF-8");
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p.pos = 3;
	doc->strings = malloc(len + 1);
	if (!doc->strings)
		return -ENOMEM;
	p.out = doc->strings;
	ret = parse(&p);
	if (ret < 0) {
		const char *error = doc->error;
		unsigned line = doc->line, column = doc->column;

		vjson_free(doc);
		doc->error = error;
		doc->line = line;
		doc->column = column;
	}
	return ret;
}

void vjson_free(struct vjson *doc)
{
	free(doc->values);
	free(doc->strings);
	memset(doc, 0, sizeof(*doc));
}

const struct vjson_value *vjson_first(const struct vjson_value *parent)
{
	if ((parent->type != VJSON_ARRAY && parent->type != VJSON_OBJECT) || parent->count == 0)
		return NULL;
	return parent + 1;
}

const struct vjson_value *vjson_next(const struct vjson_value *parent,
				     const struct vjson_value *child)
{
	const struct vjson_value *next = child + child->span;

	return next < parent + parent->span ? next : NULL;
}

const struct vjson_value *vjson_get(const struct vjson_value *obj, const char *key)
{
	size_t len = strlen(key);

	if (obj->type != VJSON_OBJECT)
		return NULL;
	for (const struct vjson_value *m = vjson_first(obj); m; m = vjson_next(obj, m))
		if (m->key_len == len && memcmp(m->key, key, len) == 0)
			return m;
	return NULL;
}

/* ---- Ventoy's persistence plugin ---- */

static void say(struct ventoy_persistence_choice *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct ventoy_persistence_choice *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* Untrusted text for a log line: control characters become '?', long text
 * is cut. */
static const char *printable(const char *s, char buf[static 96])
{
	size_t i;

	for (i = 0; s[i] && i < 95; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (s[i])
		memcpy(buf + 92, "...", 3);
	buf[i] = '\0';
	return buf;
}

/* Ventoy compares the whole path, case-sensitively; '*' in the pattern
 * stands for exactly one byte. */
static bool image_matches(const struct vjson_value *image, const char *iso_path)
{
	if (image->len != strlen(iso_path))
		return false;
	for (size_t i = 0; i < image->len; i++)
		if (image->str[i] != iso_path[i] && image->str[i] != '*')
			return false;
	return true;
}

static bool backend_path_ok(const struct vjson_value *v)
{
	return v->type == VJSON_STRING && v->str[0] == '/' && strlen(v->str) == v->len &&
	       safepath_check(v->str) == 0;
}

static int add_backend(struct ventoy_persistence_choice *c, const char *path)
{
	char **grown = realloc(c->backends, (c->count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	c->backends = grown;
	c->backends[c->count] = strdup(path);
	if (!c->backends[c->count])
		return -ENOMEM;
	c->count++;
	return 0;
}

static void free_backends(struct ventoy_persistence_choice *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->backends[i]);
	free(c->backends);
	c->backends = NULL;
	c->count = 0;
}

/* Reads backends, autosel and timeout of a matching entry. Like Ventoy, an
 * entry whose backend is missing, of the wrong type or holds a bad path is
 * not an entry at all (a later one may match): returns 1 and says why in
 * problem. Returns 0 when taken, or -ENOMEM. */
static int take_entry(const struct vjson_value *e, struct ventoy_persistence_choice *c,
		      const char **problem)
{
	const struct vjson_value *backend = vjson_get(e, "backend"), *v;
	int ret = 0;

	if (!backend) {
		*problem = "it has no \"backend\"";
		return 1;
	}
	if (backend->type == VJSON_STRING) {
		if (!backend_path_ok(backend)) {
			*problem = "its backend is not a clean absolute path";
			return 1;
		}
		ret = add_backend(c, backend->str);
	} else if (backend->type == VJSON_ARRAY) {
		for (v = vjson_first(backend); v; v = vjson_next(backend, v))
			if (!backend_path_ok(v)) {
				*problem = "one of its backends is not a clean absolute path";
				return 1;
			}
		for (v = vjson_first(backend); v && ret == 0; v = vjson_next(backend, v))
			ret = add_backend(c, v->str);
	} else {
		*problem = "its \"backend\" is neither a string nor an array";
		return 1;
	}
	if (ret < 0)
		return ret;

	v = vjson_get(e, "autosel");
	if (!v) {
		c->autosel_state = VENTOY_AUTOSEL_ABSENT;
	} else if (v->type == VJSON_NUMBER && v->is_integer) {
		c->autosel_state = VENTOY_AUTOSEL_SET;
		c->autosel = v->integer;
	} else {
		c->autosel_state = VENTOY_AUTOSEL_INVALID;
	}
	v = vjson_get(e, "timeout");
	c->timeout = -1;
	if (v && v->type == VJSON_NUMBER && v->is_integer && v->integer >= 0)
		c->timeout = v->integer;
	return 0;
}

/* Ventoy's GRUB side prepends each entry it parses to its list, so of two
 * entries matching one ISO the last in the file is used: so here. */
static int find_entry(const struct vjson_value *list, const char *iso_path,
		      struct ventoy_persistence_choice *c)
{
	const struct vjson_value **matches, *e;
	size_t *index, i = 0, n = 0;
	bool refused = false;
	char a[96], b[96];
	int ret = 0;

	matches = calloc(list->count ? list->count : 1, sizeof(*matches));
	index = calloc(list->count ? list->count : 1, sizeof(*index));
	if (!matches || !index) {
		free(matches);
		free(index);
		return -ENOMEM;
	}
	for (e = vjson_first(list); e; e = vjson_next(list, e), i++) {
		const struct vjson_value *image = vjson_get(e, "image");

		if (image && image->type == VJSON_STRING && image->str[0] == '/' &&
		    image_matches(image, iso_path)) {
			index[n] = i;
			matches[n++] = e;
		}
	}
	while (n-- > 0) {
		const struct vjson_value *image = vjson_get(matches[n], "image");
		const char *problem = NULL;

		i = index[n];
		ret = take_entry(matches[n], c, &problem);
		if (ret < 0)
			break;
		if (ret > 0) {
			free_backends(c);
			if (!refused)
				say(c, "persistence entry %zu (%s) matches but is skipped: %s",
				    i + 1, printable(image->str, a), problem);
			refused = true;
			ret = 0;
			continue;
		}
		c->matched = true;
		c->entry = i;
		c->image = strdup(image->str);
		if (!c->image)
			ret = -ENOMEM;
		else
			ventoy_persistence_choose(c);
		free(matches);
		free(index);
		return ret;
	}
	free(matches);
	free(index);
	if (ret == 0 && !refused)
		say(c, "no persistence entry matches %s", printable(iso_path, b));
	return ret;
}

int ventoy_json_persistence_mode(const char *json, size_t len, const char *iso_path,
				 const char *mode, struct ventoy_persistence_choice *out)
{
	const struct vjson_value *root, *list = NULL;
	struct vjson doc;
	char key[64];
	int ret;

	memset(out, 0, sizeof(*out));
	out->chosen = -1;
	out->timeout = -1;
	ret = vjson_parse(json, len, &doc);
	if (ret < 0) {
		if (doc.error && ret == -EINVAL)
			say(out, "not valid JSON: line %u, column %u: %s", doc.line, doc.column,
			    doc.error);
		else
			say(out, "not read: %s", doc.error ? doc.error : strerror(-ret));
		return ret;
	}
	root = doc.values;
	if (root->type != VJSON_OBJECT) {
		say(out, "the top level is not an object");
		goto out;
	}
	if (mode && (size_t)snprintf(key, sizeof(key), "persistence_%s", mode) < sizeof(key))
		list = vjson_get(root, key);
	if (!list)
		list = vjson_get(root, "persistence");
	if (!list)
		say(out, "no persistence plugin");
	else if (list->type != VJSON_ARRAY)
		say(out, "\"%s\" is not an array", list->key);
	else
		ret = find_entry(list, iso_path, out);
out:
	vjson_free(&doc);
	if (ret < 0) {
		ventoy_persistence_choice_free(out);
		say(out, "%s", strerror(-ret));
	}
	return ret;
}

int ventoy_json_persistence(const char *json, size_t len, const char *iso_path,
			    struct ventoy_persistence_choice *out)
{
	return ventoy_json_persistence_mode(json, len, iso_path, NULL, out);
}

/* Ventoy shows a menu whenever an entry has backends, even a single one, and
 * autosel only preselects in it. We have no menu, so: autosel N picks the
 * Nth backend, autosel 0 picks none; without autosel a lone backend is
 * taken, and of several none is (guessing would write to the wrong store). */
void ventoy_persistence_choose(struct ventoy_persistence_choice *c)
{
	bool set = c->autosel_state == VENTOY_AUTOSEL_SET;

	c->chosen = -1;
	if (set && c->autosel == 0) {
		say(c, "autosel 0");
	} else if (c->count == 0 && c->dropped) {
		say(c, "no backend file exists (%zu missing)", c->dropped);
	} else if (c->count == 0) {
		say(c, "the entry lists no backend");
	} else if (c->autosel_state == VENTOY_AUTOSEL_INVALID) {
		say(c, "autosel is not a whole number");
	} else if (set && c->autosel >= 1 && (unsigned long long)c->autosel <= c->count) {
		c->chosen = (int)(c->autosel - 1);
		say(c, "autosel %lld", c->autosel);
	} else if (set) {
		say(c, "autosel %lld out of range 1..%zu", c->autosel, c->count);
	} else if (c->count == 1) {
		c->chosen = 0;
		say(c, "the only backend, no autosel");
	} else {
		say(c, "several backends, no autosel");
	}
}

size_t ventoy_persistence_drop_missing(struct ventoy_persistence_choice *c,
				       int (*exists)(const char *path, void *ctx), void *ctx)
{
	size_t kept = 0, dropped;

	for (size_t i = 0; i < c->count; i++) {
		if (exists(c->backends[i], ctx))
			c->backends[kept++] = c->backends[i];
		else
			free(c->backends[i]);
	}
	dropped = c->count - kept;
	c->count = kept;
	c->dropped += dropped;
	if (c->matched)
		ventoy_persistence_choose(c);
	return dropped;
}

void ventoy_persistence_choice_free(struct ventoy_persistence_choice *c)
{
	free_backends(c);
	free(c->image);
	c->image = NULL;
	c->matched = false;
	c->chosen = -1;
}
