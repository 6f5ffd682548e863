#include "stick_create.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/statvfs.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "persistence_conf.h"
#include "safepath.h"
#include "stick_check.h"
#include "stick_fill.h"
#include "store_inspect.h"
#include "store_space.h"
#include "vjson.h"

#define PARTIAL ".vtoy-stick-partial"
#define SPARE_BYTES (1024ULL * 1024) /* left free on the partition */
#define JSON_MAX (4 * 1024 * 1024)
#define XFS_MIN_BYTES (300ULL << 20) /* xfsprogs 5.19 and later */
#define LUKS_ROOM (16ULL << 20)      /* a LUKS2 header, as Ventoy's tool leaves */

const char *create_step_name(enum create_step step)
{
	static const char *const names[] = { "check", "write", "mkfs", "encrypt", "ventoy.json",
					     "commit", "done" };

	return step <= CREATE_STEP_DONE ? names[step] : "?";
}

struct create {
	const struct stick_create_opts *o;
	char root[PATH_MAX];        /* the stick's root */
	char file[PATH_MAX];        /* absolute */
	char in_stick[PATH_MAX];    /* "/persistence/x.dat" */
	char partial[PATH_MAX + 32];
	char json_path[PATH_MAX + 32], json_partial[PATH_MAX + 64], json_backup[PATH_MAX + 32];
	const char *label;
	const char *conf[CREATE_CONF_MAX];
	size_t conf_count;
	json_t *json;               /* ventoy.json as it will be, when --for */
	bool json_existed;
	bool partial_made;
	bool json_partial_made;
	char pass[512];             /* --encrypt's passphrase */
	bool store_placed;
	bool made_ventoy_dir;
};

