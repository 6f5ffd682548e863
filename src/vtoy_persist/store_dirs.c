#include "store_dirs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs_tree.h"
#include "log.h"
#include "safepath.h"

int store_dirs(const char *store_mount, const char *rel_upper, const char *rel_work, bool create,
	       char *upper, char *work, size_t len)
{
	const char *rels[2] = { rel_upper, rel_work };
	char *paths[2] = { upper, work };
	int root_fd, ret = 0;

	root_fd = open(store_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	for (int i = 0; i < (create ? 2 : 1); i++) {
		const char *rel = rels[i] + strspn(rels[i], "/");
		int fd;

		if ((size_t)snprintf(paths[i], len, "%s%s%s", store_mount, *rel ? "/" : "", rel) >=
		    len) {
			ret = -ENAMETOOLONG;
			break;
		}
		fd = safepath_open(root_fd, rel, O_PATH | O_DIRECTORY);
		if (fd == -ENOENT && create) {
			log_info("creating %s/ in %s", rel, store_mount);
			fd = tree_mkdirs(root_fd, rel, false, NULL, NULL);
		}
		if (fd == -ENOENT) {
			log_warn("the read-only store has no %s/: there is nothing of it to show", rel);
			ret = fd;
			break;
		}
		if (fd < 0) {
			log_err("store directory %s: %s", rel,
				fd == -EXDEV ? "a symlink leads out of the store; refused"
				: fd == -ENOTDIR ? "something that is not a directory is in the way"
						 : strerror(-fd));
			ret = fd;
			break;
		}
		close(fd);
	}
	close(root_fd);
	return ret;
}
