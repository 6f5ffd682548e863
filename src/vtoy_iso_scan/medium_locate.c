#include "medium_locate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device_wait.h"
#include "devspec.h"
#include "drivers.h"
#include "log.h"
#include "mnt.h"
#include "paths.h"
#include "safepath.h"
#include "storage_settle.h"
#include "uevent.h"

#define MAX_SEEN 256
/* Fixed disks wait at most this long (ms from the start of the search) for
 * USB disks the kernel is still adding: a stick that never settles does not
 * hold them up for the whole wait. */
#define FIXED_WAIT_MAX_MS 4000

struct locate_ctx {
	const struct medium_source *src;
	const struct root_layout_opts *layout;
	const char *run_dir;
	const char *medium_mount;
	struct medium_location *loc;
	dev_t seen[MAX_SEEN]; /* answered for good: not the medium */
	size_t seen_count;
	bool named_found;     /* a device matched the named device spec */
	long long fixed_until; /* monotonic_ms(): fixed disks wait no longer */
	bool fixed_held;      /* fixed disks are waiting (said) */
};

static bool seen_has(const struct locate_ctx *c, dev_t dev)
{
	for (size_t i = 0; i < c->seen_count; i++)
		if (c->seen[i] == dev)
			return true;
	return false;
}

static void seen_add(struct locate_ctx *c, dev_t dev)
{
	if (c->seen_count < MAX_SEEN)
		c->seen[c->seen_count++] = dev;
}

static bool is_optical_fs(const char *fstype)
{
	return !strcmp(fstype, "iso9660") || !strcmp(fstype, "udf");
}

/* 1: the device may hold the medium, 0: it cannot (said why), -EAGAIN:
 * ask again after the next event. */
static int worth_probing(const struct blkdev *dev, struct locate_ctx *c)
{
	const struct medium_source *src = c->src;
	const char *why;
	char spec[300];
	bool again;

	if (src->where == MEDIUM_NAMED_DEVICE) {
		if (!devspec_matches(&src->device, dev)) {
			log_debug("%s: not %s", dev->name,
				  devspec_describe(&src->device, spec, sizeof(spec)));
			return 0;
		}
		c->named_found = true;
	}
	if (src->media == MEDIUM_MEDIA_REMOVABLE && !dev->removable) {
		log_info("%s: skipped, not removable (live-media=removable)", dev->name);
		return 0;
	}
	if (src->media == MEDIUM_MEDIA_REMOVABLE_USB && !dev->usb) {
		log_info("%s: skipped, not on USB (live-media=removable-usb)", dev->name);
		return 0;
	}
	/* A whole disk with partitions is searched through them, unless it is
	 * an ISO written to the disk (isohybrid: iso9660 over a partition table). */
	if (dev->has_partitions && !(is_optical_fs(dev->fstype) && !src->iso_path)) {
		log_debug("%s: whole disk with partitions; its partitions are checked instead",
			  dev->name);
		return 0;
	}
	why = blkdev_unreadable(dev, &again);
	/* ENXIO: a disk the kernel is still adding (seen in /sys before it
	 * can be opened); its partitions' events follow. */
	if (why && again && dev->probe_err == -ENXIO)
		log_info("%s: not ready yet (%s); trying again on the next device event",
			 dev->name, why);
	else if (why && again && dev->probe_err && dev->probe_err != -ENOMEDIUM)
		log_warn("%s: cannot be read: %s; trying again on the next device event", dev->name,
			 why);
	else if (why && again)
		log_info("%s: %s yet", dev->name, why);
	else if (why)
		log_info("%s: skipped, %s", dev->name, why);
	if (why)
		return again ? -EAGAIN : 0;
	if (!fstype_mountable(dev->fstype)) {
		log_info("%s: skipped, %s is not a filesystem that can hold a live medium",
			 dev->name, dev->fstype);
		return 0;
	}
	return 1;
}

static void describe(const struct blkdev *dev, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s%s%s)", dev->node, dev->fstype, dev->label[0] ? ", label " : "",
		 dev->label);
}

/* Looks in a probe-mounted device: 1 found (loc->iso_fd set for an ISO),
 * 0 not there. */
