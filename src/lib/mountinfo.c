#include "mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape(const char *in, char *out, size_t len)
{
	size_t n = 0;

	while (*in && n + 1 < len) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
		    in[3] >= '0' && in[3] <= '7') {
			out[n++] = (char)((in[1] - '0') << 6 | (in[2] - '0') << 3 | (in[3] - '0'));
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

static bool has_option(const char *opts, const char *opt)
{
	size_t len = strlen(opt);

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, opt, len) && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

/* Splits one line; false when it is not a mountinfo line. */
static bool parse_line(char *line, struct mount_entry *e)
{
	char *fields[6], *sep, *save = NULL, *f;
	unsigned maj, min;
	int i = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return false;
	*sep = '\0';
	for (f = strtok_r(line, " ", &save); f && i < 6; f = strtok_r(NULL, " ", &save))
		fields[i++] = f;
	if (i < 6 || sscanf(fields[2], "%u:%u", &maj, &min) != 2)
		return false;
	e->devno = makedev(maj, min);
	unescape(fields[3], e->root, sizeof(e->root));
	unescape(fields[4], e->target, sizeof(e->target));
	e->read_only = has_option(fields[5], "ro");
	save = NULL;
	f = strtok_r(sep + 3, " \n", &save);
	if (!f)
		return false;
	snprintf(e->fstype, sizeof(e->fstype), "%s", f);
	f = strtok_r(NULL, " \n", &save);
	unescape(f ? f : "", e->source, sizeof(e->source));
	f = strtok_r(NULL, " \n", &save);
	unescape(f ? f : "", e->super_opts, sizeof(e->super_opts));
	return true;
}

int mountinfo_each(const char *path, int (*fn)(const struct mount_entry *e, void *arg), void *arg)
{
	FILE *f = fopen(path ? path : MOUNTINFO_PATH, "re");
	struct mount_entry *e;
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	if (!f)
		return -errno;
	e = malloc(sizeof(*e));
	if (!e) {
		fclose(f);
		return -ENOMEM;
	}
	while (ret == 0 && getline(&line, &cap, f) >= 0)
		if (parse_line(line, e))
			ret = fn(e, arg);
	free(e);
	free(line);
	fclose(f);
	return ret < 0 ? ret : 0;
}

struct find_arg {
	const char *target;
	struct mount_entry *out;
	bool found;
};

static int find_one(const struct mount_entry *e, void *arg)
{
	struct find_arg *a = arg;

	if (!strcmp(e->target, a->target)) {
		*a->out = *e;
		a->found = true;
	}
	return 0;
}

int mountinfo_find(const char *path, const char *target, struct mount_entry *out)
{
	struct find_arg a = { .target = target, .out = out };
	int ret = mountinfo_each(path, find_one, &a);

	return ret < 0 ? ret : a.found ? 0 : -ENOENT;
}

int mount_option(const char *opts, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t n = strcspn(v, ",");

			if (n >= len)
				return -ENAMETOOLONG;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return 0;
		}
	}
	return -ENOENT;
}
