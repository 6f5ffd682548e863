#include "stick_check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "safepath.h"
#include "store_fs.h"
#include "store_inspect.h"
#include "ventoy_json.h"

#define VENTOY_JSON "/ventoy/ventoy.json"
#define JSON_MAX (4 * 1024 * 1024)
#define ISO_DEPTH_MAX 8
#define ISOS_MAX 1024

/* Ventoy's per-boot-mode keys: "persistence_<mode>" (ventoy_json.h). */
static const char *const modes[] = { NULL, "legacy", "uefi", "ia32", "aa64", "mips" };

static const char *const casper_labels[] = { "casper-rw", "writable", NULL };
static const char *const liveboot_labels[] = { "persistence", NULL };
static const char *const cow_labels[] = { "vtoycow", NULL };

const char *const *stick_store_labels(enum root_layout layout)
{
	switch (layout) {
	case ROOT_LAYOUT_CASPER: return casper_labels;
	case ROOT_LAYOUT_LIVE: return liveboot_labels;
	default: return cow_labels;
	}
}

#define STORES_MAX 64

struct check {
	const char *root;
	int root_fd;
	const struct stick_check_opts *opts;
	json_t *report, *stores, *problems;
	size_t problem_count;
	/* Each store is inspected once (its checker runs once). */
	char *store_paths[STORES_MAX];
	struct store_inspect *store_info; /* STORES_MAX of them */
	size_t store_count;
	const char *identity;       /* the ISO being looked at: its images' identity, or "" */
	const char *shown_root;     /* the stick's root as the user knows it, for fixes */
	const struct stick_disk *disk; /* the stick's other partitions */
};

static void problem(struct check *c, const char *severity, const char *iso, const char *store,
		    const char *what, const char *fix)
{
	json_t *p = json_pack("{s:s, s:s?, s:s?, s:s, s:s?}", "severity", severity, "iso", iso,
			      "store", store, "what", what, "fix", fix);

	if (p)
		json_array_append_new(c->problems, p);
	if (!strcmp(severity, "problem"))
		c->problem_count++;
}

static bool is_iso_name(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcasecmp(name + n - 4, ".iso");
}

/* Every *.iso under the stick (not following symlinks; skipping /ventoy
 * and dot directories, as Ventoy's list does), as "/dir/x.iso". */
static void find_isos(int dir_fd, const char *rel, int depth, json_t *out)
{
	DIR *d;
	struct dirent *e;

	if (depth > ISO_DEPTH_MAX || !(d = fdopendir(dir_fd))) {
		close(dir_fd);
		return;
	}
	while ((e = readdir(d)) && json_array_size(out) < ISOS_MAX) {
		char path[PATH_MAX];
		struct stat st;
		int fd;

		if (e->d_name[0] == '.' || (depth == 0 && !strcmp(e->d_name, "ventoy")))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", rel, e->d_name) >= sizeof(path))
			continue;
		if (S_ISREG(st.st_mode) && is_iso_name(e->d_name))
			json_array_append_new(out, json_string(path));
		else if (S_ISDIR(st.st_mode) &&
			 (fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
							   O_CLOEXEC)) >= 0)
			find_isos(fd, path, depth + 1, out);
	}
	closedir(d);
}

static int cmp_json_strings(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static void sort_strings(json_t *array)
{
	size_t n = json_array_size(array);
	json_t **v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(array, i));
	qsort(v, n, sizeof(*v), cmp_json_strings);
	json_array_clear(array);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(array, v[i]);
	free(v);
}

static json_t *store_json(const char *path, const struct store_inspect *s)
{
	json_t *rejects = json_array();

	for (size_t i = 0; i < s->conf_reject_count; i++)
		json_array_append_new(rejects, json_string(s->conf_rejects[i]));
	return json_pack("{s:s, s:s, s:s*, s:s*, s:I, s:I, s:i, s:s, s:s, s:b, s:s*, s:o, s:o, s:o, "
			 "s:o, s:b, s:I, s:b, s:o}",
			 "path", path, "kind", s->partition ? "partition" : "file", "fstype", s->fstype[0] ? s->fstype : NULL, "label",
			 s->label[0] ? s->label : NULL, "size", (json_int_t)s->size, "allocated",
			 (json_int_t)s->allocated, "fragments", s->fragments, "fsck", s->fsck,
			 "fsck_detail", s->fsck_detail, "looked_inside", s->inside, "not_inside",
			 s->inside ? NULL : s->not_inside,
			 "used_percent", s->inside ? json_integer(s->space.used_percent) : json_null(),
			 "free", s->inside ? json_integer((json_int_t)s->space.free_bytes) : json_null(),
			 "space", s->inside ? json_string(s->space.state) : json_null(),
			 "last_used_with", s->medium_record[0] ? json_string(s->medium_record) : json_null(),
			 "persistence_conf", s->conf_present, "conf_entries", (json_int_t)s->conf_entries,
			 "conf_root_union", s->conf_root_union, "conf_rejects", rejects);
}

