/* The programs of the vtoy multi-call binary: each takes its command line
 * as main() would and returns its exit status. */
#ifndef VTOY_PROGRAMS_H
#define VTOY_PROGRAMS_H

int iso_scan_main(int argc, char **argv); /* vtoy_iso_scan/iso_scan_cli.c */
int persist_main(int argc, char **argv);  /* vtoy_persist/persist_cli.c */
int status_main(int argc, char **argv);   /* vtoy_persist/status_cli.c */
int shutdown_main(int argc, char **argv); /* vtoy_persist/shutdown_cli.c */

/* vtoy-iso-scan's work as its main does it after its options (logs as
 * vtoy-iso-scan), in the calling process: vtoy-persist --find-medium.
 * Returns its exit status (0, or 1 when the medium could not be set up). */
int iso_scan_program(const char *run_dir, const char *cmdline_path);

#endif
