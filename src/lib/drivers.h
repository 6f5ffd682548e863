/* Kernel modules loaded for what this machine has, when it needs them, as
 * Alpine's nlplug-findfs does: at start the modalias of every device in
 * sysfs that has no driver yet, then the MODALIAS of each device the kernel
 * adds while we wait (usb-storage's SCSI disk appears only once it is bound,
 * and then needs sd_mod). One `modprobe -a` resolves them through the
 * image's modules.alias (busybox's or kmod's modprobe, whichever is PATH's).
 * Filesystems come through the kernel's own request_module("fs-TYPE") at
 * mount(2); loop and dm-mod, which have no node to open before they are
 * loaded, through drivers_need().
 *
 * Where udev runs (initramfs-tools, dracut: /run/udev/control exists) udev
 * loads the hardware drivers and this does nothing. vtoy.modules=all on the
 * command line loads every module of /etc/vtoy/modules.list at start instead
 * (vtoy-root does it). */
#ifndef VTOY_DRIVERS_H
#define VTOY_DRIVERS_H

#include <stddef.h>

#define DRIVERS_LIST "/etc/vtoy/modules.list"

/* The distinct modalias values of the devices listed in
 * SYSFS/bus/BUS/devices that have no driver bound ("driver" link absent),
 * at most max of them, in out (malloc'd strings the caller frees). Returns
 * their count or -errno. */
int drivers_unbound_aliases(const char *sysfs, char **out, size_t max);

/* The MODALIAS of an ACTION=add uevent (NUL-separated fields, len bytes),
 * or NULL. */
const char *drivers_event_alias(const char *buf, size_t len);

/* True when this process loads drivers on demand: an image with
 * DRIVERS_LIST, no udev running, and not vtoy.modules=all. */
int drivers_on_demand(void);

/* Loads the drivers of every device without one now
 * (drivers_unbound_aliases of /sys) whose modalias this boot has not tried
 * yet (RUN_DIR/modaliases), in one modprobe, USB host controllers first,
 * and logs the modules that came. Loads run one at a time in the caller:
 * two modprobes at once on a slow machine only slow each other (and the log
 * could not tell which brought what). Returns the number of modules
 * loaded, 0 when not on demand, or -errno. */
int drivers_coldplug(void);

/* For each uevent the wait loops receive: loads the driver of an added
 * device (its MODALIAS) when on demand and not tried yet. */
void drivers_uevent(const char *buf, size_t len);

/* True while the wait has idle work: modules a live boot mounts with
 * (loop, iso9660, squashfs, overlay; exfat, vfat; ext4) not loaded yet. */
int drivers_idle_pending(void);
/* Called when the wait has been quiet a moment (DRIVERS_IDLE_MS): loads the
 * next group of those modules when a USB stick is in usb-storage's delayed
 * scan (storage_scan_delayed: delay_use, 1 s by default), time the kernel
 * makes us wait anyway; otherwise they load when first mounted. */
void drivers_idle(void);
#define DRIVERS_IDLE_MS 50

/* Loads the modules of DRIVERS_LIST that are not marked on-demand, in one
 * modprobe, once per process: the fallback when no medium shows up in time
 * (a controller whose modalias matched nothing). why is logged. Returns
 * the number of modules loaded, or -errno. */
int drivers_load_all(const char *why);

/* Loads module name now unless sysfs_dir (/sys/class/misc/loop-control,
 * say) shows it is there; for loop and dm-mod, whose control nodes exist
 * only once they are loaded. Returns 0 when present after, -ENODEV when
 * not. */
int drivers_need(const char *name, const char *sysfs_dir);

#endif
