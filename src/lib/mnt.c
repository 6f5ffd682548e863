#include "mnt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "fs_driver.h"

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return -errno;
			*p = saved;
			if (!saved)
				break;
		}
	}
	return 0;
}

int mount_at(const char *source, const char *target, const char *fstype, unsigned long flags,
	     const char *data)
{
	int ret = mkdir_p(target, 0755);

	if (ret < 0)
		return ret;
	/* A bind or move has no type; an absent driver shows as ENODEV. */
	if (fstype && !(flags & (MS_BIND | MS_MOVE | MS_REMOUNT)))
		fs_driver_ensure(fstype);
	if (mount(source, target, fstype, flags, data) < 0)
		return -errno;
	return 0;
}

static const char *noreplay_options(const char *fstype)
{
	if (!strcmp(fstype, "ext3") || !strcmp(fstype, "ext4") || !strcmp(fstype, "jbd"))
		return "noload";
	if (!strcmp(fstype, "xfs"))
		return "norecovery";
	if (!strcmp(fstype, "btrfs"))
		return "nologreplay";
	return NULL;
}

int mount_probe_ro(const char *source, const char *target, const char *fstype)
{
	/* ext2 has no journal; the ext4 driver mounts it too. */
	const char *type = strcmp(fstype, "ext2") == 0 ? "ext4" : fstype;

	return mount_at(source, target, type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			noreplay_options(fstype));
}

int fstype_probe_skips_journal(const char *fstype)
{
	return noreplay_options(fstype) != NULL;
}

int fstype_mountable(const char *fstype)
{
	static const char *const types[] = { "exfat", "vfat", "ntfs", "ntfs3", "ext2", "ext3",
					     "ext4", "xfs", "btrfs", "udf", "iso9660", NULL };

	for (int i = 0; types[i]; i++)
		if (strcmp(fstype, types[i]) == 0)
			return 1;
	return 0;
}

int mount_writable_now(const char *dir)
{
	struct statvfs sv;

	return statvfs(dir, &sv) == 0 && !(sv.f_flag & ST_RDONLY);
}

int mount_bind_fds(int src_fd, int target_fd)
{
	char src[32], target[32];

	snprintf(src, sizeof(src), "/proc/self/fd/%d", src_fd);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", target_fd);
	return mount(src, target, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

int mount_is_root(const char *dir)
{
	struct statx stx;

	if (statx(AT_FDCWD, dir, AT_SYMLINK_NOFOLLOW, 0, &stx) < 0)
		return -errno;
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

int mount_private_dir(const char *dir)
{
	int ret = mkdir_p(dir, 0755);

	if (ret < 0)
		return ret;
	/* Bound once already (a second run from a rescue shell): binding again
	 * would hide what is mounted below it. */
	ret = mount_is_root(dir);
	if (ret < 0)
		return ret;
	if (!ret && mount(dir, dir, NULL, MS_BIND, NULL) < 0)
		return -errno;
	if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}
