#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "ventoy_fixture.h"
#include "ventoy_param.h"

static void good_param(void)
{
	uint8_t b[512];
	struct ventoy_os_param p;

	fill_param(b, "/ISO/ubuntu.iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), 0);
	CHECK(memcmp(p.disk_id, disk_id, 16) == 0);
	CHECK_INT(p.disk_size, 16ULL << 30);
	CHECK_INT(p.part_num, 1);
	CHECK_INT(p.fs_type, VENTOY_FS_EXFAT);
	CHECK_STR(p.image_path, "/ISO/ubuntu.iso");
	CHECK_INT(p.image_size, 4700000256ULL);
	CHECK_INT(p.loc_table_addr, 0);
	CHECK_INT(p.debug_level, 1);
	CHECK_INT(p.break_level, 0);
	CHECK_INT(p.image_is_udf, 1);
	CHECK_INT(p.linux_remount, 1);
	CHECK_INT(p.vlnk, 0);
	CHECK_INT(p.disk_signature, 0xdeadbeef);
	CHECK_STR(ventoy_fs_name(p.fs_type), "exfat");
}

static void longest_path_and_utf8(void)
{
	uint8_t b[512];
	char path[384];
	struct ventoy_os_param p;

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	fill_param(b, path);
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), 0);
	CHECK_INT(strlen(p.image_path), 383);
	fill_param(b, "/ISO/caf\xc3\xa9 ..iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), 0);
	CHECK_STR(p.image_path, "/ISO/caf\xc3\xa9 ..iso");
}

static void bad_checksum(void)
{
	uint8_t b[512];
	struct ventoy_os_param p;

	fill_param(b, "/x.iso");
	b[100] ^= 1;
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_CHECKSUM);
	CHECK_STR(ventoy_param_strerror(-VENTOY_E_CHECKSUM),
		  "checksum mismatch (the bytes do not sum to 0)");
}

static void bad_guid(void)
{
	uint8_t b[512];
	struct ventoy_os_param p;

	fill_param(b, "/x.iso");
	b[2] = 'W';
	fix_checksum(b);
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_GUID);
}

static void truncated(void)
{
	uint8_t b[512];
	struct ventoy_os_param p;

	fill_param(b, "/x.iso");
	CHECK_INT(ventoy_os_param_parse(b, 511, &p), -VENTOY_E_TRUNCATED);
	CHECK_INT(ventoy_os_param_parse(b, 0, &p), -VENTOY_E_TRUNCATED);
}

static void path_without_nul(void)
{
	uint8_t b[512];
	struct ventoy_os_param p;

	fill_param(b, "/x.iso");
	memset(b + 45, 'a', 384);
	b[45] = '/';
	fix_checksum(b);
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_UNTERMINATED);
}

static void path_rules(void)
{
	uint8_t b[512];
	struct ventoy_os_param p;

	fill_param(b, "ISO/x.iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_RELATIVE);
	fill_param(b, "");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_RELATIVE);
	fill_param(b, "/ISO/../../etc/shadow");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_DOTS);
	fill_param(b, "/..");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_DOTS);
	fill_param(b, "/ISO/./x.iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_DOTS);
	fill_param(b, "/ISO/x\n.iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_CONTROL);
	fill_param(b, "/ISO/x\x7f.iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_CONTROL);
	fill_param(b, "/");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_NOT_FILE);
	fill_param(b, "/ISO/");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PATH_NOT_FILE);
	fill_param(b, "//ISO//x.iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), 0);
}

static void fs_types(void)
{
	uint8_t b[512];
	struct ventoy_os_param p;

	fill_param(b, "/x.iso");
	put_le(b + 43, VENTOY_FS_BTRFS, 2);
	fix_checksum(b);
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), 0);
	CHECK_STR(ventoy_fs_name(p.fs_type), "btrfs");
	put_le(b + 43, 7, 2);
	fix_checksum(b);
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_FS_TYPE);
	put_le(b + 43, 0x100, 2); /* the high byte counts */
	fix_checksum(b);
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_FS_TYPE);
	CHECK_STR(ventoy_fs_name(VENTOY_FS_NTFS), "ntfs3");
	CHECK_STR(ventoy_fs_name(VENTOY_FS_EXT), "ext4");
	CHECK_STR(ventoy_fs_name(VENTOY_FS_XFS), "xfs");
	CHECK_STR(ventoy_fs_name(VENTOY_FS_UDF), "udf");
	CHECK_STR(ventoy_fs_name(VENTOY_FS_FAT), "vfat");
	CHECK(ventoy_fs_name(-1) == NULL);
	CHECK(ventoy_fs_name(VENTOY_FS_COUNT) == NULL);
}

