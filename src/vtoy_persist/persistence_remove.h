/* live-boot's persistence-remove: start again from an empty store. */
#ifndef VTOY_PERSISTENCE_REMOVE_H
#define VTOY_PERSISTENCE_REMOVE_H

#include <stdbool.h>

#include "kvlist.h"

/* True when the command line asks for it as live-boot reads it:
 * "persistence-remove" or "live-boot.persistence-remove", bare or "=true";
 * the last of them decides, any other value means no. */
bool persistence_remove_requested(const struct kvlist *cmdline);

/* Removes everything at the root of the mounted store except
 * persistence.conf (and lost+found, which e2fsck wants), without following
 * symlinks or leaving the store. Returns the number of entries removed or
 * -errno; logged. */
int persistence_remove(const char *store_mount, const char *store_name);

#endif
