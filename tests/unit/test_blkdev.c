/* blkdev_probe() and blkdev_probe_search() on real image files: an ext4
 * made with mkfs.ext4, with ZFS uberblocks written where a pool's four
 * labels keep them. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "blkdev.h"
#include "unit.h"

#define IMAGE_MIB 64 /* libblkid's ZFS prober skips devices under 64 MiB */
#define ZFS_LABEL (256 << 10)
#define ZFS_UBERBLOCKS (128 << 10) /* in a label */
#define ZFS_UBERBLOCK_MAGIC 0x00bab10cULL

/* A sparse ext4 image labelled persistence; 0 or -1. */
static int ext4_image(char *path, size_t len)
{
	char cmd[512];
	int fd;

	snprintf(path, len, "/tmp/vtoy-unit-blkdev-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "truncate -s %dM '%s' && mkfs.ext4 -q -F -E nodiscard "
		 "-L persistence '%s' >/dev/null 2>&1", IMAGE_MIB, path, path);
	return system(cmd) == 0 ? 0 : -1;
}

/* Stale ZFS labels: four uberblocks in each label's ring. */
static int add_zfs_labels(const char *path)
{
	const long size = (long)IMAGE_MIB << 20;
	const long labels[] = { 0, ZFS_LABEL, size - 2 * ZFS_LABEL, size - ZFS_LABEL };
	const uint64_t magic = ZFS_UBERBLOCK_MAGIC; /* little-endian, as x86 writes it */
	FILE *f = fopen(path, "r+b");

	if (!f)
		return -1;
	for (int l = 0; l < 4; l++)
		for (int u = 0; u < 4; u++)
			if (fseek(f, labels[l] + ZFS_UBERBLOCKS + u * 1024L, SEEK_SET) != 0 ||
			    fwrite(&magic, sizeof(magic), 1, f) != 1) {
				fclose(f);
				return -1;
			}
	return fclose(f) == 0 ? 0 : -1;
}

/* The image made (with ZFS labels when zfs), probed both ways and removed;
 * 0, or -1 when a step failed. */
static int probe_both(bool zfs, struct blkdev *all, struct blkdev *search)
{
	char path[64];
	int ret = ext4_image(path, sizeof(path));

	if (ret == 0 && zfs)
		ret = add_zfs_labels(path);
	if (ret == 0 && (blkdev_probe(path, all) < 0 || blkdev_probe_search(path, search) < 0))
		ret = -1;
	unlink(path);
	return ret;
}

static void search_probe_finds_ext4(void)
{
	struct blkdev all = { 0 }, search = { 0 };

	CHECK_INT(probe_both(false, &all, &search), 0);
	CHECK_STR(all.fstype, "ext4");
	CHECK_STR(search.fstype, "ext4");
	CHECK_STR(search.label, "persistence");
	CHECK_STR(search.uuid, all.uuid);
}

/* The full probe sees two filesystems and calls it ambivalent (no type);
 * the search's, which leaves the ZFS prober out, sees the ext4. */
static void search_probe_leaves_zfs_out(void)
{
	struct blkdev all = { 0 }, search = { 0 };

	CHECK_INT(probe_both(true, &all, &search), 0);
	CHECK_STR(all.fstype, "");
	CHECK_STR(search.fstype, "ext4");
	CHECK_STR(search.label, "persistence");
}

const struct unit_test blkdev_tests[] = {
	UNIT_TEST(search_probe_finds_ext4),
	UNIT_TEST(search_probe_leaves_zfs_out),
	{ NULL, NULL },
};
