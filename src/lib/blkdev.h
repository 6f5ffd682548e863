/* Block devices from /sys/class/block, probed with libblkid. */
#ifndef VTOY_BLKDEV_H
#define VTOY_BLKDEV_H

#include <stdbool.h>
#include <sys/types.h>

#define BLKDEV_PATH_MAX 272 /* /dev/ + a kernel device name */

struct blkdev {
	char name[256];     /* sda1 */
	char node[BLKDEV_PATH_MAX];    /* /dev/sda1 */
	char disk[256];     /* sda: the whole disk this belongs to */
	dev_t devno;
	unsigned long long size; /* bytes */
	bool is_partition;
	bool has_partitions;
	bool removable;     /* removable media flag, or on a USB bus */
	bool usb;           /* on a USB bus */
	int probe_err;      /* 0, or why the device could not be read (-errno) */
	char fstype[32];    /* TYPE, "" when none found */
	char label[128];    /* LABEL */
	char uuid[64];      /* UUID */
	char part_name[128];/* PART_ENTRY_NAME (GPT partition name) */
	char part_uuid[64]; /* PART_ENTRY_UUID (GPT partition GUID; MBR: disk id-NN) */
	char pttype[16];    /* PTTYPE: a partition table ("dos", "gpt") where no filesystem is */
	unsigned long long diskseq; /* its disk's sequence number (0: kernel before 5.15) */
	long long probed_ms; /* when it was probed, ms of CLOCK_BOOTTIME */
};

struct blkdev_list {
	struct blkdev *devs;
	size_t count;
};

/* Lists and probes every block device except loop, ram, zram and
 * device-mapper devices, sorted by name; a device the boot's inventory
 * knows (blkdev_inventory.h) is not probed again. A disk whose partitions
 * are listed is probed for iso9660 and udf only (an ISO written to it),
 * besides its partition table; other devices by blkdev_probe_search().
 * Returns 0 or -errno. */
int blkdev_scan(struct blkdev_list *list);
void blkdev_list_free(struct blkdev_list *list);

/* Probes one device or image file (filesystem type, label, uuid) for every
 * type libblkid knows: what vtoy-stick looks at before it writes. Returns
 * 0 (fstype stays "" when no filesystem is found, or when two are and
 * libblkid calls it ambivalent) or -errno when it could not be read. */
int blkdev_probe(const char *path, struct blkdev *dev);

/* As blkdev_probe(), for the boot (blkdev_scan(), the ISO, root images and
 * stores): every type but a ZFS pool member and an XFS external log, whose
 * probers read 256 KiB blocks and which can hold neither a medium nor a
 * store (blkdev.c says why leaving them out is safe). */
int blkdev_probe_search(const char *path, struct blkdev *dev);

/* The device a stacked device (device-mapper, loop) sits on: the first
 * entry of /sys/dev/block/MAJ:MIN/slaves, its kernel name ("sda1") in name.
 * Returns 0, -ENOENT when it has none, or -errno. */
int blkdev_slave(dev_t devno, char *name, size_t len);

/* Why dev cannot be looked into, or NULL when a filesystem was found on it.
 * *again: the reason may pass (no medium in the drive yet, a read error):
 * worth another look after the next device event. */
const char *blkdev_unreadable(const struct blkdev *dev, bool *again);

/* True when the block device NAME ("sdb1") sits on a USB bus: its
 * /sys/class/block link goes through a usb device. */
bool blkdev_on_usb(const char *name);

/* Makes sure /dev/NAME exists for dev (mknod when devtmpfs lacks it). */
int blkdev_ensure_node(const struct blkdev *dev);

#endif
