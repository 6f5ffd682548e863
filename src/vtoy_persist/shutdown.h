/* The way out: systemd's /run/initramfs/shutdown interface
 * (systemd-shutdown(8), src/shutdown/shutdown.c). After systemd has
 * stopped everything and unmounted what it could, it bind-mounts
 * /run/initramfs on itself, pivots into it with the old root at /oldroot
 * (/dev, /proc, /sys, /run bound in) and execs /shutdown VERB. The old
 * root is our overlay: only from outside it can the overlay, and then the
 * store, the ISO and the data partition below it, be unmounted. */
#ifndef VTOY_SHUTDOWN_H
#define VTOY_SHUTDOWN_H

#include <stddef.h>

#define SHUTDOWN_DIR "/run/initramfs"
#define SHUTDOWN_OLDROOT "/oldroot"
#define SHUTDOWN_UTAB "/run/mount/utab"

enum shutdown_step {
	SHUTDOWN_OK,
	SHUTDOWN_UNMOUNT,   /* mounts below the old root that stayed */
	SHUTDOWN_DEVICES,   /* device-mapper devices that stayed */
	SHUTDOWN_REBOOT,    /* the reboot(2) call itself */
};

/* Copies the running binary (/proc/self/exe) to DIR/shutdown, with the
 * directories systemd-shutdown pivots into, unless DIR/shutdown exists
 * already (dracut's shutdown module, another tool's: theirs is kept).
 * Returns 0, 1 when one was there, or -errno. */
int shutdown_install(const char *dir);

/* Marks every mount at and below run_dir x-initrd.mount in libmount's
 * userspace table (utab: /run/mount/utab), so that systemd leaves them to
 * the way out: its mount units for them are "extrinsic" (systemd's
 * fstab_is_extrinsic(): an initrd mount, not stopped by umount.target,
 * which would only fail on them, busy under the root overlay, with red
 * "Failed unmounting" lines). Returns how many were marked, or -errno. */
int shutdown_keep_mounts(const char *run_dir, const char *utab);

/* Unmounts everything at and below oldroot, deepest first, passes until
 * none is left or a pass frees nothing (a busy one is then detached), and
 * removes our device-mapper devices. *left: how many mounts stayed.
 * Returns SHUTDOWN_OK or the step that left something behind. */
enum shutdown_step shutdown_unmount(const char *oldroot, const char *mountinfo, size_t *left);

/* The reboot(2) command for systemd-shutdown's verb: "poweroff", "reboot",
 * "halt", "kexec". Returns -1 for another word. */
int shutdown_command(const char *verb);

#endif
