#include <errno.h>
#include <linux/dm-ioctl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/sysmacros.h>

#include "dm.h"
#include "unit.h"

/* The spec at byte off of buf, copied out (buf need not be aligned). */
static struct dm_target_spec spec_at(const uint8_t *buf, size_t off)
{
	struct dm_target_spec s;

	memcpy(&s, buf + off, sizeof(s));
	return s;
}

static void pack_one_target(void)
{
	uint8_t buf[512];
	struct dm_linear seg = { .start = 0, .length = 400, .offset = 2048 };
	struct dm_ioctl io;
	struct dm_target_spec s;
	int used;

	memset(buf, 0xaa, sizeof(buf));
	used = dm_table_pack(buf, sizeof(buf), "ventoy", makedev(8, 0), &seg, 1, true);
	/* header, one 40-byte spec, "8:0 2048" + NUL padded to 16 */
	CHECK_INT(sizeof(struct dm_ioctl), 312);
	CHECK_INT(sizeof(struct dm_target_spec), 40);
	CHECK_INT(used, 312 + 40 + 16);
	memcpy(&io, buf, sizeof(io));
	CHECK_INT(io.version[0], 4);
	CHECK_INT(io.version[1], 0);
	CHECK_INT(io.version[2], 0);
	CHECK_INT(io.data_size, used);
	CHECK_INT(io.data_start, 312);
	CHECK_INT(io.target_count, 1);
	CHECK_INT(io.flags, DM_READONLY_FLAG);
	CHECK_INT(io.dev, 0);
	CHECK_STR(io.name, "ventoy");
	CHECK(io.uuid[0] == '\0');
	s = spec_at(buf, 312);
	CHECK_INT(s.sector_start, 0);
	CHECK_INT(s.length, 400);
	CHECK_INT(s.status, 0);
	CHECK_INT(s.next, 56);
	CHECK_STR(s.target_type, "linear");
	CHECK(memcmp(buf + 352, "8:0 2048\0\0\0\0\0\0\0\0", 16) == 0);
	CHECK_INT(buf[used], 0xaa); /* nothing written past data_size */

	used = dm_table_pack(buf, sizeof(buf), "ventoy", makedev(8, 0), &seg, 1, false);
	memcpy(&io, buf, sizeof(io));
	CHECK_INT(io.flags, 0);
}

static void pack_several_targets(void)
{
	const struct dm_linear segs[] = {
		{ 0, 40, 10000 },
		{ 40, 80, 5000 },
		{ 120, 4, 123456789012ULL },
		{ 124, 8, 0 },
	};
	const char *const want[] = { "259:65537 10000", "259:65537 5000",
				     "259:65537 123456789012", "259:65537 0" };
	size_t size = dm_table_size_max(4), off;
	uint8_t *buf = malloc(size);
	struct dm_ioctl io;
	int used;

	CHECK(buf);
	used = dm_table_pack(buf, size, "vtoy_persistent", makedev(259, 65537), segs, 4, false);
	CHECK(used > 0 && (size_t)used <= size);
	memcpy(&io, buf, sizeof(io));
	CHECK_INT(io.data_size, used);
	CHECK_INT(io.target_count, 4);
	off = io.data_start;
	for (size_t i = 0; i < 4; i++) {
		struct dm_target_spec s = spec_at(buf, off);
		const char *params = (const char *)buf + off + sizeof(s);
		size_t plen = strlen(want[i]) + 1;

		CHECK_INT(off % 8, 0);
		CHECK_INT(s.next % 8, 0);
		CHECK_INT(s.sector_start, segs[i].start);
		CHECK_INT(s.length, segs[i].length);
		CHECK_STR(s.target_type, "linear");
		CHECK_STR(params, want[i]);
		CHECK_INT(s.next, sizeof(s) + ((plen + 7) & ~(size_t)7));
		for (size_t pad = sizeof(s) + plen; pad < s.next; pad++)
			CHECK_INT(buf[off + pad], 0);
		off += s.next;
	}
	CHECK_INT(off, used); /* the last next ends the data */
	free(buf);
}

