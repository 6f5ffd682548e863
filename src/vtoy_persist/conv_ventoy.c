/* Ventoy's choice of a store. Ventoy's menu decides first: the file picked
 * there (the hand-over's persistent map) turns persistence on by itself; a
 * menu that offered files and handed over none declined it, and that is
 * final. An ISO Ventoy boots without its cpio (no menu) gets the
 * ventoy.json plugin's autosel choice when the command line asks for
 * persistence. The store found is laid out by casper or live-boot, after
 * its label. The facts come from the medium report (vtoy-iso-scan read
 * Ventoy's hand-over); ventoy.json is read from the data partition. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blkdev.h"
#include "conv_ventoy.h"
#include "dm.h"
#include "log.h"
#include "mnt.h"
#include "paths.h"
#include "safepath.h"
#include "store_fs.h"
#include "store_luks.h"
#include "store_open.h"
#include "sysfs.h"
#include "ventoy_dm.h"
#include "ventoy_json.h"

#define HEAD_BYTES 4096

static bool made_dm; /* mapped_store made VENTOY_PERSIST_DM_NAME */
static char locked_reason[128]; /* why an encrypted persistence file stayed locked */

static int backend_exists(const char *path, void *data_mount)
{
	struct stat st;
	int fd = safepath_open_at(data_mount, path, O_RDONLY);
	const char *hint = ventoy_path_hint(path);
	bool ok;

	if (fd < 0) {
		log_warn("/ventoy/ventoy.json: the persistence file \"%s\" is not there%s%s", path,
			 hint ? ": " : "", hint ? hint : "");
		return 0;
	}
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	if (!ok)
		log_warn("/ventoy/ventoy.json: the persistence file \"%s\" is not a regular file",
			 path);
	return ok;
}

/* The plugin's choice for this ISO; c->matched false when none applies. */
static void read_plugin(const struct medium *m, struct ventoy_persistence_choice *c)
{
	char *json;
	ssize_t n;
	int fd, ret;

	memset(c, 0, sizeof(*c));
	c->chosen = -1;
	if (!m->data_mount[0]) {
		log_info("the data partition is not mounted: /ventoy/ventoy.json cannot be read");
		return;
	}
	fd = safepath_open_at(m->data_mount, "/ventoy/ventoy.json", O_RDONLY);
	if (fd < 0) {
		log_info("no /ventoy/ventoy.json on %s", m->device.node);
		return;
	}
	json = malloc(VJSON_MAX_SIZE + 1);
	n = json ? read(fd, json, VJSON_MAX_SIZE + 1) : -1;
	close(fd);
	if (n < 0 || n > VJSON_MAX_SIZE) {
		log_warn("/ventoy/ventoy.json on %s not read: %s", m->device.node,
			 n < 0 ? strerror(errno) : "larger than 1 MiB");
		free(json);
		return;
	}
	ret = ventoy_json_persistence(json, n, m->iso_path, c);
	free(json);
	if (ret < 0) {
		log_warn("/ventoy/ventoy.json on %s: %s; its persistence plugin is ignored",
			 m->device.node, c->reason);
		return;
	}
	if (!c->matched) {
		if (c->near_miss)
			log_warn("/ventoy/ventoy.json: %s", c->reason);
		else
			log_info("/ventoy/ventoy.json: %s", c->reason);
		return;
	}
	if (ventoy_persistence_drop_missing(c, backend_exists, (void *)m->data_mount))
		log_warn("/ventoy/ventoy.json entry %zu lists %zu persistence file(s) for %s that are "
			 "not on %s (named above); left out, as Ventoy does", c->entry + 1, c->dropped,
			 m->iso_path, m->device.node);
	log_info("/ventoy/ventoy.json: %zu backend(s) for %s; %s", c->count, m->iso_path,
		 c->reason);
}