/* Where the user finds the store: a partition's node, or the file under
 * the stick's mount point. */
static const char *host_path(const struct check *c, const char *path,
			     const struct store_inspect *s, char *buf, size_t len)
{
	if (s->partition)
		return path;
	snprintf(buf, len, "%s%s", c->shown_root, path);
	return buf;
}

/* A store's own problems, whatever the ISO: once per store. */
static void store_problems(struct check *c, const char *path, const struct store_inspect *s)
{
	char what[512], fix[PATH_MAX + 64], a[32], b[32], where[PATH_MAX];

	if (!s->fstype[0])
		problem(c, "problem", NULL, path, "holds no filesystem",
			"make it again: vtoy-stick create --size SIZE FILE");
	else if (strcmp(s->fstype, "crypto_LUKS") && !store_fs_find(s->fstype)) {
		snprintf(what, sizeof(what), "holds %s, which cannot hold a store (%s only)", s->fstype,
			 STORE_FSTYPES);
		problem(c, "problem", NULL, path, what, "make it again: vtoy-stick create --size SIZE FILE");
	}
	if (s->allocated + 4096 < s->size) {
		snprintf(what, sizeof(what), "is sparse: %s of its %s are allocated (GRUB refuses sparse files)",
			 store_space_size(s->allocated, a, sizeof(a)), store_space_size(s->size, b, sizeof(b)));
		problem(c, "problem", NULL, path, what,
			"make it again with vtoy-stick create, which writes every block");
	}
	if (s->fragments > 1) {
		snprintf(what, sizeof(what), "is in %d fragments on the partition", s->fragments);
		problem(c, "warning", NULL, path, what,
			"copy it to a partition with enough free space in one piece, or make it again");
	}
	if (!strcmp(s->fsck, "unclean")) {
		snprintf(what, sizeof(what), "its filesystem has errors (%s)", s->fsck_detail);
		snprintf(fix, sizeof(fix), "%s %s", !strncmp(s->fstype, "ext", 3) ? "e2fsck -f"
						      : !strcmp(s->fstype, "xfs") ? "xfs_repair"
						      : "btrfs check --repair",
			 host_path(c, path, s, where, sizeof(where)));
		problem(c, "problem", NULL, path, what, fix);
	}
	if (s->inside && strcmp(s->space.state, "ok")) {
		snprintf(what, sizeof(what), "is %s: %u%% used, %s free of %s",
			 !strcmp(s->space.state, "full") ? "full" : "nearly full", s->space.used_percent,
			 store_space_size(s->space.free_bytes, a, sizeof(a)),
			 store_space_size(s->space.size_bytes, b, sizeof(b)));
		problem(c, !strcmp(s->space.state, "full") ? "problem" : "warning", NULL, path, what,
			"free space in it, or grow it: vtoy-stick resize FILE SIZE");
	}
	for (size_t i = 0; i < s->conf_reject_count; i++)
		problem(c, "problem", NULL, path, s->conf_rejects[i],
			"correct that line of persistence.conf (see vtoy-persistence(5))");
}

/* Inspects the store at the stick path (or, device set, a partition's
 * node) once; NULL when it is not there (or is neither a file nor a
 * partition) or too many were asked for. */
