/* Writing a store's blocks in full: GRUB refuses sparse files, and a file
 * written in one go on a partition with room in one piece is contiguous. */
#ifndef VTOY_STICK_FILL_H
#define VTOY_STICK_FILL_H

#include <stdbool.h>

#include <signal.h>

/* Writes zeros to fd from byte from up to byte to, then fsyncs; with
 * progress, a percentage line on stderr naming name. Stops when *stop
 * (may be NULL) is set by a signal handler. Returns 0 or -errno (-EIO for
 * a short write, -EINTR when stopped). */
int stick_fill(int fd, unsigned long long from, unsigned long long to, const char *name,
	       bool progress, volatile sig_atomic_t *stop);

#endif
