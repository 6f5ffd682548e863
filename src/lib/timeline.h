/* The boot's timeline: when each step ended, in ms of uptime (CLOCK_BOOTTIME,
 * the clock of /proc/uptime), one "STEP=MS" line per step in
 * RUN_DIR/timeline, written in turn by /init (init, switch_root),
 * vtoy-iso-scan (drivers, medium) and vtoy-persist (store, fsck, overlay). */
#ifndef VTOY_TIMELINE_H
#define VTOY_TIMELINE_H

#include <stddef.h>

#include "kvlist.h"
#include "paths.h"


/* Where timeline_mark writes (RUN_DIR/timeline); NULL turns it off. */
void timeline_init(const char *run_dir);
/* Appends STEP=now; the first mark of a step in this process only. */
void timeline_mark(const char *step);

/* The steps in boot order. */
extern const char *const timeline_steps[];

/* One line from the marks in tl: each step's time after the one before it
 * ("drivers 0.16 s, medium +0.72 s, ..."), then where it started ("from
 * /init at 5.14 s of uptime"). Steps not marked are left out. Returns the
 * length written, 0 when tl has no marks. */
size_t timeline_format(const struct kvlist *tl, char *buf, size_t len);

#endif
