/* Finding the disk and the partition Ventoy names, through sysfs. */
#include "ventoy_handover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sysfs.h"

#define SYS_BLOCK "/sys/block"
#define DEV_DIR "/dev"
#define MATCH_LIST_MAX 512

/* Devices that are never the stick itself. */
static bool skipped(const char *name)
{
	static const char *const prefixes[] = { "loop", "ram", "zram", "dm-", "md", "sr", NULL };

	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static int read_mbr(const char *path, uint8_t mbr[512])
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = pread(fd, mbr, 512, 0);
	close(fd);
	if (n < 0)
		return -errno;
	return n == 512 ? 0 : -ENODATA;
}

/* 1 when NAME is the disk, 0 when not, logging why a disk of the right size
 * is not it. */
static int disk_is_it(const struct ventoy_os_param *p, const char *sysfs_block,
		      const char *dev_dir, const char *name)
{
	char path[PATH_MAX];
	uint8_t mbr[512];
	uint64_t sectors;
	int ret;

	snprintf(path, sizeof(path), "%s/%s/size", sysfs_block, name);
	if (sysfs_read_u64(path, &sectors) < 0 || sectors > UINT64_MAX / 512 ||
	    sectors * 512 != p->disk_size)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dev_dir, name);
	ret = read_mbr(path, mbr);
	if (ret < 0) {
		log_warn("%s has the size of Ventoy's disk but its first sector cannot be read: %s",
			 path, ret == -ENODATA ? "short read" : strerror(-ret));
		return 0;
	}
	if (!ventoy_disk_matches(p, p->disk_size, mbr)) {
		log_info("%s has the size of Ventoy's disk but another MBR disk id or signature: not it",
			 name);
		return 0;
	}
	return 1;
}

int ventoy_find_disk(const struct ventoy_os_param *p, const char *sysfs_block,
		     const char *dev_dir, char *name, size_t len)
{
	char found[NAME_MAX + 1] = "", list[MATCH_LIST_MAX] = "";
	size_t count = 0, used = 0;
	struct dirent *de;
	DIR *dir;

	sysfs_block = sysfs_block ? sysfs_block : SYS_BLOCK;
	dev_dir = dev_dir ? dev_dir : DEV_DIR;
	dir = opendir(sysfs_block);
	if (!dir) {
		int ret = -errno;

		log_err("cannot list %s: %s", sysfs_block, strerror(-ret));
		return ret;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || skipped(de->d_name) ||
		    !disk_is_it(p, sysfs_block, dev_dir, de->d_name))
			continue;
		if (count++ == 0)
			snprintf(found, sizeof(found), "%s", de->d_name);
		if (used < sizeof(list)) {
			int n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
					 de->d_name);

			used += n > 0 ? (size_t)n : 0;
		}
	}
	closedir(dir);

	if (count == 0) {
		log_debug("no disk of %llu bytes with Ventoy's disk id and signature (yet)",
			  (unsigned long long)p->disk_size);
		return -ENOENT;
	}
	if (count > 1) {
		log_err("%zu disks carry Ventoy's disk id, signature and size: %s; not guessing which",
			count, list);
		return -ENOTUNIQ;
	}
	if (strlen(found) >= len)
		return -ENAMETOOLONG;
	snprintf(name, len, "%s", found);
	log_info("Ventoy's disk is %s", found);
	return 0;
}

int ventoy_find_partition(const char *sysfs_block, const char *disk, unsigned part_num,
			  char *name, size_t len, uint64_t *start_sector)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int ret = -ENOENT;

	sysfs_block = sysfs_block ? sysfs_block : SYS_BLOCK;
	if (!disk[0] || strchr(disk, '/') || !strcmp(disk, ".") || !strcmp(disk, "..")) {
		log_err("\"%s\" is not a disk name", disk);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/%s", sysfs_block, disk);
	dir = opendir(path);
	if (!dir) {
		ret = -errno;
		if (ret == -ENOENT)
			log_debug("no %s (yet)", path);
		else
			log_err("cannot list %s: %s", path, strerror(-ret));
		return ret;
	}
	while ((de = readdir(dir))) {
		uint64_t num, start;

		if (de->d_name[0] == '.')
			continue;
		/* Only partitions have a "partition" attribute. */
		snprintf(path, sizeof(path), "%s/%s/%s/partition", sysfs_block, disk, de->d_name);
		if (sysfs_read_u64(path, &num) < 0 || num != part_num)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s/start", sysfs_block, disk, de->d_name);
		ret = sysfs_read_u64(path, &start);
		if (ret < 0) {
			log_err("cannot read %s: %s", path, strerror(-ret));
			break;
		}
		if (strlen(de->d_name) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		snprintf(name, len, "%s", de->d_name);
		*start_sector = start;
		log_info("partition %u of %s is %s, from sector %llu", part_num, disk, name,
			 (unsigned long long)start);
		ret = 0;
		break;
	}
	closedir(dir);
	if (ret == -ENOENT)
		log_debug("%s has no partition %u (yet)", disk, part_num);
	return ret;
}
