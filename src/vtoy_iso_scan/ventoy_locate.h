/* Following Ventoy's hand-over to the ISO it booted. */
#ifndef VTOY_VENTOY_LOCATE_H
#define VTOY_VENTOY_LOCATE_H

#include <stddef.h>

#include "medium_locate.h"
#include "ventoy_handover.h"

#define VENTOY_DM_NAME "ventoy"

/* Waits (up to timeout_ms, on uevents) for the disk the structure names,
 * then mounts its partition read-only at RUN_DIR/data and opens the image
 * there (loc->iso_fd). When that partition cannot be mounted (no driver for
 * its filesystem, say), maps the image read-only through a device-mapper
 * linear device built from the image map and writes its node to block_dev
 * instead. When Ventoy's own hook already made /dev/mapper/ventoy, that is
 * used. Returns 0 or -errno, every step logged. */
int ventoy_locate(const struct ventoy_handover *h, const char *run_dir, long timeout_ms,
		  struct medium_location *loc, char *block_dev, size_t len);

/* Removes the device-mapper device when ventoy_locate made it. */
void ventoy_locate_undo(const char *block_dev);

#endif
