#include "storage_settle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkdev.h"
#include "drivers.h"
#include "log.h"
#include "mountinfo.h"
#include "sysfs.h"
#include "uevent.h"

#define POLL_FALLBACK_MS 200

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* A LUN's SCSI peripheral type (include/scsi/scsi_proto.h), -1 unread. */
static int lun_type(const char *lun_dir)
{
	char path[512], type[16], *end;
	long value;

	snprintf(path, sizeof(path), "%s/type", lun_dir);
	if (sysfs_read(path, type, sizeof(type)) < 0)
		return -1;
	value = strtol(type, &end, 10);
	return end == type || *end ? -1 : (int)value;
}

#define TYPE_CD 5

/* The types that get a block device: disk, CD/DVD, optical memory,
 * reduced block commands. */
static bool block_type(int type)
{
	return type == 0 || type == TYPE_CD || type == 7 || type == 14;
}

/* A USB interface (not a device: its name has a ':') of the mass-storage
 * class (08). */
static bool storage_interface(const char *path)
{
	const char *name = strrchr(path, '/') + 1;
	char attr[512], cls[8];

	if (!strchr(name, ':'))
		return false;
	snprintf(attr, sizeof(attr), "%s/bInterfaceClass", path);
	return sysfs_read(attr, cls, sizeof(cls)) == 0 && !strcmp(cls, "08");
}

/* Calls fn on each entry of dir whose name starts with prefix; stops at the
 * first non-zero return and returns it (-1 when dir cannot be read). */
static int each_entry(const char *dir, const char *prefix, int (*fn)(const char *path, void *ctx),
		      void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -1;
	while (!ret && (e = readdir(d))) {
		char path[512];

		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		ret = fn(path, ctx);
	}
	closedir(d);
	return ret;
}

#define SCAN_PENDING "SCSI scan pending"

struct walk {
	int luns;
	const char *state; /* why the interface is pending, or NULL */
};

static int lun(const char *path, void *ctx)
{
	struct walk *w = ctx;
	const char *name = strrchr(path, '/') + 1;
	char block[512];

	if (!strchr(name, ':'))
		return 0; /* not an H:C:T:L device */
	w->luns++;
	snprintf(block, sizeof(block), "%s/block", path);
	if (block_type(lun_type(path)) && !exists(block)) {
		w->state = "no block device for its LUN yet";
		return 1;
	}
	return 0;
}

static int target(const char *path, void *ctx)
{
	return each_entry(path, "", lun, ctx) > 0;
}

static int host(const char *path, void *ctx)
{
	struct walk *w = ctx;
	int before = w->luns;

	if (each_entry(path, "target", target, ctx) > 0)
		return 1;
	if (w->luns == before) {
		w->state = SCAN_PENDING;
		return 1;
	}
	return 0;
}

struct count {
	const char *sysfs;
	bool driver_coming;
	int pending;
	char *what;
	size_t len;
};

static int interface(const char *path, void *ctx)
{
	struct count *c = ctx;
	const char *name = strrchr(path, '/') + 1;
	char attr[512], usb_storage[256], uas[256];
	struct walk w = { 0, NULL };

	if (!storage_interface(path))
		return 0;
	snprintf(attr, sizeof(attr), "%s/driver", path);
	snprintf(usb_storage, sizeof(usb_storage), "%s/bus/usb/drivers/usb-storage", c->sysfs);
	snprintf(uas, sizeof(uas), "%s/bus/usb/drivers/uas", c->sysfs);
	if (!exists(attr)) {
		/* Without a loaded driver nothing is on its way, unless one
		 * is about to load. */
		if (c->driver_coming || exists(usb_storage) || exists(uas))
			w.state = "no driver bound yet";
	} else if (each_entry(path, "host", host, &w) < 0 || (!w.state && w.luns == 0)) {
		w.state = "no SCSI host yet";
	}
	if (w.state) {
		if (c->pending++ == 0 && c->len)
			snprintf(c->what, c->len, "%s: %s", name, w.state);
	}
	return 0;
}

static int delayed_interface(const char *path, void *ctx)
{
	char attr[512];
	struct walk w = { 0, NULL };

	(void)ctx;
	if (!storage_interface(path))
		return 0;
	snprintf(attr, sizeof(attr), "%s/driver", path);
	if (!exists(attr))
		return 0;
	each_entry(path, "host", host, &w);
	return w.state && !strcmp(w.state, SCAN_PENDING);
}

int storage_scan_delayed(const char *sysfs)
{
	char dir[256];

	snprintf(dir, sizeof(dir), "%s/bus/usb/devices", sysfs);
	return each_entry(dir, "", delayed_interface, NULL) > 0;
}

static int found(const char *path, void *ctx)
{
	(void)path;
	(void)ctx;
	return 1;
}

int storage_usb_host(const char *sysfs)
{
	char dir[256];

	snprintf(dir, sizeof(dir), "%s/bus/usb/devices", sysfs);
	return each_entry(dir, "usb", found, NULL) > 0;
}

