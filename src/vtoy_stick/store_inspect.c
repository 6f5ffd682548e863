#include "store_inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkdev.h"
#include "log.h"
#include "loopdev.h"
#include "mnt.h"
#include "iso_change.h"
#include "persistence_conf.h"

#define FIEMAP_BATCH 256
#define CONF_MAX (64 * 1024)

/* Fragments: extents merged where one starts on disk where the previous
 * ends (ext4 splits a contiguous file at 128 MiB). */
int store_fragments(int fd)
{
	size_t sz = sizeof(struct fiemap) + FIEMAP_BATCH * sizeof(struct fiemap_extent);
	struct fiemap *fm = calloc(1, sz);
	unsigned long long start = 0, prev_end = 0;
	int fragments = 0, last = 0;

	if (!fm)
		return -1;
	while (!last) {
		memset(fm, 0, sz);
		fm->fm_start = start;
		fm->fm_length = FIEMAP_MAX_OFFSET;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = FIEMAP_BATCH;
		if (ioctl(fd, FS_IOC_FIEMAP, fm) < 0) {
			free(fm);
			return -1;
		}
		if (fm->fm_mapped_extents == 0)
			break;
		for (unsigned i = 0; i < fm->fm_mapped_extents; i++) {
			struct fiemap_extent *e = &fm->fm_extents[i];

			if (!fragments || e->fe_physical != prev_end)
				fragments++;
			prev_end = e->fe_physical + e->fe_length;
			start = e->fe_logical + e->fe_length;
			if (e->fe_flags & FIEMAP_EXTENT_LAST)
				last = 1;
		}
	}
	free(fm);
	return fragments;
}

static void check_fs(const char *path, struct store_inspect *out)
{
	char *e2[] = { "e2fsck", "-f", "-n", (char *)path, NULL };
	char *xfs[] = { "xfs_repair", "-n", "-f", (char *)path, NULL };
	char *btrfs[] = { "btrfs", "check", "--readonly", (char *)path, NULL };
	char **argv;
	int ret;

	if (!strncmp(out->fstype, "ext", 3))
		argv = e2;
	else if (!strcmp(out->fstype, "xfs"))
		argv = xfs;
	else if (!strcmp(out->fstype, "btrfs"))
		argv = btrfs;
	else {
		snprintf(out->fsck, sizeof(out->fsck), "not-checked");
		snprintf(out->fsck_detail, sizeof(out->fsck_detail), "no checker for %s",
			 out->fstype[0] ? out->fstype : "an unknown filesystem");
		return;
	}
	ret = stick_run(argv, false);
	if (ret < 0 || ret == 127 || ret == 8) {
		snprintf(out->fsck, sizeof(out->fsck), "not-checked");
		snprintf(out->fsck_detail, sizeof(out->fsck_detail), "%s could not run", argv[0]);
		return;
	}
	/* e2fsck -n: 0 clean, 4 errors left uncorrected; xfs_repair -n: 1
	 * corruption; btrfs check: 1 errors. */
	snprintf(out->fsck, sizeof(out->fsck), ret == 0 ? "clean" : "unclean");
	snprintf(out->fsck_detail, sizeof(out->fsck_detail), "%s %s %s exited with %d", argv[0],
		 argv[1], argv[2], ret);
}

static void collect_reject(int level, const char *msg, void *ctx)
{
	struct store_inspect *out = ctx;

	if (level > VLOG_WARN || out->conf_reject_count >= INSPECT_REJECTS_MAX)
		return;
	snprintf(out->conf_rejects[out->conf_reject_count++], sizeof(out->conf_rejects[0]), "%s",
		 msg);
}

static void read_conf(const char *dir, struct store_inspect *out)
{
	char path[PATH_MAX], *text;
	struct pconf conf = { 0 };
	log_sink_fn prev;
	void *prev_ctx;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/persistence.conf", dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	out->conf_present = true;
	text = malloc(CONF_MAX);
	n = text ? read(fd, text, CONF_MAX) : -1;
	close(fd);
	if (n < 0) {
		collect_reject(VLOG_WARN, "persistence.conf cannot be read", out);
		free(text);
		return;
	}
	log_get_sink(&prev, &prev_ctx);
	log_set_sink(collect_reject, out);
	if (pconf_parse(text, (size_t)n, "persistence.conf", &conf) == 0) {
		out->conf_entries = conf.count;
		out->conf_root_union = pconf_root_union(&conf) != NULL;
	}
	log_set_sink(prev, prev_ctx);
	pconf_free(&conf);
	free(text);
}

/* As root: a read-only loop device and a no-replay mount in a private
 * temporary directory, undone before returning. */
static void look_inside(int fd, const char *path, bool block, struct store_inspect *out)
{
	char dev[PATH_MAX], dir[] = "/tmp/vtoy-stick-XXXXXX";
	int loop_fd = -1, ret;

	if (geteuid() != 0) {
		snprintf(out->not_inside, sizeof(out->not_inside),
			 "how full it is and its persistence.conf need root (a read-only mount)");
		return;
	}
	if (!fstype_mountable(out->fstype)) {
		snprintf(out->not_inside, sizeof(out->not_inside), "no filesystem to mount");
		return;
	}
	if (block)
		snprintf(dev, sizeof(dev), "%s", path);
	else
		loop_fd = loopdev_attach_fd(fd, true, path, dev, sizeof(dev));
	if (!block && loop_fd < 0) {
		snprintf(out->not_inside, sizeof(out->not_inside), "no loop device: %s",
			 strerror(-loop_fd));
		return;
	}
	if (!mkdtemp(dir)) {
		snprintf(out->not_inside, sizeof(out->not_inside), "mkdtemp: %s", strerror(errno));
		if (loop_fd >= 0)
			close(loop_fd);
		return;
	}
	ret = mount_probe_ro(dev, dir, out->fstype);
	if (ret < 0) {
		snprintf(out->not_inside, sizeof(out->not_inside), "mounting it read-only failed: %s",
			 strerror(-ret));
	} else {
		int store_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		out->inside = store_space(dir, &out->space) == 0;
		read_conf(dir, out);
		/* The boot's own reader; "" is no identity, so any record differs. */
		if (store_fd >= 0 && medium_record_check(store_fd, "", false, out->medium_record,
							 sizeof(out->medium_record)) != MEDIUM_CHANGED)
			out->medium_record[0] = 0;
		if (store_fd >= 0)
			close(store_fd);
		umount2(dir, MNT_DETACH);
	}
	rmdir(dir);
	if (loop_fd >= 0)
		close(loop_fd);
}

int store_inspect(int fd, const char *name, struct store_inspect *out)
{
	char path[64];
	struct blkdev dev;
	struct stat st;

	memset(out, 0, sizeof(*out));
	out->fragments = -1;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return -EINVAL;
	/* The tools open the very file we hold, whatever its path does since. */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), fd);
	if (S_ISBLK(st.st_mode)) {
		/* A partition: its size is the device's, all of it "allocated". */
		if (ioctl(fd, BLKGETSIZE64, &out->size) < 0)
			return -errno;
		out->partition = true;
		out->allocated = out->size;
	} else {
		out->size = (unsigned long long)st.st_size;
		out->allocated = (unsigned long long)st.st_blocks * 512;
		out->fragments = store_fragments(fd);
	}
	if (blkdev_probe(path, &dev) == 0) {
		snprintf(out->fstype, sizeof(out->fstype), "%s", dev.fstype);
		snprintf(out->label, sizeof(out->label), "%s", dev.label);
	}
	check_fs(path, out);
	look_inside(fd, name, S_ISBLK(st.st_mode), out);
	return 0;
}
