#include "iso_change.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "safepath.h"

#define RECORD_MAX 8192
#define IDENTITY_KEY "VTOY_ROOT_IMAGES="

/* The identity line of the record, or "" when there is none. */
static int read_record(int store_fd, char *out, size_t len)
{
	char text[RECORD_MAX + 1];
	ssize_t n;
	char *line;
	int fd;

	out[0] = '\0';
	fd = safepath_open(store_fd, MEDIUM_RECORD, O_RDONLY);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	n = read(fd, text, RECORD_MAX);
	close(fd);
	if (n < 0)
		return -errno;
	text[n] = '\0';
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, IDENTITY_KEY, strlen(IDENTITY_KEY)))
			snprintf(out, len, "%s", line + strlen(IDENTITY_KEY));
	return 0;
}

static int write_record(int store_fd, const char *identity)
{
	static const char tmp[] = MEDIUM_RECORD ".tmp";
	int fd, ret = 0;
	FILE *f;

	unlinkat(store_fd, tmp, 0);
	fd = openat(store_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlinkat(store_fd, tmp, 0);
		return ret;
	}
	fprintf(f, "# vtoy-persist: the live root images this store was last used with\n"
		   IDENTITY_KEY "%s\n", identity);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0)
		ret = -errno;
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && renameat(store_fd, tmp, store_fd, MEDIUM_RECORD) < 0)
		ret = -errno;
	if (ret < 0)
		unlinkat(store_fd, tmp, 0);
	return ret;
}

int medium_record_check(int store_fd, const char *identity, bool write, char *before,
			size_t len)
{
	int ret = read_record(store_fd, before, len), result;

	if (ret < 0)
		return ret;
	if (!*before)
		result = MEDIUM_FIRST;
	else if (!strcmp(before, identity))
		return MEDIUM_SAME;
	else
		result = MEDIUM_CHANGED;
	if (write && (ret = write_record(store_fd, identity)) < 0)
		return ret;
	return result;
}

void iso_change_check(struct persist *p)
{
	const char *now = p->medium.root_images;
	bool read_only = p->opened.read_only;
	char before[2048];
	int store_fd, ret;

	if (!*now) {
		log_info("vtoy-iso-scan could not tell which live images these are: not compared "
			 "with the store's record");
		return;
	}
	store_fd = open(p->opened.mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (store_fd < 0)
		return;
	ret = medium_record_check(store_fd, now, !read_only, before, sizeof(before));
	close(store_fd);
	kvlist_put(&p->report, "VTOY_MEDIUM_NOW", now);
	switch (ret) {
	case MEDIUM_FIRST:
		kvlist_put(&p->report, "VTOY_MEDIUM_CHANGED", "unknown");
		log_info("live image %s%s", now, read_only ? "" : ": recorded in the store");
		break;
	case MEDIUM_SAME:
		kvlist_put(&p->report, "VTOY_MEDIUM_CHANGED", "no");
		log_info("live image %s: the same as when the store was last used", now);
		break;
	case MEDIUM_CHANGED:
		kvlist_put(&p->report, "VTOY_MEDIUM_CHANGED", "yes");
		kvlist_put(&p->report, "VTOY_MEDIUM_BEFORE", before);
		log_warn("the live image changed since this store was last used (then: %s; now: "
			 "%s): the changes kept in the store were made over other files and may "
			 "not fit the new ones; booting anyway. If programs misbehave, start "
			 "again with an empty store", before, now);
		break;
	default:
		log_warn("cannot compare the live image with the store's record %s: %s",
			 MEDIUM_RECORD, strerror(-ret));
		break;
	}
}
