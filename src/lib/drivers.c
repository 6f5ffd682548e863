#include "drivers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmdline.h"
#include "fs_driver.h"
#include "log.h"
#include "paths.h"
#include "sysfs.h"
#include "storage_settle.h"
#include "uevent.h"

#define ALIASES_MAX 256

static int has_alias(char **out, size_t count, const char *alias)
{
	for (size_t i = 0; i < count; i++)
		if (!strcmp(out[i], alias))
			return 1;
	return 0;
}

/* SYSFS/bus/BUS/devices lists each device of the bus, flat, as a link to
 * its directory: two levels to read, where a walk of SYSFS/devices visits
 * every attribute directory (most of a second under TCG for `find`). */
int drivers_unbound_aliases(const char *sysfs, char **out, size_t max)
{
	char path[512], alias[256];
	struct dirent *bus, *dev;
	size_t count = 0;
	DIR *buses, *devs;

	snprintf(path, sizeof(path), "%s/bus", sysfs);
	if (!(buses = opendir(path)))
		return -errno;
	while ((bus = readdir(buses))) {
		if (bus->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/bus/%s/devices", sysfs, bus->d_name);
		if (!(devs = opendir(path)))
			continue;
		while ((dev = readdir(devs)) && count < max) {
			char attr[512];

			if (dev->d_name[0] == '.')
				continue;
			/* Relative to the bus's directory: /sys/bus/X/devices is
			 * looked up once, not for every device. */
			if ((size_t)snprintf(attr, sizeof(attr), "%s/driver", dev->d_name) >=
				    sizeof(attr) ||
			    faccessat(dirfd(devs), attr, F_OK, 0) == 0)
				continue;
			if ((size_t)snprintf(attr, sizeof(attr), "%s/modalias", dev->d_name) >=
				    sizeof(attr) ||
			    sysfs_read_at(dirfd(devs), attr, alias, sizeof(alias)) < 0 || !alias[0] ||
			    has_alias(out, count, alias))
				continue;
			if (!(out[count] = strdup(alias))) {
				closedir(devs);
				closedir(buses);
				while (count)
					free(out[--count]);
				return -ENOMEM;
			}
			count++;
		}
		closedir(devs);
	}
	closedir(buses);
	return (int)count;
}

const char *drivers_event_alias(const char *buf, size_t len)
{
	const char *alias = NULL;
	int add = 0;

	for (size_t off = 0; off < len; off += strlen(buf + off) + 1) {
		if (!strcmp(buf + off, "ACTION=add"))
			add = 1;
		else if (!strncmp(buf + off, "MODALIAS=", 9))
			alias = buf + off + 9;
	}
	return add && alias && alias[0] ? alias : NULL;
}

int drivers_on_demand(void)
{
	static int on_demand = -1;

	if (on_demand < 0) {
		struct kvlist args = { 0 };

		on_demand = access(DRIVERS_LIST, R_OK) == 0 && access("/run/udev/control", F_OK) != 0;
		if (on_demand && cmdline_read(&args, "/proc/cmdline") == 0) {
			const char *v = kvlist_get(&args, "vtoy.modules");

			on_demand = !(v && !strcmp(v, "all"));
		}
		kvlist_free(&args);
	}
	return on_demand;
}

/* The names in /proc/modules in buf, each after a '\n' and before one. */
static void loaded_modules(char *buf, size_t len)
{
	FILE *f = fopen("/proc/modules", "re");
	char line[512];
	size_t used = 0;

	buf[0] = '\n';
	buf[1] = '\0';
	if (!f)
		return;
	used = 1;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, " ");

		if (used + n + 2 >= len)
			break;
		memcpy(buf + used, line, n);
		used += n;
		buf[used++] = '\n';
		buf[used] = '\0';
	}
	fclose(f);
}

