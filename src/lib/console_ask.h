/* Asking the user at the keyboard, in an initramfs: on every console the
 * kernel was given, since nobody knows which one the user looks at. */
#ifndef VTOY_CONSOLE_ASK_H
#define VTOY_CONSOLE_ASK_H

#include <stddef.h>

#include <stdbool.h>
#include <termios.h>

#define CONSOLE_ASK_MAX 8

/* The consoles asked on, with echo turned off from open to close: lines
 * typed ahead between two questions (a user typing the next try at once)
 * are never shown either. */
struct console_asker {
	size_t count;
	struct {
		int fd;
		struct termios saved;
		bool restore;
	} c[CONSOLE_ASK_MAX];
};

/* Opens every active console (/sys/class/tty/console/active, else
 * /dev/console) and turns echo off on each. Returns the number opened, or
 * -ENODEV when there is none. */
int console_ask_open(struct console_asker *a);

/* Writes prompt to each console and reads one line from whichever answers
 * first. The line, its newline removed, goes to buf (never logged here).
 * Returns its length, or -errno (-ETIMEDOUT after timeout_s seconds without
 * an answer; 0: no limit). */
int console_ask_line(struct console_asker *a, const char *prompt, char *buf, size_t len,
		     int timeout_s);

/* Restores each console's settings and closes it. */
void console_ask_close(struct console_asker *a);

#endif
