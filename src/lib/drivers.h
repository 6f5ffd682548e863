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
 * yet (RUN_DIR/modaliases), in one modprobe, and logs the modules that
 * came. When USB host controllers are among them, only theirs load now:
 * the rest wait for a quiet moment of the wait (drivers_idle), as USB
 * takes a while to find a stick and usb-storage then delays its scan. Our
 * loads run one at a time: two modprobes at once on a slow machine only
 * slow each other (and the log could not tell which brought what). This
 * one runs after the background load, if any, and is waited for. Returns
 * the number of modules loaded, 0 when not on demand, or -errno. */
int drivers_coldplug(void);

/* drivers_coldplug's work for a later wait of the same process: first
 * the loads an earlier wait left running, queued or deferred end (its
 * program's exit used to wait for them), except a filesystems' group
 * running alone, which a mount or the store's opening waits for
 * (fs_driver_ensure). Then, when the process's uevent socket
 * (uevent_socket) fd has stayed open since its last walk of /sys, the
 * devices added since are the events queued on it: their drivers load
 * from there (uevent_drain), waited for, instead of a walk of /sys again
 * (10-17 ms under TCG); otherwise, or when events were lost,
 * drivers_coldplug. The queue is read in both cases, its disks not taken
 * as announced. Returns the number of modules loaded (0 when not on
 * demand). */
int drivers_catch_up(int fd);

/* For each uevent the wait loops receive: loads the driver of an added
 * device (its MODALIAS) when on demand and not tried yet, in the
 * background (after the running load, at the next quiet moment): the
 * devices it drives announce themselves by uevents. */
void drivers_uevent(const char *buf, size_t len);

/* Loads at the wait's quiet moments (drivers_idle), one job each. */
enum drivers_idle_job {
	IDLE_NONE = -1,
	IDLE_DISK = 0, /* sd_mod, for the disk usb-storage will add */
	IDLE_OTHER_CONTROLLERS, /* what drivers_coldplug deferred */
	/* The groups of modules, in the order they load: the stick's own
	 * filesystems first (the ISO is looked for on them), then what
	 * mounts the ISO and its images, then ext4 (most stores). */
	IDLE_FAT, /* exfat, vfat */
	IDLE_MOUNTS, /* loop, iso9660, squashfs, overlay */
	IDLE_EXT4,
	IDLE_USB_STORAGE, /* usb-storage and sd_mod, before a stick shows up */
};
#define IDLE_FIRST_GROUP IDLE_FAT
#define IDLE_ALL_JOBS ((1u << (IDLE_USB_STORAGE + 1)) - 1)

struct drivers_idle_state {
	int window; /* a USB stick waits in usb-storage's delay_use */
	int usb_host; /* a USB host controller has its driver, and the medium
		       * search waits: a stick may come */
	int deferred; /* drivers_coldplug deferred some devices */
	unsigned done; /* 1u << job, for each job done or not wanted */
};

/* Which job a quiet moment runs. In usb-storage's delay_use (time the
 * kernel makes us wait anyway, 1 s by default): sd_mod, the deferred
 * controllers, then the groups. Before it: with usb_host, usb-storage and
 * sd_mod first, so that USB's finding a stick starts its scan at once
 * rather than a load; the deferred controllers; with usb_host, the two
 * short groups. Else none: without USB the drivers come at coldplug, the
 * filesystems at mount. Returns an enum drivers_idle_job. */
int drivers_idle_choice(const struct drivers_idle_state *s);

/* Called by the medium search's wait: from now on a stick may be what it
 * waits for, so a driven USB host controller gets usb-storage at a quiet
 * moment (drivers_idle_choice). The store search does not: by then a stick
 * has brought its driver by its uevent. */
void drivers_stick_wanted(void);

/* True while the wait has idle work left, or a load still runs. */
int drivers_idle_pending(void);
/* Called when the wait has been quiet a moment (DRIVERS_IDLE_MS): ends
 * the background load if it has ended, then starts the next in the
 * background: the modaliases of devices added meanwhile, else
 * drivers_idle_choice's job. A load left running when the program exits
 * is waited for then (and the queued ones run). */
void drivers_idle(void);
#define DRIVERS_IDLE_MS 50

/* A descriptor that polls readable once the background load has ended
 * (a pidfd), or -1 when none runs or the kernel has no pidfd: then
 * drivers_idle, DRIVERS_IDLE_MS after the last event, sees it ended. */
int drivers_load_fd(void);
/* Called when drivers_load_fd polled readable: ends the load and starts
 * the queued modaliases' (not drivers_idle's jobs: those wait for a quiet
 * moment, so that a device added meanwhile is not held up behind one). */
void drivers_load_ended(void);

/* Waits for the background load, if any. Before a driver is needed now:
 * busybox modprobe takes a module listed in /proc/modules for loaded even
 * while it is still loading, and returns before it is usable. */
void drivers_settle(void);

/* Starts loading ext4's group (IDLE_EXT4: ext4 and the crc32c its mount
 * asks for) in the background when on demand and not in yet: for the store
 * search, as most stores are ext4; it loads while the store is looked
 * for. Waits first for the running load and the queued devices' drivers
 * (one load at a time). A mount waits for it (fs_driver_ensure), as does
 * the program's exit. */
void drivers_preload_ext4(const char *why);

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
