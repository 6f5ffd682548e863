/* Ventoy's maps of a file's chunks on the disk, made a device-mapper linear
 * device (what Ventoy's own hook does with dmsetup). */
#ifndef VTOY_VENTOY_DM_H
#define VTOY_VENTOY_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ventoy_param.h"

/* Creates /dev/mapper/NAME over chunks (checked by ventoy_image_map_parse)
 * on the whole disk disk. Writes the node to node. Returns 0 or -errno. */
int ventoy_map_create(const char *name, dev_t disk, const struct ventoy_chunk *chunks, size_t n,
		      bool read_only, char *node, size_t len);

#endif
