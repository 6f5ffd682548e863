/* vtoy-persist as a library call: builds the root overlay, persistent when
 * asked and possible, and returns the step that failed, as klibc's run-init
 * does. Store trouble never fails it: the find, open and prepare steps fall
 * back to a temporary overlay with a warning, and the report says which step
 * and why. */
#ifndef VTOY_PERSIST_H
#define VTOY_PERSIST_H

#include <stdbool.h>
#include <stdio.h>

enum persist_step {
	PERSIST_OK,
	PERSIST_CMDLINE,  /* reading the kernel command line */
	PERSIST_MEDIUM,   /* reading the medium report of vtoy-iso-scan */
	PERSIST_REQUEST,  /* one request, from the command line and Ventoy (request.c) */
	PERSIST_FIND,     /* the store, per the convention (conv_*.c, store_find.c) */
	PERSIST_OPEN,     /* choose, e2fsck, mount (store_acquire.c, store_open.c) */
	PERSIST_PREPARE,  /* upper and work in the store (conv_*.c, store_dirs.c) */
	PERSIST_OVERLAY,  /* the root overlay (overlay.c) */
	PERSIST_EXTRAS,   /* custom mounts, home-rw, /cdrom, the image record */
	PERSIST_REPORT,   /* persist.env */
};

struct persist_opts {
	const char *run_dir;
	const char *root;         /* where the root overlay is mounted */
	const char *cmdline_path;
	const char *e2fsck;
	const char *shutdown_dir; /* where the way out goes (/run/initramfs); NULL: nowhere */
};

const char *persist_step_name(enum persist_step step);
/* On failure *err holds the failing step's -errno. */
enum persist_step persist_run(const struct persist_opts *opts, int *err);

struct status_opts {
	const char *run_dir;
	const char *mountinfo; /* NULL: /proc/self/mountinfo (tests give a file) */
	bool json;             /* one JSON document instead of text */
	bool show_log;         /* text: the whole log, not only the decisions */
	FILE *out;             /* NULL: stdout */
};

/* The status command: the reports kept in run_dir, checked against what
 * is mounted now. Returns the exit status: 0, or 1 when there is no report. */
int persist_status(const struct status_opts *opts);

#endif
