#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int safepath_check(const char *path)
{
	const char *p = path;

	while (*p == '/')
		p++;
	if (!*p || strlen(path) >= PATH_MAX)
		return -EINVAL;
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = end - p;

		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		for (const char *c = p; c < end; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return -EINVAL;
		p = end;
		while (*p == '/')
			p++;
	}
	return 0;
}

static int open_walk_nofollow(int dirfd, const char *path, int flags)
{
	char buf[PATH_MAX];
	char *save = NULL, *part, *next;
	int fd = dup(dirfd);

	if (fd < 0)
		return -errno;
	strncpy(buf, path, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	part = strtok_r(buf, "/", &save);
	while (part) {
		int nfd;

		next = strtok_r(NULL, "/", &save);
		nfd = openat(fd, part, next ? O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
					    : flags | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (nfd < 0)
			return errno == ELOOP ? -EXDEV : -errno;
		fd = nfd;
		part = next;
	}
	return fd;
}

static int open_resolved(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = resolve,
	};
	long fd;

	if (safepath_check(path) < 0)
		return -EINVAL;
	while (*path == '/')
		path++;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd >= 0)
		return (int)fd;
	if (errno != ENOSYS)
		return -errno;
	return open_walk_nofollow(dirfd, path, flags);
}

int safepath_open(int dirfd, const char *path, int flags)
{
	return open_resolved(dirfd, path, flags,
			     RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
}

int safepath_open_at(const char *dir, const char *path, int flags)
{
	int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	if (dirfd < 0)
		return -errno;
	fd = safepath_open(dirfd, path, flags);
	close(dirfd);
	return fd;
}

int safepath_open_in_root(int dirfd, const char *path, int flags)
{
	return open_resolved(dirfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}
