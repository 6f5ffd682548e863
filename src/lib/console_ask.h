/* Asking the user at the keyboard, in an initramfs: on every console the
 * kernel was given, since nobody knows which one the user looks at. */
#ifndef VTOY_CONSOLE_ASK_H
#define VTOY_CONSOLE_ASK_H

#include <stddef.h>

/* Writes prompt to every active console (/sys/class/tty/console/active,
 * else /dev/console) and reads one line from whichever answers first, with
 * echo off (a passphrase is never shown, nor logged here). The line, its
 * newline removed, goes to buf. Returns its length, or -errno (-ETIMEDOUT
 * after timeout_s seconds without an answer; 0: no limit). */
int console_ask(const char *prompt, char *buf, size_t len, int timeout_s);

#endif
