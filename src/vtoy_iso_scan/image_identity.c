#include "image_identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "safepath.h"

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int squashfs_mkfs_time(const unsigned char *sb, size_t len, uint32_t *out)
{
	/* s_magic "hsqs" at 0, mkfs_time at 8, s_major (4) at 28 */
	if (len < 96 || sb[0] != 'h' || sb[1] != 's' || sb[2] != 'q' || sb[3] != 's' ||
	    (sb[28] | sb[29] << 8) != 4)
		return -EINVAL;
	*out = le32(sb + 8);
	return 0;
}

static int one_image(int dir_fd, const char *name, char *buf, size_t len)
{
	unsigned char sb[96];
	char when[64];
	struct stat st;
	uint32_t built;
	time_t t;
	int fd = safepath_open(dir_fd, name, O_RDONLY), n;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	/* mksquashfs stamps its build time; a copy (toram) keeps it */
	if (pread(fd, sb, sizeof(sb), 0) == (ssize_t)sizeof(sb) &&
	    squashfs_mkfs_time(sb, sizeof(sb), &built) == 0)
		t = built;
	else
		t = st.st_mtime;
	close(fd);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	n = snprintf(buf, len, "%s %lld bytes, built %s", name, (long long)st.st_size, when);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int image_identity(int dir_fd, const struct root_plan *plan, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	for (size_t i = plan->count; i-- > 0;) {
		int ret;

		if (used && used + 2 < len) {
			memcpy(buf + used, "; ", 3);
			used += 2;
		}
		ret = one_image(dir_fd, plan->files[i], buf + used, len - used);
		if (ret < 0)
			return ret;
		used += strlen(buf + used);
	}
	return plan->count ? 0 : -ENOENT;
}
