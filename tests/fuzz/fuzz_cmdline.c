/* libFuzzer target: the kernel command-line parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist args = { 0 };
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cmdline_parse(&args, text) == 0) {
		for (size_t i = 0; i < args.count; i++)
			if (!args.items[i].key[0] || strchr(args.items[i].key, '='))
				abort(); /* keys are never empty and stop at the first '=' */
		kvlist_get(&args, "iso-scan/filename");
	}
	kvlist_free(&args);
	free(text);
	return 0;
}
