/* libFuzzer target: the persistence.conf parser (untrusted: it comes from
 * the stick). Every entry it keeps must obey live-boot's path rules. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "persistence_conf.h"
#include "safepath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pconf conf;

	if (pconf_parse((const char *)data, size, "fuzz.conf", &conf) < 0)
		return 0;
	for (size_t i = 0; i < conf.count; i++) {
		const struct pconf_entry *e = &conf.items[i];

		if (e->dest[0] != '/' || !strncmp(e->dest, "/lib", 4) ||
		    (strcmp(e->dest, "/") && safepath_check(e->dest) < 0) || e->source[0] == '/' ||
		    (e->source[0] && safepath_check(e->source) < 0))
			abort();
		if (i > 0 && strcmp(conf.items[i - 1].dest, e->dest) >= 0)
			abort(); /* sorted, one entry per destination */
	}
	pconf_free(&conf);
	return 0;
}
