/* The status command: what the boot decided (medium.env, persist.env) next
 * to what is true now (/proc/self/mountinfo), as text for people and as
 * JSON for tools and tests. A report that no longer holds (a store that is
 * gone, a data partition remounted read-write) is shown as it is now. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_write.h"
#include "kvlist.h"
#include "log.h"
#include "medium.h"
#include "mountinfo.h"
#include "paths.h"
#include "persist.h"
#include "store_space.h"
#include "timeline.h"

/* A mount the reports name, as the kernel has it now. */
struct mount_now {
	const char *path; /* as reported; NULL when the report names none */
	bool mounted;
	bool read_only;
	char source[PATH_MAX];
};

struct status {
	struct medium medium;
	bool have_medium;
	struct kvlist persist;
	struct kvlist timeline; /* RUN_TIMELINE: when each step of the boot ended */
	const char *mountinfo;
	struct mount_now data, store, home;
	bool root_is_overlay;
	char root_upper[PATH_MAX]; /* the running root's upper layer, from the kernel */
};

static const char *get(const struct kvlist *kv, const char *key)
{
	const char *value = kvlist_get(kv, key);

	return value && *value ? value : NULL;
}

static const char *dash(const char *value)
{
	return value ? value : "-";
}

static bool yes(const struct kvlist *kv, const char *key)
{
	const char *value = get(kv, key);

	return value && !strcmp(value, "yes");
}

static void look_up(const struct status *st, const char *path, struct mount_now *m)
{
	struct mount_entry e;

	memset(m, 0, sizeof(*m));
	m->path = path;
	if (!path || mountinfo_find(st->mountinfo, path, &e) < 0)
		return;
	m->mounted = true;
	m->read_only = e.read_only;
	snprintf(m->source, sizeof(m->source), "%s", e.source);
}

/* The live system's root is "/"; before switch_root it is VTOY_ROOT. */
static void look_up_root(struct status *st)
{
	const char *targets[] = { "/", get(&st->persist, "VTOY_ROOT") };
	struct mount_entry e;

	for (size_t i = 0; i < 2; i++) {
		if (!targets[i] || mountinfo_find(st->mountinfo, targets[i], &e) < 0 ||
		    strcmp(e.fstype, "overlay") != 0)
			continue;
		st->root_is_overlay = true;
		if (mount_option(e.super_opts, "upperdir", st->root_upper, sizeof(st->root_upper)) < 0)
			st->root_upper[0] = '\0';
		return;
	}
}

static int gather(struct status *st, const char *run_dir)
{
	char path[PATH_MAX];
	int have_persist;

	run_path(path, sizeof(path), run_dir, RUN_MEDIUM_ENV, NULL);
	st->have_medium = medium_read(path, &st->medium) == 0;
	run_path(path, sizeof(path), run_dir, RUN_PERSIST_ENV, NULL);
	have_persist = kvfile_read(&st->persist, path) == 0;
	run_path(path, sizeof(path), run_dir, RUN_TIMELINE, NULL);
	kvfile_read(&st->timeline, path); /* none from older boots: no line */
	if (!st->have_medium && !have_persist)
		return -ENOENT;
	look_up(st, st->medium.data_mount[0] ? st->medium.data_mount : NULL, &st->data);
	look_up(st, get(&st->persist, "VTOY_STORE_MOUNT"), &st->store);
	look_up(st, get(&st->persist, "VTOY_HOME_MOUNT"), &st->home);
	look_up_root(st);
	return 0;
}

/* Persistence is active when the running root writes into the store. */
static bool persistence_active(const struct status *st)
{
	const char *mode = get(&st->persist, "VTOY_PERSISTENCE");
	size_t len = st->store.path ? strlen(st->store.path) : 0;

	if (!mode || !st->store.mounted || st->store.read_only)
		return false;
	if (!strcmp(mode, "custom-mounts"))
		return true;
	return !strcmp(mode, "store") && st->root_is_overlay &&
	       !strncmp(st->root_upper, st->store.path, len) &&
	       (st->root_upper[len] == '/' || st->root_upper[len] == '\0');
}

static const char *access_now(const struct mount_now *m)
{
	if (!m->path)
		return NULL;
	if (!m->mounted)
		return "not mounted";
	return m->read_only ? "read-only" : "read-write";
}

/* "" is unknown: shown as "-" */
static const char *text(const char *value)
{
	return *value ? value : "-";
}

