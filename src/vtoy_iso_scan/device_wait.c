#include "device_wait.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "uevent.h"

#define POLL_FALLBACK_MS 200

int device_wait(long timeout_ms, int (*check)(const struct blkdev_list *devs, void *ctx),
		void *ctx, long long *waited_ms)
{
	long long start = monotonic_ms(), deadline = start + timeout_ms;
	int uevent_fd = uevent_open(), ret;

	if (uevent_fd < 0)
		log_warn("no uevent socket (%s); rescanning every %d ms instead",
			 strerror(-uevent_fd), POLL_FALLBACK_MS);
	for (;;) {
		struct blkdev_list list;

		ret = blkdev_scan(&list);
		if (ret < 0) {
			log_err("cannot list block devices: %s", strerror(-ret));
			break;
		}
		ret = check(&list, ctx);
		blkdev_list_free(&list);
		if (ret != 0)
			break;
		if (uevent_fd >= 0) {
			ret = uevent_wait_block(uevent_fd, deadline);
		} else {
			usleep(POLL_FALLBACK_MS * 1000);
			ret = monotonic_ms() < deadline;
		}
		if (ret <= 0)
			break;
	}
	if (uevent_fd >= 0)
		close(uevent_fd);
	*waited_ms = monotonic_ms() - start;
	return ret;
}
