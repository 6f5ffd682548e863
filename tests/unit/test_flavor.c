#include <errno.h>

#include "cmdline.h"
#include "flavor.h"
#include "flavor_archiso.h"
#include "flavor_dracut.h"
#include "fs_tree.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

static void tmpfs_sizes(void)
{
	CHECK_INT(flavor_tmpfs_size_check("256M"), 0);
	CHECK_INT(flavor_tmpfs_size_check("75%"), 0);
	CHECK_INT(flavor_tmpfs_size_check("100%"), 0);
	CHECK_INT(flavor_tmpfs_size_check("2g"), 0);
	CHECK_INT(flavor_tmpfs_size_check("1048576"), 0);
	CHECK_INT(flavor_tmpfs_size_check("512k"), 0);
	CHECK_INT(flavor_tmpfs_size_check("0"), -EINVAL);   /* tmpfs: no limit */
	CHECK_INT(flavor_tmpfs_size_check("0M"), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check("101%"), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check("0%"), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check("50%x"), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check(""), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check("M"), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check("256MB"), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check("-1"), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check("1G,mode=777"), -EINVAL); /* no option smuggling */
	CHECK_INT(flavor_tmpfs_size_check("99999999999999999999999"), -EINVAL);
	CHECK_INT(flavor_tmpfs_size_check(NULL), -EINVAL);
}

static void tmpfs_size_sources(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "cow_spacesize=1G"), 0);
	CHECK_STR(flavor_tmpfs_size(&c), "1G");
	kvlist_free(&c);
	CHECK_INT(cmdline_parse(&c, "cow_spacesize=1G overlay-size=50%"), 0);
	CHECK_STR(flavor_tmpfs_size(&c), "50%"); /* ours wins */
	kvlist_free(&c);
	CHECK_INT(cmdline_parse(&c, "cow_spacesize=lots overlay-size=1G,nr_inodes=1"), 0);
	CHECK_STR(flavor_tmpfs_size(&c), NULL);
	kvlist_free(&c);
}

static void dracut_flags(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "a b=1 c=0 d=no e=off f=yes g="), 0);
	CHECK(flavor_flag(&c, "a"));
	CHECK(flavor_flag(&c, "b"));
	CHECK(!flavor_flag(&c, "c"));
	CHECK(!flavor_flag(&c, "d"));
	CHECK(!flavor_flag(&c, "e"));
	CHECK(flavor_flag(&c, "f"));
	CHECK(flavor_flag(&c, "g"));
	CHECK(!flavor_flag(&c, "h"));
	kvlist_free(&c);
}

static void archiso_directory(const char *cmdline, const char *iso_label, int want_ret,
			      const char *want)
{
	struct kvlist c = { 0 };
	char dir[256] = "";
	int ret;

	if (cmdline_parse(&c, cmdline) < 0) {
		unit_failed = 1;
		return;
	}
	ret = archiso_cow_directory(&c, iso_label, "x86_64", dir, sizeof(dir));
	kvlist_free(&c);
	CHECK_INT(ret, want_ret);
	if (ret == 0)
		CHECK_STR(dir, want);
}

static void archiso_directories(void)
{
	archiso_directory("cow_label=ARCH_COW archisolabel=ARCH_202501", "ISO", 0,
			  "persistent_ARCH_202501/x86_64");
	if (unit_failed)
		return;
	archiso_directory("cow_label=ARCH_COW", "ARCH_202501", 0, "persistent_ARCH_202501/x86_64");
	if (unit_failed)
		return;
	archiso_directory("cow_label=ARCH_COW archisolabel= arch=aarch64", "ISO", 0,
			  "persistent_ISO/aarch64");
	if (unit_failed)
		return;
	archiso_directory("cow_label=C arch=../x", "ISO", 0, "persistent_ISO/x86_64");
	if (unit_failed)
		return;
	archiso_directory("cow_label=C cow_directory=/my/cow", "ISO", 0, "my/cow");
	if (unit_failed)
		return;
	archiso_directory("cow_label=C cow_directory=/", "ISO", 0, "");
	if (unit_failed)
		return;
	archiso_directory("cow_label=C cow_directory=a/../../b", "ISO", -EINVAL, NULL);
	if (unit_failed)
		return;
	archiso_directory("cow_label=C archisolabel=a/../b", "ISO", -EINVAL, NULL);
	if (unit_failed)
		return;
	archiso_directory("cow_label=C", "", -EINVAL, NULL);
}

static void archiso_request(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "cow_label= cow_device= cow_spacesize=1G"), 0);
	CHECK(!archiso_requested(&c));
	kvlist_free(&c);
	CHECK_INT(cmdline_parse(&c, "cow_label=ARCH_COW"), 0);
	CHECK(archiso_requested(&c));
	kvlist_free(&c);
	CHECK_INT(cmdline_parse(&c, "cow_device=/dev/sdb2"), 0);
	CHECK(archiso_requested(&c));
	kvlist_free(&c);
}

struct dracut_case {
	const char *cmdline;
	int ret;
	const char *device, *upper, *work;
	bool read_only, reset, default_path;
};

