#include "ventoy_param.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Offsets in the packed 512-byte structure. */
enum {
	OFF_GUID = 0,
	OFF_CHECKSUM = 16,
	OFF_DISK_ID = 17,
	OFF_DISK_SIZE = 33,
	OFF_PART_NUM = 41,
	OFF_FS_TYPE = 43,
	OFF_PATH = 45,
	OFF_IMAGE_SIZE = 429,
	OFF_LOC_ADDR = 437,
	OFF_LOC_LEN = 445,
	OFF_RESERVED = 449,
	OFF_DISK_SIGNATURE = 481,
};

#define MBR_DISK_ID 0x180
#define MBR_DISK_SIGNATURE 0x1B8

#define R(code) [(code) - VENTOY_E_TRUNCATED]
static const char *const reasons[VENTOY_E_END - VENTOY_E_TRUNCATED] = {
	R(VENTOY_E_TRUNCATED) = "shorter than Ventoy's 512-byte structure",
	R(VENTOY_E_GUID) = "does not start with Ventoy's GUID",
	R(VENTOY_E_CHECKSUM) = "checksum mismatch (the bytes do not sum to 0)",
	R(VENTOY_E_PART_NUM) = "partition number is 0",
	R(VENTOY_E_FS_TYPE) = "unknown filesystem type",
	R(VENTOY_E_PATH_UNTERMINATED) = "image path is not NUL-terminated",
	R(VENTOY_E_PATH_RELATIVE) = "image path does not start with '/'",
	R(VENTOY_E_PATH_DOTS) = "image path has '.' or '..' components",
	R(VENTOY_E_PATH_CONTROL) = "image path holds control characters",
	R(VENTOY_E_PATH_NOT_FILE) = "image path ends with '/'",
	R(VENTOY_E_NOT_FOUND) = "no Ventoy structure found",
	R(VENTOY_E_MAP_LENGTH) = "map is empty or not a whole number of 24-byte records",
	R(VENTOY_E_MAP_REVERSED) = "map chunk ends before it starts",
	R(VENTOY_E_MAP_SIZE_MISMATCH) = "map chunk's disk sector count is not 4 per image sector",
	R(VENTOY_E_MAP_START) = "map does not start at image sector 0",
	R(VENTOY_E_MAP_ORDER) = "map chunks are out of order",
	R(VENTOY_E_MAP_OVERLAP) = "map chunks overlap in the image",
	R(VENTOY_E_MAP_GAP) = "map leaves a gap in the image",
	R(VENTOY_E_MAP_SHORT) = "map covers less than the image size",
	R(VENTOY_E_MAP_BEYOND_DISK) = "map reaches beyond the end of the disk",
	R(VENTOY_E_MAP_DISK_OVERLAP) = "map uses the same disk sectors twice",
};
#undef R

