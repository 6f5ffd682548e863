/* Ubuntu casper: "persistent" asks for a store labelled writable (Ubuntu
 * 20.04 and later), else casper-rw, a partition or an image file at
 * persistent-path=; the changes are in its upper/ (work in work/); a store
 * in casper's old layout (changes at its root) is migrated as casper does;
 * a home-rw store is mounted on /home. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convention.h"
#include "home_rw.h"
#include "log.h"
#include "safepath.h"
#include "store_dirs.h"

static int request(const struct persist *p, struct persist_request *req, bool force)
{
	const char *path = kvlist_get(&p->cmdline, "persistent-path");

	if (!force && !kvlist_has(&p->cmdline, "persistent"))
		return 0;
	snprintf(req->asked_by, sizeof(req->asked_by), "persistent");
	req->query.labels[0] = "writable"; /* preferred since Ubuntu 20.04 */
	req->query.labels[1] = "casper-rw";
	req->query.label_count = 2;
	req->query.path = path && *path ? path : "/";
	return 1;
}

static int find(struct persist *p)
{
	return store_search(&p->req.query, "casper", &p->candidates);
}

/* Entries casper leaves at the store root when it migrates the old layout. */
static bool keeps_at_root(const char *name)
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
 * does, entry by entry (renames within one filesystem: nothing is copied).
 * Returns 0, or the first failure's -errno. */
static int migrate(const char *store_mount)
{
	int root_fd, upper_fd = -1, moved = 0, first_err = 0;
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
	while ((de = readdir(dir)) && (upper_fd >= 0 || !first_err)) {
		if (keeps_at_root(de->d_name))
			continue;
		if (upper_fd < 0) {
			log_notice("the store has casper's old layout (changes at its root): moving "
				   "them into upper/, as casper does");
			if (mkdirat(root_fd, "upper", 0755) < 0 ||
			    (upper_fd = openat(root_fd, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW |
								 O_CLOEXEC)) < 0) {
				first_err = -errno;
				log_err("cannot create upper/ for the migration: %s",
					strerror(-first_err));
				break;
			}
		}
		if (renameat(root_fd, de->d_name, upper_fd, de->d_name) == 0) {
			moved++;
		} else {
			if (!first_err)
				first_err = -errno;
			log_err("cannot move %s into upper/: %s", de->d_name, strerror(errno));
		}
	}
	closedir(dir);
	close(root_fd);
	if (upper_fd >= 0) {
		close(upper_fd);
		log_notice("moved %d entries into upper/%s", moved,
			   first_err ? ", some failed" : "");
	}
	return first_err;
}

static int prepare(struct persist *p)
{
	bool create = !p->opened.read_only;
	int fd = safepath_open_at(p->opened.mount, "upper", O_PATH | O_DIRECTORY), ret;

	if (fd >= 0)
		close(fd);
	if (create && fd == -ENOENT && (ret = migrate(p->opened.mount)) < 0)
		return ret;
	if (!create)
		return store_dirs(p->opened.mount, "upper", "work", false, p->store_lower, p->work,
				  sizeof(p->store_lower));
	return store_dirs(p->opened.mount, "upper", "work", true, p->upper, p->work,
			  sizeof(p->upper));
}

/* home-rw is looked for where the root store was found. */
static void extras(struct persist *p)
{
	home_rw_mount(p);
}

const struct convention conv_casper = {
	.name = "casper",
	.request = request,
	.find = find,
	.prepare = prepare,
	.extras = extras,
};
