#include "drivers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
			char attr[1024];

			if (dev->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(attr, sizeof(attr), "%s/%s/driver", path, dev->d_name) >=
				    sizeof(attr) ||
			    access(attr, F_OK) == 0)
				continue;
			if ((size_t)snprintf(attr, sizeof(attr), "%s/%s/modalias", path, dev->d_name) >=
				    sizeof(attr) ||
			    sysfs_read(attr, alias, sizeof(alias)) < 0 || !alias[0] ||
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

/* Runs `modprobe -a -q NAMES...`; its exit status or -errno. */
static int modprobe_all(char **names, size_t count)
{
	const char **argv = calloc(count + 4, sizeof(*argv));
	int status;
	pid_t pid;

	if (!argv)
		return -ENOMEM;
	argv[0] = "modprobe";
	argv[1] = "-a";
	argv[2] = "-q";
	for (size_t i = 0; i < count; i++)
		argv[3 + i] = names[i];
	pid = fork();
	if (pid == 0) {
		execvp("modprobe", (char **)argv);
		_exit(127);
	}
	free(argv);
	if (pid < 0)
		return -errno;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* Runs modprobe on names and logs the modules that came ("loaded a, b for
 * WHY"): one at a time, so that the difference is this one's. Returns the
 * number of new modules, or -errno. */
static int load(char **names, size_t count, const char *why)
{
	static char before[16384], after[16384];
	char list[512] = "";
	size_t used = 0;
	int loaded = 0, rc;
	long long start = monotonic_ms();

	if (!count)
		return 0;
	loaded_modules(before, sizeof(before));
	rc = modprobe_all(names, count);
	if (rc < 0 || rc == 127) {
		log_warn("drivers: cannot run modprobe for %s: %s", why,
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
		if (strstr(before, key))
			continue;
		loaded++;
		if (used < sizeof(list))
			used += snprintf(list + used, sizeof(list) - used, "%s%.*s",
					 loaded > 1 ? ", " : "", n, line);
	}
	if (used >= sizeof(list))
		snprintf(list + sizeof(list) - 5, 5, "...");
	if (loaded)
		log_info("drivers: loaded %s for %s (%lld ms)", list, why, monotonic_ms() - start);
	else
		log_debug("drivers: nothing new loaded for %s (%lld ms)", why,
			  monotonic_ms() - start);
	return loaded;
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

int drivers_coldplug(void)
{
	char *aliases[ALIASES_MAX], *fresh[ALIASES_MAX], why[96];
	long long start = monotonic_ms();
	int count, ret;
	size_t n = 0;

	if (!drivers_on_demand())
		return 0;
	count = drivers_unbound_aliases("/sys", aliases, ALIASES_MAX);
	if (count < 0) {
		log_warn("drivers: cannot read the devices in /sys: %s", strerror(-count));
		return count;
	}
	for (int i = 0; i < count; i++)
		if (!was_tried(aliases[i]))
			fresh[n++] = aliases[i];
	qsort(fresh, n, sizeof(*fresh), by_rank);
	snprintf(why, sizeof(why), "%zu device(s) without a driver (found in %lld ms)", n,
		 monotonic_ms() - start);
	ret = load(fresh, n, why);
	mark_tried(fresh, n);
	while (count)
		free(aliases[--count]);
	return ret;
}

static long long window_start; /* when usb-storage bound a stick, ms (0: none waits) */

/* ACTION=bind of a USB interface to usb-storage: its delay_use starts. */
static int storage_bound(const char *buf, size_t len)
{
	int bind = 0, usb_storage = 0;

	for (size_t off = 0; off < len; off += strlen(buf + off) + 1) {
		bind |= !strcmp(buf + off, "ACTION=bind");
		usb_storage |= !strcmp(buf + off, "DRIVER=usb-storage");
	}
	return bind && usb_storage;
}

void drivers_uevent(const char *buf, size_t len)
{
	const char *alias = drivers_event_alias(buf, len);
	char why[300];

	if (storage_bound(buf, len))
		window_start = monotonic_ms();
	if (!alias || !drivers_on_demand() || was_tried(alias))
		return;
	snprintf(why, sizeof(why), "a new device (%s)", alias);
	load((char **)&alias, 1, why);
	mark_tried((char **)&alias, 1);
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
	return ret;
}

int drivers_need(const char *name, const char *sysfs_dir)
{
	struct stat st;

	if (stat(sysfs_dir, &st) == 0)
		return 0;
	/* Now, not beside: the caller opens its node next. */
	log_info("drivers: loading %s", name);
	modprobe_quiet(name);
	return stat(sysfs_dir, &st) == 0 ? 0 : -ENODEV;
}

/* What a live boot mounts, loaded while the kernel makes us wait anyway
 * (usb-storage's delay_use) rather than once the medium is found: one group
 * per quiet moment, so that a device that comes meanwhile waits for one
 * group at most, and a group only while enough of the wait is left for it
 * (in tenths of delay_use gone at most): ext4 (jbd2, mbcache, crc16) takes
 * most of a second under TCG, and a stick scanned meanwhile would wait for
 * it; when it does not fit it loads at the store's mount. */
static const struct preload_group {
	const char *names[5];
	int max_gone; /* tenths of delay_use */
} preload_groups[] = {
	{ { "loop", "fs-iso9660", "fs-squashfs", "fs-overlay", NULL }, 8 },
	{ { "fs-exfat", "fs-vfat", NULL }, 8 },
	{ { "fs-ext4", NULL }, 3 },
};
#define GROUPS (sizeof(preload_groups) / sizeof(preload_groups[0]))
static int next_group = -1; /* -1: not looked at yet */

int drivers_idle_pending(void)
{
	if (next_group < 0) {
		struct stat st;

		next_group = !drivers_on_demand() || stat("/sys/module/ext4", &st) == 0 ? (int)GROUPS
											  : 0;
	}
	return next_group < (int)GROUPS;
}

/* usb-storage's delay_use in ms (1 s by default; a module parameter). */
static long long delay_use_ms(void)
{
	char buf[32];

	if (sysfs_read("/sys/module/usb_storage/parameters/delay_use", buf, sizeof(buf)) < 0)
		return 1000;
	return strtoll(buf, NULL, 10) * 1000;
}

void drivers_idle(void)
{
	const struct preload_group *g;
	long long now = monotonic_ms(), gone;
	size_t n = 0;

	if (!drivers_idle_pending())
		return;
	if (!storage_scan_delayed("/sys"))
		return;
	if (!window_start)
		window_start = now; /* its bind went unheard: from now, at least */
	gone = (now - window_start) * 10;
	while (next_group < (int)GROUPS &&
	       gone > preload_groups[next_group].max_gone * delay_use_ms())
		next_group++; /* too late for it: it loads when first mounted */
	if (next_group == (int)GROUPS)
		return;
	g = &preload_groups[next_group++];
	while (g->names[n])
		n++;
	load((char **)g->names, n, "what a live boot mounts, while usb-storage waits to scan");
}
