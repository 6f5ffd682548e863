/* The DM_TABLE_LOAD request as bytes: no kernel needed, so it is unit-tested. */
#include "dm.h"

#include <errno.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#define TARGET_TYPE "linear"
/* "MAJ:MIN OFFSET" with its NUL: 10 + 1 + 10 + 1 + 20 + 1 = 43, padded to 8. */
#define PARAMS_MAX 48

int dm_name_check(const char *name)
{
	size_t len = strlen(name);

	if (len >= DM_NAME_LEN)
		return -ENAMETOOLONG;
	if (len == 0 || !strcmp(name, ".") || !strcmp(name, "..") ||
	    !strcmp(name, DM_CONTROL_NODE))
		return -EINVAL;
	for (const char *p = name; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
	return 0;
}

size_t dm_table_size_max(size_t n)
{
	return sizeof(struct dm_ioctl) + n * (sizeof(struct dm_target_spec) + PARAMS_MAX);
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The kernel refuses a gap (and an overlap) between targets: they must tile
 * the device from sector 0. */
static int check_segments(const struct dm_linear *segs, size_t n)
{
	uint64_t next = 0;

	if (n == 0)
		return -EINVAL;
	if (n > DM_TARGETS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		if (segs[i].start != next || segs[i].length == 0 ||
		    segs[i].length > UINT64_MAX - segs[i].start ||
		    segs[i].length > UINT64_MAX - segs[i].offset)
			return -EINVAL;
		next = segs[i].start + segs[i].length;
	}
	return 0;
}

static int format_params(char *out, dev_t backing, uint64_t offset)
{
	return snprintf(out, PARAMS_MAX, "%u:%u %llu", major(backing), minor(backing),
			(unsigned long long)offset);
}

int dm_table_pack(void *buf, size_t len, const char *name, dev_t backing,
		  const struct dm_linear *segs, size_t n, bool read_only)
{
	unsigned char *b = buf;
	struct dm_ioctl io;
	size_t used = sizeof(io);
	char params[PARAMS_MAX];
	int ret = dm_name_check(name);

	if (ret < 0)
		return ret;
	ret = check_segments(segs, n);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++)
		used += sizeof(struct dm_target_spec) +
			align8((size_t)format_params(params, backing, segs[i].offset) + 1);
	if (used > len)
		return -ENOSPC;

	memset(b, 0, used);
	memset(&io, 0, sizeof(io));
	io.version[0] = DM_VERSION_MAJOR; /* minor 0: any 4.x kernel takes it */
	io.data_size = (uint32_t)used;
	io.data_start = sizeof(io);
	io.target_count = (uint32_t)n;
	io.flags = read_only ? DM_READONLY_FLAG : 0;
	memcpy(io.name, name, strlen(name) + 1);
	memcpy(b, &io, sizeof(io));

	/* Each spec's next counts from that spec; the params string follows
	 * it, NUL-terminated and zero-padded up to the next spec. */
	for (size_t i = 0, off = sizeof(io); i < n; i++) {
		struct dm_target_spec spec;
		size_t plen = (size_t)format_params(params, backing, segs[i].offset) + 1;

		memset(&spec, 0, sizeof(spec));
		spec.sector_start = segs[i].start;
		spec.length = segs[i].length;
		spec.next = (uint32_t)(sizeof(spec) + align8(plen));
		memcpy(spec.target_type, TARGET_TYPE, sizeof(TARGET_TYPE));
		memcpy(b + off, &spec, sizeof(spec));
		memcpy(b + off + sizeof(spec), params, plen);
		off += spec.next;
	}
	return (int)used; /* under 100 MiB: n <= DM_TARGETS_MAX */
}

/* huge_encode_dev(): minor bits 0-7, major bits 8-19, minor bits 20-31. */
dev_t dm_decode_dev(uint64_t dev)
{
	unsigned int maj = (unsigned int)((dev & 0xfff00) >> 8);
	unsigned int min = (unsigned int)((dev & 0xff) | ((dev >> 12) & 0xfff00));

	return makedev(maj, min);
}
