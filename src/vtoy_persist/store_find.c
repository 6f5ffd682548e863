#include "store_find.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkdev.h"
#include "devspec.h"
#include "log.h"
#include "mnt.h"
#include "mountinfo.h"
#include "paths.h"
#include "safepath.h"
#include "store_fs.h"
#include "store_image_parts.h"
#include "store_luks.h"
#include "store_open.h"

#define STORE_FILE_MIN_BYTES (1024 * 1024)

static int label_rank(const struct store_query *q, const char *label)
{
	for (size_t i = 0; i < q->label_count; i++)
		if (strcmp(q->labels[i], label) == 0)
			return (int)i;
	return -1;
}

const char *store_kind_name(enum store_kind kind)
{
	switch (kind) {
	case STORE_PARTITION: return "partition";
	case STORE_FILE: return "file";
	case STORE_DIRECTORY: return "directory";
	case STORE_MAPPED_FILE: return "mapped-file";
	}
	return "?";
}

static bool on_disk(const struct store_query *q, const char *disk)
{
	return q->medium_disk && strcmp(q->medium_disk, disk) == 0;
}

static void labels_text(const struct store_query *q, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < q->label_count && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", q->labels[i]);
}

/* A file is looked at when named like a store: LABEL, LABEL.dat, LABEL.img,
 * or any *.dat (Ventoy's persistence files, named freely by users). */
static bool store_file_name(const struct store_query *q, const char *name)
{
	size_t n = strlen(name);

	if (n > 4 && strcmp(name + n - 4, ".dat") == 0)
		return true;
	for (size_t i = 0; i < q->label_count; i++) {
		size_t l = strlen(q->labels[i]);

		if (strncmp(name, q->labels[i], l) == 0 &&
		    (name[l] == '\0' || !strcmp(name + l, ".img")))
			return true;
	}
	return false;
}

/* An image file holding a partition table: the partition with the best
 * store label, its probe in *probe. Returns its number, or 0 (said why). */
static unsigned image_partition(const struct store_query *q, int dir_fd, const char *name,
				const char *path, struct blkdev *probe)
{
	struct image_part parts[IMAGE_PARTS_MAX];
	char wanted[256], pttype[sizeof(probe->pttype)];
	int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), count, best = -1;

	snprintf(pttype, sizeof(pttype), "%s", probe->pttype);
	labels_text(q, wanted, sizeof(wanted));
	count = fd < 0 ? -errno : image_parts_probe(fd, name, parts, IMAGE_PARTS_MAX);
	if (fd >= 0)
		close(fd);
	if (count < 0) {
		log_warn("%s: skipped, it holds a partition table (%s) that cannot be looked into: %s",
			 path, pttype, strerror(-count));
		return 0;
	}
	for (int i = 0; i < count; i++) {
		const struct blkdev *p = &parts[i].probe;
		int rank = label_rank(q, p->label);

		log_info("%s: partition %u holds %s, label '%s'", path, parts[i].number,
			 p->fstype[0] ? p->fstype : "no filesystem", p->label);
		if (rank < 0 || !store_fstype_ok(p->fstype))
			continue;
		if (best < 0 || rank < label_rank(q, parts[best].probe.label))
			best = i;
	}
	if (best < 0) {
		log_warn("%s: skipped, it holds a partition table (%s), not a filesystem, and none "
			 "of its %d partition(s) holds a store (" STORE_FSTYPES ") labelled %s",
			 path, pttype, count, wanted);
		return 0;
	}
	*probe = parts[best].probe;
	return parts[best].number;
}

/* True when name is a label looked for, with or without .dat or .img
 * (casper-rw.dat for casper): the user meant it as a store, so a reason to
 * skip it is a warning, not a note. */
static bool named_for_label(const struct store_query *q, const char *name)
{
	for (size_t i = 0; i < q->label_count; i++) {
		size_t l = strlen(q->labels[i]);

		if (!strncmp(name, q->labels[i], l) &&
		    (name[l] == '\0' || !strcmp(name + l, ".dat") || !strcmp(name + l, ".img")))
			return true;
	}
	return false;
}

static struct store *add_candidate(struct store_list *out, const struct blkdev *dev)
{
	struct store *s;

