#include "exfat_state.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define EXFAT_VOLUME_FLAGS 106
#define EXFAT_VOLUME_DIRTY 0x0002

int exfat_volume_dirty(const char *device)
{
	unsigned char boot[512];
	int fd = open(device, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, boot, sizeof(boot), 0);
	close(fd);
	if (n != (ssize_t)sizeof(boot))
		return n < 0 ? -errno : -EIO;
	if (memcmp(boot + 3, "EXFAT   ", 8) != 0)
		return -EINVAL;
	return (boot[EXFAT_VOLUME_FLAGS] & EXFAT_VOLUME_DIRTY) ? 1 : 0;
}