static void part_zero(void)
{
	uint8_t b[512];
	struct ventoy_os_param p;

	fill_param(b, "/x.iso");
	put_le(b + 41, 0, 2);
	fix_checksum(b);
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), -VENTOY_E_PART_NUM);
	put_le(b + 41, 0x102, 2);
	fix_checksum(b);
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), 0);
	CHECK_INT(p.part_num, 0x102);
}

static void efi_variable(void)
{
	uint8_t var[516];
	struct ventoy_os_param p;

	put_le(var, 0x7, 4); /* NV|BS|RT attributes */
	fill_param(var + 4, "/ISO/fedora.iso");
	CHECK_INT(ventoy_os_param_from_efivar(var, sizeof(var), &p), 0);
	CHECK_STR(p.image_path, "/ISO/fedora.iso");
	CHECK_INT(ventoy_os_param_parse(var, sizeof(var), &p), -VENTOY_E_GUID);
	CHECK_INT(ventoy_os_param_from_efivar(var, 515, &p), -VENTOY_E_TRUNCATED);
	CHECK_INT(ventoy_os_param_from_efivar(var, 3, &p), -VENTOY_E_TRUNCATED);
}

static void low_memory_scan(void)
{
	size_t len = 0x20000; /* 0x80000-0x9FFFF */
	uint8_t *mem = malloc(len);
	struct ventoy_os_param p;

	CHECK(mem);
	srand(42);
	for (size_t i = 0; i < len; i++)
		mem[i] = (uint8_t)rand();
	/* The GUID at an unaligned offset is not looked at; a copy with a bad
	 * checksum is passed over; the good copy is found. */
	fill_param(mem + 0x1008, "/ISO/unaligned.iso");
	fill_param(mem + 0x4000, "/ISO/broken.iso");
	mem[0x4000 + 300] ^= 0x55;
	fill_param(mem + 0x9a30, "/ISO/good.iso");
	CHECK_INT(ventoy_os_param_find(mem, len, 16, &p), 0x9a30);
	CHECK_STR(p.image_path, "/ISO/good.iso");
	/* Only the broken copy: its reason is reported. */
	CHECK_INT(ventoy_os_param_find(mem, 0x9a30, 16, &p), -VENTOY_E_CHECKSUM);
	CHECK_INT(ventoy_os_param_find(mem, 0x4000, 16, &p), -VENTOY_E_NOT_FOUND);
	/* A copy at the very end of the region. */
	fill_param(mem + len - 512, "/ISO/last.iso");
	CHECK_INT(ventoy_os_param_find(mem + 0x9a40, len - 0x9a40, 16, &p), (int)(len - 512 - 0x9a40));
	CHECK_STR(p.image_path, "/ISO/last.iso");
	CHECK_INT(ventoy_os_param_find(mem, 100, 16, &p), -VENTOY_E_NOT_FOUND);
	CHECK_INT(ventoy_os_param_find(mem, len, 0, &p), -EINVAL);
	free(mem);
}

