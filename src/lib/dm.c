/* The ioctl side of dm.h: /dev/mapper/control and the device's node. */
#include "dm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "drivers.h"
#include "log.h"
#include "mnt.h"
#include "sysfs.h"

#define CONTROL_NODE DM_MAPPER_DIR "/" DM_CONTROL_NODE
#define CONTROL_SYSFS "/sys/class/misc/device-mapper/dev"

/* devtmpfs has no node for a misc device's fixed name: make it from sysfs. */
static int make_control_node(void)
{
	dev_t devno = 0;
	int ret;

	/* Loaded when first needed (drivers.h), in every kind of image. */
	drivers_need("dm-mod", "/sys/class/misc/device-mapper");
	ret = sysfs_read_devno(CONTROL_SYSFS, &devno);

	if (ret == -ENOENT) {
		log_err("device-mapper is not available (no %s): the kernel needs the dm_mod module",
			CONTROL_SYSFS);
		return -ENODEV;
	}
	if (ret < 0) {
		log_err("cannot read %s: %s", CONTROL_SYSFS, strerror(-ret));
		return ret;
	}
	ret = mkdir_p(DM_MAPPER_DIR, 0755);
	if (ret < 0) {
		log_err("cannot create %s: %s", DM_MAPPER_DIR, strerror(-ret));
		return ret;
	}
	if (mknod(CONTROL_NODE, S_IFCHR | 0600, devno) < 0 && errno != EEXIST) {
		ret = -errno;
		log_err("cannot create %s (%u:%u): %s", CONTROL_NODE, major(devno), minor(devno),
			strerror(-ret));
		return ret;
	}
	log_info("created %s (%u:%u)", CONTROL_NODE, major(devno), minor(devno));
	return 0;
}

static int open_control(void)
{
	struct stat st;
	int fd, ret;

	if (lstat(CONTROL_NODE, &st) == 0) {
		if (!S_ISCHR(st.st_mode)) {
			log_err("%s exists but is not a character device", CONTROL_NODE);
			return -EEXIST;
		}
	} else if (errno != ENOENT) {
		ret = -errno;
		log_err("cannot look at %s: %s", CONTROL_NODE, strerror(-ret));
		return ret;
	} else {
		ret = make_control_node();
		if (ret < 0)
			return ret;
	}
	fd = open(CONTROL_NODE, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	ret = -errno;
	if (ret == -ENODEV || ret == -ENXIO) {
		log_err("cannot open %s: no device-mapper driver behind it (the kernel needs the dm_mod module)",
			CONTROL_NODE);
		return -ENODEV;
	}
	log_err("cannot open %s: %s", CONTROL_NODE, strerror(-ret));
	return ret;
}

static void header(struct dm_ioctl *io, const char *name, uint32_t flags)
{
	memset(io, 0, sizeof(*io));
	io->version[0] = DM_VERSION_MAJOR; /* minor 0: any 4.x kernel takes it */
	io->data_size = sizeof(*io);
	io->data_start = sizeof(*io);
	io->flags = flags;
	if (name)
		memcpy(io->name, name, strlen(name) + 1); /* checked by dm_name_check() */
}

/* One ioctl; io may be followed by data (data_size says how much). Every
 * command used here returns only the header, so a full buffer means the
 * kernel speaks another dialect. */
static int dm_run(int fd, unsigned long request, struct dm_ioctl *io)
{
	if (ioctl(fd, request, io) < 0)
		return -errno;
	if (io->flags & DM_BUFFER_FULL_FLAG)
		return -ENOSPC;
	return 0;
}

static const char *dm_strerror(int err)
{
	if (err == -EACCES || err == -EPERM)
		return "permission denied (device-mapper needs CAP_SYS_ADMIN)";
	if (err == -ENOSPC)
		return "the kernel's answer did not fit (DM_BUFFER_FULL_FLAG)";
	return strerror(-err);
}

static int check_version(int fd)
{
	struct dm_ioctl io;
	int ret;

	header(&io, NULL, 0);
	ret = dm_run(fd, DM_VERSION, &io);
	if (ret == -EINVAL || (ret == 0 && io.version[0] != DM_VERSION_MAJOR)) {
		log_err("device-mapper ioctl interface is %u.%u.%u; version %u is needed",
			io.version[0], io.version[1], io.version[2], DM_VERSION_MAJOR);
		return -EPROTONOSUPPORT;
	}
	if (ret < 0) {
		log_err("DM_VERSION on %s failed: %s", CONTROL_NODE, dm_strerror(ret));
		return ret;
	}
	log_debug("device-mapper ioctl interface %u.%u.%u", io.version[0], io.version[1],
		  io.version[2]);
	return 0;
}

static void undo_create(int fd, const char *name, const char *why)
{
	struct dm_ioctl io;
	int ret;

	header(&io, name, 0);
	ret = dm_run(fd, DM_DEV_REMOVE, &io);
	if (ret == 0)
		log_info("removed the %s device-mapper device %s", why, name);
	else
		log_err("could not remove the %s device-mapper device %s: %s", why, name,
			dm_strerror(ret));
}

/* devtmpfs names the device dm-N; /dev/mapper/NAME is udev's job, and there
 * is no udev here. A block node left over for another device is replaced;
 * udev's symlink to the right device is kept. */
static int ensure_block_node(const char *path, dev_t devno)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (S_ISBLK(st.st_mode) && st.st_rdev == devno)
			return 0;
		if (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
		    st.st_rdev == devno)
			return 0;
		if (!S_ISBLK(st.st_mode)) {
			log_err("%s exists and is not the node of device %u:%u", path, major(devno),
				minor(devno));
			return -EEXIST;
		}
		log_notice("replacing stale node %s (%u:%u) with %u:%u", path, major(st.st_rdev),
			   minor(st.st_rdev), major(devno), minor(devno));
		if (unlink(path) < 0) {
			int ret = -errno;

			log_err("cannot remove stale %s: %s", path, strerror(-ret));
			return ret;
		}
	} else if (errno != ENOENT) {
		int ret = -errno;

		log_err("cannot look at %s: %s", path, strerror(-ret));
		return ret;
	}
	if (mknod(path, S_IFBLK | 0600, devno) < 0) {
		int ret = -errno;

		log_err("cannot create %s (%u:%u): %s", path, major(devno), minor(devno),
			strerror(-ret));
		return ret;
	}
	return 0;
}