int ventoy_request(const struct persist *p, struct persist_request *req)
{
	const struct medium *m = &p->medium;
	struct ventoy_persistence_choice plugin;
	int ret = 0;

	if (!m->ventoy.present || !m->ventoy.menu)
		return 0;
	if (m->ventoy.persistent_map_count > 0) {
		req->conv = &conv_ventoy;
		req->source = REQUEST_VENTOY_MENU;
		snprintf(req->asked_by, sizeof(req->asked_by), "Ventoy's menu");
		return 1;
	}
	read_plugin(m, &plugin);
	if (plugin.matched && plugin.count > 0) {
		/* Ventoy's menu ran (its cpio is here) and handed over no map. */
		log_notice("Ventoy's menu declined persistence for %s: /ventoy/ventoy.json entry %zu "
			   "offers %zu file(s) and none was handed over (%s). No persistence, as "
			   "chosen there", m->iso_path, plugin.entry + 1, plugin.count,
			   plugin.autosel_state == VENTOY_AUTOSEL_SET && plugin.autosel == 0 &&
					   plugin.timeout < 0
				   ? "autosel 0: no persistence by default"
				   : "\"Boot without persistence\" was picked");
		req->conv = NULL;
		req->source = REQUEST_VENTOY_DECLINED;
		snprintf(req->asked_by, sizeof(req->asked_by), "Ventoy's menu");
		ret = 1;
	} else if (plugin.matched) {
		log_info("Ventoy's persistence plugin entry %zu for %s offers no file that exists "
			 "(%s): Ventoy shows no menu for it, so it decides nothing", plugin.entry + 1,
			 m->iso_path, plugin.reason);
	}
	ventoy_persistence_choice_free(&plugin);
	return ret;
}

int ventoy_plugin_request(const struct persist *p, struct persist_request *req)
{
	const struct medium *m = &p->medium;
	struct ventoy_persistence_choice plugin;
	int ret = 0;

	if (!m->ventoy.present || m->ventoy.menu ||
	    (req->conv != &conv_casper && req->conv != &conv_liveboot))
		return 0;
	read_plugin(m, &plugin);
	if (plugin.matched && plugin.chosen >= 0) {
		log_notice("Ventoy's persistence plugin chooses %s for %s (entry %zu, %s)",
			   plugin.backends[plugin.chosen], m->iso_path, plugin.entry + 1,
			   plugin.reason);
		snprintf(req->ventoy_backend, sizeof(req->ventoy_backend), "%s",
			 plugin.backends[plugin.chosen]);
		req->asked_conv = req->conv;
		req->conv = &conv_ventoy;
		req->source = REQUEST_VENTOY_PLUGIN;
		ret = 1;
	} else if (plugin.matched && plugin.count > 0 &&
		   plugin.autosel_state == VENTOY_AUTOSEL_SET && plugin.autosel == 0) {
		log_notice("Ventoy's persistence plugin entry %zu for %s has autosel 0: no "
			   "persistence by default, as configured", plugin.entry + 1, m->iso_path);
		snprintf(req->unusable, sizeof(req->unusable),
			 "ventoy.json's entry for this ISO has autosel 0");
		ret = 1;
	} else if (plugin.matched && plugin.count > 0) {
		/* No menu ran (the hand-over came from the firmware): only autosel
		 * could have chosen. */
		log_warn("Ventoy's persistence plugin entry %zu names %zu file(s) for %s but chooses "
			 "none (%s), and no Ventoy menu ran to pick one (the hand-over came from %s): "
			 "no persistence; set \"autosel\" in /ventoy/ventoy.json to pick one",
			 plugin.entry + 1, plugin.count, m->iso_path, plugin.reason, m->ventoy.origin);
		snprintf(req->unusable, sizeof(req->unusable),
			 "ventoy.json names persistence files for this ISO but chooses none");
		ret = 1;
	}
	ventoy_persistence_choice_free(&plugin);
	return ret;
}

static uint64_t map_bytes(const struct medium *m)
{
	uint64_t bytes = 0;

	for (size_t i = 0; i < m->ventoy.persistent_map_count; i++)
		bytes += (uint64_t)(m->ventoy.persistent_map[i].img_end -
				    m->ventoy.persistent_map[i].img_start + 1) * 2048;
	return bytes;
}

/* 1 when the backend file is what the map describes: same size, same first
 * bytes as the disk holds where the map starts. */
