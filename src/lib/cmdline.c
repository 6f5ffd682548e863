#include "cmdline.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMDLINE_MAX 65536

int cmdline_parse(struct kvlist *args, const char *text)
{
	size_t len = strlen(text);
	char *arg = malloc(len + 1);
	const char *p = text;
	int ret = 0;

	if (!arg)
		return -ENOMEM;
	while (*p) {
		size_t n = 0;
		bool in_quote = false;
		char *eq;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		for (; *p && (in_quote || !isspace((unsigned char)*p)); p++) {
			if (*p == '"')
				in_quote = !in_quote;
			else
				arg[n++] = *p;
		}
		arg[n] = '\0';
		/* "--" separates kernel from init arguments; both are ours to read. */
		if (n == 0 || strcmp(arg, "--") == 0)
			continue;
		eq = strchr(arg, '=');
		if (eq == arg)
			continue; /* no key */
		if (eq)
			ret = kvlist_add(args, arg, eq - arg, eq + 1, n - (eq + 1 - arg));
		else
			ret = kvlist_add(args, arg, n, NULL, 0);
		if (ret < 0)
			break;
	}
	free(arg);
	return ret;
}

int cmdline_read(struct kvlist *args, const char *path)
{
	char *buf = malloc(CMDLINE_MAX + 1);
	ssize_t total = 0, n;
	int fd, ret;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		free(buf);
		return ret;
	}
	while (total < CMDLINE_MAX && (n = read(fd, buf + total, CMDLINE_MAX - total)) > 0)
		total += n;
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret == 0) {
		/* NUL bytes (a cmdline passed as a file) count as white space. */
		for (ssize_t i = 0; i < total; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[total] = '\0';
		ret = cmdline_parse(args, buf);
	}
	free(buf);
	return ret;
}

bool cmdline_flag(const struct kvlist *args, const char *key)
{
	const char *value = kvlist_get(args, key);

	if (!kvlist_has(args, key))
		return false;
	return !value || (strcmp(value, "0") && strcmp(value, "no") && strcmp(value, "off"));
}

long cmdline_seconds_ms(const struct kvlist *args, const char *key, long fallback_ms)
{
	const char *value = kvlist_get(args, key);
	char *end;
	long seconds;

	if (!value || !*value)
		return fallback_ms;
	errno = 0;
	seconds = strtol(value, &end, 10);
	if (errno || *end || seconds < 0 || seconds > 86400)
		return fallback_ms;
	return seconds * 1000;
}
