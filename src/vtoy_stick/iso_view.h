/* An ISO as the boot's rules see it, read on the host without mounting it
 * (the host may have no iso9660 driver, and need not be root): xorriso
 * lists its top three levels; a skeleton of that tree (empty files of the
 * right size, live-boot's *.module lists whole, each root image's first
 * 4 KiB) goes to vtoy-iso-scan's layout rules and image identity. */
#ifndef VTOY_STICK_ISO_VIEW_H
#define VTOY_STICK_ISO_VIEW_H

#include <stddef.h>

#define ISO_IDENTITY_MAX 1024

struct iso_view {
	int layout;                      /* enum root_layout, or -errno */
	char how[640];                   /* how the layout was told, or why not */
	char identity[ISO_IDENTITY_MAX]; /* as image_identity() gives it; "" when not known */
};

/* Reads the ISO file. Returns out->layout. */
int iso_view_read(const char *file, struct iso_view *out);

#endif