static const struct store_inspect *store_on(struct check *c, const char *path, bool device)
{
	struct store_inspect *s;
	int fd, ret;

	for (size_t i = 0; i < c->store_count; i++)
		if (!strcmp(c->store_paths[i], path))
			return &c->store_info[i];
	if (c->store_count >= STORES_MAX)
		return NULL;
	fd = device ? open(path, O_RDONLY | O_CLOEXEC) : safepath_open(c->root_fd, path, O_RDONLY);
	if (fd < 0)
		return NULL;
	s = &c->store_info[c->store_count];
	ret = store_inspect(fd, path, s);
	close(fd);
	if (ret < 0 || !(c->store_paths[c->store_count] = strdup(path)))
		return NULL;
	c->store_count++;
	json_array_append_new(c->stores, store_json(path, s));
	store_problems(c, path, s);
	return s;
}

static const struct store_inspect *store_at(struct check *c, const char *path)
{
	return store_on(c, path, false);
}

static int backend_exists(const char *path, void *ctx)
{
	struct check *c = ctx;
	struct stat st;
	int fd = safepath_open(c->root_fd, path, O_RDONLY);
	bool ok;

	if (fd < 0)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return ok;
}

static bool label_in(const char *label, const char *const *labels)
{
	for (; *labels; labels++)
		if (!strcmp(label, *labels))
			return true;
	return false;
}

static const char *relabel_tool(const char *fstype)
{
	return !strcmp(fstype, "xfs") ? "xfs_admin -L" : !strcmp(fstype, "btrfs") ? "btrfs filesystem label"
										: "e2label";
}

enum fit {
	FIT_YES,
	FIT_NO,      /* the ISO's own boot would not take it (a problem says why) */
	FIT_UNKNOWN, /* cannot be told without looking inside (not root) */
};

/* What the ISO's convention asks of a store Ventoy hands it. */
static enum fit store_fits(struct check *c, const char *iso, int layout, const char *path,
			   const struct store_inspect *s)
{
	const char *const *labels;
	char what[512], fix[PATH_MAX + 256], where[PATH_MAX];
	enum fit fits = FIT_YES;

	if (layout < 0 || !s->fstype[0] || !strcmp(s->fstype, "crypto_LUKS"))
		return FIT_YES;
	labels = stick_store_labels((enum root_layout)layout);
	host_path(c, path, s, where, sizeof(where));
	if (!label_in(s->label, labels)) {
		fits = FIT_NO;
		snprintf(what, sizeof(what), "label is \"%s\" but this ISO is %s, which looks for %s%s%s",
			 s->label, root_layout_name((enum root_layout)layout), labels[0],
			 labels[1] ? " or " : "", labels[1] ? labels[1] : "");
		if (!strcmp(s->fstype, "xfs"))
			snprintf(fix, sizeof(fix), "relabel it: xfs_admin -L %s %s; or make one: "
				 "vtoy-stick create --for %s FILE", labels[0], where, iso);
		else
			snprintf(fix, sizeof(fix), "relabel it: %s %s %s; or make one: "
				 "vtoy-stick create --for %s FILE", relabel_tool(s->fstype), where,
				 labels[0], iso);
		problem(c, "problem", iso, path, what, fix);
	}
	if (s->medium_record[0] && c->identity && c->identity[0] &&
	    strcmp(s->medium_record, c->identity)) {
		snprintf(what, sizeof(what), "was last used with other images (%.200s); this ISO has "
			 "%.200s: its changes were made over other files", s->medium_record, c->identity);
		problem(c, "warning", iso, path, what,
			"keep it if it is the same system updated; else give this ISO a store of its own "
			"(vtoy-stick create --for ISO FILE)");
	}
	if (layout == ROOT_LAYOUT_LIVE && s->inside && !s->conf_present) {
		fits = FIT_NO;
		problem(c, "problem", iso, path,
			"has no persistence.conf: live-boot ignores a store without one",
			"add a persistence.conf holding \"/ union\" at its root (mount it, or make it "
			"again with vtoy-stick create --for ISO)");
	}
	if (layout == ROOT_LAYOUT_LIVE && !s->inside && fits == FIT_YES) {
		fits = FIT_UNKNOWN;
		snprintf(what, sizeof(what), "its persistence.conf was not read (%s): whether live-boot "
			 "uses it cannot be told", s->not_inside);
		problem(c, "warning", iso, path, what, "run vtoy-stick check as root");
	}
	return fits;
}

#define VENTOY_BACKENDS_SEEN 64

/* Whether the backend at path (in the entry's full list, before missing
 * ones were dropped) is one the ISO's boot takes. */
static enum fit chosen_fits(const char *path, const enum fit *fits, const json_t *backends)
{
	const json_t *b;
	size_t i;