static void dracut_case(const struct dracut_case *c)
{
	struct kvlist args = { 0 };
	struct dracut_overlay o;
	int ret;

	if (cmdline_parse(&args, c->cmdline) < 0) {
		unit_failed = 1;
		return;
	}
	ret = dracut_overlay_parse(&args, "Fedora-WS-Live-41", "2024-10-24-15-20-07-00", &o);
	kvlist_free(&args);
	if (ret != c->ret)
		fprintf(stderr, "  cmdline: %s\n", c->cmdline);
	CHECK_INT(ret, c->ret);
	if (ret < 0)
		return;
	CHECK_STR(o.device, c->device);
	CHECK_STR(o.upper, c->upper);
	CHECK_STR(o.work, c->work);
	CHECK_INT(o.read_only, c->read_only);
	CHECK_INT(o.reset, c->reset);
	CHECK_INT(o.default_path, c->default_path);
}

static void dracut_overlay_names(void)
{
	static const char dflt[] = "LiveOS/overlay-Fedora-WS-Live-41-2024-10-24-15-20-07-00";
	const struct dracut_case cases[] = {
		{ "rd.live.overlay=LABEL=persistence:/LiveOS/overlay-X-Y rd.live.overlay.overlayfs",
		  0, "LABEL=persistence", "LiveOS/overlay-X-Y", "LiveOS/ovlwork", false, false,
		  false },
		{ "rd.live.overlay=LABEL=persistence", 0, "LABEL=persistence", dflt, "LiveOS/ovlwork",
		  false, false, true },
		{ "rd.live.overlay=UUID=1234:auto rd.live.overlay.readonly", 0, "UUID=1234", dflt,
		  "LiveOS/ovlwork", true, false, true },
		{ "rd.live.overlay=LABEL=p rd.live.dir=/Fedora rd.live.overlay.reset", 0, "LABEL=p",
		  "Fedora/overlay-Fedora-WS-Live-41-2024-10-24-15-20-07-00", "Fedora/ovlwork", false,
		  true, true },
		/* dracut-ng: rd.overlay names the device, or is only a flag */
		{ "rd.overlay=LABEL=new:/ovl rd.live.overlay=LABEL=old:/x rd.overlay.readonly", 0,
		  "LABEL=new", "ovl", "ovlwork", true, false, false },
		{ "rd.overlay rd.live.overlay=LABEL=old:/a/b/c/ rd.overlay.reset=1", 0, "LABEL=old",
		  "a/b/c", "a/b/ovlwork", false, true, false },
		{ "rd.overlay=1 rd.live.overlay=/dev/sdb2:/x", 0, "/dev/sdb2", "x", "ovlwork", false,
		  false, false },
		/* devspec to the first ':', path after the last, as dracut splits */
		{ "rd.live.overlay=LABEL=a:b:/c/d", 0, "LABEL=a", "c/d", "c/ovlwork", false, false,
		  false },
		{ "rd.live.overlay=LABEL=p rd.live.overlay.reset=0 rd.live.overlay.readonly=no", 0,
		  "LABEL=p", dflt, "LiveOS/ovlwork", false, false, true },
		{ .cmdline = "rd.live.overlay=none", .ret = -ENOENT },
		{ .cmdline = "rd.live.overlay=NONE rd.overlay=0", .ret = -ENOENT },
		{ .cmdline = "rd.live.overlay.overlayfs rd.overlay", .ret = -ENOENT },
		{ .cmdline = "rd.live.overlay=", .ret = -ENOENT },
		{ .cmdline = "rd.live.overlay=:/LiveOS/x", .ret = -EINVAL },
		{ .cmdline = "rd.live.overlay=LABEL=p:/LiveOS/../etc", .ret = -EINVAL },
		{ .cmdline = "rd.live.overlay=LABEL=p:/", .ret = -EINVAL },
		{ .cmdline = "rd.live.overlay=LABEL=p:/ovlwork", .ret = -EINVAL }, /* its own work directory */
		{ .cmdline = "rd.live.overlay=LABEL=p rd.live.dir=..", .ret = -EINVAL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && !unit_failed; i++)
		dracut_case(&cases[i]);
}

static void dracut_request(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "rd.live.overlay.overlayfs rd.live.overlay.readonly"), 0);
	CHECK(!dracut_requested(&c));
	CHECK(dracut_read_only(&c));
	kvlist_free(&c);
	CHECK_INT(cmdline_parse(&c, "rd.overlay=LABEL=p"), 0);
	CHECK(dracut_requested(&c));
	CHECK(!dracut_read_only(&c));
	kvlist_free(&c);
}

static void put_file(int dir, const char *name)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
}