/* The kernel's module.async_probe (kernel/module/main.c, Linux 6.0 and
 * later): while it is Y, a module's devices are probed in the kernel's
 * async workers and init_module returns without waiting for them (AHCI's
 * link probes: ~0.35 s under TCG). Set around our own loads only, so the
 * running system's default is left alone. Returns the old value ('N' when
 * there is no such parameter). */
#define ASYNC_PROBE "/sys/module/module/parameters/async_probe"

static char async_probe_set(char value)
{
	char old[8] = "N", buf[2] = { value, '\n' };
	int fd;

	if (sysfs_read(ASYNC_PROBE, old, sizeof(old)) < 0 || old[0] == value)
		return old[0];
	fd = open(ASYNC_PROBE, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, buf, sizeof(buf)) < 0)
			log_debug("drivers: cannot set %s: %s", ASYNC_PROBE, strerror(errno));
		close(fd);
	}
	return old[0];
}

/* The one load in the background, if any: the wait goes on scanning,
 * probing and mounting while init_module runs (ext4's takes 0.5-0.8 s
 * under TCG). Our loads run one at a time, so the modules /proc/modules
 * gained meanwhile are this load's (a filesystem the kernel itself asks
 * for at a mount meanwhile would be listed with them). */
static struct running_load {
	pid_t pid; /* 0: none */
	int pidfd; /* readable once it has ended (pidfd_open, Linux 5.3); -1 without */
	pid_t owner; /* the process that started it */
	int waited; /* waited for from its start (load) */
	int fs_group; /* filesystems' (FAT, mounts, ext4): no device waits for it */
	long long start;
	char async_was;
	char why[300];
	char before[16384];
} running;

/* Modaliases of devices added while a load runs: they wait for the next
 * slot, before drivers_idle's own jobs. With each, its driver link in
 * /sys. */
static char *queued[ALIASES_MAX], *queued_driver[ALIASES_MAX];
static size_t queued_count;

static void load_settle(void);

/* Starts modprobe on names in the background; load_end logs what came.
 * Returns 0 or -errno. */
static int load_begin(char **names, size_t count, const char *why)
{
	static int exit_hooked;
	pid_t pid;

	if (!exit_hooked++)
		atexit(load_settle);
	running.owner = getpid();
	running.start = monotonic_ms();
	running.fs_group = 0;
	loaded_modules(running.before, sizeof(running.before));
	running.async_was = async_probe_set('Y');
	pid = modprobe_start((const char *const *)names, count);
	if (pid < 0) {
		async_probe_set(running.async_was);
		log_warn("drivers: cannot run modprobe for %s: %s", why, strerror(-pid));
		return pid;
	}
	running.pid = pid;
	running.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	running.waited = 0;
	snprintf(running.why, sizeof(running.why), "%s", why);
	return 0;
}

/* Ends the running load (block 0: only when it has ended) and logs the
 * modules that came ("loaded a, b for WHY (N ms)"). Returns the number of
 * new modules, 0 when none ran, -EAGAIN while it runs, or -errno. */
static int load_end(int block)
{
	static char after[16384];
	char list[512] = "";
	size_t used = 0;
	int loaded = 0, rc;

	if (!running.pid)
		return 0;
	rc = modprobe_wait(running.pid, block);
	if (rc == -EAGAIN)
		return rc;
	running.pid = 0;
	if (running.pidfd >= 0)
		close(running.pidfd);
	running.pidfd = -1;
	async_probe_set(running.async_was);
	if (rc < 0 || rc == 127) {
		log_warn("drivers: cannot run modprobe for %s: %s", running.why,
			 rc < 0 ? strerror(-rc) : "not found");
		return rc < 0 ? rc : -ENOENT;
	}
	loaded_modules(after, sizeof(after));
	/* Both lists start with '\n': "\nNAME\n" finds a name. */
	for (char *line = after + 1, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		char key[130];
		int n = (int)(nl - line);

		if (n > 126)
			continue;
		snprintf(key, sizeof(key), "\n%.*s\n", n, line);
		if (strstr(running.before, key))
			continue;
		loaded++;
		if (used < sizeof(list))
			used += snprintf(list + used, sizeof(list) - used, "%s%.*s",
					 loaded > 1 ? ", " : "", n, line);
	}
	if (used >= sizeof(list))
		snprintf(list + sizeof(list) - 5, 5, "...");
	/* Only a load waited for from its start is timed exactly; a
	 * background one is known to have ended by the time it is looked at. */
	if (loaded)
		log_info("drivers: loaded %s for %s (%s%lld ms)", list, running.why,
			 running.waited ? "" : "ended within ", monotonic_ms() - running.start);
	else
		log_debug("drivers: nothing new loaded for %s (%s%lld ms)", running.why,
			  running.waited ? "" : "ended within ", monotonic_ms() - running.start);
	return loaded;
}

