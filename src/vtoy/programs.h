/* The programs of the vtoy multi-call binary: each takes its command line
 * as main() would and returns its exit status. */
#ifndef VTOY_PROGRAMS_H
#define VTOY_PROGRAMS_H

int iso_scan_main(int argc, char **argv); /* vtoy_iso_scan/iso_scan_cli.c */
int persist_main(int argc, char **argv);  /* vtoy_persist/persist_cli.c */
int status_main(int argc, char **argv);   /* vtoy_persist/status_cli.c */
int shutdown_main(int argc, char **argv); /* vtoy_persist/shutdown_cli.c */

#endif
