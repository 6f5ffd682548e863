#include <errno.h>

#include "overlay.h"
#include "data_access.h"
#include "store_find.h"
#include "store_fs.h"
#include "unit.h"

static void put(struct store_list *l, const char *source, const char *label, size_t rank,
		bool on_medium)
{
	struct store *s = &l->items[l->count];

	memset(s, 0, sizeof(*s));
	snprintf(s->source, sizeof(s->source), "%s", source);
	snprintf(s->label, sizeof(s->label), "%s", label);
	s->label_rank = rank;
	s->on_medium_disk = on_medium;
	s->order = l->count++;
}

static void label_preference_first(void)
{
	static struct store_list l;

	l.count = 0;
	put(&l, "/dev/sda3", "casper-rw", 1, true);
	put(&l, "/dev/sdb1", "writable", 0, false);
	CHECK_INT(store_choose(&l), 1); /* casper: writable beats casper-rw anywhere */
}

static void medium_disk_then_order(void)
{
	static struct store_list l;

	l.count = 0;
	put(&l, "/dev/sda1", "casper-rw", 1, false);
	put(&l, "/dev/sdb1", "casper-rw", 1, true);
	put(&l, "/dev/sdb2", "casper-rw", 1, true);
	CHECK_INT(store_choose(&l), 1);
	l.items[1].on_medium_disk = false;
	l.items[2].on_medium_disk = false;
	CHECK_INT(store_choose(&l), 0);
}

static void none(void)
{
	static struct store_list l;

	l.count = 0;
	CHECK_INT(store_choose(&l), -1);
}

static void overlay_options_are_explicit(void)
{
	const struct overlay_opts casper = { false, false }, liveboot = { true, true };
	char buf[4096], lower[5000];

	CHECK_INT(overlay_options(buf, sizeof(buf), "/l2:/l1", "/s/upper", "/s/work", &casper), 0);
	CHECK_STR(buf, "lowerdir=/l2:/l1,upperdir=/s/upper,workdir=/s/work,"
		       "redirect_dir=off,index=off,metacopy=off,xino=off");
	CHECK_INT(overlay_options(buf, sizeof(buf), "/l", "/v/rw", "/v/work", &liveboot), 0);
	CHECK_STR(buf, "lowerdir=/l,upperdir=/v/rw,workdir=/v/work,"
		       "redirect_dir=on,index=off,metacopy=off,xino=off");
	memset(lower, 'a', sizeof(lower) - 1);
	lower[sizeof(lower) - 1] = '\0';
	CHECK_INT(overlay_options(buf, sizeof(buf), lower, "/u", "/w", &casper), -E2BIG);
}

/* What a store may hold, and how each is made consistent. */
static void store_filesystems(void)
{
	CHECK(store_fs_find("ext2")->e2fsck);
	CHECK_STR(store_fs_find("ext3")->mount_type, "ext4");
	CHECK(!store_fs_find("xfs")->e2fsck);
	CHECK_STR(store_fs_find("xfs")->repair, "xfs_repair");
	CHECK(!store_fs_find("btrfs")->e2fsck);
	CHECK(store_fstype_ok("btrfs"));
	CHECK(!store_fstype_ok("vfat"));
	CHECK(!store_fstype_ok("exfat"));
	CHECK(!store_fstype_ok("ntfs3"));
	CHECK(!store_fstype_ok(""));
}

static void data_partition_writable_when_asked(void)
{
	struct kvlist cmdline = { 0 };

	CHECK(data_rw_asked(&cmdline, false) == NULL);
	CHECK_STR(data_rw_asked(&cmdline, true), "Ventoy's VTOY_LINUX_REMOUNT");
	kvlist_put(&cmdline, "vtoy.data", "ro");
	CHECK(data_rw_asked(&cmdline, false) == NULL);
	kvlist_put(&cmdline, "vtoy.data", "rw");
	CHECK_STR(data_rw_asked(&cmdline, true), "vtoy.data=rw");
	kvlist_free(&cmdline);
}

const struct unit_test store_tests[] = {
	UNIT_TEST(store_filesystems),
	UNIT_TEST(data_partition_writable_when_asked),
	UNIT_TEST(label_preference_first),
	UNIT_TEST(medium_disk_then_order),
	UNIT_TEST(none),
	UNIT_TEST(overlay_options_are_explicit),
	{ NULL, NULL },
};
