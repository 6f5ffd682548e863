#include "store_open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_driver.h"
#include "fs_unclean.h"
#include "log.h"
#include "loopdev.h"
#include "mnt.h"
#include "paths.h"
#include "safepath.h"
#include "store_fs.h"
#include "store_space.h"

#define PROBE_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* A sparse store file (holes the filesystem has not allocated) fails its
 * writes, and its own filesystem takes damage, once the partition holding
 * it is full; Ventoy's CreatePersistentImg.sh writes every block for that
 * reason. Used anyway, with a warning. */
static void say_sparse(const struct store *s, int fd)
{
	char allocated_text[32], size_text[32];
	unsigned long long allocated;
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	allocated = (unsigned long long)st.st_blocks * 512;
	if (allocated >= (unsigned long long)st.st_size)
		return;
	store_space_size(allocated, allocated_text, sizeof(allocated_text));
	store_space_size(st.st_size, size_text, sizeof(size_text));
	log_warn("%s is sparse: %s of its %s are allocated on %s. Writing into its holes fails "
		 "once that partition is full, and the store is damaged then; make stores with "
		 "every block written (Ventoy's CreatePersistentImg.sh, or dd from /dev/zero)",
		 s->source, allocated_text, size_text, s->device);
}

static int attach_file(const struct store *s, bool read_only, struct opened_store *out)
{
	char *dev = out->device;
	size_t len = sizeof(out->device);
	int fd, loop_fd;

	if (!read_only) {
		int ret = store_data_writable(s, s->file, &out->data_remounted);

		if (ret < 0)
			return ret;
	}
	fd = safepath_open_at(s->data_mount, s->file, read_only ? O_RDONLY : O_RDWR);
	if (fd < 0) {
		log_err("cannot open %s: %s", s->source, strerror(-fd));
		return fd;
	}
	if (!read_only)
		say_sparse(s, fd);
	loop_fd = s->partition ? loopdev_attach_parts(fd, read_only, s->file, dev, len)
			       : loopdev_attach_fd(fd, read_only, s->file, dev, len);
	close(fd);
	if (loop_fd < 0)
		log_err("cannot attach %s to a loop device: %s", s->source, strerror(-loop_fd));
	else if (s->partition) {
		size_t n = strlen(dev);

		snprintf(dev + n, len - n, "p%u", s->partition);
		if (access(dev, F_OK) < 0) {
			log_err("%s: partition %u did not appear as %s", s->source, s->partition, dev);
			close(loop_fd);
			return -ENOENT;
		}
	}
	return loop_fd;
}

/* The data partition as messages name it: its node while the store is a
 * file on it; its mount once an encrypted file's device is its dm node. */
static const char *data_name(const struct store *s)
{
	return s->kind == STORE_FILE ? s->device : s->data_mount;
}

/* An image file used read-write needs its partition writable: the loop
 * device (or cryptsetup's) writes through it. Only this partition, and only
 * because it holds the store. */
int store_data_writable(const struct store *s, const char *what, bool *remounted)
{
	*remounted = false;
	/* Already writable (vtoy.data=rw, VTOY_LINUX_REMOUNT): left as it is. */
	if (mount_writable_now(s->data_mount))
		return 0;
	if (mount(NULL, s->data_mount, NULL, MS_REMOUNT | PROBE_FLAGS, NULL) < 0) {
		int ret = -errno;

		log_err("cannot remount %s read-write to write to %s: %s", data_name(s), what,
			strerror(-ret));
		return ret;
	}
	log_info("%s remounted read-write: it holds the store %s", data_name(s), what);
	*remounted = true;
	return 0;
}

void store_data_read_only(const struct store *s)
{
	if (mount(NULL, s->data_mount, NULL, MS_REMOUNT | MS_RDONLY | PROBE_FLAGS, NULL) < 0)
		log_warn("cannot remount %s read-only again: %s", data_name(s), strerror(errno));
	else
		log_info("%s remounted read-only again: no store on it is written to", data_name(s));
}

static void fail_cleanup(const struct store *s, const struct opened_store *out, int hold_fd)
{
	if (hold_fd >= 0)
		close(hold_fd); /* the loop device clears itself */
	if (out->data_remounted)
		store_data_read_only(s);
}

/* A directory store: its partition is mounted at partition_mount; the
 * directory, resolved beneath it, is bound at the store's mount point. */
