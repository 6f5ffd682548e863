/* Test stand-in for the C tools of Ventoy's own Linux hook (vtoydump finds
 * Ventoy's disk, vtoydm turns a map into a device-mapper table), so that a
 * test initramfs can build Ventoy's device-mapper devices the way Ventoy's
 * hook does, with dmsetup, before our code runs. Static; no library of ours.
 *
 * ventoy-fake-hook find [VENTOY_DIR]
 *     prints "PART START SECTORS" for partition 1 of the disk whose size,
 *     MBR disk id (0x180) and signature (0x1B8) match ventoy_os_param
 * ventoy-fake-hook table MAP PARTDEV PARTSTART
 *     prints the table of MAP (24-byte chunks: u32 image start and end in
 *     2 KiB sectors, u64 disk start and end in 512-byte sectors), each line
 *     "START LENGTH linear PARTDEV OFFSET", offsets within the partition
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int read_all(const char *path, uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len);

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static unsigned long long sysfs_num(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strtoull(buf, NULL, 10);
}

static int find(const char *dir)
{
	uint8_t param[512], mbr[512];
	char path[512];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/ventoy_os_param", dir);
	if (read_all(path, param, sizeof(param)) < 0)
		return 1;
	d = opendir("/sys/block");
	while (d && (de = readdir(d))) {
		char part[300];

		if (de->d_name[0] == '.' || !strncmp(de->d_name, "dm-", 3) || !strncmp(de->d_name, "loop", 4))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/size", de->d_name);
		if (sysfs_num(path) * 512 != le(param + 33, 8))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (read_all(path, mbr, sizeof(mbr)) < 0 || memcmp(mbr + 0x180, param + 17, 16) ||
		    memcmp(mbr + 0x1b8, param + 481, 4))
			continue;
		/* sda1, nvme0n1p1, mmcblk0p1 */
		snprintf(part, sizeof(part), "%s%s1", de->d_name,
			 de->d_name[strlen(de->d_name) - 1] >= '0' && de->d_name[strlen(de->d_name) - 1] <= '9' ? "p" : "");
		snprintf(path, sizeof(path), "/sys/block/%s/%s/start", de->d_name, part);
		if (access(path, F_OK) < 0)
			continue;
		printf("%s %llu ", part, sysfs_num(path));
		snprintf(path, sizeof(path), "/sys/block/%s/%s/size", de->d_name, part);
		printf("%llu\n", sysfs_num(path));
		closedir(d);
		return 0;
	}
	if (d)
		closedir(d);
	return 1;
}

static int table(const char *map, const char *partdev, unsigned long long part_start)
{
	uint8_t rec[24];
	FILE *f = fopen(map, "r");

	if (!f)
		return 1;
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		uint64_t img_start = le(rec, 4), disk_start = le(rec + 8, 8), disk_end = le(rec + 16, 8);

		printf("%llu %llu linear %s %llu\n", (unsigned long long)img_start * 4,
		       (unsigned long long)(disk_end - disk_start + 1), partdev,
		       (unsigned long long)(disk_start - part_start));
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "find"))
		return find(argc > 2 ? argv[2] : "/ventoy");
	if (argc == 5 && !strcmp(argv[1], "table"))
		return table(argv[2], argv[3], strtoull(argv[4], NULL, 10));
	fprintf(stderr, "usage: ventoy-fake-hook find [DIR] | table MAP PARTDEV PARTSTART\n");
	return 2;
}
