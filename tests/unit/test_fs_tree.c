#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_tree.h"
#include "safepath.h"
#include "unit.h"

/* A scratch directory under /tmp, removed by cleanup(). */
static int scratch(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/vtoy-unit-tree-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static void cleanup(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		tree_empty(fd, NULL);
		close(fd);
	}
	rmdir(dir);
}

static int put_file(int dir, const char *name, const char *text, mode_t mode)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	fchmod(fd, mode);
	return close(fd);
}

static void read_text(int dir, const char *name, char *buf, size_t len)
{
	int fd = openat(dir, name, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	buf[n < 0 ? 0 : n] = '\0';
	if (fd >= 0)
		close(fd);
}

static void in_root_keeps_symlinks_inside(void)
{
	char dir[64], buf[64];
	int top, fd;

	CHECK(scratch(dir, sizeof(dir)) == 0);
	top = open(dir, O_PATH | O_DIRECTORY);
	CHECK(top >= 0);
	CHECK_INT(mkdirat(top, "run", 0755), 0);
	CHECK_INT(mkdirat(top, "var", 0755), 0);
	CHECK_INT(symlinkat("/run", top, "var/run"), 0);
	CHECK_INT(symlinkat("../../../../../etc", top, "up"), 0);
	CHECK_INT(put_file(top, "run/x", "in root", 0644), 0);
	fd = safepath_open_in_root(top, "/var/run/x", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	read_text(top, "run/x", buf, sizeof(buf));
	CHECK_STR(buf, "in root");
	/* "../.." stops at the top: the host's /etc/passwd is out of reach */
	CHECK_INT(safepath_open_in_root(top, "up/passwd", O_RDONLY), -ENOENT);
	CHECK_INT(safepath_open(top, "var/run/x", O_RDONLY), -EXDEV);
	close(top);
	cleanup(dir);
}

static unsigned created_count;
static char created_last[64];

static void count_created(int fd, const char *path, void *arg)
{
	(void)fd;
	(void)arg;
	created_count++;
	snprintf(created_last, sizeof(created_last), "%s", path);
}

static void mkdirs_creates_and_refuses(void)
{
	char dir[64];
	struct stat st;
	int top, fd;

	CHECK(scratch(dir, sizeof(dir)) == 0);
	top = open(dir, O_PATH | O_DIRECTORY);
	CHECK(top >= 0);
	CHECK_INT(mkdirat(top, "a", 0700), 0);
	created_count = 0;
	fd = tree_mkdirs(top, "/a//b/c", false, count_created, NULL);
	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(created_count, 2);
	CHECK_STR(created_last, "a/b/c");
	CHECK_INT(fstatat(top, "a/b/c", &st, 0), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_INT(fstatat(top, "a", &st, 0), 0);
	CHECK_INT(st.st_mode & 0777, 0700); /* existing directories are left alone */

	CHECK_INT(put_file(top, "a/file", "x", 0644), 0);
	CHECK_INT(tree_mkdirs(top, "a/file/sub", false, NULL, NULL), -ENOTDIR);
	CHECK_INT(symlinkat("/tmp", top, "out"), 0);
	CHECK_INT(tree_mkdirs(top, "out/x", false, NULL, NULL), -EXDEV);
	/* in a root, the absolute link is the root's own /tmp; while that is
	 * missing the link dangles, and is not replaced */
	CHECK_INT(tree_mkdirs(top, "out/x", true, NULL, NULL), -ENOTDIR);
	CHECK_INT(mkdirat(top, "tmp", 0755), 0);
	fd = tree_mkdirs(top, "out/x", true, NULL, NULL);
	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(fstatat(top, "tmp/x", &st, 0), 0);
	close(top);
	cleanup(dir);
}

static void copy_keeps_metadata(void)
{
	char dir[64], buf[64], target[64];
	struct stat a, b;
	int top, src;

	CHECK(scratch(dir, sizeof(dir)) == 0);
	top = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(top >= 0);
	CHECK_INT(mkdirat(top, "src", 0750), 0);
	CHECK_INT(mkdirat(top, "src/sub", 0700), 0);
	CHECK_INT(put_file(top, "src/sub/secret", "secret text", 0600), 0);
	CHECK_INT(put_file(top, "src/plain", "plain", 0644), 0);
	CHECK_INT(fchownat(top, "src/plain", 1000, 1000, 0), 0);
	CHECK_INT(symlinkat("sub/secret", top, "src/link"), 0);
	CHECK_INT(mkfifoat(top, "src/fifo", 0620), 0);
	CHECK_INT(fchmodat(top, "src/fifo", 0620, 0), 0);
	CHECK_INT(mkdirat(top, "dst", 0755), 0);

	src = openat(top, "src", O_PATH | O_DIRECTORY);
	CHECK(src >= 0);
	{
		int dst = openat(top, "dst", O_PATH | O_DIRECTORY);

		CHECK(dst >= 0);
		CHECK_INT(tree_copy(src, dst, "copy"), 0);
		CHECK_INT(tree_copy(src, dst, "copy"), -EEXIST);
		close(dst);
	}
	close(src);
	read_text(top, "dst/copy/sub/secret", buf, sizeof(buf));
	CHECK_STR(buf, "secret text");
	CHECK_INT(fstatat(top, "src", &a, 0), 0);
	CHECK_INT(fstatat(top, "dst/copy", &b, 0), 0);
	CHECK_INT(b.st_mode & 07777, 0750);
	CHECK_INT(b.st_mtim.tv_sec, a.st_mtim.tv_sec);
	CHECK_INT(fstatat(top, "dst/copy/sub/secret", &b, 0), 0);
	CHECK_INT(b.st_mode & 07777, 0600);
	CHECK_INT(fstatat(top, "dst/copy/plain", &b, 0), 0);
	CHECK_INT(b.st_uid, 1000);
	CHECK_INT(fstatat(top, "dst/copy/fifo", &b, AT_SYMLINK_NOFOLLOW), 0);
	CHECK(S_ISFIFO(b.st_mode));
	CHECK_INT(b.st_mode & 07777, 0620);
	CHECK_INT(readlinkat(top, "dst/copy/link", target, sizeof(target)), 10);
	close(top);
	cleanup(dir);
}

static bool keep_conf(const char *name)
{
	return !strcmp(name, "persistence.conf");
}

static void link_mirrors_and_empty_keeps(void)
{
	char dir[64], target[256], want[256];
	struct tree_link_stats stats;
	struct stat st;
	int top, src, dst;
	ssize_t n;

	CHECK(scratch(dir, sizeof(dir)) == 0);
	top = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(top >= 0);
	CHECK_INT(mkdirat(top, "src", 0755), 0);
	CHECK_INT(mkdirat(top, "src/d", 0710), 0);
	CHECK_INT(mkdirat(top, "src/empty", 0755), 0);
	CHECK_INT(mkdirat(top, "src/blocked", 0755), 0);
	CHECK_INT(put_file(top, "src/d/f", "f", 0644), 0);
	CHECK_INT(put_file(top, "src/top", "t", 0644), 0);
	CHECK_INT(put_file(top, "src/blocked/x", "x", 0644), 0);
	CHECK_INT(put_file(top, "src/isdir", "i", 0644), 0);
	CHECK_INT(mkdirat(top, "dst", 0755), 0);
	CHECK_INT(put_file(top, "dst/top", "old", 0644), 0);     /* replaced */
	CHECK_INT(put_file(top, "dst/blocked", "file", 0644), 0); /* left alone */
	CHECK_INT(mkdirat(top, "dst/isdir", 0755), 0);           /* left alone */

	src = openat(top, "src", O_RDONLY | O_DIRECTORY);
	dst = openat(top, "dst", O_RDONLY | O_DIRECTORY);
	CHECK(src >= 0 && dst >= 0);
	CHECK_INT(tree_link(src, "/run/vtoy/store/src", dst, &stats), 0);
	CHECK_INT(stats.links, 2);
	CHECK_INT(stats.skipped, 2);
	n = readlinkat(top, "dst/d/f", target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n] = '\0';
	snprintf(want, sizeof(want), "/run/vtoy/store/src/d/f");
	CHECK_STR(target, want);
	n = readlinkat(top, "dst/top", target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n] = '\0';
	CHECK_STR(target, "/run/vtoy/store/src/top");
	CHECK_INT(fstatat(top, "dst/d", &st, AT_SYMLINK_NOFOLLOW), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0710);
	CHECK_INT(fstatat(top, "dst/empty", &st, AT_SYMLINK_NOFOLLOW), -1);
	CHECK_INT(fstatat(top, "dst/blocked", &st, AT_SYMLINK_NOFOLLOW), 0);
	CHECK(S_ISREG(st.st_mode));
	close(src);
	close(dst);

	CHECK_INT(put_file(top, "src/persistence.conf", "/home\n", 0644), 0);
	src = openat(top, "src", O_RDONLY | O_DIRECTORY);
	CHECK(src >= 0);
	CHECK_INT(tree_empty(src, keep_conf), 5);
	CHECK_INT(fstatat(top, "src/persistence.conf", &st, 0), 0);
	CHECK_INT(fstatat(top, "src/d", &st, 0), -1);
	close(src);
	close(top);
	cleanup(dir);
}

const struct unit_test fs_tree_tests[] = {
	UNIT_TEST(in_root_keeps_symlinks_inside),
	UNIT_TEST(mkdirs_creates_and_refuses),
	UNIT_TEST(copy_keeps_metadata),
	UNIT_TEST(link_mirrors_and_empty_keeps),
	{ NULL, NULL },
};
