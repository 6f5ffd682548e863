#include "flavor_dracut.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devspec.h"
#include "fs_tree.h"
#include "log.h"
#include "mnt.h"
#include "safepath.h"

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

bool dracut_requested(const struct kvlist *cmdline)
{
	const char *key;

	return dracut_overlay_value(cmdline, &key) != NULL;
}

bool dracut_read_only(const struct kvlist *cmdline)
{
	return flavor_flag(cmdline, "rd.overlay.readonly") ||
	       flavor_flag(cmdline, "rd.live.overlay.readonly");
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
	out->read_only = dracut_read_only(cmdline);
	out->reset = flavor_flag(cmdline, "rd.overlay.reset") ||
		     flavor_flag(cmdline, "rd.live.overlay.reset");

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

static bool spec_matches(const struct blkdev *dev, const void *spec)
{
	return devspec_matches(spec, dev);
}

/* rd.live.overlay.reset: dracut empties the overlay before mounting it. */
static int reset_overlay(const struct dracut_overlay *o, const char *mount, const char *upper,
			 const char *work, const char *source)
{
	const char *rels[2] = { upper, work };
	int root_fd, ret = 0;

	if (o->read_only) {
		log_notice("rd.live.overlay.reset is ignored with rd.live.overlay.readonly: nothing "
			   "is written to the overlay (as in dracut)");
		return 0;
	}
	root_fd = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	log_warn("rd.live.overlay.reset: deleting every change kept in /%s on %s", upper, source);
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

/* 0 when rel is a directory beneath mount, -ENOENT, -ENOTDIR for
 * anything else (a file: its type in *mode), or another -errno. */
static int path_kind(const char *mount, const char *rel, mode_t *mode)
{
	int root_fd = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;
	struct stat st;

	*mode = 0;
	if (root_fd < 0)
		return -errno;
	fd = safepath_open(root_fd, rel, O_PATH);
	close(root_fd);
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

static bool cannot_hold_upper(const char *fstype)
{
	return !strcmp(fstype, "exfat") || !strcmp(fstype, "vfat") || !strcmp(fstype, "ntfs") ||
	       !strcmp(fstype, "ntfs3") || !strcmp(fstype, "iso9660") || !strcmp(fstype, "udf");
}

/* The overlay on the partition holding the ISO, which vtoy-iso-scan mounted
 * read-only at VTOY_HOST_MOUNT: a directory there cannot be written to; an
 * ext2/3/4 image file there can, as a store file is. */
static int open_on_host(const struct flavor_ctx *ctx, const struct dracut_overlay *o,
			const struct blkdev *dev, struct flavor_store *out)
{
	const char *host = kvlist_get(ctx->medium, "VTOY_HOST_MOUNT");
	const char *why = cannot_hold_upper(dev->fstype)
				  ? "cannot hold an overlayfs upper directory (no xattrs, no "
				    "whiteouts)"
				  : "is mounted read-only without journal replay and must not be "
				    "written";
	struct blkdev image;
	mode_t mode;
	int ret;

	if (!host || !*host)
		return -ENOENT;
	ret = path_kind(host, o->upper, &mode);
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
	if (!o->read_only && fstype_probe_skips_journal(dev->fstype)) {
		log_warn("%s: /%s is on %s (%s), which %s", dev->node, o->upper, dev->node,
			 dev->fstype, why);
		return -EROFS;
	}
	memset(out, 0, sizeof(*out));
	if ((size_t)snprintf(out->store.source, sizeof(out->store.source), "%s/%s", host,
			     o->upper) >= sizeof(out->store.source) ||
	    (size_t)snprintf(out->store.file, sizeof(out->store.file), "/%s", o->upper) >=
		    sizeof(out->store.file))
		return -ENAMETOOLONG;
	memset(&image, 0, sizeof(image));
	ret = blkdev_probe(out->store.source, &image);
	if (ret < 0 || (strcmp(image.fstype, "ext2") && strcmp(image.fstype, "ext3") &&
			strcmp(image.fstype, "ext4"))) {
		log_warn("%s: not an ext2/3/4 image (%s); a device-mapper snapshot overlay file "
			 "is not supported: the changes go to a tmpfs", out->store.source,
			 ret < 0 ? strerror(-ret) : image.fstype[0] ? image.fstype : "no filesystem");
		return ret < 0 ? ret : -EMEDIUMTYPE;
	}
	out->store.is_file = true;
	snprintf(out->store.device, sizeof(out->store.device), "%s", dev->node);
	snprintf(out->store.disk, sizeof(out->store.disk), "/dev/%s", dev->disk);
	snprintf(out->store.host_mount, sizeof(out->store.host_mount), "%s", host);
	snprintf(out->store.fstype, sizeof(out->store.fstype), "%s", image.fstype);
	snprintf(out->store.label, sizeof(out->store.label), "%s", image.label);
	snprintf(out->store.uuid, sizeof(out->store.uuid), "%s", image.uuid);
	ret = flavor_open_store(ctx, &out->store, o->read_only, &out->opened);
	if (ret < 0)
		return ret;
	if (o->reset)
		ret = reset_overlay(o, out->opened.mount, IMAGE_UPPER, IMAGE_WORK, out->store.source);
	if (ret == 0)
		ret = flavor_store_dirs(out->opened.mount, IMAGE_UPPER, IMAGE_WORK, !o->read_only,
					out->upper, out->work, sizeof(out->upper));
	if (ret < 0)
		store_close(&out->store, &out->opened);
	return ret;
}

/* The overlay directory on an ext2/3/4 partition of its own. */
static int open_on_partition(const struct flavor_ctx *ctx, const struct dracut_overlay *o,
			     const struct blkdev *dev, struct flavor_store *out)
{
	char what[300];
	mode_t mode;
	int ret;

	snprintf(what, sizeof(what), "%s=%s", o->key, o->value);
	ret = flavor_partition_writable(ctx, dev, what);
	if (ret == 0)
		ret = flavor_open_store(ctx, &out->store, o->read_only, &out->opened);
	if (ret < 0)
		return ret;
	ret = path_kind(out->opened.mount, o->upper, &mode);
	if (ret == -ENOTDIR) {
		log_warn("%s: /%s is not a directory: overlay files (device-mapper snapshots or "
			 "images) are used only on the partition holding the ISO", dev->node, o->upper);
		ret = -ENOTSUP;
	} else if (ret == -ENOENT && !o->read_only) {
		log_notice("%s has no /%s yet: creating it and /%s beside it (dracut would fall "
			   "back to a temporary overlay)", dev->node, o->upper, o->work);
		ret = 0;
	} else if (ret == -ENOENT) {
		log_warn("%s has no /%s: no persistent overlay to show", dev->node, o->upper);
	} else if (ret == 0 && o->reset) {
		ret = reset_overlay(o, out->opened.mount, o->upper, o->work, dev->node);
	} else if (ret < 0) {
		log_warn("%s: /%s cannot be used: %s", dev->node, o->upper,
			 ret == -EXDEV ? "a symlink leads out of the partition" : strerror(-ret));
	}
	if (ret == 0)
		ret = flavor_store_dirs(out->opened.mount, o->upper, o->work, !o->read_only,
					out->upper, out->work, sizeof(out->upper));
	if (ret < 0)
		store_close(&out->store, &out->opened);
	return ret;
}

int dracut_open(const struct flavor_ctx *ctx, struct flavor_store *out)
{
	const char *host = kvlist_get(ctx->medium, "VTOY_MEDIUM_DEVICE");
	struct dracut_overlay o;
	struct devspec spec;
	struct blkdev medium, dev;
	char spec_buf[256], what[300];
	int ret;

	memset(out, 0, sizeof(*out));
	if (flavor_medium_identity(ctx->medium, &medium) < 0)
		log_warn("cannot read the live medium's label and uuid: the default overlay "
			 "name will lack them");
	ret = dracut_overlay_parse(ctx->cmdline, medium.label, medium.uuid, &o);
	if (ret < 0)
		return ret;
	snprintf(what, sizeof(what), "%s=%s", o.key, o.value);
	log_info("dracut persistent overlay requested (%s): /%s on %s, work directory /%s%s%s", what,
		 o.upper, o.device, o.work, o.default_path ? "; named after the live medium, label "
							     : "",
		 o.default_path ? medium.label : "");
	ret = devspec_parse(o.device, &spec, spec_buf, sizeof(spec_buf));
	if (ret < 0) {
		log_warn("%s: '%s' is not a device (/dev/..., LABEL=, CDLABEL=, UUID=, PARTUUID=, "
			 "PARTLABEL=)", what, o.device);
		return ret;
	}
	ret = flavor_find_partition(ctx, what, spec_matches, &spec, &out->store, &dev);
	if (ret == -ENOENT)
		log_warn("%s: no device matches %s", what, o.device);
	if (ret < 0)
		return ret;
	if (host && !strcmp(host, dev.node))
		ret = open_on_host(ctx, &o, &dev, out);
	else
		ret = open_on_partition(ctx, &o, &dev, out);
	if (ret < 0)
		return ret;
	flavor_report_layout(ctx, &out->opened, "dracut", out->store.is_file ? IMAGE_UPPER : o.upper,
			     o.read_only);
	return 0;
}
