/* Ventoy's persistence: the .dat backend the user picked in Ventoy's menu
 * (Ventoy then hands over /ventoy/ventoy_persistent_map), or the one the
 * stick's /ventoy/ventoy.json persistence plugin selects for this ISO. */
#ifndef VTOY_VENTOY_STORE_H
#define VTOY_VENTOY_STORE_H

#include <stdbool.h>

#include "store_find.h"
#include "ventoy_handover.h"

#define VENTOY_PERSIST_DM_NAME "vtoy_persistent"

struct ventoy_store_query {
	const char *ventoy_dir;  /* where Ventoy's hand-over files are: /ventoy */
	/* Where else the structure is looked for; NULL: the defaults. */
	const struct ventoy_sources *sources;
	const char *iso_path;    /* the ISO Ventoy booted, from the data partition's root */
	const char *data_mount;  /* the data partition, mounted read-only; NULL when not */
	const char *data_device; /* /dev/sda1 */
	const char *data_fstype;
	const char *disk;        /* /dev/sda */
	bool read_only;          /* the store will not be written to */
};

/* What Ventoy decided about persistence (ventoy_store_find). */
enum ventoy_store_answer {
	VENTOY_STORE_NONE,     /* Ventoy names no store: the command line decides */
	VENTOY_STORE_FOUND,    /* s is filled */
	VENTOY_STORE_DECLINED, /* Ventoy's menu offered stores and none was chosen */
};

/* Ventoy's choice of store for the ISO it booted:
 * - the file picked in Ventoy's menu (the hand-over has a persistent map):
 *   Ventoy's own /dev/mapper/vtoy_persistent when its hook made it (udev in
 *   an initramfs-tools or dracut image); else the file on the data
 *   partition, looped by its path (identified through ventoy.json: same
 *   size, same first bytes); else, that partition not being mounted, a
 *   read-write device-mapper device of ours over the map;
 * - none, when Ventoy's cpio came without a persistent map although
 *   ventoy.json offers stores for this ISO: the menu's "Boot without
 *   persistence" (or autosel 0) was chosen, and that is final
 *   (VENTOY_STORE_DECLINED);
 * - the ventoy.json plugin's autosel choice, when the hand-over came from
 *   the firmware (no cpio, so no menu ran).
 * Returns an answer, or -errno when the store Ventoy names cannot be used
 * (-ENODATA: the plugin names stores but chooses none). All logged.
 * *from_menu says the user picked it in Ventoy's menu, which turns
 * persistence on without a command-line option. */
int ventoy_store_find(const struct ventoy_store_query *q, struct store *s, bool *from_menu);

/* Removes the device-mapper device ventoy_store_find made for s, if any
 * (never Ventoy's own): for a store that ended up unused. */
void ventoy_store_release(const struct store *s);

#endif
