#include "stick_resize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "blkdev.h"
#include "loopdev.h"
#include "stick_create.h"
#include "stick_fill.h"
#include "store_inspect.h"
#include "store_space.h"

#define SPARE_BYTES (1024ULL * 1024)

static int say(const char *file, const char *what, const char *detail)
{
	fprintf(stderr, "vtoy-stick: %s: %s%s%s\n", file, what, detail ? ": " : "", detail ? detail : "");
	return -1;
}

/* The loop device backing file, if any (its sysfs backing_file), in dev. */
static bool in_use(const char *real, char *dev, size_t len)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	bool used = false;

	if (!d)
		return false;
	while (!used && (e = readdir(d))) {
		char path[PATH_MAX], back[PATH_MAX] = "";
		FILE *f;

		if (strncmp(e->d_name, "loop", 4))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", e->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		if (fgets(back, sizeof(back), f)) {
			back[strcspn(back, "\n")] = 0;
			used = !strcmp(back, real);
			if (used)
				snprintf(dev, len, "/dev/%s", e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return used;
}

static int grow_xfs(int fd, const char *file)
{
	char dev[64], dir[] = "/tmp/vtoy-stick-grow-XXXXXX";
	char *argv[] = { "xfs_growfs", "-d", dir, NULL };
	int loop_fd, ret;

	if (geteuid() != 0)
		return say(file, "growing XFS needs root (xfs_growfs works on a mounted filesystem)", NULL);
	loop_fd = loopdev_attach_fd(fd, false, file, dev, sizeof(dev));
	if (loop_fd < 0)
		return say(file, "no loop device", strerror(-loop_fd));
	if (!mkdtemp(dir)) {
		close(loop_fd);
		return say(file, "mkdtemp", strerror(errno));
	}
	ret = mount(dev, dir, "xfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ? -errno : 0;
	if (ret < 0) {
		say(file, "mounting it failed", strerror(-ret));
	} else {
		ret = stick_run(argv, false);
		if (ret)
			say(file, "xfs_growfs failed", NULL);
		umount2(dir, 0);
	}
	rmdir(dir);
	close(loop_fd);
	return ret ? -1 : 0;
}

enum resize_step stick_resize(const char *file, unsigned long long size, bool progress)
{
	char real[PATH_MAX], dev[300], path[64], a[32], b[32], dir[PATH_MAX], *slash;
	struct store_inspect s;
	struct statvfs sv;
	struct stat st;
	unsigned long long old;
	int fd, ret, frags;

	fd = open(file, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		say(file, "cannot be opened", strerror(errno));
		return RESIZE_STEP_CHECK;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !realpath(file, real)) {
		say(file, "is not a regular file", NULL);
		goto check_failed;
	}
	old = (unsigned long long)st.st_size;
	if (in_use(real, dev, sizeof(dev))) {
		say(file, "is in use", dev);
		goto check_failed;
	}
	if (size <= old) {
		say(file, "is already that size or larger; stores are only grown",
		    store_space_size(old, a, sizeof(a)));
		goto check_failed;
	}
	snprintf(dir, sizeof(dir), "%s", real);
	slash = strrchr(dir, '/');
	*(slash == dir ? slash + 1 : slash) = 0;
	if (statvfs(dir, &sv) == 0 && (unsigned long long)sv.f_bavail * sv.f_frsize < size - old + SPARE_BYTES) {
		fprintf(stderr, "vtoy-stick: %s: the partition has %s free; %s more does not fit\n", file,
			store_space_size((unsigned long long)sv.f_bavail * sv.f_frsize, a, sizeof(a)),
			store_space_size(size - old, b, sizeof(b)));
		goto check_failed;
	}
	/* The inspector runs the filesystem's own checker, read-only. */
	ret = store_inspect(fd, file, &s);
	if (ret < 0 || (strncmp(s.fstype, "ext", 3) && strcmp(s.fstype, "xfs"))) {
		say(file, "holds no ext2/3/4 or XFS filesystem", s.fstype[0] ? s.fstype : NULL);
		goto check_failed;
	}
	if (strcmp(s.fsck, "clean")) {
		fprintf(stderr, "vtoy-stick: %s: not grown: its check says %s (%s); repair it first (%s)\n",
			file, s.fsck, s.fsck_detail, strcmp(s.fstype, "xfs") ? "e2fsck -f" : "xfs_repair");
		goto check_failed;
	}
	posix_fallocate(fd, (off_t)old, (off_t)(size - old));
	ret = stick_fill(fd, old, size, file, progress, NULL);
	if (ret < 0) {
		say(file, "writing the new blocks failed", strerror(-ret));
		if (ftruncate(fd, (off_t)old) < 0)
			say(file, "cannot be cut back to its old size", strerror(errno));
		close(fd);
		return RESIZE_STEP_EXTEND;
	}
	if (!strcmp(s.fstype, "xfs")) {
		ret = grow_xfs(fd, file);
	} else {
		/* -f: its check passed above, read-only; resize2fs would
		 * otherwise ask for a fresh e2fsck -f run of its own. */
		char *argv[] = { "resize2fs", "-f", path, NULL };

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), fd);
		/* Its lines name the descriptor: shown with the file's name. */
		if (stick_run_renamed(argv, path, file) != 0)
			ret = say(file, "resize2fs failed (its message is above)", NULL);
		else
			ret = 0;
	}
	if (ret < 0) {
		/* The filesystem was not grown: its old size is all it uses. */
		if (ftruncate(fd, (off_t)old) < 0)
			say(file, "cannot be cut back to its old size", strerror(errno));
		close(fd);
		return RESIZE_STEP_GROW;
	}
	frags = store_fragments(fd);
	close(fd);
	printf("grew %s from %s to %s\n", file, store_space_size(old, a, sizeof(a)),
	       store_space_size(size, b, sizeof(b)));
	if (frags > 1)
		fprintf(stderr, "vtoy-stick: %s: warning: the blocks after it were taken: it is in %d "
				"fragments now\n", file, frags);
	return RESIZE_STEP_DONE;
check_failed:
	close(fd);
	return RESIZE_STEP_CHECK;
}

int stick_resize_main(int argc, char **argv)
{
	unsigned long long size;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: vtoy-stick resize FILE SIZE\nSee vtoy-stick(8).\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "Usage: vtoy-stick resize FILE SIZE\n");
		return 2;
	}
	if (stick_parse_size(argv[2], &size) < 0) {
		fprintf(stderr, "vtoy-stick: %s: a size such as 2G\n", argv[2]);
		return 2;
	}
	return stick_resize(argv[1], size, isatty(2)) == RESIZE_STEP_DONE ? 0 : 2;
}
