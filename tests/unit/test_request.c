#include <errno.h>

#include "cmdline.h"
#include "conv_archiso.h"
#include "conv_dracut.h"
#include "convention.h"
#include "fs_tree.h"
#include "request.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

static void tmpfs_sizes(void)
{
	CHECK_INT(request_tmpfs_size_check("256M"), 0);
	CHECK_INT(request_tmpfs_size_check("75%"), 0);
	CHECK_INT(request_tmpfs_size_check("100%"), 0);
	CHECK_INT(request_tmpfs_size_check("2g"), 0);
	CHECK_INT(request_tmpfs_size_check("1048576"), 0);
	CHECK_INT(request_tmpfs_size_check("512k"), 0);
	CHECK_INT(request_tmpfs_size_check("0"), -EINVAL);   /* tmpfs: no limit */
	CHECK_INT(request_tmpfs_size_check("0M"), -EINVAL);
	CHECK_INT(request_tmpfs_size_check("101%"), -EINVAL);
	CHECK_INT(request_tmpfs_size_check("0%"), -EINVAL);
	CHECK_INT(request_tmpfs_size_check("50%x"), -EINVAL);
	CHECK_INT(request_tmpfs_size_check(""), -EINVAL);
	CHECK_INT(request_tmpfs_size_check("M"), -EINVAL);
	CHECK_INT(request_tmpfs_size_check("256MB"), -EINVAL);
	CHECK_INT(request_tmpfs_size_check("-1"), -EINVAL);
	CHECK_INT(request_tmpfs_size_check("1G,mode=777"), -EINVAL); /* no option smuggling */
	CHECK_INT(request_tmpfs_size_check("99999999999999999999999"), -EINVAL);
	CHECK_INT(request_tmpfs_size_check(NULL), -EINVAL);
}

static void tmpfs_size_sources(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "cow_spacesize=1G"), 0);
	CHECK_STR(request_tmpfs_size(&c), "1G");
	kvlist_free(&c);
	CHECK_INT(cmdline_parse(&c, "cow_spacesize=1G overlay-size=50%"), 0);
	CHECK_STR(request_tmpfs_size(&c), "50%"); /* ours wins */
	kvlist_free(&c);
	CHECK_INT(cmdline_parse(&c, "cow_spacesize=lots overlay-size=1G,nr_inodes=1"), 0);
	CHECK_STR(request_tmpfs_size(&c), NULL);
	kvlist_free(&c);
}

static void dracut_flags(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "a b=1 c=0 d=no e=off f=yes g="), 0);
	CHECK(cmdline_flag(&c, "a"));
	CHECK(cmdline_flag(&c, "b"));
	CHECK(!cmdline_flag(&c, "c"));
	CHECK(!cmdline_flag(&c, "d"));
	CHECK(!cmdline_flag(&c, "e"));
	CHECK(cmdline_flag(&c, "f"));
	CHECK(cmdline_flag(&c, "g"));
	CHECK(!cmdline_flag(&c, "h"));
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

struct dracut_case {
	const char *cmdline;
	int ret;
	const char *device, *upper, *work;
	bool reset, default_path;
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
	CHECK_INT(o.reset, c->reset);
	CHECK_INT(o.default_path, c->default_path);
}