static int bind_dir(const struct store *s, struct opened_store *out)
{
	int fd, target_fd = -1, ret;

	fd = safepath_open_at(out->partition_mount, s->dir, O_PATH | O_DIRECTORY);
	if (fd < 0) {
		log_err("%s: %s", s->source, strerror(-fd));
		return fd;
	}
	ret = mkdir_p(out->mount, 0755);
	if (ret == 0 && (target_fd = open(out->mount, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		ret = -errno;
	if (ret == 0)
		ret = mount_bind_fds(fd, target_fd);
	if (target_fd >= 0)
		close(target_fd);
	close(fd);
	if (ret < 0)
		log_err("cannot bind %s at %s: %s", s->source, out->mount, strerror(-ret));
	return ret;
}

/* e2fsck -p on the store before it is mounted read-write: -EUCLEAN when it
 * cannot make it consistent. */
static int check_e2fsck(const struct store *s, struct opened_store *out, const char *run_dir,
			const char *e2fsck_path)
{
	char fsck_log[PATH_MAX];
	int dirty = ext_needs_recovery(out->device);

	if (dirty == 1)
		log_warn("%s was not unmounted cleanly when last used (a power cut, a pulled "
			 "stick, or a shutdown that never unmounted it): e2fsck replays its journal "
			 "now", s->source);
	out->last_shutdown = dirty == 1 ? "unclean" : dirty == 0 ? "clean" : NULL;
	run_path(fsck_log, sizeof(fsck_log), run_dir, RUN_FSCK_LOG, NULL);
	if (s->kind == STORE_FILE)
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
		return -EUCLEAN;
	}
	return 0;
}

int store_open(const struct store *s, const char *run_dir, const char *e2fsck_path,
	       bool read_only, struct opened_store *out)
{
	const struct store_fs *fs = store_fs_find(s->fstype);
	int hold_fd = -1, ret;

	memset(out, 0, sizeof(*out));
	if (!fs) {
		log_err("%s holds %s; a store holds " STORE_FSTYPES, s->source, s->fstype);
		return -EINVAL;
	}
	out->read_only = read_only;
	run_path(out->mount, sizeof(out->mount), run_dir, RUN_STORE, NULL);
	if (s->kind == STORE_DIRECTORY)
		run_path(out->partition_mount, sizeof(out->partition_mount), run_dir,
			 RUN_STORE_PARTITION, NULL);
	if (s->kind == STORE_FILE) {
		hold_fd = attach_file(s, read_only, out);
		if (hold_fd < 0) {
			fail_cleanup(s, out, -1);
			return hold_fd;
		}
	} else {
		snprintf(out->device, sizeof(out->device), "%s", s->device);
	}
	ret = fs_driver_load(fs->mount_type);
	if (ret < 0) {
		fail_cleanup(s, out, hold_fd);
		return ret;
	}

	if (read_only) {
		out->fsck = FSCK_SKIPPED;
		ret = mount_probe_ro(out->device, s->kind == STORE_DIRECTORY ? out->partition_mount : out->mount, s->fstype);
		if (ret == 0 && s->kind == STORE_DIRECTORY && (ret = bind_dir(s, out)) < 0)
			umount2(out->partition_mount, MNT_DETACH);
		if (ret < 0) {
			log_err("cannot mount %s read-only: %s", s->source, strerror(-ret));
			fail_cleanup(s, out, hold_fd);
			return ret;
		}
		log_info("%s mounted read-only (no check, no journal or log replay): nothing on "
			 "it changes", s->source);
		if (hold_fd >= 0)
			close(hold_fd);
		return 0;
	}

	if (fs->e2fsck) {
		ret = check_e2fsck(s, out, run_dir, e2fsck_path);
		if (ret < 0) {
			fail_cleanup(s, out, hold_fd);
			return ret;
		}
	} else {
		out->fsck = FSCK_AT_MOUNT;
		log_info("%s is %s: no fsck step, the kernel replays its log as it mounts",
			 s->source, s->fstype);
	}

	ret = mount_at(out->device, s->kind == STORE_DIRECTORY ? out->partition_mount : out->mount,
		       fs->mount_type, MS_NOSUID | MS_NODEV | MS_NOATIME, NULL);
	if (ret == 0 && s->kind == STORE_DIRECTORY && (ret = bind_dir(s, out)) < 0)
		umount2(out->partition_mount, MNT_DETACH);
	if (ret < 0) {
		log_err("cannot mount %s read-write: %s", s->source, strerror(-ret));
		fail_cleanup(s, out, hold_fd);
		/* The kernel is xfs's and btrfs's check: a refused mount is their
		 * "could not be made consistent". */
		if (!fs->e2fsck && ret != -ENODEV && ret != -ENOENT) {
			log_err("the kernel could not make the %s store %s consistent: it is not "
				"written to; run %s on it from another system", s->fstype,
				s->source, fs->repair);
			return -EUCLEAN;
		}
		return ret;
	}
	if (hold_fd >= 0)
		close(hold_fd);
	return 0;
}

int store_close(const struct store *s, const struct opened_store *opened)
{
	if (umount2(opened->mount, 0) < 0) {
		int ret = -errno;

		log_warn("cannot unmount %s: %s", opened->mount, strerror(-ret));
		return ret;
	}
	if (opened->partition_mount[0] && umount2(opened->partition_mount, 0) < 0)
		log_warn("cannot unmount %s: %s", opened->partition_mount, strerror(errno));
	if (opened->data_remounted)
		store_data_read_only(s);
	return 0;
}
