#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int sysfs_read(const char *path, char *buf, size_t len)
{
	return sysfs_read_at(AT_FDCWD, path, buf, len);
}

int sysfs_read_at(int dir_fd, const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0)
		return -EINVAL;
	fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

int sysfs_read_u64(const char *path, uint64_t *value)
{
	char buf[32], *end;
	unsigned long long v;
	int ret = sysfs_read(path, buf, sizeof(buf));

	if (ret < 0)
		return ret;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (end == buf || errno || buf[0] == '-' || *end)
		return -EINVAL;
	*value = v;
	return 0;
}

int sysfs_read_devno(const char *path, dev_t *devno)
{
	char buf[32];
	unsigned int maj, min;
	char extra;
	int ret = sysfs_read(path, buf, sizeof(buf));

	if (ret < 0)
		return ret;
	if (sscanf(buf, "%u:%u%c", &maj, &min, &extra) != 2)
		return -EINVAL;
	*devno = makedev(maj, min);
	return 0;
}
