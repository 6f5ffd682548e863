/* libFuzzer target: the record a store keeps of the images it was used with
 * (.vtoy-medium at the store's root: bytes from the stick), compared with
 * this boot's images and never written here. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iso_change.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int dir_fd = -1;
	char before[1024];
	int fd, ret;

	if (dir_fd < 0) {
		/* In memory where there is a /dev/shm: the file is written each run. */
		char shm[] = "/dev/shm/vtoy-fuzz-record-XXXXXX", tmp[] = "/tmp/vtoy-fuzz-record-XXXXXX";
		const char *dir = mkdtemp(shm) ? shm : mkdtemp(tmp);

		if (!dir || (dir_fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
			abort();
	}
	fd = openat(dir_fd, MEDIUM_RECORD, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	ret = medium_record_check(dir_fd, "filesystem.squashfs 1630208 bytes, built 2026-12-03",
				  false, before, sizeof(before));
	if (ret == MEDIUM_CHANGED && strnlen(before, sizeof(before)) == sizeof(before))
		abort(); /* what was recorded comes back as a terminated string */
	return 0;
}
