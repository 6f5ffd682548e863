/* libFuzzer target: the ventoy.json parser and the persistence lookup
 * (untrusted: the file is on the stick). */
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

/* Every value lies inside its parent; spans add up. */
static size_t walk(const struct vjson_value *v)
{
	size_t seen = 1, children = 0;

	for (const struct vjson_value *c = vjson_first(v); c; c = vjson_next(v, c)) {
		if ((v->type == VJSON_OBJECT) != (c->key != NULL))
			abort();
		if (c->type == VJSON_STRING && (!c->str || c->str[c->len] != '\0'))
			abort();
		seen += walk(c);
		children++;
	}
	if (seen != v->span || children != v->count)
		abort();
	return seen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct ventoy_persistence_choice c;
	struct vjson doc;

	if (vjson_parse(text, size, &doc) == 0) {
		if (walk(doc.values) != doc.count)
			abort();
		vjson_free(&doc);
	} else if (!doc.error && size <= VJSON_MAX_SIZE) {
		abort(); /* every refusal says why */
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
