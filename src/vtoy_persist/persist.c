#include "persist.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "anchors.h"
#include "cmdline.h"
#include "custom_mounts.h"
#include "home_rw.h"
#include "iso_change.h"
#include "flavor.h"
#include "flavor_archiso.h"
#include "flavor_dracut.h"
#include "kvlist.h"
#include "layouts.h"
#include "log.h"
#include "overlay.h"
#include "paths.h"
#include "persistence_remove.h"
#include "store_find.h"
#include "store_open.h"
#include "ventoy_handover.h"
#include "ventoy_store.h"

const char *persist_step_name(enum persist_step step)
{
	switch (step) {
	case PERSIST_OK: return "done";
	case PERSIST_CMDLINE: return "reading the kernel command line";
	case PERSIST_MEDIUM: return "reading " VTOY_MEDIUM_ENV " from vtoy-iso-scan";
	case PERSIST_OVERLAY: return "mounting the root overlay";
	case PERSIST_REPORT: return "writing " VTOY_PERSIST_ENV;
	}
	return "?";
}

struct persist_state {
	struct kvlist report;
	char upper[PATH_MAX];
	char work[PATH_MAX];
	struct store store;        /* the store in use, when store_mounted */
	struct opened_store opened;
	bool store_mounted;
	bool fsck_fallback;        /* e2fsck failed: the store is used read-only */
	struct pconf conf;         /* live-boot: the store's persistence.conf */
	bool custom_only;          /* live-boot: custom mounts, no "/ union" */
};

static void report(struct persist_state *st, const char *key, const char *value)
{
	if (kvlist_add(&st->report, key, strlen(key), value, strlen(value)) < 0)
		log_warn("out of memory for the report");
}

/* The persistence a command line asks for, in the words of the system it
 * comes from. */
struct flavor {
	const char *name;           /* "casper" or "live-boot" */
	enum flavor_kind kind;      /* set for the flavors of flavor.h */
	const char *labels[STORE_LABELS_MAX];
	size_t label_count;
	const char *path;           /* directory of store image files */
	bool read_only;             /* show the store, write to a tmpfs */
	bool remove;                /* live-boot persistence-remove: empty it first */
	enum store_media media;
	unsigned storage;           /* persistence-storage= (STORE_STORAGE_*) */
	struct overlay_flavor overlay;
};

/* live-boot's persistence-storage=filesystem,file,directory. */
static unsigned storage_option(const char *list)
{
	char buf[256], *save = NULL;
	unsigned mask = 0;

	if (!list)
		return STORE_STORAGE_DEFAULT;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "filesystem"))
			mask |= STORE_STORAGE_FILESYSTEM;
		else if (!strcmp(w, "file"))
			mask |= STORE_STORAGE_FILE;
		else if (!strcmp(w, "directory"))
			mask |= STORE_STORAGE_DIRECTORY;
		else
			log_warn("persistence-storage=: '%s' is not filesystem, file or directory; "
				 "ignored", w);
	}
	if (!mask) {
		log_warn("persistence-storage=%s names no storage: using filesystem,file", list);
		mask = STORE_STORAGE_DEFAULT;
	}
	return mask;
}

/* persistence-label=L1,L2 into f->labels (pointers into buf). */
static void liveboot_labels(const char *list, char *buf, size_t len, struct flavor *f)
{
	char *save = NULL;

	snprintf(buf, len, "%s", list);
	for (char *l = strtok_r(buf, ",", &save); l && f->label_count < STORE_LABELS_MAX;
	     l = strtok_r(NULL, ",", &save)) {
		if (strchr(l, '/'))
			log_warn("persistence-label=%s: a label cannot hold '/'; ignored", l);
		else
			f->labels[f->label_count++] = l;
	}
}

static enum store_media media_option(const char *value)
{
	if (!value)
		return STORE_MEDIA_ANY;
	if (!strcmp(value, "removable"))
		return STORE_MEDIA_REMOVABLE;
	if (!strcmp(value, "removable-usb"))
		return STORE_MEDIA_REMOVABLE_USB;
	log_warn("persistence-media=%s is not removable or removable-usb: looking at every "
		 "disk", value);
	return STORE_MEDIA_ANY;
}

/* 1 when persistence is asked for (filling f), 0 when not. live-boot's
 * "persistence" and casper's "persistent"; the "no" forms always win. */
