#include "loopdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "drivers.h"
#include "sysfs.h"

#define LOOP_ATTEMPTS 16

static int open_loop_node(int nr, char *dev, size_t len)
{
	char sys[64];
	dev_t devno;
	int fd;

	snprintf(dev, len, "/dev/loop%d", nr);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	/* Without devtmpfs the node may lag behind: create it from sysfs. */
	snprintf(sys, sizeof(sys), "/sys/block/loop%d/dev", nr);
	if (sysfs_read_devno(sys, &devno) < 0)
		return -ENOENT;
	if (mknod(dev, S_IFBLK | 0600, devno) < 0 && errno != EEXIST)
		return -errno;
	fd = open(dev, O_RDWR | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

static int configure(int loop_fd, int backing_fd, const struct loop_info64 *info)
{
	struct loop_config config;

	memset(&config, 0, sizeof(config));
	config.fd = backing_fd;
	config.info = *info;
	if (ioctl(loop_fd, LOOP_CONFIGURE, &config) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return -errno;
	/* Before Linux 5.8: two steps. */
	if (ioctl(loop_fd, LOOP_SET_FD, backing_fd) < 0)
		return -errno;
	if (ioctl(loop_fd, LOOP_SET_STATUS64, info) < 0) {
		int ret = -errno;

		ioctl(loop_fd, LOOP_CLR_FD, 0);
		return ret;
	}
	return 0;
}

static int attach(int backing_fd, unsigned flags, const char *name, char *dev, size_t len)
{
	struct loop_info64 info;
	int ctl, ret = -EBUSY;

	memset(&info, 0, sizeof(info));
	info.lo_flags = LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO | flags;
	snprintf((char *)info.lo_file_name, sizeof(info.lo_file_name), "%s", name);

	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	/* Its node exists only once the loop module is in (devtmpfs makes it
	 * when the module registers the misc device, before modprobe ends). */
	if (ctl < 0 && errno == ENOENT && drivers_need("loop", "/sys/class/misc/loop-control") == 0)
		ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -errno;
	for (int attempt = 0; attempt < LOOP_ATTEMPTS && ret == -EBUSY; attempt++) {
		int nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		int loop_fd;

		if (nr < 0) {
			ret = -errno;
			break;
		}
		loop_fd = open_loop_node(nr, dev, len);
		if (loop_fd < 0) {
			ret = loop_fd;
			break;
		}
		/* EBUSY: another process took this device between GET_FREE and
		 * configure; ask for the next free one. */
		ret = configure(loop_fd, backing_fd, &info);
		if (ret == 0)
			ret = loop_fd;
		else
			close(loop_fd);
	}
	close(ctl);
	return ret;
}

int loopdev_attach_fd(int backing_fd, bool read_only, const char *name, char *dev, size_t len)
{
	return attach(backing_fd, read_only ? LO_FLAGS_READ_ONLY : 0, name, dev, len);
}

int loopdev_attach_parts(int backing_fd, bool read_only, const char *name, char *dev,
			 size_t len)
{
	return attach(backing_fd, LO_FLAGS_PARTSCAN | (read_only ? LO_FLAGS_READ_ONLY : 0), name,
		      dev, len);
}
