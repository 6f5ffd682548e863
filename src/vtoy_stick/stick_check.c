#include "stick_check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
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
	struct store_inspect store_info[STORES_MAX];
	size_t store_count;
};

static void problem(struct check *c, const char *severity, const char *iso, const char *store,
		    const char *what, const char *fix)
{
	json_t *p = json_pack("{s:s, s:s*, s:s*, s:s, s:s*}", "severity", severity, "iso", iso,
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

#define ISO_LIST_MAX (256 * 1024)

/* Makes the ISO's top three levels under dir as empty files and
 * directories (live-boot's *.module lists extracted whole): the tree the
 * layout rules look at. xorriso prints one 'quoted' path per line. */
static int iso_skeleton(const char *file, const char *dir, const char *type)
{
	char *argv[] = { "xorriso", "-indev", (char *)file, "-find", "/", "-maxdepth", "3", "-type",
			 (char *)type, NULL };
	char *list = malloc(ISO_LIST_MAX), *line, *save = NULL;
	int ret, dfd;

	if (!list)
		return -ENOMEM;
	ret = stick_capture(argv, false, list, ISO_LIST_MAX);
	if (ret != 0) {
		free(list);
		return ret == 127 ? -ENOENT : -EINVAL;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (line = strtok_r(list, "\n", &save); dfd >= 0 && line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);
		const char *path = line + 2; /* after "'/" */
		int fd;

		if (n < 4 || line[0] != '\'' || line[n - 1] != '\'')
			continue;
		line[n - 1] = 0;
		/* A name holding a quote is printed escaped; not one the rules look for. */
		if (strchr(path, '\'') || safepath_check(path) < 0)
			continue;
		if (*type == 'd') {
			mkdirat(dfd, path, 0755);
			continue;
		}
		n = strlen(path);
		if (n > 7 && !strcmp(path + n - 7, ".module")) {
			char dest[PATH_MAX];
			char *x[] = { "xorriso", "-osirrox", "on", "-indev", (char *)file, "-extract",
				      line + 1, dest, NULL };

			snprintf(dest, sizeof(dest), "%s/%s", dir, path);
			stick_run(x, false);
			continue;
		}
		fd = openat(dfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
	if (dfd >= 0)
		close(dfd);
	free(list);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/* The default: the ISO's tree listed with xorriso (no mount, no root)
 * into a skeleton, handed to vtoy-iso-scan's own layout rules. */
int stick_iso_layout(const char *file, char *why, size_t len)
{
	char dir[] = "/tmp/vtoy-stick-iso-XXXXXX";
	struct root_plan plan;
	int dfd, ret;

	if (!mkdtemp(dir)) {
		ret = -errno;
		snprintf(why, len, "mkdtemp: %s", strerror(-ret));
		return ret;
	}
	ret = iso_skeleton(file, dir, "d");
	if (ret == 0)
		ret = iso_skeleton(file, dir, "f");
	if (ret < 0) {
		snprintf(why, len, ret == -ENOENT ? "xorriso is not installed"
						  : "xorriso cannot read it as an ISO 9660 image");
	} else {
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		log_set_sink(NULL, NULL);
		ret = dfd < 0 ? -errno
			      : root_layout_plan(dfd, &(struct root_layout_opts){ 0 }, true, &plan);
		if (dfd >= 0)
			close(dfd);
		if (ret == 0) {
			snprintf(why, len, "%s", plan.how);
			ret = (int)plan.layout;
		} else {
			snprintf(why, len, "no casper/, live/, LiveOS/ or arch/ root image in it");
		}
	}
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}

static json_t *store_json(const char *path, const struct store_inspect *s)
{
	json_t *rejects = json_array();

	for (size_t i = 0; i < s->conf_reject_count; i++)
		json_array_append_new(rejects, json_string(s->conf_rejects[i]));
	return json_pack("{s:s, s:s*, s:s*, s:I, s:I, s:i, s:s, s:s, s:b, s:s*, s:o, s:o, s:o, "
			 "s:b, s:I, s:b, s:o}",
			 "path", path, "fstype", s->fstype[0] ? s->fstype : NULL, "label",
			 s->label[0] ? s->label : NULL, "size", (json_int_t)s->size, "allocated",
			 (json_int_t)s->allocated, "fragments", s->fragments, "fsck", s->fsck,
			 "fsck_detail", s->fsck_detail, "looked_inside", s->inside, "not_inside",
			 s->inside ? NULL : s->not_inside,
			 "used_percent", s->inside ? json_integer(s->space.used_percent) : json_null(),
			 "free", s->inside ? json_integer((json_int_t)s->space.free_bytes) : json_null(),
			 "space", s->inside ? json_string(s->space.state) : json_null(),
			 "persistence_conf", s->conf_present, "conf_entries", (json_int_t)s->conf_entries,
			 "conf_root_union", s->conf_root_union, "conf_rejects", rejects);
}

/* A store's own problems, whatever the ISO: once per store. */
static void store_problems(struct check *c, const char *path, const struct store_inspect *s)
{
	char what[512], fix[512], a[32], b[32];

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
		snprintf(fix, sizeof(fix), "%s", !strncmp(s->fstype, "ext", 3) ? "e2fsck -f FILE"
						   : !strcmp(s->fstype, "xfs") ? "xfs_repair FILE"
						   : "btrfs check --repair FILE");
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

/* Inspects the store at the stick path once; NULL when it is not there
 * (or is not a regular file) or too many were asked for. */
static const struct store_inspect *store_at(struct check *c, const char *path)
{
	struct store_inspect *s;
	int fd, ret;

	for (size_t i = 0; i < c->store_count; i++)
		if (!strcmp(c->store_paths[i], path))
			return &c->store_info[i];
	if (c->store_count >= STORES_MAX)
		return NULL;
	fd = safepath_open(c->root_fd, path, O_RDONLY);
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

/* What the ISO's convention asks of a store Ventoy hands it. Returns
 * false when the ISO's own boot would not take it. */
static bool store_fits(struct check *c, const char *iso, int layout, const char *path,
		       const struct store_inspect *s)
{
	const char *const *labels;
	char what[512], fix[768];
	bool fits = true;

	if (layout < 0 || !s->fstype[0] || !strcmp(s->fstype, "crypto_LUKS"))
		return true;
	labels = stick_store_labels((enum root_layout)layout);
	if (!label_in(s->label, labels)) {
		fits = false;
		snprintf(what, sizeof(what), "label is \"%s\" but this ISO is %s, which looks for %s%s%s",
			 s->label, root_layout_name((enum root_layout)layout), labels[0],
			 labels[1] ? " or " : "", labels[1] ? labels[1] : "");
		if (!strcmp(s->fstype, "xfs"))
			snprintf(fix, sizeof(fix), "relabel it: xfs_admin -L %s %s%s; or make one: "
				 "vtoy-stick create --for %s FILE", labels[0], c->root, path, iso);
		else
			snprintf(fix, sizeof(fix), "relabel it: %s %s%s %s; or make one: "
				 "vtoy-stick create --for %s FILE", relabel_tool(s->fstype), c->root,
				 path, labels[0], iso);
		problem(c, "problem", iso, path, what, fix);
	}
	if (layout == ROOT_LAYOUT_LIVE && s->inside && !s->conf_present) {
		fits = false;
		problem(c, "problem", iso, path,
			"has no persistence.conf: live-boot ignores a store without one",
			"add a persistence.conf holding \"/ union\" at its root (mount it, or make it "
			"again with vtoy-stick create --for ISO)");
	}
	return fits;
}

#define VENTOY_BACKENDS_SEEN 64

/* Whether the backend at path (in the entry's full list, before missing
 * ones were dropped) is one the ISO's boot takes. */
static bool chosen_fits(const struct check *c, const char *path, const bool *fits,
			const json_t *backends)
{
	const json_t *b;
	size_t i;

	(void)c;
	json_array_foreach(backends, i, b)
		if (!strcmp(json_string_value(b), path))
			return i >= VENTOY_BACKENDS_SEEN || fits[i];
	return true;
}

/* Ventoy's persistence plugin for one ISO, for each boot-mode key present.
 * Returns whether an entry applies to it. */
static bool ventoy_for_iso(struct check *c, const char *json, size_t len, const json_t *doc,
			   const char *iso, int layout, json_t *iso_j, json_t *decisions)
{
	json_t *entries = json_array();
	bool any = false;
	bool fits[VENTOY_BACKENDS_SEEN] = { 0 };

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
		else if (ch.chosen >= 0 && !chosen_fits(c, ch.backends[ch.chosen], fits, backends))
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
	char path[160], line[512];

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
		const struct store_inspect *s;

		snprintf(path, sizeof(path), "/%s", *labels);
		if (!(s = store_at(c, path)))
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
		 "at the stick's root (other partitions are not looked at): it boots without "
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
	struct check c = { .root = root, .opts = opts };
	json_t *vj = json_object(), *isos = json_array(), *iso_list = json_array();
	struct vjson doc = { 0 };
	char *json = NULL, why[512];
	size_t len = 0, i;
	json_t *p;
	int fd;

	c.root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.root_fd < 0) {
		int ret = -errno;

		json_decref(vj), json_decref(isos), json_decref(iso_list);
		return ret;
	}
	c.stores = json_array();
	c.problems = json_array();
	c.report = json_pack("{s:s, s:o, s:o, s:o, s:o}", "stick", root, "ventoy_json", vj, "isos",
			     isos, "stores", c.stores, "problems", c.problems);
	if (!c.report) {
		close(c.root_fd);
		return -ENOMEM;
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
		int layout;

		snprintf(file, sizeof(file), "%s%s", root, iso);
		why[0] = 0;
		layout = (opts && opts->iso_layout ? opts->iso_layout : stick_iso_layout)(file, why,
											     sizeof(why));
		iso_j = json_pack("{s:s, s:s*, s:s}", "path", iso,
				  "convention", layout >= 0 ? root_layout_name((enum root_layout)layout) : NULL,
				  "convention_how", why);
		json_array_append_new(isos, iso_j);
		if (!json)
			json_object_set_new(iso_j, "ventoy", json_array());
		if (!json || !ventoy_for_iso(&c, json, len, doc.root, iso, layout, iso_j, decisions))
			label_files(&c, iso, layout, iso_j, decisions);
		if (!json_array_size(decisions))
			json_array_append_new(decisions,
					      json_string(layout >= 0 ? "no store found for it: it boots without persistence"
								      : "its convention is not known: what the boot does cannot be told"));
		json_object_set_new(iso_j, "boot", decisions);
	}
	json_decref(iso_list);
	vjson_free(&doc);
	free(json);
	for (i = 0; i < c.store_count; i++)
		free(c.store_paths[i]);
	close(c.root_fd);
	json_object_set_new(c.report, "problem_count", json_integer((json_int_t)c.problem_count));
	*problems = c.problem_count;
	*report = c.report;
	return 0;
}
