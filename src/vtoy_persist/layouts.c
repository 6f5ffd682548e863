#include "layouts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mnt.h"
#include "persistence_conf.h"
#include "safepath.h"

#define PCONF_FILE_MAX (64 * 1024)

/* 0 when rel resolves to a directory beneath the store, -ENOENT when it
 * does not exist yet, -EXDEV when a symlink leads out of the store. */
static int check_beneath(const char *store_mount, const char *rel)
{
	int root_fd = open(store_mount, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	if (root_fd < 0)
		return -errno;
	fd = safepath_open(root_fd, rel, O_PATH | O_DIRECTORY);
	close(root_fd);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Creates STORE/rel_upper and STORE/rel_work (parents too), refusing any
 * that is, or would be reached through, a symlink leading out of the store. */
static int make_store_dirs(const char *store_mount, bool create, const char *rel_upper,
			   const char *rel_work, char *upper, char *work, size_t len)
{
	const char *rels[2] = { rel_upper, rel_work };
	char *paths[2] = { upper, work };
	int ret;

	for (int i = 0; i < 2; i++) {
		snprintf(paths[i], len, "%s/%s", store_mount, rels[i]);
		ret = check_beneath(store_mount, rels[i]);
		if (ret == -ENOENT && !create) {
			log_warn("the read-only store has no %s/ yet: nothing of it to show", rels[i]);
			return ret;
		}
		if (ret == -ENOENT)
			ret = mkdir_p(paths[i], 0755);
		if (ret == 0)
			ret = check_beneath(store_mount, rels[i]);
		if (ret < 0) {
			log_err("store directory %s: %s", rels[i],
				ret == -EXDEV ? "a symlink leads out of the store; refused"
					      : strerror(-ret));
			return ret;
		}
		if (!create)
			break; /* a read-only store is only a lower layer: no work/ */
	}
	return 0;
}

/* Entries casper leaves at the store root when it migrates the old layout. */
static bool casper_keeps_at_root(const char *name)
{
	static const char *const kept[] = { ".", "..", "lost+found", "upper", "work", "log",
					    "crash", ".vtoy-medium" /* ours */, NULL };

	for (int i = 0; kept[i]; i++)
		if (!strcmp(name, kept[i]))
			return true;
	return !strncmp(name, "install-logs-", 13);
}

/* casper before 19.10 kept the changes at the store root. When upper/ is
 * missing and the root holds anything else, move it into upper/ as casper
 * does, entry by entry (renames within one filesystem: nothing is copied). */
static int casper_migrate(const char *store_mount)
{
	int root_fd, upper_fd, moved = 0, failed = 0;
	struct dirent *de;
	DIR *dir;

	root_fd = open(store_mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	dir = fdopendir(dup(root_fd));
	if (!dir) {
		close(root_fd);
		return -errno;
	}
	upper_fd = -1;
	while ((de = readdir(dir))) {
		if (casper_keeps_at_root(de->d_name))
			continue;
		if (upper_fd < 0) {
			log_notice("the store has casper's old layout (changes at its root): moving "
				   "them into upper/, as casper does");
			if (mkdirat(root_fd, "upper", 0755) < 0 ||
			    (upper_fd = openat(root_fd, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW |
								 O_CLOEXEC)) < 0) {
				log_err("cannot create upper/ for the migration: %s", strerror(errno));
				failed++;
				break;
			}
		}
		if (renameat(root_fd, de->d_name, upper_fd, de->d_name) == 0) {
			moved++;
		} else {
			log_err("cannot move %s into upper/: %s", de->d_name, strerror(errno));
			failed++;
		}
	}
	closedir(dir);
	close(root_fd);
	if (upper_fd >= 0) {
		close(upper_fd);
		log_notice("moved %d entries into upper/%s", moved, failed ? ", some failed" : "");
	}
	return failed ? -EIO : 0;
}

int layout_casper(const char *store_mount, bool create, char *upper, char *work, size_t len)
{
	int ret = check_beneath(store_mount, "upper");

	if (create && ret == -ENOENT && (ret = casper_migrate(store_mount)) < 0)
		return ret;
	return make_store_dirs(store_mount, create, "upper", "work", upper, work, len);
}

/* Reads persistence.conf at the store root, refusing symlinks out of it. */
static int read_conf(const char *store_mount, char **text, size_t *len)
{
	int root_fd, fd, ret = 0;
	ssize_t n;

	root_fd = open(store_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	fd = safepath_open(root_fd, "persistence.conf", O_RDONLY);
	close(root_fd);
	if (fd < 0)
		return fd;
	*text = malloc(PCONF_FILE_MAX + 1);
	if (!*text) {
		close(fd);
		return -ENOMEM;
	}
	*len = 0;
	while ((n = read(fd, *text + *len, PCONF_FILE_MAX + 1 - *len)) > 0)
		*len += n;
	if (n < 0)
		ret = -errno;
	else if (*len > PCONF_FILE_MAX)
		ret = -EFBIG;
	close(fd);
	if (ret < 0) {
		free(*text);
		*text = NULL;
	}
	return ret;
}

int layout_liveboot(const char *store_mount, const char *store_name, bool create, char *upper,
		    char *work, size_t len, struct pconf *conf)
{
	char rel_upper[PATH_MAX + 8], rel_work[PATH_MAX + 8];
	const struct pconf_entry *root;
	char name[512], *text = NULL;
	size_t text_len = 0;
	int ret;

	conf->items = NULL;
	conf->count = 0;
	ret = read_conf(store_mount, &text, &text_len);
	if (ret == -ENOENT) {
		log_warn("%s has no persistence.conf: live-boot ignores such a volume, and so do we. "
			 "To keep the whole system on it, write a persistence.conf holding the line "
			 "'/ union'", store_name);
		return ret;
	}
	if (ret < 0) {
		log_err("cannot read persistence.conf of %s: %s", store_name,
			ret == -EFBIG ? "larger than 64 KiB" : strerror(-ret));
		return ret;
	}
	snprintf(name, sizeof(name), "%s/persistence.conf", store_name);
	ret = pconf_parse(text, text_len, name, conf);
	free(text);
	if (ret < 0)
		return ret;
	root = pconf_root_union(conf);
	if (!root) {
		log_notice("%s has no '/ union' entry: the root is not persistent%s", name,
			   conf->count ? ", only the directories it lists" : "");
		return -ENODATA;
	}
	snprintf(rel_upper, sizeof(rel_upper), "%s%srw", root->source, *root->source ? "/" : "");
	snprintf(rel_work, sizeof(rel_work), "%s%swork", root->source, *root->source ? "/" : "");
	ret = make_store_dirs(store_mount, create, rel_upper, rel_work, upper, work, len);
	if (ret < 0)
		pconf_free(conf);
	return ret;
}
