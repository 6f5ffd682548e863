/* The boot's device inventory: each block device is probed once per boot.
 * vtoy-iso-scan's scans and vtoy-persist's (the store, casper's home-rw)
 * read what earlier scans probed from RUN_DIR/devices and probe only what
 * is new. A device is the same while its name, device number, size and its
 * disk's sequence number (/sys/block/DISK/diskseq, which the kernel raises
 * for each new disk and each media change: block/genhd.c) are; otherwise it
 * is probed again. A drive without a medium is opened again only once
 * INVENTORY_NO_MEDIUM_MS have passed: opening an empty CD drive takes
 * 0.1-0.15 s under TCG, and every device event brings a scan (a disc put in
 * is seen by the scan after that; the kernel raises diskseq when it sees
 * the media change). A read error is looked at again each time. */
#ifndef VTOY_BLKDEV_INVENTORY_H
#define VTOY_BLKDEV_INVENTORY_H

#include <stdbool.h>

#include "blkdev.h"
#include "paths.h"


/* Where blkdev_scan keeps the inventory (RUN_DIR/devices); NULL (the
 * default) turns it off: every scan probes every device. */
void blkdev_inventory_init(const char *run_dir);

/* Reads the inventory file at path into inv (empty when it is missing or
 * from another build). Returns 0 or -errno. */
int inventory_load(const char *path, struct blkdev_list *inv);
/* Writes inv to path atomically (temporary file, rename). 0 or -errno. */
int inventory_save(const char *path, const struct blkdev_list *inv);
#define INVENTORY_NO_MEDIUM_MS 2000

/* Fills dev's probe results from inv when inv knows it as it is now
 * (name, devno, size, diskseq) and, for a drive without a medium, looked
 * less than INVENTORY_NO_MEDIUM_MS before now_ms (CLOCK_BOOTTIME). Returns
 * true when it did. */
bool inventory_apply(const struct blkdev_list *inv, struct blkdev *dev, long long now_ms);
/* Adds dev (probed without error, or found without a medium) to inv,
 * replacing an older entry of its name. Returns 0 or -ENOMEM. */
int inventory_add(struct blkdev_list *inv, const struct blkdev *dev);

/* How many devices this process probed, and took from the inventory. */
void blkdev_inventory_counts(unsigned *probed, unsigned *known);

#endif