static int backend_is_mapped(const struct medium *m, const char *backend)
{
	uint8_t file_head[HEAD_BYTES], disk_head[HEAD_BYTES];
	struct stat st;
	int fd, disk_fd, ok = 0;

	fd = safepath_open_at(m->data_mount, backend, O_RDONLY);
	if (fd < 0)
		return 0;
	disk_fd = open(m->device.disk, O_RDONLY | O_CLOEXEC);
	if (disk_fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_size == map_bytes(m) &&
	    pread(fd, file_head, sizeof(file_head), 0) == sizeof(file_head) &&
	    pread(disk_fd, disk_head, sizeof(disk_head),
		  (off_t)m->ventoy.persistent_map[0].disk_start * 512) == sizeof(disk_head))
		ok = !memcmp(file_head, disk_head, sizeof(file_head));
	if (disk_fd >= 0)
		close(disk_fd);
	close(fd);
	return ok;
}

/* An encrypted file (CreatePersistentImg.sh -e): unlocked, then used as
 * the file reached through dm-crypt. A file on the data partition makes it
 * read-write first (cryptsetup loops the file itself). */
static int unlock(const struct persist *p, const char *what, struct store *s)
{
	char mapper[BLKDEV_PATH_MAX], text[PATH_MAX + 32];
	const char *device = s->kind == STORE_FILE ? s->source : s->device;
	bool ro = p->req.read_only, remounted = false;
	int ret;

	if (s->kind == STORE_FILE && !ro) {
		ret = store_data_writable(s, what, &remounted);
		if (ret < 0)
			return ret;
	}
	snprintf(text, sizeof(text), "Ventoy's persistence file %s (LUKS)", what);
	ret = luks_unlock(device, text, VENTOY_LUKS_DM_NAME, ro, mapper, sizeof(mapper));
	if (ret < 0) {
		/* Locked: no store on the data partition; it goes back to
		 * read-only, as the medium search left it. */
		if (remounted)
			store_data_read_only(s);
		snprintf(locked_reason, sizeof(locked_reason),
			 ret == -EACCES ? "the encrypted persistence file stayed locked: no right "
					  "passphrase in 3 tries"
					: "the encrypted persistence file could not be unlocked");
		return -EACCES;
	}
	s->kind = STORE_MAPPED_FILE;
	s->data_remounted = remounted;
	snprintf(s->device, sizeof(s->device), "%s", mapper);
	snprintf(s->luks_name, sizeof(s->luks_name), "%s", VENTOY_LUKS_DM_NAME);
	return 0;
}

/* The store's filesystem: one a store may hold (store_fs.c); a LUKS
 * container is unlocked and looked into. */
static int identify_fs(const struct persist *p, const char *what, struct store *s);

static int identify(const struct persist *p, const char *what, struct store *s)
{
	int ret = identify_fs(p, what, s);

	if (ret < 0 && s->luks_name[0]) {
		luks_close(s->luks_name);
		s->luks_name[0] = '\0';
		if (s->data_remounted)
			store_data_read_only(s);
		s->data_remounted = false;
	}
	return ret;
}

static int identify_fs(const struct persist *p, const char *what, struct store *s)
{
	struct blkdev probe;

	memset(&probe, 0, sizeof(probe));
	if (blkdev_probe_search(s->kind == STORE_FILE ? s->source : s->device, &probe) == 0 &&
	    !strcmp(probe.fstype, "crypto_LUKS")) {
		int ret = unlock(p, what, s);

		if (ret < 0)
			return ret;
		memset(&probe, 0, sizeof(probe));
		blkdev_probe_search(s->device, &probe);
	}
	if (!probe.fstype[0]) {
		/* Ventoy's own hook hands the file to the ISO as one device:
		 * a table inside would leave the ISO's init without its label. */
		if (probe.pttype[0])
			log_warn("Ventoy's persistence file %s holds a partition table (%s), not a "
				 "filesystem: Ventoy hands the whole file over as one filesystem; "
				 "make it with Ventoy's CreatePersistentImg.sh", what, probe.pttype);
		else
			log_warn("Ventoy's persistence file %s holds no filesystem", what);
		return -EINVAL;
	}
	if (!store_fstype_ok(probe.fstype)) {
		log_warn("Ventoy's persistence file %s holds %s; a store holds " STORE_FSTYPES,
			 what, probe.fstype);
		return -EINVAL;
	}
	snprintf(s->fstype, sizeof(s->fstype), "%s", probe.fstype);
	snprintf(s->label, sizeof(s->label), "%s", probe.label);
	snprintf(s->uuid, sizeof(s->uuid), "%s", probe.uuid);
	return 0;
}

