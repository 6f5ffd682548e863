/* Ventoy's persistence: the .dat backend the user picked in Ventoy's menu
 * (Ventoy then hands over /ventoy/ventoy_persistent_map), or the one the
 * stick's /ventoy/ventoy.json persistence plugin selects for this ISO. */
#ifndef VTOY_VENTOY_STORE_H
#define VTOY_VENTOY_STORE_H

#include <stdbool.h>

#include "store_find.h"

#define VENTOY_PERSIST_DM_NAME "vtoy_persistent"

struct ventoy_store_query {
	const char *ventoy_dir;  /* where Ventoy's hand-over files are: /ventoy */
	const char *iso_path;    /* the ISO Ventoy booted, from the data partition's root */
	const char *data_mount;  /* the data partition, mounted read-only; NULL when not */
	const char *data_device; /* /dev/sda1 */
	const char *data_fstype;
	const char *disk;        /* /dev/sda */
	bool read_only;          /* the store will not be written to */
};

/* 1 with s filled (a file on the data partition, looped by its path; or,
 * when that partition is not mounted, a read-write device-mapper linear
 * device over Ventoy's persistent map), 0 when Ventoy names no store,
 * -ENODATA when Ventoy's configuration names backends for this ISO but
 * chooses none, or another -errno when the named store cannot be used. All
 * logged. *from_menu says the user picked it in Ventoy's menu, which turns
 * persistence on without a command-line option. */
int ventoy_store_find(const struct ventoy_store_query *q, struct store *s, bool *from_menu);

/* Removes the device-mapper device ventoy_store_find made for s, if any:
 * for a store that ended up unused. */
void ventoy_store_release(const struct store *s);

#endif
