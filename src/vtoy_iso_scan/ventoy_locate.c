#include "ventoy_locate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "device_wait.h"
#include "dm.h"
#include "log.h"
#include "mnt.h"
#include "paths.h"
#include "safepath.h"
#include "ventoy_dm.h"
#include "ventoy_param.h"

#define SYS_BLOCK "/sys/block"

struct ventoy_ctx {
	const struct ventoy_handover *h;
	const char *run_dir;
	struct medium_location *loc;
	char *block_dev;
	size_t block_dev_len;
	bool said_waiting;
};

static bool made_dm; /* ventoy_locate created the dm device */

static const struct blkdev *find_dev(const struct blkdev_list *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++)
		if (!strcmp(list->devs[i].name, name))
			return &list->devs[i];
	return NULL;
}

/* The image through a read-only linear map of its chunks on the disk. */
static int map_image(struct ventoy_ctx *c, const struct blkdev *disk)
{
	const struct ventoy_handover *h = c->h;
	int ret;

	if (h->image_map_count == 0) {
		log_err("Ventoy's image map is missing or was refused: the image cannot be mapped "
			"either");
		return -ENOENT;
	}
	ret = ventoy_map_create(VENTOY_DM_NAME, disk->devno, h->image_map, h->image_map_count, true,
				c->block_dev, c->block_dev_len);
	if (ret < 0) {
		log_err("cannot map the image through device-mapper: %s", strerror(-ret));
		return ret;
	}
	made_dm = true;
	log_notice("image mapped read-only from Ventoy's image map (%zu chunk(s) on %s) at %s",
		   h->image_map_count, disk->node, c->block_dev);
	return 0;
}

/* Mounts the partition and opens the image: 1 done, 0 not possible (the
 * caller maps the image instead). */
static int open_on_partition(struct ventoy_ctx *c, const struct blkdev *part)
{
	const struct ventoy_os_param *p = &c->h->param;
	const char *declared = ventoy_fs_name(p->fs_type);
	const char *fstype = part->fstype[0] ? part->fstype : declared;
	struct medium_location *loc = c->loc;
	char probe[PATH_MAX];
	struct stat st;
	int fd, ret;

	if (declared && part->fstype[0] && strcmp(declared, part->fstype) != 0)
		log_warn("Ventoy says partition %u is %s; it holds %s: mounting it as %s",
			 p->part_num, declared, part->fstype, part->fstype);
	if (!fstype) {
		log_warn("%s: no filesystem recognised", part->node);
		return 0;
	}
	run_path(probe, sizeof(probe), c->run_dir, RUN_PROBE, part->name);
	ret = mount_probe_ro(part->node, probe, fstype);
	if (ret < 0) {
		log_warn("%s: cannot mount %s read-only: %s%s", part->node, fstype, strerror(-ret),
			 ret == -ENODEV ? " (no kernel driver for it)" : "");
		rmdir(probe);
		return 0;
	}
	fd = safepath_open_at(probe, p->image_path, O_RDONLY);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -EISDIR;
	}
	if (fd < 0) {
		log_warn("%s: Ventoy's image %s is not there: %s", part->node, p->image_path,
			 strerror(-fd));
		umount2(probe, MNT_DETACH);
		rmdir(probe);
		return 0;
	}
	if ((uint64_t)st.st_size != p->image_size)
		log_warn("%s is %lld bytes; Ventoy said %llu", p->image_path, (long long)st.st_size,
			 (unsigned long long)p->image_size);
	run_path(loc->data_mount, sizeof(loc->data_mount), c->run_dir, RUN_DATA, NULL);
	ret = mkdir_p(loc->data_mount, 0755);
	if (ret == 0 && mount(probe, loc->data_mount, NULL, MS_MOVE, NULL) < 0)
		ret = -errno;
	if (ret < 0) {
		log_warn("cannot move %s to %s: %s; it stays at %s", probe, loc->data_mount,
			 strerror(-ret), probe);
		snprintf(loc->data_mount, sizeof(loc->data_mount), "%s", probe);
	} else {
		rmdir(probe);
	}
	loc->iso_fd = fd;
	snprintf(loc->fstype, sizeof(loc->fstype), "%s", fstype);
	log_notice("Ventoy's data partition %s (%s%s%s) mounted read-only at %s", part->node,
		   fstype, part->label[0] ? ", label " : "", part->label, loc->data_mount);
	return 1;
}

