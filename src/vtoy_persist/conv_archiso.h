/* Arch's archiso persistence options, for conv_archiso.c and its tests. */
#ifndef VTOY_CONV_ARCHISO_H
#define VTOY_CONV_ARCHISO_H

#include <stddef.h>

#include "kvlist.h"

/* cow_directory= without its leading '/', else persistent_<label>/<arch>,
 * label being archisolabel= or else iso_label (archiso finds its medium by
 * that label, so the two agree), arch being arch= or else machine (uname).
 * Returns 0, or -EINVAL (logged) for a directory with '.', '..' or control
 * characters, or when no label is known and cow_directory= is not given. */
int archiso_cow_directory(const struct kvlist *cmdline, const char *iso_label,
			  const char *machine, char *out, size_t len);

#endif
