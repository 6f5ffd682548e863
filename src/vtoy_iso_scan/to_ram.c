#include "to_ram.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "mnt.h"
#include "safepath.h"

#define MIB (1024ULL * 1024)
#define COPY_CHUNK (4 * MIB)
#define PROGRESS_FROM (64 * MIB) /* smaller copies get no progress lines */

/* MemAvailable in bytes, 0 when unknown. */
static unsigned long long mem_available(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

struct progress {
	unsigned long long done, total;
	int last_step; /* in tenths */
};

static int copy_fd(int in, int out, struct progress *p)
{
	char *buf = malloc(COPY_CHUNK);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	while ((n = read(in, buf, COPY_CHUNK)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, n - off);

			if (w < 0) {
				free(buf);
				return -errno;
			}
			off += w;
		}
		p->done += n;
		if (p->total >= PROGRESS_FROM && (int)(p->done * 10 / p->total) > p->last_step) {
			p->last_step = p->done * 10 / p->total;
			log_notice("copying the root images to RAM: %d%% (%llu of %llu MiB)",
				   p->last_step * 10, p->done / MIB, p->total / MIB);
		}
	}
	free(buf);
	return n < 0 ? -errno : 0;
}

static int copy_one(int dir_fd, int ram_fd, const char *name, struct progress *p)
{
	char parent[ROOT_NAME_MAX], *slash;
	int in, out, ret;

	snprintf(parent, sizeof(parent), "%s", name);
	slash = strrchr(parent, '/');
	if (slash) { /* archiso's x86_64/airootfs.sfs */
		*slash = '\0';
		if (mkdirat(ram_fd, parent, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	in = safepath_open(dir_fd, name, O_RDONLY);
	if (in < 0)
		return in;
	out = openat(ram_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	ret = copy_fd(in, out, p);
	close(in);
	if (close(out) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

int to_ram_copy(int dir_fd, const struct root_plan *plan, const char *run_dir)
{
	unsigned long long avail = mem_available(), spare;
	struct progress p = { 0 };
	char ram_dir[PATH_MAX], opts[64];
	int ram_fd, ret = 0;

	for (size_t i = 0; i < plan->count; i++) {
		struct stat st;
		int fd = safepath_open(dir_fd, plan->files[i], O_RDONLY);

		ret = fd < 0 ? fd : fstat(fd, &st) < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		if (ret < 0) {
			log_err("toram: cannot open %s/%s to size it: %s", plan->dir, plan->files[i],
				strerror(-ret));
			return ret;
		}
		p.total += st.st_size;
	}
	/* Leave the running system room: 128 MiB or a quarter of what is free. */
	spare = avail / 4 > 128 * MIB ? avail / 4 : 128 * MIB;
	if (avail == 0 || p.total + spare > avail) {
		log_warn("toram: the root images need %llu MiB but only %llu MiB of memory is "
			 "available (keeping %llu MiB spare): running from the medium instead",
			 p.total / MIB, avail / MIB, spare / MIB);
		return -ENOMEM;
	}
	run_path(ram_dir, sizeof(ram_dir), run_dir, RUN_RAM, NULL);
	snprintf(opts, sizeof(opts), "size=%llu,mode=0755", p.total + 4 * MIB * (plan->count + 1));
	ret = mount_at("vtoy-ram", ram_dir, "tmpfs", MS_NOSUID | MS_NODEV, opts);
	if (ret < 0) {
		log_err("toram: cannot mount a tmpfs at %s: %s", ram_dir, strerror(-ret));
		return ret;
	}
	ram_fd = open(ram_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ram_fd < 0) {
		ret = -errno;
		umount2(ram_dir, MNT_DETACH);
		return ret;
	}
	log_notice("toram: copying %zu image(s), %llu MiB, to RAM", plan->count, p.total / MIB);
	for (size_t i = 0; i < plan->count && ret == 0; i++) {
		ret = copy_one(dir_fd, ram_fd, plan->files[i], &p);
		if (ret < 0)
			log_err("toram: copying %s/%s failed: %s", plan->dir, plan->files[i],
				strerror(-ret));
	}
	if (ret < 0) {
		close(ram_fd);
		umount2(ram_dir, MNT_DETACH);
		return ret;
	}
	if (mount(NULL, ram_dir, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		log_warn("toram: %s stays writable: remounting it read-only failed: %s", ram_dir,
			 strerror(errno));
	log_notice("toram: root images copied to %s", ram_dir);
	return ram_fd;
}
