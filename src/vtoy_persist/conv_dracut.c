/* dracut's persistent overlay (dmsquash-live, overlayfs mode):
 * rd.overlay= / rd.live.overlay=<devspec>[:<path>] names a device and a
 * directory in it, by default /LiveOS/overlay-<LABEL>-<UUID> of the live
 * medium, with the work directory ovlwork/ beside it; rd.live.overlay.readonly
 * shows it under a tmpfs, rd.live.overlay.reset empties it first. On the
 * partition holding the ISO (mounted read-only; exFAT, FAT and NTFS cannot
 * hold an overlayfs upper) only an image file at the path can be
 * used, with overlayfs/ and ovlwork/ inside, as livecd-iso-to-disk makes
 * it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "conv_dracut.h"
#include "fs_tree.h"
#include "log.h"
#include "mnt.h"
#include "safepath.h"
#include "store_dirs.h"
#include "store_fs.h"

/* An image file on the partition holding the ISO keeps these at its root. */
#define IMAGE_UPPER "overlayfs"
#define IMAGE_WORK "ovlwork"

static bool is_bool_word(const char *v)
{
	return !*v || !strcmp(v, "1") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "off");
}

const char *dracut_overlay_value(const struct kvlist *cmdline, const char **key)
{
	/* dracut-ng: rd.overlay is a flag (overlayfs on/off) or a devspec;
	 * rd.live.overlay, its older name, only a devspec. */
	const char *value = kvlist_get(cmdline, "rd.overlay");

	*key = "rd.overlay";
	if (!value || is_bool_word(value)) {
		*key = "rd.live.overlay";
		value = kvlist_get(cmdline, *key);
	}
	if (!value || !*value || !strcmp(value, "none") || !strcmp(value, "None") ||
	    !strcmp(value, "NONE"))
		return NULL;
	return value;
}

int dracut_overlay_parse(const struct kvlist *cmdline, const char *label, const char *uuid,
			 struct dracut_overlay *out)
{
	const char *live_dir = kvlist_get(cmdline, "rd.live.dir");
	const char *colon, *path;
	size_t dev_len;
	int n;

	memset(out, 0, sizeof(*out));
	out->value = dracut_overlay_value(cmdline, &out->key);
	if (!out->value)
		return -ENOENT;
	out->reset = cmdline_flag(cmdline, "rd.overlay.reset") ||
		     cmdline_flag(cmdline, "rd.live.overlay.reset");

	colon = strchr(out->value, ':');
	dev_len = colon ? (size_t)(colon - out->value) : strlen(out->value);
	path = colon ? strrchr(out->value, ':') + 1 : "";
	if (dev_len == 0 || dev_len >= sizeof(out->device)) {
		log_warn("%s=%s: no device before the ':'", out->key, out->value);
		return -EINVAL;
	}
	memcpy(out->device, out->value, dev_len);
	out->device[dev_len] = '\0';

	if (!*path || !strcmp(path, "auto")) {
		if (!live_dir || !*live_dir)
			live_dir = "LiveOS";
		out->default_path = true;
		n = snprintf(out->upper, sizeof(out->upper), "%s/overlay-%s-%s",
			     live_dir + strspn(live_dir, "/"), label, uuid);
	} else {
		n = snprintf(out->upper, sizeof(out->upper), "%s", path + strspn(path, "/"));
	}
	if (n < 0 || (size_t)n >= sizeof(out->upper) || safepath_check(out->upper) < 0) {
		log_warn("%s=%s: the overlay directory '%s' is empty, too long, or holds '.', '..' "
			 "or control characters", out->key, out->value, out->upper);
		return -EINVAL;
	}
	/* Trailing slashes would put ovlwork inside the overlay. */
	for (size_t len = strlen(out->upper); len > 0 && out->upper[len - 1] == '/'; len--)
		out->upper[len - 1] = '\0';
	path = strrchr(out->upper, '/');
	n = snprintf(out->work, sizeof(out->work), "%.*s%s" IMAGE_WORK,
		     path ? (int)(path - out->upper) : 0, out->upper, path ? "/" : "");
	if (n < 0 || (size_t)n >= sizeof(out->work) || !strcmp(out->work, out->upper)) {
		log_warn("%s=%s: the overlay cannot be named %s", out->key, out->value, out->upper);
		return -EINVAL;
	}
	return 0;
}