/* Runs modprobe on names now, after the running load: one at a time, so
 * that the modules that came are this one's. The devices they drive are
 * probed asynchronously: they announce themselves by uevents, which the
 * wait loops listen to. Returns the number of new modules, or -errno. */
static int load(char **names, size_t count, const char *why)
{
	int ret;

	if (!count)
		return 0;
	load_end(1);
	ret = load_begin(names, count, why);
	if (ret < 0)
		return ret;
	running.waited = 1;
	return load_end(1);
}

static void queue_free(void)
{
	while (queued_count) {
		queued_count--;
		free(queued[queued_count]);
		free(queued_driver[queued_count]);
	}
}

/* The queued modaliases of devices still without a driver, in the
 * background; 1 when a load started. */
static int queue_begin(void)
{
	char why[300], *names[ALIASES_MAX];
	size_t used, n = 0;

	for (size_t i = 0; i < queued_count; i++)
		if (access(queued_driver[i], F_OK) < 0)
			names[n++] = queued[i];
	used = snprintf(why, sizeof(why), "%zu new device(s) (", n);
	for (size_t i = 0; i < n && used < sizeof(why); i++)
		used += snprintf(why + used, sizeof(why) - used, "%s%s", i ? " " : "", names[i]);
	if (used < sizeof(why))
		snprintf(why + used, sizeof(why) - used, ")");
	if (n)
		load_begin(names, n, why);
	queue_free();
	return n > 0;
}

void drivers_settle(void)
{
	load_end(1);
}

int drivers_load_fd(void)
{
	return running.pid ? running.pidfd : -1;
}

void drivers_load_ended(void)
{
	if (load_end(0) != -EAGAIN)
		queue_begin();
}

/* At exit: the running load and the queued ones end before the next
 * program looks at the devices (its log lines stay in order, too). */
static void load_settle(void)
{
	if (getpid() != running.owner)
		return; /* a child that exits: the loads are its parent's */
	load_end(1);
	if (queue_begin())
		load_end(1);
}

/* The modaliases modprobe already ran for this boot (RUN_DIR/modaliases,
 * one per line, kept across our programs): running it again for one finds
 * nothing new (a second stick of the same kind, a bridge no module drives). */
static char tried[16384];
static int tried_loaded;

static int was_tried(const char *alias)
{
	char key[300];

	if (!tried_loaded) {
		char path[256];
		int fd;
		ssize_t n = 0;

		tried_loaded = 1;
		tried[0] = '\n';
		run_path(path, sizeof(path), VTOY_RUN_DIR, RUN_MODALIASES, NULL);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, tried + 1, sizeof(tried) - 2);
			close(fd);
		}
		tried[1 + (n > 0 ? n : 0)] = '\0';
	}
	snprintf(key, sizeof(key), "\n%s\n", alias);
	return strstr(tried, key) != NULL;
}