int storage_pending(const char *sysfs, char *what, size_t len, bool driver_coming)
{
	char dir[256];
	struct count c = { sysfs, driver_coming, 0, what, len };

	if (len)
		what[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/bus/usb/devices", sysfs);
	each_entry(dir, "", interface, &c);
	return c.pending;
}

static void add_name(struct disk_names *n, const char *name);

struct tables {
	const char *dev_dir;
	const char *lun; /* the LUN whose block/ is walked */
	int pending;
	char *what;
	size_t len;
	struct disk_names *fresh;
};

/* Partitions of the disk whose sysfs directory is path ("sdb1" in
 * .../block/sdb). */
static int partition(const char *path, void *ctx)
{
	(void)path;
	(void)ctx;
	return 1;
}

/* devtmpfs makes a disk's node just after its dev attribute (device_add,
 * drivers/base/core.c); one made by us instead would outlive the disk. */
static bool on_devtmpfs(const char *dev_dir)
{
	static struct mount_entry e;

	return mountinfo_find(NULL, dev_dir, &e) == 0 && !strcmp(e.fstype, "devtmpfs");
}

/* A /dev without devtmpfs: the node from the disk's dev attribute. */
static int make_node(const char *disk_dir, const char *node)
{
	struct blkdev dev = { 0 };
	char attr[512];
	int ret;

	snprintf(attr, sizeof(attr), "%s/dev", disk_dir);
	if ((ret = sysfs_read_devno(attr, &dev.devno)) < 0)
		return ret;
	snprintf(dev.node, sizeof(dev.node), "%s", node);
	return blkdev_ensure_node(&dev);
}

/* sd_open fails with ENXIO for a SCSI device taken offline after errors
 * (drivers/scsi/sd.c): that disk is not on its way, and is not waited for. */
static bool lun_running(const char *lun)
{
	char path[512], state[32];

	snprintf(path, sizeof(path), "%s/state", lun);
	return sysfs_read(path, state, sizeof(state)) < 0 || !strcmp(state, "running");
}

static int table_disk(const char *path, void *ctx)
{
	struct tables *t = ctx;
	const char *name = strrchr(path, '/') + 1;
	char node[256];
	bool had_parts = each_entry(path, name, partition, NULL) > 0;
	int fd;

	snprintf(node, sizeof(node), "%s/%s", t->dev_dir, name);
	/* O_NONBLOCK: an empty card reader or CD drive opens too. */
	fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !on_devtmpfs(t->dev_dir) && make_node(path, node) == 0)
		fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENXIO) && lun_running(t->lun)) {
		if (t->pending++ == 0 && t->len)
			snprintf(t->what, t->len, "%s: being added", name);
		return 0;
	}
	if (fd >= 0)
		close(fd);
	if (!had_parts && each_entry(path, name, partition, NULL) > 0)
		add_name(t->fresh, name);
	return 0;
}

static int table_lun(const char *path, void *ctx)
{
	struct tables *t = ctx;
	const char *name = strrchr(path, '/') + 1;
	char block[512];
	int type;

	if (!strchr(name, ':'))
		return 0;
	/* Not a CD drive: no store is on one, and opening an empty one takes
	 * 0.1 s under TCG. */
	type = lun_type(path);
	if (!block_type(type) || type == TYPE_CD)
		return 0;
	snprintf(block, sizeof(block), "%s/block", path);
	t->lun = path;
	each_entry(block, "", table_disk, ctx);
	return 0;
}

static int table_target(const char *path, void *ctx)
{
	each_entry(path, "", table_lun, ctx);
	return 0;
}

static int table_host(const char *path, void *ctx)
{
	each_entry(path, "target", table_target, ctx);
	return 0;
}

static int table_interface(const char *path, void *ctx)
{
	if (!storage_interface(path))
		return 0;
	each_entry(path, "host", table_host, ctx);
	return 0;
}

int storage_tables_read(const char *sysfs, const char *dev_dir, char *what, size_t len,
			struct disk_names *fresh)
{
	struct tables t = { dev_dir, NULL, 0, what, len, fresh };
	char dir[256];

	if (len)
		what[0] = '\0';
	memset(fresh, 0, sizeof(*fresh));
	snprintf(dir, sizeof(dir), "%s/bus/usb/devices", sysfs);
	each_entry(dir, "", table_interface, &t);
	return t.pending;
}

static bool has_name(const struct disk_names *n, const char *name)
{
	for (size_t i = 0; i < n->count; i++)
		if (!strcmp(n->names[i], name))
			return true;
	return false;
}

static void add_name(struct disk_names *n, const char *name)
{
	if (!name) {
		n->all = 1;
		return;
	}
	if (n->count < STORAGE_DISKS_MAX && strlen(name) < sizeof(n->names[0]) && !has_name(n, name))
		snprintf(n->names[n->count++], sizeof(n->names[0]), "%s", name);
}