	json_array_foreach(backends, i, b)
		if (!strcmp(json_string_value(b), path))
			return i >= VENTOY_BACKENDS_SEEN ? FIT_UNKNOWN : fits[i];
	return FIT_UNKNOWN;
}

/* Ventoy's persistence plugin for one ISO, for each boot-mode key present.
 * Returns whether an entry applies to it. */
static bool ventoy_for_iso(struct check *c, const char *json, size_t len, const json_t *doc,
			   const char *iso, int layout, json_t *iso_j, json_t *decisions)
{
	json_t *entries = json_array();
	bool any = false;
	enum fit fits[VENTOY_BACKENDS_SEEN] = { 0 };

	json_object_set_new(iso_j, "ventoy", entries);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct ventoy_persistence_choice ch;
		char key[32], line[1024];
		json_t *backends, *missing, *e;

		snprintf(key, sizeof(key), modes[m] ? "persistence_%s" : "persistence", modes[m]);
		if (!json_object_get(doc, key))
			continue;
		if (ventoy_json_persistence_mode(json, len, iso, modes[m], &ch) < 0)
			continue;
		if (!ch.matched) {
			if (ch.near_miss)
				problem(c, "problem", iso, NULL, ch.reason,
					"write the entry's \"image\" exactly as the ISO's path on the stick");
			else if (ch.skipped)
				problem(c, "problem", iso, NULL, ch.reason,
					"give the entry a \"backend\": an absolute path, or a list of them");
			ventoy_persistence_choice_free(&ch);
			continue;
		}
		any = true;
		backends = json_array();
		missing = json_array();
		for (size_t i = 0; i < ch.count; i++) {
			const struct store_inspect *s;
			const char *hint = ventoy_path_hint(ch.backends[i]);

			json_array_append_new(backends, json_string(ch.backends[i]));
			if (!(s = store_at(c, ch.backends[i]))) {
				json_array_append_new(missing, json_string(ch.backends[i]));
				snprintf(line, sizeof(line), "ventoy.json entry %zu names \"%s\", which is not on the stick%s%s",
					 ch.entry + 1, ch.backends[i], hint ? ": " : "", hint ? hint : "");
				problem(c, "problem", iso, ch.backends[i], line,
					"correct the path in ventoy.json, or make the store: vtoy-stick create --for ISO FILE");
				continue;
			}
			if (i < VENTOY_BACKENDS_SEEN)
				fits[i] = store_fits(c, iso, layout, ch.backends[i], s);
		}
		ventoy_persistence_drop_missing(&ch, backend_exists, c);
		e = json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:s*, s:s}", "key", key, "entry",
			      (json_int_t)ch.entry + 1, "image", ch.image, "backends", backends, "missing",
			      missing, "autosel",
			      ch.autosel_state == VENTOY_AUTOSEL_SET ? json_integer(ch.autosel) : json_null(),
			      "chosen", ch.chosen >= 0 ? ch.backends[ch.chosen] : NULL, "reason", ch.reason);
		json_array_append_new(entries, e);
		if (ch.count == 0)
			snprintf(line, sizeof(line), "%s: entry %zu names no store that is on the stick: "
				 "Ventoy boots it without persistence", key, ch.entry + 1);
		else if (ch.chosen >= 0 &&
			 chosen_fits(ch.backends[ch.chosen], fits, backends) == FIT_UNKNOWN)
			snprintf(line, sizeof(line), "%s: Ventoy's menu offers %zu store%s; %s: %s will use %s "
				 "if it holds a persistence.conf (not read: see the warnings)", key, ch.count,
				 ch.count > 1 ? "s" : "", ch.reason,
				 root_layout_name((enum root_layout)layout), ch.backends[ch.chosen]);
		else if (ch.chosen >= 0 && chosen_fits(ch.backends[ch.chosen], fits, backends) == FIT_NO)
			snprintf(line, sizeof(line), "%s: Ventoy's menu offers %zu store%s; %s: Ventoy hands "
				 "over %s, but %s will not use it (see the problems): it boots without "
				 "persistence", key, ch.count, ch.count > 1 ? "s" : "", ch.reason,
				 ch.backends[ch.chosen], root_layout_name((enum root_layout)layout));
		else if (ch.chosen >= 0)
			snprintf(line, sizeof(line), "%s: Ventoy's menu offers %zu store%s; %s: %s will use %s",
				 key, ch.count, ch.count > 1 ? "s" : "", ch.reason,
				 layout >= 0 ? root_layout_name((enum root_layout)layout) : "the ISO",
				 ch.backends[ch.chosen]);
		else
			snprintf(line, sizeof(line), "%s: Ventoy's menu offers %zu store%s; %s", key,
				 ch.count, ch.count > 1 ? "s" : "", ch.reason);
		json_array_append_new(decisions, json_string(line));
		ventoy_persistence_choice_free(&ch);
	}
	return any;
}

