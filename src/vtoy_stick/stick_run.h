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

/* stick_run(argv, true) with every "from" in the tool's output (stdout to
 * ours, stderr to ours) written as "to": resize2fs names the descriptor path
 * (/proc/PID/fd/N) it was given, where the user named a file. Lines are
 * passed on as they end; a line longer than 4 KiB is cut. Returns the exit
 * status (127: not found; 128 + N: killed by signal N), or -errno. */
int stick_run_renamed(char *const argv[], const char *from, const char *to);

#endif