static int look_inside(const char *probe, const struct blkdev *dev, struct locate_ctx *c)
{
	const struct medium_source *src = c->src;
	struct root_plan plan;
	char what[450];
	struct stat st;
	int root_fd, fd, ret;

	describe(dev, what, sizeof(what));
	root_fd = open(probe, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		ret = -errno;
		log_warn("%s: mounted at %s, but it cannot be opened: %s", what, probe,
			 strerror(-ret));
		return ret;
	}
	if (!src->iso_path) {
		/* A scan asks many devices: only a named one says what is wrong. */
		ret = root_layout_plan(root_fd, c->layout, src->where == MEDIUM_ANY_DEVICE, &plan);
		close(root_fd);
		if (ret < 0) {
			log_info("%s: no live system on it (no casper/, live/, LiveOS/ or arch/ "
				 "with root images%s%s)", what, c->layout->media_path ? " in " : "",
				 c->layout->media_path ? c->layout->media_path : "");
			return 0;
		}
		return 1;
	}
	fd = safepath_open(root_fd, src->iso_path, O_RDONLY);
	close(root_fd);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -EISDIR;
	}
	if (fd < 0) {
		log_info("%s: %s not here: %s", what, src->iso_path,
			 fd == -EXDEV ? "path leaves the filesystem (symlink?)" : strerror(-fd));
		return 0;
	}
	c->loc->iso_fd = fd;
	log_notice("found %s on %s (%lld MiB ISO)", src->iso_path, what, (long long)st.st_size >> 20);
	return 1;
}

/* Keeps the probe mount, moved to where it belongs. */
static void keep_mount(const char *probe, const struct blkdev *dev, struct locate_ctx *c)
{
	struct medium_location *loc = c->loc;
	int ret;

	if (c->src->iso_path)
		run_path(loc->data_mount, sizeof(loc->data_mount), c->run_dir, RUN_DATA, NULL);
	else
		snprintf(loc->data_mount, sizeof(loc->data_mount), "%s", c->medium_mount);
	ret = mkdir_p(loc->data_mount, 0755);
	if (ret == 0 && mount(probe, loc->data_mount, NULL, MS_MOVE, NULL) < 0)
		ret = -errno;
	if (ret < 0) {
		log_warn("%s: cannot move its mount to %s: %s; keeping it at %s", dev->name,
			 loc->data_mount, strerror(-ret), probe);
		snprintf(loc->data_mount, sizeof(loc->data_mount), "%s", probe);
	} else {
		rmdir(probe);
	}
	snprintf(loc->device, sizeof(loc->device), "%s", dev->node);
	snprintf(loc->disk, sizeof(loc->disk), "/dev/%s", dev->disk);
	snprintf(loc->fstype, sizeof(loc->fstype), "%s", dev->fstype);
	snprintf(loc->label, sizeof(loc->label), "%s", dev->label);
	snprintf(loc->uuid, sizeof(loc->uuid), "%s", dev->uuid);
	loc->whole_disk = !dev->is_partition;
	if (!c->src->iso_path)
		log_notice("live medium: %s (%s%s%s) mounted at %s", dev->node, dev->fstype,
			   dev->label[0] ? ", label " : "", dev->label, loc->data_mount);
	else
		log_info("%s stays mounted read-only at %s", dev->node, loc->data_mount);
}

/* 1 found, 0 not here, -EAGAIN ask again later. */
static int try_device(const struct blkdev *dev, struct locate_ctx *c)
{
	char probe[PATH_MAX];
	int ret = worth_probing(dev, c);

	if (ret <= 0)
		return ret;
	ret = blkdev_ensure_node(dev);
	if (ret < 0)
		log_warn("%s: no device node: %s", dev->name, strerror(-ret));
	run_path(probe, sizeof(probe), c->run_dir, RUN_PROBE, dev->name);
	ret = mount_probe_ro(dev->node, probe, dev->fstype);
	if (ret < 0) {
		log_warn("%s: cannot mount %s read-only: %s%s", dev->name, dev->fstype,
			 strerror(-ret), ret == -ENODEV ? " (no kernel driver for it)" : "");
		rmdir(probe);
		return ret == -EBUSY || ret == -EAGAIN || ret == -ENOMEDIUM ? -EAGAIN : 0;
	}
	ret = look_inside(probe, dev, c);
	if (ret <= 0) {
		umount2(probe, MNT_DETACH);
		rmdir(probe);
		return 0;
	}
	keep_mount(probe, dev, c);
	return 1;
}

