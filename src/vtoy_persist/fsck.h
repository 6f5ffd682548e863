/* Running e2fsck -p on a store before it is mounted read-write. */
#ifndef VTOY_FSCK_H
#define VTOY_FSCK_H

enum fsck_result {
	FSCK_NOT_RUN,   /* the store failed before it could be checked */
	FSCK_CLEAN,     /* exit 0 */
	FSCK_REPAIRED,  /* exit 1 or 2: errors fixed */
	FSCK_FAILED,    /* errors left, or e2fsck could not run: do not write */
	FSCK_SKIPPED,   /* read-only use: nothing is written, not even by e2fsck */
	FSCK_AT_MOUNT,  /* xfs, btrfs: no fsck step; the kernel replays their log as it mounts */
};

const char *fsck_result_name(enum fsck_result r);

/* 1 when the ext3/4 filesystem on device has a journal still to replay
 * (EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery"): it was not unmounted
 * cleanly, after a power cut, a pulled stick, or a shutdown that never
 * unmounted it. 0 when clean (or ext2), -errno when unreadable, -EINVAL
 * when not ext2/3/4. (fs/ext4/ext4.h: superblock at byte 1024, s_magic at
 * 0x38, s_feature_incompat at 0x60.) */
int ext_needs_recovery(const char *device);

/* Runs e2fsck_path -p device, logging each line of its output and keeping
 * it in log_path. *status gets the exit status (-1 if it did not run). */
enum fsck_result fsck_run(const char *e2fsck_path, const char *device, const char *log_path,
			  int *status);

#endif