static int fill_flavor(enum flavor_kind kind, const struct kvlist *cmdline, struct flavor *f,
		       char *buf, size_t len)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	if (kind == FLAVOR_LIVEBOOT) {
		f->name = "live-boot";
		liveboot_labels(kvlist_get(cmdline, "persistence-label") ?: "persistence", buf, len, f);
		if (f->label_count == 0)
			log_warn("persistence-label= names no usable label: persistence stays off");
		f->path = kvlist_get(cmdline, "persistence-path") ?: "/";
		f->read_only = kvlist_has(cmdline, "persistence-read-only");
		f->remove = persistence_remove_requested(cmdline);
		f->media = media_option(kvlist_get(cmdline, "persistence-media"));
		f->storage = storage_option(kvlist_get(cmdline, "persistence-storage"));
		f->overlay.redirect_dir = true; /* as live-boot mounts its stores */
		f->overlay.noatime = true;
	} else if (kind == FLAVOR_CASPER) {
		f->name = "casper";
		f->labels[f->label_count++] = "writable"; /* preferred since Ubuntu 20.04 */
		f->labels[f->label_count++] = "casper-rw";
		f->path = kvlist_get(cmdline, "persistent-path") ?: "/";
	} else if (kind != FLAVOR_NONE) {
		f->name = flavor_kind_name(kind);
		f->read_only = kind == FLAVOR_DRACUT && dracut_read_only(cmdline);
	}
	return f->label_count > 0 || kind == FLAVOR_DRACUT || kind == FLAVOR_ARCHISO;
}

static int requested_flavor(const struct kvlist *cmdline, struct flavor *f, char *buf,
			    size_t len)
{
	return fill_flavor(flavor_select(cmdline), cmdline, f, buf, len);
}

/* When Ventoy booted the ISO, its persistence (the file picked in its menu,
 * or its ventoy.json plugin) is looked at first. The menu's choice turns
 * persistence on by itself, even when that file then cannot be used (the
 * user asked for it: the fallback says why); the layout follows the file's
 * label. A menu that declined persistence turns it off, whatever the
 * command line says. *menu says the choice came from Ventoy's menu.
 * Returns a ventoy_store_answer or -errno. */
static int ventoy_choice(const struct kvlist *cmdline, const struct kvlist *medium,
			 struct flavor *f, bool *wanted, bool *menu, char *buf, size_t len,
			 struct store *s)
{
	const char *source = kvlist_get(medium, "VTOY_MEDIUM_SOURCE");
	struct ventoy_store_query q = {
		.ventoy_dir = VENTOY_DIR,
		.iso_path = kvlist_get(medium, "VTOY_ISO_PATH"),
		.data_mount = kvlist_get(medium, "VTOY_HOST_MOUNT"),
		.data_device = kvlist_get(medium, "VTOY_MEDIUM_DEVICE"),
		.data_fstype = kvlist_get(medium, "VTOY_MEDIUM_FSTYPE"),
		.disk = kvlist_get(medium, "VTOY_MEDIUM_DISK"),
		.read_only = f->read_only,
	};
	bool from_menu;
	int ret;

	*menu = false;
	if (!source || strcmp(source, "ventoy") != 0 || !q.iso_path)
		return VENTOY_STORE_NONE;
	if (!q.disk || !*q.disk) {
		log_warn("Ventoy booted %s, but its disk is not known: Ventoy's persistence choice "
			 "cannot be followed", q.iso_path);
		return VENTOY_STORE_NONE;
	}
	if (kvlist_has(cmdline, "nopersistence") || kvlist_has(cmdline, "nopersistent")) {
		log_info("Ventoy's persistence is not looked at: nopersistence/nopersistent given");
		return 0;
	}
	if (*wanted && f->kind != FLAVOR_CASPER && f->kind != FLAVOR_LIVEBOOT)
		return 0;
	ret = ventoy_store_find(&q, s, &from_menu);
	*menu = from_menu;
	if (ret == VENTOY_STORE_DECLINED) {
		if (*wanted)
			log_notice("%s on the command line is not acted upon: Ventoy's menu decided "
				   "against persistence", f->kind == FLAVOR_LIVEBOOT ? "persistence"
										  : "persistent");
		*wanted = false;
		return ret;
	}
	if (ret == VENTOY_STORE_NONE || *wanted)
		return ret;
	if (!from_menu) {
		if (ret > 0)
			log_info("Ventoy's plugin names %s, but persistence was not asked for on "
				 "the command line", s->source);
		return 0;
	}
	if (ret < 0) {
		/* Asked for in the menu: a fallback, not "not requested". */
		fill_flavor(FLAVOR_CASPER, cmdline, f, buf, len);
		*wanted = true;
		return ret;
	}
	fill_flavor(!strcmp(s->label, "persistence") ? FLAVOR_LIVEBOOT : FLAVOR_CASPER, cmdline, f,
		    buf, len);
	if (strcmp(s->label, "persistence") && strcmp(s->label, "casper-rw") &&
	    strcmp(s->label, "writable"))
		log_notice("Ventoy's persistence file is labelled %s: changes go to its upper/ "
			   "and work/, as casper keeps them", s->label[0] ? s->label : "(none)");
	*wanted = true;
	return 1;
}