/* Create, load, resume; returns the new device's number in *devno. */
static int activate(int fd, const char *name, void *table, bool read_only, dev_t *devno)
{
	struct dm_ioctl io;
	int ret;

	header(&io, name, read_only ? DM_READONLY_FLAG : 0);
	ret = dm_run(fd, DM_DEV_CREATE, &io);
	if (ret == -EBUSY) {
		log_err("a device-mapper device named %s exists already", name);
		return -EEXIST;
	}
	if (ret < 0) {
		log_err("DM_DEV_CREATE %s failed: %s", name, dm_strerror(ret));
		return ret;
	}

	ret = dm_run(fd, DM_TABLE_LOAD, table);
	if (ret == -EBUSY) {
		/* The linear target claims the backing disk exclusively. */
		log_err("DM_TABLE_LOAD %s failed: the backing disk is busy (a partition of it mounted or claimed?)",
			name);
		goto remove;
	}
	if (ret < 0) {
		log_err("DM_TABLE_LOAD %s failed: %s (dmesg has the kernel's reason)", name,
			dm_strerror(ret));
		goto remove;
	}
	header(&io, name, 0); /* no DM_SUSPEND_FLAG: resume, making the table live */
	ret = dm_run(fd, DM_DEV_SUSPEND, &io);
	if (ret < 0) {
		log_err("resuming %s (DM_DEV_SUSPEND) failed: %s", name, dm_strerror(ret));
		goto remove;
	}
	*devno = dm_decode_dev(io.dev);
	return 0;

remove:
	undo_create(fd, name, "half-made");
	return ret;
}

static void log_table(const char *name, dev_t backing, const struct dm_linear *segs, size_t n,
		      bool read_only)
{
	log_info("device-mapper %s: %zu linear target(s) on %u:%u%s", name, n, major(backing),
		 minor(backing), read_only ? ", read-only" : "");
	for (size_t i = 0; i < n; i++)
		log_debug("  %llu %llu linear %u:%u %llu", (unsigned long long)segs[i].start,
			  (unsigned long long)segs[i].length, major(backing), minor(backing),
			  (unsigned long long)segs[i].offset);
}

