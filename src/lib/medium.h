/* The medium report: what vtoy-iso-scan found and mounted, for
 * vtoy-persist and for the running system. Its serialised form is
 * RUN_DIR/medium.env, KEY=value lines (keys in medium.c and in
 * vtoy-iso-scan(8)); this file alone writes and reads it. */
#ifndef VTOY_MEDIUM_H
#define VTOY_MEDIUM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "blkdev.h"
#include "ventoy_param.h"

/* The device the medium was found on: the data partition holding the ISO
 * file, or the medium's own device (a CD, a dd'd ISO, a live partition). */
struct medium_device {
	char node[BLKDEV_PATH_MAX]; /* /dev/sda1, as the kernel named it this boot */
	char disk[BLKDEV_PATH_MAX]; /* /dev/sda */
	char fstype[32];
	char label[128];
	char uuid[64];
	bool whole_disk;            /* a disk, not a partition */
};

/* What Ventoy handed over, as far as vtoy-persist needs it. */
struct medium_ventoy {
	bool present;               /* the medium came from Ventoy's hand-over */
	char origin[64];            /* "/ventoy/ventoy_os_param", "EFI variable VentoyOsParam"... */
	/* Ventoy's cpio was there: its persistence menu ran, so a missing
	 * persistent map means "no persistence" was chosen. */
	bool menu;
	struct ventoy_chunk *persistent_map; /* the file picked in the menu; NULL when none */
	size_t persistent_map_count;
};

struct medium {
	char source[32];            /* the option that named it ("fromiso"...), "ventoy", "(scan)" */
	char source_value[512];
	char iso_path[PATH_MAX];    /* the ISO file on the data partition; "" when the device is the medium */
	struct medium_device device;
	char data_mount[PATH_MAX];  /* the data partition, mounted read-only; "" when not (toram, dm) */
	char data_last_shutdown[16]; /* its last unmount: "clean", "unclean"; "" unknown (not exFAT) */
	char iso_device[PATH_MAX];  /* the ISO's loop or device-mapper device; "" after toram */
	char iso_label[128];        /* the medium's own filesystem: the ISO's, or the */
	char iso_uuid[64];          /* device's when it is the medium */
	char medium_mount[PATH_MAX]; /* "" after toram */
	char anchor[PATH_MAX];      /* LIVEBOOT_MEDIUM when bound there, else "" */
	char layout[16];            /* casper, live-boot, dracut, archiso */
	char media_path[256];       /* the image directory in the medium */
	bool toram;
	unsigned layers;
	char lowerdir[4096];        /* the root images, top first, ':'-separated */
	char root_images[2048];     /* each image's name, size and build time, top first */
	struct medium_ventoy ventoy;
};

/* Writes the report atomically (temporary file + rename). 0 or -errno. */
int medium_write(const struct medium *m, const char *path);

/* Reads a report. Returns 0; -ENOENT when there is none; -EINVAL (logged)
 * when it names no root image or a value is malformed. Free with
 * medium_free(), also after a failure. */
int medium_read(const char *path, struct medium *m);
void medium_free(struct medium *m);

#endif
