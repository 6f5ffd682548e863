#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkdev_inventory.h"
#include "drivers.h"
#include "fs_driver.h"
#include "kvlist.h"
#include "log.h"
#include "timeline.h"
#include "unit.h"

static void collect(int level, const char *msg, void *ctx)
{
	char *buf = ctx;
	size_t used = strlen(buf);

	(void)level;
	snprintf(buf + used, 512 - used, "%s\n", msg);
}

static int has(char **list, int count, const char *alias)
{
	for (int i = 0; i < count; i++)
		if (!strcmp(list[i], alias))
			return 1;
	return 0;
}

/* Devices without a driver give their modalias, once; bound ones and
 * devices without one give none. */
static void unbound_aliases(void)
{
	char root[] = "/tmp/vtoy-unit-drivers-XXXXXX", cmd[128];
	char *aliases[8];
	int n;

	CHECK(mkdtemp(root));
	unit_fake_sysfs(root, "bus/pci/devices/0000:00:1d.0/modalias=pci:v00001B36d0000000D");
	unit_fake_sysfs(root, "bus/pci/devices/0000:00:1d.0/driver");
	unit_fake_sysfs(root, "bus/usb/devices/1-1:1.0/modalias="
			      "usb:v46F4p0001d0000dc00dsc00dp00ic08isc06ip50in00");
	unit_fake_sysfs(root, "bus/pci/devices/0000:00:1f.2/modalias=pci:v00008086d00002922");
	unit_fake_sysfs(root, "bus/pci/devices/0000:00:1f.3/modalias=pci:v00008086d00002922");
	unit_fake_sysfs(root, "bus/platform/devices/serial8250");
	unit_fake_sysfs(root, "bus/usb/drivers/usb-storage");
	n = drivers_unbound_aliases(root, aliases, 8);
	CHECK_INT(n, 2);
	CHECK(has(aliases, n, "usb:v46F4p0001d0000dc00dsc00dp00ic08isc06ip50in00"));
	CHECK(has(aliases, n, "pci:v00008086d00002922"));
	CHECK(!has(aliases, n, "pci:v00001B36d0000000D"));
	while (n)
		free(aliases[--n]);
	/* No more than asked for. */
	CHECK_INT(drivers_unbound_aliases(root, aliases, 1), 1);
	free(aliases[0]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
	CHECK(drivers_unbound_aliases(root, aliases, 8) < 0);
}

static void event_alias(void)
{
	static const char add[] = "add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0"
				  "SUBSYSTEM=scsi\0MODALIAS=scsi:t-0x00\0";
	static const char bind[] = "bind@/devices/x\0ACTION=bind\0MODALIAS=scsi:t-0x00\0";
	static const char none[] = "add@/devices/y\0ACTION=add\0SUBSYSTEM=block\0";

	CHECK_STR(drivers_event_alias(add, sizeof(add) - 1), "scsi:t-0x00");
	CHECK(drivers_event_alias(bind, sizeof(bind) - 1) == NULL);
	CHECK(drivers_event_alias(none, sizeof(none) - 1) == NULL);
}

static void timeline_line(void)
{
	char dir[] = "/tmp/vtoy-unit-timeline-XXXXXX", path[128], line[256];
	struct kvlist tl = { 0 };

	CHECK(mkdtemp(dir));
	CHECK_INT(timeline_format(&tl, line, sizeof(line)), 0);
	kvlist_put(&tl, "init", "5140");
	kvlist_put(&tl, "drivers", "5300");
	kvlist_put(&tl, "medium", "6020");
	kvlist_put(&tl, "overlay", "7005");
	timeline_format(&tl, line, sizeof(line));
	CHECK_STR(line, "drivers 0.16 s, medium +0.72 s, overlay +0.98 s "
			"(from /init at 5.14 s of uptime)");
	kvlist_free(&tl);
	/* Marks go to RUN_DIR/timeline, each step once per process. */
	timeline_init(dir);
	timeline_mark("store");
	timeline_mark("store");
	timeline_init(NULL);
	snprintf(path, sizeof(path), "%s/%s", dir, RUN_TIMELINE);
	CHECK_INT(kvfile_read(&tl, path), 0);
	CHECK(kvlist_get(&tl, "store") != NULL);
	CHECK(kvlist_next(&tl, "store", kvlist_next(&tl, "store", NULL)) == NULL);
	kvlist_free(&tl);
	unlink(path);
	CHECK_INT(rmdir(dir), 0);
	/* A timeline that cannot be written is said, once. */
	{
		char said[512] = "";
		log_sink_fn fn;
		void *ctx;

		log_get_sink(&fn, &ctx);
		log_set_sink(collect, said);
		timeline_init(dir); /* removed above */
		timeline_mark("fsck");
		timeline_mark("overlay");
		timeline_init(NULL);
		log_set_sink(fn, ctx);
		CHECK(strstr(said, "cannot write the boot's timeline to") != NULL);
		CHECK(strstr(said, "No such file or directory") != NULL);
		CHECK(strstr(strstr(said, "timeline to") + 1, "timeline to") == NULL);
	}
}

/* A device is probed once a boot: known while name, devno, size and diskseq
 * stay; the file carries it to the next program. */
static void inventory(void)
{
	char dir[] = "/tmp/vtoy-unit-inventory-XXXXXX", path[128];
	struct blkdev_list inv = { 0 }, back;
	struct blkdev sda1 = { .name = "sda1", .devno = 0x801, .size = 1 << 20, .diskseq = 9 };
	struct blkdev now;

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, RUN_DEVICES);
	CHECK_INT(inventory_load(path, &back), 0); /* none yet: empty */
	CHECK_INT(back.count, 0);
	snprintf(sda1.fstype, sizeof(sda1.fstype), "exfat");
	snprintf(sda1.label, sizeof(sda1.label), "Ventoy");
	CHECK_INT(inventory_add(&inv, &sda1), 0);
	snprintf(sda1.label, sizeof(sda1.label), "Ventoy2");
	CHECK_INT(inventory_add(&inv, &sda1), 0); /* replaces, not twice */
	CHECK_INT(inv.count, 1);
	CHECK_INT(inventory_save(path, &inv), 0);
	CHECK_INT(inventory_load(path, &back), 0);
	CHECK_INT(back.count, 1);
	now = (struct blkdev){ .name = "sda1", .devno = 0x801, .size = 1 << 20, .diskseq = 9,
			       .probe_err = -5 };
	CHECK(inventory_apply(&back, &now, 0));
	CHECK_STR(now.fstype, "exfat");
	CHECK_STR(now.label, "Ventoy2");
	CHECK_INT(now.probe_err, 0);
	/* Another medium in the drive (diskseq), another size: probed again. */
	now.diskseq = 10;
	CHECK(!inventory_apply(&back, &now, 0));
	now.diskseq = 9;
	now.size = 2 << 20;
	CHECK(!inventory_apply(&back, &now, 0));
	blkdev_list_free(&back);
	/* A drive without a medium: kept, and opened again only after a while. */
	{
		struct blkdev sr0 = { .name = "sr0", .devno = 0xb00, .size = 1 << 20, .diskseq = 3,
				      .probe_err = -ENOMEDIUM, .probed_ms = 5000 };

		CHECK_INT(inventory_add(&inv, &sr0), 0);
		now = (struct blkdev){ .name = "sr0", .devno = 0xb00, .size = 1 << 20, .diskseq = 3 };
		CHECK(inventory_apply(&inv, &now, 5000 + INVENTORY_NO_MEDIUM_MS - 1));
		CHECK_INT(now.probe_err, -ENOMEDIUM);
		CHECK(!inventory_apply(&inv, &now, 5000 + INVENTORY_NO_MEDIUM_MS));
		now.diskseq = 4; /* the kernel saw a disc put in */
		CHECK(!inventory_apply(&inv, &now, 5001));
	}
	blkdev_list_free(&inv);
	/* A file from another build is ignored. */
	{
		FILE *f = fopen(path, "w");

		CHECK(f != NULL);
		fputs("vtoyinv1 not records", f);
		fclose(f);
	}
	CHECK_INT(inventory_load(path, &back), 0);
	CHECK_INT(back.count, 0);
	unlink(path);
	CHECK_INT(rmdir(dir), 0);
}

