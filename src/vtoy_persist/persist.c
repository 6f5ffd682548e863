#include "persist.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "anchors.h"
#include "cmdline.h"
#include "drivers.h"
#include "conv_ventoy.h"
#include "convention.h"
#include "iso_change.h"
#include "kvlist.h"
#include "blkdev_inventory.h"
#include "log.h"
#include "timeline.h"
#include "overlay.h"
#include "paths.h"
#include "request.h"
#include "shutdown.h"
#include "store_space.h"
#include "store_acquire.h"
#include "storage_settle.h"
#include "uevent.h"

/* How long a store search waits for USB disks still being set up (ms):
 * usb-storage's delay_use is 1 s, and a slow hub or a loaded machine adds
 * to it. Nothing pending costs nothing. */
#define STORE_SETTLE_MS 10000

const char *persist_step_name(enum persist_step step)
{
	switch (step) {
	case PERSIST_OK: return "done";
	case PERSIST_CMDLINE: return "reading the kernel command line";
	case PERSIST_MEDIUM: return "reading " RUN_MEDIUM_ENV " from vtoy-iso-scan";
	case PERSIST_REQUEST: return "resolving what persistence is asked for";
	case PERSIST_FIND: return "finding the store";
	case PERSIST_OPEN: return "checking and mounting the store";
	case PERSIST_PREPARE: return "preparing the store's upper and work directories";
	case PERSIST_OVERLAY: return "mounting the root overlay";
	case PERSIST_EXTRAS: return "mounting what the convention adds to the root";
	case PERSIST_REPORT: return "writing " RUN_PERSIST_ENV;
	}
	return "?";
}

void persist_report(struct persist *p, const char *key, const char *value)
{
	kvlist_put(&p->report, key, value);
}

/* A store step that failed: the session goes on with a temporary overlay,
 * and the report keeps what was asked and why it was not done. */
static void fall_back(struct persist *p, enum persist_step step, int err)
{
	if (p->store_open) {
		store_release(&p->candidates, &p->store, &p->opened, p->medium.data_mount);
		p->store_open = false;
	}
	p->store_lower[0] = '\0';
	p->custom_only = false;
	if (!p->fallback[0])
		snprintf(p->fallback, sizeof(p->fallback), "%s: %s", persist_step_name(step),
			 err == -ENOENT && step == PERSIST_FIND ? "no store was found"
			 : err == -EUCLEAN ? "it could not be made consistent"
					   : strerror(-err));
	log_warn("persistence is NOT active: this session runs on a temporary overlay and its "
		 "changes will be lost (%s; see %s/log)", p->fallback, p->opts->run_dir);
	p->mode = "fallback-tmpfs";
}

/* A full store boots, but says so: the session's changes cannot be kept. */
static void say_space(const struct persist *p)
{
	struct store_space sp;
	char free_text[32], size_text[32];

	if (p->opened.read_only || store_space(p->opened.mount, &sp) < 0)
		return;
	store_space_size(sp.free_bytes, free_text, sizeof(free_text));
	store_space_size(sp.size_bytes, size_text, sizeof(size_text));
	if (!strcmp(sp.state, "full"))
		log_warn("THE STORE IS FULL: %s has %s free of %s (%u%% used): this session's "
			 "changes will not fit, and programs will fail to save files (\"No space left "
			 "on device\"); delete files from it, or make it larger (Ventoy's "
			 "ExtendPersistentImg.sh, resize2fs)", p->store.source, free_text, size_text,
			 sp.used_percent);
	else if (!strcmp(sp.state, "nearly-full"))
		log_warn("the store %s is %u%% full: %s free of %s", p->store.source,
			 sp.used_percent, free_text, size_text);
	else
		log_info("the store %s has %s free of %s (%u%% used)", p->store.source, free_text,
			 size_text, sp.used_percent);
}

/* Find, open and prepare the store the request names; a step that fails is
 * the session's fallback, never the boot's end. */