/* Why the store Ventoy names is not used, for the report. */
static const char *ventoy_fallback_reason(int err)
{
	switch (err) {
	case -ENODATA: return "ventoy.json names persistence files for this ISO but chooses none";
	case -ENOENT: return "the persistence file Ventoy names cannot be found";
	case -EINVAL: return "the persistence file Ventoy names holds no ext2/3/4 filesystem";
	case -EROFS: return "the persistence file Ventoy names cannot be written safely";
	}
	return strerror(-err);
}

/* dracut and archiso stores: found and opened by flavor_*.c. */
static int use_flavor_store(const struct persist_opts *opts, const struct flavor *f,
			    const struct kvlist *cmdline, const struct kvlist *medium,
			    struct persist_state *st)
{
	const struct flavor_ctx ctx = { cmdline, medium, opts->run_dir, opts->e2fsck, &st->report };
	static struct flavor_store fs;
	int ret = f->kind == FLAVOR_DRACUT ? dracut_open(&ctx, &fs) : archiso_open(&ctx, &fs);

	if (ret < 0)
		return ret;
	st->store = fs.store;
	st->opened = fs.opened;
	st->store_mounted = true;
	snprintf(st->upper, sizeof(st->upper), "%s", fs.upper);
	snprintf(st->work, sizeof(st->work), "%s", fs.work);
	return 0;
}

/* A live-boot store without "/ union" is still used when its
 * persistence.conf lists other directories: the root gets a tmpfs upper. */
static int liveboot_custom_only(struct persist_state *st)
{
	if (custom_mounts_any(&st->conf)) {
		st->custom_only = true;
		return 0;
	}
	pconf_free(&st->conf);
	return -ENODATA;
}

/* e2fsck could not repair the store: it is still shown, mounted read-only
 * without journal replay, under a tmpfs upper; nothing of this session is
 * kept on it. */
static int open_unfixable(const struct store *s, const struct persist_opts *opts,
			  struct persist_state *st, struct opened_store *opened)
{
	int ret = store_open(s, opts->run_dir, opts->e2fsck, true, opened);

	if (ret < 0) {
		log_warn("%s cannot be mounted even read-only: %s", s->source, strerror(-ret));
		return -EUCLEAN;
	}
	opened->fsck = FSCK_FAILED;
	st->fsck_fallback = true;
	log_warn("THE STORE IS READ-ONLY THIS SESSION: e2fsck could not repair %s, so its "
		 "contents are shown read-only under a temporary overlay. CHANGES MADE IN THIS "
		 "SESSION ARE NOT KEPT. Repair it with e2fsck -f from another system.", s->source);
	return 0;
}

/* Finds, checks and mounts a store, and prepares its layout. 0 with
 * upper/work set, or -errno after logging why persistence is not used. */
static int use_store(const struct persist_opts *opts, const struct flavor *f,
		     const struct kvlist *medium, const struct store *ventoy_store,
		     struct persist_state *st)
{
	struct store_query q = {
		.label_count = f->label_count,
		.path = f->path,
		.medium_disk = kvlist_get(medium, "VTOY_MEDIUM_DISK"),
		.host_device = kvlist_get(medium, "VTOY_MEDIUM_DEVICE"),
		.host_mount = kvlist_get(medium, "VTOY_HOST_MOUNT"),
		.run_dir = opts->run_dir,
		.media = f->media,
		.read_only = f->read_only,
		.storage = f->storage,
	};
	static struct store_list stores;
	struct opened_store opened;
	const struct store *s;
	char wanted[256] = "";
	bool read_only;
	int chosen, ret;

