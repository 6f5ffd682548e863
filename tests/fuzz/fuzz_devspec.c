/* libFuzzer target: device specifications (root=, cow_device=,
 * rd.live.overlay=... from the command line). Whatever parses must describe
 * itself and match without reading outside what it was given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blkdev.h"
#include "devspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct blkdev dev = {
		.name = "sdb1", .node = "/dev/sdb1", .disk = "sdb", .fstype = "ext4",
		.label = "persistence", .uuid = "0d3c-1a2b", .part_name = "casper-rw",
		.part_uuid = "1234abcd-01",
	};
	struct devspec spec;
	char *text = malloc(size + 1), buf[256], desc[512];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (devspec_parse(text, &spec, buf, sizeof(buf)) == 0) {
		if (!spec.value || (spec.kind != DEVSPEC_PATH && !spec.value[0]))
			abort(); /* a parsed spec always has a value */
		devspec_matches(&spec, &dev);
		devspec_describe(&spec, desc, sizeof(desc));
	}
	free(text);
	return 0;
}
