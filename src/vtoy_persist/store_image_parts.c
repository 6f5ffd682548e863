#include "store_image_parts.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loopdev.h"

int image_parts_probe(int fd, const char *name, struct image_part *parts, size_t max)
{
	char dev[BLKDEV_PATH_MAX], sys[BLKDEV_PATH_MAX + 16];
	const char *loop_name;
	struct dirent *de;
	size_t count = 0, n;
	int loop_fd;
	DIR *dir;

	loop_fd = loopdev_attach_parts(fd, true, name, dev, sizeof(dev));
	if (loop_fd < 0)
		return loop_fd;
	loop_name = dev + strlen("/dev/");
	n = strlen(loop_name);
	snprintf(sys, sizeof(sys), "/sys/block/%s", loop_name);
	dir = opendir(sys);
	if (!dir) {
		int ret = -errno;

		close(loop_fd);
		return ret;
	}
	/* The kernel read the table inside LOOP_CONFIGURE: loopNpK are there. */
	while ((de = readdir(dir)) && count < max) {
		char node[BLKDEV_PATH_MAX + 8], *end;
		unsigned long k;

		if (strncmp(de->d_name, loop_name, n) || de->d_name[n] != 'p')
			continue;
		k = strtoul(de->d_name + n + 1, &end, 10);
		if (*end || k == 0)
			continue;
		snprintf(node, sizeof(node), "/dev/%s", de->d_name);
		memset(&parts[count], 0, sizeof(parts[count]));
		parts[count].number = (unsigned)k;
		if (blkdev_probe_search(node, &parts[count].probe) == 0)
			count++;
	}
	closedir(dir);
	close(loop_fd); /* the loop device clears itself */
	return (int)count;
}