/* Label-named store files at the stick's root, as casper and live-boot
 * look for them when no store is handed over. */
static void label_files(struct check *c, const char *iso, int layout, json_t *iso_j,
			json_t *decisions)
{
	const char *const *want;
	const char *const *labels;
	json_t *found = json_array();
	char path[BLKDEV_PATH_MAX + 8], line[768];

	json_object_set_new(iso_j, "label_stores", found);
	if (layout < 0)
		return;
	want = stick_store_labels((enum root_layout)layout);
	if (layout != ROOT_LAYOUT_CASPER && layout != ROOT_LAYOUT_LIVE) {
		snprintf(line, sizeof(line), "no ventoy.json persistence entry for it, and %s takes a "
			 "store only from Ventoy's menu (labelled %s): it boots without persistence",
			 root_layout_name((enum root_layout)layout), want[0]);
		json_array_append_new(decisions, json_string(line));
		return;
	}
	labels = layout == ROOT_LAYOUT_CASPER ? (const char *const[]){ "writable", "casper-rw", NULL }
					      : stick_store_labels(ROOT_LAYOUT_LIVE);
	for (; *labels; labels++) {
		const struct store_inspect *s = NULL;

		snprintf(path, sizeof(path), "/%s", *labels);
		/* A file named after the label at the root, else a partition of
		 * the stick's disk carrying the label (or GPT name). */
		s = store_at(c, path);
		for (size_t i = 0; !s && i < c->disk->count; i++) {
			const struct blkdev *b = &c->disk->parts[i];

			if ((!strcmp(b->label, *labels) || !strcmp(b->part_name, *labels)) &&
			    (s = store_on(c, b->node, true)))
				snprintf(path, sizeof(path), "%s", b->node);
		}
		if (!s)
			continue;
		json_array_append_new(found, json_string(path));
		store_fits(c, iso, layout, path, s);
		snprintf(line, sizeof(line), "no ventoy.json persistence entry for it; with \"%s\" on "
			 "the command line, %s takes %s", layout == ROOT_LAYOUT_CASPER ? "persistent"
										  : "persistence",
			 root_layout_name((enum root_layout)layout), path);
		json_array_append_new(decisions, json_string(line));
		return;
	}
	snprintf(line, sizeof(line), "no ventoy.json persistence entry for it, and no %s%s%s file "
		 "at the stick's root or partition so labelled on its disk: it boots without "
		 "persistence", want[0],
		 want[1] ? " or " : "", want[1] ? want[1] : "");
	json_array_append_new(decisions, json_string(line));
}

static char *read_ventoy_json(struct check *c, size_t *len, json_t *vj)
{
	char *text;
	ssize_t n;
	int fd = safepath_open(c->root_fd, VENTOY_JSON, O_RDONLY);

	if (fd < 0) {
		json_object_set_new(vj, "present", json_false());
		return NULL;
	}
	json_object_set_new(vj, "present", json_true());
	text = malloc(JSON_MAX + 1);
	n = text ? read(fd, text, JSON_MAX + 1) : -1;
	close(fd);
	if (n < 0 || n > JSON_MAX) {
		json_object_set_new(vj, "error", json_string(n < 0 ? strerror(errno) : "larger than 4 MiB"));
		problem(c, "problem", NULL, NULL, "/ventoy/ventoy.json cannot be read",
			"make it readable, at most 4 MiB");
		free(text);
		return NULL;
	}
	*len = (size_t)n;
	return text;
}