	memcpy(q.labels, f->labels, sizeof(q.labels));
	for (size_t i = 0; i < f->label_count; i++)
		snprintf(wanted + strlen(wanted), sizeof(wanted) - strlen(wanted), "%s%s",
			 i ? " or " : "", f->labels[i]);
	if (ventoy_store) {
		/* Ventoy's choice: no search, and nothing else probed. */
		stores.count = 1;
		stores.items[0] = *ventoy_store;
		chosen = 0;
	} else {
		log_info("%s persistence requested: looking for a store labelled %s (partition, "
			 "or image file in %s of a partition)", f->name, wanted, q.path);
		ret = store_find(&q, &stores);
		if (ret < 0) {
			log_err("cannot list block devices: %s", strerror(-ret));
			return ret;
		}
		chosen = store_choose(&stores);
		store_release_others(&stores, chosen, q.host_mount);
	}
	if (chosen < 0) {
		log_warn("persistence was asked for, but no store labelled %s was found: changes "
			 "will be lost at shutdown", wanted);
		return -ENOENT;
	}
	s = &stores.items[chosen];
	log_notice("using store %s (%s, label %s)", s->source, s->fstype, s->label);
	report(st, "VTOY_STORE_SOURCE", s->source);
	report(st, "VTOY_STORE_DEVICE", s->device);
	report(st, "VTOY_STORE_LABEL", s->label);
	report(st, "VTOY_STORE_UUID", s->uuid);
	report(st, "VTOY_STORE_FSTYPE", s->fstype);
	report(st, "VTOY_STORE_KIND", store_kind_name(s));
	ret = store_open(s, opts->run_dir, opts->e2fsck, f->read_only, &opened);
	report(st, "VTOY_STORE_FSCK", fsck_result_name(opened.fsck));
	if (ret == -EUCLEAN)
		ret = open_unfixable(s, opts, st, &opened);
	read_only = f->read_only || st->fsck_fallback;
	if (ret < 0) {
		store_release_others(&stores, -1, q.host_mount);
		return ret;
	}
	if (!strcmp(f->name, "casper"))
		ret = layout_casper(opened.mount, !read_only, st->upper, st->work,
				    sizeof(st->upper));
	else
		ret = layout_liveboot(opened.mount, s->source, !read_only, st->upper, st->work,
				      sizeof(st->upper), &st->conf);
	if (ret == -ENODATA)
		ret = liveboot_custom_only(st);
	/* Only a volume that is used gets emptied (live-boot removes from the
	 * volumes it activated); its layout is then made again. */
	if (ret == 0 && f->remove && read_only) {
		log_warn("persistence-remove ignored: %s is used read-only", s->source);
	} else if (ret == 0 && f->remove) {
		report(st, "VTOY_STORE_REMOVE",
		       persistence_remove(opened.mount, s->source) < 0 ? "failed" : "done");
		pconf_free(&st->conf);
		st->custom_only = false;
		ret = layout_liveboot(opened.mount, s->source, true, st->upper, st->work,
				      sizeof(st->upper), &st->conf);
		if (ret == -ENODATA)
			ret = liveboot_custom_only(st);
	}
	if (ret < 0) {
		store_close(s, &opened);
		store_release_others(&stores, -1, q.host_mount);
		return ret;
	}
	st->store = *s;
	st->opened = opened;
	st->store_mounted = true;
	report(st, "VTOY_STORE_MOUNT", opened.mount);
	report(st, "VTOY_STORE_LAYOUT", f->name);
	report(st, "VTOY_STORE_ACCESS", read_only ? "read-only" : "read-write");
	return 0;
}

/* live-boot's entries other than "/ union", once the root is mounted.
 * Returns how many were set up. */
static int mount_custom(const struct persist_opts *opts, struct persist_state *st,
			const struct flavor *f, const char *images)
{
	char conf_name[PATH_MAX + 32], count[16];
	struct custom_mounts_ctx ctx = {
		.store_mount = st->opened.mount,
		.conf_name = conf_name,
		.root = opts->root,
		.lowerdir = images,
		.run_dir = opts->run_dir,
		.read_only = f->read_only,
	};
	int n;

	snprintf(conf_name, sizeof(conf_name), "%s/persistence.conf", st->store.source);
	n = custom_mounts_activate(&st->conf, &ctx, &st->report);
	if (n < 0)
		log_err("custom mounts of %s not set up: %s", conf_name, strerror(-n));
	snprintf(count, sizeof(count), "%d", n < 0 ? 0 : n);
	report(st, "VTOY_CUSTOM_MOUNTS", count);
	return n;
}