static void emptying_a_directory(void)
{
	char tmp[] = "/tmp/vtoy-unit-XXXXXX", cmd[128];
	size_t removed = 99;
	int top, root, ovl;

	CHECK(mkdtemp(tmp) != NULL);
	top = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(top >= 0);
	CHECK_INT(mkdirat(top, "outside", 0755), 0);
	put_file(top, "outside/keep");
	CHECK_INT(mkdirat(top, "store", 0755), 0);
	root = openat(top, "store", O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(root >= 0);
	CHECK_INT(mkdirat(root, "ovl", 0755), 0);
	ovl = openat(root, "ovl", O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(ovl >= 0);
	CHECK_INT(mkdirat(ovl, "etc", 0755), 0);
	CHECK_INT(mkdirat(ovl, "etc/deep", 0), 0); /* as overlayfs leaves work/work */
	put_file(ovl, "etc/hostname");
	put_file(ovl, ".hidden");
	CHECK_INT(symlinkat("../../outside", ovl, "escape"), 0);
	CHECK_INT(dir_empty(root, "ovl", &removed), 0);
	CHECK_INT(removed, 5);
	CHECK(faccessat(ovl, "etc", F_OK, AT_SYMLINK_NOFOLLOW) < 0);
	CHECK(faccessat(ovl, "escape", F_OK, AT_SYMLINK_NOFOLLOW) < 0);
	CHECK_INT(faccessat(root, "ovl", F_OK, 0), 0);          /* kept */
	CHECK_INT(faccessat(top, "outside/keep", F_OK, 0), 0);  /* never followed */
	CHECK_INT(dir_empty(root, "missing", &removed), -ENOENT);
	CHECK_INT(dir_empty(root, "../outside", &removed), -EINVAL);
	CHECK_INT(symlinkat("../outside", root, "link"), 0);
	CHECK(dir_empty(root, "link", &removed) < 0);            /* leads out of the store */
	CHECK_INT(faccessat(top, "outside/keep", F_OK, 0), 0);
	close(ovl);
	close(root);
	close(top);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	CHECK_INT(system(cmd), 0);
}

static enum flavor_kind selected(const char *cmdline)
{
	struct kvlist c = { 0 };
	enum flavor_kind kind = (enum flavor_kind)-1;

	if (cmdline_parse(&c, cmdline) == 0)
		kind = flavor_select(&c);
	kvlist_free(&c);
	return kind;
}

static void flavor_selection(void)
{
	CHECK_INT(selected("quiet splash"), FLAVOR_NONE);
	CHECK_INT(selected("persistence"), FLAVOR_LIVEBOOT);
	CHECK_INT(selected("persistent"), FLAVOR_CASPER);
	CHECK_INT(selected("rd.live.overlay=LABEL=p"), FLAVOR_DRACUT);
	CHECK_INT(selected("rd.overlay=LABEL=p"), FLAVOR_DRACUT);
	CHECK_INT(selected("cow_label=C"), FLAVOR_ARCHISO);
	CHECK_INT(selected("cow_device=/dev/sdb1"), FLAVOR_ARCHISO);
	/* the documented order */
	CHECK_INT(selected("persistent persistence"), FLAVOR_LIVEBOOT);
	CHECK_INT(selected("cow_label=C persistent rd.live.overlay=LABEL=p"), FLAVOR_CASPER);
	CHECK_INT(selected("cow_label=C rd.live.overlay=LABEL=p"), FLAVOR_DRACUT);
	CHECK_INT(selected("boot=vtoy cow_label=C rd.live.overlay=LABEL=p"), FLAVOR_DRACUT);
	/* boot= names its own flavor, when that one is asked for */
	CHECK_INT(selected("boot=casper persistent persistence"), FLAVOR_CASPER);
	CHECK_INT(selected("boot=live persistent persistence rd.overlay=UUID=x"), FLAVOR_LIVEBOOT);
	CHECK_INT(selected("boot=casper rd.live.overlay=LABEL=p cow_label=C"), FLAVOR_DRACUT);
	CHECK_INT(selected("boot=live persistent cow_label=C"), FLAVOR_CASPER);
	/* the "no" forms win over everything */
	CHECK_INT(selected("persistence nopersistent"), FLAVOR_NONE);
	CHECK_INT(selected("persistent nopersistence"), FLAVOR_NONE);
	CHECK_INT(selected("rd.live.overlay=LABEL=p cow_label=C nopersistent"), FLAVOR_NONE);
	CHECK_INT(selected("boot=casper persistent nopersistent"), FLAVOR_NONE);
	CHECK_INT(selected("nopersistence"), FLAVOR_NONE);
	/* asking for nothing */
	CHECK_INT(selected("rd.live.overlay=none cow_label= rd.overlay"), FLAVOR_NONE);
	CHECK_INT(selected("rd.live.overlay=none persistent"), FLAVOR_CASPER);
}

const struct unit_test flavor_tests[] = {
	UNIT_TEST(tmpfs_sizes),
	UNIT_TEST(tmpfs_size_sources),
	UNIT_TEST(dracut_flags),
	UNIT_TEST(archiso_directories),
	UNIT_TEST(archiso_request),
	UNIT_TEST(dracut_overlay_names),
	UNIT_TEST(dracut_request),
	UNIT_TEST(emptying_a_directory),
	UNIT_TEST(flavor_selection),
	{ NULL, NULL },
};
