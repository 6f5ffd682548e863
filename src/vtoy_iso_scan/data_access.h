/* The partition holding the ISO, made writable for the live system when
 * asked: vtoy.data=rw on the command line, or Ventoy's VTOY_LINUX_REMOUNT
 * (os_param reserved byte 5, set by ventoy.json's control plugin). */
#ifndef VTOY_DATA_ACCESS_H
#define VTOY_DATA_ACCESS_H

#include <stdbool.h>

#include "kvlist.h"
#include "medium_locate.h"

/* What asks for a writable data partition ("vtoy.data=rw", "Ventoy's
 * VTOY_LINUX_REMOUNT"), or NULL. */
const char *data_rw_asked(const struct kvlist *cmdline, bool ventoy_remount);

/* Makes loc's data partition, mounted read-only at loc->data_mount with
 * loc->iso_fd open on iso_path beneath it, read-write. exFAT, FAT and
 * NTFS are remounted in place. A journaled filesystem (ext3/4, xfs,
 * btrfs) was mounted without journal replay, and a remount would write
 * over an unreplayed journal (mnt.h): the ISO is closed, the partition
 * mounted again read-write (the journal replayed: it is the user's own
 * stick) and the ISO opened again. On failure it stays read-only, said
 * why. Returns 0 or -errno; loc->iso_fd is valid either way, or -1 with
 * -errno when the ISO could not be opened again. */
int data_make_writable(struct medium_location *loc, const char *iso_path, const char *why);

#endif