int dm_linear_create(const char *name, dev_t backing, const struct dm_linear *segs, size_t n,
		     bool read_only, char *node, size_t node_len)
{
	char path[sizeof(DM_MAPPER_DIR) + DM_NAME_LEN];
	void *table;
	dev_t devno = 0;
	int fd, ret = dm_name_check(name);

	if (ret < 0) {
		log_err("device-mapper name \"%s\" refused: %s", name, strerror(-ret));
		return ret;
	}
	snprintf(path, sizeof(path), DM_MAPPER_DIR "/%s", name);
	if (strlen(path) >= node_len) {
		log_err("no room for the node path %s", path);
		return -ENAMETOOLONG;
	}
	if (n > DM_TARGETS_MAX) {
		log_err("device-mapper %s: %zu targets, the kernel takes at most %u", name, n,
			DM_TARGETS_MAX);
		return -E2BIG;
	}
	table = malloc(dm_table_size_max(n));
	if (!table) {
		log_err("device-mapper %s: out of memory for %zu targets", name, n);
		return -ENOMEM;
	}
	ret = dm_table_pack(table, dm_table_size_max(n), name, backing, segs, n, read_only);
	if (ret < 0) {
		log_err("device-mapper %s: cannot build the table: %s", name, strerror(-ret));
		goto out;
	}
	log_table(name, backing, segs, n, read_only);

	fd = open_control();
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	ret = check_version(fd);
	if (ret == 0)
		ret = activate(fd, name, table, read_only, &devno);
	if (ret == 0) {
		ret = ensure_block_node(path, devno);
		if (ret < 0)
			undo_create(fd, name, "node-less");
	}
	close(fd);
	if (ret == 0) {
		snprintf(node, node_len, "%s", path);
		log_info("created %s (%u:%u)", path, major(devno), minor(devno));
	}
out:
	free(table);
	return ret;
}

int dm_lookup(const char *name, dev_t *devno)
{
	struct dm_ioctl io;
	int fd, ret = dm_name_check(name);

	if (ret < 0) {
		log_err("device-mapper name \"%s\" refused: %s", name, strerror(-ret));
		return ret;
	}
	fd = open_control();
	if (fd < 0)
		return fd;
	header(&io, name, 0);
	ret = dm_run(fd, DM_DEV_STATUS, &io);
	close(fd);
	if (ret == -ENXIO || ret == -ENOENT) {
		log_debug("no device-mapper device named %s", name);
		return ret;
	}
	if (ret < 0) {
		log_err("DM_DEV_STATUS %s failed: %s", name, dm_strerror(ret));
		return ret;
	}
	*devno = dm_decode_dev(io.dev);
	return 0;
}

int dm_remove(const char *name)
{
	char path[sizeof(DM_MAPPER_DIR) + DM_NAME_LEN];
	struct dm_ioctl io;
	struct stat st;
	dev_t devno;
	int fd, ret = dm_lookup(name, &devno);

	if (ret == -ENXIO || ret == -ENOENT)
		log_info("no device-mapper device named %s to remove", name);
	if (ret < 0)
		return ret;
	fd = open_control();
	if (fd < 0)
		return fd;
	header(&io, name, 0);
	ret = dm_run(fd, DM_DEV_REMOVE, &io);
	close(fd);
	if (ret == -EBUSY) {
		log_err("device-mapper device %s is in use (open or mounted): not removed", name);
		return ret;
	}
	if (ret < 0) {
		log_err("DM_DEV_REMOVE %s failed: %s", name, dm_strerror(ret));
		return ret;
	}
	snprintf(path, sizeof(path), DM_MAPPER_DIR "/%s", name);
	if (lstat(path, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == devno &&
	    unlink(path) < 0) {
		ret = -errno;
		log_warn("removed device-mapper device %s but not its node %s: %s", name, path,
			 strerror(-ret));
	}
	log_info("removed device-mapper device %s", name);
	return 0;
}
