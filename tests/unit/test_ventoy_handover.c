#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mnt.h"
#include "unit.h"
#include "ventoy_fixture.h"
#include "ventoy_handover.h"

/* A fake root in /tmp: the sources point into it. */
struct tree {
	char root[64];
	char ventoy[96], efivar[96], acpi[96], mem[96], block[96], dev[96];
	struct ventoy_sources src;
};

static int make_tree(struct tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/vtoy-unit-vh-XXXXXX");
	if (!mkdtemp(t->root))
		return -1;
	snprintf(t->ventoy, sizeof(t->ventoy), "%s/ventoy", t->root);
	snprintf(t->efivar, sizeof(t->efivar), "%s/efivars/VentoyOsParam", t->root);
	snprintf(t->acpi, sizeof(t->acpi), "%s/acpi/VTOY", t->root);
	snprintf(t->mem, sizeof(t->mem), "%s/mem", t->root);
	snprintf(t->block, sizeof(t->block), "%s/sys/block", t->root);
	snprintf(t->dev, sizeof(t->dev), "%s/dev", t->root);
	t->src.ventoy_dir = t->ventoy;
	t->src.efivar = t->efivar;
	t->src.acpi_table = t->acpi;
	t->src.dev_mem = t->mem;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_tree(struct tree *t)
{
	nftw(t->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes root/rel (parents made); returns 0 or -1. */
static int put_file(const struct tree *t, const char *rel, const void *data, size_t len)
{
	char path[256], *slash;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir_p(path, 0755) < 0)
		return -1;
	*slash = '/';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static int put_text(const struct tree *t, const char *rel, const char *text)
{
	return put_file(t, rel, text, strlen(text));
}

static int put_efivar(const struct tree *t, const char *image)
{
	uint8_t var[516];

	put_le(var, 0x7, 4); /* NV|BS|RT attributes */
	fill_param(var + 4, image);
	return put_file(t, "efivars/VentoyOsParam", var, sizeof(var));
}

static void cpio_param(void)
{
	struct tree t;
	struct ventoy_handover h;
	uint8_t b[512];
	char want[128];

	CHECK_INT(make_tree(&t), 0);
	fill_param(b, "/ISO/ubuntu.iso");
	CHECK_INT(put_file(&t, "ventoy/ventoy_os_param", b, sizeof(b)), 0);
	CHECK_INT(put_efivar(&t, "/ISO/other.iso"), 0); /* not looked at */
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	snprintf(want, sizeof(want), "%s/ventoy_os_param", t.ventoy);
	CHECK_STR(h.origin, want);
	CHECK_STR(h.param.image_path, "/ISO/ubuntu.iso");
	CHECK_INT(h.param.disk_size, 16ULL << 30);
	CHECK_INT(h.param.disk_signature, 0xdeadbeef);
	CHECK(h.image_map == NULL && h.image_map_count == 0);
	CHECK(h.persistent_map == NULL && h.persistent_map_count == 0);
	CHECK(h.from_cpio); /* Ventoy's hook ran: its menu decided */
	ventoy_handover_free(&h);
	rm_tree(&t);
}

/* A present but broken cpio copy is reported; the EFI variable still counts. */
static void bad_cpio_then_efivar(void)
{
	struct tree t;
	struct ventoy_handover h;
	uint8_t b[512];

	CHECK_INT(make_tree(&t), 0);
	fill_param(b, "/ISO/ubuntu.iso");
	b[200] ^= 1;
	CHECK_INT(put_file(&t, "ventoy/ventoy_os_param", b, sizeof(b)), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), -VENTOY_E_CHECKSUM);
	CHECK(h.origin[0] == '\0');
	CHECK_INT(put_efivar(&t, "/ISO/fedora.iso"), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	CHECK_STR(h.origin, "EFI variable VentoyOsParam");
	CHECK_STR(h.param.image_path, "/ISO/fedora.iso");
	ventoy_handover_free(&h);
	rm_tree(&t);
}

static void efivar_only(void)
{
	struct tree t;
	struct ventoy_handover h;

	CHECK_INT(make_tree(&t), 0);
	CHECK_INT(put_efivar(&t, "/ISO/arch.iso"), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	CHECK_STR(h.origin, "EFI variable VentoyOsParam");
	CHECK_STR(h.param.image_path, "/ISO/arch.iso");
	CHECK_INT(h.param.part_num, 1);
	CHECK(!h.from_cpio); /* no cpio, no menu */
	ventoy_handover_free(&h);
	/* An EFI variable cut short is refused. */
	CHECK_INT(put_file(&t, "efivars/VentoyOsParam", "\x07\0\0\0  www", 8), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), -VENTOY_E_TRUNCATED);
	rm_tree(&t);
}

static void acpi_only(void)
{
	struct tree t;
	struct ventoy_handover h;
	uint8_t table[36 + 512] = "VTOY";

	CHECK_INT(make_tree(&t), 0);
	put_le(table + 4, sizeof(table), 4);
	fill_param(table + 36, "/ISO/debian.iso");
	CHECK_INT(put_file(&t, "acpi/VTOY", table, sizeof(table)), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	CHECK_STR(h.origin, "ACPI table VTOY");
	CHECK_STR(h.param.image_path, "/ISO/debian.iso");
	ventoy_handover_free(&h);
	/* Only the header: refused as truncated. */
	CHECK_INT(put_file(&t, "acpi/VTOY", table, 36), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), -VENTOY_E_TRUNCATED);
	rm_tree(&t);
}

static void nothing_anywhere(void)
{
	struct tree t;
	struct ventoy_handover h;
	struct ventoy_sources none = { NULL, NULL, NULL, NULL };

	CHECK_INT(make_tree(&t), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), -ENOENT); /* no files, no mem */
	CHECK(h.origin[0] == '\0' && h.image_map == NULL);
	CHECK_INT(ventoy_handover_read(&none, &h), -ENOENT);
	ventoy_handover_free(&h);
	rm_tree(&t);
}

/* A file standing in for /dev/mem: 0xA0000 bytes, the structure (if any)
 * at off. */
static int put_mem(const struct tree *t, size_t off, const char *image)
{
	size_t len = 0xA0000;
	uint8_t *mem = calloc(1, len);
	int ret;

	if (!mem)
		return -1;
	if (image)
		fill_param(mem + off, image);
	ret = put_file(t, "mem", mem, len);
	free(mem);
	return ret;
}

static void low_memory(void)
{
	struct tree t;
	struct ventoy_handover h;

	CHECK_INT(make_tree(&t), 0);
	CHECK_INT(put_mem(&t, 0x8F000, "/ISO/legacy.iso"), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	CHECK_STR(h.origin, "low memory at 0x8f000");
	CHECK_STR(h.param.image_path, "/ISO/legacy.iso");
	ventoy_handover_free(&h);
	/* Below 0x80000, or not 16-byte aligned: not looked at. */
	CHECK_INT(put_mem(&t, 0x7F000, "/ISO/legacy.iso"), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), -ENOENT);
	CHECK_INT(put_mem(&t, 0x8F008, "/ISO/legacy.iso"), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), -ENOENT);
	/* The last aligned place in the window. */
	CHECK_INT(put_mem(&t, 0xA0000 - 512, "/ISO/top.iso"), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	CHECK_STR(h.origin, "low memory at 0x9fe00");
	/* All zeros (STRICT_DEVMEM), or too short to hold the window. */
	CHECK_INT(put_mem(&t, 0, NULL), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), -ENOENT);
	CHECK_INT(put_file(&t, "mem", "x", 1), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), -ENOENT);
	rm_tree(&t);
}