/* The quiet moments' order: in usb-storage's delay sd_mod, the deferred
 * controllers, then the groups; before it, usb-storage once a USB host
 * controller is driven, the deferred controllers, then the short groups;
 * nothing without USB. */
static void idle_choice(void)
{
	struct drivers_idle_state s = { .window = 1, .deferred = 1 };

	CHECK_INT(drivers_idle_choice(&s), IDLE_DISK);
	s.done |= 1u << IDLE_DISK;
	CHECK_INT(drivers_idle_choice(&s), IDLE_OTHER_CONTROLLERS);
	s.deferred = 0;
	CHECK_INT(drivers_idle_choice(&s), IDLE_FAT);
	s.done |= 1u << IDLE_FAT;
	CHECK_INT(drivers_idle_choice(&s), IDLE_MOUNTS);
	s.done |= 1u << IDLE_MOUNTS;
	CHECK_INT(drivers_idle_choice(&s), IDLE_EXT4);
	s.done |= 1u << IDLE_EXT4;
	CHECK_INT(drivers_idle_choice(&s), IDLE_NONE);

	/* USB still finding the stick: usb-storage and sd_mod, the deferred
	 * controllers, then the short groups. */
	s = (struct drivers_idle_state){ .usb_host = 1, .deferred = 1 };
	CHECK_INT(drivers_idle_choice(&s), IDLE_USB_STORAGE);
	s.done |= 1u << IDLE_USB_STORAGE;
	CHECK_INT(drivers_idle_choice(&s), IDLE_OTHER_CONTROLLERS);
	s.deferred = 0;
	CHECK_INT(drivers_idle_choice(&s), IDLE_FAT);
	s.done |= 1u << IDLE_FAT;
	CHECK_INT(drivers_idle_choice(&s), IDLE_MOUNTS);
	s.done |= 1u << IDLE_MOUNTS;
	/* ext4 is not short: not before the stick's delay. */
	CHECK_INT(drivers_idle_choice(&s), IDLE_NONE);

	/* The store search (no usb_host): deferred controllers only. */
	s = (struct drivers_idle_state){ .deferred = 1 };
	CHECK_INT(drivers_idle_choice(&s), IDLE_OTHER_CONTROLLERS);
	s.deferred = 0;
	CHECK_INT(drivers_idle_choice(&s), IDLE_NONE);

	/* In the delay usb-storage is in (it delays): never chosen there,
	 * also with every other job done. */
	s = (struct drivers_idle_state){ .usb_host = 1, .window = 1,
					 .done = IDLE_ALL_JOBS & ~(1u << IDLE_USB_STORAGE) };
	CHECK_INT(drivers_idle_choice(&s), IDLE_NONE);
}

