#include "store_open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "loopdev.h"
#include "mnt.h"
#include "safepath.h"

#define PROBE_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* An image file used read-write needs its partition writable: the loop
 * device writes through it. Only this partition, and only because it holds
 * the store. */
static int attach_file(const struct store *s, bool read_only, char *dev, size_t len)
{
	int root_fd, fd, loop_fd;

	if (!read_only) {
		if (mount(NULL, s->host_mount, NULL, MS_REMOUNT | PROBE_FLAGS, NULL) < 0) {
			int ret = -errno;

			log_err("cannot remount %s read-write to write to %s: %s", s->device,
				s->file, strerror(-ret));
			return ret;
		}
		log_info("%s remounted read-write: it holds the store %s", s->device, s->file);
	}
	root_fd = open(s->host_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	fd = safepath_open(root_fd, s->file, read_only ? O_RDONLY : O_RDWR);
	close(root_fd);
	if (fd < 0) {
		log_err("cannot open %s: %s", s->source, strerror(-fd));
		return fd;
	}
	loop_fd = loopdev_attach_fd(fd, read_only, s->file, dev, len);
	close(fd);
	if (loop_fd < 0)
		log_err("cannot attach %s to a loop device: %s", s->source, strerror(-loop_fd));
	return loop_fd;
}

static void undo_file(const struct store *s)
{
	if (mount(NULL, s->host_mount, NULL, MS_REMOUNT | MS_RDONLY | PROBE_FLAGS, NULL) < 0)
		log_warn("cannot remount %s read-only again: %s", s->device, strerror(errno));
}

static void fail_cleanup(const struct store *s, bool read_only, int hold_fd)
{
	if (hold_fd >= 0)
		close(hold_fd); /* the loop device clears itself */
	if (s->is_file && !read_only)
		undo_file(s);
}

/* A directory store: its partition is mounted (by the caller) at host; the
 * directory, resolved beneath it, is bound at the store's mount point. */
static int bind_dir(const struct store *s, struct opened_store *out)
{
	char fd_path[64];
	int root_fd, fd, ret;

	root_fd = open(out->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	fd = safepath_open(root_fd, s->dir, O_PATH | O_DIRECTORY);
	close(root_fd);
	if (fd < 0) {
		log_err("%s: %s", s->source, strerror(-fd));
		return fd;
	}
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", fd);
	ret = mkdir_p(out->mount, 0755);
	if (ret == 0 && mount(fd_path, out->mount, NULL, MS_BIND, NULL) < 0)
		ret = -errno;
	close(fd);
	if (ret < 0)
		log_err("cannot bind %s at %s: %s", s->source, out->mount, strerror(-ret));
	return ret;
}

int store_open(const struct store *s, const char *run_dir, const char *e2fsck_path,
	       bool read_only, struct opened_store *out)
{
	char fsck_log[PATH_MAX];
	int hold_fd = -1, ret;

	memset(out, 0, sizeof(*out));
	out->read_only = read_only;
	snprintf(out->mount, sizeof(out->mount), "%s/store", run_dir);
	if (s->is_dir)
		snprintf(out->host, sizeof(out->host), "%s/store-partition", run_dir);
	if (s->is_file) {
		hold_fd = attach_file(s, read_only, out->device, sizeof(out->device));
		if (hold_fd < 0) {
			if (hold_fd != -EROFS)
				fail_cleanup(s, read_only, -1);
			return hold_fd;
		}
	} else {
		snprintf(out->device, sizeof(out->device), "%s", s->device);
	}

	if (read_only) {
		out->fsck = FSCK_SKIPPED;
		ret = mount_probe_ro(out->device, s->is_dir ? out->host : out->mount, s->fstype);
		if (ret == 0 && s->is_dir && (ret = bind_dir(s, out)) < 0)
			umount2(out->host, MNT_DETACH);
		if (ret < 0) {
			log_err("cannot mount %s read-only: %s", s->source, strerror(-ret));
			fail_cleanup(s, read_only, hold_fd);
			return ret;
		}
		log_info("%s mounted read-only (no e2fsck, no journal replay): nothing on it "
			 "changes", s->source);
		if (hold_fd >= 0)
			close(hold_fd);
		return 0;
	}

	snprintf(fsck_log, sizeof(fsck_log), "%s/fsck.log", run_dir);
	if (s->is_file)
		log_info("checking %s (%s) with e2fsck -p", s->source, out->device);
	else
		log_info("checking %s with e2fsck -p", s->source);
	out->fsck = fsck_run(e2fsck_path, out->device, fsck_log, &out->fsck_status);
	if (out->fsck == FSCK_REPAIRED)
		log_warn("e2fsck repaired errors on %s (exit %d); details in %s", s->source,
			 out->fsck_status, fsck_log);
	if (out->fsck == FSCK_FAILED) {
		log_err("e2fsck could not make %s consistent (exit %d): it is not mounted "
			"read-write; run e2fsck on it by hand (details in %s)",
			s->source, out->fsck_status, fsck_log);
		fail_cleanup(s, read_only, hold_fd);
		return -EUCLEAN;
	}

	ret = mount_at(out->device, s->is_dir ? out->host : out->mount, "ext4",
		       MS_NOSUID | MS_NODEV | MS_NOATIME, NULL);
	if (ret == 0 && s->is_dir && (ret = bind_dir(s, out)) < 0)
		umount2(out->host, MNT_DETACH);
	if (ret < 0) {
		log_err("cannot mount %s read-write: %s", s->source, strerror(-ret));
		fail_cleanup(s, read_only, hold_fd);
		return ret;
	}
	if (hold_fd >= 0)
		close(hold_fd);
	return 0;
}

void store_close(const struct store *s, const struct opened_store *opened)
{
	if (umount2(opened->mount, 0) < 0) {
		log_warn("cannot unmount %s: %s", opened->mount, strerror(errno));
		return;
	}
	if (opened->host[0] && umount2(opened->host, 0) < 0)
		log_warn("cannot unmount %s: %s", opened->host, strerror(errno));
	if (s->is_file && !opened->read_only)
		undo_file(s);
}
