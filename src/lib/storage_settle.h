/* Waiting for USB disks the kernel has seen but not yet made block devices
 * of. usb-storage waits delay_use (1 s by default) after binding before it
 * scans for LUNs, and sd_mod attaches after that: a store on a second stick
 * can be missing when the medium on the first one was already found. */
#ifndef VTOY_STORAGE_SETTLE_H
#define VTOY_STORAGE_SETTLE_H

#include <stdbool.h>
#include <stddef.h>

/* Counts the USB mass-storage interfaces (bInterfaceClass 08) under
 * SYSFS/bus/usb/devices that are still on their way to a block device:
 * unbound while usb-storage or uas is loaded (or at all, with
 * driver_coming: drivers on demand load one from its modalias), bound but
 * without a SCSI host or target yet (the delayed scan), or with a disk or
 * CD LUN that has no block device yet. The first one is described in what
 * ("1-2:1.0: SCSI scan pending"). Returns the count (0 when there is no
 * USB at all). */
int storage_pending(const char *sysfs, char *what, size_t len, bool driver_coming);

/* True when a USB mass-storage interface under SYSFS/bus/usb/devices is
 * bound and its SCSI host waits for usb-storage's delayed scan (delay_use,
 * drivers/usb/storage/usb.c): a second or more of the kernel's own
 * waiting. */
int storage_scan_delayed(const char *sysfs);

/* True when a USB host controller has its driver: its root hub (usbN) is
 * under SYSFS/bus/usb/devices. */
int storage_usb_host(const char *sysfs);

#define STORAGE_DISKS_MAX 64

/* Whole disks by kernel name ("sdb"). */
struct disk_names {
	char names[STORAGE_DISKS_MAX][32];
	size_t count;
	int all; /* events were lost: every disk counts as announced */
};

/* The whole disks in SYSFS/block, loop, ram, zram and device-mapper left
 * out. */
void storage_disks(const char *sysfs, struct disk_names *out);

/* Disks in SYSFS/block that are in neither before nor announced: made by
 * sd_mod while waiting, but not yet announced by the kernel, which does so
 * only after reading their partition table (block/genhd.c). The first is
 * named in what. Returns their count. */
int storage_unannounced(const char *sysfs, const struct disk_names *before,
			const struct disk_names *announced, char *what, size_t len);

/* Opens, read-only, the block device in DEV_DIR of each USB disk LUN
 * under SYSFS/bus/usb/devices, and closes it (CD drives are left out: no
 * store is on one, and an empty one is slow to open). The kernel makes a
 * disk's sysfs entry and device node before it reads the partition table, holding
 * the disk's open_mutex while it reads (device_add_disk,
 * disk_scan_partitions: block/genhd.c); an open waits for that mutex. A
 * missing node is made from the disk's dev attribute when DEV_DIR is not
 * devtmpfs. A disk whose node is missing or cannot be opened yet (ENXIO:
 * sysfs has it before its block device is registered) counts as pending,
 * unless its SCSI device is not "running" (offline after errors: it never
 * comes); the first is named in what. The disks that had no partition in
 * sysfs before their open and have some after are named in fresh: a search
 * before the open would have missed them, and the kernel announces them
 * once its own read is done. Returns the pending count. */
int storage_tables_read(const char *sysfs, const char *dev_dir, char *what, size_t len,
			struct disk_names *fresh);

/* Waits on block uevents until storage_pending("/sys") is 0, every disk
 * that appeared meanwhile or whose partitions came during
 * storage_tables_read("/sys", "/dev") has been announced, and that is 0, or
 * timeout_ms passes, logging what it waits for and how it
 * ended. Returns 0 when nothing is pending (at once or after waiting), 1
 * when the deadline passed with devices still pending; *waited_ms gets the
 * time spent. */
int storage_settle(long timeout_ms, long long *waited_ms);

#endif