/* What modprobe prints on stderr (busybox's "can't load module" even
 * with -q) is logged with our prefix, not left bare on the console; its
 * file under the run directory goes. A stand-in modprobe first in PATH. */
static void modprobe_errors_logged(void)
{
	/* static: the error directory points at it, even after a failed CHECK */
	static char dir[] = "/tmp/vtoy-unit-modprobe-XXXXXX";
	char script[600], path[1200], err[128], logged[512] = "", cmd[700];
	const char *names[] = { "crypto-crc32c" };
	const char *old_path = getenv("PATH");
	log_sink_fn fn;
	void *ctx;
	pid_t pid;
	FILE *f;

	CHECK(mkdtemp(dir));
	modprobe_set_error_dir(dir); /* not the host's /run/vtoy */
	snprintf(script, sizeof(script), "%s/modprobe", dir);
	CHECK((f = fopen(script, "w")) != NULL);
	fprintf(f, "#!/bin/sh\necho \"modprobe: can't load module crc32c_intel (k/c.ko): No such "
		   "device\" >&2\n");
	fclose(f);
	CHECK(chmod(script, 0755) == 0);
	snprintf(path, sizeof(path), "%s:%s", dir, old_path ? old_path : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	log_get_sink(&fn, &ctx);
	log_set_sink(collect, logged);
	pid = modprobe_start(names, 1);
	CHECK(pid > 0);
	CHECK_INT(modprobe_wait(pid, 1), 0);
	log_set_sink(fn, ctx);
	setenv("PATH", old_path ? old_path : "/usr/bin:/bin", 1);
	CHECK(strstr(logged, "drivers: modprobe: can't load module crc32c_intel (k/c.ko): No such "
			     "device (the module's own check found nothing for it") != NULL);
	snprintf(err, sizeof(err), "%s/modprobe.%d.err", dir, (int)pid);
	CHECK(access(err, F_OK) != 0);
	modprobe_set_error_dir(VTOY_RUN_DIR);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
}

const struct unit_test drivers_tests[] = {
	UNIT_TEST(modprobe_errors_logged),
	UNIT_TEST(idle_choice),
	UNIT_TEST(inventory),
	UNIT_TEST(unbound_aliases),
	UNIT_TEST(event_alias),
	UNIT_TEST(timeline_line),
	{ NULL, NULL },
};
