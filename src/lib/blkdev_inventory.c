#include "blkdev_inventory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file header: records are struct blkdev as this build lays it out; a
 * file from another build (another size) is ignored. */
struct header {
	char magic[8];
	unsigned record_size;
	unsigned count;
};

static const char MAGIC[8] = "vtoyinv2";

int inventory_load(const char *path, struct blkdev_list *inv)
{
	struct header h;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	inv->devs = NULL;
	inv->count = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) || memcmp(h.magic, MAGIC, 8) ||
	    h.record_size != sizeof(struct blkdev) || h.count > 4096)
		goto out;
	inv->devs = calloc(h.count ? h.count : 1, sizeof(struct blkdev));
	if (!inv->devs) {
		ret = -ENOMEM;
		goto out;
	}
	if (read(fd, inv->devs, h.count * sizeof(struct blkdev)) !=
	    (ssize_t)(h.count * sizeof(struct blkdev))) {
		blkdev_list_free(inv);
		goto out;
	}
	inv->count = h.count;
	for (size_t i = 0; i < inv->count; i++) {
		struct blkdev *d = &inv->devs[i];

		/* strings stay terminated whatever the file held */
		d->name[sizeof(d->name) - 1] = d->fstype[sizeof(d->fstype) - 1] = '\0';
		d->label[sizeof(d->label) - 1] = d->uuid[sizeof(d->uuid) - 1] = '\0';
		d->part_name[sizeof(d->part_name) - 1] = '\0';
		d->part_uuid[sizeof(d->part_uuid) - 1] = '\0';
		d->pttype[sizeof(d->pttype) - 1] = '\0';
	}
out:
	close(fd);
	return ret;
}

int inventory_save(const char *path, const struct blkdev_list *inv)
{
	struct header h = { .record_size = sizeof(struct blkdev), .count = (unsigned)inv->count };
	char tmp[512];
	size_t len = inv->count * sizeof(struct blkdev);
	int fd, ret = 0;

	memcpy(h.magic, MAGIC, 8);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    (len && write(fd, inv->devs, len) != (ssize_t)len))
		ret = errno ? -errno : -EIO;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static struct blkdev *find(const struct blkdev_list *inv, const char *name)
{
	for (size_t i = 0; i < inv->count; i++)
		if (!strcmp(inv->devs[i].name, name))
			return &inv->devs[i];
	return NULL;
}

bool inventory_apply(const struct blkdev_list *inv, struct blkdev *dev, long long now_ms)
{
	const struct blkdev *k = find(inv, dev->name);

	if (!k || k->devno != dev->devno || k->size != dev->size || k->diskseq != dev->diskseq)
		return false;
	if (k->probe_err == -ENOMEDIUM && now_ms - k->probed_ms >= INVENTORY_NO_MEDIUM_MS)
		return false;
	memcpy(dev->fstype, k->fstype, sizeof(dev->fstype));
	memcpy(dev->label, k->label, sizeof(dev->label));
	memcpy(dev->uuid, k->uuid, sizeof(dev->uuid));
	memcpy(dev->part_name, k->part_name, sizeof(dev->part_name));
	memcpy(dev->part_uuid, k->part_uuid, sizeof(dev->part_uuid));
	memcpy(dev->pttype, k->pttype, sizeof(dev->pttype));
	dev->probe_err = k->probe_err;
	dev->probed_ms = k->probed_ms;
	return true;
}

int inventory_add(struct blkdev_list *inv, const struct blkdev *dev)
{
	struct blkdev *slot = find(inv, dev->name);

	if (!slot) {
		struct blkdev *grown = realloc(inv->devs, (inv->count + 1) * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		inv->devs = grown;
		slot = &inv->devs[inv->count++];
	}
	*slot = *dev;
	return 0;
}
