/* Finds the device holding the live medium the command line names (an ISO
 * file on some partition, or a device with the live layout on it), waiting
 * for devices on uevents. */
#ifndef VTOY_MEDIUM_LOCATE_H
#define VTOY_MEDIUM_LOCATE_H

#include <limits.h>
#include <stdbool.h>

#include "blkdev.h"
#include "medium_source.h"
#include "root_layout.h"

struct medium_location {
	char device[BLKDEV_PATH_MAX]; /* /dev/sda1: holds the ISO, or is the medium */
	char disk[BLKDEV_PATH_MAX];   /* /dev/sda */
	char fstype[32];
	char label[128];
	char uuid[64];
	bool whole_disk;           /* device is a disk, not a partition (a dd'd ISO, a CD) */
	char data_mount[PATH_MAX]; /* where device stays mounted, read-only */
	int iso_fd;                /* the ISO file beneath data_mount; -1 when device is the medium */
};

/* With src->iso_path, device is mounted at RUN_DIR/data and the ISO opened;
 * without, device is mounted at medium_mount. Returns 0, -ENOENT when nothing
 * matched by the deadline (every rejection logged, then a summary naming
 * the option to check), or another -errno. */
int medium_locate(const struct medium_source *src, const struct root_layout_opts *layout,
		  const char *run_dir, const char *medium_mount, struct medium_location *loc);

/* The order the search asks devices in (a qsort comparator of struct
 * blkdev): removable and USB disks first, then by filesystem (iso9660 and
 * udf, then vfat, exfat and NTFS, then the rest, where stores live), then
 * by name. Only the order: every device is still asked. */
int medium_order(const void *a, const void *b);

#endif
