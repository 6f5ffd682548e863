/* Device-mapper "linear" devices straight through the kernel's ioctls on
 * /dev/mapper/control (linux/dm-ioctl.h, interface version 4): no
 * libdevmapper, no dmsetup, no udev. */
#ifndef VTOY_DM_H
#define VTOY_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DM_MAPPER_DIR "/dev/mapper"

/* One target, in 512-byte sectors: start in the new device, length, and
 * offset on the backing device. */
struct dm_linear {
	uint64_t start, length, offset;
};

/* The kernel takes at most this many targets in one table. */
#define DM_TARGETS_MAX (1u << 20)

/* Creates and activates /dev/mapper/NAME as a linear map onto backing (the
 * dev_t of the whole disk). Opens /dev/mapper/control, creating that node
 * from /sys/class/misc/device-mapper/dev when missing (devtmpfs does not
 * make it); -ENODEV, logged naming dm_mod, when device-mapper is absent.
 * DM_VERSION check, DM_DEV_CREATE, DM_TABLE_LOAD with n "linear" targets,
 * DM_DEV_SUSPEND to resume (DM_READONLY_FLAG on create and load when
 * read_only). Creates the block node /dev/mapper/NAME when missing (devtmpfs
 * only makes /dev/dm-N) and writes its path to node. -EEXIST when a device
 * of that name exists already (it is left alone). On any failure after the
 * create, removes the half-made device. Returns 0 or -errno, each logged. */
int dm_linear_create(const char *name, dev_t backing, const struct dm_linear *segs, size_t n,
		     bool read_only, char *node, size_t node_len);

/* DM_DEV_REMOVE; then unlinks /dev/mapper/NAME when it is a block node for
 * that device (one we made; udev's symlinks are left to udev). -ENXIO when
 * no such device; -EBUSY while it is open or mounted. */
int dm_remove(const char *name);

/* DM_DEV_STATUS: 0 with *devno filled when NAME exists, -ENXIO when not,
 * other -errno when device-mapper cannot be asked. */
int dm_lookup(const char *name, dev_t *devno);

/* The pure part, testable without a kernel. */

/* 0 for a name the kernel and /dev/mapper accept: -EINVAL when empty, ".",
 * "..", "control" or holding '/' or control characters, -ENAMETOOLONG at 128
 * bytes or more. */
int dm_name_check(const char *name);

/* Bytes dm_table_pack() needs at most for n targets (n <= DM_TARGETS_MAX). */
size_t dm_table_size_max(size_t n);

/* Serialises a DM_TABLE_LOAD request into buf: struct dm_ioctl (version 4.0.0,
 * name, target_count, DM_READONLY_FLAG when read_only, data_start = its size,
 * data_size = the bytes used), then per target a struct dm_target_spec
 * ("linear") followed by "MAJ:MIN OFFSET" and its NUL, padded so that each
 * `next` (bytes from this spec to the next) is a multiple of 8. Targets must
 * tile the device from sector 0 with non-zero lengths. Returns the bytes used
 * (the ioctl's data_size), or -EINVAL (bad name or targets), -ENAMETOOLONG
 * (name), -E2BIG (n = 0 is -EINVAL; more than DM_TARGETS_MAX), -ENOSPC (buf
 * shorter than needed). */
int dm_table_pack(void *buf, size_t len, const char *name, dev_t backing,
		  const struct dm_linear *segs, size_t n, bool read_only);

/* The dev_t in dm_ioctl.dev (the kernel's huge_encode_dev()). */
dev_t dm_decode_dev(uint64_t dev);

#endif
