/* The root images a plan names, loop-mounted read-only. */
#ifndef VTOY_ROOT_IMAGES_H
#define VTOY_ROOT_IMAGES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "root_layout.h"

struct root_images {
	char mounts[ROOT_IMAGES_MAX + 1][PATH_MAX]; /* bottom first */
	bool in_stack[ROOT_IMAGES_MAX + 1]; /* false: only holds the image above it */
	size_t count;
};

/* Mounts plan's files, found beneath images_fd (the plan's directory on
 * the medium, or its copy in RAM), under RUN_DIR/rootfs/. A dracut
 * squashfs.img holding LiveOS/rootfs.img (or ext3fs.img) gets that image
 * mounted too, as the layer. Returns 0 or -errno, leaving nothing mounted
 * on failure. */
int root_images_mount(int images_fd, const struct root_plan *plan, const char *run_dir,
		      struct root_images *out);

/* Unmounts the first count mounts, top first. */
void root_images_umount(const struct root_images *images, size_t count);

/* The overlayfs lowerdir= value: top layer first, ':'-separated. */
int root_images_lowerdir(const struct root_images *images, char *buf, size_t len);

/* Layers in the stack. */
size_t root_images_layers(const struct root_images *images);

#endif
