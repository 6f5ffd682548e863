#include <errno.h>

#include "cmdline.h"
#include "flavor.h"
#include "flavor_archiso.h"
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

const struct unit_test flavor_tests[] = {
	UNIT_TEST(tmpfs_sizes),
	UNIT_TEST(tmpfs_size_sources),
	UNIT_TEST(dracut_flags),
	UNIT_TEST(archiso_directories),
	UNIT_TEST(archiso_request),
	{ NULL, NULL },
};
