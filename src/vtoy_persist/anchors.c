#include "anchors.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "log.h"
#include "mnt.h"

int anchor_cdrom(const char *root, const struct kvlist *cmdline, const struct kvlist *medium)
{
	const char *boot = kvlist_get(cmdline, "boot");
	const char *layout = kvlist_get(medium, "VTOY_LAYOUT");
	const char *medium_mount = kvlist_get(medium, "VTOY_MEDIUM_MOUNT");
	char target[PATH_MAX];
	int ret;

	if (!(boot && !strcmp(boot, "casper")) && !(layout && !strcmp(layout, "casper")))
		return 0;
	if (!medium_mount || !*medium_mount) {
		log_info("no /cdrom: the medium is not mounted (toram)");
		return 0;
	}
	snprintf(target, sizeof(target), "%s/cdrom", root);
	/* Created in the root overlay, as casper creates it. */
	if (mkdir(target, 0755) < 0 && errno != EEXIST)
		ret = -errno;
	else if (mount(medium_mount, target, NULL, MS_BIND, NULL) < 0)
		ret = -errno;
	else
		ret = 0;
	if (ret < 0)
		log_warn("cannot show the medium at /cdrom as casper does: %s", strerror(-ret));
	else
		log_info("medium also at /cdrom, as casper places it");
	return ret;
}