/* Where a live medium usually is, within removable or fixed disks: an
 * optical filesystem, then the ones sticks and Ventoy's data partition are
 * formatted with, then the rest (where persistence stores live: mounting
 * an ext4 store costs its driver and a journal-less mount, for nothing). */
static int fstype_rank(const char *fstype)
{
	static const char *const stick_fs[] = { "vfat", "exfat", "ntfs", "ntfs3" };

	if (is_optical_fs(fstype))
		return 0;
	for (size_t i = 0; i < sizeof(stick_fs) / sizeof(stick_fs[0]); i++)
		if (!strcmp(fstype, stick_fs[i]))
			return 1;
	return 2;
}

/* Removable and USB disks first: that is where a live stick is. When two
 * devices hold the medium, the first in this order wins. */
int medium_order(const void *a, const void *b)
{
	const struct blkdev *x = a, *y = b;

	if (x->removable != y->removable)
		return x->removable ? -1 : 1;
	if (fstype_rank(x->fstype) != fstype_rank(y->fstype))
		return fstype_rank(x->fstype) - fstype_rank(y->fstype);
	return strcmp(x->name, y->name);
}

/* 1 when a USB disk or partition is in /sys/class/block but not in list:
 * the kernel added it after this scan began (a scan that probes many fixed
 * disks takes a while); its add event follows once the disk's partitions
 * are read (block/genhd.c, device_add_disk). */
static int usb_device_unlisted(const struct blkdev_list *list, char *what, size_t len)
{
	DIR *dir = opendir("/sys/class/block");
	struct dirent *e;
	int found = 0;

	while (dir && !found && (e = readdir(dir))) {
		bool listed = e->d_name[0] == '.';

		for (size_t j = 0; j < list->count && !listed; j++)
			listed = !strcmp(list->devs[j].name, e->d_name);
		/* loop and device-mapper devices are not on USB: never held for */
		if (!listed && blkdev_on_usb(e->d_name)) {
			snprintf(what, len, "%s: added since this scan", e->d_name);
			found = 1;
		}
	}
	if (dir)
		closedir(dir);
	return found;
}

/* True while fixed disks must wait: removable disks come first also when
 * the kernel adds them later than fixed ones (usb-storage scans delay_use,
 * 1 s by default, after binding; sd_mod then opens the disk). Sets
 * *recheck_at_ms to when they stop waiting regardless. */
static bool fixed_wait(const struct blkdev_list *list, struct locate_ctx *c,
		       long long *recheck_at_ms)
{
	long long now = monotonic_ms();
	char what[300] = "";
	int pending = 0;

	/* A named device, or removable ones only: no order to keep. */
	if (c->src->where != MEDIUM_ANY_DEVICE || c->src->media != MEDIUM_MEDIA_ANY)
		return false;
	for (size_t i = 0; i < list->count && !pending; i++)
		if (list->devs[i].removable && list->devs[i].probe_err == -ENXIO) {
			snprintf(what, sizeof(what), "%s: still being added", list->devs[i].name);
			pending = 1;
		}
	if (!pending)
		pending = storage_pending("/sys", what, sizeof(what), drivers_on_demand());
	if (!pending)
		pending = usb_device_unlisted(list, what, sizeof(what));
	if (pending && now < c->fixed_until) {
		if (!c->fixed_held)
			log_info("fixed disks wait, for up to %lld ms, for the USB storage the kernel "
				 "is still adding (%s): removable disks are searched first",
				 c->fixed_until - now, what);
		c->fixed_held = true;
		*recheck_at_ms = c->fixed_until;
		return true;
	}
	if (c->fixed_held && pending)
		log_info("searching fixed disks now: the USB storage is still not ready (%s)", what);
	else if (c->fixed_held)
		log_info("searching fixed disks now: no more USB storage on its way");
	c->fixed_held = false;
	return false;
}

