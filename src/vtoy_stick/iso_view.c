#include "iso_view.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_identity.h"
#include "root_layout.h"
#include "safepath.h"
#include "store_inspect.h"

#define LIST_MAX (256 * 1024)
#define HEAD_BYTES 96     /* a squashfs superblock */
#define MODULE_MAX 65536  /* live-boot *.module lists: read whole */

/* A line of xorriso's "-exec lsdl": "-rw-r--r-- 1 0 0 SIZE Mon DD HH:MM 'PATH'".
 * Returns the path (without its quotes and leading '/') or NULL. */
static char *lsdl_path(char *line, unsigned long long *size)
{
	size_t n = strlen(line);
	char *q = strchr(line, '\'');

	if (!q || n < 4 || line[n - 1] != '\'' || q[1] != '/' ||
	    sscanf(line, "%*s %*s %*s %*s %llu", size) != 1)
		return NULL;
	line[n - 1] = 0;
	/* A name holding a quote is printed escaped: not one the rules look for. */
	if (strchr(q + 2, '\'') || safepath_check(q + 2) < 0)
		return NULL;
	return q + 2;
}

static int xorriso_list(const char *file, const char *type, char *out)
{
	char *argv[] = { "xorriso", "-indev", (char *)file, "-find", "/", "-maxdepth", "3", "-type",
			 (char *)type, "-exec", "lsdl", NULL };
	int ret = stick_capture(argv, false, out, LIST_MAX);

	return ret == 0 ? 0 : ret == 127 ? -ENOENT : -EINVAL;
}

/* Copies count bytes at the start of the ISO's path into the skeleton file. */
static void extract_head(const char *file, const char *dir, const char *path, size_t count)
{
	char src[PATH_MAX + 2], tmp[PATH_MAX], dest[PATH_MAX * 2], n[32];
	char *argv[] = { "xorriso", "-osirrox", "on", "-indev", (char *)file, "-extract_cut", src,
			 "0", n, tmp, NULL };
	static char buf[MODULE_MAX];
	ssize_t got;
	int in, out;

	snprintf(src, sizeof(src), "/%s", path);
	snprintf(n, sizeof(n), "%zu", count);
	snprintf(tmp, sizeof(tmp), "%s.head", dir);
	snprintf(dest, sizeof(dest), "%s/%s", dir, path);
	if (stick_run(argv, false) != 0)
		return;
	in = open(tmp, O_RDONLY | O_CLOEXEC);
	out = open(dest, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in >= 0 && out >= 0 && (got = read(in, buf, sizeof(buf))) > 0 &&
	    pwrite(out, buf, (size_t)got, 0) != got)
		got = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	unlink(tmp);
}

static int skeleton(const char *file, const char *dir)
{
	char *list = malloc(LIST_MAX), *line, *save = NULL, *path;
	unsigned long long size;
	int ret, dfd = -1;

	if (!list)
		return -ENOMEM;
	ret = xorriso_list(file, "d", list);
	if (ret == 0)
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (line = strtok_r(list, "\n", &save); dfd >= 0 && line; line = strtok_r(NULL, "\n", &save))
		if ((path = lsdl_path(line, &size)))
			mkdirat(dfd, path, 0755);
	if (dfd >= 0 && (ret = xorriso_list(file, "f", list)) == 0) {
		save = NULL;
		for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			size_t n;
			int fd;

			if (!(path = lsdl_path(line, &size)))
				continue;
			fd = openat(dfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (fd < 0)
				continue;
			/* Sparse here: the size is what the rules may read. */
			if (ftruncate(fd, (off_t)size) < 0)
				size = 0;
			close(fd);
			n = strlen(path);
			if (n > 7 && !strcmp(path + n - 7, ".module") && size <= MODULE_MAX)
				extract_head(file, dir, path, (size_t)size);
		}
	}
	if (dfd >= 0)
		close(dfd);
	free(list);
	return ret;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/* The identity, when every root image is a squashfs: their build time is
 * in the head copied here. Other images are known by their mtime, which a
 * skeleton does not have. */
static void identity(const char *file, const char *dir, int medium_fd, const struct root_plan *plan,
		     struct iso_view *out)
{
	char path[PATH_MAX], head[96];
	int dir_fd;

	for (size_t i = 0; i < plan->count; i++) {
		uint32_t t;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", plan->dir, plan->files[i]);
		extract_head(file, dir, path, HEAD_BYTES);
		fd = safepath_open(medium_fd, path, O_RDONLY);
		if (fd < 0 || read(fd, head, sizeof(head)) != (ssize_t)sizeof(head) ||
		    squashfs_mkfs_time((unsigned char *)head, sizeof(head), &t) < 0) {
			if (fd >= 0)
				close(fd);
			return;
		}
		close(fd);
	}
	dir_fd = safepath_open(medium_fd, plan->dir, O_RDONLY | O_DIRECTORY);
	if (dir_fd < 0)
		return;
	if (image_identity(dir_fd, plan, out->identity, sizeof(out->identity)) < 0)
		out->identity[0] = 0;
	close(dir_fd);
}

int iso_view_read(const char *file, struct iso_view *out)
{
	char dir[] = "/tmp/vtoy-stick-iso-XXXXXX";
	struct root_plan plan;
	int dfd, ret;

	memset(out, 0, sizeof(*out));
	if (!mkdtemp(dir)) {
		out->layout = -errno;
		snprintf(out->how, sizeof(out->how), "mkdtemp: %s", strerror(errno));
		return out->layout;
	}
	ret = skeleton(file, dir);
	if (ret < 0) {
		snprintf(out->how, sizeof(out->how), ret == -ENOENT ? "xorriso is not installed"
						   : "xorriso cannot read it as an ISO 9660 image");
	} else {
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ret = dfd < 0 ? -errno
			      : root_layout_plan(dfd, &(struct root_layout_opts){ 0 }, true, &plan);
		if (ret == 0) {
			snprintf(out->how, sizeof(out->how), "%s/: %s", plan.dir, plan.how);
			ret = (int)plan.layout;
			identity(file, dir, dfd, &plan, out);
		} else {
			snprintf(out->how, sizeof(out->how), "no casper/, live/, LiveOS/ or arch/ root image in it");
		}
		if (dfd >= 0)
			close(dfd);
	}
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	out->layout = ret;
	return ret;
}
