#include "dir_empty.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safepath.h"

/* Deeper trees are refused rather than run out of file descriptors. */
#define DIR_EMPTY_DEPTH_MAX 256

static int empty_fd(int dir_fd, dev_t dev, int depth, size_t *removed)
{
	int ret = 0, fd = dup(dir_fd);
	struct dirent *de;
	DIR *dir;

	if (fd < 0)
		return -errno;
	if (depth > DIR_EMPTY_DEPTH_MAX) {
		close(fd);
		return -ELOOP;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(dir))) {
		struct stat st;
		int err = 0;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dir_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = -errno;
		} else if (S_ISDIR(st.st_mode)) {
			int sub;

			if (st.st_dev != dev) {
				err = -EXDEV; /* a mount point: not ours to empty */
			} else if ((sub = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY |
								     O_NOFOLLOW | O_CLOEXEC)) < 0) {
				err = -errno;
			} else {
				err = empty_fd(sub, dev, depth + 1, removed);
				close(sub);
				if (err == 0 && unlinkat(dir_fd, de->d_name, AT_REMOVEDIR) < 0)
					err = -errno;
			}
		} else if (unlinkat(dir_fd, de->d_name, 0) < 0) {
			err = -errno;
		}
		if (err == 0)
			(*removed)++;
		else if (ret == 0)
			ret = err;
	}
	closedir(dir);
	return ret;
}

int dir_empty(int root_fd, const char *rel, size_t *removed)
{
	struct stat st;
	int fd, ret;

	*removed = 0;
	fd = safepath_open(root_fd, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = empty_fd(fd, st.st_dev, 0, removed);
	close(fd);
	return ret;
}
