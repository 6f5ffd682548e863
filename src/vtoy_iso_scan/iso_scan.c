#include "iso_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "blkdev.h"
#include "cmdline.h"
#include "data_access.h"
#include "fs_unclean.h"
#include "image_identity.h"
#include "kvlist.h"
#include "log.h"
#include "loopdev.h"
#include "medium.h"
#include "medium_locate.h"
#include "medium_source.h"
#include "mnt.h"
#include "paths.h"
#include "timeline.h"
#include "root_images.h"
#include "root_layout.h"
#include "safepath.h"
#include "to_ram.h"
#include "uevent.h"
#include "ventoy_handover.h"
#include "ventoy_locate.h"

const char *iso_scan_step_name(enum iso_scan_step step)
{
	switch (step) {
	case ISO_SCAN_OK: return "done";
	case ISO_SCAN_CMDLINE: return "reading the kernel command line";
	case ISO_SCAN_LOCATE: return "finding the live medium";
	case ISO_SCAN_LOOP: return "attaching the ISO to a loop device";
	case ISO_SCAN_MOUNT_MEDIUM: return "mounting the ISO";
	case ISO_SCAN_ROOT_IMAGES: return "mounting the root images";
	case ISO_SCAN_REPORT: return "writing " RUN_MEDIUM_ENV;
	}
	return "?";
}

struct scan {
	const struct iso_scan_opts *opts;
	struct kvlist cmdline;
	struct medium_source src;
	struct root_layout_opts layout;
	struct medium_location loc;
	struct ventoy_handover ventoy;
	bool from_ventoy;
	char medium_dev[PATH_MAX];   /* loop or dm device holding the ISO; "" when loc.device is the medium */
	char medium_mount[PATH_MAX];
	struct blkdev medium_fs;     /* what the ISO holds */
	int loop_fd;
	bool medium_mounted;
	bool released;               /* toram: the stick is let go */
	bool in_ram;                 /* toram: RUN_DIR/ram holds the images */
	bool anchored;
	const char *data_last_shutdown; /* "clean", "unclean", NULL: not known */
	struct root_plan plan;
	struct root_images images;
	bool images_mounted;
	char identity[2048];         /* the root images' names, sizes and build times */
};

/* The medium report, from what was found and mounted. */
static int write_report(const struct scan *s)
{
	const struct medium_location *loc = &s->loc;
	static struct medium m;
	char path[PATH_MAX];
	int ret;

	memset(&m, 0, sizeof(m));
	snprintf(m.source, sizeof(m.source), "%s", s->from_ventoy ? "ventoy" : s->src.key);
	snprintf(m.source_value, sizeof(m.source_value), "%s",
		 s->from_ventoy ? s->ventoy.origin : s->src.value ? s->src.value : "");
	snprintf(m.iso_path, sizeof(m.iso_path), "%s",
		 s->from_ventoy ? s->ventoy.param.image_path : s->src.iso_path ? s->src.iso_path : "");
	snprintf(m.device.node, sizeof(m.device.node), "%s", loc->device);
	snprintf(m.device.disk, sizeof(m.device.disk), "%s", loc->disk);
	snprintf(m.device.fstype, sizeof(m.device.fstype), "%s", loc->fstype);
	snprintf(m.device.label, sizeof(m.device.label), "%s", loc->label);
	snprintf(m.device.uuid, sizeof(m.device.uuid), "%s", loc->uuid);
	m.device.whole_disk = loc->whole_disk;
	snprintf(m.data_mount, sizeof(m.data_mount), "%s", s->released ? "" : loc->data_mount);
	snprintf(m.data_last_shutdown, sizeof(m.data_last_shutdown), "%s",
		 s->data_last_shutdown ? s->data_last_shutdown : "");
	/* toram: the ISO's loop (or our map) went with the stick. */
	snprintf(m.iso_device, sizeof(m.iso_device), "%s", s->released ? "" : s->medium_dev);
	/* The medium's own filesystem: the ISO's, or the device's when the
	 * device is the medium. */
	snprintf(m.iso_label, sizeof(m.iso_label), "%s",
		 s->medium_dev[0] ? s->medium_fs.label : loc->label);
	snprintf(m.iso_uuid, sizeof(m.iso_uuid), "%s", s->medium_dev[0] ? s->medium_fs.uuid : loc->uuid);
	snprintf(m.medium_mount, sizeof(m.medium_mount), "%s", s->released ? "" : s->medium_mount);
	snprintf(m.anchor, sizeof(m.anchor), "%s", s->anchored ? LIVEBOOT_MEDIUM : "");
	snprintf(m.layout, sizeof(m.layout), "%s", root_layout_name(s->plan.layout));
	snprintf(m.media_path, sizeof(m.media_path), "%s", s->plan.dir);
	m.toram = s->released;
	m.layers = (unsigned)root_images_layers(&s->images);
	snprintf(m.root_images, sizeof(m.root_images), "%s", s->identity);
	ret = root_images_lowerdir(&s->images, m.lowerdir, sizeof(m.lowerdir));
	if (ret < 0)
		return ret;
	if (s->from_ventoy) {
		m.ventoy.present = true;
		snprintf(m.ventoy.origin, sizeof(m.ventoy.origin), "%s", s->ventoy.origin);
		m.ventoy.menu = s->ventoy.from_cpio;
		m.ventoy.persistent_map = s->ventoy.persistent_map;
		m.ventoy.persistent_map_count = s->ventoy.persistent_map_count;
	}
	ret = run_path(path, sizeof(path), s->opts->run_dir, RUN_MEDIUM_ENV, NULL);
	return ret < 0 ? ret : medium_write(&m, path);
}