const char *ventoy_param_strerror(int err)
{
	int code = -err;

	if (code >= VENTOY_E_TRUNCATED && code < VENTOY_E_END)
		return reasons[code - VENTOY_E_TRUNCATED];
	return strerror(code);
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The path Ventoy names is joined to a mount point later: refuse anything
 * that could climb out of it or garble a log line. */
static int check_image_path(const char *path)
{
	const char *p = path;

	if (path[0] != '/')
		return -VENTOY_E_PATH_RELATIVE;
	if (path[strlen(path) - 1] == '/')
		return -VENTOY_E_PATH_NOT_FILE;
	while (*p) {
		const char *end;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		if ((end - p == 1 && p[0] == '.') || (end - p == 2 && p[0] == '.' && p[1] == '.'))
			return -VENTOY_E_PATH_DOTS;
		for (; p < end; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return -VENTOY_E_PATH_CONTROL;
	}
	return 0;
}

int ventoy_os_param_parse(const void *buf, size_t len, struct ventoy_os_param *out)
{
	const uint8_t *b = buf;
	struct ventoy_os_param p = { 0 };
	const uint8_t *nul;
	uint8_t sum = 0;
	unsigned fs;
	int ret;

	if (len < VENTOY_PARAM_SIZE)
		return -VENTOY_E_TRUNCATED;
	if (memcmp(b + OFF_GUID, VENTOY_GUID_BYTES, 16) != 0)
		return -VENTOY_E_GUID;
	for (size_t i = 0; i < VENTOY_PARAM_SIZE; i++)
		sum += b[i];
	if (sum != 0)
		return -VENTOY_E_CHECKSUM;

	memcpy(p.disk_id, b + OFF_DISK_ID, sizeof(p.disk_id));
	p.disk_size = le64(b + OFF_DISK_SIZE);
	p.part_num = le16(b + OFF_PART_NUM);
	if (p.part_num == 0)
		return -VENTOY_E_PART_NUM;
	fs = le16(b + OFF_FS_TYPE);
	if (fs >= VENTOY_FS_COUNT)
		return -VENTOY_E_FS_TYPE;
	p.fs_type = (enum ventoy_fs)fs;

	nul = memchr(b + OFF_PATH, '\0', VENTOY_PATH_FIELD);
	if (!nul)
		return -VENTOY_E_PATH_UNTERMINATED;
	memcpy(p.image_path, b + OFF_PATH, (size_t)(nul - (b + OFF_PATH)) + 1);
	ret = check_image_path(p.image_path);
	if (ret < 0)
		return ret;

	p.image_size = le64(b + OFF_IMAGE_SIZE);
	p.loc_table_addr = le64(b + OFF_LOC_ADDR);
	p.loc_table_len = le32(b + OFF_LOC_LEN);
	p.break_level = b[OFF_RESERVED + 0];
	p.debug_level = b[OFF_RESERVED + 1];
	p.chain_type = b[OFF_RESERVED + 2];
	p.image_is_udf = b[OFF_RESERVED + 3];
	p.linux_remount = b[OFF_RESERVED + 5];
	p.vlnk = b[OFF_RESERVED + 6];
	p.disk_signature = le32(b + OFF_DISK_SIGNATURE);
	*out = p;
	return 0;
}

int ventoy_os_param_from_efivar(const void *buf, size_t len, struct ventoy_os_param *out)
{
	if (len < 4)
		return -VENTOY_E_TRUNCATED;
	return ventoy_os_param_parse((const uint8_t *)buf + 4, len - 4, out);
}

int ventoy_os_param_find(const void *mem, size_t len, size_t align, struct ventoy_os_param *out)
{
	const uint8_t *m = mem;
	int first_error = -VENTOY_E_NOT_FOUND;

	if (align == 0 || len > INT_MAX)
		return -EINVAL;
	for (size_t off = 0; len >= VENTOY_PARAM_SIZE && off <= len - VENTOY_PARAM_SIZE;
	     off += align) {
		int ret;

		if (memcmp(m + off, VENTOY_GUID_BYTES, 16) != 0)
			continue;
		ret = ventoy_os_param_parse(m + off, len - off, out);
		if (ret == 0)
			return (int)off;
		if (first_error == -VENTOY_E_NOT_FOUND)
			first_error = ret;
	}
	return first_error;
}

const char *ventoy_fs_name(int fs_type)
{
	static const char *const names[VENTOY_FS_COUNT] = {
		[VENTOY_FS_EXFAT] = "exfat", [VENTOY_FS_NTFS] = "ntfs3", [VENTOY_FS_EXT] = "ext4",
		[VENTOY_FS_XFS] = "xfs",     [VENTOY_FS_UDF] = "udf",    [VENTOY_FS_FAT] = "vfat",
		[VENTOY_FS_BTRFS] = "btrfs",
	};

	if (fs_type < 0 || fs_type >= VENTOY_FS_COUNT)
		return NULL;
	return names[fs_type];
}

int ventoy_disk_matches(const struct ventoy_os_param *p, uint64_t disk_size_bytes,
			const uint8_t mbr[512])
{
	return disk_size_bytes == p->disk_size &&
	       memcmp(mbr + MBR_DISK_ID, p->disk_id, sizeof(p->disk_id)) == 0 &&
	       le32(mbr + MBR_DISK_SIGNATURE) == p->disk_signature;
}

/* Inclusive ends: 4 disk sectors per image sector, counted without overflow. */
static bool four_per_sector(const struct ventoy_chunk *c)
{
	return c->disk_end - c->disk_start == (uint64_t)(c->img_end - c->img_start) * 4 + 3;
}

static int by_disk_start(const void *a, const void *b)
{
	const struct ventoy_chunk *x = a, *y = b;

	return x->disk_start < y->disk_start ? -1 : x->disk_start > y->disk_start;
}

/* Chunks are in image order already; a disk sector used twice would let a
 * write through one part of the image land in another. */
static int check_disk_overlap(const struct ventoy_chunk *chunks, size_t n)
{
	struct ventoy_chunk *sorted;
	int ret = 0;

	if (n < 2)
		return 0;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, chunks, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_disk_start);
	for (size_t i = 1; i < n; i++)
		if (sorted[i].disk_start <= sorted[i - 1].disk_end) {
			ret = -VENTOY_E_MAP_DISK_OVERLAP;
			break;
		}
	free(sorted);
	return ret;
}

static int check_chunks(const struct ventoy_chunk *c, size_t n, uint64_t image_size,
			uint64_t disk_size)
{
	for (size_t i = 0; i < n; i++) {
		if (c[i].img_end < c[i].img_start || c[i].disk_end < c[i].disk_start)
			return -VENTOY_E_MAP_REVERSED;
		if (!four_per_sector(&c[i]))
			return -VENTOY_E_MAP_SIZE_MISMATCH;
		if (disk_size && c[i].disk_end >= disk_size / 512)
			return -VENTOY_E_MAP_BEYOND_DISK;
	}
	if (c[0].img_start != 0)
		return -VENTOY_E_MAP_START;
	for (size_t i = 1; i < n; i++)
		if (c[i].img_start < c[i - 1].img_start)
			return -VENTOY_E_MAP_ORDER;
	for (size_t i = 1; i < n; i++) {
		if (c[i].img_start <= c[i - 1].img_end)
			return -VENTOY_E_MAP_OVERLAP;
		if (c[i].img_start != c[i - 1].img_end + 1)
			return -VENTOY_E_MAP_GAP;
	}
	if (image_size && (uint64_t)c[n - 1].img_end + 1 < (image_size + 2047) / 2048)
		return -VENTOY_E_MAP_SHORT;
	return check_disk_overlap(c, n);
}

int ventoy_image_map_parse(const void *buf, size_t len, uint64_t image_size, uint64_t disk_size,
			   struct ventoy_chunk **out, size_t *count)
{
	const uint8_t *b = buf;
	struct ventoy_chunk *chunks;
	size_t n = len / VENTOY_MAP_RECORD_SIZE;
	int ret;

	if (len == 0 || len % VENTOY_MAP_RECORD_SIZE != 0)
		return -VENTOY_E_MAP_LENGTH;
	chunks = calloc(n, sizeof(*chunks));
	if (!chunks)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++, b += VENTOY_MAP_RECORD_SIZE) {
		chunks[i].img_start = le32(b);
		chunks[i].img_end = le32(b + 4);
		chunks[i].disk_start = le64(b + 8);
		chunks[i].disk_end = le64(b + 16);
	}
	ret = check_chunks(chunks, n, image_size, disk_size);
	if (ret < 0) {
		free(chunks);
		return ret;
	}
	*out = chunks;
	*count = n;
	return 0;
}

int ventoy_chunks_to_linear(const struct ventoy_chunk *chunks, size_t n, struct ventoy_linear *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct ventoy_chunk *c = &chunks[i];

		if (c->img_end < c->img_start || c->disk_end < c->disk_start || !four_per_sector(c))
			return -EINVAL;
		out[i].logical_start = (uint64_t)c->img_start * 4;
		out[i].length = ((uint64_t)c->img_end - c->img_start + 1) * 4;
		out[i].disk_offset = c->disk_start;
	}
	return 0;
}

int ventoy_linear_format(const struct ventoy_linear *l, const char *device, char *buf, size_t size)
{
	unsigned long long start = l->logical_start, length = l->length, offset = l->disk_offset;
	int n = snprintf(buf, size, "%llu %llu linear %s %llu", start, length, device, offset);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return n;
}
