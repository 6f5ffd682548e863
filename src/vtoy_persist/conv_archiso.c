/* Arch's archiso persistence: cow_label= or cow_device= names a partition
 * (cow_label= wins, as in archiso), cow_directory= (default
 * persistent_<archisolabel>/<arch>) in it holds upperdir/ and workdir/, kept
 * private to root (0700). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "conv_archiso.h"
#include "convention.h"
#include "log.h"
#include "mnt.h"
#include "safepath.h"
#include "store_dirs.h"
#include "store_fs.h"

/* archiso tests its variables with [ -n ]: an empty value is no value. */
static const char *arg(const struct kvlist *cmdline, const char *key)
{
	const char *value = kvlist_get(cmdline, key);

	return value && *value ? value : NULL;
}

static bool plain_name(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	       strlen(s);
}

int archiso_cow_directory(const struct kvlist *cmdline, const char *iso_label,
			  const char *machine, char *out, size_t len)
{
	const char *dir = arg(cmdline, "cow_directory");
	const char *label = arg(cmdline, "archisolabel");
	const char *arch = arg(cmdline, "arch");

	if (dir) {
		dir += strspn(dir, "/");
		if (*dir && safepath_check(dir) < 0) {
			log_warn("cow_directory=%s: a directory in the store may not hold '.', '..' "
				 "or control characters", dir);
			return -EINVAL;
		}
		/* cow_directory=/ puts upperdir/ and workdir/ at the store root */
		return (size_t)snprintf(out, len, "%s", dir) < len ? 0 : -ENAMETOOLONG;
	}
	if (arch && !plain_name(arch)) {
		log_warn("arch=%s is not a plain name: using %s", arch, machine);
		arch = NULL;
	}
	if (!label)
		label = iso_label;
	if (!label || !*label) {
		log_warn("no archisolabel= and the live medium has no label: give cow_directory=");
		return -EINVAL;
	}
	if ((size_t)snprintf(out, len, "persistent_%s/%s", label, arch ?: machine) >= len)
		return -ENAMETOOLONG;
	if (safepath_check(out) < 0) {
		log_warn("%s: archisolabel=%s does not make a usable directory name", out, label);
		return -EINVAL;
	}
	return 0;
}

static bool label_is(const struct blkdev *dev, const void *label)
{
	return !strcmp(dev->label, label); /* udev's by-label: the filesystem label only */
}

static int request(const struct persist *p, struct persist_request *req, bool force)
{
	const char *label = arg(&p->cmdline, "cow_label"), *device = arg(&p->cmdline, "cow_device");
	struct utsname uts;

	(void)force; /* only its own options ask for archiso persistence */
	if (!label && !device)
		return 0;
	if (label && device)
		log_notice("cow_label= and cow_device= both given: cow_label=%s wins, as in archiso",
			   label);
	snprintf(req->asked_by, sizeof(req->asked_by), "%s=%s", label ? "cow_label" : "cow_device",
		 label ? label : device);
	if (uname(&uts) < 0)
		snprintf(uts.machine, sizeof(uts.machine), "x86_64");
	if (!arg(&p->cmdline, "cow_directory") && !arg(&p->cmdline, "archisolabel") &&
	    p->medium.iso_label[0])
		log_info("no archisolabel=: taking the live medium's label '%s' for the cow "
			 "directory's name, as archiso finds its medium by that label",
			 p->medium.iso_label);
	if (archiso_cow_directory(&p->cmdline, p->medium.iso_label, uts.machine, req->cow_dir,
				  sizeof(req->cow_dir)) < 0)
		snprintf(req->unusable, sizeof(req->unusable), "no usable cow directory");
	return 1;
}

static int find(struct persist *p)
{
	const char *label = arg(&p->cmdline, "cow_label"), *device = arg(&p->cmdline, "cow_device");
	const char *dir = *p->req.cow_dir ? p->req.cow_dir : ".";
	struct store *s = &p->candidates.items[0];
	struct blkdev dev;
	int ret;

	p->candidates.count = 0;
	if (label) {
		log_info("archiso persistence requested: looking for a partition labelled %s, "
			 "changes in %s/upperdir", label, dir);
		ret = store_find_device(p->req.asked_by, label_is, label, p->medium.device.disk, s,
					&dev);
	} else {
		log_info("archiso persistence requested: looking for %s, changes in %s/upperdir",
			 p->req.asked_by, dir);
		ret = store_find_devspec(p->req.asked_by, device, p->medium.device.disk, s, &dev);
	}
	if (ret == -ENOENT)
		log_warn("%s: no such partition%s: changes will be lost at shutdown",
			 p->req.asked_by, label ? " (no filesystem has this label)" : "");
	if (ret < 0)
		return ret;
	if (!strcmp(p->medium.device.node, dev.node)) {
		log_warn("%s: %s is the partition holding the ISO, mounted read-only (%s%s): it "
			 "cannot take the changes; use a partition of its own", p->req.asked_by,
			 dev.node, dev.fstype, fstype_probe_skips_journal(dev.fstype)
						  ? ", without journal replay" : "");
		return -EBUSY;
	}
	if (dev.probe_err || !store_fstype_ok(dev.fstype)) {
		log_warn("%s: %s holds '%s'; vtoy-persist keeps changes only on "
			 STORE_FSTYPES, p->req.asked_by, dev.node,
			 dev.fstype[0] ? dev.fstype : "no filesystem");
		return -EMEDIUMTYPE;
	}
	p->candidates.count = 1;
	return 0;
}

/* archiso keeps cow_directory private to root (0700), on every boot. */
static void restrict_cow_directory(const char *store_mount, const char *dir)
{
	int fd;

	if (!*dir)
		return;
	fd = safepath_open_at(store_mount, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || fchmod(fd, 0700) < 0)
		log_warn("cannot make %s private (0700) as archiso does: %s", dir,
			 strerror(fd < 0 ? -fd : errno));
	if (fd >= 0)
		close(fd);
}

static int prepare(struct persist *p)
{
	const char *dir = p->req.cow_dir;
	char rel_upper[PATH_MAX + 16], rel_work[PATH_MAX + 16];
	int ret;

	snprintf(rel_upper, sizeof(rel_upper), "%s%supperdir", dir, *dir ? "/" : "");
	snprintf(rel_work, sizeof(rel_work), "%s%sworkdir", dir, *dir ? "/" : "");
	ret = store_dirs(p->opened.mount, rel_upper, rel_work, true, p->upper, p->work,
			 sizeof(p->upper));
	if (ret == 0)
		restrict_cow_directory(p->opened.mount, dir);
	kvlist_put(&p->report, "VTOY_STORE_DIR", *dir ? dir : "/");
	return ret;
}

const struct convention conv_archiso = {
	.name = "archiso",
	.request = request,
	.find = find,
	.prepare = prepare,
	.extras = NULL,
};