	if (out->count == STORE_CANDIDATES_MAX) {
		log_warn("more than %d store candidates; ignoring the rest", STORE_CANDIDATES_MAX);
		return NULL;
	}
	s = &out->items[out->count];
	memset(s, 0, sizeof(*s));
	snprintf(s->device, sizeof(s->device), "%s", dev->node);
	snprintf(s->disk, sizeof(s->disk), "/dev/%s", dev->disk);
	s->order = out->count;
	return s;
}

/* Looks for store files in a mounted partition. Returns how many were added. */
static int scan_files(const struct store_query *q, const struct blkdev *dev, const char *mnt,
		      struct store_list *out)
{
	const char *rel = q->path + strspn(q->path, "/");
	char wanted[256], dir_path[PATH_MAX];
	int root_fd, dir_fd, added = 0;
	struct dirent *de;
	DIR *dir;

	labels_text(q, wanted, sizeof(wanted));
	root_fd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return 0;
	snprintf(dir_path, sizeof(dir_path), "%s%s%s", mnt, *rel ? "/" : "", rel);
	dir_fd = *rel ? safepath_open(root_fd, rel, O_RDONLY | O_DIRECTORY)
		      : openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0 && !*rel)
		dir_fd = -errno;
	close(root_fd);
	if (dir_fd < 0) {
		if (dir_fd == -ENOENT)
			log_info("%s: no %s directory for store files", dev->node, q->path);
		else
			log_warn("%s: %s cannot be used for store files: %s", dev->node, q->path,
				 dir_fd == -EXDEV ? "a symlink leads out of the partition"
						  : strerror(-dir_fd));
		return 0;
	}
	dir = fdopendir(dir_fd);
	if (!dir) {
		close(dir_fd);
		return 0;
	}
	while ((de = readdir(dir))) {
		struct blkdev probe;
		struct store *s;
		struct stat st;
		char path[PATH_MAX];
		unsigned part = 0;
		bool meant;
		int rank;

		if (!store_file_name(q, de->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name) >= sizeof(path))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) {
			log_info("%s: skipped, not a regular file", path);
			continue;
		}
		meant = named_for_label(q, de->d_name);
		if (st.st_size < STORE_FILE_MIN_BYTES) {
			log_msg(meant ? VLOG_WARN : VLOG_INFO, "%s: skipped, only %lld bytes%s", path,
				(long long)st.st_size,
				meant ? ": too small to be a store (empty, or cut short while copied?)"
				      : "");
			continue;
		}
		memset(&probe, 0, sizeof(probe));
		if (blkdev_probe_search(path, &probe) < 0) {
			log_warn("%s: skipped, it cannot be read", path);
			continue;
		}
		if (!probe.fstype[0] && probe.pttype[0]) {
			part = image_partition(q, dirfd(dir), de->d_name, path, &probe);
			if (!part)
				continue;
		}
		rank = label_rank(q, probe.label);
		if (rank < 0 && meant && !probe.fstype[0])
			log_warn("%s: skipped, it holds no filesystem (not formatted, or damaged); "
				 "a store is a filesystem labelled %s", path, wanted);
		else if (rank < 0)
			log_msg(meant ? VLOG_WARN : VLOG_INFO,
				"%s: skipped, its label '%s' is not one of: %s%s", path, probe.label,
				wanted, meant ? " (the file's name is not what is looked at: its "
						"filesystem's label is)" : "");
		if (rank < 0)
			continue;
		if (!store_fstype_ok(probe.fstype)) {
			log_warn("%s: skipped, label %s but filesystem '%s' (" STORE_FSTYPES
				 " expected)", path, probe.label, probe.fstype);
			continue;
		}
		/* Its partition was mounted without journal replay, and ext4 would
		 * even accept a remount to read-write that way (journal unreplayed,
		 * journaling off): writing through it could corrupt it. */
		if (!q->read_only && fstype_probe_skips_journal(dev->fstype) &&
		    !mount_writable_now(mnt)) {
			log_warn("%s: skipped, it is on %s (%s), which cannot be made writable "
				 "safely here; keep store files on an exFAT/FAT/NTFS partition, or "
				 "use a store partition", path, dev->node, dev->fstype);
			continue;
		}
		s = add_candidate(out, dev);
		if (!s)
			break;
		s->kind = STORE_FILE;
		s->partition = part;
		if ((size_t)snprintf(s->source, sizeof(s->source), part ? "%s (partition %u)" : "%s",
				     path, part) >= sizeof(s->source))
			continue;
		snprintf(s->data_mount, sizeof(s->data_mount), "%s", mnt);
		snprintf(s->file, sizeof(s->file), "%s", path + strlen(mnt));
		snprintf(s->fstype, sizeof(s->fstype), "%s", probe.fstype);
		snprintf(s->label, sizeof(s->label), "%s", probe.label);
		snprintf(s->uuid, sizeof(s->uuid), "%s", probe.uuid);
		s->label_rank = rank;
		s->on_medium_disk = on_disk(q, s->disk);
		out->count++;
		added++;
		log_info("candidate: image file %s on %s (%s, label %s)", s->source + strlen(mnt),
			 dev->node, probe.fstype, probe.label);
	}
	closedir(dir);
	return added;
}

