#include "ventoy_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blkdev.h"
#include "dm.h"
#include "log.h"
#include "mnt.h"
#include "safepath.h"
#include "ventoy_dm.h"
#include "ventoy_handover.h"
#include "ventoy_json.h"

#define HEAD_BYTES 4096

static bool made_dm; /* mapped_store made VENTOY_PERSIST_DM_NAME */

static int open_on_data(const char *data_mount, const char *path, int flags)
{
	int root_fd = open(data_mount, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	if (root_fd < 0)
		return -errno;
	fd = safepath_open(root_fd, path, flags);
	close(root_fd);
	return fd;
}

static int backend_exists(const char *path, void *ctx)
{
	struct stat st;
	int fd = open_on_data(ctx, path, O_RDONLY);
	bool ok;

	if (fd < 0)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return ok;
}

/* The plugin's choice for this ISO; c->matched false when none applies. */
static int read_plugin(const struct ventoy_store_query *q, struct ventoy_persistence_choice *c)
{
	char *json;
	ssize_t n;
	int fd, ret;

	memset(c, 0, sizeof(*c));
	c->chosen = -1;
	fd = open_on_data(q->data_mount, "/ventoy/ventoy.json", O_RDONLY);
	if (fd < 0) {
		log_info("no /ventoy/ventoy.json on %s", q->data_device);
		return 0;
	}
	json = malloc(VJSON_MAX_SIZE + 1);
	n = json ? read(fd, json, VJSON_MAX_SIZE + 1) : -1;
	close(fd);
	if (n < 0 || n > VJSON_MAX_SIZE) {
		log_warn("/ventoy/ventoy.json on %s not read: %s", q->data_device,
			 n < 0 ? strerror(errno) : "larger than 1 MiB");
		free(json);
		return 0;
	}
	ret = ventoy_json_persistence(json, n, q->iso_path, c);
	free(json);
	if (ret < 0) {
		log_warn("/ventoy/ventoy.json on %s: %s; its persistence plugin is ignored",
			 q->data_device, c->reason);
		return 0;
	}
	if (!c->matched) {
		log_info("/ventoy/ventoy.json: %s", c->reason);
		return 0;
	}
	if (ventoy_persistence_drop_missing(c, backend_exists, (void *)q->data_mount))
		log_warn("/ventoy/ventoy.json lists %zu persistence file(s) for %s that are not "
			 "on %s; left out, as Ventoy does", c->dropped, q->iso_path, q->data_device);
	log_info("/ventoy/ventoy.json: %zu backend(s) for %s; %s", c->count, q->iso_path,
		 c->reason);
	return 0;
}

static uint64_t map_bytes(const struct ventoy_handover *h)
{
	uint64_t bytes = 0;

	for (size_t i = 0; i < h->persistent_map_count; i++)
		bytes += (uint64_t)(h->persistent_map[i].img_end - h->persistent_map[i].img_start + 1) *
			 2048;
	return bytes;
}

/* 1 when the backend file is what the map describes: same size, same first
 * bytes as the disk holds where the map starts. */
static int backend_is_mapped(const struct ventoy_store_query *q, const struct ventoy_handover *h,
			     const char *backend)
{
	uint8_t file_head[HEAD_BYTES], disk_head[HEAD_BYTES];
	struct stat st;
	int fd, disk_fd, ok = 0;

	fd = open_on_data(q->data_mount, backend, O_RDONLY);
	if (fd < 0)
		return 0;
	disk_fd = open(q->disk, O_RDONLY | O_CLOEXEC);
	if (disk_fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_size == map_bytes(h) &&
	    pread(fd, file_head, sizeof(file_head), 0) == sizeof(file_head) &&
	    pread(disk_fd, disk_head, sizeof(disk_head),
		  (off_t)h->persistent_map[0].disk_start * 512) == sizeof(disk_head))
		ok = !memcmp(file_head, disk_head, sizeof(file_head));
	if (disk_fd >= 0)
		close(disk_fd);
	close(fd);
	return ok;
}

static bool is_ext(const char *fstype)
{
	return !strcmp(fstype, "ext2") || !strcmp(fstype, "ext3") || !strcmp(fstype, "ext4");
}

static int file_store(const struct ventoy_store_query *q, const char *backend, struct store *s)
{
	struct blkdev probe;

	if (!q->read_only && q->data_fstype && fstype_probe_skips_journal(q->data_fstype)) {
		log_warn("Ventoy's persistence file %s is on %s (%s), which cannot be made writable "
			 "safely here; keep it on an exFAT/FAT/NTFS partition", backend,
			 q->data_device, q->data_fstype);
		return -EROFS;
	}
	memset(s, 0, sizeof(*s));
	s->is_file = true;
	s->on_medium_disk = true;
	snprintf(s->source, sizeof(s->source), "%s%s", q->data_mount, backend);
	snprintf(s->device, sizeof(s->device), "%s", q->data_device);
	snprintf(s->disk, sizeof(s->disk), "%s", q->disk);
	snprintf(s->host_mount, sizeof(s->host_mount), "%s", q->data_mount);
	snprintf(s->file, sizeof(s->file), "%s", backend);
	memset(&probe, 0, sizeof(probe));
	if (blkdev_probe(s->source, &probe) < 0 || !probe.fstype[0]) {
		log_warn("Ventoy's persistence file %s holds no filesystem", backend);
		return -EINVAL;
	}
	if (!is_ext(probe.fstype)) {
		log_warn("Ventoy's persistence file %s holds %s; vtoy-persist uses ext2/3/4 stores "
			 "(checked with e2fsck)", backend, probe.fstype);
		return -EINVAL;
	}
	snprintf(s->fstype, sizeof(s->fstype), "%s", probe.fstype);
	snprintf(s->label, sizeof(s->label), "%s", probe.label);
	snprintf(s->uuid, sizeof(s->uuid), "%s", probe.uuid);
	return 1;
}

/* A store reached through a device-mapper map of the file's blocks: what
 * it holds. */
static int mapped_identity(const struct ventoy_store_query *q, struct store *s)
{
	struct blkdev probe;

	snprintf(s->source, sizeof(s->source), "%s", s->device);
	snprintf(s->disk, sizeof(s->disk), "%s", q->disk);
	s->on_medium_disk = true;
	s->is_mapped = true;
	memset(&probe, 0, sizeof(probe));
	if (blkdev_probe(s->device, &probe) < 0 || !is_ext(probe.fstype)) {
		log_warn("Ventoy's persistence file holds %s; vtoy-persist uses ext2/3/4 stores "
			 "(checked with e2fsck)", probe.fstype[0] ? probe.fstype : "no filesystem");
		return -EINVAL;
	}
	snprintf(s->fstype, sizeof(s->fstype), "%s", probe.fstype);
	snprintf(s->label, sizeof(s->label), "%s", probe.label);
	snprintf(s->uuid, sizeof(s->uuid), "%s", probe.uuid);
	return 1;
}

/* The data partition is not mounted: write through the map itself. */
static int mapped_store(const struct ventoy_store_query *q, const struct ventoy_handover *h,
			struct store *s)
{
	struct stat st;
	int ret = stat(q->disk, &st) < 0 ? -errno : 0;

	memset(s, 0, sizeof(*s));
	if (ret == 0)
		ret = ventoy_map_create(VENTOY_PERSIST_DM_NAME, st.st_rdev, h->persistent_map,
					h->persistent_map_count, q->read_only, s->device,
					sizeof(s->device));
	if (ret < 0) {
		log_err("cannot map Ventoy's persistence file through device-mapper: %s",
			strerror(-ret));
		return ret;
	}
	made_dm = true;
	log_notice("Ventoy's persistence file mapped %s from its map (%zu chunk(s) on %s) at %s",
		   q->read_only ? "read-only" : "read-write", h->persistent_map_count, q->disk,
		   s->device);
	ret = mapped_identity(q, s);
	if (ret < 0) {
		dm_remove(VENTOY_PERSIST_DM_NAME);
		made_dm = false;
	}
	return ret;
}

/* Ventoy's own hook made the device (udev in a generator's image): it is
 * the store, used where it is; ours would collide with it. */
static int ventoy_made_store(const struct ventoy_store_query *q, const struct ventoy_handover *h,
			     dev_t devno, struct store *s)
{
	char sys[96], buf[32];
	unsigned long long sectors = 0;
	FILE *f;

	memset(s, 0, sizeof(*s));
	snprintf(s->device, sizeof(s->device), DM_MAPPER_DIR "/" VENTOY_PERSIST_DM_NAME);
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/size", major(devno), minor(devno));
	f = fopen(sys, "re");
	if (f && fgets(buf, sizeof(buf), f))
		sectors = strtoull(buf, NULL, 10);
	if (f)
		fclose(f);
	if (sectors * 512 != map_bytes(h)) {
		log_err("%s exists, made by Ventoy's hook, but holds %llu bytes where Ventoy's map "
			"says %llu: not using it", s->device, sectors * 512,
			(unsigned long long)map_bytes(h));
		return -EINVAL;
	}
	log_notice("Ventoy's hook made %s for the persistence file chosen in its menu: using it",
		   s->device);
	return mapped_identity(q, s);
}

void ventoy_store_release(const struct store *s)
{
	if (made_dm && s->is_mapped) {
		dm_remove(VENTOY_PERSIST_DM_NAME);
		made_dm = false;
	}
}

/* The file picked in Ventoy's menu, described by the persistent map. */
static int menu_store(const struct ventoy_store_query *q, const struct ventoy_handover *h,
		      const struct ventoy_persistence_choice *plugin, bool mounted, struct store *s)
{
	dev_t devno;
	int ret = -ENOENT;

	log_notice("Ventoy hands over a persistence file chosen in its menu (%llu MiB)",
		   (unsigned long long)(map_bytes(h) >> 20));
	if (!made_dm && access(DM_MAPPER_DIR "/" VENTOY_PERSIST_DM_NAME, F_OK) == 0 &&
	    dm_lookup(VENTOY_PERSIST_DM_NAME, &devno) == 0)
		return ventoy_made_store(q, h, devno, s);
	for (size_t i = 0; mounted && i < plugin->count && ret == -ENOENT; i++)
		if (backend_is_mapped(q, h, plugin->backends[i])) {
			log_notice("Ventoy's persistence file is %s (ventoy.json, and the map agrees)",
				   plugin->backends[i]);
			ret = file_store(q, plugin->backends[i], s);
		}
	if (ret == -ENOENT && !mounted)
		ret = mapped_store(q, h, s);
	else if (ret == -ENOENT)
		log_err("Ventoy's persistence map names a file that /ventoy/ventoy.json does not list "
			"for %s (or it changed since): not writing through a map of a mounted "
			"partition", q->iso_path);
	return ret;
}

int ventoy_store_find(const struct ventoy_store_query *q, struct store *s, bool *from_menu)
{
	struct ventoy_persistence_choice plugin = { .chosen = -1 };
	struct ventoy_sources sources;
	struct ventoy_handover h;
	bool mounted = q->data_mount && *q->data_mount;
	int ret = VENTOY_STORE_NONE;

	*from_menu = false;
	if (q->sources) {
		sources = *q->sources;
	} else {
		ventoy_sources_default(&sources);
		sources.ventoy_dir = q->ventoy_dir;
	}
	if (ventoy_handover_read(&sources, &h) < 0)
		return VENTOY_STORE_NONE;
	if (mounted)
		read_plugin(q, &plugin);
	else if (h.from_cpio && h.persistent_map_count == 0)
		log_info("the data partition is not mounted: /ventoy/ventoy.json cannot be read to "
			 "tell whether Ventoy's menu offered a persistence file");
	if (h.persistent_map_count > 0) {
		*from_menu = true;
		ret = menu_store(q, &h, &plugin, mounted, s);
	} else if (h.from_cpio && plugin.matched && plugin.count > 0) {
		/* Ventoy's menu ran (its cpio is here) and handed over no map. */
		log_notice("Ventoy's menu declined persistence for %s: /ventoy/ventoy.json entry %zu "
			   "offers %zu file(s) and none was handed over (%s). No persistence, as "
			   "chosen there", q->iso_path, plugin.entry + 1, plugin.count,
			   plugin.autosel_state == VENTOY_AUTOSEL_SET && plugin.autosel == 0 &&
					   plugin.timeout < 0
				   ? "autosel 0: no persistence by default"
				   : "\"Boot without persistence\" was picked");
		ret = VENTOY_STORE_DECLINED;
	} else if (plugin.matched && plugin.chosen >= 0) {
		log_notice("Ventoy's persistence plugin chooses %s for %s (entry %zu, %s)",
			   plugin.backends[plugin.chosen], q->iso_path, plugin.entry + 1,
			   plugin.reason);
		ret = file_store(q, plugin.backends[plugin.chosen], s);
	} else if (plugin.matched && plugin.count > 0 &&
		   plugin.autosel_state == VENTOY_AUTOSEL_SET && plugin.autosel == 0) {
		log_notice("Ventoy's persistence plugin entry %zu for %s has autosel 0: no "
			   "persistence by default, as configured", plugin.entry + 1, q->iso_path);
		ret = -ENODATA;
	} else if (plugin.matched && plugin.count == 0) {
		log_info("Ventoy's persistence plugin entry %zu for %s offers no file that exists "
			 "(%s): Ventoy shows no menu for it, so it decides nothing", plugin.entry + 1,
			 q->iso_path, plugin.reason);
	} else if (plugin.matched) {
		/* No menu ran (the hand-over came from the firmware): only autosel
		 * could have chosen. */
		log_warn("Ventoy's persistence plugin entry %zu names %zu file(s) for %s but chooses "
			 "none (%s), and no Ventoy menu ran to pick one (the hand-over came from %s): "
			 "no persistence; set \"autosel\" in /ventoy/ventoy.json to pick one",
			 plugin.entry + 1, plugin.count, q->iso_path, plugin.reason, h.origin);
		ret = -ENODATA;
	}
	ventoy_persistence_choice_free(&plugin);
	ventoy_handover_free(&h);
	return ret;
}