static int fail(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(const char *file, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vtoy-stick: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int stick_parse_size(const char *text, unsigned long long *out)
{
	char *end;
	unsigned long long v, mult = 1;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || text[0] == '-')
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': mult = 1ULL << 10; end++; break;
	case 'M': case 'm': mult = 1ULL << 20; end++; break;
	case 'G': case 'g': mult = 1ULL << 30; end++; break;
	case 'T': case 't': mult = 1ULL << 40; end++; break;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	if (*end || !v || v > ULLONG_MAX / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

/* The stick's root above dir: the nearest directory holding ventoy/
 * (Ventoy's plugin directory), else the mount point (where st_dev changes). */
static int stick_root_of(const char *dir, char *out, size_t len)
{
	char path[PATH_MAX], parent[PATH_MAX + 8];
	struct stat st, pst;

	if (!realpath(dir, path) || stat(path, &st) < 0)
		return -errno;
	for (;;) {
		snprintf(parent, sizeof(parent), "%s/ventoy", path);
		if (!strcmp(path, "/") || (stat(parent, &pst) == 0 && S_ISDIR(pst.st_mode)))
			break;
		snprintf(parent, sizeof(parent), "%s/..", path);
		if (stat(parent, &pst) < 0 || pst.st_dev != st.st_dev)
			break;
		*strrchr(path, '/') = 0;
		if (!path[0])
			strcpy(path, "/");
	}
	snprintf(out, len, "%s", path);
	return 0;
}

static void conf_reject(int level, const char *msg, void *ctx)
{
	if (level <= VLOG_WARN) {
		fprintf(stderr, "vtoy-stick: --conf: %s\n", msg);
		(*(int *)ctx)++;
	}
}

/* The conf lines through the boot's parser: what it would reject is refused. */
static int check_conf(struct create *c)
{
	char text[CREATE_CONF_MAX * (PCONF_LINE_MAX + 1)] = "";
	struct pconf conf = { 0 };
	log_sink_fn prev;
	void *prev_ctx;
	int rejects = 0;

	for (size_t i = 0; i < c->conf_count; i++) {
		strncat(text, c->conf[i], PCONF_LINE_MAX);
		strcat(text, "\n");
	}
	log_get_sink(&prev, &prev_ctx);
	log_set_sink(conf_reject, &rejects);
	pconf_parse(text, strlen(text), "persistence.conf", &conf);
	log_set_sink(prev, prev_ctx);
	pconf_free(&conf);
	return rejects ? -EINVAL : 0;
}

static const char *const json_keys[] = { "persistence",     "persistence_legacy",
					 "persistence_uefi", "persistence_ia32",
					 "persistence_aa64", "persistence_mips" };

/* The store as one more backend of entry, unless it is listed already. */
static void add_backend(json_t *entry, const char *path)
{
	json_t *backend = json_object_get(entry, "backend"), *b;
	size_t i;

	if (json_is_string(backend)) {
		if (strcmp(json_string_value(backend), path))
			json_object_set_new(entry, "backend", json_pack("[O, s]", backend, path));
	} else if (json_is_array(backend)) {
		json_array_foreach(backend, i, b)
			if (json_is_string(b) && !strcmp(json_string_value(b), path))
				return;
		json_array_append_new(backend, json_string(path));
	} else {
		json_object_set_new(entry, "backend", json_string(path));
	}
}

/* ventoy.json with the store added to the ISO's persistence entries (or a
 * new entry), the rest kept as it was. */
static int plan_json(struct create *c)
{
	json_t *pers, *entry = NULL;
	bool found = false;
	json_error_t err;
	struct vjson doc = { 0 };
	size_t i;
	char *text;
	ssize_t n;
	int fd;

	if ((size_t)snprintf(c->json_path, sizeof(c->json_path), "%s/ventoy/ventoy.json", c->root) >=
		    sizeof(c->json_path) ||
	    (size_t)snprintf(c->json_partial, sizeof(c->json_partial), "%s" PARTIAL, c->json_path) >=
		    sizeof(c->json_partial) ||
	    (size_t)snprintf(c->json_backup, sizeof(c->json_backup), "%s.bak", c->json_path) >=
		    sizeof(c->json_backup))
		return fail(c->root, "path too long");
	fd = open(c->json_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return fail(c->json_path, "cannot be read: %s", strerror(errno));
	if (fd < 0) {
		c->json = json_object();
	} else {
		c->json_existed = true;
		text = malloc(JSON_MAX + 1);
		n = text ? read(fd, text, JSON_MAX + 1) : -1;
		close(fd);
		if (n < 0 || n > JSON_MAX) {
			free(text);
			return fail(c->json_path, "cannot be read (or is over 4 MiB)");
		}
		/* The boot's parser first, for its line and column. */
		if (vjson_parse(text, (size_t)n, &doc) < 0) {
			if (doc.line)
				fail(c->json_path, "line %u, column %u: %s; correct it first", doc.line,
				     doc.column, doc.error);
			else
				fail(c->json_path, "%s; correct it first", doc.error);
			free(text);
			return -1;
		}
		vjson_free(&doc);
		c->json = json_loadb(text, (size_t)n, JSON_REJECT_DUPLICATES, &err);
		free(text);
		if (!json_is_object(c->json))
			return fail(c->json_path, "is not a JSON object; correct it first");
	}
	/* The ISO's entry in "persistence" and in each per-boot-mode key
	 * ("persistence_uefi"...) that has one: Ventoy reads the latter in
	 * that mode. No entry anywhere: a new one in "persistence". */
	for (size_t m = 0; m < sizeof(json_keys) / sizeof(json_keys[0]); m++) {
		pers = json_object_get(c->json, json_keys[m]);
		if (!pers)
			continue;
		if (!json_is_array(pers))
			return fail(c->json_path, "\"%s\" is not an array; correct it first", json_keys[m]);
		json_array_foreach(pers, i, entry) {
			const char *image = json_string_value(json_object_get(entry, "image"));

			if (image && !strcmp(image, c->o->for_iso)) {
				add_backend(entry, c->in_stick);
				found = true;
			}
		}
	}
	if (!found) {
		pers = json_object_get(c->json, "persistence");
		if (!pers) {
			pers = json_array();
			json_object_set_new(c->json, "persistence", pers);
		}
		json_array_append_new(pers, json_pack("{s:s, s:s}", "image", c->o->for_iso, "backend",
						      c->in_stick));
	}
	return 0;
}

static int step_check(struct create *c)
{
	const struct stick_create_opts *o = c->o;
	char dir[PATH_MAX], real[PATH_MAX], base[PATH_MAX];
	struct iso_view view;
	struct statvfs sv;
	struct stat st;
	int layout = -1;
	size_t rl;

	if (strcmp(o->fstype, "ext4") && strcmp(o->fstype, "xfs"))
		return fail(o->file, "--fs %s: ext4 or xfs", o->fstype);
	snprintf(dir, sizeof(dir), "%s", o->file);
	snprintf(base, sizeof(base), "%s", basename(dir));
	snprintf(dir, sizeof(dir), "%s", o->file);
	if (!realpath(dirname(dir), real))
		return fail(o->file, "its directory: %s", strerror(errno));
	if ((size_t)snprintf(c->file, sizeof(c->file), "%s/%s", strcmp(real, "/") ? real : "", base) >=
	    sizeof(c->file))
		return fail(o->file, "path too long");
	if (lstat(c->file, &st) == 0)
		return fail(c->file, "already exists; vtoy-stick never overwrites a file");
	if (o->stick) {
		if (!realpath(o->stick, c->root))
			return fail(o->stick, "%s", strerror(errno));
	} else if (stick_root_of(real, c->root, sizeof(c->root)) < 0) {
		return fail(real, "cannot find the stick holding it");
	}
	rl = strlen(c->root);
	if (!strcmp(c->root, "/"))
		rl = 0;
	if (strncmp(c->file, c->root, rl) || c->file[rl] != '/')
		return fail(c->file, "is not on the stick at %s", c->root);
	snprintf(c->in_stick, sizeof(c->in_stick), "%s", c->file + rl);
	if (statvfs(real, &sv) < 0)
		return fail(real, "statvfs: %s", strerror(errno));
	if (sv.f_flag & ST_RDONLY)
		return fail(real, "is on a read-only mount; mount the stick read-write");
	if ((unsigned long long)sv.f_bavail * sv.f_frsize < o->size + SPARE_BYTES) {
		char a[32], b[32];

		return fail(c->file, "the partition has %s free; a %s store does not fit",
			    store_space_size((unsigned long long)sv.f_bavail * sv.f_frsize, a, sizeof(a)),
			    store_space_size(o->size, b, sizeof(b)));
	}
	if (o->label && !o->label[0])
		return fail(c->file, "an empty --label names no store: no convention looks for one");
	c->label = o->label;
	memcpy(c->conf, o->conf, sizeof(c->conf));
	c->conf_count = o->conf_count;
	if (o->for_iso) {
		char iso[PATH_MAX];
		int fd;

		if (o->for_iso[0] != '/' || safepath_check(o->for_iso) < 0)
			return fail(o->for_iso, "--for takes the ISO's path on the stick, from its root: "
						"/ISO/x.iso");
		fd = safepath_open_at(c->root, o->for_iso, O_RDONLY);
		if (fd < 0)
			return fail(o->for_iso, "is not on the stick at %s", c->root);
		close(fd);
		snprintf(iso, sizeof(iso), "%s%s", c->root, o->for_iso);
		layout = (o->iso_view ? o->iso_view : iso_view_read)(iso, &view);
		if (layout < 0 && !c->label)
			return fail(o->for_iso, "its convention cannot be told (%s); give --label", view.how);
		if (layout >= 0) {
			const char *const *labels = stick_store_labels((enum root_layout)layout);
			bool fits = !c->label;

			for (size_t i = 0; labels[i] && c->label; i++)
				fits |= !strcmp(c->label, labels[i]);
			if (!fits)
				return fail(o->for_iso, "is %s, which looks for a store labelled %s, not %s",
					    root_layout_name((enum root_layout)layout), labels[0], c->label);
			if (!c->label)
				c->label = labels[0];
			if (layout == ROOT_LAYOUT_LIVE && !c->conf_count)
				c->conf[c->conf_count++] = "/ union";
		}
	}
	if (!c->label)
		c->label = "casper-rw";
	/* live-boot ignores a store without persistence.conf: its label gets
	 * the default that --for gives live-boot ISOs. */
	if (!strcmp(c->label, "persistence") && !c->conf_count)
		c->conf[c->conf_count++] = "/ union";
	if (strlen(c->label) > (strcmp(o->fstype, "xfs") ? 16u : 12u))
		return fail(c->file, "label \"%s\" is too long for %s (%u bytes at most)", c->label,
			    o->fstype, strcmp(o->fstype, "xfs") ? 16u : 12u);
	if (!strcmp(o->fstype, "xfs") && o->size < XFS_MIN_BYTES)
		return fail(c->file, "mkfs.xfs makes no filesystem under 300 MiB; give --size 300M or "
				     "more, or --fs ext4");
	if (o->encrypt && strcmp(o->fstype, "ext4"))
		return fail(c->file, "--encrypt makes ext4 stores only");
	if (o->encrypt && o->size < 2 * LUKS_ROOM)
		return fail(c->file, "an encrypted store needs 32M at least (16M go to its LUKS header)");
	if (c->conf_count && check_conf(c) < 0)
		return fail(c->file, "the boot would reject that persistence.conf");
	snprintf(c->partial, sizeof(c->partial), "%s" PARTIAL, c->file);
	if (o->for_iso && plan_json(c) < 0)
		return -1;
	return 0;
}

/* Set by SIGINT, SIGTERM, SIGHUP while a store is made: the step running
 * stops, and undo() removes what was made. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Every block written (GRUB refuses sparse files), after fallocate has
 * asked the filesystem for the space in as few pieces as it has. */
static int step_write(struct create *c)
{
	int fd = open(c->partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), ret, frags;

	if (fd < 0 && errno == EEXIST)
		return fail(c->partial, "is there: left by an interrupted run, or another vtoy-stick "
					"is making this store; remove it when none runs");
	if (fd < 0)
		return fail(c->partial, "%s", strerror(errno));
	c->partial_made = true;
	/* exFAT through FUSE has no fallocate: the writes allocate then. */
	posix_fallocate(fd, 0, (off_t)c->o->size);
	ret = stick_fill(fd, 0, c->o->size, c->in_stick, c->o->progress, &interrupted);
	frags = ret < 0 ? 0 : store_fragments(fd);
	close(fd);
	if (ret < 0)
		return fail(c->file, "writing: %s", ret == -EINTR ? "interrupted" : strerror(-ret));
	if (frags > 1)
		fprintf(stderr, "vtoy-stick: %s: warning: the partition had no room for it in one piece: "
				"%d fragments\n", c->file, frags);
	return 0;
}

static int write_conf(struct create *c, const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return fail(path, "%s", strerror(errno));
	for (size_t i = 0; i < c->conf_count; i++)
		fprintf(f, "%s\n", c->conf[i]);
	return fclose(f) ? fail(path, "cannot be written") : 0;
}

/* The filesystem with its label and persistence.conf: mkfs.ext4 -d copies
 * a directory in; mkfs.xfs -p takes a prototype file naming it. */
static int step_mkfs(struct create *c)
{
	char dir[] = "/tmp/vtoy-stick-conf-XXXXXX", conf[64], proto[64], blocks[32];
	char *ext4[] = { "mkfs.ext4", "-q", "-F", "-L", (char *)c->label, "-E", "nodiscard",
			 "-d", dir, c->partial, NULL, NULL };
	char *xfs[] = { "mkfs.xfs", "-q", "-f", "-K", "-L", (char *)c->label, c->partial, NULL };
	bool is_xfs = !strcmp(c->o->fstype, "xfs");
	FILE *f;
	int ret = 0;

	/* Encrypted: the filesystem leaves room at the end for the LUKS
	 * header that reencrypt moves it behind. */
	if (c->o->encrypt) {
		snprintf(blocks, sizeof(blocks), "%lluk", (c->o->size - LUKS_ROOM) >> 10);
		ext4[10] = blocks;
	}
	if (!mkdtemp(dir))
		return fail(dir, "%s", strerror(errno));
	snprintf(conf, sizeof(conf), "%s/persistence.conf", dir);
	snprintf(proto, sizeof(proto), "%s.proto", dir);
	if (c->conf_count)
		ret = write_conf(c, conf);
	if (!ret && is_xfs && c->conf_count) {
		if ((f = fopen(proto, "we"))) {
			fprintf(f, "vtoy-stick\n0 0\nd--755 0 0\npersistence.conf ---644 0 0 %s\n$\n", conf);
			ret = fclose(f) ? -1 : 0;
		} else {
			ret = fail(proto, "%s", strerror(errno));
		}
	}
	if (!ret) {
		if (is_xfs && c->conf_count) {
			/* -p before the device name */
			char *argv[] = { "mkfs.xfs", "-q", "-f", "-K", "-L", (char *)c->label, "-p", proto,
					 c->partial, NULL };

			ret = stick_run(argv, true);
		} else {
			ret = stick_run(is_xfs ? xfs : ext4, true);
		}
		if (ret)
			ret = fail(c->file, "%s exited with %d", is_xfs ? "mkfs.xfs" : "mkfs.ext4", ret);
	}
	unlink(conf);
	unlink(proto);
	rmdir(dir);
	return ret;
}

/* As Ventoy's -e makes it: the whole file a LUKS container, the filesystem
 * with its label inside. Offline, so no device-mapper is needed. */
static int step_encrypt(struct create *c)
{
	char *argv[] = { "cryptsetup", "reencrypt", "--encrypt", "--type", "luks2",
			 "--reduce-device-size", "16M", "--key-file", "-", "--batch-mode",
			 c->partial, NULL };
	int ret = stick_run_input(argv, true, c->pass);

	return ret ? fail(c->file, "cryptsetup reencrypt --encrypt exited with %d", ret) : 0;
}

static int step_json(struct create *c)
{
	char dir[PATH_MAX + 16];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/ventoy", c->root);
	if (mkdir(dir, 0755) == 0)
		c->made_ventoy_dir = true;
	else if (errno != EEXIST)
		return fail(dir, "%s", strerror(errno));
	f = fopen(c->json_partial, "wxe");
	if (!f)
		return fail(c->json_partial, "%s", strerror(errno));
	c->json_partial_made = true;
	if (json_dumpf(c->json, f, JSON_INDENT(4) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', f) < 0 ||
	    fflush(f) || fsync(fileno(f)) < 0) {
		fclose(f);
		return fail(c->json_partial, "cannot be written");
	}
	return fclose(f) ? fail(c->json_partial, "cannot be written") : 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return -errno;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (fsync(out) < 0 || n < 0) {
		close(out);
		return -EIO;
	}
	return close(out);
}

static int step_commit(struct create *c)
{
	struct stat st;
	int ret = renameat2(AT_FDCWD, c->partial, AT_FDCWD, c->file, RENAME_NOREPLACE);

	/* exFAT through FUSE has no RENAME_NOREPLACE: look, then rename. */
	if (ret < 0 && errno == EINVAL) {
		if (lstat(c->file, &st) == 0)
			return fail(c->file, "appeared while the store was made; left as it is");
		ret = rename(c->partial, c->file);
	}
	if (ret < 0)
		return fail(c->file, "renaming the finished store into place: %s", strerror(errno));
	c->store_placed = true;
	c->partial_made = false;
	if (!c->json)
		return 0;
	if (c->json_existed && copy_file(c->json_path, c->json_backup) < 0)
		return fail(c->json_backup, "the backup cannot be written");
	if (rename(c->json_partial, c->json_path) < 0)
		return fail(c->json_path, "%s", strerror(errno));
	return 0;
}

/* Leaves nothing behind of a failed run. */
static void undo(struct create *c, enum create_step failed)
{
	(void)failed;
	if (c->partial_made)
		unlink(c->partial);
	if (c->json_partial_made)
		unlink(c->json_partial);
	/* Placed but ventoy.json not: the store goes too, the stick as it was. */
	if (c->store_placed)
		unlink(c->file);
	if (c->made_ventoy_dir) {
		char dir[PATH_MAX + 16];

		snprintf(dir, sizeof(dir), "%s/ventoy", c->root);
		rmdir(dir);
	}
}

enum create_step stick_create(const struct stick_create_opts *o)
{
	static int (*const steps[])(struct create *) = { step_check, step_write, step_mkfs,
							 step_encrypt, step_json, step_commit };
	struct sigaction sa = { .sa_handler = on_signal }, old[3];
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct create c = { .o = o };
	enum create_step s;

	interrupted = 0;
	for (size_t i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	for (s = CREATE_STEP_CHECK; s < CREATE_STEP_DONE; s++) {
		if ((s == CREATE_STEP_JSON && !c.json) || (s == CREATE_STEP_ENCRYPT && !o->encrypt))
			continue;
		if (s == CREATE_STEP_WRITE && o->encrypt &&
		    (!o->ask_passphrase || o->ask_passphrase(c.file, c.pass, sizeof(c.pass)) < 0)) {
			s = CREATE_STEP_CHECK;
			break;
		}
		if (steps[s](&c) < 0 || interrupted) {
			if (interrupted)
				fprintf(stderr, "vtoy-stick: %s: interrupted; removing what was made\n",
					c.file[0] ? c.file : o->file);
			undo(&c, s);
			break;
		}
	}
	for (size_t i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (s == CREATE_STEP_DONE) {
		char size[32];

		printf("made %s: %s, label \"%s\", %s%s%s\n", c.in_stick, o->fstype, c.label,
		       store_space_size(o->size, size, sizeof(size)),
		       c.conf_count ? ", with persistence.conf" : "",
		       o->encrypt ? ", inside LUKS2" : "");
		if (c.json)
			printf("ventoy/ventoy.json now offers %s for %s%s\n", c.in_stick, o->for_iso,
			       c.json_existed ? " (the old file is ventoy.json.bak)" : "");
		else
			printf("ventoy/ventoy.json is left as it was (no --for): Ventoy's menu offers "
			       "the store only once an entry names it; vtoy-stick check shows which "
			       "ISOs would use it\n");
	}
	json_decref(c.json);
	explicit_bzero(c.pass, sizeof(c.pass));
	return s;
}

/* The passphrase: asked twice on the terminal with echo off; from a pipe
 * (scripts, tests), its first line. */
static int read_passphrase(const char *file, char *out, size_t len)
{
	char again[512];
	struct termios old, quiet;
	FILE *tty = isatty(0) ? fopen("/dev/tty", "r+e") : NULL;
	FILE *in = tty ? tty : stdin;
	bool ok;

	if (tty) {
		tcgetattr(fileno(tty), &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
		fprintf(tty, "Passphrase for %s: ", file);
		fflush(tty);
	}
	ok = fgets(out, (int)len, in) != NULL;
	if (ok && tty) {
		fprintf(tty, "\nThe same again: ");
		fflush(tty);
		ok = fgets(again, sizeof(again), tty) != NULL && !strcmp(again, out);
		explicit_bzero(again, sizeof(again));
		if (!ok)
			fprintf(stderr, "\nvtoy-stick: the two passphrases differ");
	}
	if (tty) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputc('\n', tty);
		fclose(tty);
	}
	if (ok)
		out[strcspn(out, "\n")] = 0;
	if (!ok || !out[0]) {
		fprintf(stderr, "vtoy-stick: no passphrase; nothing was made\n");
		return -1;
	}
	return 0;
}

int stick_create_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 's' }, { "fs", required_argument, NULL, 'f' },
		{ "label", required_argument, NULL, 'L' }, { "conf", required_argument, NULL, 'c' },
		{ "for", required_argument, NULL, 'F' }, { "stick", required_argument, NULL, 'S' },
		{ "encrypt", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
	};
	struct stick_create_opts o = { .size = 1ULL << 30, .fstype = "ext4",
				       .progress = isatty(2) };
	bool encrypt = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "s:f:L:c:F:S:eh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (stick_parse_size(optarg, &o.size) < 0) {
				fprintf(stderr, "vtoy-stick: --size %s: a size such as 512M or 4G\n", optarg);
				return 2;
			}
			break;
		case 'f': o.fstype = optarg; break;
		case 'L': o.label = optarg; break;
		case 'c':
			if (o.conf_count >= CREATE_CONF_MAX) {
				fprintf(stderr, "vtoy-stick: at most %d --conf lines\n", CREATE_CONF_MAX);
				return 2;
			}
			o.conf[o.conf_count++] = optarg;
			break;
		case 'F': o.for_iso = optarg; break;
		case 'S': o.stick = optarg; break;
		case 'e': encrypt = true; break;
		case 'h':
			printf("Usage: vtoy-stick create [--size SIZE] [--fs ext4|xfs] [--label LABEL]\n"
			       "         [--conf LINE]... [--for ISO] [--encrypt] [--stick PATH] FILE\n"
			       "See vtoy-stick --help and vtoy-stick(8).\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "vtoy-stick create: name one FILE to make (vtoy-stick create --help)\n");
		return 2;
	}
	o.file = argv[optind];
	o.encrypt = encrypt;
	o.ask_passphrase = read_passphrase;
	return stick_create(&o) == CREATE_STEP_DONE ? 0 : 2;
}