static int request(const struct persist *p, struct persist_request *req, bool force)
{
	const char *key, *value = dracut_overlay_value(&p->cmdline, &key);

	(void)force; /* only its own options ask for a dracut overlay */
	if (!value)
		return 0;
	snprintf(req->asked_by, sizeof(req->asked_by), "%s=%s", key, value);
	req->read_only = cmdline_flag(&p->cmdline, "rd.overlay.readonly") ||
			 cmdline_flag(&p->cmdline, "rd.live.overlay.readonly");
	/* The default overlay is named after the medium's own filesystem. */
	if (dracut_overlay_parse(&p->cmdline, p->medium.iso_label, p->medium.iso_uuid,
				 &req->dracut) < 0)
		snprintf(req->unusable, sizeof(req->unusable), "%s names no usable overlay",
			 req->asked_by);
	return 1;
}

static bool cannot_hold_upper(const char *fstype)
{
	return !strcmp(fstype, "exfat") || !strcmp(fstype, "vfat") || !strcmp(fstype, "ntfs") ||
	       !strcmp(fstype, "ntfs3") || !strcmp(fstype, "iso9660") || !strcmp(fstype, "udf");
}

/* 0 when rel is a directory beneath mount, -ENOENT, -ENOTDIR for anything
 * else (its type in *mode), or another -errno. */