/* The data partition under Ventoy's own dm devices. They claim it, so it
 * cannot be mounted itself (EBUSY); Ventoy 1.1.01 and later also map the
 * whole partition as /dev/mapper/<its name> for that: mounted read-only in
 * its place. */
static void mount_partition_map(const struct blkdev *part, const char *run_dir,
				struct medium_location *loc)
{
	char node[BLKDEV_PATH_MAX + 16], probe[PATH_MAX];
	dev_t devno;
	int ret;

	if (dm_lookup(part->name, &devno) < 0) {
		log_warn("%s is held by Ventoy's device-mapper devices and Ventoy made no map of "
			 "it (Ventoy before 1.1.01): the data partition is not mounted, so "
			 "/ventoy/ventoy.json and files on it are not read", part->node);
		return;
	}
	snprintf(node, sizeof(node), DM_MAPPER_DIR "/%s", part->name);
	run_path(probe, sizeof(probe), run_dir, RUN_PROBE, part->name);
	ret = mount_probe_ro(node, probe, part->fstype);
	if (ret == 0) {
		run_path(loc->data_mount, sizeof(loc->data_mount), run_dir, RUN_DATA, NULL);
		ret = mkdir_p(loc->data_mount, 0755);
		if (ret == 0 && mount(probe, loc->data_mount, NULL, MS_MOVE, NULL) < 0)
			ret = -errno;
		if (ret < 0) {
			log_warn("cannot move the mount of %s from %s to %s: %s; it stays at %s",
				 node, probe, loc->data_mount, strerror(-ret), probe);
			snprintf(loc->data_mount, sizeof(loc->data_mount), "%s", probe);
		} else
			rmdir(probe);
	}
	if (ret < 0 && !loc->data_mount[0]) {
		log_warn("cannot mount %s (Ventoy's map of %s, %s) read-only: %s", node, part->node,
			 part->fstype, strerror(-ret));
		rmdir(probe);
		return;
	}
	log_notice("Ventoy's data partition %s (%s%s%s) mounted read-only at %s through %s, "
		   "Ventoy's map of it", part->node, part->fstype, part->label[0] ? ", label " : "",
		   part->label, loc->data_mount, node);
}

/* Fills loc from the devices under Ventoy's /dev/mapper/ventoy: the
 * partition its table maps (sysfs slaves), its disk, checked against the
 * hand-over, and mounts the data partition through Ventoy's map of it. */
static void ventoy_devices_locate(const struct ventoy_handover *h, dev_t devno,
				  const char *run_dir, struct medium_location *loc)
{
	struct blkdev_list list;
	const struct blkdev *part = NULL, *disk = NULL;
	char slave[256];
	int ret = blkdev_slave(devno, slave, sizeof(slave));

	if (ret < 0) {
		log_warn("/dev/mapper/%s maps no partition that sysfs names (%s): Ventoy's disk is "
			 "not known", VENTOY_DM_NAME, strerror(-ret));
		return;
	}
	ret = blkdev_scan(&list);
	if (ret < 0) {
		log_warn("cannot list block devices to find Ventoy's disk: %s", strerror(-ret));
		return;
	}
	part = find_dev(&list, slave);
	if (part)
		disk = find_dev(&list, part->disk);
	if (!part || !disk || !part->is_partition) {
		log_warn("/dev/mapper/%s maps %s, which is not a partition of a disk: Ventoy's disk "
			 "is not known", VENTOY_DM_NAME, slave);
	} else if (disk->size != h->param.disk_size) {
		log_warn("/dev/mapper/%s maps %s, on a %llu-byte disk; Ventoy's hand-over names a "
			 "%llu-byte disk: not taking it as Ventoy's", VENTOY_DM_NAME, part->node,
			 disk->size, (unsigned long long)h->param.disk_size);
	} else {
		snprintf(loc->device, sizeof(loc->device), "%s", part->node);
		snprintf(loc->disk, sizeof(loc->disk), "%s", disk->node);
		snprintf(loc->fstype, sizeof(loc->fstype), "%s", part->fstype);
		snprintf(loc->label, sizeof(loc->label), "%s", part->label);
		snprintf(loc->uuid, sizeof(loc->uuid), "%s", part->uuid);
		log_notice("Ventoy's disk is %s; its devices map the data partition %s", disk->node,
			   part->node);
		mount_partition_map(part, run_dir, loc);
	}
	blkdev_list_free(&list);
}

