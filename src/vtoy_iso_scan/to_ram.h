/* toram / copytoram / rd.live.ram: the root images copied into RAM so that
 * the stick can go. */
#ifndef VTOY_TO_RAM_H
#define VTOY_TO_RAM_H

#include "root_layout.h"

/* Copies plan's files from dir_fd (the plan's directory on the medium) into
 * a tmpfs at RUN_DIR/ram, after checking that they fit in available memory
 * with room to spare. Prints progress for large images. Returns an
 * O_DIRECTORY fd on the copy, or -errno: -ENOMEM when they do not fit
 * (logged; the caller goes on from the medium). */
int to_ram_copy(int dir_fd, const struct root_plan *plan, const char *run_dir);

#endif
