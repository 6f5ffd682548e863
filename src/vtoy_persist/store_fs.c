#include "store_fs.h"

#include <stddef.h>
#include <string.h>

#include "store.h"

static const struct store_fs store_fs_table[] = {
	{ "ext2", "ext4", true, "e2fsck -f" },
	{ "ext3", "ext4", true, "e2fsck -f" },
	{ "ext4", "ext4", true, "e2fsck -f" },
	/* XFS has no fsck step: the kernel replays its log at a read-write
	 * mount (fs/xfs/xfs_log_recover.c), and refuses a log it cannot. */
	{ "xfs", "xfs", false, "xfs_repair" },
	/* btrfs is copy-on-write: it mounts at its last committed tree and
	 * replays its log tree; a damaged one refuses the mount. */
	{ "btrfs", "btrfs", false, "btrfs check --repair" },
};

const struct store_fs *store_fs_find(const char *fstype)
{
	for (size_t i = 0; i < sizeof(store_fs_table) / sizeof(store_fs_table[0]); i++)
		if (!strcmp(store_fs_table[i].fstype, fstype))
			return &store_fs_table[i];
	return NULL;
}

bool store_fstype_ok(const char *fstype)
{
	return store_fs_find(fstype) != NULL;
}