static int check_disk(const struct blkdev_list *list, void *ctx, long long *recheck_at_ms)
{
	struct ventoy_ctx *c = ctx;
	const struct ventoy_os_param *p = &c->h->param;
	const struct blkdev *disk, *part;
	char disk_name[256], part_name[256];
	uint64_t start;
	int ret;

	(void)recheck_at_ms; /* events alone bring Ventoy's disk */
	ret = ventoy_find_disk(p, SYS_BLOCK, "/dev", disk_name, sizeof(disk_name));
	if (ret == 0)
		ret = ventoy_find_partition(SYS_BLOCK, disk_name, p->part_num, part_name,
					    sizeof(part_name), &start);
	if (ret == -ENOENT) {
		if (!c->said_waiting)
			log_info("waiting for Ventoy's disk (%llu MiB, partition %u) to appear",
				 (unsigned long long)(p->disk_size >> 20), p->part_num);
		c->said_waiting = true;
		return 0;
	}
	if (ret < 0)
		return ret;
	disk = find_dev(list, disk_name);
	part = find_dev(list, part_name);
	if (!disk || !part)
		return 0; /* sysfs has it, the scan does not yet */
	blkdev_ensure_node(disk);
	blkdev_ensure_node(part);
	snprintf(c->loc->device, sizeof(c->loc->device), "%s", part->node);
	snprintf(c->loc->disk, sizeof(c->loc->disk), "%s", disk->node);
	snprintf(c->loc->label, sizeof(c->loc->label), "%s", part->label);
	snprintf(c->loc->uuid, sizeof(c->loc->uuid), "%s", part->uuid);
	log_notice("Ventoy's disk is %s; the image %s is on %s", disk->node, p->image_path,
		   part->node);
	if (open_on_partition(c, part))
		return 1;
	log_notice("using Ventoy's image map instead of the filesystem");
	ret = map_image(c, disk);
	return ret < 0 ? ret : 1;
}

int ventoy_locate(const struct ventoy_handover *h, const char *run_dir, long timeout_ms,
		  struct medium_location *loc, char *block_dev, size_t len)
{
	struct ventoy_ctx c = { .h = h, .run_dir = run_dir, .loc = loc, .block_dev = block_dev,
				.block_dev_len = len };
	long long waited;
	dev_t devno;
	int ret;

	memset(loc, 0, sizeof(*loc));
	loc->iso_fd = -1;
	block_dev[0] = '\0';
	made_dm = false;
	log_notice("Ventoy hand-over (%s): %s on partition %u (%s) of a %llu MiB disk",
		   h->origin, h->param.image_path, h->param.part_num,
		   ventoy_fs_name(h->param.fs_type) ? ventoy_fs_name(h->param.fs_type) : "?",
		   (unsigned long long)(h->param.disk_size >> 20));
	/* Ventoy's hook leaves its node; asking device-mapper only then keeps
	 * boots without dm_mod quiet. */
	if (access("/dev/mapper/" VENTOY_DM_NAME, F_OK) == 0 &&
	    dm_lookup(VENTOY_DM_NAME, &devno) == 0) {
		snprintf(block_dev, len, "/dev/mapper/" VENTOY_DM_NAME);
		log_notice("/dev/mapper/%s exists already (Ventoy's own hook ran): using it",
			   VENTOY_DM_NAME);
		ventoy_devices_locate(h, devno, run_dir, loc);
		return 0;
	}
	ret = device_wait(timeout_ms, check_disk, &c, &waited);
	if (ret == 1) {
		log_info("Ventoy's medium found after %lld ms", waited);
		return 0;
	}
	if (ret == 0) {
		log_err("Ventoy's disk (%llu bytes, partition %u) did not appear within %ld s",
			(unsigned long long)h->param.disk_size, h->param.part_num, timeout_ms / 1000);
		return -ENOENT;
	}
	if (ret == -ENOTUNIQ)
		log_err("more than one disk matches Ventoy's description (see above); refusing to "
			"guess: unplug the copy or boot with findiso=");
	return ret;
}

void ventoy_locate_undo(const char *block_dev)
{
	if (made_dm && block_dev[0]) {
		dm_remove(VENTOY_DM_NAME);
		made_dm = false;
	}
}