static void use_store(struct persist *p)
{
	const struct acquire_opts o = {
		.run_dir = p->opts->run_dir,
		.e2fsck = p->opts->e2fsck,
		.data_mount = p->medium.data_mount,
		.read_only_fallback = true,
		.report_prefix = "VTOY_STORE",
		.report = &p->report,
	};
	struct acquire_opts open = o;
	enum persist_step step = PERSIST_FIND;
	long long waited_ms;
	int ret;

	if (p->req.unusable[0]) {
		snprintf(p->fallback, sizeof(p->fallback), "%s", p->req.unusable);
		fall_back(p, step, -EINVAL);
		return;
	}
	p->layout_conv = p->req.conv;
	/* Only the medium was waited for: a store on another stick may still
	 * be in usb-storage's delayed scan (its drivers come first, and ext4
	 * in its delay). */
	storage_settle(STORE_SETTLE_MS, &waited_ms);
	/* No wait for devices comes after this one. */
	uevent_socket_close();
	/* Most stores are ext4 (casper-rw, persistence, Ventoy's .dat): when
	 * it is not in yet (0.3-0.6 s under TCG), it loads while the store is
	 * looked for, not after. */
	drivers_preload_ext4("the store (most are ext4), while it is looked for");
	ret = p->req.conv->find(p);
	if (ret == 0 && p->candidates.count == 0)
		ret = -ENOENT;
	if (ret == 0) {
		timeline_mark("store");
		step = PERSIST_OPEN;
		open.read_only = p->req.read_only;
		ret = store_acquire(&p->candidates, &open, &p->store, &p->opened, &p->fsck_fallback);
		p->store_open = ret == 0;
		/* checked (e2fsck, or the kernel's log replay) and mounted */
		if (ret == 0)
			timeline_mark("fsck");
		if (ret == 0 && p->opened.write_protected)
			snprintf(p->fallback, sizeof(p->fallback),
				 "the store's device is write-protected: shown read-only, changes "
				 "are not kept");
	}
	if (ret == 0) {
		step = PERSIST_PREPARE;
		ret = p->req.conv->prepare(p);
	}
	/* Full before its upper could even be made: say how full, then why. */
	if (ret == 0 || ret == -ENOSPC)
		say_space(p);
	if (ret < 0) {
		fall_back(p, step, ret);
		return;
	}
	persist_report(p, "VTOY_STORE_MOUNT", p->opened.mount);
	persist_report(p, "VTOY_STORE_CONVENTION", p->layout_conv->name);
	persist_report(p, "VTOY_STORE_ACCESS", p->opened.read_only ? "read-only" : "read-write");
	if (p->fsck_fallback) {
		snprintf(p->fallback, sizeof(p->fallback),
			 "the store could not be made consistent (e2fsck, or the kernel for xfs and btrfs): shown read-only, changes are not kept");
		p->mode = "fallback-read-only-store";
	} else if (p->custom_only) {
		p->mode = "custom-mounts";
	} else if (p->opened.write_protected) {
		p->mode = "read-only-store";
	} else if (p->opened.read_only) {
		p->mode = "read-only-store";
		log_notice("%s: the store is shown, changes go to a tmpfs and are lost at shutdown",
			   p->req.conv == &conv_dracut ? "rd.live.overlay.readonly"
						       : "persistence-read-only");
	} else {
		p->mode = "store";
	}
}

/* The root overlay: on the store's upper, else on a tmpfs (over the
 * store's upper as one more lower layer when it is read-only). */
static int mount_root(struct persist *p)
{
	const struct overlay_opts tmpfs_opts = { .redirect_dir = p->store_lower[0] &&
							  p->req.overlay.redirect_dir };
	char lowerdir[sizeof(p->medium.lowerdir) + PATH_MAX + 1];
	int ret;

	if (!strcmp(p->mode, "store")) {
		ret = overlay_mount(p->opts->root, p->medium.lowerdir, p->upper, p->work,
				    &p->req.overlay);
		if (ret == 0)
			return 0;
		fall_back(p, PERSIST_OVERLAY, ret);
	}
	if (p->store_lower[0]) {
		if ((size_t)snprintf(lowerdir, sizeof(lowerdir), "%s:%s", p->store_lower,
				     p->medium.lowerdir) >= sizeof(lowerdir)) {
			log_err("too many layers to add the store as one more");
			fall_back(p, PERSIST_OVERLAY, -ENAMETOOLONG);
			p->store_lower[0] = '\0';
		}
	}
	if (!p->store_lower[0])
		snprintf(lowerdir, sizeof(lowerdir), "%s", p->medium.lowerdir);
	ret = overlay_tmpfs(p->opts->run_dir, request_tmpfs_size(&p->cmdline), p->upper, p->work,
			    sizeof(p->upper));
	return ret < 0 ? ret : overlay_mount(p->opts->root, lowerdir, p->upper, p->work, &tmpfs_opts);
}

/* What the convention adds to the root, the medium where tools look for
 * it, and the store's record of the images it was used with. */
static void extras(struct persist *p)
{
	const struct convention *c = p->layout_conv;

	if (c && c->extras)
		c->extras(p);
	anchor_cdrom(p);
	if (p->store_open && (c == &conv_casper || c == &conv_liveboot))
		iso_change_check(p);
	if (p->req.conv == &conv_ventoy && !p->store_open)
		ventoy_release(p);
}

/* systemd's way out (shutdown.h): without it the store stays mounted at
 * power-off and its journal is replayed at every next boot. */
