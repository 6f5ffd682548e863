/* vtoy-stick resize: grows a store file in place, as Ventoy's
 * ExtendPersistentImg.sh does, but checked first and undone on failure. */
#ifndef VTOY_STICK_RESIZE_H
#define VTOY_STICK_RESIZE_H

#include <stdbool.h>

enum resize_step {
	RESIZE_STEP_CHECK,  /* a store file, not in use, clean, growing, room for it */
	RESIZE_STEP_EXTEND, /* the new blocks written */
	RESIZE_STEP_GROW,   /* resize2fs, or xfs_growfs through a loop mount */
	RESIZE_STEP_DONE,
};

/* Grows the store at file to size bytes. Returns RESIZE_STEP_DONE or the
 * step that failed (said on stderr); a failed step after CHECK truncates
 * the file back to its old size. */
enum resize_step stick_resize(const char *file, unsigned long long size, bool progress);

/* The command line of vtoy-stick resize (argv[0] is "resize"). */
int stick_resize_main(int argc, char **argv);

#endif