static void dracut_overlay_names(void)
{
	static const char dflt[] = "LiveOS/overlay-Fedora-WS-Live-41-2024-10-24-15-20-07-00";
	const struct dracut_case cases[] = {
		{ "rd.live.overlay=LABEL=persistence:/LiveOS/overlay-X-Y rd.live.overlay.overlayfs",
		  0, "LABEL=persistence", "LiveOS/overlay-X-Y", "LiveOS/ovlwork", false, false },
		{ "rd.live.overlay=LABEL=persistence", 0, "LABEL=persistence", dflt, "LiveOS/ovlwork",
		  false, true },
		{ "rd.live.overlay=UUID=1234:auto rd.live.overlay.readonly", 0, "UUID=1234", dflt,
		  "LiveOS/ovlwork", false, true },
		{ "rd.live.overlay=LABEL=p rd.live.dir=/Fedora rd.live.overlay.reset", 0, "LABEL=p",
		  "Fedora/overlay-Fedora-WS-Live-41-2024-10-24-15-20-07-00", "Fedora/ovlwork", true,
		  true },
		/* dracut-ng: rd.overlay names the device, or is only a flag */
		{ "rd.overlay=LABEL=new:/ovl rd.live.overlay=LABEL=old:/x rd.overlay.readonly", 0,
		  "LABEL=new", "ovl", "ovlwork", false, false },
		{ "rd.overlay rd.live.overlay=LABEL=old:/a/b/c/ rd.overlay.reset=1", 0, "LABEL=old",
		  "a/b/c", "a/b/ovlwork", true, false },
		{ "rd.overlay=1 rd.live.overlay=/dev/sdb2:/x", 0, "/dev/sdb2", "x", "ovlwork", false,
		  false },
		/* devspec to the first ':', path after the last, as dracut splits */
		{ "rd.live.overlay=LABEL=a:b:/c/d", 0, "LABEL=a", "c/d", "c/ovlwork", false, false },
		{ "rd.live.overlay=LABEL=p rd.live.overlay.reset=0 rd.live.overlay.readonly=no", 0,
		  "LABEL=p", dflt, "LiveOS/ovlwork", false, true },
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

/* The request a command line makes, with no Ventoy hand-over: the
 * convention's name, "no", or "?" when the command line does not parse. */
static const char *selected(const char *cmdline, bool *read_only)
{
	static struct persist p;
	static const struct persist_opts opts = { .run_dir = "/nonexistent" };
	const char *name = "?";

	memset(&p, 0, sizeof(p));
	p.opts = &opts;
	if (cmdline_parse(&p.cmdline, cmdline) == 0) {
		request_resolve(&p);
		name = request_name(&p.req);
		if (p.req.conv && strcmp(p.req.conv->name, name))
			name = "mismatch";
		if (read_only)
			*read_only = p.req.read_only;
	}
	kvlist_free(&p.cmdline);
	return name;
}

static void request_table(void)
{
	bool ro = true;

	CHECK_STR(selected("quiet splash", NULL), "no");
	CHECK_STR(selected("persistence", &ro), "live-boot");
	CHECK(!ro);
	CHECK_STR(selected("persistent", NULL), "casper");
	CHECK_STR(selected("rd.live.overlay=LABEL=p", NULL), "dracut");
	CHECK_STR(selected("rd.overlay=LABEL=p", NULL), "dracut");
	CHECK_STR(selected("cow_label=C", NULL), "archiso");
	CHECK_STR(selected("cow_device=/dev/sdb1", NULL), "archiso");
	CHECK_STR(selected("cow_label= cow_device= cow_spacesize=1G", NULL), "no");
	/* the documented order */
	CHECK_STR(selected("persistent persistence", NULL), "live-boot");
	CHECK_STR(selected("cow_label=C persistent rd.live.overlay=LABEL=p", NULL), "casper");
	CHECK_STR(selected("cow_label=C rd.live.overlay=LABEL=p", NULL), "dracut");
	CHECK_STR(selected("boot=vtoy cow_label=C rd.live.overlay=LABEL=p", NULL), "dracut");
	/* boot= names its own convention, when that one is asked for */
	CHECK_STR(selected("boot=casper persistent persistence", NULL), "casper");
	CHECK_STR(selected("boot=live persistent persistence rd.overlay=UUID=x", NULL), "live-boot");
	CHECK_STR(selected("boot=casper rd.live.overlay=LABEL=p cow_label=C", NULL), "dracut");
	CHECK_STR(selected("boot=live persistent cow_label=C", NULL), "casper");
	/* the "no" forms win over everything */
	CHECK_STR(selected("persistence nopersistent", NULL), "no");
	CHECK_STR(selected("persistent nopersistence", NULL), "no");
	CHECK_STR(selected("rd.live.overlay=LABEL=p cow_label=C nopersistent", NULL), "no");
	CHECK_STR(selected("boot=casper persistent nopersistent", NULL), "no");
	CHECK_STR(selected("nopersistence", NULL), "no");
	/* asking for nothing */
	CHECK_STR(selected("rd.live.overlay=none cow_label= rd.overlay", NULL), "no");
	CHECK_STR(selected("rd.live.overlay=none persistent", NULL), "casper");
	/* read-only forms */
	CHECK_STR(selected("persistence persistence-read-only", &ro), "live-boot");
	CHECK(ro);
	CHECK_STR(selected("rd.live.overlay=LABEL=p rd.live.overlay.readonly", &ro), "dracut");
	CHECK(ro);
	CHECK_STR(selected("rd.overlay=LABEL=p rd.overlay.readonly=0", &ro), "dracut");
	CHECK(!ro);
}

const struct unit_test request_tests[] = {
	UNIT_TEST(tmpfs_sizes),
	UNIT_TEST(tmpfs_size_sources),
	UNIT_TEST(dracut_flags),
	UNIT_TEST(archiso_directories),
	UNIT_TEST(dracut_overlay_names),
	UNIT_TEST(emptying_a_directory),
	UNIT_TEST(request_table),
	{ NULL, NULL },
};
