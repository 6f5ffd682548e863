#include "ventoy_dm.h"

#include <errno.h>
#include <stdlib.h>

#include "dm.h"

int ventoy_map_create(const char *name, dev_t disk, const struct ventoy_chunk *chunks, size_t n,
		      bool read_only, char *node, size_t len)
{
	struct ventoy_linear *lin = calloc(n ? n : 1, sizeof(*lin));
	struct dm_linear *segs = calloc(n ? n : 1, sizeof(*segs));
	int ret = !lin || !segs ? -ENOMEM : ventoy_chunks_to_linear(chunks, n, lin);

	for (size_t i = 0; ret == 0 && i < n; i++)
		segs[i] = (struct dm_linear){ .start = lin[i].logical_start, .length = lin[i].length,
					      .offset = lin[i].disk_offset };
	if (ret == 0)
		ret = dm_linear_create(name, disk, segs, n, read_only, node, len);
	free(lin);
	free(segs);
	return ret;
}
