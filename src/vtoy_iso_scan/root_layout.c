#include "root_layout.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "safepath.h"

#define MODULE_FILE_MAX 65536

const char *root_layout_name(enum root_layout layout)
{
	switch (layout) {
	case ROOT_LAYOUT_CASPER: return "casper";
	case ROOT_LAYOUT_LIVE: return "live-boot";
	case ROOT_LAYOUT_DRACUT: return "dracut";
	case ROOT_LAYOUT_ARCHISO: return "archiso";
	}
	return "?";
}

static void say(bool quiet, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(bool quiet, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (quiet)
		log_debug("%s", line);
	else
		log_err("%s", line);
}

static bool is_file(int dir_fd, const char *name)
{
	struct stat st;
	int fd = safepath_open(dir_fd, name, O_RDONLY);
	bool ok;

	if (fd < 0)
		return false;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return ok;
}

static int add_file(struct root_plan *plan, const char *name)
{
	if (plan->count == ROOT_IMAGES_MAX) {
		log_warn("more than %d root images in %s/; ignoring %s", ROOT_IMAGES_MAX, plan->dir,
			 name);
		return -E2BIG;
	}
	if ((size_t)snprintf(plan->files[plan->count], ROOT_NAME_MAX, "%s", name) >= ROOT_NAME_MAX)
		return -ENAMETOOLONG;
	plan->count++;
	return 0;
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcmp(name + n - s, suffix) == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Every *.squashfs, alphabetically: casper's and live-boot's default. */
static int plan_all_squashfs(int dir_fd, struct root_plan *plan)
{
	int fd = dup(dir_fd);
	struct dirent *de;
	DIR *dir;

	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	rewinddir(dir);
	while ((de = readdir(dir)))
		if (has_suffix(de->d_name, ".squashfs") && strlen(de->d_name) < ROOT_NAME_MAX &&
		    is_file(dir_fd, de->d_name))
			add_file(plan, de->d_name);
	closedir(dir);
	qsort(plan->files, plan->count, sizeof(plan->files[0]), by_name);
	snprintf(plan->how, sizeof(plan->how), "every *.squashfs, alphabetically");
	return plan->count ? 0 : -ENOENT;
}

/* casper's layerfs-path=a.b.c.squashfs: a.squashfs, a.b.squashfs, then
 * a.b.c.squashfs on top. Each ancestor must be there. */
static int plan_layerfs(int dir_fd, const char *leaf, bool quiet, struct root_plan *plan)
{
	char name[ROOT_NAME_MAX + 16];
	size_t stem_len;

	if (!has_suffix(leaf, ".squashfs") || strchr(leaf, '/')) {
		say(quiet, "layerfs-path=%s must name a *.squashfs file in %s/", leaf, plan->dir);
		return -EINVAL;
	}
	stem_len = strlen(leaf) - strlen(".squashfs");
	for (size_t i = 1; i <= stem_len; i++) {
		if (i < stem_len && leaf[i] != '.')
			continue;
		snprintf(name, sizeof(name), "%.*s.squashfs", (int)i, leaf);
		if (!is_file(dir_fd, name)) {
			say(quiet, "layerfs-path=%s: layer %s/%s is missing; the layers of this "
				   "image cannot be stacked without it", leaf, plan->dir, name);
			return -ENOENT;
		}
		if (add_file(plan, name) < 0)
			return -E2BIG;
	}
	snprintf(plan->how, sizeof(plan->how), "layerfs-path=%s, %zu layer(s)", leaf, plan->count);
	return 0;
}

/* live-boot's module files: NAME.module (or filesystem.NAME.module) lists
 * the images bottom first. Returns -ENOENT when there is no such file. */
static int plan_module(int dir_fd, const char *module, struct root_plan *plan)
{
	char file[ROOT_NAME_MAX], *text, *save = NULL;
	ssize_t n;
	int fd;

	snprintf(file, sizeof(file), "filesystem.%s.module", module);
	fd = safepath_open(dir_fd, file, O_RDONLY);
	if (fd < 0) {
		snprintf(file, sizeof(file), "%s.module", module);
		fd = safepath_open(dir_fd, file, O_RDONLY);
	}
	if (fd < 0)
		return -ENOENT;
	text = malloc(MODULE_FILE_MAX + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, text, MODULE_FILE_MAX + 1);
	close(fd);
	if (n < 0 || n > MODULE_FILE_MAX) {
		log_warn("%s/%s: %s; ignored", plan->dir, file,
			 n < 0 ? strerror(errno) : "too large");
		free(text);
		return -ENOENT;
	}
	text[n] = '\0';
	for (char *name = strtok_r(text, " \t\r\n", &save); name;
	     name = strtok_r(NULL, " \t\r\n", &save)) {
		if (strchr(name, '/') || safepath_check(name) < 0)
			log_warn("%s/%s: '%s' is not a file name in %s/; skipped", plan->dir, file,
				 name, plan->dir);
		else if (!is_file(dir_fd, name))
			log_warn("%s/%s lists %s, which is not in %s/; skipped (as live-boot does)",
				 plan->dir, file, name, plan->dir);
		else
			add_file(plan, name);
	}
	free(text);
	snprintf(plan->how, sizeof(plan->how), "listed in %s", file);
	if (plan->count == 0) {
		log_err("%s/%s names no image that exists", plan->dir, file);
		return -ENOENT;
	}
	return 0;
}

static int plan_squashfs_dir(int dir_fd, const struct root_layout_opts *opts, bool quiet,
			     struct root_plan *plan)
{
	int ret;

	if (opts->layerfs_path)
		return plan_layerfs(dir_fd, opts->layerfs_path, quiet, plan);
	if (plan->layout == ROOT_LAYOUT_LIVE || opts->module) {
		ret = plan_module(dir_fd, opts->module ? opts->module : "filesystem", plan);
		if (ret != -ENOENT)
			return ret;
		if (opts->module)
			log_info("module=%s: no %s.module in %s/; using every image", opts->module,
				 opts->module, plan->dir);
	}
	ret = plan_all_squashfs(dir_fd, plan);
	if (ret == -ENOENT)
		say(quiet, "no *.squashfs image in %s/ of the medium", plan->dir);
	return ret;
}

/* dracut: the squashfs image (which may hold LiveOS/rootfs.img: the mount
 * step looks), else a bare rootfs.img. */
static int plan_dracut(int dir_fd, const struct root_layout_opts *opts, bool quiet,
		       struct root_plan *plan)
{
	const char *squashimg = opts->squashimg ? opts->squashimg : "squashfs.img";

	if (is_file(dir_fd, squashimg))
		add_file(plan, squashimg);
	else if (!opts->squashimg && is_file(dir_fd, "rootfs.img"))
		add_file(plan, "rootfs.img");
	if (plan->count == 0) {
		say(quiet, "%s/%s is not on the medium%s", plan->dir, squashimg,
		    opts->squashimg ? " (check rd.live.squashimg=)" : "");
		return -ENOENT;
	}
	snprintf(plan->how, sizeof(plan->how), "dracut's %s", plan->files[0]);
	return 0;
}

static int plan_archiso(int dir_fd, bool quiet, struct root_plan *plan)
{
	static const char *const images[] = { "x86_64/airootfs.sfs", "x86_64/airootfs.erofs" };

	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		if (is_file(dir_fd, images[i])) {
			add_file(plan, images[i]);
			snprintf(plan->how, sizeof(plan->how), "archiso's %s", images[i]);
			return 0;
		}
	say(quiet, "%s/x86_64/ holds neither airootfs.sfs nor airootfs.erofs", plan->dir);
	return -ENOENT;
}

/* What a directory holds, when live-media-path= (or its kin) names it. */
static enum root_layout layout_of(int dir_fd, const char *dir, const struct root_layout_opts *o)
{
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;

	if (is_file(dir_fd, "x86_64/airootfs.sfs") || is_file(dir_fd, "x86_64/airootfs.erofs"))
		return ROOT_LAYOUT_ARCHISO;
	if (is_file(dir_fd, o->squashimg ? o->squashimg : "squashfs.img") ||
	    is_file(dir_fd, "rootfs.img"))
		return ROOT_LAYOUT_DRACUT;
	if (o->layerfs_path || !strcmp(base, "casper"))
		return ROOT_LAYOUT_CASPER;
	return ROOT_LAYOUT_LIVE;
}

/* layout NULL: decide from what the directory holds. */
static int plan_in(int medium_fd, const char *dir, const enum root_layout *layout,
		   const struct root_layout_opts *opts, bool quiet, struct root_plan *plan)
{
	int dir_fd, ret;

	plan->count = 0;
	plan->how[0] = '\0';
	snprintf(plan->dir, sizeof(plan->dir), "%s", dir);
	dir_fd = safepath_open(medium_fd, dir, O_RDONLY | O_DIRECTORY);
	if (dir_fd < 0)
		return dir_fd;
	plan->layout = layout ? *layout : layout_of(dir_fd, dir, opts);
	switch (plan->layout) {
	case ROOT_LAYOUT_DRACUT: ret = plan_dracut(dir_fd, opts, quiet, plan); break;
	case ROOT_LAYOUT_ARCHISO: ret = plan_archiso(dir_fd, quiet, plan); break;
	default: ret = plan_squashfs_dir(dir_fd, opts, quiet, plan); break;
	}
	close(dir_fd);
	return ret;
}

int root_layout_plan(int medium_fd, const struct root_layout_opts *opts, bool quiet,
		     struct root_plan *plan)
{
	static const struct {
		const char *dir;
		enum root_layout layout;
	} known[] = {
		{ "casper", ROOT_LAYOUT_CASPER },
		{ "live", ROOT_LAYOUT_LIVE },
		{ "LiveOS", ROOT_LAYOUT_DRACUT },
		{ "arch", ROOT_LAYOUT_ARCHISO },
	};

	memset(plan, 0, sizeof(*plan));
	if (opts->media_path) {
		int fd = safepath_open(medium_fd, opts->media_path, O_RDONLY | O_DIRECTORY);

		if (fd < 0) {
			say(quiet, "image directory %s/ of the medium: %s (check live-media-path=, "
				   "rd.live.dir= or archisobasedir=)", opts->media_path, strerror(-fd));
			return fd;
		}
		close(fd);
		return plan_in(medium_fd, opts->media_path, NULL, opts, quiet, plan);
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int fd = safepath_open(medium_fd, known[i].dir, O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			continue;
		close(fd);
		return plan_in(medium_fd, known[i].dir, &known[i].layout, opts, quiet, plan);
	}
	say(quiet, "the medium has no casper/ (Ubuntu), live/ (Debian), LiveOS/ (Fedora) or arch/ "
		   "(Arch) directory; name the image directory with live-media-path=");
	return -ENOENT;
}
