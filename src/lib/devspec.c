#include "devspec.h"

#include <blkid/blkid.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* libblkid splits NAME=value but takes any NAME: these are the ones we know. */
static const struct {
	const char *name;
	enum devspec_kind kind;
} tags[] = {
	{ "CDLABEL", DEVSPEC_LABEL },	     /* dracut's name for an ISO9660 volume label */
	{ "LABEL", DEVSPEC_LABEL },
	{ "UUID", DEVSPEC_UUID },
	{ "PARTUUID", DEVSPEC_PARTUUID },
	{ "PARTLABEL", DEVSPEC_PARTLABEL },
};

static const struct {
	const char *prefix;
	enum devspec_kind kind;
} udev_links[] = {
	{ "/dev/disk/by-label/", DEVSPEC_LABEL },
	{ "/dev/disk/by-uuid/", DEVSPEC_UUID },
	{ "/dev/disk/by-partuuid/", DEVSPEC_PARTUUID },
	{ "/dev/disk/by-partlabel/", DEVSPEC_PARTLABEL },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* udev names its links with every byte outside [A-Za-z0-9#+-.:=@_] and
 * valid UTF-8 written as \xNN; a backslash not starting such an escape is
 * kept as it is. libblkid only encodes such names (blkid_encode_string()),
 * so the decoding is ours. */
static int udev_unescape(const char *in, char *out, size_t out_len)
{
	size_t n = 0;

	while (*in) {
		char c = *in++;

		if (c == '\\' && in[0] == 'x' && hex_digit(in[1]) >= 0 && hex_digit(in[2]) >= 0) {
			c = (char)(hex_digit(in[1]) << 4 | hex_digit(in[2]));
			in += 3;
			if (c == '\0')
				return -EINVAL;
		}
		if (n + 1 >= out_len)
			return -ENAMETOOLONG;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* The part after /dev/: components separated by single slashes, none empty,
 * '.' or '..', no control characters. */
static bool plain_dev_path(const char *p)
{
	if (!*p)
		return false;
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = end - p;

		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (const char *c = p; c < end; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return false;
		if (*end == '/' && !end[1])
			return false; /* trailing slash */
		p = *end ? end + 1 : end;
	}
	return true;
}

/* NAME=value through libblkid, as mount(8) reads fstab: one pair of quotes
 * around the value is removed; an empty value or a missing closing quote
 * is refused. */
static int parse_tag(const char *text, struct devspec *out, char *buf, size_t buf_len)
{
	char *name = NULL, *value = NULL;
	int ret = -EINVAL;

	errno = 0;
	if (blkid_parse_tag_string(text, &name, &value) != 0)
		return errno == ENOMEM ? -ENOMEM : -EINVAL; /* only strdup() sets errno */
	for (size_t i = 0; i < COUNT(tags); i++) {
		if (strcmp(name, tags[i].name) != 0)
			continue;
		if (strlen(value) >= buf_len) {
			ret = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, value);
		out->kind = tags[i].kind;
		out->value = buf;
		ret = 0;
		break;
	}
	free(name);
	free(value);
	return ret;
}

int devspec_parse(const char *text, struct devspec *out, char *buf, size_t buf_len)
{
	/* A path may hold '=' (udev keeps it in by-id names): never a tag. */
	if (text[0] != '/')
		return parse_tag(text, out, buf, buf_len);
	if (strncmp(text, "/dev/", 5) != 0 || !plain_dev_path(text + 5))
		return -EINVAL;
	for (size_t i = 0; i < COUNT(udev_links); i++) {
		size_t len = strlen(udev_links[i].prefix);
		int ret;

		if (strncmp(text, udev_links[i].prefix, len) != 0)
			continue;
		if (strchr(text + len, '/'))
			return -EINVAL;
		ret = udev_unescape(text + len, buf, buf_len);
		if (ret < 0)
			return ret;
		out->kind = udev_links[i].kind;
		out->value = buf;
		return 0;
	}
	out->kind = DEVSPEC_PATH;
	out->value = text;
	return 0;
}

static bool same(const char *want, const char *have, bool ignore_case)
{
	if (!have[0])
		return false;
	return ignore_case ? strcasecmp(want, have) == 0 : strcmp(want, have) == 0;
}

/* libblkid's own evaluation (blkid_evaluate_tag(), blkid_evaluate_spec())
 * does not fit an initramfs without udev: it follows /dev/disk/by-* links,
 * which nothing creates here, else probes every device of /proc/partitions
 * (our loop devices among them) on each call and writes its cache to
 * /run/blkid/blkid.tab, which would move into the running system; it
 * returns one device, compares UUIDs case-sensitively and knows no CDLABEL.
 * Our callers need every match among the devices already probed as they
 * appeared (they warn of two, prefer the medium's disk, skip fixed disks
 * under live-media=removable), so the match is made here, on struct blkdev. For a PATH, blkid_evaluate_spec()
 * would take a '=' in a by-id name for a tag: realpath() instead. */
bool devspec_matches(const struct devspec *spec, const struct blkdev *dev)
{
	switch (spec->kind) {
	case DEVSPEC_PATH: {
		char real[PATH_MAX];

		if (strcmp(spec->value, dev->node) == 0 ||
		    (strncmp(spec->value, "/dev/", 5) == 0 && dev->name[0] &&
		     strcmp(spec->value + 5, dev->name) == 0))
			return true;
		/* /dev/disk/by-id/... and the like, where udev made them */
		return realpath(spec->value, real) && strcmp(real, dev->node) == 0;
	}
	case DEVSPEC_LABEL:
		return same(spec->value, dev->label, false);
	case DEVSPEC_UUID:
		return same(spec->value, dev->uuid, true);
	case DEVSPEC_PARTUUID:
		return same(spec->value, dev->part_uuid, true);
	case DEVSPEC_PARTLABEL:
		return same(spec->value, dev->part_name, false);
	}
	return false;
}

const char *devspec_describe(const struct devspec *spec, char *buf, size_t len)
{
	static const char *const names[] = {
		[DEVSPEC_PATH] = "",
		[DEVSPEC_LABEL] = "LABEL=",
		[DEVSPEC_UUID] = "UUID=",
		[DEVSPEC_PARTUUID] = "PARTUUID=",
		[DEVSPEC_PARTLABEL] = "PARTLABEL=",
	};

	snprintf(buf, len, "%s%s", names[spec->kind], spec->value);
	return buf;
}