static unsigned storage(const struct store_query *q)
{
	return q->storage ? q->storage : STORE_STORAGE_DEFAULT;
}

static unsigned encryption(const struct store_query *q)
{
	return q->encryption ? q->encryption : STORE_ENC_NONE;
}

/* A LUKS volume, with persistence-encryption=luks: unlocked to read the
 * label of the filesystem inside; closed again when it is not a store. */
static void scan_luks(const struct store_query *q, const struct blkdev *dev,
		      struct store_list *out)
{
	char name[48], mapper[BLKDEV_PATH_MAX], what[PATH_MAX], wanted[256];
	struct blkdev inner;
	struct store *s;
	int rank, ret;

	if (!(encryption(q) & STORE_ENC_LUKS)) {
		log_info("%s: skipped, a LUKS volume (persistence-encryption=luks would unlock it)",
			 dev->node);
		return;
	}
	if (!(storage(q) & STORE_STORAGE_FILESYSTEM)) {
		log_info("%s: a LUKS volume, but persistence-storage= leaves out whole filesystems",
			 dev->node);
		return;
	}
	labels_text(q, wanted, sizeof(wanted));
	/* dm names hold up to 127 bytes; a kernel disk name is short. */
	if ((size_t)snprintf(name, sizeof(name), "vtoy_luks_%s", dev->name) >= sizeof(name)) {
		log_warn("%s: skipped, its name is too long for a dm-crypt device", dev->node);
		return;
	}
	snprintf(what, sizeof(what), "%s (LUKS%s%s, uuid %s)", dev->node,
		 dev->label[0] ? ", label " : "", dev->label, dev->uuid);
	ret = luks_unlock(dev->node, what, name, q->read_only, mapper, sizeof(mapper));
	if (ret < 0) {
		if (ret == -EACCES || ret == -ETIMEDOUT) {
			out->luks_locked++;
			snprintf(out->locked, sizeof(out->locked), "%s", what);
		}
		return;
	}
	memset(&inner, 0, sizeof(inner));
	blkdev_probe_search(mapper, &inner);
	rank = label_rank(q, inner.label);
	if (rank < 0 || !store_fstype_ok(inner.fstype)) {
		log_warn("%s: unlocked, but it holds %s labelled '%s', not a store (" STORE_FSTYPES
			 ") labelled %s: closed again", what,
			 inner.fstype[0] ? inner.fstype : "no filesystem", inner.label, wanted);
		luks_close(name);
		return;
	}
	s = add_candidate(out, dev);
	if (!s) {
		luks_close(name);
		return;
	}
	snprintf(s->source, sizeof(s->source), "%s", what);
	snprintf(s->device, sizeof(s->device), "%s", mapper);
	snprintf(s->fstype, sizeof(s->fstype), "%s", inner.fstype);
	snprintf(s->label, sizeof(s->label), "%s", inner.label);
	snprintf(s->uuid, sizeof(s->uuid), "%s", inner.uuid);
	snprintf(s->luks_name, sizeof(s->luks_name), "%s", name);
	s->label_rank = rank;
	s->on_medium_disk = on_disk(q, s->disk);
	out->count++;
	log_info("candidate: encrypted partition %s (%s, label %s)", what, inner.fstype,
		 inner.label);
}

