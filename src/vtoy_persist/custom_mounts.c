#include "custom_mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_tree.h"
#include "log.h"
#include "mnt.h"
#include "overlay.h"
#include "paths.h"
#include "safepath.h"
#include "store_dirs.h"

#define LOWERDIR_MAX 4096

/* live-boot mounts every custom union with these. */
static const struct overlay_opts union_opts = { .redirect_dir = true, .noatime = true };

struct cm_state {
	const struct custom_mounts_ctx *ctx;
	struct kvlist *report;
	int root_fd;
	int store_fd;
	unsigned index; /* numbers the read-only scratch directories */
	char reason[PATH_MAX + 512];
};

bool custom_mount_entry(const struct pconf_entry *e)
{
	return strcmp(e->dest, "/") != 0 || e->method != PCONF_UNION;
}

bool custom_mounts_any(const struct pconf *conf)
{
	for (size_t i = 0; i < conf->count; i++)
		if (custom_mount_entry(&conf->items[i]))
			return true;
	return false;
}

static const char *source_name(const struct pconf_entry *e)
{
	return *e->source ? e->source : ".";
}

/* base/rel, or base when rel is "" (the store root). */
static int join(char *buf, size_t len, const char *base, const char *rel)
{
	if ((size_t)snprintf(buf, len, "%s%s%s", base, *rel ? "/" : "", rel) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* The kernel resolves this name to the very directory fd refers to: no
 * second path lookup for a symlink to be swapped into. */
static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* live-boot gives directories it creates under /home/USER to the first
 * user (uid 1000), who is usually the live user. */
static void home_owner(int dir_fd, const char *path, void *arg)
{
	(void)arg;
	if (!strncmp(path, "home/", 5) && path[5] && path[5] != '/' &&
	    fchownat(dir_fd, "", 1000, 1000, AT_EMPTY_PATH) < 0)
		log_warn("cannot give /%s to uid 1000: %s", path, strerror(errno));
}

static int mkdirs_error(int ret, const char *what, char *reason, size_t len)
{
	if (ret == -ENOTDIR)
		snprintf(reason, len, "%s: a file is in the way (not removed)", what);
	else if (ret == -EXDEV)
		snprintf(reason, len, "%s: a symlink leads out of it", what);
	else
		snprintf(reason, len, "%s: %s", what, strerror(-ret));
	return ret;
}

/* The destination inside the new root, created when missing. */
static int open_dest(struct cm_state *st, const struct pconf_entry *e)
{
	struct statx stx;
	int fd;

	fd = tree_mkdirs(st->root_fd, e->dest, true, home_owner, NULL);
	if (fd < 0)
		return mkdirs_error(fd, "the destination in the live root", st->reason,
				    sizeof(st->reason));
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) == 0 &&
	    (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	    (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
		snprintf(st->reason, sizeof(st->reason), "something is already mounted there");
		close(fd);
		return -EBUSY;
	}
	return fd;
}

/* Owner and mode of ref onto the directory fd (O_PATH). */
static int same_owner_mode(int fd, int ref)
{
	struct stat st;
	int rw, ret = 0;

	if (fstat(ref, &st) < 0)
		return -errno;
	rw = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rw < 0)
		return -errno;
	if (fchown(rw, st.st_uid, st.st_gid) < 0 || fchmod(rw, st.st_mode & 07777) < 0)
		ret = -errno;
	close(rw);
	return ret;
}

/* bind with a missing source: DIR's contents, as the new root has them,
 * are copied in first. */
static int bootstrap_copy(struct cm_state *st, const struct pconf_entry *e, int dest_fd)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(e->source, '/');
	int parent_fd, ret;

	snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - e->source) : 0, e->source);
	parent_fd = *parent ? tree_mkdirs(st->store_fd, parent, false, NULL, NULL)
			    : openat(st->store_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (parent_fd < 0)
		return mkdirs_error(parent_fd, "the source's parent on the store", st->reason,
				    sizeof(st->reason));
	log_info("%s:%u: %s is not on the store yet: copying %s of the live root there first",
		 st->ctx->conf_name, e->line, source_name(e), e->dest);
	ret = tree_copy(dest_fd, parent_fd, slash ? slash + 1 : e->source);
	close(parent_fd);
	if (ret < 0)
		snprintf(st->reason, sizeof(st->reason), "copying %s to the store failed: %s",
			 e->dest, strerror(-ret));
	return ret;
}

