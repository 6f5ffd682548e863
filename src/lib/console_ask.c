#include "console_ask.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int console_ask_open(struct console_asker *a)
{
	char names[256] = "", *save = NULL;
	FILE *f = fopen("/sys/class/tty/console/active", "re");
	size_t n = 0;

	if (f) {
		if (!fgets(names, sizeof(names), f))
			names[0] = '\0';
		fclose(f);
	}
	/* "tty0 ttyS0": nobody knows which one the user looks at. */
	for (char *w = strtok_r(names, " \n", &save); w && n < CONSOLE_ASK_MAX;
	     w = strtok_r(NULL, " \n", &save)) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/%s", w);
		a->c[n].fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (a->c[n].fd >= 0)
			n++;
	}
	if (n == 0 && (a->c[0].fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0)
		n = 1;
	for (size_t i = 0; i < n; i++) {
		struct termios t;

		a->c[i].restore = tcgetattr(a->c[i].fd, &a->c[i].saved) == 0;
		if (!a->c[i].restore)
			continue;
		t = a->c[i].saved;
		t.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHONL);
		t.c_lflag |= ICANON;
		/* TCSANOW, not TCSAFLUSH: lines typed ahead stay to be read. */
		tcsetattr(a->c[i].fd, TCSANOW, &t);
	}
	a->count = n;
	return n ? (int)n : -ENODEV;
}

int console_ask_line(struct console_asker *a, const char *prompt, char *buf, size_t len,
		     int timeout_s)
{
	struct pollfd pfd[CONSOLE_ASK_MAX];
	size_t n = a->count;
	int ret = -ENODEV;

	for (size_t i = 0; i < n; i++) {
		pfd[i] = (struct pollfd){ .fd = a->c[i].fd, .events = POLLIN };
		if (write(a->c[i].fd, prompt, strlen(prompt)) < 0)
			pfd[i].fd = -1; /* poll skips it */
	}
	while (n) {
		int r = poll(pfd, n, timeout_s > 0 ? timeout_s * 1000 : -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r == 0 ? -ETIMEDOUT : -errno;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			ssize_t got;

			if (!(pfd[i].revents & POLLIN))
				continue;
			/* Canonical mode: one line per read. */
			got = read(a->c[i].fd, buf, len - 1);
			if (got <= 0)
				continue;
			buf[got] = '\0';
			buf[strcspn(buf, "\r\n")] = '\0';
			ret = (int)strlen(buf);
			break;
		}
		if (ret >= 0)
			break;
	}
	for (size_t i = 0; i < a->count; i++)
		if (write(a->c[i].fd, "\n", 1) < 0) {
			/* nothing to do: the console went away */
		}
	return ret;
}

void console_ask_close(struct console_asker *a)
{
	for (size_t i = 0; i < a->count; i++) {
		if (a->c[i].restore)
			tcsetattr(a->c[i].fd, TCSANOW, &a->c[i].saved);
		close(a->c[i].fd);
	}
	a->count = 0;
}