static int file_store(const struct persist *p, const char *backend, struct store *s)
{
	const struct medium *m = &p->medium;

	if (!p->req.read_only && fstype_probe_skips_journal(m->device.fstype) &&
	    !mount_writable_now(m->data_mount)) {
		log_warn("Ventoy's persistence file %s is on %s (%s), which cannot be made writable "
			 "safely here; keep it on an exFAT/FAT/NTFS partition", backend,
			 m->device.node, m->device.fstype);
		return -EROFS;
	}
	memset(s, 0, sizeof(*s));
	s->kind = STORE_FILE;
	s->on_medium_disk = true;
	snprintf(s->source, sizeof(s->source), "%s%s", m->data_mount, backend);
	snprintf(s->device, sizeof(s->device), "%s", m->device.node);
	snprintf(s->disk, sizeof(s->disk), "%s", m->device.disk);
	snprintf(s->data_mount, sizeof(s->data_mount), "%s", m->data_mount);
	snprintf(s->file, sizeof(s->file), "%s", backend);
	return identify(p, backend, s);
}

static void mapped(const struct medium *m, const char *node, struct store *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = STORE_MAPPED_FILE;
	s->on_medium_disk = true;
	snprintf(s->device, sizeof(s->device), "%s", node);
	snprintf(s->source, sizeof(s->source), "%s", node);
	snprintf(s->disk, sizeof(s->disk), "%s", m->device.disk);
}

/* The data partition is not mounted: write through the map itself. */
static int mapped_store(const struct persist *p, struct store *s)
{
	const struct medium *m = &p->medium;
	char node[BLKDEV_PATH_MAX];
	struct stat st;
	int ret = stat(m->device.disk, &st) < 0 ? -errno : 0;

	if (ret == 0)
		ret = ventoy_map_create(VENTOY_PERSIST_DM_NAME, st.st_rdev, m->ventoy.persistent_map,
					m->ventoy.persistent_map_count, p->req.read_only, node,
					sizeof(node));
	if (ret < 0) {
		log_err("cannot map Ventoy's persistence file through device-mapper: %s",
			strerror(-ret));
		return ret;
	}
	made_dm = true;
	log_notice("Ventoy's persistence file mapped %s from its map (%zu chunk(s) on %s) at %s",
		   p->req.read_only ? "read-only" : "read-write", m->ventoy.persistent_map_count,
		   m->device.disk, node);
	mapped(m, node, s);
	ret = identify(p, node, s);
	if (ret < 0) {
		dm_remove(VENTOY_PERSIST_DM_NAME);
		made_dm = false;
	}
	return ret;
}

/* Ventoy's own hook made the device (udev in a generator's image): it is
 * the store, used where it is; ours would collide with it. */
static int ventoy_made_store(const struct persist *p, dev_t devno, struct store *s)
{
	const struct medium *m = &p->medium;
	char sys[96];
	uint64_t sectors = 0;

	mapped(m, DM_MAPPER_DIR "/" VENTOY_PERSIST_DM_NAME, s);
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/size", major(devno), minor(devno));
	if (sysfs_read_u64(sys, &sectors) < 0 || sectors * 512 != map_bytes(m)) {
		log_err("%s exists, made by Ventoy's hook, but holds %llu bytes where Ventoy's map "
			"says %llu: not using it", s->device, (unsigned long long)sectors * 512,
			(unsigned long long)map_bytes(m));
		return -EINVAL;
	}
	log_notice("Ventoy's hook made %s for the persistence file chosen in its menu: using it",
		   s->device);
	return identify(p, s->device, s);
}

