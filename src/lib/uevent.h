/* Waiting for block devices on kernel uevents (NETLINK_KOBJECT_UEVENT), the
 * way nlplug-findfs does: open the socket, scan, and rescan on each event,
 * until found or a deadline passes. No udev needed. */
#ifndef VTOY_UEVENT_H
#define VTOY_UEVENT_H

long long monotonic_ms(void);

/* Returns a socket fd or -errno. */
int uevent_open(void);

/* The process's own socket, opened at the first call and kept open until
 * uevent_socket_close: one program's waits after another's then hear
 * every device added in between, from the queue (1 MiB, SO_RCVBUFFORCE).
 * Returns the fd (not to be closed by the caller) or -errno. */
int uevent_socket(void);
/* Which opening of uevent_socket is open now (1, 2, ...), 0 when none is:
 * equal values tell that it stayed open in between. */
unsigned uevent_socket_epoch(void);
void uevent_socket_close(void);
/* Reads every event queued on fd without waiting, as the waits below do
 * (drivers_uevent for each, added_disk for announced disks). Returns 0,
 * -ENOBUFS when the queue overflowed and events were lost (added_disk(NULL)
 * was called), other -errno on error. */
int uevent_drain(int fd, void (*added_disk)(const char *name, void *ctx), void *ctx);
/* Waits for a block add/change event. Returns 1 on an event, 0 when the
 * deadline (monotonic_ms() clock) passed, -errno on error. */
int uevent_wait_block(int fd, long long deadline_ms);
/* The same, calling added_disk(NAME, ctx) for each whole disk announced
 * ("sdb"): added, changed, or one of its partitions added (a media change's
 * rescan); added_disk(NULL, ctx) when events were lost (ENOBUFS). The
 * kernel announces a new disk only once its partitions are created
 * (block/genhd.c, device_add_disk: its and its partitions' uevents are
 * suppressed until then). */
int uevent_wait_block_seen(int fd, long long deadline_ms,
			   void (*added_disk)(const char *name, void *ctx), void *ctx);

#endif
