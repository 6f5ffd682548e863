#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "storage_settle.h"
#include "uevent.h"
#include "unit.h"

#define make unit_fake_sysfs

/* A fake sysfs tree: each path is made as a directory, or as a file holding
 * the text after '=' ("a/b=08"). */
void unit_fake_sysfs(const char *root, const char *spec)
{
	char path[512], *eq;

	snprintf(path, sizeof(path), "%s/%s", root, spec);
	eq = strchr(path, '=');
	if (eq)
		*eq = '\0';
	for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	if (eq) {
		FILE *f = fopen(path, "w");

		if (f) {
			fprintf(f, "%s\n", eq + 1);
			fclose(f);
		}
	} else {
		mkdir(path, 0755);
	}
}

#define DEV "bus/usb/devices/1-1:1.0"
#define LUN DEV "/host0/target0:0:0/0:0:0:0"

static void pending_states(void)
{
	char root[] = "/tmp/vtoy-unit-settle-XXXXXX", what[128], cmd[600];

	CHECK(mkdtemp(root));
	/* No USB at all, and a hub (class 09) and a USB device entry. */
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 0);
	CHECK(!storage_usb_host(root));
	make(root, "bus/usb/devices/1-0:1.0/bInterfaceClass=09");
	CHECK(!storage_usb_host(root));
	make(root, "bus/usb/devices/usb1/bDeviceClass=09");
	CHECK(storage_usb_host(root));
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 0);
	/* A mass-storage interface, no driver loaded: nothing on its way. */
	make(root, DEV "/bInterfaceClass=08");
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 0);
	CHECK(!storage_scan_delayed(root));
	/* ... unless drivers on demand are about to load one. */
	CHECK_INT(storage_pending(root, what, sizeof(what), true), 1);
	CHECK_STR(what, "1-1:1.0: no driver bound yet");
	/* usb-storage loaded, the interface not bound yet. */
	make(root, "bus/usb/drivers/usb-storage");
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 1);
	CHECK_STR(what, "1-1:1.0: no driver bound yet");
	/* Bound, its SCSI host waiting for delay_use. */
	make(root, DEV "/driver");
	make(root, DEV "/host0/scsi_host");
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 1);
	CHECK_STR(what, "1-1:1.0: SCSI scan pending");
	CHECK(storage_scan_delayed(root));
	/* Scanned: a disk LUN sd_mod has not attached to yet. */
	make(root, LUN "/type=0");
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 1);
	CHECK_STR(what, "1-1:1.0: no block device for its LUN yet");
	CHECK(!storage_scan_delayed(root));
	/* The disk is there: nothing pending. */
	make(root, LUN "/block/sdb");
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 0);
	CHECK_STR(what, "");
	/* A LUN of a type that never gets a block device (enclosure). */
	make(root, DEV "/host0/target0:0:0/0:0:0:1/type=13");
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 0);
	/* A second stick still in its scan. */
	make(root, "bus/usb/devices/1-2:1.0/bInterfaceClass=08");
	make(root, "bus/usb/devices/1-2:1.0/driver");
	CHECK_INT(storage_pending(root, what, sizeof(what), false), 1);
	CHECK_STR(what, "1-2:1.0: no SCSI host yet");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
}

/* sd_mod's disk is in sysfs before the kernel has read its partition
 * table and announced it: a disk new since the wait began counts until its
 * add event is heard. */
