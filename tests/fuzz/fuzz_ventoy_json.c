/* libFuzzer target: ventoy.json through vjson (jansson within our bounds)
 * and the persistence lookup (untrusted: the file is on the stick). Only our
 * code is instrumented; jansson is the Debian build. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "safepath.h"
#include "ventoy_json.h"

static int exists_odd(const char *path, void *ctx)
{
	(void)ctx;
	return strlen(path) % 2;
}

/* Values under v, v included; aborts past the depth bound. */
static size_t walk(json_t *v, unsigned depth)
{
	const char *key;
	json_t *child;
	size_t seen = 1, i;

	if (!json_is_array(v) && !json_is_object(v))
		return 1;
	if (depth > VJSON_MAX_DEPTH)
		abort();
	if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			seen += walk(child, depth + 1);
	} else {
		json_object_foreach(v, key, child) {
			if (!key)
				abort();
			seen += walk(child, depth + 1);
		}
	}
	return seen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct ventoy_persistence_choice c;
	struct vjson doc;
	int ret = vjson_parse(text, size, &doc);

	if (ret == 0) {
		if (!doc.root || walk(doc.root, 1) != doc.count || doc.count > VJSON_MAX_VALUES)
			abort();
		vjson_free(&doc);
	} else {
		/* every refusal says why, on one line, and a place is whole */
		if (doc.root || !doc.error[0] || strchr(doc.error, '\n'))
			abort();
		if ((doc.line == 0) != (doc.column == 0))
			abort();
		/* a syntax error always has a place; only the depth bound has none */
		if (ret == -EINVAL && doc.line == 0 && !strstr(doc.error, "nested more than"))
			abort();
	}

	if (ventoy_json_persistence_mode(text, size, "/ISO/a1.iso", "uefi", &c) == 0) {
		if (c.chosen >= 0 && (!c.matched || (size_t)c.chosen >= c.count))
			abort();
		for (size_t i = 0; i < c.count; i++)
			if (c.backends[i][0] != '/' || safepath_check(c.backends[i]) < 0)
				abort();
		ventoy_persistence_drop_missing(&c, exists_odd, NULL);
		if (c.chosen >= 0 && (size_t)c.chosen >= c.count)
			abort();
	}
	if (!c.reason[0] || strchr(c.reason, '\n'))
		abort(); /* always a reason, on one line */
	ventoy_persistence_choice_free(&c);
	return 0;
}
