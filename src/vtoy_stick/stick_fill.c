#include "stick_fill.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

int stick_fill(int fd, unsigned long long from, unsigned long long to, const char *name,
	       bool progress, volatile sig_atomic_t *stop)
{
	unsigned long long done = from;
	char *buf = calloc(1, CHUNK);
	int last = -1, ret = 0;

	if (!buf)
		return -ENOMEM;
	while (done < to) {
		size_t n = to - done < CHUNK ? (size_t)(to - done) : CHUNK;
		ssize_t w = pwrite(fd, buf, n, (off_t)done);
		int pct = (int)((done - from) * 100 / (to - from));

		if (stop && *stop) {
			ret = -EINTR;
			break;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = w < 0 ? -errno : -EIO;
			break;
		}
		done += (unsigned long long)w;
		if (progress && pct != last) {
			fprintf(stderr, "\rvtoy-stick: writing %s: %3d%% (%llu of %llu MiB)", name, pct,
				(done - from) >> 20, (to - from) >> 20);
			last = pct;
		}
	}
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (progress)
		fprintf(stderr, ret ? "\n" : "\rvtoy-stick: writing %s: 100%%                    \n",
			name);
	free(buf);
	return ret;
}