static bool whole_disk_name(const char *name)
{
	return name[0] != '.' && strncmp(name, "loop", 4) && strncmp(name, "ram", 3) &&
	       strncmp(name, "zram", 4) && strncmp(name, "dm-", 3);
}

void storage_disks(const char *sysfs, struct disk_names *out)
{
	char dir[256];
	struct dirent *e;
	DIR *d;

	memset(out, 0, sizeof(*out));
	snprintf(dir, sizeof(dir), "%s/block", sysfs);
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (whole_disk_name(e->d_name))
			add_name(out, e->d_name);
	closedir(d);
}

int storage_unannounced(const char *sysfs, const struct disk_names *before,
			const struct disk_names *announced, char *what, size_t len)
{
	struct disk_names now;
	int count = 0;

	if (len)
		what[0] = '\0';
	if (announced->all)
		return 0;
	storage_disks(sysfs, &now);
	for (size_t i = 0; i < now.count; i++) {
		if (has_name(before, now.names[i]) || has_name(announced, now.names[i]))
			continue;
		if (count++ == 0 && len)
			snprintf(what, len,
				 "%s: not announced by the kernel yet, which it does once its "
				 "partition table is read",
				 now.names[i]);
	}
	return count;
}

static void drop_name(struct disk_names *n, const char *name)
{
	for (size_t i = 0; i < n->count; i++)
		if (!strcmp(n->names[i], name)) {
			memmove(n->names[i], n->names[i + 1], (n->count - i - 1) * sizeof(n->names[0]));
			n->count--;
			return;
		}
}

/* storage_tables_read on the real system. A disk whose partitions came
 * during its open is being added: the kernel may read its table once more
 * (GD_NEED_PART_SCAN, set before the block device is registered, lets an
 * early open read it first), so it counts as new, waited for until the
 * kernel announces it, which it does after its own read. */
static int tables_pending(struct disk_names *before, const struct disk_names *announced,
			  char *what, size_t len)
{
	struct disk_names fresh;
	char names[160] = "";
	size_t used = 0;
	int pending = storage_tables_read("/sys", "/dev", what, len, &fresh);

	for (size_t i = 0; i < fresh.count; i++) {
		drop_name(before, fresh.names[i]);
		if (used < sizeof(names))
			used += snprintf(names + used, sizeof(names) - used, "%s/dev/%s",
					 i ? ", " : "", fresh.names[i]);
	}
	if (fresh.count)
		log_info("waited for the kernel to finish reading the partition table of %s: its "
			 "partitions were not in /sys yet",
			 names);
	if (!pending)
		pending = storage_unannounced("/sys", before, announced, what, len);
	return pending;
}

static void announced_disk(const char *name, void *ctx)
{
	add_name(ctx, name);
}

int storage_settle(long timeout_ms, long long *waited_ms)
{
	long long start = monotonic_ms(), deadline = start + timeout_ms;
	struct disk_names before, announced = { .count = 0 };
	char what[128];
	int pending, fd;

	*waited_ms = 0;
	/* The socket first: a device added or a disk announced after the
	 * snapshots is heard. Drivers for what came since this process or the
	 * last program listened (drivers.h), then what is on its way. */
	fd = uevent_socket();
	drivers_catch_up(fd);
	storage_disks("/sys", &before);
	/* Without the socket nothing can be known announced. */
	announced.all = fd < 0;
	pending = storage_pending("/sys", what, sizeof(what), false);
	/* A disk in sysfs whose partitions are not yet. */
	if (!pending)
		pending = tables_pending(&before, &announced, what, sizeof(what));
	if (!pending)
		return 0;
	log_info("waiting up to %ld s for %d USB storage device(s) the kernel is still setting up "
		 "(%s)", timeout_ms / 1000, pending, what);
	while (pending && monotonic_ms() < deadline) {
		/* A block add ends most waits; the binding and the SCSI scan
		 * that come first raise none, hence the short poll too. */
		long long next = monotonic_ms() + POLL_FALLBACK_MS;

		if (fd >= 0 && uevent_wait_block_seen(fd, next < deadline ? next : deadline,
						      announced_disk, &announced) < 0) {
			uevent_socket_close();
			fd = -1;
			announced.all = 1;
		} else if (fd < 0) {
			usleep(POLL_FALLBACK_MS * 1000);
		}
		pending = storage_pending("/sys", what, sizeof(what), false);
		/* A disk sd_mod made shows in sysfs before its partitions do. */
		if (!pending)
			pending = storage_unannounced("/sys", &before, &announced, what, sizeof(what));
		if (!pending)
			pending = tables_pending(&before, &announced, what, sizeof(what));
	}
	*waited_ms = monotonic_ms() - start;
	if (pending) {
		log_warn("%d USB storage device(s) still not ready after %lld.%lld s (%s): searching "
			 "without them",
			 pending, *waited_ms / 1000, *waited_ms % 1000 / 100, what);
		return 1;
	}
	log_info("the USB storage devices are ready after %lld.%lld s", *waited_ms / 1000,
		 *waited_ms % 1000 / 100);
	return 0;
}