/* The file picked in Ventoy's menu, described by the persistent map. */
static int menu_store(const struct persist *p, struct store *s)
{
	const struct medium *m = &p->medium;
	struct ventoy_persistence_choice plugin;
	dev_t devno;
	int ret = -ENOENT;

	log_notice("Ventoy hands over a persistence file chosen in its menu (%llu MiB)",
		   (unsigned long long)(map_bytes(m) >> 20));
	if (!made_dm && access(DM_MAPPER_DIR "/" VENTOY_PERSIST_DM_NAME, F_OK) == 0 &&
	    dm_lookup(VENTOY_PERSIST_DM_NAME, &devno) == 0)
		return ventoy_made_store(p, devno, s);
	if (!m->data_mount[0])
		return mapped_store(p, s);
	read_plugin(m, &plugin);
	for (size_t i = 0; i < plugin.count && ret == -ENOENT; i++)
		if (backend_is_mapped(m, plugin.backends[i])) {
			log_notice("Ventoy's persistence file is %s (ventoy.json, and the map agrees)",
				   plugin.backends[i]);
			ret = file_store(p, plugin.backends[i], s);
		}
	if (ret == -ENOENT)
		log_err("Ventoy's persistence map names a file that /ventoy/ventoy.json does not list "
			"for %s (or it changed since): not writing through a map of a mounted "
			"partition", m->iso_path);
	ventoy_persistence_choice_free(&plugin);
	return ret;
}

/* The convention that lays out Ventoy's store: its label says. */
static const struct convention *layout_of(const struct store *s)
{
	if (!strcmp(s->label, "persistence"))
		return &conv_liveboot;
	if (strcmp(s->label, "casper-rw") && strcmp(s->label, "writable"))
		log_notice("Ventoy's persistence file is labelled %s: changes go to its upper/ and "
			   "work/, as casper keeps them", s->label[0] ? s->label : "(none)");
	return &conv_casper;
}

static int find(struct persist *p)
{
	struct store *s = &p->candidates.items[0];
	char asked_by[sizeof(p->req.asked_by)];
	int ret;

	p->candidates.count = 0;
	if (p->req.source == REQUEST_VENTOY_MENU)
		ret = menu_store(p, s);
	else
		ret = file_store(p, p->req.ventoy_backend, s);
	if (ret < 0) {
		if (p->req.source == REQUEST_VENTOY_MENU)
			log_warn("the file picked in Ventoy's menu cannot be used (see above)");
		snprintf(p->fallback, sizeof(p->fallback), "%s",
			 ret == -ENOENT ? "the persistence file Ventoy names cannot be found"
			 : ret == -EINVAL ? "the persistence file Ventoy names holds no "
					    STORE_FSTYPES " filesystem"
			 : ret == -EROFS ? "the persistence file Ventoy names cannot be written safely"
			 : ret == -EACCES ? locked_reason
					 : strerror(-ret));
		return ret;
	}
	p->candidates.count = 1;
	p->layout_conv = layout_of(s);
	/* Its options (persistence-read-only, say), asked for or not; what
	 * asked stays Ventoy. */
	snprintf(asked_by, sizeof(asked_by), "%s", p->req.asked_by);
	p->layout_conv->request(p, &p->req, true);
	snprintf(p->req.asked_by, sizeof(p->req.asked_by), "%s", asked_by);
	return 0;
}

static int prepare(struct persist *p)
{
	return p->layout_conv->prepare(p);
}

/* The layout's extras; none when the menu's file could not be found (the
 * layout is still Ventoy's own: calling it again would never end). */
static void extras(struct persist *p)
{
	if (p->layout_conv != &conv_ventoy && p->layout_conv->extras)
		p->layout_conv->extras(p);
}

void ventoy_release(const struct persist *p)
{
	if (made_dm && p->store.kind == STORE_MAPPED_FILE) {
		dm_remove(VENTOY_PERSIST_DM_NAME);
		made_dm = false;
	}
}

const struct convention conv_ventoy = {
	.name = "ventoy",
	.request = NULL, /* ventoy_request() and ventoy_plugin_request() */
	.find = find,
	.prepare = prepare,
	.extras = extras,
};
