#include "home_rw.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fs_tree.h"
#include "log.h"
#include "mnt.h"
#include "store_find.h"
#include "store_open.h"

#define HOME_RW_LABEL "home-rw"

static void report_add(struct kvlist *report, const char *key, const char *value)
{
	if (kvlist_add(report, key, strlen(key), value, strlen(value)) < 0)
		log_warn("out of memory for the report");
}

/* The store's mount bound onto ROOT/home, resolved inside the root. */
static int bind_home(const char *store_mount, const char *root)
{
	char target[64];
	int root_fd, home_fd, ret = 0;

	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return -errno;
	home_fd = tree_mkdirs(root_fd, "home", true, NULL, NULL);
	close(root_fd);
	if (home_fd < 0)
		return home_fd;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", home_fd);
	if (mount(store_mount, target, NULL, MS_BIND, NULL) < 0)
		ret = -errno;
	close(home_fd);
	return ret;
}

int home_rw_mount(const struct home_rw_opts *o, struct kvlist *report)
{
	static struct store_list stores;
	struct store_query q = {
		.labels = { HOME_RW_LABEL },
		.label_count = 1,
		.path = o->path,
		.medium_disk = o->medium_disk,
		.host_device = o->host_device,
		.host_mount = o->host_mount,
		.run_dir = NULL,
		.media = STORE_MEDIA_ANY,
	};
	struct opened_store opened;
	const struct store *s;
	char run_dir[PATH_MAX];
	int chosen, ret;

	/* Its own directory: the root store's probe and store mounts stay. */
	if ((size_t)snprintf(run_dir, sizeof(run_dir), "%s/home-rw", o->run_dir) >= sizeof(run_dir))
		return -ENAMETOOLONG;
	q.run_dir = run_dir;
	ret = mkdir_p(run_dir, 0755);
	if (ret < 0)
		return ret;
	log_info("casper: looking for a " HOME_RW_LABEL " store for /home (partition, or image "
		 "file in %s of a partition)", o->path);
	ret = store_find(&q, &stores);
	if (ret < 0) {
		log_err("cannot list block devices: %s", strerror(-ret));
		return ret;
	}
	chosen = store_choose(&stores);
	store_release_others(&stores, chosen, q.host_mount);
	if (chosen < 0) {
		log_info("no " HOME_RW_LABEL " store: /home stays in the root overlay");
		return -ENOENT;
	}
	s = &stores.items[chosen];
	log_notice("using %s (%s, label %s) for /home", s->source, s->fstype, s->label);
	report_add(report, "VTOY_HOME_SOURCE", s->source);
	report_add(report, "VTOY_HOME_KIND", store_kind_name(s));
	report_add(report, "VTOY_HOME_LABEL", s->label);
	report_add(report, "VTOY_HOME_UUID", s->uuid);
	ret = store_open(s, run_dir, o->e2fsck, false, &opened);
	report_add(report, "VTOY_HOME_FSCK", fsck_result_name(opened.fsck));
	if (ret < 0) {
		store_release_others(&stores, -1, q.host_mount);
		log_warn("%s is NOT used: /home stays in the root overlay (see %s/log)", s->source,
			 o->run_dir);
		report_add(report, "VTOY_HOME_FALLBACK_REASON", strerror(-ret));
		return ret;
	}
	ret = bind_home(opened.mount, o->root);
	if (ret < 0) {
		log_err("cannot mount %s on %s/home: %s", s->source, o->root, strerror(-ret));
		store_close(s, &opened);
		store_release_others(&stores, -1, q.host_mount);
		report_add(report, "VTOY_HOME_FALLBACK_REASON", strerror(-ret));
		return ret;
	}
	log_notice("/home is on %s", s->source);
	report_add(report, "VTOY_HOME_MOUNT", opened.mount);
	return 0;
}
