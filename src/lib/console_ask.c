#include "console_ask.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CONSOLES_MAX 8

struct console {
	int fd;
	struct termios saved;
	bool restore;
};

/* The consoles the kernel writes to ("tty0 ttyS0"), opened read-write. */
static size_t open_consoles(struct console *c)
{
	char names[256] = "", *save = NULL;
	size_t n = 0;
	FILE *f = fopen("/sys/class/tty/console/active", "re");

	if (f) {
		if (!fgets(names, sizeof(names), f))
			names[0] = '\0';
		fclose(f);
	}
	for (char *w = strtok_r(names, " \n", &save); w && n < CONSOLES_MAX;
	     w = strtok_r(NULL, " \n", &save)) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/%s", w);
		c[n].fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (c[n].fd >= 0)
			n++;
	}
	if (n == 0 && (c[0].fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0)
		n = 1;
	return n;
}

int console_ask(const char *prompt, char *buf, size_t len, int timeout_s)
{
	struct console c[CONSOLES_MAX];
	struct pollfd pfd[CONSOLES_MAX];
	size_t n = open_consoles(c);
	int ret = -ENODEV;

	for (size_t i = 0; i < n; i++) {
		struct termios t;

		c[i].restore = tcgetattr(c[i].fd, &c[i].saved) == 0;
		if (c[i].restore) {
			t = c[i].saved;
			t.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHONL);
			t.c_lflag |= ICANON;
			/* TCSANOW: lines typed ahead (all three tries at once) stay. */
			tcsetattr(c[i].fd, TCSANOW, &t);
		}
		pfd[i] = (struct pollfd){ .fd = c[i].fd, .events = POLLIN };
		if (write(c[i].fd, prompt, strlen(prompt)) < 0)
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
			got = read(c[i].fd, buf, len - 1);
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
	for (size_t i = 0; i < n; i++) {
		if (write(c[i].fd, "\n", 1) < 0) {
			/* nothing to do: the console went away */
		}
		if (c[i].restore)
			tcsetattr(c[i].fd, TCSANOW, &c[i].saved);
		close(c[i].fd);
	}
	return ret;
}