static void print_text(const struct status *st, FILE *out, bool show_log, const char *run_dir)
{
	const struct medium *m = &st->medium;
	const struct kvlist *p = &st->persist;
	const char *mode = get(p, "VTOY_PERSISTENCE");
	char path[PATH_MAX], line[1200];
	struct store_space sp;
	FILE *log;

	fprintf(out, "medium:       %s%s%s (%s, label %s, uuid %s)\n", m->iso_path,
		m->iso_path[0] ? " on " : "", text(m->device.node), text(m->device.fstype),
		text(m->device.label), text(m->device.uuid));
	fprintf(out, "found by:     %s %s\n", text(m->source), text(m->source_value));
	/* vtoy.data=rw works on an ISO file there, not on a medium that is
	 * the device itself or read through device-mapper (iso_scan.c). */
	if (st->data.path)
		fprintf(out, "data:         %s (%s%s)\n", st->data.path, access_now(&st->data),
			st->data.mounted && st->data.read_only && m->iso_path[0] &&
					strncmp(m->iso_device, "/dev/mapper/", 12)
				? "; vtoy.data=rw at boot makes it writable"
				: "");
	if (!strcmp(st->medium.data_last_shutdown, "unclean"))
		fprintf(out, "              NOT unmounted cleanly last time: check it with fsck.exfat "
			     "from another system\n");
	fprintf(out, "root images:  %u layer(s) from %s/ (%s layout%s)\n", m->layers,
		text(m->media_path), text(m->layout), m->toram ? ", copied to RAM" : "");
	fprintf(out, "persistence:  %s (requested: %s)\n", dash(mode),
	       dash(get(p, "VTOY_PERSISTENCE_REQUESTED")));
	if (mode && (!strcmp(mode, "store") || !strcmp(mode, "custom-mounts")) &&
	    !persistence_active(st))
		fprintf(out, "WARNING:      the store is no longer in use (%s): changes made now are "
		       "NOT kept\n", st->store.mounted ? "the root does not write to it"
						       : "it is not mounted any more");
	if (get(p, "VTOY_STORE_SOURCE"))
		fprintf(out, "store:        %s (%s, %s, label %s, uuid %s, convention %s, check %s, "
			"%s)\n", get(p, "VTOY_STORE_SOURCE"), dash(get(p, "VTOY_STORE_KIND")),
		       dash(get(p, "VTOY_STORE_FSTYPE")), dash(get(p, "VTOY_STORE_LABEL")),
		       dash(get(p, "VTOY_STORE_UUID")), dash(get(p, "VTOY_STORE_CONVENTION")),
		       dash(get(p, "VTOY_STORE_FSCK")),
		       st->store.path ? access_now(&st->store) : "not mounted");
	if (st->store.mounted && store_space(st->store.path, &sp) == 0) {
		char free_text[32], size_text[32];

		fprintf(out, "space:        %u%% used, %s free of %s%s\n", sp.used_percent,
			store_space_size(sp.free_bytes, free_text, sizeof(free_text)),
			store_space_size(sp.size_bytes, size_text, sizeof(size_text)),
			!strcmp(sp.state, "full") ? " -- FULL: changes made now cannot be saved"
			: !strcmp(sp.state, "nearly-full") ? " -- nearly full" : "");
	}
	if (get(p, "VTOY_STORE_LAST_SHUTDOWN") && !strcmp(get(p, "VTOY_STORE_LAST_SHUTDOWN"), "unclean"))
		fprintf(out, "WARNING:      the last session did not unmount the store cleanly (power "
			     "cut, stick pulled, no shutdown step): its journal was replayed at this boot\n");
	for (const struct kv *kv = NULL; (kv = kvlist_next(p, "VTOY_CUSTOM_MOUNT", kv));)
		fprintf(out, "custom mount: %s\n", dash(kv->value));
	for (const struct kv *kv = NULL; (kv = kvlist_next(p, "VTOY_CUSTOM_MOUNT_REFUSED", kv));)
		fprintf(out, "refused:      %s\n", dash(kv->value));
	if (get(p, "VTOY_HOME_SOURCE")) {
		fprintf(out, "home:         %s (%s, label %s, check %s)", get(p, "VTOY_HOME_SOURCE"),
		       dash(get(p, "VTOY_HOME_KIND")), dash(get(p, "VTOY_HOME_LABEL")),
		       dash(get(p, "VTOY_HOME_FSCK")));
		if (st->home.mounted)
			fprintf(out, " on /home\n");
		else
			fprintf(out, ", NOT used: %s\n", st->home.path ? "not mounted any more"
								 : dash(get(p, "VTOY_HOME_FALLBACK_REASON")));
	}
	if (get(p, "VTOY_FALLBACK_REASON"))
		fprintf(out, "fallback:     %s\n", get(p, "VTOY_FALLBACK_REASON"));
	fprintf(out, "upper:        %s\n", st->root_is_overlay && st->root_upper[0]
					     ? st->root_upper : dash(get(p, "VTOY_UPPERDIR")));
	if (yes(p, "VTOY_MEDIUM_CHANGED"))
		fprintf(out, "WARNING:      the live image changed since this store was last used; the "
		       "store's changes may not fit it\n"
		       "              then: %s\n"
		       "              now:  %s\n",
		       dash(get(p, "VTOY_MEDIUM_BEFORE")), dash(get(p, "VTOY_MEDIUM_NOW")));

	if (timeline_format(&st->timeline, line, sizeof(line)))
		fprintf(out, "timeline:     %s\n", line);

	run_path(path, sizeof(path), run_dir, RUN_LOG, NULL);
	log = fopen(path, "re");
	if (!log)
		return;
	fprintf(out, "\n%s:\n", show_log ? "log" : "decisions (all of it: --log)");
	while (fgets(line, sizeof(line), log))
		if (show_log || strstr(line, "skipped") || strstr(line, "candidate") ||
		    strstr(line, "using") || strstr(line, "WARNING") || strstr(line, "error"))
			fprintf(out, "  %s", line);
	fclose(log);
}

