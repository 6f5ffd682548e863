/* Waiting for a block device to appear, on uevents, with a deadline. */
#ifndef VTOY_DEVICE_WAIT_H
#define VTOY_DEVICE_WAIT_H

#include "blkdev.h"

/* Calls check() with every scan of the block devices: at once, then after
 * each block uevent (or every 200 ms when there is no uevent socket), until
 * it returns nonzero or timeout_ms passes. check returns 1 when done, 0 to
 * wait for more devices, or -errno to stop; it may set *recheck_at_ms
 * (monotonic_ms() clock, 0 when unset) to be called again by then without
 * an event. Returns 1, 0 at the deadline, or the -errno. *waited_ms tells
 * how long it took. */
int device_wait(long timeout_ms,
		int (*check)(const struct blkdev_list *devs, void *ctx, long long *recheck_at_ms),
		void *ctx, long long *waited_ms);

#endif
