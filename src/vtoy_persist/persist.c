#include "persist.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "kvlist.h"
#include "log.h"
#include "overlay.h"
#include "paths.h"
#include "store_find.h"
#include "store_open.h"

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
};

static void report(struct persist_state *st, const char *key, const char *value)
{
	if (kvlist_add(&st->report, key, strlen(key), value, strlen(value)) < 0)
		log_warn("out of memory for the report");
}

/* Finds, checks and mounts a casper store. 0 with upper/work set, or -errno
 * after logging why persistence is not used. */
static int use_store(const struct persist_opts *opts, const struct kvlist *cmdline,
		     const struct kvlist *medium, struct persist_state *st)
{
	struct store_query q = {
		.labels = { "writable", "casper-rw" },
		.label_count = 2,
		.path = "/",
		.medium_disk = kvlist_get(medium, "VTOY_MEDIUM_DISK"),
		.host_device = kvlist_get(medium, "VTOY_MEDIUM_DEVICE"),
		.host_mount = kvlist_get(medium, "VTOY_HOST_MOUNT"),
		.run_dir = opts->run_dir,
	};
	static struct store_list stores;
	struct opened_store opened;
	const struct store *s;
	int chosen, ret;

	if (kvlist_get(cmdline, "persistent-path"))
		q.path = kvlist_get(cmdline, "persistent-path");
	log_info("persistence requested: looking for a store labelled writable or casper-rw "
		 "(partition, or image file in %s of a partition)", q.path);
	ret = store_find(&q, &stores);
	if (ret < 0) {
		log_err("cannot list block devices: %s", strerror(-ret));
		return ret;
	}
	chosen = store_choose(&stores);
	store_release_others(&stores, chosen, q.host_mount);
	if (chosen < 0) {
		log_warn("persistence was asked for, but no store labelled writable or casper-rw "
			 "was found: changes will be lost at shutdown");
		return -ENOENT;
	}
	s = &stores.items[chosen];
	log_notice("using store %s (%s, label %s)", s->source, s->fstype, s->label);
	report(st, "VTOY_STORE_SOURCE", s->source);
	report(st, "VTOY_STORE_DEVICE", s->device);
	report(st, "VTOY_STORE_LABEL", s->label);
	report(st, "VTOY_STORE_KIND", s->is_file ? "file" : "partition");
	ret = store_open(s, opts->run_dir, opts->e2fsck, &opened);
	report(st, "VTOY_STORE_FSCK", fsck_result_name(opened.fsck));
	if (ret < 0)
		return ret;
	ret = store_casper_dirs(opened.mount, st->upper, st->work, sizeof(st->upper));
	if (ret < 0) {
		log_err("cannot create upper/ and work/ in the store: %s", strerror(-ret));
		return ret;
	}
	report(st, "VTOY_STORE_MOUNT", opened.mount);
	report(st, "VTOY_STORE_LAYOUT", "casper");
	return 0;
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
	struct persist_state st = { 0 };
	enum persist_step step = PERSIST_CMDLINE;
	char medium_env[PATH_MAX];
	const char *lowerdir, *mode = "tmpfs";
	bool wanted;
	int ret;

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
	wanted = kvlist_has(&cmdline, "persistent") && !kvlist_has(&cmdline, "nopersistent");
	if (kvlist_has(&cmdline, "persistent") && !wanted)
		log_notice("nopersistent given: persistence stays off");
	report(&st, "VTOY_PERSISTENCE_REQUESTED", wanted ? "yes" : "no");
	if (wanted) {
		ret = use_store(opts, &cmdline, &medium, &st);
		if (ret == 0) {
			ret = overlay_mount_root(opts->root, lowerdir, st.upper, st.work);
			if (ret == 0)
				mode = "store";
		}
		if (ret < 0) {
			log_warn("persistence is NOT active: this session runs on a temporary "
				 "overlay and its changes will be lost (see %s/log)", opts->run_dir);
			report(&st, "VTOY_FALLBACK_REASON", strerror(-ret));
			mode = "fallback-tmpfs";
		}
	} else {
		log_info("persistence not requested: root overlay on tmpfs");
	}
	if (strcmp(mode, "store") != 0) {
		ret = overlay_tmpfs(opts->run_dir, kvlist_get(&cmdline, "overlay-size"), st.upper,
				    st.work, sizeof(st.upper));
		if (ret == 0)
			ret = overlay_mount_root(opts->root, lowerdir, st.upper, st.work);
		if (ret < 0)
			goto out;
	}
	report(&st, "VTOY_PERSISTENCE", mode);
	report(&st, "VTOY_UPPERDIR", st.upper);
	report(&st, "VTOY_WORKDIR", st.work);
	report(&st, "VTOY_ROOT", opts->root);
	step = write_report(opts, &st, &ret);
	if (step == PERSIST_OK)
		log_notice("root ready at %s (persistence: %s)", opts->root, mode);
out:
	kvlist_free(&cmdline);
	kvlist_free(&medium);
	kvlist_free(&st.report);
	*err = ret;
	return step;
}
