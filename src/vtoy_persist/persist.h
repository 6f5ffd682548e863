/* vtoy-persist as a library call: builds the root overlay, persistent when
 * asked and possible, and returns the step that failed. Store trouble never
 * fails it: it degrades to a temporary overlay with a warning. */
#ifndef VTOY_PERSIST_H
#define VTOY_PERSIST_H

#include <stdbool.h>
#include <stdio.h>

enum persist_step {
	PERSIST_OK,
	PERSIST_CMDLINE,
	PERSIST_MEDIUM,
	PERSIST_OVERLAY,
	PERSIST_REPORT,
};

struct persist_opts {
	const char *run_dir;
	const char *root;         /* where the root overlay is mounted */
	const char *cmdline_path;
	const char *e2fsck;
};

const char *persist_step_name(enum persist_step step);
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
