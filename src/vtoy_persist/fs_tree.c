#include "fs_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "log.h"
#include "safepath.h"

#define TREE_DEPTH_MAX 128

static int resolve(int top_fd, const char *rel, bool in_root, int flags)
{
	return in_root ? safepath_open_in_root(top_fd, rel, flags)
		       : safepath_open(top_fd, rel, flags);
}

int tree_mkdirs(int top_fd, const char *rel, bool in_root, tree_created_fn created, void *arg)
{
	char prefix[PATH_MAX] = "";
	size_t used = 0;
	int cur, ret;

	if (strlen(rel) >= sizeof(prefix))
		return -ENAMETOOLONG;
	cur = openat(top_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return -errno;
	for (const char *p = rel; *p;) {
		const char *name = prefix + used + (used ? 1 : 0);
		size_t n;
		int next;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		/* prefix: the components so far, one '/' between them */
		used += (size_t)snprintf(prefix + used, sizeof(prefix) - used, "%s%.*s",
					 used ? "/" : "", (int)n, p);
		p += n;
		/* The whole prefix is resolved from the top each time, so that
		 * symlinks in it follow the resolution rules. */
		next = resolve(top_fd, prefix, in_root, O_PATH | O_DIRECTORY);
		if (next == -ENOENT) {
			if (mkdirat(cur, name, 0755) < 0) {
				ret = errno == EEXIST ? -ENOTDIR : -errno; /* a dangling symlink */
				close(cur);
				return ret;
			}
			next = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0)
				next = -errno;
			else if (created)
				created(next, prefix, arg);
		}
		close(cur);
		if (next < 0)
			return next;
		cur = next;
	}
	return cur;
}

/* Extended attributes of an open file or directory, best effort: the
 * target filesystem may not take every namespace (trusted.*, selinux). */
static void copy_xattrs(int src, int dst)
{
	char names[4096], value[4096];
	ssize_t len = flistxattr(src, names, sizeof(names));

	for (ssize_t off = 0; len > 0 && off < len; off += strlen(names + off) + 1) {
		ssize_t vlen = fgetxattr(src, names + off, value, sizeof(value));

		if (vlen < 0 || fsetxattr(dst, names + off, value, vlen, 0) < 0)
			log_debug("extended attribute %s not copied: %s", names + off,
				  strerror(errno));
	}
}

static int copy_data(int src, int dst)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = copy_file_range(src, NULL, dst, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n < 0)
			break;
	}
	if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -errno;
	while ((n = read(src, buf, sizeof(buf))) > 0)
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(dst, buf + done, n - done);

			if (w < 0)
				return -errno;
			done += w;
		}
	return n < 0 ? -errno : 0;
}

/* Owner before mode: chown clears set-user-ID bits. */
static int set_owner_mode(int fd, const struct stat *st)
{
	if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0)
		return -errno;
	return 0;
}

static int copy_dir(int src, int dst, dev_t dev, int depth);