/* casper's home-rw on /home, looked for where the root store was found. */
static void casper_home(const struct persist_opts *opts, struct persist_state *st,
			const struct flavor *f, const struct kvlist *medium)
{
	struct home_rw_opts o = {
		.run_dir = opts->run_dir,
		.root = opts->root,
		.e2fsck = opts->e2fsck,
		.path = f->path,
		.medium_disk = kvlist_get(medium, "VTOY_MEDIUM_DISK"),
		.host_device = kvlist_get(medium, "VTOY_MEDIUM_DEVICE"),
		.host_mount = kvlist_get(medium, "VTOY_HOST_MOUNT"),
	};

	/* That partition is mounted (read-write) already: search it there. */
	if (st->store_mounted && st->store.is_file) {
		o.host_device = st->store.device;
		o.host_mount = st->store.host_mount;
	}
	home_rw_mount(&o, &st->report);
}

static enum persist_step write_report(const struct persist_opts *opts, struct persist_state *st,
				      int *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", opts->run_dir, VTOY_PERSIST_ENV);
	*err = kvfile_write(&st->report, path);
	if (*err < 0) {
		log_err("cannot write %s: %s", path, strerror(-*err));
		return PERSIST_REPORT;
	}
	return PERSIST_OK;
}

enum persist_step persist_run(const struct persist_opts *opts, int *err)
{
	struct kvlist cmdline = { 0 }, medium = { 0 };
	struct overlay_flavor tmpfs = { .redirect_dir = false, .noatime = false };
	char ro_lowerdir[4096];
	static struct persist_state st;
	enum persist_step step = PERSIST_CMDLINE;
	char medium_env[PATH_MAX], labels[512];
	struct flavor flavor;
	static struct store ventoy_store;
	const char *lowerdir, *mode = "tmpfs";
	bool wanted, menu;
	int ventoy, ret;

	ret = cmdline_read(&cmdline, opts->cmdline_path);
	if (ret < 0) {
		log_err("cannot read %s: %s", opts->cmdline_path, strerror(-ret));
		goto out;
	}
	log_set_debug(kvlist_has(&cmdline, "vtoy.debug"));

	step = PERSIST_MEDIUM;
	snprintf(medium_env, sizeof(medium_env), "%s/%s", opts->run_dir, VTOY_MEDIUM_ENV);
	ret = kvfile_read(&medium, medium_env);
	lowerdir = kvlist_get(&medium, "VTOY_LOWERDIR");
	if (ret < 0 || !lowerdir || !*lowerdir) {
		ret = ret < 0 ? ret : -EINVAL;
		log_err("%s: %s (vtoy-iso-scan must run first)", medium_env,
			ret == -EINVAL ? "no VTOY_LOWERDIR" : strerror(-ret));
		goto out;
	}

