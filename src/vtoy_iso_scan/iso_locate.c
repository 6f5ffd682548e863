#include "iso_locate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkdev.h"
#include "log.h"
#include "mnt.h"
#include "safepath.h"
#include "uevent.h"

#define MAX_SEEN 256
#define POLL_FALLBACK_MS 200

struct seen_set {
	dev_t devs[MAX_SEEN];
	size_t count;
};

static bool seen_has(const struct seen_set *seen, dev_t dev)
{
	for (size_t i = 0; i < seen->count; i++)
		if (seen->devs[i] == dev)
			return true;
	return false;
}

static void seen_add(struct seen_set *seen, dev_t dev)
{
	if (seen->count < MAX_SEEN)
		seen->devs[seen->count++] = dev;
}

/* Mounts dev read-only and looks for the ISO. 1: found (mount kept and moved
 * to host_mount), 0: not there, -EAGAIN: no answer yet (no medium, or a
 * mount error that may pass): ask again on the next event. */
static int try_device(const struct blkdev *dev, const struct medium_source *src,
		      const char *run_dir, struct iso_location *loc)
{
	char probe[PATH_MAX];
	struct stat st;
	int root_fd, iso_fd, ret;

	if (dev->has_partitions) {
		log_debug("%s: whole disk with partitions; its partitions are checked instead",
			  dev->name);
		return 0;
	}
	if (dev->size == 0) {
		log_debug("%s: no medium yet", dev->name);
		return -EAGAIN;
	}
	if (dev->probe_err == -ENOMEDIUM) {
		log_info("%s: no medium in the drive yet", dev->name);
		return -EAGAIN;
	}
	if (dev->probe_err) {
		log_warn("%s: cannot be read: %s; trying again on the next device event",
			 dev->name, strerror(-dev->probe_err));
		return -EAGAIN;
	}
	if (!dev->fstype[0]) {
		log_info("%s: skipped, no filesystem found", dev->name);
		return 0;
	}
	if (!fstype_mountable(dev->fstype)) {
		log_info("%s: skipped, %s is not a filesystem that can hold an ISO", dev->name,
			 dev->fstype);
		return 0;
	}
	snprintf(probe, sizeof(probe), "%s/probe/%s", run_dir, dev->name);
	ret = mount_probe_ro(dev->node, probe, dev->fstype);
	if (ret < 0) {
		log_warn("%s: cannot mount %s read-only: %s%s", dev->name, dev->fstype,
			 strerror(-ret), ret == -ENODEV ? " (no kernel driver for it)" : "");
		rmdir(probe);
		return ret == -EBUSY || ret == -EAGAIN || ret == -ENOMEDIUM ? -EAGAIN : 0;
	}
	root_fd = open(probe, O_PATH | O_DIRECTORY | O_CLOEXEC);
	iso_fd = root_fd < 0 ? -errno : safepath_open(root_fd, src->iso_path, O_RDONLY);
	if (root_fd >= 0)
		close(root_fd);
	if (iso_fd >= 0 && (fstat(iso_fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(iso_fd);
		iso_fd = -EISDIR;
	}
	if (iso_fd < 0) {
		log_info("%s (%s%s%s): %s not here: %s", dev->name, dev->fstype,
			 dev->label[0] ? ", label " : "", dev->label, src->iso_path,
			 iso_fd == -EXDEV ? "path leaves the filesystem (symlink?)"
					  : strerror(-iso_fd));
		umount2(probe, MNT_DETACH);
		rmdir(probe);
		return 0;
	}

	snprintf(loc->host_mount, sizeof(loc->host_mount), "%s/host", run_dir);
	ret = mkdir_p(loc->host_mount, 0755);
	if (ret == 0 && mount(probe, loc->host_mount, NULL, MS_MOVE, NULL) < 0)
		ret = -errno;
	if (ret < 0) {
		log_warn("%s: cannot move its mount to %s: %s; keeping it at %s", dev->name,
			 loc->host_mount, strerror(-ret), probe);
		snprintf(loc->host_mount, sizeof(loc->host_mount), "%s", probe);
	} else {
		rmdir(probe);
	}
	snprintf(loc->device, sizeof(loc->device), "%s", dev->node);
	snprintf(loc->disk, sizeof(loc->disk), "/dev/%s", dev->disk);
	snprintf(loc->fstype, sizeof(loc->fstype), "%s", dev->fstype);
	snprintf(loc->label, sizeof(loc->label), "%s", dev->label);
	loc->iso_fd = iso_fd;
	log_notice("found %s on %s (%s%s%s, %lld MiB ISO)", src->iso_path, dev->node, dev->fstype,
		   dev->label[0] ? ", label " : "", dev->label, (long long)st.st_size >> 20);
	return 1;
}

/* Removable and USB disks first: that is where a live stick is. */
static int removable_first(const void *a, const void *b)
{
	const struct blkdev *x = a, *y = b;

	if (x->removable != y->removable)
		return x->removable ? -1 : 1;
	return strcmp(x->name, y->name);
}

int iso_locate(const struct medium_source *src, const char *run_dir, struct iso_location *loc)
{
	long long start = monotonic_ms(), deadline = start + src->timeout_ms;
	struct seen_set seen = { .count = 0 };
	int uevent_fd = uevent_open();
	int found = 0, ret = 0;

	memset(loc, 0, sizeof(*loc));
	loc->iso_fd = -1;
	if (uevent_fd < 0)
		log_warn("no uevent socket (%s); rescanning every %d ms instead",
			 strerror(-uevent_fd), POLL_FALLBACK_MS);
	log_info("looking for %s (%s=) on all partitions, for up to %ld s", src->iso_path,
		 src->key, src->timeout_ms / 1000);

	while (!found) {
		struct blkdev_list list;

		ret = blkdev_scan(&list);
		if (ret < 0) {
			log_err("cannot list block devices: %s", strerror(-ret));
			break;
		}
		qsort(list.devs, list.count, sizeof(*list.devs), removable_first);
		for (size_t i = 0; i < list.count && found <= 0; i++) {
			if (seen_has(&seen, list.devs[i].devno))
				continue;
			found = try_device(&list.devs[i], src, run_dir, loc);
			if (found == 0)
				seen_add(&seen, list.devs[i].devno);
		}
		if (found < 0)
			found = 0;
		blkdev_list_free(&list);
		if (found)
			break;
		if (uevent_fd >= 0) {
			ret = uevent_wait_block(uevent_fd, deadline);
		} else {
			usleep(POLL_FALLBACK_MS * 1000);
			ret = monotonic_ms() < deadline;
		}
		if (ret <= 0)
			break;
	}
	if (uevent_fd >= 0)
		close(uevent_fd);
	if (found) {
		log_info("medium found after %lld ms", monotonic_ms() - start);
		return 0;
	}
	if (ret == 0) {
		log_err("%s was not found on any of the %zu block devices seen within %ld s. "
			"Check %s= (the path is case-sensitive, from the partition root) and "
			"that the disk is attached; rootdelay= waits longer",
			src->iso_path, seen.count, src->timeout_ms / 1000, src->key);
		return -ENOENT;
	}
	return ret;
}