static int copy_entry(int src_parent, int dst_parent, const char *name, const struct stat *st,
		      dev_t dev, int depth)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };
	int src = -1, dst = -1, ret = 0;

	switch (st->st_mode & S_IFMT) {
	case S_IFDIR:
		if (st->st_dev != dev) {
			log_info("copy: %s is a mount point: copied as an empty directory", name);
			if (mkdirat(dst_parent, name, 0700) < 0)
				return -errno;
			dst = openat(dst_parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			break;
		}
		if (depth >= TREE_DEPTH_MAX)
			return -ELOOP;
		src = openat(src_parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (src < 0)
			return -errno;
		if (mkdirat(dst_parent, name, 0700) < 0) {
			ret = -errno;
			break;
		}
		dst = openat(dst_parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dst < 0)
			ret = -errno;
		else
			ret = copy_dir(src, dst, dev, depth + 1);
		break;
	case S_IFREG:
		src = openat(src_parent, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (src < 0)
			return -errno;
		dst = openat(dst_parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     0600);
		ret = dst < 0 ? -errno : copy_data(src, dst);
		break;
	case S_IFLNK: {
		char target[PATH_MAX];
		ssize_t n = readlinkat(src_parent, name, target, sizeof(target) - 1);

		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (symlinkat(target, dst_parent, name) < 0 ||
		    fchownat(dst_parent, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		utimensat(dst_parent, name, times, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	case S_IFIFO:
	case S_IFCHR:
	case S_IFBLK:
		if (mknodat(dst_parent, name, st->st_mode, st->st_rdev) < 0 ||
		    fchownat(dst_parent, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dst_parent, name, st->st_mode & 07777, 0) < 0)
			return -errno;
		utimensat(dst_parent, name, times, AT_SYMLINK_NOFOLLOW);
		return 0;
	default:
		log_info("copy: %s is a socket: not copied", name);
		return 0;
	}
	if (ret == 0 && dst < 0)
		ret = -errno;
	if (ret == 0)
		ret = set_owner_mode(dst, st);
	if (ret == 0 && src >= 0)
		copy_xattrs(src, dst);
	if (ret == 0 && futimens(dst, times) < 0)
		ret = -errno;
	if (src >= 0)
		close(src);
	if (dst >= 0)
		close(dst);
	if (ret < 0)
		log_err("copy: %s: %s", name, strerror(-ret));
	return ret;
}

static int copy_dir(int src, int dst, dev_t dev, int depth)
{
	int ret = 0, list_fd = dup(src);
	struct dirent *de;
	DIR *dir;

	if (list_fd < 0)
		return -errno;
	dir = fdopendir(list_fd);
	if (!dir) {
		close(list_fd);
		return -errno;
	}
	while (ret == 0 && (errno = 0, de = readdir(dir))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			ret = -errno;
		else
			ret = copy_entry(src, dst, de->d_name, &st, dev, depth);
	}
	if (ret == 0 && errno)
		ret = -errno;
	closedir(dir);
	return ret;
}

static void remove_partial(int parent, const char *name)
{
	int victim = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (victim >= 0) {
		tree_empty(victim, NULL);
		close(victim);
	}
	unlinkat(parent, name, AT_REMOVEDIR);
}

int tree_copy(int src_fd, int dst_parent_fd, const char *name)
{
	struct timespec times[2];
	struct stat st;
	int src, dst, ret;

	src = openat(src_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return -errno;
	if (fstat(src, &st) < 0) {
		ret = -errno;
		close(src);
		return ret;
	}
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (mkdirat(dst_parent_fd, name, 0700) < 0) {
		ret = -errno;
		close(src);
		return ret;
	}
	dst = openat(dst_parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	ret = dst < 0 ? -errno : copy_dir(src, dst, st.st_dev, 1);
	if (ret == 0)
		ret = set_owner_mode(dst, &st);
	if (ret == 0) {
		copy_xattrs(src, dst);
		if (futimens(dst, times) < 0)
			ret = -errno;
	}
	if (dst >= 0)
		close(dst);
	close(src);
	if (ret < 0) {
		log_err("copying into %s failed (%s): the partial copy is removed", name,
			strerror(-ret));
		remove_partial(dst_parent_fd, name);
	}
	return ret;
}

static bool dir_is_empty(int fd)
{
	int list_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	bool empty = true;
	DIR *dir;

	if (list_fd < 0)
		return false;
	dir = fdopendir(list_fd);
	if (!dir) {
		close(list_fd);
		return false;
	}
	while (empty && (de = readdir(dir)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(dir);
	return empty;
}

static int link_dir(int src, const char *src_path, int dst, struct tree_link_stats *stats,
		    int depth);

/* One directory of the source: the same directory in the destination. */
static int link_subdir(int src, const char *name, const char *target, int dst,
		       const struct stat *st, struct tree_link_stats *stats, int depth)
{
	int src_child, dst_child, ret;
	struct stat dst_st;

	if (depth >= TREE_DEPTH_MAX)
		return -ELOOP;
	src_child = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (src_child < 0)
		return -errno;
	if (dir_is_empty(src_child)) {
		close(src_child);
		return 0;
	}
	if (fstatat(dst, name, &dst_st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT || mkdirat(dst, name, 0700) < 0 ||
		    fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dst, name, st->st_mode & 07777, 0) < 0) {
			ret = -errno;
			close(src_child);
			return ret;
		}
	} else if (!S_ISDIR(dst_st.st_mode)) {
		log_warn("link: %s: something other than a directory is in the way; its files "
			 "are not linked", target);
		stats->skipped++;
		close(src_child);
		return 0;
	}
	dst_child = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dst_child < 0) {
		ret = -errno;
		close(src_child);
		return ret;
	}
	ret = link_dir(src_child, target, dst_child, stats, depth + 1);
	close(dst_child);
	close(src_child);
	return ret;
}

static int link_file(int dst, const char *name, const char *target, const struct stat *st,
		     struct tree_link_stats *stats)
{
	struct stat dst_st;

	if (fstatat(dst, name, &dst_st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(dst_st.st_mode)) {
			log_warn("link: a directory is in the way of %s: not linked", target);
			stats->skipped++;
			return 0;
		}
		if (unlinkat(dst, name, 0) < 0)
			return -errno;
	} else if (errno != ENOENT) {
		return -errno;
	}
	if (symlinkat(target, dst, name) < 0 ||
	    fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	stats->links++;
	return 0;
}

static int link_dir(int src, const char *src_path, int dst, struct tree_link_stats *stats,
		    int depth)
{
	int ret = 0, list_fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *dir;

	if (list_fd < 0)
		return -errno;
	dir = fdopendir(list_fd);
	if (!dir) {
		close(list_fd);
		return -errno;
	}
	while (ret == 0 && (de = readdir(dir))) {
		char target[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(target, sizeof(target), "%s/%s", src_path, de->d_name) >=
		    sizeof(target)) {
			log_warn("link: %s/%s: path too long, not linked", src_path, de->d_name);
			stats->skipped++;
			continue;
		}
		if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			ret = -errno;
		else if (S_ISDIR(st.st_mode))
			ret = link_subdir(src, de->d_name, target, dst, &st, stats, depth);
		else
			ret = link_file(dst, de->d_name, target, &st, stats);
		if (ret < 0)
			log_err("link: %s: %s", target, strerror(-ret));
	}
	closedir(dir);
	return ret;
}

int tree_link(int src_fd, const char *src_path, int dst_fd, struct tree_link_stats *stats)
{
	stats->links = 0;
	stats->skipped = 0;
	return link_dir(src_fd, src_path, dst_fd, stats, 0);
}

/* Returns the top-level entries removed (or the last -errno); *all counts
 * the entries removed at every depth. */
static int empty_dir(int fd, dev_t dev, bool (*keep)(const char *name), int depth, size_t *all)
{
	int removed = 0, ret = 0, list_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *dir;

	if (list_fd < 0)
		return -errno;
	dir = fdopendir(list_fd);
	if (!dir) {
		close(list_fd);
		return -errno;
	}
	while ((de = readdir(dir))) {
		struct stat st;
		int child, r = 0;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (keep && keep(de->d_name)))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = -errno;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != dev || depth >= TREE_DEPTH_MAX) {
				ret = st.st_dev != dev ? -EXDEV : -ELOOP;
				continue;
			}
			child = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (child < 0) {
				ret = -errno;
				continue;
			}
			r = empty_dir(child, dev, NULL, depth + 1, all);
			close(child);
			if (r >= 0 && unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0)
				r = -errno;
		} else if (unlinkat(fd, de->d_name, 0) < 0) {
			r = -errno;
		}
		if (r < 0) {
			ret = r;
		} else {
			removed++;
			(*all)++;
		}
	}
	closedir(dir);
	return ret < 0 ? ret : removed;
}

int tree_empty(int dir_fd, bool (*keep)(const char *name))
{
	size_t all = 0;
	struct stat st;

	if (fstat(dir_fd, &st) < 0)
		return -errno;
	return empty_dir(dir_fd, st.st_dev, keep, 0, &all);
}

int dir_empty(int root_fd, const char *rel, size_t *removed)
{
	struct stat st;
	int fd, ret;

	*removed = 0;
	fd = safepath_open(root_fd, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	ret = fstat(fd, &st) < 0 ? -errno : empty_dir(fd, st.st_dev, NULL, 0, removed);
	close(fd);
	return ret < 0 ? ret : 0;
}
