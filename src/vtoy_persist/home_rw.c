#include "home_rw.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs_tree.h"
#include "log.h"
#include "mnt.h"
#include "paths.h"
#include "store_acquire.h"
#include "store_find.h"

#define HOME_RW_LABEL "home-rw"

/* The store's mount bound onto ROOT/home, resolved inside the root. */
static int bind_home(const char *store_mount, const char *root)
{
	int root_fd, home_fd, src_fd, ret;

	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	home_fd = tree_mkdirs(root_fd, "home", true, NULL, NULL);
	close(root_fd);
	if (home_fd < 0)
		return home_fd;
	src_fd = open(store_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ret = src_fd < 0 ? -errno : mount_bind_fds(src_fd, home_fd);
	if (src_fd >= 0)
		close(src_fd);
	close(home_fd);
	return ret;
}

int home_rw_mount(struct persist *p)
{
	static struct store_list stores;
	struct store_query q = {
		.labels = { HOME_RW_LABEL },
		.label_count = 1,
		.path = p->req.query.path ? p->req.query.path : "/",
		.medium_disk = p->medium.device.disk,
		.data_device = p->medium.device.node,
		.data_mount = p->medium.data_mount,
		.media = STORE_MEDIA_ANY,
	};
	struct acquire_opts o = {
		.e2fsck = p->opts->e2fsck,
		.report_prefix = "VTOY_HOME",
		.report = &p->report,
	};
	struct opened_store opened;
	struct store chosen;
	char run_dir[PATH_MAX];
	bool fallback;
	int ret;

	/* Its own directory: the root store's probe and store mounts stay. */
	ret = run_path(run_dir, sizeof(run_dir), p->opts->run_dir, RUN_HOME_RW, NULL);
	if (ret == 0)
		ret = mkdir_p(run_dir, 0755);
	if (ret < 0)
		return ret;
	q.run_dir = o.run_dir = run_dir;
	/* That partition is mounted read-write already: search it there. */
	if (p->store_open && p->store.kind == STORE_FILE) {
		q.data_device = p->store.device;
		q.data_mount = p->store.data_mount;
	}
	o.data_mount = q.data_mount;
	log_info("casper: looking for a " HOME_RW_LABEL " store for /home (partition, or image "
		 "file in %s of a partition)", q.path);
	ret = store_find(&q, &stores);
	if (ret < 0) {
		log_err("cannot list block devices: %s", strerror(-ret));
		return ret;
	}
	ret = store_acquire(&stores, &o, &chosen, &opened, &fallback);
	if (ret == -ENOENT) {
		log_info("no " HOME_RW_LABEL " store: /home stays in the root overlay");
		return ret;
	}
	if (ret == 0 && (ret = bind_home(opened.mount, p->opts->root)) < 0) {
		log_err("cannot mount %s on %s/home: %s", chosen.source, p->opts->root,
			strerror(-ret));
		store_release(&stores, &chosen, &opened, o.data_mount);
	}
	if (ret < 0) {
		log_warn("%s is NOT used: /home stays in the root overlay (see %s/log)",
			 chosen.source, p->opts->run_dir);
		kvlist_put(&p->report, "VTOY_HOME_FALLBACK_REASON", strerror(-ret));
		return ret;
	}
	log_notice("/home is on %s", chosen.source);
	/* casper keeps home-rw whatever became of the root's store: the
	 * root's "changes will be lost" must not be read as covering /home. */
	if (strcmp(p->mode, "store") && strcmp(p->mode, "custom-mounts"))
		log_warn("changes under /home ARE kept on %s, although the rest of the root's are "
			 "not (persistence: %s)", chosen.source, p->mode);
	kvlist_put(&p->report, "VTOY_HOME_MOUNT", opened.mount);
	return 0;
}
