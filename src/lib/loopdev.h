/* Loop devices straight through the kernel's ioctls, as util-linux's loopdev
 * does: LOOP_CTL_GET_FREE, then LOOP_CONFIGURE, else LOOP_SET_FD +
 * LOOP_SET_STATUS64. */
#ifndef VTOY_LOOPDEV_H
#define VTOY_LOOPDEV_H

#include <stdbool.h>
#include <stddef.h>

/* Attaches backing_fd; name is recorded as the backing file name for
 * losetup. Writes "/dev/loopN" to dev and returns an open fd on it, or
 * -errno. The device is set to clear itself on last close, so the caller
 * keeps that fd open until the device is mounted (or held otherwise). */
int loopdev_attach_fd(int backing_fd, bool read_only, const char *name, char *dev, size_t len);

/* The same with LO_FLAGS_PARTSCAN: the kernel reads the image's partition
 * table before LOOP_CONFIGURE returns, and devtmpfs makes /dev/loopNpK
 * (drivers/block/loop.c: loop_configure calls loop_reread_partitions).
 * For store images that hold a partition table. */
int loopdev_attach_parts(int backing_fd, bool read_only, const char *name, char *dev,
			 size_t len);

#endif
