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

/* Runs e2fsck_path -p device, logging each line of its output and keeping
 * it in log_path. *status gets the exit status (-1 if it did not run). */
enum fsck_result fsck_run(const char *e2fsck_path, const char *device, const char *log_path,
			  int *status);

#endif
