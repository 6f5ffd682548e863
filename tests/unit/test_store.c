#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "overlay.h"
#include "data_access.h"
#include "fsck.h"
#include "fs_unclean.h"
#include "shutdown.h"
#include "store_find.h"
#include "store_fs.h"
#include "store_space.h"
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

/* store_unbeatable() against store_choose(): when it names a candidate, no
 * store found later on such a partition is chosen; when it does not, one
 * with the first label there would be. */
static void unbeatable_agrees_with_choose(void)
{
	static const struct {
		size_t rank;
		bool on_medium;
	} found[] = { { 1, true }, { 1, false }, { 0, false }, { 0, true } };
	static struct store_list l;

	for (unsigned mask = 0; mask < 1u << 4; mask++)
		for (int here = 0; here < 2; here++) {
			const struct store *first;
			bool chosen_later = false;

			l.count = 0;
			for (unsigned i = 0; i < 4; i++)
				if (mask & 1u << i)
					put(&l, "/dev/sdx1", "L", found[i].rank, found[i].on_medium);
			first = store_unbeatable(&l, here);
			for (size_t rank = 0; rank < 2; rank++) {
				put(&l, "/dev/sdy1", "L", rank, here);
				chosen_later |= store_choose(&l) == (int)l.count - 1;
				l.count--;
			}
			CHECK_INT(first == NULL, chosen_later);
			if (first)
				CHECK_INT((int)first->label_rank, 0);
		}
	l.count = 0;
	put(&l, "/dev/sdb1", "persistence", 0, false);
	CHECK_INT(store_unbeatable(&l, false) == &l.items[0], 1);
	CHECK_INT(store_unbeatable(&l, true) == NULL, 1); /* a file on the stick wins */
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

/* The way out goes in once; another tool's is kept. */
static void shutdown_installs_once(void)
{
	char dir[] = "/tmp/vtoy-unit-sd-XXXXXX", path[64];
	struct stat st;

	CHECK(mkdtemp(dir));
	CHECK_INT(shutdown_install(dir), 0);
	snprintf(path, sizeof(path), "%s/shutdown", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0111) && st.st_size > 0);
	snprintf(path, sizeof(path), "%s/oldroot", dir);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(shutdown_install(dir), 1);
	CHECK_INT(shutdown_command("poweroff"), RB_POWER_OFF);
	CHECK_INT(shutdown_command("reboot"), RB_AUTOBOOT);
	CHECK_INT(shutdown_command("suspend"), -1);
	for (const char *const *d = (const char *const[]){ "shutdown", "oldroot", "dev", "proc",
							     "sys", "run", NULL };
	     *d; d++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *d);
		CHECK(remove(path) == 0);
	}
	CHECK(rmdir(dir) == 0);
}

/* needs_recovery read from the superblock, as e2fsck would. */
static void ext_journal_state(void)
{
	char path[] = "/tmp/vtoy-unit-sb-XXXXXX";
	unsigned char sb[2048] = { 0 };
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK(write(fd, sb, sizeof(sb)) == (ssize_t)sizeof(sb));
	CHECK_INT(ext_needs_recovery(path), -EINVAL);
	sb[1024 + 0x38] = 0x53;
	sb[1024 + 0x39] = 0xEF;
	CHECK(pwrite(fd, sb, sizeof(sb), 0) == (ssize_t)sizeof(sb));
	CHECK_INT(ext_needs_recovery(path), 0);
	sb[1024 + 0x60] = 0x04 | 0x40; /* needs_recovery, extents */
	CHECK(pwrite(fd, sb, sizeof(sb), 0) == (ssize_t)sizeof(sb));
	CHECK_INT(ext_needs_recovery(path), 1);
	close(fd);
	unlink(path);
}

static void exfat_dirty_flag(void)
{
	char path[] = "/tmp/vtoy-unit-exfat-XXXXXX";
	unsigned char boot[512] = { 0 };
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK(write(fd, boot, sizeof(boot)) == (ssize_t)sizeof(boot));
	CHECK_INT(exfat_volume_dirty(path), -EINVAL);
	memcpy(boot + 3, "EXFAT   ", 8);
	boot[106] = 0x01; /* ActiveFat only */
	CHECK(pwrite(fd, boot, sizeof(boot), 0) == (ssize_t)sizeof(boot));
	CHECK_INT(exfat_volume_dirty(path), 0);
	boot[106] = 0x03; /* and VolumeDirty */
	CHECK(pwrite(fd, boot, sizeof(boot), 0) == (ssize_t)sizeof(boot));
	CHECK_INT(exfat_volume_dirty(path), 1);
	CHECK(ftruncate(fd, 100) == 0);
	CHECK_INT(exfat_volume_dirty(path), -EIO);
	close(fd);
	unlink(path);
	CHECK_INT(exfat_volume_dirty(path), -ENOENT);
}

static void space_of_a_store(void)
{
	struct store_space sp;
	char buf[32];

	CHECK_INT(store_space("/nonexistent-vtoy", &sp), -ENOENT);
	CHECK_INT(store_space("/", &sp), 0);
	CHECK(sp.used_percent <= 100 && sp.size_bytes > 0 && sp.free_bytes <= sp.size_bytes);
	CHECK(!strcmp(sp.state, "ok") || !strcmp(sp.state, "nearly-full") || !strcmp(sp.state, "full"));
	CHECK_STR(store_space_size(512 * 1024, buf, sizeof(buf)), "512 KiB");
	CHECK_STR(store_space_size(64ULL << 20, buf, sizeof(buf)), "64.0 MiB");
	CHECK_STR(store_space_size(3ULL << 30, buf, sizeof(buf)), "3.0 GiB");
}

const struct unit_test store_tests[] = {
	UNIT_TEST(space_of_a_store),
	UNIT_TEST(shutdown_installs_once),
	UNIT_TEST(ext_journal_state),
	UNIT_TEST(exfat_dirty_flag),
	UNIT_TEST(store_filesystems),
	UNIT_TEST(data_partition_writable_when_asked),
	UNIT_TEST(label_preference_first),
	UNIT_TEST(medium_disk_then_order),
	UNIT_TEST(none),
	UNIT_TEST(unbeatable_agrees_with_choose),
	UNIT_TEST(overlay_options_are_explicit),
	{ NULL, NULL },
};
