#include "iso_scan.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "blkdev.h"
#include "cmdline.h"
#include "iso_locate.h"
#include "kvlist.h"
#include "log.h"
#include "loopdev.h"
#include "medium_source.h"
#include "mnt.h"
#include "paths.h"
#include "root_images.h"

const char *iso_scan_step_name(enum iso_scan_step step)
{
	switch (step) {
	case ISO_SCAN_OK: return "done";
	case ISO_SCAN_CMDLINE: return "reading the kernel command line";
	case ISO_SCAN_LOCATE: return "finding the ISO";
	case ISO_SCAN_LOOP: return "attaching the ISO to a loop device";
	case ISO_SCAN_MOUNT_MEDIUM: return "mounting the ISO";
	case ISO_SCAN_ROOT_IMAGES: return "mounting the root images";
	case ISO_SCAN_REPORT: return "writing " VTOY_MEDIUM_ENV;
	}
	return "?";
}

static int add(struct kvlist *kv, const char *key, const char *value)
{
	return kvlist_add(kv, key, strlen(key), value, strlen(value));
}

static int write_report(const char *run_dir, const struct medium_source *src,
			const struct iso_location *loc, const char *iso_loop,
			const char *medium_mount, const struct root_images *images)
{
	char path[PATH_MAX], lowerdir[4096], count[16];
	struct kvlist kv = { 0 };
	int ret;

	ret = root_images_lowerdir(images, lowerdir, sizeof(lowerdir));
	if (ret < 0)
		return ret;
	snprintf(count, sizeof(count), "%zu", images->count);
	snprintf(path, sizeof(path), "%s/%s", run_dir, VTOY_MEDIUM_ENV);
	if ((ret = add(&kv, "VTOY_MEDIUM_SOURCE", src->key)) < 0 ||
	    (ret = add(&kv, "VTOY_ISO_PATH", src->iso_path)) < 0 ||
	    (ret = add(&kv, "VTOY_MEDIUM_DEVICE", loc->device)) < 0 ||
	    (ret = add(&kv, "VTOY_MEDIUM_DISK", loc->disk)) < 0 ||
	    (ret = add(&kv, "VTOY_MEDIUM_FSTYPE", loc->fstype)) < 0 ||
	    (ret = add(&kv, "VTOY_MEDIUM_LABEL", loc->label)) < 0 ||
	    (ret = add(&kv, "VTOY_HOST_MOUNT", loc->host_mount)) < 0 ||
	    (ret = add(&kv, "VTOY_ISO_LOOP", iso_loop)) < 0 ||
	    (ret = add(&kv, "VTOY_MEDIUM_MOUNT", medium_mount)) < 0 ||
	    (ret = add(&kv, "VTOY_MEDIA_PATH", images->media_path)) < 0 ||
	    (ret = add(&kv, "VTOY_LAYER_COUNT", count)) < 0 ||
	    (ret = add(&kv, "VTOY_LOWERDIR", lowerdir)) < 0)
		goto out;
	ret = kvfile_write(&kv, path);
out:
	kvlist_free(&kv);
	return ret;
}

enum iso_scan_step iso_scan_run(const struct iso_scan_opts *opts, int *err)
{
	char why[512], iso_loop[64], medium_mount[PATH_MAX];
	struct kvlist cmdline = { 0 };
	struct medium_source src;
	struct iso_location loc;
	struct root_images images;
	struct blkdev probe;
	enum iso_scan_step step;
	bool medium_mounted = false, images_mounted = false;
	int loop_fd = -1, ret;

	loc.iso_fd = -1;
	loc.host_mount[0] = '\0';
	step = ISO_SCAN_CMDLINE;
	ret = cmdline_read(&cmdline, opts->cmdline_path);
	if (ret < 0) {
		log_err("cannot read %s: %s", opts->cmdline_path, strerror(-ret));
		goto out;
	}
	log_set_debug(kvlist_has(&cmdline, "vtoy.debug"));
	ret = medium_source_resolve(&cmdline, &src, why, sizeof(why));
	if (ret < 0) {
		log_err("%s", why);
		goto out;
	}
	if (!src.iso_path) {
		ret = -ENOENT;
		log_err("no ISO file named (%s%s%s): this version handles only an ISO file: give "
			"iso-scan/filename=/path/to.iso or findiso=/path/to.iso",
			src.key, src.value ? "=" : "", src.value ? src.value : "");
		goto out;
	}
	if (src.where == MEDIUM_NAMED_DEVICE)
		log_warn("%s=%s: the device is not checked yet; looking for %s on every partition",
			 src.key, src.value, src.iso_path);