/* persistence-storage=directory: a directory named like a label in the
 * persistence path of a partition a store may be (mounted at mnt). The partition
 * is checked and mounted read-write only if the directory is chosen. */
static void scan_dirs(const struct store_query *q, const struct blkdev *dev, const char *mnt,
		      struct store_list *out)
{
	const char *rel = q->path + strspn(q->path, "/");
	int root_fd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root_fd < 0)
		return;
	for (size_t i = 0; i < q->label_count; i++) {
		char dir[PATH_MAX];
		struct store *s;
		int fd;

		snprintf(dir, sizeof(dir), "/%s%s%s", rel, *rel ? "/" : "", q->labels[i]);
		fd = safepath_open(root_fd, dir, O_PATH | O_DIRECTORY);
		if (fd < 0 && fd != -ENOENT)
			log_info("%s: %s cannot be a directory store: %s", dev->node, dir,
				 fd == -EXDEV ? "a symlink leads out of the partition"
					      : strerror(-fd));
		if (fd < 0)
			continue;
		close(fd);
		if (!store_fstype_ok(dev->fstype)) {
			log_warn("%s: directory %s skipped: %s cannot hold an overlay upper "
				 "directory (" STORE_FSTYPES " expected)", dev->node, dir, dev->fstype);
			continue;
		}
		if (q->data_device && !strcmp(q->data_device, dev->node) && !q->read_only) {
			log_warn("%s: directory %s skipped: this partition holds the ISO and is "
				 "mounted read-only without journal replay", dev->node, dir);
			continue;
		}
		s = add_candidate(out, dev);
		if (!s)
			break;
		s->kind = STORE_DIRECTORY;
		snprintf(s->dir, sizeof(s->dir), "%s", dir);
		if ((size_t)snprintf(s->source, sizeof(s->source), "%s:%s", dev->node, dir) >=
		    sizeof(s->source)) {
			log_warn("%s: directory %s skipped: its path is too long", dev->node, dir);
			continue;
		}
		snprintf(s->fstype, sizeof(s->fstype), "%s", dev->fstype);
		snprintf(s->label, sizeof(s->label), "%s", q->labels[i]);
		snprintf(s->uuid, sizeof(s->uuid), "%s", dev->uuid);
		s->label_rank = i;
		s->on_medium_disk = on_disk(q, s->disk);
		out->count++;
		log_info("candidate: directory %s on %s (%s)", dir, dev->node, dev->fstype);
	}
	close(root_fd);
}

/* What a partition's probe tells, without mounting it: a store partition,
 * a LUKS volume, files on the data partition (already mounted). Returns
 * true when it is to be mounted to look for store files and directories. */
static bool probe_partition(const struct store_query *q, const struct blkdev *dev,
			   struct store_list *out)
{
	const char *why;
	bool again;
	int rank;