static void unannounced_disks(void)
{
	char root[] = "/tmp/vtoy-unit-block-XXXXXX", what[128], cmd[128];
	struct disk_names before, announced = { .count = 0 };

	CHECK(mkdtemp(root));
	make(root, "block/sda");
	make(root, "block/loop0");
	storage_disks(root, &before);
	CHECK_INT(before.count, 1);
	CHECK_INT(storage_unannounced(root, &before, &announced, what, sizeof(what)), 0);
	make(root, "block/sdb");
	make(root, "block/loop1");
	CHECK_INT(storage_unannounced(root, &before, &announced, what, sizeof(what)), 1);
	CHECK_STR(what, "sdb: not announced by the kernel yet, which it does once its partition table is read");
	snprintf(announced.names[announced.count++], sizeof(announced.names[0]), "sdb");
	CHECK_INT(storage_unannounced(root, &before, &announced, what, sizeof(what)), 0);
	/* Events lost: nothing can be known, nothing is waited for. */
	make(root, "block/sdc");
	announced.all = 1;
	CHECK_INT(storage_unannounced(root, &before, &announced, what, sizeof(what)), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
}

/* A disk's node that cannot be opened yet is pending; one that opens is
 * read (the kernel's open waits out its partition scan). */
static void tables_read(void)
{
	char root[] = "/tmp/vtoy-unit-tables-XXXXXX", what[128], node[600], cmd[600];
	struct disk_names fresh;
	int fd;

	CHECK(mkdtemp(root));
	make(root, "dev");
	snprintf(node, sizeof(node), "%s/dev", root);
	/* No USB storage: nothing to open. */
	CHECK_INT(storage_tables_read(root, node, what, sizeof(what), &fresh), 0);
	CHECK_STR(what, "");
	/* A stick's disk in sysfs, its device node not made yet. */
	make(root, DEV "/bInterfaceClass=08");
	make(root, DEV "/driver");
	make(root, LUN "/type=0");
	make(root, LUN "/block/sdb/size=98304");
	CHECK_INT(storage_tables_read(root, node, what, sizeof(what), &fresh), 1);
	CHECK_STR(what, "sdb: being added");
	/* ... unless its SCSI device went offline (it never comes). */
	make(root, LUN "/state=offline");
	CHECK_INT(storage_tables_read(root, node, what, sizeof(what), &fresh), 0);
	make(root, LUN "/state=running");
	CHECK_INT(storage_tables_read(root, node, what, sizeof(what), &fresh), 1);
	/* Its node: opened and closed, nothing pending, no partition came. */
	snprintf(node, sizeof(node), "%s/dev/sdb", root);
	CHECK((fd = open(node, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	snprintf(node, sizeof(node), "%s/dev", root);
	CHECK_INT(storage_tables_read(root, node, what, sizeof(what), &fresh), 0);
	CHECK_STR(what, "");
	CHECK_INT(fresh.count, 0);
	/* A CD drive's is not opened. */
	make(root, DEV "/host0/target0:0:0/0:0:0:2/type=5");
	make(root, DEV "/host0/target0:0:0/0:0:0:2/block/sr1");
	CHECK_INT(storage_tables_read(root, node, what, sizeof(what), &fresh), 0);
	/* A LUN of a type without a block device is not opened. */
	make(root, DEV "/host0/target0:0:0/0:0:0:1/type=13");
	make(root, DEV "/host0/target0:0:0/0:0:0:1/block/sdz");
	CHECK_INT(storage_tables_read(root, node, what, sizeof(what), &fresh), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
}

static void seen(const char *name, void *ctx)
{
	struct disk_names *n = ctx;

	if (name && n->count < STORAGE_DISKS_MAX)
		snprintf(n->names[n->count++], sizeof(n->names[0]), "%s", name);
}

/* uevent(7)-style messages: NUL-separated fields after a header. */
static void send_event(int fd, const char *const *fields)
{
	char buf[512];
	size_t used = 0;

	for (; *fields; fields++) {
		size_t n = strlen(*fields) + 1;

		memcpy(buf + used, *fields, n);
		used += n;
	}
	CHECK(send(fd, buf, used, 0) == (ssize_t)used);
}

/* A disk counts as announced by its own add or change, or by one of its
 * partitions added (a media change's rescan); a partition's change does
 * not name it. */
static void announcements(void)
{
	static const char *const part_add[] = {
		"add@/devices/usb/block/sdb/sdb1", "ACTION=add", "DEVPATH=/devices/usb/block/sdb/sdb1",
		"SUBSYSTEM=block", "DEVNAME=sdb1", "DEVTYPE=partition", NULL
	};
	static const char *const part_change[] = {
		"change@/devices/usb/block/sdd/sdd1", "ACTION=change",
		"DEVPATH=/devices/usb/block/sdd/sdd1", "SUBSYSTEM=block", "DEVNAME=sdd1",
		"DEVTYPE=partition", NULL
	};
	static const char *const disk_change[] = {
		"change@/devices/usb/block/sdc", "ACTION=change", "DEVPATH=/devices/usb/block/sdc",
		"SUBSYSTEM=block", "DEVNAME=sdc", "DEVTYPE=disk", NULL
	};
	struct disk_names got = { .count = 0 };
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) == 0);
	send_event(sv[1], part_change);
	send_event(sv[1], part_add);
	send_event(sv[1], disk_change);
	CHECK_INT(uevent_wait_block_seen(sv[0], monotonic_ms() + 2000, seen, &got), 1);
	CHECK_INT(got.count, 2);
	CHECK_STR(got.names[0], "sdb");
	CHECK_STR(got.names[1], "sdc");
	close(sv[0]);
	close(sv[1]);
}

/* What a later wait of the same process reads first (drivers_catch_up):
 * every queued event, without waiting, the disks announced among them. */
static void drain_queued(void)
{
	static const char *const usb_add[] = {
		"add@/devices/usb/1-1", "ACTION=add", "DEVPATH=/devices/usb/1-1", "SUBSYSTEM=usb",
		NULL
	};
	static const char *const disk_add[] = {
		"add@/devices/usb/block/sdb", "ACTION=add", "DEVPATH=/devices/usb/block/sdb",
		"SUBSYSTEM=block", "DEVNAME=sdb", "DEVTYPE=disk", NULL
	};
	struct disk_names got = { .count = 0 };
	long long start = monotonic_ms();
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) == 0);
	send_event(sv[1], usb_add);
	send_event(sv[1], disk_add);
	CHECK_INT(uevent_drain(sv[0], seen, &got), 0);
	CHECK_INT(got.count, 1);
	CHECK_STR(got.names[0], "sdb");
	CHECK_INT(got.all, 0);
	/* Nothing left, and nothing waited for. */
	CHECK_INT(uevent_drain(sv[0], seen, &got), 0);
	CHECK_INT(got.count, 1);
	CHECK(monotonic_ms() - start < 1000);
	close(sv[0]);
	close(sv[1]);
}

/* The process's one socket: the same until closed, and a new opening is
 * told from the last (drivers_catch_up walks /sys again then). */
static void socket_epoch(void)
{
	int fd = uevent_socket();
	unsigned first;

	CHECK(fd >= 0);
	first = uevent_socket_epoch();
	CHECK(first != 0);
	CHECK_INT(uevent_socket(), fd);
	CHECK_INT(uevent_socket_epoch(), first);
	uevent_socket_close();
	CHECK_INT(uevent_socket_epoch(), 0);
	CHECK(uevent_socket() >= 0);
	CHECK(uevent_socket_epoch() != first);
	uevent_socket_close();
}

const struct unit_test storage_settle_tests[] = {
	UNIT_TEST(announcements),
	UNIT_TEST(drain_queued),
	UNIT_TEST(socket_epoch),
	UNIT_TEST(tables_read),
	UNIT_TEST(pending_states),
	UNIT_TEST(unannounced_disks),
	{ NULL, NULL },
};