	step = PERSIST_OVERLAY;
	wanted = requested_flavor(&cmdline, &flavor, labels, sizeof(labels));
	ventoy = ventoy_choice(&cmdline, &medium, &flavor, &wanted, &menu, labels,
			       sizeof(labels), &ventoy_store);
	report(&st, "VTOY_PERSISTENCE_REQUESTED",
	       ventoy == VENTOY_STORE_DECLINED ? "declined-in-ventoy-menu"
	       : !wanted ? "no"
	       : menu && !kvlist_has(&cmdline, "persistent") && !kvlist_has(&cmdline, "persistence")
		       ? "ventoy" : flavor.name);
	if (wanted && menu && ventoy < 0)
		log_warn("the file picked in Ventoy's menu cannot be used (see above)");
	if (wanted) {
		if (ventoy < 0)
			ret = ventoy; /* Ventoy named a store that cannot be used, or none */
		else if (flavor.kind == FLAVOR_DRACUT || flavor.kind == FLAVOR_ARCHISO)
			ret = use_flavor_store(opts, &flavor, &cmdline, &medium, &st);
		else
			ret = use_store(opts, &flavor, &medium,
					ventoy == VENTOY_STORE_FOUND ? &ventoy_store : NULL,
					&st);
		if (ret == 0 && st.fsck_fallback) {
			flavor.read_only = true; /* from here on, as persistence-read-only */
			report(&st, "VTOY_FALLBACK_REASON", "e2fsck could not repair the store: "
			       "shown read-only, changes are not kept");
		}
		if (ret == 0 && st.custom_only) {
			mode = "custom-mounts";
			log_notice("the root overlay is on a tmpfs: only the directories listed in "
				   "persistence.conf are kept");
		} else if (ret == 0 && flavor.read_only) {
			/* The store's changes become the top read-only layer. */
			if ((size_t)snprintf(ro_lowerdir, sizeof(ro_lowerdir), "%s:%s", st.upper,
					     lowerdir) >= sizeof(ro_lowerdir)) {
				log_err("too many layers to add the store as one more");
				ret = -ENAMETOOLONG;
			} else {
				lowerdir = ro_lowerdir;
				tmpfs.redirect_dir = flavor.overlay.redirect_dir;
				mode = st.fsck_fallback ? "fallback-read-only-store" : "read-only-store";
				if (!st.fsck_fallback)
					log_notice("%s: the store is shown, changes go to a tmpfs and "
						   "are lost at shutdown", flavor.kind == FLAVOR_DRACUT
						   ? "rd.live.overlay.readonly" : "persistence-read-only");
			}
		} else if (ret == 0) {
			ret = overlay_mount_root(opts->root, lowerdir, st.upper, st.work,
						 &flavor.overlay);
			if (ret == 0)
				mode = "store";
		}
		if (ret < 0 && st.store_mounted) {
			store_close(&st.store, &st.opened);
			st.store_mounted = false;
		}
		if (ret < 0) {
			log_warn("persistence is NOT active: this session runs on a temporary "
				 "overlay and its changes will be lost (see %s/log)", opts->run_dir);
			report(&st, "VTOY_FALLBACK_REASON",
			       ventoy < 0 ? ventoy_fallback_reason(ventoy) : strerror(-ret));
			mode = "fallback-tmpfs";
		}
	} else if (ventoy == VENTOY_STORE_DECLINED) {
		log_notice("persistence declined in Ventoy's menu: root overlay on tmpfs");
	} else {
		log_info("persistence not requested: root overlay on tmpfs");
	}
	if (strcmp(mode, "store") != 0) {
		/* tmpfs upper: no persistence, read-only store, or a fallback */
		ret = overlay_tmpfs(opts->run_dir, flavor_tmpfs_size(&cmdline), st.upper,
				    st.work, sizeof(st.upper));
		if (ret == 0)
			ret = overlay_mount_root(opts->root, lowerdir, st.upper, st.work, &tmpfs);
		if (ret < 0)
			goto out;
	}
	if (st.store_mounted && custom_mounts_any(&st.conf) &&
	    mount_custom(opts, &st, &flavor, kvlist_get(&medium, "VTOY_LOWERDIR")) <= 0 &&
	    st.custom_only) {
		log_warn("persistence is NOT active: no directory of persistence.conf could be "
			 "set up, so this session's changes will be lost (see %s/log)", opts->run_dir);
		report(&st, "VTOY_FALLBACK_REASON", "no custom mount could be set up");
		mode = "fallback-tmpfs";
		store_close(&st.store, &st.opened);
		st.store_mounted = false;
	}
	if (wanted && !strcmp(flavor.name, "casper"))
		casper_home(opts, &st, &flavor, &medium);
	if (st.store_mounted && (flavor.kind == FLAVOR_CASPER || flavor.kind == FLAVOR_LIVEBOOT))
		iso_change_check(st.opened.mount, kvlist_get(&medium, "VTOY_LOWERDIR"),
				 flavor.read_only, &st.report);
	report(&st, "VTOY_PERSISTENCE", mode);
	report(&st, "VTOY_UPPERDIR", st.upper);
	report(&st, "VTOY_WORKDIR", st.work);
	report(&st, "VTOY_ROOT", opts->root);
	if (ventoy == VENTOY_STORE_FOUND && !st.store_mounted)
		ventoy_store_release(&ventoy_store);
	anchor_cdrom(opts->root, &cmdline, &medium);
	step = write_report(opts, &st, &ret);
	if (step == PERSIST_OK)
		log_notice("root ready at %s (persistence: %s)", opts->root, mode);
out:
	kvlist_free(&cmdline);
	kvlist_free(&medium);
	kvlist_free(&st.report);
	pconf_free(&st.conf);
	*err = ret;
	return step;
}
