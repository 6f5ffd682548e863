#include "stick_disk.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mountinfo.h"

int stick_disk_read(const char *root, struct stick_disk *out)
{
	char real[PATH_MAX];
	struct mount_entry e;
	struct stat st;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!realpath(root, real))
		return -errno;
	ret = mountinfo_find(NULL, real, &e);
	if (ret < 0)
		return ret == -ENOENT ? 0 : ret;
	/* exFAT through FUSE names its device as the source, as the kernel's do. */
	if (stat(e.source, &st) < 0 || !S_ISBLK(st.st_mode))
		return 0;
	return stick_disk_parts("/sys", "/dev", st.st_rdev, out);
}

int stick_disk_parts(const char *sys_root, const char *dev_root, dev_t devno,
		     struct stick_disk *out)
{
	char sys[PATH_MAX], link[PATH_MAX], own[256], part[PATH_MAX + 300];
	struct dirent *d;
	DIR *dir;

	memset(out, 0, sizeof(*out));
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sys_root, major(devno), minor(devno));
	if (!realpath(link, sys))
		return -errno;
	snprintf(own, sizeof(own), "%s", strrchr(sys, '/') + 1);
	snprintf(part, sizeof(part), "%s/partition", sys);
	if (access(part, F_OK) < 0)
		return 0; /* a whole disk */
	*strrchr(sys, '/') = 0;
	snprintf(out->disk, sizeof(out->disk), "%s", strrchr(sys, '/') + 1);
	if (!(dir = opendir(sys)))
		return -errno;
	while ((d = readdir(dir)) && out->count < STICK_PARTS_MAX) {
		char node[BLKDEV_PATH_MAX];

		if (strncmp(d->d_name, out->disk, strlen(out->disk)) || !strcmp(d->d_name, own))
			continue;
		snprintf(part, sizeof(part), "%s/%s/partition", sys, d->d_name);
		if (access(part, F_OK) < 0)
			continue;
		if ((size_t)snprintf(node, sizeof(node), "%s/%s", dev_root, d->d_name) >= sizeof(node))
			continue;
		if (blkdev_probe(node, &out->parts[out->count]) == 0) {
			struct blkdev *p = &out->parts[out->count++];

			snprintf(p->name, sizeof(p->name), "%s", d->d_name);
			memcpy(p->node, node, sizeof(node));
		}
	}
	closedir(dir);
	return 0;
}
