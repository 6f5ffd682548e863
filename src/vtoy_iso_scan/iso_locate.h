/* Finds the partition holding an ISO file, waiting for devices on uevents. */
#ifndef VTOY_ISO_LOCATE_H
#define VTOY_ISO_LOCATE_H

#include "blkdev.h"
#include <limits.h>

#include "medium_source.h"

struct iso_location {
	char device[BLKDEV_PATH_MAX];   /* /dev/sda1 */
	char disk[BLKDEV_PATH_MAX];     /* /dev/sda */
	char fstype[32];
	char label[128];
	char host_mount[PATH_MAX]; /* where that partition stays mounted, read-only */
	int iso_fd;        /* the ISO, opened beneath host_mount */
};

/* Returns 0, -ENOENT when no partition held the file by the deadline, or
 * another -errno. The reasons for every rejected device are logged. */
int iso_locate(const struct medium_source *src, const char *run_dir, struct iso_location *loc);

#endif
