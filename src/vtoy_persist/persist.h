/* vtoy-persist as a library call: builds the root overlay, persistent when
 * asked and possible, and returns the step that failed. Store trouble never
 * fails it: it degrades to a temporary overlay with a warning. */
#ifndef VTOY_PERSIST_H
#define VTOY_PERSIST_H

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

/* Prints the report kept in run_dir (the status command). */
int persist_status(const char *run_dir, int show_log);

#endif