	if (dev->has_partitions)
		return false; /* its partitions are looked at one by one */
	if (q->media == STORE_MEDIA_REMOVABLE && !dev->removable) {
		log_info("%s: skipped, not on a removable disk (persistence-media=removable)",
			 dev->node);
		return false;
	}
	if (q->media == STORE_MEDIA_REMOVABLE_USB && !dev->usb) {
		log_info("%s: skipped, not on a USB disk (persistence-media=removable-usb)",
			 dev->node);
		return false;
	}
	why = blkdev_unreadable(dev, &again);
	if (why) {
		/* An empty CD drive is no fault: said, not warned of. */
		if (dev->probe_err && again && dev->probe_err != -ENOMEDIUM)
			log_warn("%s: skipped, it cannot be read: %s", dev->node, why);
		else
			log_info("%s: skipped, %s", dev->node, why);
		return false;
	}
	if (!strcmp(dev->fstype, "crypto_LUKS")) {
		scan_luks(q, dev, out);
		return false;
	}
	if (!(encryption(q) & STORE_ENC_NONE)) {
		log_info("%s: skipped, not encrypted (persistence-encryption= leaves out unencrypted "
			 "volumes)", dev->node);
		return false;
	}
	/* live-boot matches the GPT partition name as well as the label. */
	rank = label_rank(q, dev->label);
	if (rank < 0 && dev->part_name[0])
		rank = label_rank(q, dev->part_name);
	if (rank >= 0 && !(storage(q) & STORE_STORAGE_FILESYSTEM)) {
		log_info("%s: label %s, but persistence-storage= leaves out whole filesystems",
			 dev->node, dev->label);
		rank = -1;
	} else if (rank >= 0 && store_fstype_ok(dev->fstype)) {
		struct store *s = add_candidate(out, dev);

		if (!s)
			return false;
		snprintf(s->source, sizeof(s->source), "%s", dev->node);
		snprintf(s->fstype, sizeof(s->fstype), "%s", dev->fstype);
		snprintf(s->label, sizeof(s->label), "%s", q->labels[rank]);
		snprintf(s->uuid, sizeof(s->uuid), "%s", dev->uuid);
		s->label_rank = rank;
		s->on_medium_disk = on_disk(q, s->disk);
		out->count++;
		log_info("candidate: partition %s (%s, label %s%s%s)", dev->node, dev->fstype,
			 dev->label, dev->part_name[0] ? ", partition name " : "", dev->part_name);
		return false;
	}
	if (rank >= 0) {
		log_warn("%s: skipped, label %s but filesystem '%s' (" STORE_FSTYPES " expected)",
			 dev->node, dev->label, dev->fstype);
		return false;
	}
	if (!fstype_mountable(dev->fstype) || !strcmp(dev->fstype, "iso9660")) {
		log_info("%s: skipped, label '%s' is not a store label and %s cannot hold store "
			 "files", dev->node, dev->label, dev->fstype);
		return false;
	}
	if (!(storage(q) & (STORE_STORAGE_FILE | STORE_STORAGE_DIRECTORY))) {
		log_info("%s: skipped, label '%s' is not a store label (persistence-storage= "
			 "leaves out files and directories)", dev->node, dev->label);
		return false;
	}
	/* The data partition where vtoy-iso-scan left it mounted; after toram
	 * let it go (data_mount empty), it is mounted and searched as any. */
	if (q->data_device && q->data_mount && q->data_mount[0] &&
	    strcmp(q->data_device, dev->node) == 0) {
		if (storage(q) & STORE_STORAGE_FILE)
			scan_files(q, dev, q->data_mount, out);
		if (storage(q) & STORE_STORAGE_DIRECTORY)
			scan_dirs(q, dev, q->data_mount, out);
		return false;
	}
	return true;
}

struct mounted {
	dev_t devno;
	bool found;
	struct mount_entry entry; /* ~13 KiB: the caller's is static */
};

static int find_mounted(const struct mount_entry *e, void *arg)
{
	struct mounted *m = arg;

	if (e->devno != m->devno)
		return 0;
	m->entry = *e;
	m->found = true;
	return 1;
}

/* Mounts dev read-only (no journal replay) and looks for store files and
 * directories in it; the mount stays while it holds a candidate. */
static void scan_mounted(const struct store_query *q, const struct blkdev *dev,
			 struct store_list *out)
{
	static struct mounted m;
	char mnt[PATH_MAX];
	int ret;

	run_path(mnt, sizeof(mnt), q->run_dir, RUN_PROBE, dev->name);
	ret = mount_probe_ro(dev->node, mnt, dev->fstype);
	if (ret < 0) {
		rmdir(mnt);
		/* Mounted read-write already (the root's store, when casper's
		 * home-rw is looked for): the kernel refuses a read-only
		 * mount beside it. Say so, not just the refusal. */
		memset(&m, 0, sizeof(m));
		m.devno = dev->devno;
		if (ret == -EBUSY && mountinfo_each(NULL, find_mounted, &m) == 0 && m.found)
			log_info("%s: not looked into for store files: it is mounted %s at %s "
				 "already", dev->node, m.entry.read_only ? "read-only" : "read-write",
				 m.entry.target);
		else
			log_info("%s: cannot look for store files, mounting %s read-only failed: %s",
				 dev->node, dev->fstype, strerror(-ret));
		return;
	}
	if (storage(q) & STORE_STORAGE_DIRECTORY)
		scan_dirs(q, dev, mnt, out);
	if (!(storage(q) & STORE_STORAGE_FILE) || scan_files(q, dev, mnt, out) == 0) {
		umount2(mnt, MNT_DETACH);
		rmdir(mnt);
	}
}

