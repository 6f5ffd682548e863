/* libFuzzer target: Ventoy's os_param structure and image maps (untrusted:
 * they come from the stick and the firmware). Whatever is accepted must
 * obey the rules the callers rely on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "safepath.h"
#include "ventoy_param.h"

static void check_param(const struct ventoy_os_param *p)
{
	if (p->image_path[0] != '/' || p->part_num == 0 || !ventoy_fs_name(p->fs_type) ||
	    strlen(p->image_path) >= VENTOY_PATH_FIELD || safepath_check(p->image_path) < 0)
		abort();
}

static void check_map(const uint8_t *data, size_t size, uint64_t image_size, uint64_t disk_size)
{
	struct ventoy_chunk *c;
	struct ventoy_linear *l;
	uint64_t next = 0;
	size_t n;

	if (ventoy_image_map_parse(data, size, image_size, disk_size, &c, &n) < 0)
		return;
	l = malloc(n * sizeof(*l));
	if (!l || ventoy_chunks_to_linear(c, n, l) < 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		char line[128];

		if (l[i].logical_start != next || l[i].length == 0 ||
		    (disk_size && l[i].disk_offset + l[i].length > disk_size / 512))
			abort(); /* contiguous, inside the disk */
		next += l[i].length;
		if (ventoy_linear_format(&l[i], "253:0", line, sizeof(line)) < 0)
			abort();
	}
	if (image_size && next * 512 < image_size)
		abort();
	free(l);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ventoy_os_param p;
	uint8_t mbr[512] = { 0 };
	uint64_t image_size = 0, disk_size = 0;

	if (ventoy_os_param_parse(data, size, &p) == 0) {
		check_param(&p);
		memcpy(mbr + 0x180, p.disk_id, 16);
		memcpy(mbr + 0x1b8, &p.disk_signature, 4); /* little-endian hosts */
		ventoy_disk_matches(&p, p.disk_size, mbr);
	}
	/* The same bytes with the GUID and checksum made right, to get past them. */
	if (size >= VENTOY_PARAM_SIZE) {
		uint8_t fixed[VENTOY_PARAM_SIZE], sum = 0;

		memcpy(fixed, data, sizeof(fixed));
		memcpy(fixed, VENTOY_GUID_BYTES, 16);
		fixed[16] = 0;
		for (size_t i = 0; i < sizeof(fixed); i++)
			sum += fixed[i];
		fixed[16] = (uint8_t)-sum;
		if (ventoy_os_param_parse(fixed, sizeof(fixed), &p) == 0)
			check_param(&p);
	}
	if (ventoy_os_param_from_efivar(data, size, &p) == 0)
		check_param(&p);
	if (ventoy_os_param_find(data, size, 16, &p) >= 0)
		check_param(&p);
	ventoy_param_strerror(-(int)(size % 5000));

	/* The first 16 bytes, when present, give the sizes to check against. */
	check_map(data, size, 0, 0);
	if (size >= 16) {
		memcpy(&image_size, data, 8);
		memcpy(&disk_size, data + 8, 8);
		image_size >>= 24;
		disk_size >>= 16;
		check_map(data + 16, size - 16, image_size, disk_size);
	}
	return 0;
}
