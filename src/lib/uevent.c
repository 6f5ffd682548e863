#include "uevent.h"

#include "drivers.h"
#include "log.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int uevent_open(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1, /* the kernel's own broadcast group */
	};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -errno;
	/* Room for the burst of a hub's devices while a modprobe runs; a
	 * larger buffer needs root (FORCE), a smaller one still works. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ 1 << 20 }, sizeof(int)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ 1 << 20 }, sizeof(int));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static int shared_fd = -1;
static unsigned shared_epoch;

int uevent_socket(void)
{
	if (shared_fd < 0) {
		int fd = uevent_open();

		if (fd < 0)
			return fd;
		shared_fd = fd;
		shared_epoch++;
	}
	return shared_fd;
}

unsigned uevent_socket_epoch(void)
{
	return shared_fd >= 0 ? shared_epoch : 0;
}

void uevent_socket_close(void)
{
	if (shared_fd >= 0)
		close(shared_fd);
	shared_fd = -1;
}

/* A block add or change event; a whole disk's add calls added_disk. An
 * added device's driver is loaded on the way (drivers.h). */
static int is_block_event(const char *buf, size_t len,
			  void (*added_disk)(const char *name, void *ctx), void *ctx)
{
	int block = 0, wanted_action = 0, add = 0, disk = 0, partition = 0;
	const char *name = NULL, *devpath = NULL;

	for (size_t off = 0; off < len; off += strlen(buf + off) + 1) {
		const char *field = buf + off;

		if (strcmp(field, "SUBSYSTEM=block") == 0)
			block = 1;
		else if (strcmp(field, "ACTION=add") == 0)
			wanted_action = add = 1;
		else if (strcmp(field, "ACTION=change") == 0)
			wanted_action = 1;
		else if (strcmp(field, "DEVTYPE=disk") == 0)
			disk = 1;
		else if (strcmp(field, "DEVTYPE=partition") == 0)
			partition = 1;
		else if (strncmp(field, "DEVNAME=", 8) == 0)
			name = field + 8;
		else if (strncmp(field, "DEVPATH=", 8) == 0)
			devpath = field + 8;
	}
	drivers_uevent(buf, len);
	if (!block || !wanted_action || !added_disk)
		return block && wanted_action;
	if (disk && name) {
		added_disk(name, ctx);
	} else if (partition && add && devpath) {
		/* .../block/sdb/sdb1: the directory above names the disk. */
		const char *last = strrchr(devpath, '/'), *start = last;
		char parent[32];

		while (start && start > devpath && start[-1] != '/')
			start--;
		if (last && start && last > start && (size_t)(last - start) < sizeof(parent)) {
			snprintf(parent, sizeof(parent), "%.*s", (int)(last - start), start);
			added_disk(parent, ctx);
		}
	}
	return 1;
}

/* Reads every event queued on fd (each through is_block_event). Returns 1
 * when one was a block event, 0 when none, -ENOBUFS when events were lost
 * (added_disk(NULL) said so), other -errno on error. */
static int drain(int fd, void (*added_disk)(const char *name, void *ctx), void *ctx)
{
	char buf[8192];
	int block = 0;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		block |= is_block_event(buf, n, added_disk, ctx);
	}
	if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK)
		return block;
	if (errno == ENOBUFS) {
		/* Said, as its cost (another walk of /sys) would be a mystery. */
		log_info("uevents: some were lost (our socket's queue overflowed): the devices in "
			 "/sys are looked at again");
		if (added_disk)
			added_disk(NULL, ctx);
		return -ENOBUFS;
	}
	return -errno;
}

int uevent_wait_block(int fd, long long deadline_ms)
{
	return uevent_wait_block_seen(fd, deadline_ms, NULL, NULL);
}

/* Idle work waits no longer than this for a quiet moment: 32 disks being
 * added bring a uevent every few ms for a second, and without it ext4 came
 * only at the store's mount, held up there. */
#define IDLE_STARVED_MS 250

int uevent_wait_block_seen(int fd, long long deadline_ms,
			   void (*added_disk)(const char *name, void *ctx), void *ctx)
{
	static long long idle_at; /* when idle work was last started */

	if (!idle_at)
		idle_at = monotonic_ms();
	for (;;) {
		long long now = monotonic_ms(), left = deadline_ms - now;
		/* The second: our background module load, readable when it ends. */
		struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
					 { .fd = drivers_load_fd(), .events = POLLIN } };
		int rc;

		int idle = drivers_idle_pending();
		int wait_ms = left > 60000 ? 60000 : (int)left;

		if (left <= 0)
			return 0;
		if (idle && now - idle_at >= IDLE_STARVED_MS) {
			drivers_idle();
			idle_at = now;
		}
		/* Idle work (drivers.h) is done after a short quiet moment. */
		rc = poll(pfd, pfd[1].fd >= 0 ? 2 : 1,
			  idle && wait_ms > DRIVERS_IDLE_MS ? DRIVERS_IDLE_MS : wait_ms);
		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc == 0 && idle) {
			drivers_idle();
			idle_at = monotonic_ms();
		}
		if (rc > 0 && pfd[1].revents) {
			drivers_load_ended();
			rc--;
		}
		if (rc <= 0 || !pfd[0].revents)
			continue;
		/* One rescan covers every block event queued. */
		rc = drain(fd, added_disk, ctx);
		if (rc == -ENOBUFS) {
			/* A lost add may have been a device needing a driver. */
			drivers_coldplug();
			return 1; /* events were lost: rescan to be safe */
		}
		if (rc != 0)
			return rc;
	}
}

int uevent_drain(int fd, void (*added_disk)(const char *name, void *ctx), void *ctx)
{
	int rc = drain(fd, added_disk, ctx);

	return rc < 0 ? rc : 0;
}
