#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root_layout.h"
#include "unit.h"

/* A fake medium in a temporary directory: each argument is a path to
 * create (a trailing '/' makes a directory), "name=text" writes text. */
static int medium(char *dir, size_t len, ...)
{
	const char *entry;
	va_list ap;

	snprintf(dir, len, "/tmp/vtoy-layout-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	va_start(ap, len);
	while ((entry = va_arg(ap, const char *))) {
		char path[512], cmd[1024];
		const char *eq = strchr(entry, '=');
		FILE *f;

		snprintf(path, sizeof(path), "%s/%.*s", dir, eq ? (int)(eq - entry) : (int)strlen(entry),
			 entry);
		snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
		if (system(cmd) != 0)
			return -1;
		if (entry[strlen(entry) - 1] == '/') {
			mkdir(path, 0755);
			continue;
		}
		f = fopen(path, "w");
		if (!f)
			return -1;
		fputs(eq ? eq + 1 : "x", f);
		fclose(f);
	}
	va_end(ap);
	return open(dir, O_PATH | O_DIRECTORY);
}

static void cleanup(const char *dir, int fd)
{
	char cmd[600];

	close(fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static int plan_of(int fd, struct root_layout_opts o, struct root_plan *p)
{
	return root_layout_plan(fd, &o, true, p);
}

static struct root_plan plan;

static void casper_alphabetical_last_on_top(void)
{
	char dir[64];
	int fd = medium(dir, sizeof(dir), "casper/filesystem.squashfs", "casper/a-extra.squashfs",
			"casper/filesystem.manifest", "live/filesystem.squashfs", NULL);

	CHECK(fd >= 0);
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ 0 }, &plan), 0);
	cleanup(dir, fd);
	CHECK_INT(plan.layout, ROOT_LAYOUT_CASPER);
	CHECK_STR(plan.dir, "casper");
	CHECK_INT(plan.count, 2);
	CHECK_STR(plan.files[0], "a-extra.squashfs");
	CHECK_STR(plan.files[1], "filesystem.squashfs");
}

static void casper_layerfs_chain(void)
{
	char dir[64];
	int fd = medium(dir, sizeof(dir), "casper/minimal.squashfs",
			"casper/minimal.standard.squashfs", "casper/minimal.standard.live.squashfs",
			"casper/minimal.en.squashfs", NULL);

	CHECK(fd >= 0);
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .layerfs_path = "minimal.standard.live.squashfs" },
			  &plan), 0);
	CHECK_INT(plan.count, 3);
	CHECK_STR(plan.files[0], "minimal.squashfs");
	CHECK_STR(plan.files[1], "minimal.standard.squashfs");
	CHECK_STR(plan.files[2], "minimal.standard.live.squashfs");
	/* a missing middle layer is an error, never a silent skip */
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .layerfs_path = "minimal.extra.live.squashfs" },
			  &plan), -ENOENT);
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .layerfs_path = "minimal.img" }, &plan),
		  -EINVAL);
	cleanup(dir, fd);
}

static void live_module_file_order(void)
{
	char dir[64];
	int fd = medium(dir, sizeof(dir), "live/b.squashfs", "live/a.squashfs", "live/z.squashfs",
			"live/filesystem.module=z.squashfs\nb.squashfs\nmissing.squashfs\n",
			"live/extra.module=a.squashfs ../escape.squashfs\n", NULL);

	CHECK(fd >= 0);
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ 0 }, &plan), 0);
	CHECK_INT(plan.layout, ROOT_LAYOUT_LIVE);
	CHECK_INT(plan.count, 2); /* listed order, bottom first; missing skipped */
	CHECK_STR(plan.files[0], "z.squashfs");
	CHECK_STR(plan.files[1], "b.squashfs");
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .module = "extra" }, &plan), 0);
	CHECK_INT(plan.count, 1);
	CHECK_STR(plan.files[0], "a.squashfs");
	/* no such module file: every image, alphabetically */
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .module = "none" }, &plan), 0);
	CHECK_INT(plan.count, 3);
	CHECK_STR(plan.files[2], "z.squashfs");
	cleanup(dir, fd);
}

static void dracut_and_squashimg(void)
{
	char dir[64];
	int fd = medium(dir, sizeof(dir), "LiveOS/squashfs.img", "LiveOS/other.img", NULL);

	CHECK(fd >= 0);
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ 0 }, &plan), 0);
	CHECK_INT(plan.layout, ROOT_LAYOUT_DRACUT);
	CHECK_STR(plan.dir, "LiveOS");
	CHECK_INT(plan.count, 1);
	CHECK_STR(plan.files[0], "squashfs.img");
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .squashimg = "other.img" }, &plan), 0);
	CHECK_STR(plan.files[0], "other.img");
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .squashimg = "gone.img" }, &plan), -ENOENT);
	cleanup(dir, fd);
}

static void dracut_rd_live_dir(void)
{
	char dir[64];
	int fd = medium(dir, sizeof(dir), "Fedora/rootfs.img", NULL);

	CHECK(fd >= 0);
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .media_path = "Fedora" }, &plan), 0);
	CHECK_INT(plan.layout, ROOT_LAYOUT_DRACUT);
	CHECK_STR(plan.files[0], "rootfs.img");
	cleanup(dir, fd);
}

static void archiso_sfs_then_erofs(void)
{
	char dir[64];
	int fd = medium(dir, sizeof(dir), "arch/x86_64/airootfs.erofs", "myarch/x86_64/airootfs.sfs",
			NULL);

	CHECK(fd >= 0);
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ 0 }, &plan), 0);
	CHECK_INT(plan.layout, ROOT_LAYOUT_ARCHISO);
	CHECK_STR(plan.files[0], "x86_64/airootfs.erofs");
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .media_path = "myarch" }, &plan), 0);
	CHECK_INT(plan.layout, ROOT_LAYOUT_ARCHISO);
	CHECK_STR(plan.dir, "myarch");
	CHECK_STR(plan.files[0], "x86_64/airootfs.sfs");
	cleanup(dir, fd);
}

static void nothing_known(void)
{
	char dir[64];
	int fd = medium(dir, sizeof(dir), "ISO images/x.iso", "casper/", NULL);

	CHECK(fd >= 0);
	/* casper/ without images is not a live medium */
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ 0 }, &plan), -ENOENT);
	CHECK_INT(plan_of(fd, (struct root_layout_opts){ .media_path = "nope" }, &plan), -ENOENT);
	cleanup(dir, fd);
}

const struct unit_test root_layout_tests[] = {
	UNIT_TEST(casper_alphabetical_last_on_top),
	UNIT_TEST(casper_layerfs_chain),
	UNIT_TEST(live_module_file_order),
	UNIT_TEST(dracut_and_squashimg),
	UNIT_TEST(dracut_rd_live_dir),
	UNIT_TEST(archiso_sfs_then_erofs),
	UNIT_TEST(nothing_known),
	{ NULL, NULL },
};