/* The source directory on the store; created when missing (read-write
 * stores only), as live-boot does. */
static int open_source(struct cm_state *st, const struct pconf_entry *e, int dest_fd)
{
	int fd, ret;

	if (!*e->source)
		return openat(st->store_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = safepath_open(st->store_fd, e->source, O_PATH | O_DIRECTORY);
	if (fd >= 0 || fd != -ENOENT) {
		if (fd < 0)
			mkdirs_error(fd, "the source on the store", st->reason, sizeof(st->reason));
		return fd;
	}
	if (st->ctx->read_only) {
		snprintf(st->reason, sizeof(st->reason),
			 "its source %s is not on the read-only store", e->source);
		return fd;
	}
	if (e->method == PCONF_BIND) {
		ret = bootstrap_copy(st, e, dest_fd);
		if (ret < 0)
			return ret;
		fd = safepath_open(st->store_fd, e->source, O_PATH | O_DIRECTORY);
		if (fd < 0)
			mkdirs_error(fd, "the source on the store", st->reason, sizeof(st->reason));
		return fd;
	}
	/* union and link: an empty directory with DIR's owner and mode */
	fd = tree_mkdirs(st->store_fd, e->source, false, NULL, NULL);
	if (fd < 0)
		return mkdirs_error(fd, "the source on the store", st->reason, sizeof(st->reason));
	ret = same_owner_mode(fd, dest_fd);
	if (ret < 0)
		log_warn("%s:%u: cannot give %s the owner and mode of %s: %s", st->ctx->conf_name,
			 e->line, e->source, e->dest, strerror(-ret));
	log_info("%s:%u: created %s on the store for %s", st->ctx->conf_name, e->line, e->source,
		 e->dest);
	return fd;
}

/* Appends ":DIR" (or "DIR") to lowers; -E2BIG when it does not fit. */
static int add_lower(char *lowers, size_t len, const char *dir)
{
	size_t used = strlen(lowers);
	int n = snprintf(lowers + used, len - used, "%s%s", used ? ":" : "", dir);

	if (n < 0 || (size_t)n >= len - used) {
		lowers[used] = '\0';
		return -E2BIG;
	}
	return 0;
}

/* DIR inside each root image, top image first, when it is a directory
 * there (reached without leaving the image). live-boot panics when no image
 * has it; an empty directory stands in instead. */
static int image_lowers(struct cm_state *st, const char *dest, char *lowers, size_t len)
{
	char list[LOWERDIR_MAX], *save = NULL, empty[PATH_MAX];
	size_t before = strlen(lowers);
	int ret;

	snprintf(list, sizeof(list), "%s", st->ctx->lowerdir);
	for (char *img = strtok_r(list, ":", &save); img; img = strtok_r(NULL, ":", &save)) {
		int img_fd = open(img, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -ENOENT;
		char dir[PATH_MAX];

		if (img_fd >= 0) {
			fd = safepath_open(img_fd, dest, O_PATH | O_DIRECTORY);
			close(img_fd);
		}
		if (fd < 0) {
			log_debug("%s has no directory %s to show under the union", img, dest);
			continue;
		}
		close(fd);
		snprintf(dir, sizeof(dir), "%s%s", img, dest);
		if ((ret = add_lower(lowers, len, dir)) < 0)
			return ret;
	}
	if (strlen(lowers) > before)
		return 0;
	run_path(empty, sizeof(empty), st->ctx->run_dir, RUN_EMPTY_LOWER, NULL);
	ret = mkdir_p(empty, 0755);
	if (ret < 0)
		return ret;
	log_info("no root image has %s: the union starts from an empty directory (live-boot "
		 "stops the boot here)", dest);
	return add_lower(lowers, len, empty);
}

/* A tmpfs directory for the changes of one entry of a read-only store. */
static int scratch_dirs(struct cm_state *st, char *upper, char *work, char *merged, size_t len)
{
	char base[PATH_MAX], name[32];
	int ret;

	snprintf(name, sizeof(name), "custom/%u", st->index++);
	if (run_path(base, sizeof(base), st->ctx->run_dir, RUN_TMPFS, name) < 0 ||
	    join(merged, len, base, "merged") < 0)
		return -ENAMETOOLONG;
	if ((ret = mkdir_p(merged, 0755)) < 0)
		return ret;
	return store_dirs(base, "upper", "work", true, upper, work, len);
}

static int mount_overlay(struct cm_state *st, const char *target, const char *lowers,
			 const char *upper, const char *work)
{
	int ret = overlay_mount(target, lowers, upper, work, &union_opts);

	if (ret < 0)
		snprintf(st->reason, sizeof(st->reason), "overlay mount failed: %s",
			 strerror(-ret));
	return ret;
}

static int activate_union(struct cm_state *st, const struct pconf_entry *e, int dest_fd)
{
	char lowers[LOWERDIR_MAX] = "", rel[PATH_MAX + 8], rel_work[PATH_MAX + 8];
	char upper[PATH_MAX], work[PATH_MAX];
	char merged[PATH_MAX], target[64], rw[PATH_MAX];
	const char *sep = *e->source ? "/" : "";
	int ret;

	fd_path(dest_fd, target, sizeof(target));
	snprintf(rel, sizeof(rel), "%s%srw", e->source, sep);
	snprintf(rel_work, sizeof(rel_work), "%s%swork", e->source, sep);
	if (!st->ctx->read_only) {
		ret = store_dirs(st->ctx->store_mount, rel, rel_work, true, upper, work,
				 sizeof(upper));
		if (ret < 0)
			return mkdirs_error(ret, "rw/ or work/ of the source", st->reason,
					    sizeof(st->reason));
	} else {
		/* The store's changes become the top read-only layer. */
		if (store_dirs(st->ctx->store_mount, rel, rel_work, false, rw, work, sizeof(rw)) == 0 &&
		    (ret = add_lower(lowers, sizeof(lowers), rw)) < 0)
			return ret;
		ret = scratch_dirs(st, upper, work, merged, sizeof(upper));
		if (ret < 0)
			return mkdirs_error(ret, "the tmpfs for changes", st->reason,
					    sizeof(st->reason));
	}
	ret = image_lowers(st, e->dest, lowers, sizeof(lowers));
	if (ret < 0) {
		snprintf(st->reason, sizeof(st->reason), "the lower layers: %s", strerror(-ret));
		return ret;
	}
	return mount_overlay(st, target, lowers, upper, work);
}

static int activate_bind(struct cm_state *st, const struct pconf_entry *e, int dest_fd,
			 int src_fd)
{
	char target[64], upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
	char lower[PATH_MAX];
	int ret;

	fd_path(dest_fd, target, sizeof(target));
	if (!st->ctx->read_only) {
		ret = mount_bind_fds(src_fd, dest_fd);
		if (ret < 0)
			snprintf(st->reason, sizeof(st->reason), "bind mount failed: %s",
				 strerror(-ret));
		return ret;
	}
	ret = scratch_dirs(st, upper, work, merged, sizeof(upper));
	if (ret < 0)
		return mkdirs_error(ret, "the tmpfs for changes", st->reason, sizeof(st->reason));
	if (join(lower, sizeof(lower), st->ctx->store_mount, e->source) < 0)
		return -ENAMETOOLONG;
	return mount_overlay(st, target, lower, upper, work);
}

static int activate_link(struct cm_state *st, const struct pconf_entry *e, int dest_fd,
			 int src_fd)
{
	char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX], from[PATH_MAX];
	struct tree_link_stats stats;
	int dest_rw, from_fd, ret;

	if (join(from, sizeof(from), st->ctx->store_mount, e->source) < 0)
		return -ENAMETOOLONG;
	from_fd = openat(src_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->ctx->read_only && from_fd >= 0) {
		/* Writable files behind the links: the source under a tmpfs. */
		close(from_fd);
		from_fd = -1;
		ret = scratch_dirs(st, upper, work, merged, sizeof(upper));
		if (ret < 0)
			return mkdirs_error(ret, "the tmpfs for changes", st->reason,
					    sizeof(st->reason));
		ret = mount_overlay(st, merged, from, upper, work);
		if (ret < 0)
			return ret;
		snprintf(from, sizeof(from), "%s", merged);
		from_fd = open(merged, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	dest_rw = openat(dest_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (from_fd < 0 || dest_rw < 0) {
		ret = -errno;
		snprintf(st->reason, sizeof(st->reason), "cannot open the directories: %s",
			 strerror(-ret));
	} else {
		ret = tree_link(from_fd, from, dest_rw, &stats);
		if (ret < 0)
			snprintf(st->reason, sizeof(st->reason), "linking failed part way: %s",
				 strerror(-ret));
		else
			log_info("%s:%u: %u symlinks made in %s%s", st->ctx->conf_name, e->line,
				 stats.links, e->dest,
				 stats.skipped ? " (some entries were in the way, see above)" : "");
	}
	if (from_fd >= 0)
		close(from_fd);
	if (dest_rw >= 0)
		close(dest_rw);
	return ret;
}

static int activate_one(struct cm_state *st, const struct pconf_entry *e)
{
	int dest_fd, src_fd = -1, ret;

	st->reason[0] = '\0';
	if (!strcmp(e->dest, "/")) {
		snprintf(st->reason, sizeof(st->reason), "only '/ union' may cover the whole root");
		return -EINVAL;
	}
	/* The path becomes part of the overlay's lowerdir= and upperdir=. */
	if (e->method == PCONF_UNION && (strpbrk(e->dest, ":,\\") || strchr(e->source, ','))) {
		snprintf(st->reason, sizeof(st->reason),
			 "a union's directory cannot hold ':', ',' or '\\'");
		return -EINVAL;
	}
	dest_fd = open_dest(st, e);
	if (dest_fd < 0)
		return dest_fd;
	src_fd = open_source(st, e, dest_fd);
	if (src_fd < 0) {
		close(dest_fd);
		return src_fd;
	}
	switch (e->method) {
	case PCONF_BIND: ret = activate_bind(st, e, dest_fd, src_fd); break;
	case PCONF_UNION: ret = activate_union(st, e, dest_fd); break;
	case PCONF_LINK: ret = activate_link(st, e, dest_fd, src_fd); break;
	default: ret = -EINVAL; break;
	}
	close(src_fd);
	close(dest_fd);
	return ret;
}

static void run_entry(struct cm_state *st, const struct pconf_entry *e, int *done)
{
	char line[PATH_MAX * 3];
	int ret = activate_one(st, e);

	if (ret < 0) {
		log_warn("%s:%u: '%s %s' refused: %s; %s is not persistent", st->ctx->conf_name,
			 e->line, e->dest, pconf_method_name(e->method),
			 *st->reason ? st->reason : strerror(-ret), e->dest);
		snprintf(line, sizeof(line), "%s: %s", e->dest,
			 *st->reason ? st->reason : strerror(-ret));
		kvlist_put(st->report, "VTOY_CUSTOM_MOUNT_REFUSED", line);
		return;
	}
	log_notice("custom mount %s: %s of %s on the store%s", e->dest,
		   pconf_method_name(e->method), source_name(e),
		   st->ctx->read_only ? " (read-only store: changes go to a tmpfs)" : "");
	snprintf(line, sizeof(line), "%s %s %s", e->dest, pconf_method_name(e->method),
		 source_name(e));
	kvlist_put(st->report, "VTOY_CUSTOM_MOUNT", line);
	(*done)++;
}

int custom_mounts_activate(const struct pconf *conf, const struct custom_mounts_ctx *ctx,
			   struct kvlist *report)
{
	struct cm_state st = { .ctx = ctx, .report = report };
	int done = 0;

	st.root_fd = open(ctx->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (st.root_fd < 0)
		return -errno;
	st.store_fd = open(ctx->store_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (st.store_fd < 0) {
		int ret = -errno;

		close(st.root_fd);
		return ret;
	}
	/* Mounts first, in destination order so that none hides another, then
	 * links, so that no mount hides them (live-boot's order). */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < conf->count; i++) {
			const struct pconf_entry *e = &conf->items[i];

			if (custom_mount_entry(e) && (e->method == PCONF_LINK) == (pass == 1))
				run_entry(&st, e, &done);
		}
	close(st.store_fd);
	close(st.root_fd);
	return done;
}
