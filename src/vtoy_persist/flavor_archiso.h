/* Arch's archiso persistence: cow_label= or cow_device= names a partition,
 * cow_directory= (default persistent_<archisolabel>/<arch>) in it holds
 * upperdir/ and workdir/. */
#ifndef VTOY_FLAVOR_ARCHISO_H
#define VTOY_FLAVOR_ARCHISO_H

#include <limits.h>
#include <stdbool.h>

#include "flavor.h"
#include "kvlist.h"

/* True when the command line asks for archiso persistence. */
bool archiso_requested(const struct kvlist *cmdline);

/* cow_directory= without its leading '/', else persistent_<label>/<arch>,
 * label being archisolabel= or else iso_label (archiso finds its medium by
 * that label, so the two agree), arch being arch= or else machine (uname).
 * Returns 0, or -EINVAL (logged) for a directory with '.', '..' or control
 * characters, or when no label is known and cow_directory= is not given. */
int archiso_cow_directory(const struct kvlist *cmdline, const char *iso_label,
			  const char *machine, char *out, size_t len);

/* Finds the cow partition, checks it with e2fsck, mounts it and prepares
 * cow_directory/upperdir and workdir. Returns 0 or -errno, logged. */
int archiso_open(const struct flavor_ctx *ctx, struct flavor_store *out);

#endif
