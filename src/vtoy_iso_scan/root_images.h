/* Root filesystem images inside the live medium, loop-mounted read-only. */
#ifndef VTOY_ROOT_IMAGES_H
#define VTOY_ROOT_IMAGES_H

#include <limits.h>
#include <stddef.h>

#define ROOT_IMAGES_MAX 32

struct root_images {
	char media_path[PATH_MAX]; /* casper, live, or live-media-path= */
	char names[ROOT_IMAGES_MAX][256];
	char mounts[ROOT_IMAGES_MAX][PATH_MAX]; /* bottom first */
	size_t count;
};

/* Looks in media_path (or casper/, then live/) of the mounted medium and
 * mounts every *.squashfs there, alphabetically, the last one on top.
 * Returns 0 or -errno (-ENOENT: no image directory or no image in it). */
int root_images_mount(const char *medium_mount, const char *media_path, const char *run_dir,
		      struct root_images *out);

/* Unmounts the first count mounted images, top first. */
void root_images_umount(const struct root_images *images, size_t count);

/* The overlayfs lowerdir= value: top layer first, ':'-separated. */
int root_images_lowerdir(const struct root_images *images, char *buf, size_t len);

#endif
