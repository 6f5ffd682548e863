#include "overlay.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "log.h"
#include "mnt.h"
#include "paths.h"
#include "store_dirs.h"

int overlay_options(char *buf, size_t len, const char *lowerdir, const char *upper,
		    const char *work, const struct overlay_opts *opts)
{
	int n = snprintf(buf, len, "lowerdir=%s,upperdir=%s,workdir=%s,redirect_dir=%s,"
			 OVERLAY_STABLE_OPTIONS, lowerdir, upper, work,
			 opts->redirect_dir ? "on" : "off");

	if (n < 0 || (size_t)n >= len || n >= 4096)
		return -E2BIG;
	return 0;
}

int overlay_mount(const char *target, const char *lowerdir, const char *upper, const char *work,
		  const struct overlay_opts *opts)
{
	char options[4096];
	int ret = overlay_options(options, sizeof(options), lowerdir, upper, work, opts);

	if (ret < 0) {
		log_err("overlay options for %s are longer than the kernel accepts (%zu bytes of "
			"lower layers)", target, strlen(lowerdir));
		return ret;
	}
	ret = mount_at("overlay", target, "overlay", opts->noatime ? MS_NOATIME : 0, options);
	if (ret < 0)
		log_err("cannot mount an overlay at %s (%s): %s", target, options, strerror(-ret));
	else
		log_info("overlay mounted at %s: %s", target, options);
	return ret;
}

int overlay_tmpfs(const char *run_dir, const char *size, char *upper, char *work, size_t len)
{
	char mnt[PATH_MAX], data[128];
	int ret;

	run_path(mnt, sizeof(mnt), run_dir, RUN_TMPFS, NULL);
	snprintf(data, sizeof(data), "mode=0755%s%s", size ? ",size=" : "", size ? size : "");
	ret = mount_at("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, data);
	if (ret < 0) {
		log_err("cannot mount a tmpfs at %s: %s", mnt, strerror(-ret));
		return ret;
	}
	return store_dirs(mnt, "upper", "work", true, upper, work, len);
}
