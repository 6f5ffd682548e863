/* Running the filesystems' own tools (checkers, mkfs, xorriso, cryptsetup)
 * without a shell. */
#ifndef VTOY_STICK_RUN_H
#define VTOY_STICK_RUN_H

#include <stdbool.h>
#include <stddef.h>

/* Runs argv with its output to /dev/null unless verbose. Returns its exit
 * status (127: not found), or -errno when it could not run. */
int stick_run(char *const argv[], bool verbose);

/* The same with its stdout into out (at most len - 1 bytes, NUL ended);
 * out NULL: as stick_run(). */
int stick_capture(char *const argv[], bool verbose, char *out, size_t len);

/* stick_run() with input written to its stdin (a passphrase for
 * cryptsetup's --key-file -, never on its command line). */
int stick_run_input(char *const argv[], bool verbose, const char *input);

#endif
