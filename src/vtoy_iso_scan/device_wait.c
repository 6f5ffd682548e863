#include "device_wait.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers.h"
#include "log.h"
#include "timeline.h"
#include "uevent.h"

#define POLL_FALLBACK_MS 200
/* With drivers on demand: when nothing was found after this share of the
 * wait (or this long, the later), every module of the list is loaded, for a
 * controller whose modalias matched none. */
#define ALL_DRIVERS_AFTER_MS 5000

int device_wait(long timeout_ms,
		int (*check)(const struct blkdev_list *devs, void *ctx, long long *recheck_at_ms),
		void *ctx, long long *waited_ms)
{
	long long start = monotonic_ms(), deadline = start + timeout_ms;
	long long all_at = start + (timeout_ms / 2 > ALL_DRIVERS_AFTER_MS ? timeout_ms / 2
									  : ALL_DRIVERS_AFTER_MS);
	/* The process's socket, left open: a later wait of this process
	 * (vtoy-persist --find-medium) hears what came in between. */
	int uevent_fd = uevent_socket(), ret;

	if (uevent_fd < 0)
		log_warn("no uevent socket (%s); rescanning every %d ms instead",
			 strerror(-uevent_fd), POLL_FALLBACK_MS);
	/* After the socket: a device added meanwhile is heard, not lost. */
	drivers_stick_wanted();
	drivers_coldplug();
	timeline_mark("drivers");
	if (!drivers_on_demand() || all_at >= deadline)
		all_at = 0;
	for (;;) {
		struct blkdev_list list;
		long long recheck = 0, wake;
		bool loaded_all = false;

		ret = blkdev_scan(&list);
		if (ret < 0) {
			log_err("cannot list block devices: %s", strerror(-ret));
			break;
		}
		ret = check(&list, ctx, &recheck);
		blkdev_list_free(&list);
		if (ret != 0)
			break;
		wake = all_at ? all_at : deadline;
		if (recheck > 0 && recheck < wake)
			wake = recheck;
		if (uevent_fd >= 0) {
			ret = uevent_wait_block(uevent_fd, wake);
		} else {
			usleep(POLL_FALLBACK_MS * 1000);
			ret = monotonic_ms() < deadline;
		}
		if (ret < 0)
			break;
		if (all_at && monotonic_ms() >= all_at) {
			char why[96];

			snprintf(why, sizeof(why), "nothing found after %lld ms of %ld",
				 monotonic_ms() - start, timeout_ms);
			drivers_load_all(why);
			all_at = 0;
			loaded_all = true;
		}
		/* An event, a recheck or new drivers: scan again, once more with
		 * new drivers even when their loading ran past the deadline. */
		if (ret == 0 && !loaded_all && monotonic_ms() >= deadline)
			break;
	}
	*waited_ms = monotonic_ms() - start;
	return ret;
}
