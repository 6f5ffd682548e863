#include "iso_change.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "safepath.h"

#define RECORD_MAX 8192
#define IDENTITY_KEY "VTOY_ROOT_IMAGES="

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int squashfs_mkfs_time(const unsigned char *sb, size_t len, uint32_t *out)
{
	/* s_magic "hsqs" at 0, mkfs_time at 8, s_major (4) at 28 */
	if (len < 96 || memcmp(sb, "hsqs", 4) != 0 || (sb[28] | sb[29] << 8) != 4)
		return -EINVAL;
	*out = le32(sb + 8);
	return 0;
}

/* The file behind the loop device that dir is mounted from. */
static int backing_file(const char *dir, char *path, size_t len)
{
	char sys[128];
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(dir, &st) < 0)
		return -errno;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/loop/backing_file", major(st.st_dev),
		 minor(st.st_dev));
	fd = open(sys, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, path, len - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	path[n] = '\0';
	path[strcspn(path, "\n")] = '\0';
	return 0;
}

/* "NAME SIZE bytes, built DATE" for one image. */
static int image_identity(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX], when[64];
	unsigned char sb[96];
	const char *name;
	struct stat st;
	uint32_t built;
	time_t t;
	int fd, ret;

	ret = backing_file(dir, path, sizeof(path));
	if (ret < 0)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	/* mksquashfs stamps its build time; other images: the file's mtime */
	if (pread(fd, sb, sizeof(sb), 0) == (ssize_t)sizeof(sb) &&
	    squashfs_mkfs_time(sb, sizeof(sb), &built) == 0)
		t = built;
	else
		t = st.st_mtime;
	close(fd);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if ((size_t)snprintf(buf, len, "%s %lld bytes, built %s", name, (long long)st.st_size,
			     when) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int medium_identity(const char *lowerdir, char *buf, size_t len)
{
	char list[4096], one[PATH_MAX + 128], *save = NULL;
	size_t used = 0;
	int ret;

	if ((size_t)snprintf(list, sizeof(list), "%s", lowerdir) >= sizeof(list))
		return -ENAMETOOLONG;
	buf[0] = '\0';
	for (char *dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		ret = image_identity(dir, one, sizeof(one));
		if (ret < 0)
			return ret;
		ret = snprintf(buf + used, len - used, "%s%s", used ? "; " : "", one);
		if (ret < 0 || (size_t)ret >= len - used)
			return -ENAMETOOLONG;
		used += ret;
	}
	return used ? 0 : -ENOENT;
}

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

static void report_add(struct kvlist *report, const char *key, const char *value)
{
	if (kvlist_add(report, key, strlen(key), value, strlen(value)) < 0)
		log_warn("out of memory for the report");
}

void iso_change_check(const char *store_mount, const char *lowerdir, bool read_only,
		      struct kvlist *report)
{
	char now[2048], before[2048];
	int store_fd, ret;

	ret = medium_identity(lowerdir, now, sizeof(now));
	if (ret < 0) {
		log_info("cannot tell which live image this is (%s): not compared with the store's "
			 "record", strerror(-ret));
		return;
	}
	store_fd = open(store_mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (store_fd < 0)
		return;
	ret = medium_record_check(store_fd, now, !read_only, before, sizeof(before));
	close(store_fd);
	report_add(report, "VTOY_MEDIUM_NOW", now);
	switch (ret) {
	case MEDIUM_FIRST:
		report_add(report, "VTOY_MEDIUM_CHANGED", "unknown");
		log_info("live image %s%s", now, read_only ? "" : ": recorded in the store");
		break;
	case MEDIUM_SAME:
		report_add(report, "VTOY_MEDIUM_CHANGED", "no");
		log_info("live image %s: the same as when the store was last used", now);
		break;
	case MEDIUM_CHANGED:
		report_add(report, "VTOY_MEDIUM_CHANGED", "yes");
		report_add(report, "VTOY_MEDIUM_BEFORE", before);
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
