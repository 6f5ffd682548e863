#include "blkdev.h"

#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "blkdev_inventory.h"
#include "log.h"
#include "sysfs.h"

#define SYS_BLOCK "/sys/class/block"

/* SYS_BLOCK/NAME/ATTR */
static int read_attr(const char *name, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYS_BLOCK "/%s/%s", name, attr);
	return sysfs_read(path, buf, len);
}

static bool skipped_name(const char *name)
{
	static const char *const prefixes[] = { "loop", "ram", "zram", "dm-", NULL };

	for (int i = 0; prefixes[i]; i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static void copy_value(blkid_probe pr, const char *key, char *out, size_t len)
{
	const char *value = NULL;

	if (blkid_probe_lookup_value(pr, key, &value, NULL) == 0 && value)
		snprintf(out, len, "%s", value);
}

enum probe_scope {
	PROBE_ALL,	/* every signature libblkid knows */
	PROBE_SEARCH,	/* a device the boot's searches look at */
	PROBE_OPTICAL,	/* a disk with partitions: only an ISO written to it */
};

/* PROBE_OPTICAL: a disk the kernel lists partitions of is searched through
 * them; of its own signatures only an ISO written to it matters (iso9660
 * or udf over the partition table), and the other probers read far into
 * the disk (RAID superblocks at its end): 40-90 ms of a USB disk under TCG.
 * PROBE_SEARCH leaves out the two probers that read 256 KiB blocks: a ZFS
 * pool member (four labels of 256 KiB, 0.8 MiB in all) and an XFS external
 * log (256 KiB at its start), 10-20 ms a partition over USB under TCG; and
 * neither can be a medium or a store. Both write over the partition's start
 * (ZFS writes its first label whole over the first 256 KiB, mkfs.xfs clears
 * the log), so no older filesystem shows through them; stale ZFS labels at
 * the end of a newer ext4 no longer make it ambivalent. RAID members, whose
 * data can look like a filesystem, are still told apart. */
static int probe(const char *path, struct blkdev *dev, enum probe_scope scope)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);
	int rc;

	if (!pr)
		return errno ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
						      BLKID_SUBLKS_UUID);
	if (scope == PROBE_OPTICAL) {
		static char *optical[] = { "iso9660", "udf", NULL };

		blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_ONLYIN, optical);
	} else if (scope == PROBE_SEARCH) {
		static char *slow[] = { "zfs_member", "xfs_external_log", NULL };

		blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_NOTIN, slow);
	}
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	/* 0: found; 1: nothing; -2: ambiguous signatures (treated as nothing);
	 * -1: an error reading the device. */
	rc = blkid_do_safeprobe(pr);
	if (rc == 0) {
		copy_value(pr, "TYPE", dev->fstype, sizeof(dev->fstype));
		copy_value(pr, "LABEL", dev->label, sizeof(dev->label));
		copy_value(pr, "UUID", dev->uuid, sizeof(dev->uuid));
		copy_value(pr, "PART_ENTRY_NAME", dev->part_name, sizeof(dev->part_name));
		copy_value(pr, "PART_ENTRY_UUID", dev->part_uuid, sizeof(dev->part_uuid));
		copy_value(pr, "PTTYPE", dev->pttype, sizeof(dev->pttype));
	}
	blkid_free_probe(pr);
	return rc == -1 ? -EIO : 0;
}

int blkdev_probe(const char *path, struct blkdev *dev)
{
	return probe(path, dev, PROBE_ALL);
}

int blkdev_probe_search(const char *path, struct blkdev *dev)
{
	return probe(path, dev, PROBE_SEARCH);
}

int blkdev_slave(dev_t devno, char *name, size_t len)
{
	char path[96];
	struct dirent *de;
	DIR *dir;
	int ret = -ENOENT;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/slaves", major(devno), minor(devno));
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		ret = (size_t)snprintf(name, len, "%s", de->d_name) < len ? 0 : -ENAMETOOLONG;
		break;
	}
	closedir(dir);
	return ret;
}

const char *blkdev_unreadable(const struct blkdev *dev, bool *again)
{
	*again = true;
	if (dev->size == 0 || dev->probe_err == -ENOMEDIUM)
		return "no medium in the drive";
	*again = false;
	if (dev->probe_err == -EEXIST)
		return "its /dev node is another device's (Ventoy's hook puts the ISO's node in "
		       "place of its partition 2)";
	if (dev->probe_err) {
		*again = true;
		return strerror(-dev->probe_err);
	}
	if (!dev->fstype[0])
		return "no filesystem found";
	return NULL;
}

int blkdev_ensure_node(const struct blkdev *dev)
{
	struct stat st;

	if (stat(dev->node, &st) == 0)
		return S_ISBLK(st.st_mode) && st.st_rdev == dev->devno ? 0 : -EEXIST;
	if (errno != ENOENT)
		return -errno;
	if (mknod(dev->node, S_IFBLK | 0600, dev->devno) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static ssize_t sys_link(const char *name, char *target, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), SYS_BLOCK "/%s", name);
	n = readlink(path, target, len - 1);
	if (n >= 0)
		target[n] = '\0';
	return n;
}

bool blkdev_on_usb(const char *name)
{
	char target[PATH_MAX];

	return sys_link(name, target, sizeof(target)) >= 0 && strstr(target, "/usb");
}

