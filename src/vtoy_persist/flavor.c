#include "flavor.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mnt.h"
#include "safepath.h"

const char *flavor_kind_name(enum flavor_kind kind)
{
	switch (kind) {
	case FLAVOR_NONE: return "no";
	case FLAVOR_LIVEBOOT: return "live-boot";
	case FLAVOR_CASPER: return "casper";
	case FLAVOR_DRACUT: return "dracut";
	case FLAVOR_ARCHISO: return "archiso";
	}
	return "?";
}

bool flavor_flag(const struct kvlist *cmdline, const char *key)
{
	const char *value = kvlist_get(cmdline, key);

	if (!kvlist_has(cmdline, key))
		return false;
	return !value || (strcmp(value, "0") && strcmp(value, "no") && strcmp(value, "off"));
}

int flavor_medium_identity(const struct kvlist *medium, struct blkdev *iso)
{
	const char *loop = kvlist_get(medium, "VTOY_ISO_LOOP");
	const char *iso_path = kvlist_get(medium, "VTOY_ISO_PATH");

	memset(iso, 0, sizeof(*iso));
	/* Without an ISO file the medium's partition is the live filesystem. */
	if ((!loop || !*loop) && (!iso_path || !*iso_path))
		loop = kvlist_get(medium, "VTOY_MEDIUM_DEVICE");
	if (!loop || strncmp(loop, "/dev/", 5))
		return -ENOENT;
	return blkdev_probe(loop, iso);
}

int flavor_tmpfs_size_check(const char *size)
{
	unsigned long long n = 0;
	const char *p = size;

	if (!size || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > 1000000000000000ULL)
			return -EINVAL;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (n == 0)
		return -EINVAL;
	if (*p == '%')
		return n <= 100 && p[1] == '\0' ? 0 : -EINVAL;
	if (*p && strchr("kKmMgGtTpPeE", *p))
		p++;
	return *p == '\0' ? 0 : -EINVAL;
}

const char *flavor_tmpfs_size(const struct kvlist *cmdline)
{
	static const char *const keys[] = { "overlay-size", "cow_spacesize", NULL };

	for (int i = 0; keys[i]; i++) {
		const char *size = kvlist_get(cmdline, keys[i]);

		if (!size)
			continue;
		if (flavor_tmpfs_size_check(size) == 0) {
			log_info("%s=%s: the tmpfs upper layer may use up to %s", keys[i], size, size);
			return size;
		}
		log_warn("%s=%s is not a size (a number with k, m, g, t, p, e or %% after it, "
			 "e.g. 256M or 75%%): ignored", keys[i], size);
	}
	return NULL;
}

static bool is_ext(const char *fstype)
{
	return !strcmp(fstype, "ext2") || !strcmp(fstype, "ext3") || !strcmp(fstype, "ext4");
}

static bool on_medium_disk(const struct flavor_ctx *ctx, const struct blkdev *dev)
{
	const char *disk = kvlist_get(ctx->medium, "VTOY_MEDIUM_DISK");
	char node[BLKDEV_PATH_MAX];

	snprintf(node, sizeof(node), "/dev/%s", dev->disk);
	return disk && !strcmp(disk, node);
}

