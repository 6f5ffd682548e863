#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safepath.h"
#include "unit.h"

static void check_rules(void)
{
	CHECK_INT(safepath_check("/ISO images/ubuntu.iso"), 0);
	CHECK_INT(safepath_check("casper"), 0);
	CHECK_INT(safepath_check("//a//b/"), 0);
	CHECK_INT(safepath_check("..hidden/x"), 0);
	CHECK_INT(safepath_check(""), -EINVAL);
	CHECK_INT(safepath_check("/"), -EINVAL);
	CHECK_INT(safepath_check("../etc/passwd"), -EINVAL);
	CHECK_INT(safepath_check("/a/../b"), -EINVAL);
	CHECK_INT(safepath_check("/a/./b"), -EINVAL);
	CHECK_INT(safepath_check("/a/.."), -EINVAL);
	CHECK_INT(safepath_check("/a\nb"), -EINVAL);
}

static void open_stays_beneath(void)
{
	char dir[] = "/tmp/vtoy-unit-sp-XXXXXX", path[128];
	int root, fd;

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sub/file", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/abs-link", dir);
	CHECK_INT(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/up-link", dir);
	CHECK_INT(symlink("../../etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/in-link", dir);
	CHECK_INT(symlink("sub/file", path), 0);

	root = open(dir, O_PATH | O_DIRECTORY);
	CHECK(root >= 0);
	fd = safepath_open(root, "/sub/file", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	fd = safepath_open(root, "in-link", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(safepath_open(root, "abs-link", O_RDONLY), -EXDEV);
	CHECK_INT(safepath_open(root, "up-link", O_RDONLY), -EXDEV);
	CHECK_INT(safepath_open(root, "../x", O_RDONLY), -EINVAL);
	CHECK_INT(safepath_open(root, "missing", O_RDONLY), -ENOENT);
	close(root);

	for (const char *n = "abs-link\0up-link\0in-link\0sub/file\0sub\0"; *n; n += strlen(n) + 1) {
		snprintf(path, sizeof(path), "%s/%s", dir, n);
		remove(path);
	}
	rmdir(dir);
}

const struct unit_test safepath_tests[] = {
	UNIT_TEST(check_rules),
	UNIT_TEST(open_stays_beneath),
	{ NULL, NULL },
};