/* Partitions passed over unmounted, for one store that would be preferred
 * over anything in them. Named in one line: under TCG each console line
 * costs about a millisecond, 40 ms for 32 disks. */
struct passed_over {
	const struct store *first;
	char nodes[640]; /* ", "-separated; the kernel takes 960 bytes a record */
	unsigned count, named;
};

static void passed_over_add(struct passed_over groups[2], const struct store *first,
			    const char *node)
{
	struct passed_over *g = &groups[0];
	size_t used;

	/* store_unbeatable() names one store for the medium's disk and one
	 * for the others: two groups at most. */
	if (g->first && g->first != first)
		g = &groups[1];
	if (g->first && g->first != first) {
		log_info("%s: not mounted to look for stores in it: %s (label %s) would be "
			 "preferred over any found there", node, first->source, first->label);
		return;
	}
	g->first = first;
	g->count++;
	used = strlen(g->nodes);
	if (used + strlen(node) + 3 < sizeof(g->nodes)) {
		snprintf(g->nodes + used, sizeof(g->nodes) - used, "%s%s", used ? ", " : "", node);
		g->named++;
	}
}

static void passed_over_log(const struct passed_over *g)
{
	char more[48] = "";

	if (!g->first)
		return;
	if (g->named < g->count)
		snprintf(more, sizeof(more), " and %u more", g->count - g->named);
	if (g->count == 1)
		log_info("%s: not mounted to look for stores in it: %s (label %s%s) would be "
			 "preferred over any found there", g->nodes, g->first->source,
			 g->first->label, g->first->on_medium_disk ? ", on the medium's disk" : "");
	else
		log_info("%s%s (%u partitions or disks): not mounted to look for stores in them: "
			 "%s (label %s%s) would be preferred over any found there", g->nodes, more,
			 g->count, g->first->source, g->first->label,
			 g->first->on_medium_disk ? ", on the medium's disk" : "");
}

int store_find(const struct store_query *q, struct store_list *out)
{
	struct passed_over passed[2] = { { .first = NULL } };
	struct blkdev_list list;
	bool *mount_wanted;
	int ret;

	out->count = 0;
	out->luks_locked = 0;
	ret = blkdev_scan(&list);
	if (ret < 0)
		return ret;
	mount_wanted = calloc(list.count ? list.count : 1, sizeof(*mount_wanted));
	if (!mount_wanted) {
		blkdev_list_free(&list);
		return -ENOMEM;
	}
	/* The data partition first, so it is also first in discovery order;
	 * then what probes tell, then what needs a mount to be seen. */
	for (size_t i = 0; i < list.count; i++)
		if (q->data_device && !strcmp(list.devs[i].node, q->data_device) &&
		    probe_partition(q, &list.devs[i], out))
			scan_mounted(q, &list.devs[i], out); /* let go by toram */
	for (size_t i = 0; i < list.count; i++)
		if (!q->data_device || strcmp(list.devs[i].node, q->data_device))
			mount_wanted[i] = probe_partition(q, &list.devs[i], out);
	for (size_t i = 0; i < list.count; i++) {
		const struct blkdev *dev = &list.devs[i];
		const struct store *first;
		char disk[BLKDEV_PATH_MAX];

		if (!mount_wanted[i])
			continue;
		snprintf(disk, sizeof(disk), "/dev/%s", dev->disk);
		/* Mounting costs 10-50 ms a partition under TCG: not done where
		 * nothing found could be chosen (32 disks: 0.25 s). */
		first = store_unbeatable(out, on_disk(q, disk));
		if (first)
			passed_over_add(passed, first, dev->node);
		else
			scan_mounted(q, dev, out);
	}
	passed_over_log(&passed[0]);
	passed_over_log(&passed[1]);
	free(mount_wanted);
	blkdev_list_free(&list);
	return 0;
}

int store_search(const struct store_query *q, const char *name, struct store_list *out)
{
	char wanted[256];
	int ret;

	labels_text(q, wanted, sizeof(wanted));
	log_info("%s persistence requested: looking for a store labelled %s (partition, or image "
		 "file in %s of a partition)", name, wanted, q->path);
	ret = store_find(q, out);
	if (ret < 0)
		log_err("cannot list block devices: %s", strerror(-ret));
	else if (out->count == 0)
		log_warn("persistence was asked for, but no store labelled %s was found: changes "
			 "will be lost at shutdown", wanted);
	return ret;
}

