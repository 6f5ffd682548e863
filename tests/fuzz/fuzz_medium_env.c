/* libFuzzer target: the medium report (/run/vtoy/medium.env) that
 * vtoy-persist reads from vtoy-iso-scan, read from a file whose bytes are
 * the input (kvfile_read, then medium_read's typed fields). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "medium.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64];
	struct medium m;

	if (fd < 0) {
		fd = memfd_create("medium.env", 0);
		if (fd < 0)
			abort();
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	medium_read(path, &m);
	medium_free(&m); /* also after a failure, as medium.h says */
	return 0;
}