static int path_kind(const char *mount, const char *rel, mode_t *mode)
{
	int fd = safepath_open_at(mount, rel, O_PATH);
	struct stat st;

	*mode = 0;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	*mode = st.st_mode;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* The overlay on the partition holding the ISO, which vtoy-iso-scan mounted
 * read-only: a directory there cannot be written to; a store image file
 * there can, as a store file is. */
static int on_data_partition(struct persist *p, const struct blkdev *dev, struct store *s)
{
	const struct dracut_overlay *o = &p->req.dracut;
	const char *data = p->medium.data_mount;
	const char *why = cannot_hold_upper(dev->fstype)
				  ? "cannot hold an overlayfs upper directory (no xattrs, no "
				    "whiteouts)"
				  : "is mounted read-only without journal replay and must not be "
				    "written";
	struct blkdev image;
	mode_t mode;
	int ret;

	if (!*data)
		return -ENOENT;
	ret = path_kind(data, o->upper, &mode);
	if (ret == -ENOENT || ret == 0) {
		log_warn("%s=%s: /%s %s on %s, the partition holding the ISO; its filesystem (%s) "
			 "%s, so the changes go to a tmpfs. Keep the overlay on an ext4 partition "
			 "(%s=LABEL=<label>:/%s), or make /%s an ext4 image file holding %s/ and %s/",
			 o->key, o->value, o->upper, ret == 0 ? "is a directory" : "does not exist",
			 dev->node, dev->fstype, why, o->key, o->upper, o->upper, IMAGE_UPPER,
			 IMAGE_WORK);
		return ret == 0 ? -EROFS : ret;
	}
	if (ret != -ENOTDIR || !S_ISREG(mode)) {
		log_warn("%s: /%s cannot be used: %s", dev->node, o->upper,
			 ret == -EXDEV ? "a symlink leads out of the partition"
				       : ret == -ENOTDIR ? "not a regular file" : strerror(-ret));
		return ret == -ENOTDIR ? -EINVAL : ret;
	}
	if (!p->req.read_only && fstype_probe_skips_journal(dev->fstype)) {
		log_warn("%s: /%s is on %s (%s), which %s", dev->node, o->upper, dev->node,
			 dev->fstype, why);
		return -EROFS;
	}
	memset(s, 0, sizeof(*s));
	if ((size_t)snprintf(s->source, sizeof(s->source), "%s/%s", data, o->upper) >=
		    sizeof(s->source) ||
	    (size_t)snprintf(s->file, sizeof(s->file), "/%s", o->upper) >= sizeof(s->file))
		return -ENAMETOOLONG;
	memset(&image, 0, sizeof(image));
	ret = blkdev_probe_search(s->source, &image);
	if (ret < 0 || !store_fstype_ok(image.fstype)) {
		log_warn("%s: not an " STORE_FSTYPES " image (%s); a device-mapper snapshot "
			 "overlay file "
			 "is not supported: the changes go to a tmpfs", s->source,
			 ret < 0 ? strerror(-ret) : image.fstype[0] ? image.fstype : "no filesystem");
		return ret < 0 ? ret : -EMEDIUMTYPE;
	}
	s->kind = STORE_FILE;
	snprintf(s->device, sizeof(s->device), "%s", dev->node);
	snprintf(s->disk, sizeof(s->disk), "/dev/%s", dev->disk);
	snprintf(s->data_mount, sizeof(s->data_mount), "%s", data);
	snprintf(s->fstype, sizeof(s->fstype), "%s", image.fstype);
	snprintf(s->label, sizeof(s->label), "%s", image.label);
	snprintf(s->uuid, sizeof(s->uuid), "%s", image.uuid);
	return 0;
}

/* Refuses, with the reason, a partition that cannot take an overlay upper
 * directory read-write. */
static int partition_writable(const struct blkdev *dev, const char *what)
{
	if (dev->probe_err) {
		log_warn("%s: %s cannot be read: %s", what, dev->node, strerror(-dev->probe_err));
		return dev->probe_err;
	}
	if (!store_fstype_ok(dev->fstype)) {
		log_warn("%s: %s holds '%s'; vtoy-persist keeps changes only on "
			 STORE_FSTYPES, what, dev->node,
			 dev->fstype[0] ? dev->fstype : "no filesystem");
		return -EMEDIUMTYPE;
	}
	return 0;
}

static int find(struct persist *p)
{
	const struct dracut_overlay *o = &p->req.dracut;
	struct store *s = &p->candidates.items[0];
	struct blkdev dev;
	int ret;

	p->candidates.count = 0;
	log_info("dracut persistent overlay requested (%s): /%s on %s, work directory /%s%s%s",
		 p->req.asked_by, o->upper, o->device, o->work,
		 o->default_path ? "; named after the live medium, label " : "",
		 o->default_path ? p->medium.iso_label : "");
	ret = store_find_devspec(p->req.asked_by, o->device, p->medium.device.disk, s, &dev);
	if (ret == -ENOENT)
		log_warn("%s: no device matches %s", p->req.asked_by, o->device);
	if (ret == 0 && !strcmp(p->medium.device.node, dev.node))
		ret = on_data_partition(p, &dev, s);
	else if (ret == 0)
		ret = partition_writable(&dev, p->req.asked_by);
	if (ret == 0)
		p->candidates.count = 1;
	return ret;
}

/* rd.live.overlay.reset: dracut empties the overlay before mounting it. */
static int reset(struct persist *p, const char *upper, const char *work)
{
	const char *rels[2] = { upper, work };
	int root_fd, ret = 0;

	if (p->opened.read_only) {
		log_notice("rd.live.overlay.reset is ignored with rd.live.overlay.readonly: nothing "
			   "is written to the overlay (as in dracut)");
		return 0;
	}
	root_fd = open(p->opened.mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	log_warn("rd.live.overlay.reset: deleting every change kept in /%s on %s", upper,
		 p->store.source);
	for (int i = 0; i < 2 && ret == 0; i++) {
		size_t removed;

		ret = dir_empty(root_fd, rels[i], &removed);
		if (ret == -ENOENT) {
			ret = 0;
			continue;
		}
		if (ret < 0)
			log_err("rd.live.overlay.reset: emptying /%s failed after %zu entries: %s",
				rels[i], removed, ret == -EXDEV ? "a mount point or a symlink on the way"
								 : strerror(-ret));
		else
			log_warn("rd.live.overlay.reset: /%s emptied (%zu entries deleted)", rels[i],
				 removed);
	}
	close(root_fd);
	return ret;
}

static int prepare(struct persist *p)
{
	const struct dracut_overlay *o = &p->req.dracut;
	bool image = p->store.kind == STORE_FILE, create = !p->opened.read_only;
	const char *upper = image ? IMAGE_UPPER : o->upper, *work = image ? IMAGE_WORK : o->work;
	mode_t mode;
	int ret = image ? 0 : path_kind(p->opened.mount, o->upper, &mode);

	if (ret == -ENOTDIR) {
		log_warn("%s: /%s is not a directory: overlay files (device-mapper snapshots or "
			 "images) are used only on the partition holding the ISO", p->store.source,
			 o->upper);
		return -ENOTSUP;
	} else if (ret == -ENOENT && create) {
		log_notice("%s has no /%s yet: creating it and /%s beside it (dracut would fall "
			   "back to a temporary overlay)", p->store.source, o->upper, o->work);
	} else if (ret == -ENOENT) {
		log_warn("%s has no /%s: no persistent overlay to show", p->store.source, o->upper);
		return ret;
	} else if (ret < 0) {
		log_warn("%s: /%s cannot be used: %s", p->store.source, o->upper,
			 ret == -EXDEV ? "a symlink leads out of the partition" : strerror(-ret));
		return ret;
	} else if (o->reset && (ret = reset(p, upper, work)) < 0) {
		return ret;
	}
	kvlist_put(&p->report, "VTOY_STORE_DIR", upper);
	if (!create)
		return store_dirs(p->opened.mount, upper, work, false, p->store_lower, p->work,
				  sizeof(p->store_lower));
	return store_dirs(p->opened.mount, upper, work, true, p->upper, p->work, sizeof(p->upper));
}

const struct convention conv_dracut = {
	.name = "dracut",
	.request = request,
	.find = find,
	.prepare = prepare,
	.extras = NULL,
};
