/* What a filesystem's own header says about its last unmount, read without
 * mounting it (nothing is written). */
#ifndef VTOY_FS_UNCLEAN_H
#define VTOY_FS_UNCLEAN_H

/* 1 when the ext3/4 filesystem on device has a journal still to replay
 * (EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery"): it was not unmounted
 * cleanly, after a power cut, a pulled stick, or a shutdown that never
 * unmounted it. 0 when clean (or ext2), -errno when unreadable, -EINVAL
 * when not ext2/3/4. (fs/ext4/ext4.h: superblock at byte 1024, s_magic at
 * 0x38, s_feature_incompat at 0x60.) */
int ext_needs_recovery(const char *device);

/* 1 when the exFAT volume on device has VolumeDirty set (the exFAT
 * specification, section 3.1.13: VolumeFlags at byte 106 of the main boot
 * sector, bit 1): the kernel's exfat driver sets it while changing the
 * volume and clears it when the change is synced, so a set bit at boot
 * means the last session was cut off (power, a pulled stick) or never
 * unmounted it. 0 when clean, -EINVAL when device holds no exFAT, -errno
 * when unreadable. */
int exfat_volume_dirty(const char *device);

#endif
