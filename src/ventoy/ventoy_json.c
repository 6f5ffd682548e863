#include "ventoy_json.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safepath.h"

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
static bool image_matches(const json_t *image, const char *iso_path)
{
	const char *pattern = json_string_value(image);
	size_t len = json_string_length(image);

	if (len != strlen(iso_path))
		return false;
	for (size_t i = 0; i < len; i++)
		if (pattern[i] != iso_path[i] && pattern[i] != '*')
			return false;
	return true;
}

/* A string holding "\u0000" is not a path: strlen() would cut it short. */
static bool backend_path_ok(const json_t *v)
{
	const char *path = json_string_value(v);

	return path && path[0] == '/' && strlen(path) == json_string_length(v) &&
	       safepath_check(path) == 0;
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

const char *ventoy_path_hint(const char *path)
{
	size_t len = strlen(path);

	if (len && (isspace((unsigned char)path[0]) || isspace((unsigned char)path[len - 1])))
		return isspace((unsigned char)path[len - 1]) ? "it ends with a space"
							      : "it begins with a space";
	if (strstr(path, "//"))
		return "it holds a doubled '/'";
	return NULL;
}

/* path without surrounding spaces and with each run of '/' made one, in
 * buf; NULL when it does not fit. */
static const char *normalized(const char *path, char *buf, size_t len)
{
	size_t n = 0, end = strlen(path);

	while (*path && isspace((unsigned char)*path))
		path++, end--;
	while (end && isspace((unsigned char)path[end - 1]))
		end--;
	for (size_t i = 0; i < end; i++) {
		if (path[i] == '/' && n && buf[n - 1] == '/')
			continue;
		if (n + 1 >= len)
			return NULL;
		buf[n++] = path[i];
	}
	buf[n] = '\0';
	return buf;
}

/* Why an entry's image that did not match looks meant for iso_path: it
 * matches once spaces around it and doubled '/' are left out, or but for
 * case. NULL when it does not look so. */
static const char *near_miss(const char *image, const char *iso_path)
{
	char a[4096], b[4096];
	const char *hint = ventoy_path_hint(image);

	if (!normalized(image, a, sizeof(a)) || !normalized(iso_path, b, sizeof(b)))
		return NULL;
	if (hint && !strcmp(a, b))
		return hint;
	if (!strcasecmp(a, b))
		return "it differs in upper and lower case";
	return NULL;
}

/* Reads backends, autosel and timeout of a matching entry. Like Ventoy, an
 * entry whose backend is missing, of the wrong type or holds a bad path is
 * not an entry at all (a later one may match): returns 1 and says why in
 * problem. Returns 0 when taken, or -ENOMEM. */
static int take_entry(const json_t *e, struct ventoy_persistence_choice *c,
		      const char **problem)
{
	const json_t *backend = json_object_get(e, "backend"), *v;
	size_t i;
	int ret = 0;

	if (!backend) {
		*problem = "it has no \"backend\"";
		return 1;
	}
	if (json_is_string(backend)) {
		if (!backend_path_ok(backend)) {
			*problem = "its backend is not a clean absolute path";
			return 1;
		}
		ret = add_backend(c, json_string_value(backend));
	} else if (json_is_array(backend)) {
		json_array_foreach(backend, i, v)
			if (!backend_path_ok(v)) {
				*problem = "one of its backends is not a clean absolute path";
				return 1;
			}
		for (i = 0; i < json_array_size(backend) && ret == 0; i++)
			ret = add_backend(c, json_string_value(json_array_get(backend, i)));
	} else {
		*problem = "its \"backend\" is neither a string nor an array";
		return 1;
	}
	if (ret < 0)
		return ret;

	v = json_object_get(e, "autosel");
	if (!v) {
		c->autosel_state = VENTOY_AUTOSEL_ABSENT;
	} else if (json_is_integer(v)) {
		c->autosel_state = VENTOY_AUTOSEL_SET;
		c->autosel = json_integer_value(v);
	} else {
		c->autosel_state = VENTOY_AUTOSEL_INVALID;
	}
	v = json_object_get(e, "timeout");
	c->timeout = -1;
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		c->timeout = json_integer_value(v);
	return 0;
}

/* Ventoy's GRUB side prepends each entry it parses to its list, so of two
 * entries matching one ISO the last in the file is used: so here, walking
 * the array from its end. */
static int find_entry(const json_t *list, const char *iso_path,
		      struct ventoy_persistence_choice *c)
{
	bool refused = false;
	char a[96], b[96];

	for (size_t i = json_array_size(list); i-- > 0;) {
		const json_t *e = json_array_get(list, i);
		const json_t *image = json_object_get(e, "image");
		const char *problem = NULL;
		int ret;

		if (!json_is_string(image) || json_string_value(image)[0] != '/' ||
		    !image_matches(image, iso_path))
			continue;
		ret = take_entry(e, c, &problem);
		if (ret < 0)
			return ret;
		if (ret > 0) {
			free_backends(c);
			if (!refused)
				say(c, "persistence entry %zu (%s) matches but is skipped: %s",
				    i + 1, printable(json_string_value(image), a), problem);
			refused = true;
			c->skipped = true;
			continue;
		}
		c->matched = true;
		c->entry = i;
		c->image = strdup(json_string_value(image));
		if (!c->image)
			return -ENOMEM;
		ventoy_persistence_choose(c);
		return 0;
	}
	if (refused)
		return 0;
	/* Ventoy matched nothing either; say which entry was likely meant. */
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *image = json_object_get(json_array_get(list, i), "image");
		const char *why = json_is_string(image) && strlen(json_string_value(image)) ==
								   json_string_length(image)
					  ? near_miss(json_string_value(image), iso_path)
					  : NULL;

		if (why) {
			c->near_miss = true;
			say(c, "no persistence entry matches %s; entry %zu's image \"%s\" was likely "
			    "meant for it, but %s (Ventoy compares the path byte for byte)",
			    printable(iso_path, b), i + 1, printable(json_string_value(image), a),
			    why);
			return 0;
		}
	}
	say(c, "no persistence entry matches %s", printable(iso_path, b));
	return 0;
}

int ventoy_json_persistence_mode(const char *json, size_t len, const char *iso_path,
				 const char *mode, struct ventoy_persistence_choice *out)
{
	const char *name = "persistence";
	const json_t *list = NULL;
	struct vjson doc;
	char key[64];
	int ret;

	memset(out, 0, sizeof(*out));
	out->chosen = -1;
	out->timeout = -1;
	ret = vjson_parse(json, len, &doc);
	if (ret < 0) {
		if (doc.line)
			say(out, "not valid JSON: line %u, column %u: %s", doc.line, doc.column,
			    doc.error);
		else
			say(out, "not read: %s", doc.error);
		return ret;
	}
	if (!json_is_object(doc.root)) {
		say(out, "the top level is not an object");
		goto out;
	}
	if (mode && (size_t)snprintf(key, sizeof(key), "persistence_%s", mode) < sizeof(key)) {
		list = json_object_get(doc.root, key);
		if (list)
			name = key;
	}
	if (!list)
		list = json_object_get(doc.root, "persistence");
	if (!list)
		say(out, "no persistence plugin");
	else if (!json_is_array(list))
		say(out, "\"%s\" is not an array", name);
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