static bool better(const struct store *a, const struct store *b)
{
	if (a->label_rank != b->label_rank)
		return a->label_rank < b->label_rank;
	if (a->on_medium_disk != b->on_medium_disk)
		return a->on_medium_disk;
	return a->order < b->order;
}

const struct store *store_unbeatable(const struct store_list *list, bool on_medium_disk)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct store *s = &list->items[i];

		if (s->label_rank == 0 && (s->on_medium_disk || !on_medium_disk))
			return s;
	}
	return NULL;
}

int store_choose(const struct store_list *list)
{
	int best = -1;

	for (size_t i = 0; i < list->count; i++)
		if (best < 0 || better(&list->items[i], &list->items[best]))
			best = (int)i;
	for (size_t i = 0; best >= 0 && i < list->count; i++) {
		const struct store *s = &list->items[i];

		if ((int)i == best)
			continue;
		if (s->label_rank == list->items[best].label_rank)
			log_warn("two stores labelled %s: using %s, not %s", s->label,
				 list->items[best].source, s->source);
		else
			log_info("not using %s: label %s is preferred over %s",
				 s->source, list->items[best].label, s->label);
	}
	return best;
}

void store_release_others(const struct store_list *list, int chosen, const char *data_mount)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct store *s = &list->items[i];
		bool still_needed = false;

		if (s->luks_name[0] && (int)i != chosen) {
			luks_close(s->luks_name);
			/* Its file's partition was made writable for it. */
			if (s->data_remounted)
				store_data_read_only(s);
		}
		if (s->kind != STORE_FILE || (int)i == chosen ||
		    (data_mount && !strcmp(s->data_mount, data_mount)))
			continue;
		for (size_t j = 0; j < list->count; j++)
			if (((int)j == chosen || j < i) && list->items[j].kind == STORE_FILE &&
			    !strcmp(list->items[j].data_mount, s->data_mount))
				still_needed = true;
		if (!still_needed) {
			umount2(s->data_mount, MNT_DETACH);
			rmdir(s->data_mount);
		}
	}
}

static bool on_disk_of(const char *medium_disk, const struct blkdev *dev)
{
	char node[BLKDEV_PATH_MAX];

	snprintf(node, sizeof(node), "/dev/%s", dev->disk);
	return medium_disk && !strcmp(medium_disk, node);
}

int store_find_device(const char *what, store_match_fn match, const void *arg,
		      const char *medium_disk, struct store *out, struct blkdev *out_dev)
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
		} else if (!on_disk_of(medium_disk, best) && on_disk_of(medium_disk, dev)) {
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
		out->kind = STORE_PARTITION;
		snprintf(out->source, sizeof(out->source), "%s", best->node);
		snprintf(out->device, sizeof(out->device), "%s", best->node);
		snprintf(out->disk, sizeof(out->disk), "/dev/%s", best->disk);
		snprintf(out->fstype, sizeof(out->fstype), "%s", best->fstype);
		snprintf(out->label, sizeof(out->label), "%s", best->label);
		snprintf(out->uuid, sizeof(out->uuid), "%s", best->uuid);
		out->on_medium_disk = on_disk_of(medium_disk, best);
	}
	blkdev_list_free(&list);
	return best ? 0 : -ENOENT;
}

static bool spec_matches(const struct blkdev *dev, const void *spec)
{
	return devspec_matches(spec, dev);
}

int store_find_devspec(const char *what, const char *text, const char *medium_disk,
		       struct store *out, struct blkdev *out_dev)
{
	struct devspec spec;
	char buf[256];

	if (devspec_parse(text, &spec, buf, sizeof(buf)) < 0) {
		log_warn("%s: '%s' is not a device (/dev/..., LABEL=, CDLABEL=, UUID=, PARTUUID=, "
			 "PARTLABEL=, /dev/disk/by-*/)", what, text);
		return -EINVAL;
	}
	return store_find_device(what, spec_matches, &spec, medium_disk, out, out_dev);
}
