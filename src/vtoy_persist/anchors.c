#include "anchors.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mnt.h"
#include "paths.h"

int anchor_cdrom(const struct persist *p)
{
	const char *boot = kvlist_get(&p->cmdline, "boot");
	int root_fd, src_fd = -1, dst_fd = -1, ret;

	if (!(boot && !strcmp(boot, "casper")) && strcmp(p->medium.layout, "casper"))
		return 0;
	if (!p->medium.medium_mount[0]) {
		log_info("no /cdrom: the medium is not mounted (toram)");
		return 0;
	}
	root_fd = open(p->opts->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	/* Made in the root overlay, as casper makes it. */
	if (mkdirat(root_fd, CASPER_MEDIUM, 0755) < 0 && errno != EEXIST)
		ret = -errno;
	else if ((dst_fd = openat(root_fd, CASPER_MEDIUM, O_PATH | O_DIRECTORY | O_NOFOLLOW |
							 O_CLOEXEC)) < 0 ||
		 (src_fd = open(p->medium.medium_mount, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		ret = -errno;
	else
		ret = mount_bind_fds(src_fd, dst_fd);
	if (src_fd >= 0)
		close(src_fd);
	if (dst_fd >= 0)
		close(dst_fd);
	close(root_fd);
	if (ret < 0)
		log_warn("cannot show the medium at /cdrom as casper does: %s", strerror(-ret));
	else
		log_info("medium also at /cdrom, as casper places it");
	return ret;
}
