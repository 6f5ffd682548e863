/* Mount helpers over mount(2). All return 0 or -errno. */
#ifndef VTOY_MNT_H
#define VTOY_MNT_H

#include <sys/types.h>

int mkdir_p(const char *path, mode_t mode);

/* Creates target and mounts. */
int mount_at(const char *source, const char *target, const char *fstype, unsigned long flags,
	     const char *data);

/* Binds what src_fd refers to onto what target_fd refers to, through
 * /proc/self/fd: the kernel resolves those names to the very objects the
 * fds hold, so no path is looked up a second time (where a symlink could
 * have been swapped in). Returns 0 or -errno. */
int mount_bind_fds(int src_fd, int target_fd);

/* 1 when dir is the root of a mount, 0 when not, -errno. */
int mount_is_root(const char *dir);

/* Makes dir a private mount of its own (bound onto itself). The kernel
 * refuses MS_MOVE out of a shared parent mount, and systemd's initrd makes
 * every mount shared. */
int mount_private_dir(const char *dir);

/* Read-only probe mount that never writes to the device: journals are not
 * replayed (ext3/4 noload, xfs norecovery, btrfs nologreplay), so a
 * hibernated or unclean foreign filesystem is left exactly as it was. */
int mount_probe_ro(const char *source, const char *target, const char *fstype);

/* True when mount_probe_ro suppresses journal replay for fstype: such a
 * mount must never be remounted read-write (ext4 allows it, leaving the
 * journal unreplayed and journaling off). */
int fstype_probe_skips_journal(const char *fstype);

/* True for filesystem types the kernel may mount as a data partition. */
int fstype_mountable(const char *fstype);

/* True when dir's mount is read-write now (statvfs; a data partition made
 * writable at boot, its journal replayed, by vtoy.data=rw). */
int mount_writable_now(const char *dir);

#endif
