/* The boot's device inventory: each block device is probed once per boot.
 * vtoy-iso-scan's scans and vtoy-persist's (the store, casper's home-rw)
 * read what earlier scans probed from RUN_DIR/devices and probe only what
 * is new. A device is the same while its name, device number, size and its
 * disk's sequence number (/sys/block/DISK/diskseq, which the kernel raises
 * for each new disk and each media change: block/genhd.c) are; otherwise it
 * is probed again. Only probes that read the device are kept: a drive
 * without a medium, or a read error, is looked at again each time. */
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
/* Fills dev's probe results from inv when inv knows it as it is now
 * (name, devno, size, diskseq). Returns true when it did. */
bool inventory_apply(const struct blkdev_list *inv, struct blkdev *dev);
/* Adds dev (probed without error) to inv, replacing an older entry of its
 * name. Returns 0 or -ENOMEM. */
int inventory_add(struct blkdev_list *inv, const struct blkdev *dev);

/* How many devices this process probed, and took from the inventory. */
void blkdev_inventory_counts(unsigned *probed, unsigned *known);

#endif