/* fill_param's image: 4700000256 bytes = 2294922 sectors of 2 KiB, placed
 * at LBA 4096 of the 16 GiB disk. */
static void put_image_map(uint8_t rec[48])
{
	put_chunk(rec, 0, 999, 4096, 4096 + 4000 - 1);
	put_chunk(rec + 24, 1000, 2294921, 100000, 100000 + (2294922 - 1000) * 4ULL - 1);
}

static void maps_read(void)
{
	struct tree t;
	struct ventoy_handover h;
	uint8_t b[512], map[48], pmap[24];

	CHECK_INT(make_tree(&t), 0);
	fill_param(b, "/ISO/ubuntu.iso");
	CHECK_INT(put_file(&t, "ventoy/ventoy_os_param", b, sizeof(b)), 0);
	put_image_map(map);
	CHECK_INT(put_file(&t, "ventoy/ventoy_image_map", map, sizeof(map)), 0);
	put_chunk(pmap, 0, 511, 20000000, 20000000 + 2048 - 1); /* a 1 MiB .dat */
	CHECK_INT(put_file(&t, "ventoy/ventoy_persistent_map", pmap, sizeof(pmap)), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	CHECK_INT(h.image_map_count, 2);
	CHECK_INT(h.image_map[1].img_end, 2294921);
	CHECK_INT(h.image_map[1].disk_start, 100000);
	CHECK_INT(h.persistent_map_count, 1);
	CHECK_INT(h.persistent_map[0].disk_start, 20000000);
	ventoy_handover_free(&h);
	CHECK(h.image_map == NULL && h.image_map_count == 0 && h.persistent_map == NULL);
	rm_tree(&t);
}

/* A bad map is dropped; the structure and the other map stay. */
static void bad_image_map_dropped(void)
{
	struct tree t;
	struct ventoy_handover h;
	uint8_t b[512], map[48], pmap[24];

	CHECK_INT(make_tree(&t), 0);
	fill_param(b, "/ISO/ubuntu.iso");
	CHECK_INT(put_file(&t, "ventoy/ventoy_os_param", b, sizeof(b)), 0);
	put_image_map(map);
	put_chunk(map + 24, 1000, 2294920, 100000, 100000 + (2294921 - 1000) * 4ULL - 1);
	CHECK_INT(put_file(&t, "ventoy/ventoy_image_map", map, sizeof(map)), 0); /* one short */
	put_chunk(pmap, 0, 511, 20000000, 20000000 + 2048 - 1);
	CHECK_INT(put_file(&t, "ventoy/ventoy_persistent_map", pmap, sizeof(pmap)), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	CHECK(h.image_map == NULL);
	CHECK_INT(h.image_map_count, 0);
	CHECK_INT(h.persistent_map_count, 1);
	ventoy_handover_free(&h);

	/* A persistent map beyond the disk, and a map of 23 bytes. */
	put_chunk(pmap, 0, 511, (16ULL << 21) - 2047, (16ULL << 21));
	CHECK_INT(put_file(&t, "ventoy/ventoy_persistent_map", pmap, sizeof(pmap)), 0);
	CHECK_INT(put_file(&t, "ventoy/ventoy_image_map", map, 23), 0);
	CHECK_INT(ventoy_handover_read(&t.src, &h), 0);
	CHECK(h.image_map == NULL && h.image_map_count == 0);
	CHECK(h.persistent_map == NULL && h.persistent_map_count == 0);
	ventoy_handover_free(&h);
	rm_tree(&t);
}

/* sys/block/NAME/size in sectors and dev/NAME with its first sector. */
static int put_disk(const struct tree *t, const char *name, uint64_t bytes, const uint8_t *mbr)
{
	char rel[128], text[32];

	snprintf(rel, sizeof(rel), "sys/block/%s/size", name);
	snprintf(text, sizeof(text), "%llu\n", (unsigned long long)(bytes / 512));
	if (put_text(t, rel, text) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "dev/%s", name);
	return put_file(t, rel, mbr, 512);
}

static void ventoy_mbr(uint8_t mbr[512])
{
	memset(mbr, 0, 512);
	memcpy(mbr + 0x180, disk_id, 16);
	memcpy(mbr + 0x190, "VT\0Ge\0HD", 8);
	put_le(mbr + 0x1b8, 0xdeadbeef, 4);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
}

static void find_disk(void)
{
	struct tree t;
	struct ventoy_os_param p;
	uint8_t b[512], mbr[512], other[512];
	char name[32];

	CHECK_INT(make_tree(&t), 0);
	fill_param(b, "/ISO/x.iso");
	CHECK_INT(ventoy_os_param_parse(b, sizeof(b), &p), 0);
	ventoy_mbr(mbr);
	memcpy(other, mbr, 512);
	other[0x1b8] ^= 1; /* another signature */

	CHECK_INT(put_disk(&t, "sda", 500ULL << 30, other), 0); /* other size */
	CHECK_INT(put_disk(&t, "loop0", p.disk_size, mbr), 0);  /* skipped */
	CHECK_INT(put_disk(&t, "dm-0", p.disk_size, mbr), 0);   /* skipped */
	CHECK_INT(ventoy_find_disk(&p, t.block, t.dev, name, sizeof(name)), -ENOENT);
	/* Right size, wrong signature. */
	CHECK_INT(put_disk(&t, "sdb", p.disk_size, other), 0);
	CHECK_INT(ventoy_find_disk(&p, t.block, t.dev, name, sizeof(name)), -ENOENT);
	/* The stick. */
	CHECK_INT(put_disk(&t, "sdc", p.disk_size, mbr), 0);
	CHECK_INT(ventoy_find_disk(&p, t.block, t.dev, name, sizeof(name)), 0);
	CHECK_STR(name, "sdc");
	CHECK_INT(ventoy_find_disk(&p, t.block, t.dev, name, 3), -ENAMETOOLONG);
	/* A clone of the stick: refuse to guess. */
	CHECK_INT(put_disk(&t, "nvme0n1", p.disk_size, mbr), 0);
	CHECK_INT(ventoy_find_disk(&p, t.block, t.dev, name, sizeof(name)), -ENOTUNIQ);
	rm_tree(&t);
}

static void find_partition(void)
{
	struct tree t;
	char name[32];
	uint64_t start = 0;

	CHECK_INT(make_tree(&t), 0);
	CHECK_INT(put_text(&t, "sys/block/sda/size", "33554432\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/sda/queue/rotational", "0\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/sda/sda1/partition", "1\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/sda/sda1/start", "2048\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/sda/sda2/partition", "2\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/sda/sda2/start", "33488896\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/nvme0n1/nvme0n1p1/partition", "1\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/nvme0n1/nvme0n1p1/start", "2048\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/nvme0n1/nvme0n1p2/partition", "2\n"), 0);
	CHECK_INT(put_text(&t, "sys/block/nvme0n1/nvme0n1p2/start", "1050624\n"), 0);

	CHECK_INT(ventoy_find_partition(t.block, "sda", 1, name, sizeof(name), &start), 0);
	CHECK_STR(name, "sda1");
	CHECK_INT(start, 2048);
	CHECK_INT(ventoy_find_partition(t.block, "sda", 2, name, sizeof(name), &start), 0);
	CHECK_STR(name, "sda2");
	CHECK_INT(start, 33488896);
	CHECK_INT(ventoy_find_partition(t.block, "nvme0n1", 2, name, sizeof(name), &start), 0);
	CHECK_STR(name, "nvme0n1p2");
	CHECK_INT(start, 1050624);
	CHECK_INT(ventoy_find_partition(t.block, "sda", 3, name, sizeof(name), &start), -ENOENT);
	CHECK_INT(ventoy_find_partition(t.block, "sdz", 1, name, sizeof(name), &start), -ENOENT);
	CHECK_INT(ventoy_find_partition(t.block, "nvme0n1", 1, name, 5, &start), -ENAMETOOLONG);
	CHECK_INT(ventoy_find_partition(t.block, "..", 1, name, sizeof(name), &start), -EINVAL);
	CHECK_INT(ventoy_find_partition(t.block, "sda/sda1", 1, name, sizeof(name), &start),
		  -EINVAL);
	CHECK_INT(ventoy_find_partition(t.block, "", 1, name, sizeof(name), &start), -EINVAL);
	rm_tree(&t);
}

static void default_sources(void)
{
	struct ventoy_sources s;

	ventoy_sources_default(&s);
	CHECK_STR(s.ventoy_dir, "/ventoy");
	CHECK_STR(s.efivar,
		  "/sys/firmware/efi/efivars/VentoyOsParam-77772020-2e77-6576-6e74-6f792e6e6574");
	CHECK_STR(s.acpi_table, "/sys/firmware/acpi/tables/VTOY");
#if defined(__i386__) || defined(__x86_64__)
	CHECK_STR(s.dev_mem, "/dev/mem");
#endif
}

const struct unit_test ventoy_handover_tests[] = {
	UNIT_TEST(cpio_param),
	UNIT_TEST(bad_cpio_then_efivar),
	UNIT_TEST(efivar_only),
	UNIT_TEST(acpi_only),
	UNIT_TEST(nothing_anywhere),
	UNIT_TEST(low_memory),
	UNIT_TEST(maps_read),
	UNIT_TEST(bad_image_map_dropped),
	UNIT_TEST(find_disk),
	UNIT_TEST(find_partition),
	UNIT_TEST(default_sources),
	{ NULL, NULL },
};
