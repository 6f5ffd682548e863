#include "root_images.h"

#include <ctype.h>
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
#include "log.h"
#include "loopdev.h"
#include "mnt.h"
#include "safepath.h"

static const char *const default_media_paths[] = { "casper", "live", NULL };

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && strcmp(name + n - s, suffix) == 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A directory name safe inside an overlayfs lowerdir list. */
static void mount_dir_name(char *out, size_t len, size_t index, const char *image)
{
	size_t n = (size_t)snprintf(out, len, "%02zu-", index);

	for (const char *c = image; *c && n + 1 < len; c++)
		out[n++] = isalnum((unsigned char)*c) || strchr("._-", *c) ? *c : '_';
	out[n] = '\0';
}

static int mount_image(int dir_fd, const char *name, const char *target, const char *label)
{
	char loop[64];
	struct blkdev probe;
	int fd, loop_fd, ret;

	fd = safepath_open(dir_fd, name, O_RDONLY);
	if (fd < 0)
		return fd;
	loop_fd = loopdev_attach_fd(fd, true, label, loop, sizeof(loop));
	close(fd);
	if (loop_fd < 0)
		return loop_fd;
	memset(&probe, 0, sizeof(probe));
	ret = blkdev_probe(loop, &probe);
	if (ret < 0) {
		log_err("%s: cannot be read: %s", name, strerror(-ret));
		close(loop_fd);
		return ret;
	}
	if (strcmp(probe.fstype, "squashfs") != 0 && strcmp(probe.fstype, "erofs") != 0) {
		log_err("%s: not a squashfs or erofs image (found '%s')", name, probe.fstype);
		close(loop_fd);
		return -EINVAL;
	}
	ret = mount_at(loop, target, probe.fstype, MS_RDONLY | MS_NODEV, NULL);
	close(loop_fd);
	if (ret == 0)
		log_info("root image %s (%s) on %s mounted at %s", name, probe.fstype, loop, target);
	return ret;
}

static int open_media_dir(int medium_fd, const char *media_path, struct root_images *out)
{
	if (media_path) {
		int fd = safepath_open(medium_fd, media_path, O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			log_err("live-media-path=%s: %s", media_path, strerror(-fd));
		snprintf(out->media_path, sizeof(out->media_path), "%s", media_path);
		return fd;
	}
	for (int i = 0; default_media_paths[i]; i++) {
		int fd = safepath_open(medium_fd, default_media_paths[i], O_RDONLY | O_DIRECTORY);

		if (fd >= 0) {
			snprintf(out->media_path, sizeof(out->media_path), "%s",
				 default_media_paths[i]);
			return fd;
		}
	}
	log_err("the medium has neither casper/ (Ubuntu) nor live/ (Debian); name the image "
		"directory with live-media-path=");
	return -ENOENT;
}

int root_images_mount(const char *medium_mount, const char *media_path, const char *run_dir,
		      struct root_images *out)
{
	int medium_fd, dir_fd, ret = 0;
	struct dirent *de;
	DIR *dir;

	memset(out, 0, sizeof(*out));
	medium_fd = open(medium_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (medium_fd < 0)
		return -errno;
	dir_fd = open_media_dir(medium_fd, media_path, out);
	close(medium_fd);
	if (dir_fd < 0)
		return dir_fd;
	dir = fdopendir(dir_fd);
	if (!dir) {
		close(dir_fd);
		return -errno;
	}
	while ((de = readdir(dir))) {
		if (!has_suffix(de->d_name, ".squashfs"))
			continue;
		if (out->count == ROOT_IMAGES_MAX) {
			log_warn("more than %d images in %s/; ignoring %s", ROOT_IMAGES_MAX,
				 out->media_path, de->d_name);
			continue;
		}
		snprintf(out->names[out->count++], sizeof(out->names[0]), "%s", de->d_name);
	}
	if (out->count == 0) {
		log_err("no *.squashfs image in %s/ of the medium", out->media_path);
		closedir(dir);
		return -ENOENT;
	}
	qsort(out->names, out->count, sizeof(out->names[0]), by_string);
	for (size_t i = 0; i < out->count && ret == 0; i++) {
		char dir_name[300], label[PATH_MAX + 300];

		mount_dir_name(dir_name, sizeof(dir_name), i, out->names[i]);
		snprintf(out->mounts[i], sizeof(out->mounts[0]), "%s/rootfs/%s", run_dir, dir_name);
		snprintf(label, sizeof(label), "%s/%s", out->media_path, out->names[i]);
		ret = mount_image(dirfd(dir), out->names[i], out->mounts[i], label);
		if (ret < 0) {
			log_err("cannot mount root image %s/%s: %s", out->media_path, out->names[i],
				strerror(-ret));
			root_images_umount(out, i);
		}
	}
	closedir(dir);
	return ret;
}

void root_images_umount(const struct root_images *images, size_t count)
{
	while (count-- > 0)
		if (umount2(images->mounts[count], MNT_DETACH) < 0)
			log_warn("cannot unmount %s: %s", images->mounts[count], strerror(errno));
}

int root_images_lowerdir(const struct root_images *images, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = images->count; i-- > 0;) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? ":" : "", images->mounts[i]);

		if (n < 0 || (size_t)n >= len - used)
			return -ENAMETOOLONG;
		used += n;
	}
	return 0;
}
