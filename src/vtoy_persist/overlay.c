#include "overlay.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mnt.h"

int overlay_options(char *buf, size_t len, const char *lowerdir, const char *upper,
		    const char *work, const struct overlay_flavor *flavor)
{
	int n = snprintf(buf, len, "lowerdir=%s,upperdir=%s,workdir=%s,redirect_dir=%s,"
			 OVERLAY_STABLE_OPTIONS, lowerdir, upper, work,
			 flavor->redirect_dir ? "on" : "off");

	/* Legacy mount data is limited to one page. */
	if (n < 0 || (size_t)n >= len || n >= 4096)
		return -E2BIG;
	return 0;
}

int overlay_mount_root(const char *target, const char *lowerdir, const char *upper,
		       const char *work, const struct overlay_flavor *flavor)
{
	char options[4096];
	int ret = overlay_options(options, sizeof(options), lowerdir, upper, work, flavor);

	if (ret < 0) {
		log_err("overlay options are longer than the kernel accepts (%zu layers?)",
			strlen(lowerdir));
		return ret;
	}
	ret = mount_at("overlay", target, "overlay", flavor->noatime ? MS_NOATIME : 0, options);
	if (ret < 0)
		log_err("cannot mount the root overlay at %s (%s): %s", target, options,
			strerror(-ret));
	else
		log_info("root overlay mounted at %s: %s", target, options);
	return ret;
}

int overlay_tmpfs(const char *run_dir, const char *size, char *upper, char *work, size_t len)
{
	char mnt[4096], data[128];
	int ret;

	snprintf(mnt, sizeof(mnt), "%s/tmpfs", run_dir);
	snprintf(data, sizeof(data), "mode=0755%s%s", size ? ",size=" : "", size ? size : "");
	ret = mount_at("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, data);
	if (ret < 0) {
		log_err("cannot mount a tmpfs at %s: %s", mnt, strerror(-ret));
		return ret;
	}
	snprintf(upper, len, "%s/upper", mnt);
	snprintf(work, len, "%s/work", mnt);
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0)
		return -errno;
	return 0;
}