static void mark_tried(char **aliases, size_t count)
{
	char path[256];
	int fd;

	run_path(path, sizeof(path), VTOY_RUN_DIR, RUN_MODALIASES, NULL);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	for (size_t i = 0; i < count; i++) {
		size_t used = strlen(tried), n = strlen(aliases[i]);

		if (used + n + 2 < sizeof(tried)) {
			memcpy(tried + used, aliases[i], n);
			memcpy(tried + used + n, "\n", 2);
		}
		if (fd >= 0 && (write(fd, aliases[i], n) != (ssize_t)n || write(fd, "\n", 1) != 1)) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
}

/* Which devices' drivers load first: USB host controllers (PCI class 0c03:
 * most live media are USB sticks, and usb-storage's delay_use only starts
 * once the stick is enumerated), then storage controllers (class 01,
 * virtio), then the rest. */
static int rank(const char *alias)
{
	if (!strncmp(alias, "pci:", 4) && strstr(alias, "bc0Csc03"))
		return 0;
	if ((!strncmp(alias, "pci:", 4) && strstr(alias, "bc01")) || !strncmp(alias, "virtio:", 7))
		return 1;
	return 2;
}

static int by_rank(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return rank(x) - rank(y);
}

/* Drivers of the devices found without one that wait for the USB host
 * controllers' (drivers_coldplug): a stick's usb-storage is the load that
 * starts the kernel's longest wait (delay_use), and AHCI's load alone
 * holds the loop for ~0.3 s under TCG; so they load at the wait's quiet
 * moments, while USB enumerates or in that delay (drivers_idle). */
static char *deferred[ALIASES_MAX];
static size_t deferred_count;
static int deferring; /* 1 from the USB host controllers' load until the rest's */

static void defer(char **aliases, size_t count)
{
	for (size_t i = 0; i < count && deferred_count < ALIASES_MAX; i++)
		if (!has_alias(deferred, deferred_count, aliases[i]) &&
		    (deferred[deferred_count] = strdup(aliases[i])))
			deferred_count++;
}

static void deferred_free(void)
{
	while (deferred_count)
		free(deferred[--deferred_count]);
	deferring = 0;
}

/* Starts the deferred devices' drivers in the background, none running;
 * when says at what moment. */
static void deferred_begin(const char *when)
{
	char why[128];

	snprintf(why, sizeof(why), "%zu other device(s) without a driver, %s", deferred_count,
		 when);
	mark_tried(deferred, deferred_count);
	load_begin(deferred, deferred_count, why);
	deferred_free();
}

/* The opening of the process's uevent socket (uevent_socket_epoch) that
 * was open when /sys was last walked: while it stays open, every device
 * added since is in its queue. */
static unsigned walk_epoch;

int drivers_coldplug(void)
{
	char *aliases[ALIASES_MAX], *fresh[ALIASES_MAX], why[128];
	long long start = monotonic_ms();
	int count, ret;
	size_t n = 0, now;

	if (!drivers_on_demand())
		return 0;
	walk_epoch = uevent_socket_epoch();
	count = drivers_unbound_aliases("/sys", aliases, ALIASES_MAX);
	if (count < 0) {
		log_warn("drivers: cannot read the devices in /sys: %s", strerror(-count));
		return count;
	}
	for (int i = 0; i < count; i++)
		if (!was_tried(aliases[i]) && !has_alias(deferred, deferred_count, aliases[i]))
			fresh[n++] = aliases[i];
	qsort(fresh, n, sizeof(*fresh), by_rank);
	for (now = 0; now < n && rank(fresh[now]) == 0; now++)
		;
	if (now && !deferring && now < n)
		deferring = 1;
	if (!deferring)
		now = n;
	snprintf(why, sizeof(why), "%zu %s without a driver (found in %lld ms)", now,
		 deferring ? "USB host controller(s)" : "device(s)", monotonic_ms() - start);
	ret = load(fresh, now, why);
	mark_tried(fresh, now);
	if (now < n) {
		defer(fresh + now, n - now);
		log_info("drivers: %zu other device(s) without a driver: their drivers load at the "
			 "wait's next quiet moment, while USB finds the stick",
			 deferred_count);
	}
	while (count)
		free(aliases[--count]);
	return ret;
}

/* /sys/DEVPATH/driver of the uevent in buf ("" without DEVPATH). */
static void driver_link(const char *buf, size_t len, char *out, size_t out_len)
{
	out[0] = '\0';
	for (size_t off = 0; off < len; off += strlen(buf + off) + 1)
		if (!strncmp(buf + off, "DEVPATH=", 8))
			snprintf(out, out_len, "/sys%s/driver", buf + off + 8);
}

void drivers_uevent(const char *buf, size_t len)
{
	const char *alias = drivers_event_alias(buf, len);
	char why[300], driver[600];

	if (!alias || !drivers_on_demand() || was_tried(alias))
		return;
	/* A driver the kernel has bound it to since it was added (a USB
	 * hub's, built into usbcore) leaves nothing to load. */
	driver_link(buf, len, driver, sizeof(driver));
	if (access(driver, F_OK) == 0)
		return;
	mark_tried((char **)&alias, 1);
	/* The loop goes on meanwhile: the device's own children announce
	 * themselves once its driver binds. */
	drivers_load_ended();
	if (running.pid || queued_count) {
		if (queued_count < ALIASES_MAX && (queued[queued_count] = strdup(alias))) {
			if ((queued_driver[queued_count] = strdup(driver))) {
				queued_count++;
				return;
			}
			free(queued[queued_count]);
		}
		/* Marked tried: said, so that a device left without its
		 * driver is not a mystery (vtoy.modules=all loads them all). */
		log_warn("drivers: no room to queue the driver of a new device (%s); it is not "
			 "loaded", alias);
		return;
	}
	snprintf(why, sizeof(why), "a new device (%s)", alias);
	load_begin((char **)&alias, 1, why);
}

int drivers_catch_up(int fd)
{
	int heard = fd >= 0 && walk_epoch && walk_epoch == uevent_socket_epoch();
	int ret = 0, n;

	/* Not as announcements: the search's own snapshots come after. */
	if (fd >= 0 && uevent_drain(fd, NULL, NULL) < 0)
		heard = 0; /* events were lost */
	if (!drivers_on_demand())
		return 0;
	/* What an earlier wait of this process left running or queued ends
	 * first, as that program's exit waited for it: a stick's usb-storage
	 * queued there is bound before the search looks. A filesystems' group
	 * alone goes on loading (ext4's, 0.3-1.4 s under TCG with 32 disks
	 * being added; another is waited for by drivers_preload_ext4 when
	 * ext4 is not in): the search does not need it, and opening the store
	 * waits for its driver (fs_driver_ensure, before e2fsck). */
	if (running.fs_group && !queued_count && !deferred_count) {
		if ((n = load_end(0)) > 0)
			ret += n;
	} else if ((n = load_end(1)) > 0) {
		ret += n;
	}
	if (queue_begin() && (n = load_end(1)) > 0)
		ret += n;
	/* And what it deferred (before a walk, which would defer them again). */
	if (deferred_count) {
		deferred_begin("before the store search");
		if ((n = load_end(1)) > 0)
			ret += n;
	}
	if (!heard)
		return (n = drivers_coldplug()) > 0 ? ret + n : ret;
	log_debug("drivers: the devices added since the last look at /sys were heard, not "
		  "looked for there again");
	return ret;
}

int drivers_load_all(const char *why)
{
	static int done;
	char *names[ALIASES_MAX], line[256];
	size_t count = 0;
	FILE *f;
	int ret;

	if (done++)
		return 0;
	f = fopen(DRIVERS_LIST, "re");
	if (!f)
		return -errno;
	while (count < ALIASES_MAX && fgets(line, sizeof(line), f)) {
		char name[128], when[32] = "";

		if (line[0] == '#' || sscanf(line, "%127s %31s", name, when) < 1 ||
		    !strcmp(when, "on-demand"))
			continue;
		if ((names[count] = strdup(name)))
			count++;
	}
	fclose(f);
	log_info("drivers: loading every module of %s: %s", DRIVERS_LIST, why);
	ret = load(names, count, DRIVERS_LIST);
	while (count)
		free(names[--count]);
	/* The list holds every controller driver: none waits any more. */
	mark_tried(deferred, deferred_count);
	deferred_free();
	return ret;
}

int drivers_need(const char *name, const char *sysfs_dir)
{
	struct stat st;

	if (stat(sysfs_dir, &st) == 0)
		return 0;
	drivers_settle(); /* it may be half loaded, in the background */
	if (stat(sysfs_dir, &st) == 0)
		return 0;
	/* Now, not beside: the caller opens its node next. */
	log_info("drivers: loading %s", name);
	modprobe_quiet(name);
	return stat(sysfs_dir, &st) == 0 ? 0 : -ENODEV;
}

/* What a live boot mounts, loaded while the kernel makes us wait anyway
 * rather than once the medium is found: one group per quiet moment, so that
 * a device that comes meanwhile waits for one group at most. The sysfs
 * module names tell a group already loaded (by the other program). With
 * them, what the kernel itself asks for at their first mount, through
 * request_module and a modprobe on the mount's path (0.15 s for ext4's
 * under TCG): ext4's and jbd2's crc32c from the crypto API (ext4's softdep,
 * which busybox modprobe does not follow), and vfat's default code page and
 * character set (CONFIG_FAT_DEFAULT_CODEPAGE, _IOCHARSET: 437 and ascii on
 * Debian, iso8859-1 by the kernel's default). */
static const struct preload_group {
	const char *names[6];
	const char *modules[5]; /* /sys/module/NAME of each */
} preload_groups[] = {
	/* What a mount asks for loads before the filesystem registers: a
	 * mount that finds the filesystem must not find that half loaded. */
	[IDLE_FAT - IDLE_FIRST_GROUP] = { { "fs-exfat", "nls_cp437", "nls_ascii", "nls_iso8859-1",
					    "fs-vfat", NULL },
					  { "exfat", "vfat", NULL } },
	[IDLE_MOUNTS - IDLE_FIRST_GROUP] = { { "loop", "fs-iso9660", "fs-squashfs", "fs-overlay",
					       NULL },
					     { "loop", "isofs", "squashfs", "overlay", NULL } },
	[IDLE_EXT4 - IDLE_FIRST_GROUP] = { { "crypto-crc32c", "fs-ext4", NULL }, { "ext4", NULL } },
	/* What a USB stick's interface and then its disk ask for (uas
	 * comes on demand, for the sticks that speak it). */
	[IDLE_USB_STORAGE - IDLE_FIRST_GROUP] = { { "usb-storage", "sd_mod", NULL },
						  { "usb_storage", "sd_mod", NULL } },
};
_Static_assert(sizeof(preload_groups) / sizeof(preload_groups[0]) ==
		       IDLE_USB_STORAGE - IDLE_FIRST_GROUP + 1,
	       "one preload group for each job from IDLE_FIRST_GROUP on");
#define DISK_ALIAS "scsi:t-0x00" /* sd_mod's */

int drivers_idle_choice(const struct drivers_idle_state *s)
{
	if (s->window) {
		if (!(s->done & 1u << IDLE_DISK))
			return IDLE_DISK;
		if (s->deferred)
			return IDLE_OTHER_CONTROLLERS;
		/* In the background: a group no longer holds up the stick's
		 * scan, and ext4 is then in before the store's mount. */
		for (int job = IDLE_FIRST_GROUP; job <= IDLE_EXT4; job++)
			if (!(s->done & 1u << job))
				return job;
		return IDLE_NONE;
	}
	if (s->usb_host && !(s->done & 1u << IDLE_USB_STORAGE))
		return IDLE_USB_STORAGE;
	/* The stick no longer waits for a load: the other controllers next,
	 * so that their disks are added and probed while USB finds the
	 * stick and usb-storage delays, not while it scans the stick. */
	if (s->deferred)
		return IDLE_OTHER_CONTROLLERS;
	if (!s->usb_host)
		return IDLE_NONE;
	if (!(s->done & 1u << IDLE_FAT))
		return IDLE_FAT;
	if (!(s->done & 1u << IDLE_MOUNTS))
		return IDLE_MOUNTS;
	return IDLE_NONE;
}

static unsigned idle_done;
static int idle_looked;
static int stick_wanted;

void drivers_stick_wanted(void)
{
	stick_wanted = 1;
}

/* True when every module of job's group is in (/sys/module/NAME). */
static int group_loaded(int job)
{
	const struct preload_group *g = &preload_groups[job - IDLE_FIRST_GROUP];
	char path[128];
	struct stat st;
	int all = 1;

	for (int i = 0; g->modules[i]; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", g->modules[i]);
		all &= stat(path, &st) == 0;
	}
	return all;
}

static void idle_look(void)
{
	struct stat st;

	if (idle_looked++)
		return;
	if (!drivers_on_demand()) {
		idle_done = ~0u;
		return;
	}
	if (was_tried(DISK_ALIAS) || stat("/sys/module/sd_mod", &st) == 0)
		idle_done |= 1u << IDLE_DISK;
	for (int job = IDLE_FIRST_GROUP; job <= IDLE_USB_STORAGE; job++)
		if (group_loaded(job))
			idle_done |= 1u << job;
}

/* Starts job's preload group in the background. */
static void group_begin(int job, const char *why)
{
	const char *const *names = preload_groups[job - IDLE_FIRST_GROUP].names;
	size_t n = 0;

	while (names[n])
		n++;
	if (load_begin((char **)names, n, why) == 0)
		running.fs_group = job <= IDLE_EXT4;
}

void drivers_preload_ext4(const char *why)
{
	idle_look();
	if (idle_done & 1u << IDLE_EXT4 || group_loaded(IDLE_EXT4))
		return;
	idle_done |= 1u << IDLE_EXT4;
	/* One load at a time, devices' before ours. */
	load_end(1);
	if (queue_begin())
		load_end(1);
	group_begin(IDLE_EXT4, why);
}

int drivers_idle_pending(void)
{
	idle_look();
	return running.pid || queued_count > 0 || deferred_count > 0 ||
	       (idle_done & IDLE_ALL_JOBS) != (IDLE_ALL_JOBS & ~(1u << IDLE_OTHER_CONTROLLERS));
}

void drivers_idle(void)
{
	struct drivers_idle_state s = { 0 };
	int job;

	if (!drivers_idle_pending() || load_end(0) == -EAGAIN || queue_begin())
		return;
	/* A stick's own uevent may have brought them meanwhile. */
	if (!(idle_done & 1u << IDLE_USB_STORAGE) && group_loaded(IDLE_USB_STORAGE))
		idle_done |= 1u << IDLE_USB_STORAGE;
	s.window = storage_scan_delayed("/sys");
	s.usb_host = stick_wanted && storage_usb_host("/sys");
	s.deferred = deferred_count > 0;
	s.done = idle_done;
	job = drivers_idle_choice(&s);
	if (job == IDLE_NONE)
		return;
	idle_done |= 1u << job;
	if (job == IDLE_DISK) {
		const char *alias = DISK_ALIAS;

		mark_tried((char **)&alias, 1);
		load_begin((char **)&alias, 1,
			   "the disk usb-storage will add (" DISK_ALIAS "), while it waits to scan");
		return;
	}
	if (job == IDLE_OTHER_CONTROLLERS) {
		deferred_begin(s.window ? "while usb-storage waits to scan" : "after the USB ones");
		return;
	}
	if (job == IDLE_USB_STORAGE) {
		const char *alias = DISK_ALIAS;

		mark_tried((char **)&alias, 1);
		idle_done |= 1u << IDLE_DISK;
		group_begin(job, "a USB stick (usb-storage, then its disk), while USB looks for one");
		return;
	}
	group_begin(job, s.window ? "what a live boot mounts, while usb-storage waits to scan"
				  : "what a live boot mounts, while USB finds the stick");
}