	step = ISO_SCAN_LOCATE;
	ret = mount_private_dir(opts->run_dir);
	if (ret < 0)
		log_warn("cannot make %s a private mount: %s; mounts may stay where probed",
			 opts->run_dir, strerror(-ret));
	ret = iso_locate(&src, opts->run_dir, &loc);
	if (ret < 0)
		goto out;

	step = ISO_SCAN_LOOP;
	loop_fd = loopdev_attach_fd(loc.iso_fd, true, src.iso_path, iso_loop, sizeof(iso_loop));
	if (loop_fd < 0) {
		ret = loop_fd;
		log_err("cannot attach %s to a loop device: %s", src.iso_path, strerror(-ret));
		goto out;
	}

	step = ISO_SCAN_MOUNT_MEDIUM;
	memset(&probe, 0, sizeof(probe));
	ret = blkdev_probe(iso_loop, &probe);
	if (ret < 0) {
		log_err("cannot read %s through %s: %s", src.iso_path, iso_loop, strerror(-ret));
		goto out;
	}
	if (strcmp(probe.fstype, "iso9660") != 0 && strcmp(probe.fstype, "udf") != 0) {
		ret = -EINVAL;
		log_err("%s is not an ISO9660 or UDF image (found '%s')", src.iso_path,
			probe.fstype[0] ? probe.fstype : "nothing");
		goto out;
	}
	snprintf(medium_mount, sizeof(medium_mount), "%s/medium", opts->run_dir);
	ret = mount_at(iso_loop, medium_mount, probe.fstype, MS_RDONLY | MS_NODEV | MS_NOSUID, NULL);
	if (ret < 0) {
		log_err("cannot mount %s (%s) at %s: %s", iso_loop, probe.fstype, medium_mount,
			strerror(-ret));
		goto out;
	}
	medium_mounted = true;
	log_info("ISO %s (%s, label %s) mounted at %s", src.iso_path, probe.fstype,
		 probe.label[0] ? probe.label : "none", medium_mount);

	step = ISO_SCAN_ROOT_IMAGES;
	ret = root_images_mount(medium_mount, src.media_path, opts->run_dir, &images);
	if (ret < 0)
		goto out;
	images_mounted = true;

	step = ISO_SCAN_REPORT;
	ret = write_report(opts->run_dir, &src, &loc, iso_loop, medium_mount, &images);
	if (ret < 0) {
		log_err("cannot write %s/%s: %s", opts->run_dir, VTOY_MEDIUM_ENV, strerror(-ret));
		goto out;
	}
	log_notice("live medium ready: %s on %s, %zu root image(s) from %s/", src.iso_path,
		   loc.device, images.count, images.media_path);
	step = ISO_SCAN_OK;
out:
	/* Leave nothing behind on failure, so that running vtoy-iso-scan again
	 * (from the rescue shell, say) starts clean. */
	if (step != ISO_SCAN_OK) {
		if (images_mounted)
			root_images_umount(&images, images.count);
		if (medium_mounted && umount2(medium_mount, MNT_DETACH) < 0)
			log_warn("cannot unmount %s: %s", medium_mount, strerror(errno));
		if (loc.iso_fd >= 0) {
			close(loc.iso_fd);
			loc.iso_fd = -1;
		}
		if (loc.host_mount[0] && umount2(loc.host_mount, MNT_DETACH) < 0)
			log_warn("cannot unmount %s: %s", loc.host_mount, strerror(errno));
	}
	if (loop_fd >= 0)
		close(loop_fd);
	if (loc.iso_fd >= 0)
		close(loc.iso_fd);
	kvlist_free(&cmdline);
	*err = ret;
	return step;
}