static void map_one_chunk(void)
{
	uint8_t b[24];
	struct ventoy_chunk *c = NULL;
	struct ventoy_linear l;
	size_t n = 0;
	char line[128];

	/* 100 image sectors at LBA 4096. */
	put_chunk(b, 0, 99, 4096, 4096 + 399);
	CHECK_INT(ventoy_image_map_parse(b, sizeof(b), 100 * 2048, 1ULL << 30, &c, &n), 0);
	CHECK_INT(n, 1);
	CHECK_INT(c[0].img_end, 99);
	CHECK_INT(c[0].disk_start, 4096);
	CHECK_INT(c[0].disk_end, 4495);
	CHECK_INT(ventoy_chunks_to_linear(c, n, &l), 0);
	CHECK_INT(l.logical_start, 0);
	CHECK_INT(l.length, 400);
	CHECK_INT(l.disk_offset, 4096);
	CHECK_INT(ventoy_linear_format(&l, "8:0", line, sizeof(line)), 21);
	CHECK_STR(line, "0 400 linear 8:0 4096");
	CHECK_INT(ventoy_linear_format(&l, "8:0", line, 10), -ENAMETOOLONG);
	free(c);
	/* An image size that is no multiple of 2048 rounds up; 0 is unchecked. */
	CHECK_INT(ventoy_image_map_parse(b, sizeof(b), 99 * 2048 + 1, 0, &c, &n), 0);
	free(c);
	CHECK_INT(ventoy_image_map_parse(b, sizeof(b), 0, 0, &c, &n), 0);
	free(c);
}

static void map_several_chunks(void)
{
	uint8_t b[72];
	struct ventoy_chunk *c = NULL;
	struct ventoy_linear l[3];
	size_t n = 0;

	/* Fragmented: the middle chunk lies before the first on disk. */
	put_chunk(b, 0, 9, 10000, 10039);
	put_chunk(b + 24, 10, 29, 5000, 5079);
	put_chunk(b + 48, 30, 30, 20000, 20003);
	CHECK_INT(ventoy_image_map_parse(b, sizeof(b), 31 * 2048, 30000 * 512ULL, &c, &n), 0);
	CHECK_INT(n, 3);
	CHECK_INT(ventoy_chunks_to_linear(c, n, l), 0);
	CHECK_INT(l[0].logical_start, 0);
	CHECK_INT(l[0].length, 40);
	CHECK_INT(l[0].disk_offset, 10000);
	CHECK_INT(l[1].logical_start, 40);
	CHECK_INT(l[1].length, 80);
	CHECK_INT(l[1].disk_offset, 5000);
	CHECK_INT(l[2].logical_start, 120);
	CHECK_INT(l[2].length, 4);
	CHECK_INT(l[2].disk_offset, 20000);
	free(c);
}

static int map_error(const uint8_t *b, size_t len, uint64_t image_size, uint64_t disk_size)
{
	static struct ventoy_chunk untouched;
	struct ventoy_chunk *c = &untouched;
	size_t n = 77;
	int ret = ventoy_image_map_parse(b, len, image_size, disk_size, &c, &n);

	if (ret == 0)
		free(c);
	else if (c != &untouched || n != 77)
		return 1; /* outputs written on failure */
	return ret;
}