static void jw_mount(struct jw *w, const struct mount_now *m)
{
	jw_bool(w, "mounted", m->mounted);
	jw_string(w, "access", m->path && m->mounted ? access_now(m) : NULL);
}

static void jw_list(struct jw *w, const char *name, const struct kvlist *kv,
		      const char *key)
{
	jw_array(w, name);
	for (const struct kv *i = NULL; (i = kvlist_next(kv, key, i));)
		jw_string(w, NULL, i->value);
	jw_end_array(w);
}

static void print_json(const struct status *st, FILE *out)
{
	const struct medium *m = &st->medium;
	const struct kvlist *p = &st->persist;
	struct store_space sp;
	struct jw w;

	jw_begin(&w, out);
	jw_object(&w, NULL);
	jw_string(&w, "version", VTOY_VERSION);

	jw_object(&w, "medium");
	jw_string(&w, "found_by", m->source);
	jw_string(&w, "found_by_value", m->source_value);
	jw_string(&w, "iso_path", m->iso_path);
	jw_string(&w, "device", m->device.node);
	jw_string(&w, "disk", m->device.disk);
	jw_bool(&w, "whole_disk", m->device.whole_disk);
	jw_string(&w, "fstype", m->device.fstype);
	jw_string(&w, "label", m->device.label);
	jw_string(&w, "uuid", m->device.uuid);
	jw_string(&w, "iso_device", m->iso_device);
	jw_string(&w, "iso_label", m->iso_label);
	jw_string(&w, "iso_uuid", m->iso_uuid);
	jw_string(&w, "layout", m->layout);
	jw_string(&w, "media_path", m->media_path);
	jw_number(&w, "layers", m->layers);
	jw_bool(&w, "toram", m->toram);
	jw_end_object(&w);

	jw_object(&w, "data");
	jw_string(&w, "mount", st->data.path);
	jw_mount(&w, &st->data);
	jw_string(&w, "last_shutdown",
		  st->medium.data_last_shutdown[0] ? st->medium.data_last_shutdown : NULL);
	jw_end_object(&w);

	jw_object(&w, "persistence");
	jw_string(&w, "requested", get(p, "VTOY_PERSISTENCE_REQUESTED"));
	jw_string(&w, "mode", get(p, "VTOY_PERSISTENCE"));
	jw_bool(&w, "active", persistence_active(st));
	jw_string(&w, "fallback_reason", get(p, "VTOY_FALLBACK_REASON"));
	jw_end_object(&w);

	if (get(p, "VTOY_STORE_SOURCE")) {
		jw_object(&w, "store");
		jw_string(&w, "source", get(p, "VTOY_STORE_SOURCE"));
		jw_string(&w, "kind", get(p, "VTOY_STORE_KIND"));
		jw_string(&w, "device", get(p, "VTOY_STORE_DEVICE"));
		jw_string(&w, "fstype", get(p, "VTOY_STORE_FSTYPE"));
		jw_string(&w, "label", get(p, "VTOY_STORE_LABEL"));
		jw_string(&w, "uuid", get(p, "VTOY_STORE_UUID"));
		jw_string(&w, "convention", get(p, "VTOY_STORE_CONVENTION"));
		jw_string(&w, "dir", get(p, "VTOY_STORE_DIR"));
		jw_string(&w, "fsck", get(p, "VTOY_STORE_FSCK"));
		jw_string(&w, "last_shutdown", get(p, "VTOY_STORE_LAST_SHUTDOWN"));
		jw_string(&w, "remove", get(p, "VTOY_STORE_REMOVE"));
		jw_string(&w, "mount", st->store.path);
		jw_mount(&w, &st->store);
		if (st->store.mounted && store_space(st->store.path, &sp) == 0) {
			jw_object(&w, "space");
			jw_number(&w, "size_bytes", (long long)sp.size_bytes);
			jw_number(&w, "free_bytes", (long long)sp.free_bytes);
			jw_number(&w, "used_percent", sp.used_percent);
			jw_string(&w, "state", sp.state);
			jw_end_object(&w);
		} else {
			jw_null(&w, "space");
		}
		jw_end_object(&w);
	} else {
		jw_null(&w, "store");
	}
	if (get(p, "VTOY_HOME_SOURCE")) {
		jw_object(&w, "home");
		jw_string(&w, "source", get(p, "VTOY_HOME_SOURCE"));
		jw_string(&w, "kind", get(p, "VTOY_HOME_KIND"));
		jw_string(&w, "label", get(p, "VTOY_HOME_LABEL"));
		jw_string(&w, "uuid", get(p, "VTOY_HOME_UUID"));
		jw_string(&w, "fsck", get(p, "VTOY_HOME_FSCK"));
		jw_string(&w, "mount", st->home.path);
		jw_mount(&w, &st->home);
		jw_string(&w, "fallback_reason", get(p, "VTOY_HOME_FALLBACK_REASON"));
		jw_end_object(&w);
	} else {
		jw_null(&w, "home");
	}
	jw_list(&w, "custom_mounts", p, "VTOY_CUSTOM_MOUNT");
	jw_list(&w, "custom_mounts_refused", p, "VTOY_CUSTOM_MOUNT_REFUSED");

	jw_object(&w, "root");
	jw_bool(&w, "overlay", st->root_is_overlay);
	jw_string(&w, "upper", st->root_is_overlay ? st->root_upper : get(p, "VTOY_UPPERDIR"));
	jw_end_object(&w);

	/* ms of uptime at the end of each step; absent steps are null */
	jw_object(&w, "timeline");
	for (int i = 0; timeline_steps[i]; i++) {
		const char *ms = get(&st->timeline, timeline_steps[i]);
		char key[32];

		snprintf(key, sizeof(key), "%s_ms", timeline_steps[i]);
		if (ms)
			jw_number(&w, key, strtoll(ms, NULL, 10));
		else
			jw_null(&w, key);
	}
	jw_end_object(&w);

	jw_object(&w, "image_change");
	jw_string(&w, "changed", get(p, "VTOY_MEDIUM_CHANGED"));
	jw_string(&w, "before", get(p, "VTOY_MEDIUM_BEFORE"));
	jw_string(&w, "now", get(p, "VTOY_MEDIUM_NOW"));
	jw_end_object(&w);

	jw_end_object(&w);
	jw_finish(&w);
}

int persist_status(const struct status_opts *opts)
{
	static struct status st;
	int ret;

	memset(&st, 0, sizeof(st));
	st.mountinfo = opts->mountinfo;
	ret = gather(&st, opts->run_dir);
	if (ret < 0) {
		log_err("no report in %s: this system was not booted by vtoy-iso-scan and "
			"vtoy-persist", opts->run_dir);
		return 1;
	}
	if (opts->json)
		print_json(&st, opts->out ? opts->out : stdout);
	else
		print_text(&st, opts->out ? opts->out : stdout, opts->show_log, opts->run_dir);
	medium_free(&st.medium);
	kvlist_free(&st.persist);
	kvlist_free(&st.timeline);
	return 0;
}
