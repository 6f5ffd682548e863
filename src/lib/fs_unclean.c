#include "fs_unclean.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define EXT_MAGIC_OFF 0x38
#define EXT_INCOMPAT_OFF 0x60
#define EXT_INCOMPAT_RECOVER 0x04
#define EXFAT_VOLUME_FLAGS 106
#define EXFAT_VOLUME_DIRTY 0x02

/* len bytes of device at offset; 0 or -errno. */
static int read_header(const char *device, off_t offset, unsigned char *buf, size_t len)
{
	int fd = open(device, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, offset);
	close(fd);
	if (n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	return 0;
}

int ext_needs_recovery(const char *device)
{
	unsigned char sb[0x64];
	int ret = read_header(device, 1024, sb, sizeof(sb));

	if (ret < 0)
		return ret;
	if (sb[EXT_MAGIC_OFF] != 0x53 || sb[EXT_MAGIC_OFF + 1] != 0xEF)
		return -EINVAL;
	return (sb[EXT_INCOMPAT_OFF] & EXT_INCOMPAT_RECOVER) ? 1 : 0;
}

int exfat_volume_dirty(const char *device)
{
	unsigned char boot[512];
	int ret = read_header(device, 0, boot, sizeof(boot));

	if (ret < 0)
		return ret;
	if (memcmp(boot + 3, "EXFAT   ", 8) != 0)
		return -EINVAL;
	return (boot[EXFAT_VOLUME_FLAGS] & EXFAT_VOLUME_DIRTY) ? 1 : 0;
}
