/* vtoy-iso-scan as a library call: finds and mounts the live medium and
 * returns the step that failed, as klibc's run-init does. */
#ifndef VTOY_ISO_SCAN_H
#define VTOY_ISO_SCAN_H

enum iso_scan_step {
	ISO_SCAN_OK,
	ISO_SCAN_CMDLINE,
	ISO_SCAN_LOCATE,
	ISO_SCAN_LOOP,
	ISO_SCAN_MOUNT_MEDIUM,
	ISO_SCAN_ROOT_IMAGES,
	ISO_SCAN_REPORT,
};

struct iso_scan_opts {
	const char *run_dir;
	const char *cmdline_path;
	const char *ventoy_dir; /* where Ventoy's hand-over files are: /ventoy */
};

const char *iso_scan_step_name(enum iso_scan_step step);
/* On failure *err holds the -errno of the failing step. */
enum iso_scan_step iso_scan_run(const struct iso_scan_opts *opts, int *err);

#endif