#define EFIVARS_DIR "/sys/firmware/efi/efivars"

/* On UEFI, Ventoy's hand-over is also an EFI variable, the only copy for an
 * ISO Ventoy marks compatible (it gets no cpio). Nobody mounts efivarfs in
 * our image: it is mounted read-only for the read, then unmounted, so that
 * the live system mounts it as it wants (read-write, for efibootmgr).
 * Returns true when mounted here. */
static bool efivarfs_mount(void)
{
	if (access("/sys/firmware/efi", F_OK) < 0 || mount_is_root(EFIVARS_DIR) != 0)
		return false; /* a BIOS boot; or mounted already (systemd's initrd) */
	if (mount("efivarfs", EFIVARS_DIR, "efivarfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0) {
		log_info("cannot mount efivarfs at %s to look for Ventoy's EFI variable: %s%s",
			 EFIVARS_DIR, strerror(errno), errno == ENODEV ? " (no efivarfs module)" : "");
		return false;
	}
	log_debug("efivarfs mounted read-only at %s", EFIVARS_DIR);
	return true;
}

/* Ventoy's hand-over comes first; when it is absent, or names a disk that
 * never shows up, the command line decides. 0 or -errno. */
static int locate(struct scan *s)
{
	long long start = monotonic_ms();
	struct ventoy_sources sources;
	bool efivars;
	int ret;

	ventoy_sources_default(&sources);
	if (s->opts->ventoy_dir)
		sources.ventoy_dir = s->opts->ventoy_dir;
	efivars = efivarfs_mount();
	ret = ventoy_handover_read(&sources, &s->ventoy);
	if (efivars && umount2(EFIVARS_DIR, 0) < 0)
		log_warn("cannot unmount efivarfs from %s: %s", EFIVARS_DIR, strerror(errno));
	if (ret == 0) {
		s->from_ventoy = true;
		ret = ventoy_locate(&s->ventoy, s->opts->run_dir, s->src.timeout_ms, &s->loc,
				    s->medium_dev, sizeof(s->medium_dev));
		if (ret == 0 && s->src.value)
			log_notice("%s=%s ignored: Ventoy's hand-over names the ISO it booted",
				   s->src.key, s->src.value);
		if (ret == 0)
			return 0;
		s->from_ventoy = false;
		if (!s->src.iso_path && s->src.where == MEDIUM_ANY_DEVICE) {
			log_err("Ventoy's hand-over could not be followed and the command line names "
				"no medium");
			return ret;
		}
		/* One deadline for the whole search, not one per source. */
		s->src.timeout_ms -= monotonic_ms() - start;
		if (s->src.timeout_ms < 0)
			s->src.timeout_ms = 0;
		log_warn("Ventoy's hand-over could not be followed: trying %s=%s instead, for the "
			 "%ld s left", s->src.key, s->src.value, s->src.timeout_ms / 1000);
	} else if (ret != -ENOENT) {
		log_warn("Ventoy's hand-over data was refused (see above): the command line "
			 "decides instead");
	}
	return medium_locate(&s->src, &s->layout, s->opts->run_dir, s->medium_mount, &s->loc);
}

/* Whether the exFAT partition holding the ISO (Ventoy's) was unmounted
 * cleanly last time, read before anything here or in vtoy-persist mounts it
 * read-write. Its repair is not ours to do: it holds the user's files. */
static void data_state(struct scan *s)
{
	int dirty;

	if (strcmp(s->loc.fstype, "exfat") != 0 || !s->loc.device[0])
		return;
	dirty = exfat_volume_dirty(s->loc.device);
	if (dirty < 0) {
		log_info("%s: cannot read its exFAT volume flags: %s", s->loc.device,
			 strerror(-dirty));
		return;
	}
	s->data_last_shutdown = dirty ? "unclean" : "clean";
	if (dirty)
		log_warn("%s (exFAT%s%s) was not unmounted cleanly last time (its VolumeDirty flag "
			 "is set: a power cut or a pulled stick while it was written): the boot goes "
			 "on; check it from another system with fsck.exfat (exfatprogs) on that "
			 "partition, or chkdsk /f on Windows",
			 s->loc.device, s->loc.label[0] ? ", label " : "", s->loc.label);
}

/* vtoy.data=rw or Ventoy's VTOY_LINUX_REMOUNT: the partition holding the
 * ISO, read-write for the live system (data_access.c). Not a failing step
 * unless the ISO is lost on the way. */
static int data_writable(struct scan *s)
{
	const char *why = data_rw_asked(&s->cmdline, s->from_ventoy && s->ventoy.param.linux_remount);
	const char *iso = s->from_ventoy ? s->ventoy.param.image_path : s->src.iso_path;
	int ret;

	if (!why)
		return 0;
	if (!s->loc.data_mount[0] || s->loc.iso_fd < 0 || !iso) {
		log_warn("%s asks for the data partition read-write, but no partition holding the "
			 "ISO is mounted here (the medium is a device itself, or reached through "
			 "device-mapper only)", why);
		return 0;
	}
	ret = data_make_writable(&s->loc, iso, why);
	/* Not writable is no failure; the ISO lost on the way is. */
	return s->loc.iso_fd >= 0 ? 0 : ret < 0 ? ret : -EIO;
}

static int mount_medium(struct scan *s)
{
	int ret;

	memset(&s->medium_fs, 0, sizeof(s->medium_fs));
	ret = blkdev_probe_search(s->medium_dev, &s->medium_fs);
	if (ret < 0) {
		log_err("cannot read the ISO through %s: %s", s->medium_dev, strerror(-ret));
		return ret;
	}
	if (strcmp(s->medium_fs.fstype, "iso9660") != 0 && strcmp(s->medium_fs.fstype, "udf") != 0) {
		log_err("the image on %s is not an ISO9660 or UDF image (found '%s')", s->medium_dev,
			s->medium_fs.fstype[0] ? s->medium_fs.fstype : "nothing");
		return -EINVAL;
	}
	ret = mount_at(s->medium_dev, s->medium_mount, s->medium_fs.fstype,
		       MS_RDONLY | MS_NODEV | MS_NOSUID, NULL);
	if (ret < 0) {
		log_err("cannot mount %s (%s) at %s: %s", s->medium_dev, s->medium_fs.fstype,
			s->medium_mount, strerror(-ret));
		return ret;
	}
	s->medium_mounted = true;
	log_info("ISO (%s, label %s) on %s mounted at %s", s->medium_fs.fstype,
		 s->medium_fs.label[0] ? s->medium_fs.label : "none", s->medium_dev,
		 s->medium_mount);
	return 0;
}

/* toram: everything below the root images goes; the images stay in RAM. */
static void release_medium(struct scan *s)
{
	if (umount2(s->medium_mount, MNT_DETACH) < 0)
		log_warn("toram: cannot unmount %s: %s", s->medium_mount, strerror(errno));
	s->medium_mounted = false;
	if (s->loop_fd >= 0) {
		close(s->loop_fd);
		s->loop_fd = -1;
	}
	if (s->loc.iso_fd >= 0) {
		close(s->loc.iso_fd);
		s->loc.iso_fd = -1;
	}
	if (s->loc.data_mount[0] && strcmp(s->loc.data_mount, s->medium_mount) != 0 &&
	    umount2(s->loc.data_mount, MNT_DETACH) < 0)
		log_warn("toram: cannot unmount %s: %s", s->loc.data_mount, strerror(errno));
	if (s->from_ventoy)
		ventoy_locate_undo(s->medium_dev);
	s->released = true;
	log_notice("toram: the live medium is released; %s can be removed unless it also holds "
		   "the persistence store", s->loc.disk[0] ? s->loc.disk : "the stick");
}

static int mount_images(struct scan *s)
{
	int medium_fd, dir_fd, images_fd, ret;

	medium_fd = open(s->medium_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (medium_fd < 0)
		return -errno;
	ret = root_layout_plan(medium_fd, &s->layout, false, &s->plan);
	dir_fd = ret < 0 ? ret : safepath_open(medium_fd, s->plan.dir, O_RDONLY | O_DIRECTORY);
	close(medium_fd);
	if (dir_fd < 0)
		return dir_fd;
	log_info("%s layout: %zu image(s) in %s/ (%s)", root_layout_name(s->plan.layout),
		 s->plan.count, s->plan.dir, s->plan.how);
	ret = image_identity(dir_fd, &s->plan, s->identity, sizeof(s->identity));
	if (ret < 0)
		log_info("cannot tell the root images' build (%s): a store will not notice a new "
			 "release", strerror(-ret));
	images_fd = dir_fd;
	if (s->src.to_ram) {
		int ram_fd = to_ram_copy(dir_fd, &s->plan, s->opts->run_dir);

		if (ram_fd >= 0) {
			images_fd = ram_fd;
			s->in_ram = true;
		} else {
			log_warn("%s: the root images stay on the medium (%s)", s->src.to_ram_key,
				 strerror(-ram_fd));
		}
	}
	ret = root_images_mount(images_fd, &s->plan, s->opts->run_dir, &s->images);
	if (images_fd != dir_fd)
		close(images_fd);
	close(dir_fd);
	if (ret < 0)
		return ret;
	s->images_mounted = true;
	if (images_fd != dir_fd)
		release_medium(s);
	return 0;
}

/* live-boot's tools look for the medium at /run/live/medium. */
static void anchor_medium(struct scan *s)
{
	const char *boot = kvlist_get(&s->cmdline, "boot");
	int ret;

	if (s->released || strcmp(s->opts->run_dir, VTOY_RUN_DIR) != 0)
		return;
	if (!(boot && !strcmp(boot, "live")) && s->plan.layout != ROOT_LAYOUT_LIVE)
		return;
	ret = mkdir_p(LIVEBOOT_MEDIUM, 0755);
	if (ret == 0 && mount(s->medium_mount, LIVEBOOT_MEDIUM, NULL, MS_BIND, NULL) < 0)
		ret = -errno;
	if (ret < 0) {
		log_warn("cannot show the medium at %s as well: %s", LIVEBOOT_MEDIUM, strerror(-ret));
		return;
	}
	s->anchored = true;
	log_info("medium also at %s, as live-boot places it", LIVEBOOT_MEDIUM);
}

static void undo(struct scan *s)
{
	if (s->anchored && umount2(LIVEBOOT_MEDIUM, MNT_DETACH) < 0)
		log_warn("cannot unmount %s: %s", LIVEBOOT_MEDIUM, strerror(errno));
	if (s->images_mounted)
		root_images_umount(&s->images, s->images.count);
	if (s->in_ram) {
		char ram[PATH_MAX];

		run_path(ram, sizeof(ram), s->opts->run_dir, RUN_RAM, NULL);
		if (umount2(ram, MNT_DETACH) < 0)
			log_warn("cannot unmount %s: %s", ram, strerror(errno));
	}
	if (s->medium_mounted && umount2(s->medium_mount, MNT_DETACH) < 0)
		log_warn("cannot unmount %s: %s", s->medium_mount, strerror(errno));
	if (s->loc.iso_fd >= 0) {
		close(s->loc.iso_fd);
		s->loc.iso_fd = -1;
	}
	if (s->loc.data_mount[0] && !s->released &&
	    strcmp(s->loc.data_mount, s->medium_mount) != 0 &&
	    umount2(s->loc.data_mount, MNT_DETACH) < 0)
		log_warn("cannot unmount %s: %s", s->loc.data_mount, strerror(errno));
	if (s->from_ventoy)
		ventoy_locate_undo(s->medium_dev);
}

enum iso_scan_step iso_scan_run(const struct iso_scan_opts *opts, int *err)
{
	/* On the heap, and given back at the end (glibc maps a block this
	 * large on its own): vtoy-persist --find-medium goes on in this
	 * process, which would otherwise keep its 160 KiB touched. */
	struct scan *s = calloc(1, sizeof(*s));
	char why[512];
	enum iso_scan_step step = ISO_SCAN_CMDLINE;
	int ret;

	if (!s) {
		log_err("no memory for the medium search (%zu bytes)", sizeof(*s));
		*err = -ENOMEM;
		return step;
	}
	s->opts = opts;
	s->loop_fd = -1;
	s->loc.iso_fd = -1;
	run_path(s->medium_mount, sizeof(s->medium_mount), opts->run_dir, RUN_MEDIUM, NULL);
	ret = cmdline_read(&s->cmdline, opts->cmdline_path);
	if (ret < 0) {
		log_err("cannot read %s: %s", opts->cmdline_path, strerror(-ret));
		goto out;
	}
	log_set_debug(kvlist_has(&s->cmdline, "vtoy.debug"));
	ret = medium_source_resolve(&s->cmdline, &s->src, why, sizeof(why));
	if (ret < 0) {
		log_err("%s", why);
		goto out;
	}
	s->layout = (struct root_layout_opts){ .media_path = s->src.media_path,
					      .squashimg = s->src.squashimg,
					      .layerfs_path = s->src.layerfs_path,
					      .module = s->src.module };

	step = ISO_SCAN_LOCATE;
	ret = mount_private_dir(opts->run_dir);
	if (ret < 0)
		log_warn("cannot make %s a private mount: %s; mounts may stay where probed",
			 opts->run_dir, strerror(-ret));
	ret = locate(s);
	if (ret < 0)
		goto out;
	data_state(s);
	ret = data_writable(s);
	if (ret < 0)
		goto out;

	step = ISO_SCAN_LOOP;
	if (s->loc.iso_fd >= 0) {
		const char *name = s->from_ventoy ? s->ventoy.param.image_path : s->src.iso_path;

		s->loop_fd = loopdev_attach_fd(s->loc.iso_fd, true, name, s->medium_dev,
					      sizeof(s->medium_dev));
		if (s->loop_fd < 0) {
			ret = s->loop_fd;
			log_err("cannot attach %s to a loop device: %s", name, strerror(-ret));
			goto out;
		}
	}

	step = ISO_SCAN_MOUNT_MEDIUM;
	if (s->medium_dev[0]) {
		ret = mount_medium(s);
		if (ret < 0)
			goto out;
	} else {
		/* medium_locate mounted the device itself (where it could) */
		snprintf(s->medium_mount, sizeof(s->medium_mount), "%s", s->loc.data_mount);
		s->medium_mounted = true;
	}

	step = ISO_SCAN_ROOT_IMAGES;
	ret = mount_images(s);
	if (ret < 0)
		goto out;
	anchor_medium(s);

	step = ISO_SCAN_REPORT;
	ret = write_report(s);
	if (ret < 0) {
		log_err("cannot write %s/%s: %s", opts->run_dir, RUN_MEDIUM_ENV, strerror(-ret));
		goto out;
	}
	log_notice("live medium ready: %s%s%s on %s, %zu root image(s) from %s/ (%s)",
		   s->from_ventoy ? "Ventoy's " : "",
		   s->from_ventoy ? s->ventoy.param.image_path : s->src.iso_path ? s->src.iso_path : "",
		   s->from_ventoy || s->src.iso_path ? "" : "live system",
		   s->loc.device[0] ? s->loc.device : s->medium_dev, root_images_layers(&s->images),
		   s->plan.dir, root_layout_name(s->plan.layout));
	timeline_mark("medium");
	step = ISO_SCAN_OK;
out:
	/* Leave nothing behind on failure, so that running vtoy-iso-scan again
	 * (from the rescue shell, say) starts clean. */
	if (step != ISO_SCAN_OK)
		undo(s);
	if (s->loop_fd >= 0)
		close(s->loop_fd);
	if (s->loc.iso_fd >= 0)
		close(s->loc.iso_fd);
	ventoy_handover_free(&s->ventoy);
	kvlist_free(&s->cmdline);
	free(s);
	*err = ret;
	return step;
}
