#include "store_acquire.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "store_find.h"
#include "store_fs.h"

static void put(const struct acquire_opts *o, const char *what, const char *value)
{
	char key[64];

	snprintf(key, sizeof(key), "%s_%s", o->report_prefix, what);
	kvlist_put(o->report, key, value);
}

/* The store could not be made consistent (e2fsck, or the kernel's mount of
 * an xfs or btrfs store): it is still shown, mounted read-only without
 * journal or log replay, and nothing of this session is kept on it. */
static int open_unfixable(const struct store *s, const struct acquire_opts *o,
			  struct opened_store *opened)
{
	const struct store_fs *fs = store_fs_find(s->fstype);
	int ret = store_open(s, o->run_dir, o->e2fsck, true, opened);

	if (ret < 0) {
		log_warn("%s cannot be mounted even read-only: %s", s->source, strerror(-ret));
		return -EUCLEAN;
	}
	opened->fsck = FSCK_FAILED;
	/* cryptsetup's loop device holds the file open for writing: its
	 * partition cannot go back to read-only while the store is shown. */
	if (s->data_remounted)
		log_warn("the partition at %s stays read-write this session: the encrypted %s on "
			 "it is unlocked for writing", s->data_mount, s->source);
	log_warn("THE STORE IS READ-ONLY THIS SESSION: %s could not be made consistent, so its "
		 "contents are shown read-only under a temporary overlay. CHANGES MADE IN THIS "
		 "SESSION ARE NOT KEPT. Repair it with %s from another system.", s->source,
		 fs ? fs->repair : "its fsck");
	return 0;
}

/* The kernel's read-only flag on the device holding the store (BLKROGET:
 * the partition's own flag or its disk's, which sd sets from a stick's
 * write-protect switch). Such a store can take neither a check nor a
 * session's changes. */
static bool write_protected(const struct store *s)
{
	int fd = open(s->device, O_RDONLY | O_CLOEXEC), ro = 0;

	if (fd < 0)
		return false;
	if (ioctl(fd, BLKROGET, &ro) < 0)
		ro = 0;
	close(fd);
	return ro != 0;
}

int store_acquire(struct store_list *candidates, const struct acquire_opts *o,
		  struct store *chosen, struct opened_store *opened, bool *fsck_fallback)
{
	int best = store_choose(candidates), ret;

	*fsck_fallback = false;
	store_release_others(candidates, best, o->data_mount);
	if (best < 0)
		return -ENOENT;
	*chosen = candidates->items[best];
	log_notice("using store %s (%s, label %s)", chosen->source, chosen->fstype, chosen->label);
	put(o, "SOURCE", chosen->source);
	put(o, "DEVICE", chosen->device);
	put(o, "KIND", store_kind_name(chosen->kind));
	put(o, "FSTYPE", chosen->fstype);
	put(o, "LABEL", chosen->label);
	put(o, "UUID", chosen->uuid);
	if (!o->read_only && write_protected(chosen)) {
		log_warn("%s IS WRITE-PROTECTED (the kernel marks it read-only): the store is shown "
			 "read-only, without a check, under a temporary overlay, and CHANGES MADE IN "
			 "THIS SESSION ARE NOT KEPT. Turn the stick's write-protect switch off to keep "
			 "them.", chosen->device);
		ret = store_open(chosen, o->run_dir, o->e2fsck, true, opened);
		opened->write_protected = ret == 0;
	} else {
		ret = store_open(chosen, o->run_dir, o->e2fsck, o->read_only, opened);
	}
	if (ret == -EUCLEAN && o->read_only_fallback) {
		ret = open_unfixable(chosen, o, opened);
		*fsck_fallback = ret == 0;
	}
	put(o, "FSCK", fsck_result_name(opened->fsck));
	if (opened->last_shutdown)
		put(o, "LAST_SHUTDOWN", opened->last_shutdown);
	if (ret < 0) {
		store_release_others(candidates, -1, o->data_mount);
		return ret;
	}
	/* The others are released: a later store_release touches only it. */
	candidates->items[0] = candidates->items[best];
	candidates->count = 1;
	return 0;
}

void store_release(struct store_list *candidates, const struct store *chosen,
		   const struct opened_store *opened, const char *data_mount)
{
	/* Still mounted (something holds it): what it sits on stays too. */
	if (store_close(chosen, opened) < 0)
		return;
	store_release_others(candidates, -1, data_mount);
}
