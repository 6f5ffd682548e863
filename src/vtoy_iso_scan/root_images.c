#include "root_images.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "blkdev.h"
#include "log.h"
#include "paths.h"
#include "loopdev.h"
#include "mnt.h"
#include "safepath.h"

/* dracut's nested root filesystem, inside its squashfs.img. */
static const char *const nested_images[] = { "LiveOS/rootfs.img", "LiveOS/ext3fs.img", NULL };

/* A directory name safe inside an overlayfs lowerdir list. */
static void mount_dir_name(char *out, size_t len, size_t index, const char *image)
{
	size_t n = (size_t)snprintf(out, len, "%02zu-", index);

	for (const char *c = image; *c && n + 1 < len; c++)
		out[n++] = isalnum((unsigned char)*c) || strchr("._-", *c) ? *c : '_';
	out[n] = '\0';
}

static bool acceptable(const char *fstype, bool nested)
{
	if (!strcmp(fstype, "squashfs") || !strcmp(fstype, "erofs"))
		return true;
	return nested && (!strcmp(fstype, "ext4") || !strcmp(fstype, "ext3") ||
			  !strcmp(fstype, "ext2") || !strcmp(fstype, "xfs"));
}

static int mount_image(int dir_fd, const char *name, bool nested, const char *target,
		       const char *label)
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
	ret = blkdev_probe_search(loop, &probe);
	if (ret < 0) {
		log_err("%s: cannot be read: %s", label, strerror(-ret));
		close(loop_fd);
		return ret;
	}
	if (!acceptable(probe.fstype, nested)) {
		log_err("%s: not a squashfs or erofs image (found '%s')", label,
			probe.fstype[0] ? probe.fstype : "nothing");
		close(loop_fd);
		return -EINVAL;
	}
	if (nested)
		ret = mount_probe_ro(loop, target, probe.fstype); /* never replays a journal */
	else
		ret = mount_at(loop, target, probe.fstype, MS_RDONLY | MS_NODEV, NULL);
	close(loop_fd);
	if (ret == 0)
		log_info("root image %s (%s) on %s mounted at %s", label, probe.fstype, loop, target);
	return ret;
}

static int push(const struct root_plan *plan, const char *run_dir, int dir_fd, const char *name,
		bool nested, struct root_images *out)
{
	char dir_name[300], label[2 * ROOT_NAME_MAX + 2];
	size_t i = out->count;
	int ret;

	mount_dir_name(dir_name, sizeof(dir_name), i, name);
	run_path(out->mounts[i], sizeof(out->mounts[0]), run_dir, RUN_ROOTFS, dir_name);
	snprintf(label, sizeof(label), "%s/%s", plan->dir, name);
	ret = mount_image(dir_fd, name, nested, out->mounts[i], label);
	if (ret < 0) {
		log_err("cannot mount root image %s: %s", label, strerror(-ret));
		return ret;
	}
	out->in_stack[i] = true;
	out->count++;
	return 0;
}

/* If the image just mounted holds dracut's nested root image, mount that
 * as the layer instead. */
static int mount_nested(const struct root_plan *plan, const char *run_dir,
			struct root_images *out)
{
	size_t holder = out->count - 1;
	int fd, ret = 0;

	fd = open(out->mounts[holder], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (int i = 0; nested_images[i]; i++) {
		int img = safepath_open(fd, nested_images[i], O_RDONLY);

		if (img < 0)
			continue;
		close(img);
		log_info("%s/%s holds %s: that is the root filesystem", plan->dir,
			 plan->files[plan->count - 1], nested_images[i]);
		ret = push(plan, run_dir, fd, nested_images[i], true, out);
		if (ret == 0)
			out->in_stack[holder] = false;
		break;
	}
	close(fd);
	return ret;
}

int root_images_mount(int images_fd, const struct root_plan *plan, const char *run_dir,
		      struct root_images *out)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < plan->count && ret == 0; i++)
		ret = push(plan, run_dir, images_fd, plan->files[i], false, out);
	if (ret == 0 && plan->layout == ROOT_LAYOUT_DRACUT)
		ret = mount_nested(plan, run_dir, out);
	if (ret < 0) {
		root_images_umount(out, out->count);
		out->count = 0;
	}
	return ret;
}

void root_images_umount(const struct root_images *images, size_t count)
{
	while (count-- > 0)
		if (umount2(images->mounts[count], MNT_DETACH) < 0)
			log_warn("cannot unmount %s: %s", images->mounts[count], strerror(errno));
}

size_t root_images_layers(const struct root_images *images)
{
	size_t n = 0;

	for (size_t i = 0; i < images->count; i++)
		n += images->in_stack[i];
	return n;
}

int root_images_lowerdir(const struct root_images *images, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = images->count; i-- > 0;) {
		int n;

		if (!images->in_stack[i])
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ":" : "", images->mounts[i]);
		if (n < 0 || (size_t)n >= len - used)
			return -ENAMETOOLONG;
		used += n;
	}
	return 0;
}