static void pack_buffer_too_small(void)
{
	struct dm_linear seg = { 0, 8, 0 };
	uint8_t buf[312 + 40 + 8];

	CHECK_INT(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 16), &seg, 1, false),
		  (int)sizeof(buf));
	CHECK_INT(dm_table_pack(buf, sizeof(buf) - 1, "x", makedev(8, 16), &seg, 1, false),
		  -ENOSPC);
	CHECK_INT(dm_table_pack(buf, 100, "x", makedev(8, 16), &seg, 1, false), -ENOSPC);
	CHECK_INT(dm_table_pack(buf, 0, "x", makedev(8, 16), &seg, 1, false), -ENOSPC);
	CHECK_INT(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 16), &seg, DM_TARGETS_MAX + 1,
				false),
		  -E2BIG);
}

/* The widest params string still fits the room dm_table_size_max() allows. */
static void pack_widest_params(void)
{
	struct dm_linear seg = { 0, 1, UINT64_MAX - 1 };
	size_t size = dm_table_size_max(1);
	uint8_t *buf = malloc(size);
	int used;

	CHECK(buf);
	used = dm_table_pack(buf, size, "x", makedev(0xffffffffu, 0xffffffffu), &seg, 1, false);
	CHECK(used > 0 && (size_t)used <= size);
	CHECK_STR((const char *)buf + 312 + 40, "4294967295:4294967295 18446744073709551614");
	free(buf);
}

static void pack_names(void)
{
	struct dm_linear seg = { 0, 8, 0 };
	uint8_t buf[512];
	char name[DM_NAME_LEN + 1];
	struct dm_ioctl io;

	memset(name, 'n', DM_NAME_LEN);
	name[DM_NAME_LEN] = '\0';
	CHECK_INT(dm_table_pack(buf, sizeof(buf), name, makedev(8, 0), &seg, 1, false),
		  -ENAMETOOLONG);
	name[DM_NAME_LEN - 1] = '\0'; /* 127 bytes and the NUL fill the field */
	CHECK(dm_table_pack(buf, sizeof(buf), name, makedev(8, 0), &seg, 1, false) > 0);
	memcpy(&io, buf, sizeof(io));
	CHECK_INT(strlen(io.name), DM_NAME_LEN - 1);
	CHECK_INT(dm_name_check(""), -EINVAL);
	CHECK_INT(dm_name_check("."), -EINVAL);
	CHECK_INT(dm_name_check(".."), -EINVAL);
	CHECK_INT(dm_name_check("control"), -EINVAL);
	CHECK_INT(dm_name_check("a/b"), -EINVAL);
	CHECK_INT(dm_name_check("a\nb"), -EINVAL);
	CHECK_INT(dm_name_check("vtoy_persistent"), 0);
	CHECK_INT(dm_table_pack(buf, sizeof(buf), "../x", makedev(8, 0), &seg, 1, false), -EINVAL);
}

static void pack_bad_targets(void)
{
	struct dm_linear segs[2] = { { 0, 8, 0 }, { 8, 8, 100 } };
	uint8_t buf[1024];

	CHECK(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 0), segs, 2, false) > 0);
	CHECK_INT(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 0), segs, 0, false), -EINVAL);
	segs[1].start = 9; /* gap */
	CHECK_INT(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 0), segs, 2, false), -EINVAL);
	segs[1].start = 7; /* overlap */
	CHECK_INT(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 0), segs, 2, false), -EINVAL);
	segs[1].start = 8;
	segs[1].length = 0;
	CHECK_INT(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 0), segs, 2, false), -EINVAL);
	segs[0].start = 1; /* not from sector 0 */
	segs[1].length = 8;
	CHECK_INT(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 0), segs, 1, false), -EINVAL);
	segs[0].start = 0;
	segs[0].offset = UINT64_MAX - 3; /* runs off the backing device's sector range */
	CHECK_INT(dm_table_pack(buf, sizeof(buf), "x", makedev(8, 0), segs, 1, false), -EINVAL);
}

static void decode_dev(void)
{
	CHECK(dm_decode_dev(0xfd00) == makedev(253, 0));
	CHECK(dm_decode_dev(0xfd05) == makedev(253, 5));
	/* minor 0x12345: low byte in bits 0-7, the rest from bit 20 */
	CHECK(dm_decode_dev(0x45 | (253u << 8) | (0x123ull << 20)) == makedev(253, 0x12345));
}

const struct unit_test dm_tests[] = {
	UNIT_TEST(pack_one_target),
	UNIT_TEST(pack_several_targets),
	UNIT_TEST(pack_buffer_too_small),
	UNIT_TEST(pack_widest_params),
	UNIT_TEST(pack_names),
	UNIT_TEST(pack_bad_targets),
	UNIT_TEST(decode_dev),
	{ NULL, NULL },
};
