/* Which root images of a live medium to stack, and in which order, per the
 * layout the medium follows (casper, live-boot, dracut, archiso). Only
 * looks: nothing is mounted here. */
#ifndef VTOY_ROOT_LAYOUT_H
#define VTOY_ROOT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define ROOT_IMAGES_MAX 32
#define ROOT_NAME_MAX 256

enum root_layout {
	ROOT_LAYOUT_CASPER,   /* casper/: *.squashfs, or the layerfs-path= chain */
	ROOT_LAYOUT_LIVE,     /* live/: NAME.module, else *.squashfs */
	ROOT_LAYOUT_DRACUT,   /* LiveOS/squashfs.img, maybe holding LiveOS/rootfs.img */
	ROOT_LAYOUT_ARCHISO,  /* arch/x86_64/airootfs.sfs or .erofs */
};

struct root_layout_opts {
	const char *media_path;   /* live-media-path=, rd.live.dir=, archisobasedir=; NULL: look */
	const char *squashimg;    /* rd.live.squashimg=; NULL: squashfs.img */
	const char *layerfs_path; /* layerfs-path= (casper) */
	const char *module;       /* module= (live-boot) */
};

struct root_plan {
	enum root_layout layout;
	char dir[ROOT_NAME_MAX];                  /* image directory in the medium */
	char files[ROOT_IMAGES_MAX][ROOT_NAME_MAX]; /* relative to dir, bottom first */
	size_t count;
	char how[ROOT_NAME_MAX + 64];             /* how the list was chosen, for the log */
};

const char *root_layout_name(enum root_layout layout);

/* Fills plan from the medium's root directory. Returns 0, -ENOENT when the
 * medium holds no known layout or a named image is missing (logged, unless
 * quiet: a scan asks many devices), or another -errno. */
int root_layout_plan(int medium_fd, const struct root_layout_opts *opts, bool quiet,
		     struct root_plan *plan);

#endif
