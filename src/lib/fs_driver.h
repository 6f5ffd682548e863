/* Filesystem drivers loaded when they are about to be used. */
#ifndef VTOY_FS_DRIVER_H
#define VTOY_FS_DRIVER_H

/* True when /proc/filesystems lists fstype (the driver is built in or
 * loaded). */
int fs_driver_present(const char *fstype);

/* Makes sure the kernel has a driver for fstype: when /proc/filesystems
 * does not list it, runs `modprobe -q FSTYPE` (PATH's modprobe: busybox's
 * in our image, kmod's in the generators' images) and looks again. The
 * stores' xfs and btrfs drivers are shipped but not loaded at boot
 * (modules.list marks them on-demand): btrfs alone brings raid6 and xor,
 * whose speed tests cost every boot. Returns 0, or -ENODEV (logged) when
 * the driver is still missing. */
int fs_driver_load(const char *fstype);

/* Runs `modprobe -q name` and waits for it; its exit status, or -errno.
 * For drivers loaded by name, not found through /proc/filesystems. */
int modprobe_quiet(const char *name);

#endif