static void map_errors(void)
{
	uint8_t b[72];

	/* overlapping in image space */
	put_chunk(b, 0, 9, 1000, 1039);
	put_chunk(b + 24, 5, 14, 2000, 2039);
	CHECK_INT(map_error(b, 48, 0, 0), -VENTOY_E_MAP_OVERLAP);
	/* gap */
	put_chunk(b + 24, 11, 20, 2000, 2039);
	CHECK_INT(map_error(b, 48, 0, 0), -VENTOY_E_MAP_GAP);
	/* out of order */
	put_chunk(b + 24, 20, 29, 2000, 2039);
	put_chunk(b + 48, 10, 19, 3000, 3039);
	CHECK_INT(map_error(b, 72, 0, 0), -VENTOY_E_MAP_ORDER);
	/* not starting at 0 */
	put_chunk(b, 1, 9, 1000, 1035);
	CHECK_INT(map_error(b, 24, 0, 0), -VENTOY_E_MAP_START);
	/* beyond the disk: the last LBA of a 2000-sector disk is 1999 */
	put_chunk(b, 0, 9, 1960, 1999);
	CHECK_INT(map_error(b, 24, 0, 2000 * 512), 0);
	put_chunk(b, 0, 9, 1961, 2000);
	CHECK_INT(map_error(b, 24, 0, 2000 * 512), -VENTOY_E_MAP_BEYOND_DISK);
	/* length not a multiple of 24, or empty */
	CHECK_INT(map_error(b, 23, 0, 0), -VENTOY_E_MAP_LENGTH);
	CHECK_INT(map_error(b, 25, 0, 0), -VENTOY_E_MAP_LENGTH);
	CHECK_INT(map_error(b, 0, 0, 0), -VENTOY_E_MAP_LENGTH);
	/* sector counts */
	put_chunk(b, 0, 9, 1000, 1038);
	CHECK_INT(map_error(b, 24, 0, 0), -VENTOY_E_MAP_SIZE_MISMATCH);
	put_chunk(b, 0, 0xffffffff, 0, UINT64_MAX);
	CHECK_INT(map_error(b, 24, 0, 0), -VENTOY_E_MAP_SIZE_MISMATCH);
	put_chunk(b, 9, 0, 1000, 1039);
	CHECK_INT(map_error(b, 24, 0, 0), -VENTOY_E_MAP_REVERSED);
	put_chunk(b, 0, 9, 1039, 1000);
	CHECK_INT(map_error(b, 24, 0, 0), -VENTOY_E_MAP_REVERSED);
	/* shorter than the image */
	put_chunk(b, 0, 9, 1000, 1039);
	CHECK_INT(map_error(b, 24, 10 * 2048, 0), 0);
	CHECK_INT(map_error(b, 24, 10 * 2048 + 1, 0), -VENTOY_E_MAP_SHORT);
	/* two chunks on the same disk sectors */
	put_chunk(b + 24, 10, 19, 1020, 1059);
	CHECK_INT(map_error(b, 48, 0, 0), -VENTOY_E_MAP_DISK_OVERLAP);
	CHECK_STR(ventoy_param_strerror(-VENTOY_E_MAP_GAP), "map leaves a gap in the image");
	CHECK_STR(ventoy_param_strerror(-ENOENT), "No such file or directory");
}

static void disk_matching(void)
{
	uint8_t b[512], mbr[512] = { 0 };
	struct ventoy_os_param p;
	uint64_t size = 16ULL << 30;

	fill_param(b, "/x.iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), 0);
	memcpy(mbr + 0x180, disk_id, 16);
	memcpy(mbr + 0x190, "VT\0Ge\0HD", 8);
	put_le(mbr + 0x1b8, 0xdeadbeef, 4);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	CHECK_INT(ventoy_disk_matches(&p, size, mbr), 1);
	CHECK_INT(ventoy_disk_matches(&p, size - 512, mbr), 0);
	mbr[0x18f] ^= 1;
	CHECK_INT(ventoy_disk_matches(&p, size, mbr), 0);
	mbr[0x18f] ^= 1;
	mbr[0x1bb] ^= 0x80;
	CHECK_INT(ventoy_disk_matches(&p, size, mbr), 0);
	mbr[0x1bb] ^= 0x80;
	CHECK_INT(ventoy_disk_matches(&p, size, mbr), 1);
}

const struct unit_test ventoy_param_tests[] = {
	UNIT_TEST(good_param),
	UNIT_TEST(longest_path_and_utf8),
	UNIT_TEST(bad_checksum),
	UNIT_TEST(bad_guid),
	UNIT_TEST(truncated),
	UNIT_TEST(path_without_nul),
	UNIT_TEST(path_rules),
	UNIT_TEST(fs_types),
	UNIT_TEST(part_zero),
	UNIT_TEST(efi_variable),
	UNIT_TEST(low_memory_scan),
	UNIT_TEST(map_one_chunk),
	UNIT_TEST(map_several_chunks),
	UNIT_TEST(map_errors),
	UNIT_TEST(disk_matching),
	{ NULL, NULL },
};
