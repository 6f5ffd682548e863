/* What an exFAT volume says about its last unmount. */
#ifndef VTOY_EXFAT_STATE_H
#define VTOY_EXFAT_STATE_H

/* 1 when the exFAT volume on device has VolumeDirty set (the exFAT
 * specification, section 3.1.13: VolumeFlags at byte 106 of the main boot
 * sector, bit 1): the kernel's exfat driver sets it while changing the
 * volume and clears it when the change is synced, so a set bit at boot
 * means the last session was cut off (power, a pulled stick) or never
 * unmounted it. 0 when clean, -EINVAL when device holds no exFAT, -errno
 * when unreadable. Reads 512 bytes; writes nothing. */
int exfat_volume_dirty(const char *device);

#endif
