/* Custom mounts without mounting anything: link entries and refusals. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "custom_mounts.h"
#include "fs_tree.h"
#include "unit.h"

static void rm_tree(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		tree_empty(fd, NULL);
		close(fd);
	}
	rmdir(dir);
}

static void mkfile(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int count_key(const struct kvlist *kv, const char *key)
{
	int n = 0;

	for (const struct kv *k = NULL; (k = kvlist_next(kv, key, k));)
		n++;
	return n;
}

static void links_and_refusals(void)
{
	static const char conf_text[] =
		"/etc/vtoy-link link\n"
		"/opt/new link,source=new-src\n"
		"/ bind,source=whole\n"
		"/srv/a:b union\n"
		"/blocked/x bind,source=b\n";
	char top[] = "/tmp/vtoy-unit-cm-XXXXXX", root[128], store[128], path[256], target[256];
	struct custom_mounts_ctx ctx;
	struct kvlist report = { 0 };
	struct pconf conf;
	struct stat st;
	ssize_t n;

	CHECK(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(store, sizeof(store), "%s/store", top);
	CHECK_INT(mkdir(root, 0755), 0);
	CHECK_INT(mkdir(store, 0755), 0);
	snprintf(path, sizeof(path), "%s/opt", root);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/opt/new", root);
	CHECK_INT(mkdir(path, 0750), 0);
	CHECK_INT(chmod(path, 0750), 0);
	snprintf(path, sizeof(path), "%s/blocked", root);
	mkfile(path, "a file where a directory is wanted\n");
	snprintf(path, sizeof(path), "%s/etc", store);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/vtoy-link", store);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/vtoy-link/settings", store);
	mkfile(path, "kept\n");

	CHECK_INT(pconf_parse(conf_text, sizeof(conf_text) - 1, "test.conf", &conf), 0);
	CHECK_INT(conf.count, 5);
	ctx = (struct custom_mounts_ctx){
		.store_mount = store,
		.conf_name = "test.conf",
		.root = root,
		.lowerdir = "/nonexistent",
		.run_dir = top,
	};
	CHECK_INT(custom_mounts_activate(&conf, &ctx, &report), 2);
	pconf_free(&conf);

	snprintf(path, sizeof(path), "%s/etc/vtoy-link/settings", root);
	n = readlink(path, target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n] = '\0';
	snprintf(path, sizeof(path), "%s/etc/vtoy-link/settings", store);
	CHECK_STR(target, path);
	/* a missing link source is created with DIR's mode */
	snprintf(path, sizeof(path), "%s/new-src", store);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0750);
	CHECK_INT(count_key(&report, "VTOY_CUSTOM_MOUNT"), 2);
	CHECK_INT(count_key(&report, "VTOY_CUSTOM_MOUNT_REFUSED"), 3);
	CHECK_STR(report.items[0].value, "/: only '/ union' may cover the whole root");
	/* nothing was deleted to make way */
	snprintf(path, sizeof(path), "%s/blocked", root);
	CHECK_INT(stat(path, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	kvlist_free(&report);
	rm_tree(top);
}

/* A FIFO or a device node where a directory is expected, as source or as
 * destination, is refused and left alone: nothing is opened for reading,
 * nothing is mounted. */
static void fifos_and_devices_refused(void)
{
	static const char conf_text[] = "/srv/f bind,source=fifo-src\n"
					"/srv/d union,source=dev-src\n"
					"/srv/l link,source=fifo-link\n"
					"/srv/pipe bind,source=ok\n";
	char top[] = "/tmp/vtoy-unit-cm-XXXXXX", root[128], store[128], path[256];
	struct custom_mounts_ctx ctx;
	struct kvlist report = { 0 };
	struct pconf conf;
	struct stat st;
	bool have_dev;

	CHECK(mkdtemp(top));
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(store, sizeof(store), "%s/store", top);
	CHECK_INT(mkdir(root, 0755), 0);
	CHECK_INT(mkdir(store, 0755), 0);
	snprintf(path, sizeof(path), "%s/srv", root);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/srv/pipe", root);
	CHECK_INT(mkfifo(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/ok", store);
	CHECK_INT(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/fifo-src", store);
	CHECK_INT(mkfifo(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/fifo-link", store);
	CHECK_INT(mkfifo(path, 0644), 0);
	/* A device node needs root; without it, a FIFO stands in. */
	snprintf(path, sizeof(path), "%s/dev-src", store);
	have_dev = mknod(path, S_IFCHR | 0600, makedev(1, 3)) == 0;
	if (!have_dev)
		CHECK_INT(mkfifo(path, 0644), 0);

	CHECK_INT(pconf_parse(conf_text, sizeof(conf_text) - 1, "test.conf", &conf), 0);
	CHECK_INT(conf.count, 4);
	ctx = (struct custom_mounts_ctx){
		.store_mount = store,
		.conf_name = "test.conf",
		.root = root,
		.lowerdir = "/nonexistent",
		.run_dir = top,
	};
	CHECK_INT(custom_mounts_activate(&conf, &ctx, &report), 0);
	pconf_free(&conf);
	CHECK_INT(count_key(&report, "VTOY_CUSTOM_MOUNT"), 0);
	CHECK_INT(count_key(&report, "VTOY_CUSTOM_MOUNT_REFUSED"), 4);
	/* all left as they were */
	snprintf(path, sizeof(path), "%s/srv/pipe", root);
	CHECK_INT(lstat(path, &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	snprintf(path, sizeof(path), "%s/dev-src", store);
	CHECK_INT(lstat(path, &st), 0);
	CHECK(have_dev ? S_ISCHR(st.st_mode) : S_ISFIFO(st.st_mode));
	snprintf(path, sizeof(path), "%s/srv/f", root);
	CHECK(lstat(path, &st) < 0 || S_ISDIR(st.st_mode));
	kvlist_free(&report);
	rm_tree(top);
}

const struct unit_test custom_mounts_tests[] = {
	UNIT_TEST(links_and_refusals),
	UNIT_TEST(fifos_and_devices_refused),
	{ NULL, NULL },
};
