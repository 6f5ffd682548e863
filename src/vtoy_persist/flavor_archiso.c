#include "flavor_archiso.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "devspec.h"
#include "log.h"
#include "safepath.h"

/* archiso tests its variables with [ -n ]: an empty value is no value. */
static const char *arg(const struct kvlist *cmdline, const char *key)
{
	const char *value = kvlist_get(cmdline, key);

	return value && *value ? value : NULL;
}

bool archiso_requested(const struct kvlist *cmdline)
{
	return arg(cmdline, "cow_label") || arg(cmdline, "cow_device");
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

static bool spec_matches(const struct blkdev *dev, const void *spec)
{
	return devspec_matches(spec, dev);
}

/* archiso keeps cow_directory private to root (0700), on every boot. */
static void restrict_cow_directory(const char *store_mount, const char *dir)
{
	int root_fd, fd;

	if (!*dir)
		return;
	root_fd = open(store_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return;
	fd = safepath_open(root_fd, dir, O_RDONLY | O_DIRECTORY);
	close(root_fd);
	if (fd < 0 || fchmod(fd, 0700) < 0)
		log_warn("cannot make %s private (0700) as archiso does: %s", dir,
			 strerror(fd < 0 ? -fd : errno));
	if (fd >= 0)
		close(fd);
}

int archiso_open(const struct flavor_ctx *ctx, struct flavor_store *out)
{
	const char *label = arg(ctx->cmdline, "cow_label");
	const char *device = arg(ctx->cmdline, "cow_device");
	char dir[PATH_MAX], rel_upper[PATH_MAX + 16], rel_work[PATH_MAX + 16], what[300];
	char spec_buf[256];
	struct devspec spec;
	struct blkdev dev, iso;
	struct utsname uts;
	int ret;

	memset(out, 0, sizeof(*out));
	if (uname(&uts) < 0)
		snprintf(uts.machine, sizeof(uts.machine), "x86_64");
	memset(&iso, 0, sizeof(iso));
	if (!arg(ctx->cmdline, "cow_directory") && !arg(ctx->cmdline, "archisolabel") &&
	    flavor_medium_identity(ctx->medium, &iso) == 0 && iso.label[0])
		log_info("no archisolabel=: taking the live medium's label '%s' for the cow "
			 "directory's name, as archiso finds its medium by that label", iso.label);
	ret = archiso_cow_directory(ctx->cmdline, iso.label, uts.machine, dir, sizeof(dir));
	if (ret < 0)
		return ret;
	if (label && device)
		log_notice("cow_label= and cow_device= both given: cow_label=%s wins, as in archiso",
			   label);
	if (label) {
		snprintf(what, sizeof(what), "cow_label=%s", label);
		log_info("archiso persistence requested: looking for a partition labelled %s, "
			 "changes in %s/upperdir", label, *dir ? dir : ".");
		ret = flavor_find_partition(ctx, what, label_is, label, &out->store, &dev);
	} else {
		snprintf(what, sizeof(what), "cow_device=%s", device);
		ret = devspec_parse(device, &spec, spec_buf, sizeof(spec_buf));
		if (ret < 0) {
			log_warn("%s is not a device (/dev/..., LABEL=, UUID=, PARTUUID=, "
				 "PARTLABEL=): changes will be lost at shutdown", what);
			return ret;
		}
		log_info("archiso persistence requested: looking for %s, changes in %s/upperdir",
			 what, *dir ? dir : ".");
		ret = flavor_find_partition(ctx, what, spec_matches, &spec, &out->store, &dev);
	}
	if (ret == -ENOENT)
		log_warn("%s: no such partition%s: changes will be lost at shutdown", what,
			 label ? " (no filesystem has this label)" : "");
	if (ret == 0)
		ret = flavor_partition_writable(ctx, &dev, what);
	if (ret == 0)
		ret = flavor_open_store(ctx, &out->store, false, &out->opened);
	if (ret < 0)
		return ret;

	snprintf(rel_upper, sizeof(rel_upper), "%s%supperdir", dir, *dir ? "/" : "");
	snprintf(rel_work, sizeof(rel_work), "%s%sworkdir", dir, *dir ? "/" : "");
	ret = flavor_store_dirs(out->opened.mount, rel_upper, rel_work, true, out->upper,
				out->work, sizeof(out->upper));
	if (ret == 0)
		restrict_cow_directory(out->opened.mount, dir);
	if (ret < 0) {
		store_close(&out->store, &out->opened);
		return ret;
	}
	flavor_report_layout(ctx, &out->opened, "archiso", *dir ? dir : "/", false);
	return 0;
}