static void fill_disk_info(struct blkdev *dev)
{
	char target[PATH_MAX], buf[64];

	if (sys_link(dev->name, target, sizeof(target)) < 0)
		return;
	if (dev->is_partition) {
		/* .../block/sda/sda1: the parent directory names the disk. */
		char *slash = strrchr(target, '/');

		if (slash) {
			*slash = '\0';
			slash = strrchr(target, '/');
			if (slash)
				snprintf(dev->disk, sizeof(dev->disk), "%s", slash + 1);
		}
	}
	if (strstr(target, "/usb"))
		dev->usb = dev->removable = true;
	if (read_attr(dev->disk, "removable", buf, sizeof(buf)) == 0 && buf[0] == '1')
		dev->removable = true;
}

static char inventory_path[512];
static struct blkdev_list inventory;
static bool inventory_loaded;
static unsigned probed_count, known_count;

void blkdev_inventory_init(const char *run_dir)
{
	/* Each program counts its own (two may run in one process). */
	probed_count = known_count = 0;
	inventory_path[0] = '\0';
	if (run_dir)
		snprintf(inventory_path, sizeof(inventory_path), "%s/%s", run_dir, RUN_DEVICES);
}

void blkdev_inventory_counts(unsigned *probed, unsigned *known)
{
	*probed = probed_count;
	*known = known_count;
}

/* Probes dev unless the inventory knows it; returns true when the
 * inventory gained it. */
static bool probe_once(struct blkdev *dev)
{
	struct timespec ts;
	long long now;
	char buf[32];

	clock_gettime(CLOCK_BOOTTIME, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (inventory_path[0] && inventory_apply(&inventory, dev, now)) {
		known_count++;
		return false;
	}
	dev->probe_err = dev->has_partitions ? probe(dev->node, dev, PROBE_OPTICAL)
					     : blkdev_probe_search(dev->node, dev);
	dev->probed_ms = now;
	/* Our open may have made the kernel see a media change (an empty CD
	 * drive's first): the number to match next time is the one after. */
	if (read_attr(dev->disk, "diskseq", buf, sizeof(buf)) == 0)
		dev->diskseq = strtoull(buf, NULL, 10);
	probed_count++;
	return inventory_path[0] && (dev->probe_err == 0 || dev->probe_err == -ENOMEDIUM) &&
	       inventory_add(&inventory, dev) == 0;
}

static int by_name(const void *a, const void *b)
{
	const struct blkdev *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int blkdev_scan(struct blkdev_list *list)
{
	DIR *dir = opendir(SYS_BLOCK);
	struct dirent *de;
	static int save_told;
	size_t cap = 0;
	bool grew = false;
	int ret;

	list->devs = NULL;
	list->count = 0;
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		struct blkdev *dev;
		char buf[64];
		unsigned int maj, min;

		if (de->d_name[0] == '.' || skipped_name(de->d_name))
			continue;
		if (list->count == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct blkdev *grown = realloc(list->devs, ncap * sizeof(*grown));

			if (!grown) {
				closedir(dir);
				blkdev_list_free(list);
				return -ENOMEM;
			}
			list->devs = grown;
			cap = ncap;
		}
		dev = &list->devs[list->count];
		memset(dev, 0, sizeof(*dev));
		snprintf(dev->name, sizeof(dev->name), "%s", de->d_name);
		snprintf(dev->node, sizeof(dev->node), "/dev/%s", de->d_name);
		snprintf(dev->disk, sizeof(dev->disk), "%s", de->d_name);
		if (read_attr(dev->name, "dev", buf, sizeof(buf)) < 0 ||
		    sscanf(buf, "%u:%u", &maj, &min) != 2)
			continue;
		dev->devno = makedev(maj, min);
		if (read_attr(dev->name, "size", buf, sizeof(buf)) == 0)
			dev->size = strtoull(buf, NULL, 10) * 512ULL;
		dev->is_partition = read_attr(dev->name, "partition", buf, sizeof(buf)) == 0;
		fill_disk_info(dev);
		if (read_attr(dev->disk, "diskseq", buf, sizeof(buf)) == 0)
			dev->diskseq = strtoull(buf, NULL, 10);
		list->count++;
	}
	closedir(dir);
	qsort(list->devs, list->count, sizeof(*list->devs), by_name);
	if (inventory_path[0] && !inventory_loaded) {
		inventory_load(inventory_path, &inventory);
		inventory_loaded = true;
	}

	for (size_t i = 0; i < list->count; i++) {
		struct blkdev *dev = &list->devs[i];

		for (size_t j = 0; j < list->count; j++)
			if (list->devs[j].is_partition && strcmp(list->devs[j].disk, dev->name) == 0)
				dev->has_partitions = true;
		if (dev->size == 0)
			continue;
		dev->probe_err = blkdev_ensure_node(dev);
		if (dev->probe_err == 0 && probe_once(dev))
			grew = true;
	}
	/* A full /run only costs the next program its probes again: said,
	 * once. */
	if (grew && (ret = inventory_save(inventory_path, &inventory)) < 0 && !save_told++)
		log_info("cannot keep the device inventory in %s: %s; the next program probes "
			 "the devices again", inventory_path, strerror(-ret));
	return 0;
}

void blkdev_list_free(struct blkdev_list *list)
{
	free(list->devs);
	list->devs = NULL;
	list->count = 0;
}
