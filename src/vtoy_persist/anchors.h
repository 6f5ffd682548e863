/* Where tools inside the live system expect the medium. */
#ifndef VTOY_ANCHORS_H
#define VTOY_ANCHORS_H

#include "convention.h"

/* casper's /cdrom: the medium bound at ROOT/cdrom when booted with
 * boot=casper or from a casper layout (Ubuntu's installer reads the ISO
 * there). Logs and returns 0 or -errno; a failure costs nothing else. */
int anchor_cdrom(const struct persist *p);

#endif