static int check_devices(const struct blkdev_list *list, void *ctx, long long *recheck_at_ms)
{
	struct locate_ctx *c = ctx;
	int hold = -1; /* fixed_wait's answer, asked once per scan */

	qsort(list->devs, list->count, sizeof(*list->devs), medium_order);
	for (size_t i = 0; i < list->count; i++) {
		int ret;

		if (seen_has(c, list->devs[i].devno))
			continue;
		if (!list->devs[i].removable && hold < 0)
			hold = fixed_wait(list, c, recheck_at_ms);
		if (!list->devs[i].removable && hold)
			break; /* medium_order: the rest are fixed too */
		ret = try_device(&list->devs[i], c);
		if (ret == 1)
			return 1;
		if (ret == 0)
			seen_add(c, list->devs[i].devno);
	}
	return 0;
}

static void report_failure(const struct locate_ctx *c)
{
	const struct medium_source *src = c->src;
	long secs = src->timeout_ms / 1000;
	char spec[300];

	if (src->where == MEDIUM_NAMED_DEVICE && !c->named_found)
		log_err("no device is %s (from %s=%s) within %ld s. Check the label or device name "
			"(labels are case-sensitive) and that the disk is attached; rootdelay= waits "
			"longer", devspec_describe(&src->device, spec, sizeof(spec)), src->key,
			src->value, secs);
	else if (src->iso_path)
		log_err("%s was not found on any of the %zu block devices seen within %ld s. Check "
			"%s= (the path is case-sensitive, from the partition root) and that the disk "
			"is attached; rootdelay= waits longer", src->iso_path, c->seen_count, secs,
			src->key);
	else if (src->where == MEDIUM_NAMED_DEVICE)
		log_err("%s (from %s=%s) holds no live system. Check %s=, and live-media-path= "
			"when the images are elsewhere", devspec_describe(&src->device, spec,
			sizeof(spec)), src->key, src->value, src->key);
	else
		log_err("no live medium found on any of the %zu block devices seen within %ld s. "
			"Name it: findiso=/path/to.iso (an ISO file on a partition), "
			"root=live:CDLABEL=LABEL or live-media=/dev/DEVICE", c->seen_count, secs);
}

int medium_locate(const struct medium_source *src, const struct root_layout_opts *layout,
		  const char *run_dir, const char *medium_mount, struct medium_location *loc)
{
	struct locate_ctx *c = calloc(1, sizeof(*c));
	char spec[300];
	long long waited;
	int ret;

	if (!c)
		return -ENOMEM;
	memset(loc, 0, sizeof(*loc));
	loc->iso_fd = -1;
	*c = (struct locate_ctx){ .src = src, .layout = layout, .run_dir = run_dir,
				  .medium_mount = medium_mount, .loc = loc,
				  .fixed_until = monotonic_ms() + (src->timeout_ms / 2 < FIXED_WAIT_MAX_MS
						? src->timeout_ms / 2 : FIXED_WAIT_MAX_MS) };
	if (src->iso_path && src->where == MEDIUM_ANY_DEVICE)
		log_info("looking for %s (%s=) on every partition, for up to %ld s", src->iso_path,
			 src->key, src->timeout_ms / 1000);
	else if (src->iso_path)
		log_info("looking for %s on %s (%s=), for up to %ld s", src->iso_path,
			 devspec_describe(&src->device, spec, sizeof(spec)), src->key,
			 src->timeout_ms / 1000);
	else if (src->where == MEDIUM_NAMED_DEVICE)
		log_info("looking for the live medium on %s (%s=%s), for up to %ld s",
			 devspec_describe(&src->device, spec, sizeof(spec)), src->key, src->value,
			 src->timeout_ms / 1000);
	else
		log_info("no medium named on the command line: scanning for a live medium "
			 "(removable devices first), for up to %ld s", src->timeout_ms / 1000);
	ret = device_wait(src->timeout_ms, check_devices, c, &waited);
	if (ret == 1) {
		log_info("medium found after %lld ms", waited);
		ret = 0;
	} else if (ret == 0) {
		report_failure(c);
		ret = -ENOENT;
	}
	free(c);
	return ret;
}
