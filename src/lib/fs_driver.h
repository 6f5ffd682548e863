/* Filesystem drivers loaded when they are about to be used. */
#ifndef VTOY_FS_DRIVER_H
#define VTOY_FS_DRIVER_H

#include <stddef.h>
#include <sys/types.h>

/* True when /proc/filesystems lists fstype (the driver is built in or
 * loaded). */
int fs_driver_present(const char *fstype);

/* Makes sure the kernel has a driver for fstype before a mount: when
 * /proc/filesystems does not list it, waits for drivers.c's background
 * load, if any (drivers_settle: it may be bringing it), looks again, then
 * says so ("loading the xfs driver") and runs `modprobe -q fs-FSTYPE` (the
 * alias every filesystem module declares, MODULE_ALIAS_FS, and the name
 * the kernel's own request_module asks for at mount; PATH's modprobe:
 * busybox's in our image, kmod's in the generators' images) and looks
 * again. Beyond the few drivers.c preloads in the wait, no filesystem
 * module is loaded before one of its type is mounted: btrfs alone brings
 * raid6 and xor, whose speed tests would cost every boot. Returns 0, or
 * -ENODEV when the driver is still missing (the mount's failure tells the
 * rest). */
int fs_driver_ensure(const char *fstype);

/* fs_driver_ensure, and an error naming the image's missing module. */
int fs_driver_load(const char *fstype);

/* Where modprobe_start's children write their errors: the program's run
 * directory (--run-dir; VTOY_RUN_DIR until set). dir is kept, not copied. */
void modprobe_set_error_dir(const char *dir);

/* Starts `modprobe -a -q NAMES...` (PATH's modprobe) in a child process,
 * its errors into a file in the error directory above (the console
 * otherwise shows them unexplained; modprobe_wait logs them). The one
 * module loader runner: drivers.c and the callers below go through it.
 * Returns its pid, or -errno. */
pid_t modprobe_start(const char *const *names, size_t count);

/* Waits for modprobe_start's child pid (block 0: only looks), then logs
 * what it wrote to its error file ("drivers: modprobe: ..."). Returns its
 * exit status (127: no modprobe to run), -EAGAIN while it runs, or -errno. */
int modprobe_wait(pid_t pid, int block);

/* modprobe_start, then modprobe_wait until it ends. */
int modprobe_run(const char *const *names, size_t count);

/* modprobe_run of one name. For drivers loaded by name, not found through
 * /proc/filesystems. */
int modprobe_quiet(const char *name);

#endif
