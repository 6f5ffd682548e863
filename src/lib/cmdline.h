/* Kernel command-line parsing with the kernel's own quoting rules: arguments
 * are separated by white space, double quotes group (and are removed), and an
 * argument splits into key and value at its first '='. */
#ifndef VTOY_CMDLINE_H
#define VTOY_CMDLINE_H

#include <stdbool.h>

#include "kvlist.h"

int cmdline_parse(struct kvlist *args, const char *text);
/* Reads and parses a file, /proc/cmdline normally. */
int cmdline_read(struct kvlist *args, const char *path);

/* A boolean option as dracut's getargbool reads it: present without a
 * value, or with any value but 0, no and off. */
bool cmdline_flag(const struct kvlist *args, const char *key);

/* Milliseconds given by key (a value in seconds, as rootdelay= takes), or
 * fallback_ms when absent or malformed. */
long cmdline_seconds_ms(const struct kvlist *args, const char *key, long fallback_ms);

#endif
