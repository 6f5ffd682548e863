#include "data_access.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "log.h"
#include "mnt.h"
#include "mountinfo.h"
#include "safepath.h"

#define DATA_FLAGS (MS_NOSUID | MS_NODEV)

const char *data_rw_asked(const struct kvlist *cmdline, bool ventoy_remount)
{
	const char *v = kvlist_get(cmdline, "vtoy.data");

	if (v && !strcmp(v, "rw"))
		return "vtoy.data=rw";
	if (ventoy_remount)
		return "Ventoy's VTOY_LINUX_REMOUNT";
	return NULL;
}

/* Unmounted and mounted again read-write, journal replayed; read-only
 * again without replay when that fails. */
static int mount_again(const struct mount_entry *me, const char *target, const char *fstype)
{
	const char *type = strcmp(fstype, "ext2") && strcmp(fstype, "ext3") ? fstype : "ext4";
	int ret;

	if (umount2(target, 0) < 0)
		return -errno;
	ret = mount(me->source, target, type, DATA_FLAGS, NULL) < 0 ? -errno : 0;
	if (ret < 0) {
		int ro = mount_probe_ro(me->source, target, fstype);

		if (ro < 0)
			log_err("%s could not be mounted again at %s: read-write: %s; read-only: %s",
				me->source, target, strerror(-ret), strerror(-ro));
	}
	return ret;
}

int data_make_writable(struct medium_location *loc, const char *iso_path, const char *why)
{
	struct mount_entry me;
	int ret, fd;

	ret = mountinfo_find(NULL, loc->data_mount, &me);
	if (ret < 0) {
		log_warn("%s asks for the data partition read-write, but %s cannot be looked up: "
			 "%s", why, loc->data_mount, strerror(-ret));
		return ret;
	}
	if (!fstype_probe_skips_journal(loc->fstype)) {
		ret = mount(NULL, loc->data_mount, NULL, MS_REMOUNT | DATA_FLAGS, NULL) < 0 ? -errno
											: 0;
	} else {
		close(loc->iso_fd);
		loc->iso_fd = -1;
		ret = mount_again(&me, loc->data_mount, loc->fstype);
		fd = safepath_open_at(loc->data_mount, iso_path, O_RDONLY);
		if (fd < 0) {
			log_err("cannot open %s again on %s: %s", iso_path, loc->data_mount,
				strerror(-fd));
			return ret < 0 ? ret : fd; /* the mount's error, when it failed */
		}
		loc->iso_fd = fd;
	}
	if (ret < 0) {
		log_warn("%s asks for the data partition read-write, but %s (%s) cannot be made "
			 "writable: %s; it stays read-only", why, me.source, loc->fstype,
			 strerror(-ret));
		return ret;
	}
	log_notice("the data partition %s (%s) is read-write at %s for the live system (%s)%s",
		   me.source, loc->fstype, loc->data_mount, why,
		   fstype_probe_skips_journal(loc->fstype) ? "; its journal was replayed" : "");
	return 0;
}