int stick_check(const char *root, const struct stick_check_opts *opts, json_t **report,
		size_t *problems)
{
	struct check c = { .root = root, .opts = opts,
			   .shown_root = opts && opts->shown_root ? opts->shown_root : root };
	json_t *vj = json_object(), *isos = json_array(), *iso_list = json_array();
	struct vjson doc = { 0 };
	static const struct stick_disk none;
	struct stick_disk *own_disk = NULL;
	char *json = NULL, why[512];
	size_t len = 0, i;
	json_t *p;
	int fd;

	c.root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	c.store_info = calloc(STORES_MAX, sizeof(*c.store_info));
	if (c.root_fd < 0 || !c.store_info) {
		int ret = c.root_fd < 0 ? -errno : -ENOMEM;

		if (c.root_fd >= 0)
			close(c.root_fd);
		free(c.store_info);
		json_decref(vj), json_decref(isos), json_decref(iso_list);
		return ret;
	}
	c.stores = json_array();
	c.problems = json_array();
	c.report = json_pack("{s:s, s:o, s:o, s:o, s:o}", "stick", c.shown_root, "ventoy_json", vj, "isos",
			     isos, "stores", c.stores, "problems", c.problems);
	if (!c.report) {
		close(c.root_fd);
		free(c.store_info);
		return -ENOMEM;
	}
	if (opts && opts->disk) {
		c.disk = opts->disk;
	} else {
		struct stick_disk *d = calloc(1, sizeof(*d));

		if (d)
			stick_disk_read(root, d);
		own_disk = d;
		c.disk = d ? d : &none;
	}
	json = read_ventoy_json(&c, &len, vj);
	if (json) {
		struct ventoy_persistence_choice ch;

		/* The boot's parser, so a syntax error reads as the boot says it. */
		if (ventoy_json_persistence(json, len, "/", &ch) < 0) {
			json_object_set_new(vj, "error", json_string(ch.reason));
			snprintf(why, sizeof(why), "/ventoy/ventoy.json: %s", ch.reason);
			problem(&c, "problem", NULL, NULL, why,
				"correct the file there (Ventoy ignores all of it while it is not valid JSON)");
			free(json);
			json = NULL;
		} else if (vjson_parse(json, len, &doc) < 0) {
			free(json);
			json = NULL;
		}
		ventoy_persistence_choice_free(&ch);
	}
	fd = dup(c.root_fd);
	if (fd >= 0)
		find_isos(fd, "", 0, iso_list);
	sort_strings(iso_list);
	json_array_foreach(iso_list, i, p) {
		const char *iso = json_string_value(p);
		char file[PATH_MAX];
		json_t *iso_j, *decisions = json_array();
		struct iso_view view;
		int layout;

		snprintf(file, sizeof(file), "%s%s", root, iso);
		layout = (opts && opts->iso_view ? opts->iso_view : iso_view_read)(file, &view);
		iso_j = json_pack("{s:s, s:s*, s:s, s:s*}", "path", iso,
				  "convention", layout >= 0 ? root_layout_name((enum root_layout)layout) : NULL,
				  "convention_how", view.how, "identity", view.identity[0] ? view.identity : NULL);
		c.identity = view.identity;
		json_array_append_new(isos, iso_j);
		if (!json)
			json_object_set_new(iso_j, "ventoy", json_array());
		json_object_set_new(iso_j, "label_stores", json_array());
		if (!json || !ventoy_for_iso(&c, json, len, doc.root, iso, layout, iso_j, decisions))
			label_files(&c, iso, layout, iso_j, decisions);
		if (!json_array_size(decisions))
			json_array_append_new(decisions,
					      json_string(layout >= 0 ? "no store found for it: it boots without persistence"
								      : "its convention is not known: what the boot does cannot be told"));
		json_object_set_new(iso_j, "boot", decisions);
	}
	if (!json_array_size(iso_list)) {
		snprintf(why, sizeof(why), "no *.iso found under %s", c.shown_root);
		problem(&c, "problem", NULL, NULL, why,
			"name the mount point of the stick's Ventoy partition (where ventoy/ventoy.json is)");
	}
	json_decref(iso_list);
	vjson_free(&doc);
	free(json);
	for (i = 0; i < c.store_count; i++)
		free(c.store_paths[i]);
	free(c.store_info);
	free(own_disk);
	close(c.root_fd);
	json_object_set_new(c.report, "problem_count", json_integer((json_int_t)c.problem_count));
	*problems = c.problem_count;
	*report = c.report;
	return 0;
}