int flavor_find_partition(const struct flavor_ctx *ctx, const char *what, flavor_match_fn match,
			  const void *arg, struct store *out, struct blkdev *out_dev)
{
	struct blkdev_list list;
	const struct blkdev *best = NULL;
	int ret;

	ret = blkdev_scan(&list);
	if (ret < 0) {
		log_err("cannot list block devices: %s", strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < list.count; i++) {
		const struct blkdev *dev = &list.devs[i];

		if (!match(dev, arg))
			continue;
		if (dev->has_partitions) {
			log_info("%s: skipped for %s, it holds partitions", dev->node, what);
			continue;
		}
		log_info("candidate for %s: %s (%s, label '%s')", what, dev->node,
			 dev->fstype[0] ? dev->fstype : "no filesystem", dev->label);
		if (!best) {
			best = dev;
		} else if (!on_medium_disk(ctx, best) && on_medium_disk(ctx, dev)) {
			log_warn("two devices for %s: using %s, on the medium's disk, not %s", what,
				 dev->node, best->node);
			best = dev;
		} else {
			log_warn("two devices for %s: using %s, not %s", what, best->node, dev->node);
		}
	}
	if (best) {
		*out_dev = *best;
		memset(out, 0, sizeof(*out));
		snprintf(out->source, sizeof(out->source), "%s", best->node);
		snprintf(out->device, sizeof(out->device), "%s", best->node);
		snprintf(out->disk, sizeof(out->disk), "/dev/%s", best->disk);
		snprintf(out->fstype, sizeof(out->fstype), "%s", best->fstype);
		snprintf(out->label, sizeof(out->label), "%s", best->label);
		snprintf(out->uuid, sizeof(out->uuid), "%s", best->uuid);
		out->on_medium_disk = on_medium_disk(ctx, best);
	}
	blkdev_list_free(&list);
	return best ? 0 : -ENOENT;
}

int flavor_partition_writable(const struct flavor_ctx *ctx, const struct blkdev *dev,
			      const char *what)
{
	const char *host = kvlist_get(ctx->medium, "VTOY_MEDIUM_DEVICE");

	if (dev->probe_err) {
		log_warn("%s: %s cannot be read: %s", what, dev->node, strerror(-dev->probe_err));
		return dev->probe_err;
	}
	if (host && !strcmp(host, dev->node)) {
		log_warn("%s: %s is the partition holding the ISO, mounted read-only (%s%s): it "
			 "cannot take the changes; use a partition of its own", what, dev->node,
			 dev->fstype, fstype_probe_skips_journal(dev->fstype)
					 ? ", without journal replay" : "");
		return -EBUSY;
	}
	if (!is_ext(dev->fstype)) {
		log_warn("%s: %s holds '%s'; vtoy-persist keeps changes only on ext2/3/4, which "
			 "it checks with e2fsck before writing", what, dev->node,
			 dev->fstype[0] ? dev->fstype : "no filesystem");
		return -EMEDIUMTYPE;
	}
	return 0;
}

static void report(const struct flavor_ctx *ctx, const char *key, const char *value)
{
	if (kvlist_add(ctx->report, key, strlen(key), value, strlen(value)) < 0)
		log_warn("out of memory for the report");
}

int flavor_open_store(const struct flavor_ctx *ctx, const struct store *store, bool read_only,
		      struct opened_store *opened)
{
	int ret;

	log_notice("using store %s (%s, label %s)", store->source, store->fstype, store->label);
	report(ctx, "VTOY_STORE_SOURCE", store->source);
	report(ctx, "VTOY_STORE_DEVICE", store->device);
	report(ctx, "VTOY_STORE_LABEL", store->label);
	report(ctx, "VTOY_STORE_UUID", store->uuid);
	report(ctx, "VTOY_STORE_FSTYPE", store->fstype);
	report(ctx, "VTOY_STORE_KIND", store_kind_name(store));
	ret = store_open(store, ctx->run_dir, ctx->e2fsck, read_only, opened);
	report(ctx, "VTOY_STORE_FSCK", fsck_result_name(opened->fsck));
	return ret;
}

/* Makes rel beneath root_fd one component at a time, never through a
 * symlink. */
static int mkdir_beneath(int root_fd, const char *rel)
{
	char buf[PATH_MAX], *save = NULL;
	int fd = dup(root_fd);

	if (fd < 0)
		return -errno;
	if (snprintf(buf, sizeof(buf), "%s", rel) >= (int)sizeof(buf)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	for (char *part = strtok_r(buf, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		int next;

		if (mkdirat(fd, part, 0755) < 0 && errno != EEXIST) {
			int ret = -errno;

			close(fd);
			return ret;
		}
		next = openat(fd, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (next < 0)
			return errno == ELOOP ? -EXDEV : -errno;
		fd = next;
	}
	close(fd);
	return 0;
}

int flavor_store_dirs(const char *store_mount, const char *rel_upper, const char *rel_work,
		      bool create, char *upper, char *work, size_t len)
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

		if ((size_t)snprintf(paths[i], len, "%s/%s", store_mount, rel) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		fd = safepath_open(root_fd, rel, O_PATH | O_DIRECTORY);
		if (fd == -ENOENT && create) {
			log_notice("creating %s/ in the store", rel);
			ret = mkdir_beneath(root_fd, rel);
			fd = ret < 0 ? ret : safepath_open(root_fd, rel, O_PATH | O_DIRECTORY);
		}
		if (fd == -ENOENT) {
			log_warn("the store has no %s/: there is nothing of it to show", rel);
			ret = fd;
			break;
		}
		if (fd < 0) {
			log_err("store directory %s: %s", rel,
				fd == -EXDEV ? "a symlink on the way; refused" : strerror(-fd));
			ret = fd;
			break;
		}
		close(fd);
	}
	close(root_fd);
	return ret;
}

void flavor_report_layout(const struct flavor_ctx *ctx, const struct opened_store *opened,
			  const char *layout, const char *dir, bool read_only)
{
	report(ctx, "VTOY_STORE_MOUNT", opened->mount);
	report(ctx, "VTOY_STORE_LAYOUT", layout);
	report(ctx, "VTOY_STORE_DIR", dir);
	report(ctx, "VTOY_STORE_ACCESS", read_only ? "read-only" : "read-write");
}