static void install_shutdown(struct persist *p)
{
	const char *dir = p->opts->shutdown_dir;
	int ret;

	if (!dir)
		return;
	ret = shutdown_install(dir);
	if (ret == 0)
		log_info("%s/shutdown installed: at power-off, systemd runs it to unmount the root "
			 "overlay, the store and the stick", dir);
	else if (ret == 1)
		log_notice("%s/shutdown exists already (another tool's): it is kept, and it decides "
			   "what is unmounted at power-off", dir);
	else
		log_warn("cannot install %s/shutdown: %s; the store stays mounted at power-off and "
			 "its journal is replayed at the next boot", dir, strerror(-ret));
	persist_report(p, "VTOY_SHUTDOWN", ret == 0 ? "vtoy" : ret == 1 ? "other" : "none");
	ret = shutdown_keep_mounts(p->opts->run_dir, SHUTDOWN_UTAB);
	if (ret < 0)
		log_warn("cannot mark vtoy's mounts for systemd in %s: %s; it will try to unmount "
			 "them at power-off and say it failed", SHUTDOWN_UTAB, strerror(-ret));
	else
		log_debug("%d mount(s) below %s marked x-initrd.mount in %s", ret,
			  p->opts->run_dir, SHUTDOWN_UTAB);
}

static enum persist_step write_report(struct persist *p, int *err)
{
	char path[PATH_MAX];

	persist_report(p, "VTOY_PERSISTENCE", p->mode);
	if (p->fallback[0])
		persist_report(p, "VTOY_FALLBACK_REASON", p->fallback);
	persist_report(p, "VTOY_UPPERDIR", p->upper);
	persist_report(p, "VTOY_WORKDIR", p->work);
	persist_report(p, "VTOY_ROOT", p->opts->root);
	run_path(path, sizeof(path), p->opts->run_dir, RUN_PERSIST_ENV, NULL);
	*err = kvfile_write(&p->report, path);
	if (*err < 0) {
		log_err("cannot write %s: %s", path, strerror(-*err));
		return PERSIST_REPORT;
	}
	return PERSIST_OK;
}

/* The boot's steps so far, in one line (switch_root comes after us), and
 * how much probing the inventory saved this program. */
static void log_timeline(const char *run_dir)
{
	struct kvlist tl = { 0 };
	char path[PATH_MAX], line[512];
	unsigned probed, known;

	blkdev_inventory_counts(&probed, &known);
	log_info("devices: %u probed by vtoy-persist, %u known from this boot's inventory", probed,
		 known);

	run_path(path, sizeof(path), run_dir, RUN_TIMELINE, NULL);
	if (kvfile_read(&tl, path) == 0 && timeline_format(&tl, line, sizeof(line)))
		log_info("timeline: %s", line);
	kvlist_free(&tl);
}

enum persist_step persist_run(const struct persist_opts *opts, int *err)
{
	static struct persist p;
	enum persist_step step = PERSIST_CMDLINE;
	char path[PATH_MAX];
	int ret;

	memset(&p, 0, sizeof(p));
	p.opts = opts;
	p.mode = "tmpfs";
	ret = cmdline_read(&p.cmdline, opts->cmdline_path);
	if (ret < 0) {
		log_err("cannot read %s: %s", opts->cmdline_path, strerror(-ret));
		goto out;
	}
	log_set_debug(kvlist_has(&p.cmdline, "vtoy.debug"));

	step = PERSIST_MEDIUM;
	run_path(path, sizeof(path), opts->run_dir, RUN_MEDIUM_ENV, NULL);
	ret = medium_read(path, &p.medium);
	if (ret < 0) {
		log_err("%s: %s (vtoy-iso-scan must run first)", path, strerror(-ret));
		goto out;
	}

	step = PERSIST_REQUEST;
	request_resolve(&p);
	persist_report(&p, "VTOY_PERSISTENCE_REQUESTED", request_name(&p.req));
	if (p.req.conv)
		use_store(&p);
	else if (p.req.source == REQUEST_VENTOY_DECLINED)
		log_notice("persistence declined in Ventoy's menu: root overlay on tmpfs");
	else if (p.req.source == REQUEST_NONE)
		log_info("persistence not requested: root overlay on tmpfs");

	step = PERSIST_OVERLAY;
	ret = mount_root(&p);
	if (ret < 0)
		goto out;
	timeline_mark("overlay");

	step = PERSIST_EXTRAS;
	extras(&p);

	install_shutdown(&p);
	step = write_report(&p, &ret);
	if (step == PERSIST_OK) {
		log_notice("root ready at %s (persistence: %s)", opts->root, p.mode);
		log_timeline(opts->run_dir);
	}
out:
	kvlist_free(&p.cmdline);
	kvlist_free(&p.report);
	medium_free(&p.medium);
	pconf_free(&p.conf);
	*err = ret;
	return step;
}
