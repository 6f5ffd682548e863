#include "shutdown.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conv_ventoy.h"
#include "dm.h"
#include "log.h"
#include "mnt.h"
#include "mountinfo.h"

int shutdown_install(const char *dir)
{
	static const char *const dirs[] = { "oldroot", "dev", "proc", "sys", "run" };
	char path[PATH_MAX], tmp[PATH_MAX];
	struct stat st;
	int in, out, ret = 0;

	snprintf(path, sizeof(path), "%s/shutdown", dir);
	if (access(path, F_OK) == 0)
		return 1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && ret == 0; i++) {
		snprintf(tmp, sizeof(tmp), "%s/%s", dir, dirs[i]);
		ret = mkdir_p(tmp, 0755);
	}
	if (ret < 0)
		return ret;
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) < 0) {
		ret = -errno;
		if (in >= 0)
			close(in);
		return ret;
	}
	snprintf(tmp, sizeof(tmp), "%s/.shutdown.tmp", dir);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	for (off_t done = 0; done < st.st_size && ret == 0;) {
		ssize_t n = sendfile(out, in, NULL, st.st_size - done);

		if (n <= 0)
			ret = n < 0 ? -errno : -EIO;
		done += n > 0 ? n : 0;
	}
	close(in);
	if (close(out) < 0 && ret == 0)
		ret = -errno;
	/* Renamed into place only when whole: systemd runs what it finds. */
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0)
		unlink(tmp);
	return ret;
}

struct mount_list {
	char (*targets)[PATH_MAX];
	size_t count;
};

static bool below(const char *target, const char *oldroot)
{
	size_t n = strlen(oldroot);

	return !strncmp(target, oldroot, n) && (target[n] == '\0' || target[n] == '/');
}

struct collect_arg {
	const char *oldroot;
	struct mount_list *out;
};

static int collect(const struct mount_entry *e, void *arg)
{
	struct collect_arg *a = arg;
	void *grown;

	if (!below(e->target, a->oldroot))
		return 0;
	grown = realloc(a->out->targets, (a->out->count + 1) * sizeof(*a->out->targets));
	if (!grown)
		return -ENOMEM;
	a->out->targets = grown;
	snprintf(a->out->targets[a->out->count++], PATH_MAX, "%s", e->target);
	return 0;
}

/* The mounts at and below oldroot, in mountinfo's order (parents first). */
static int list_mounts(const char *oldroot, const char *mountinfo, struct mount_list *out)
{
	struct collect_arg a = { .oldroot = oldroot, .out = out };
	int ret;

	out->targets = NULL;
	out->count = 0;
	ret = mountinfo_each(mountinfo, collect, &a);
	if (ret < 0) {
		free(out->targets);
		out->targets = NULL;
	}
	return ret;
}

/* One pass, children before parents (the reverse of mountinfo's order).
 * Returns how many were unmounted. */
static size_t unmount_pass(const struct mount_list *l, bool detach)
{
	size_t done = 0;

	for (size_t i = l->count; i-- > 0;) {
		if (umount2(l->targets[i], detach ? MNT_DETACH : 0) == 0) {
			log_info("unmounted %s%s", l->targets[i], detach ? " (detached: it was busy)" : "");
			done++;
		} else if (detach || errno != EBUSY) {
			log_warn("cannot unmount %s: %s", l->targets[i], strerror(errno));
		}
	}
	return done;
}

/* Ours: Ventoy's ISO and store maps, and unlocked LUKS stores. */
static bool our_map(const char *name)
{
	return !strcmp(name, VENTOY_PERSIST_DM_NAME) || !strcmp(name, "ventoy") ||
	       !strncmp(name, "vtoy_luks_", 10);
}

static void remove_our_maps(void)
{
	DIR *dir = opendir(DM_MAPPER_DIR);
	struct dirent *de;

	while (dir && (de = readdir(dir))) {
		int ret;

		if (!our_map(de->d_name))
			continue;
		ret = dm_remove(de->d_name);
		if (ret < 0)
			log_warn("cannot remove device-mapper device %s: %s", de->d_name, strerror(-ret));
		else
			log_info("removed device-mapper device %s", de->d_name);
	}
	if (dir)
		closedir(dir);
}

enum shutdown_step shutdown_unmount(const char *oldroot, const char *mountinfo, size_t *left)
{
	struct mount_list l;
	bool detach = false;
	int ret;

	*left = 0;
	for (int pass = 0; pass < 16; pass++) {
		size_t done;

		ret = list_mounts(oldroot, mountinfo, &l);
		if (ret < 0) {
			log_err("cannot read the mount table: %s", strerror(-ret));
			return SHUTDOWN_UNMOUNT;
		}
		if (l.count == 0) {
			free(l.targets);
			break;
		}
		done = unmount_pass(&l, detach);
		free(l.targets);
		/* No progress: what is left is busy; detach it, so that its
		 * filesystem goes when its last user does. */
		if (done == 0 && detach) {
			*left = l.count;
			break;
		}
		detach = done == 0;
	}
	sync();
	remove_our_maps();
	return *left ? SHUTDOWN_UNMOUNT : SHUTDOWN_OK;
}

/* libmount's mangling: space, tab, newline and backslash as \ooo. */
static void put_mangled(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
}

struct keep_arg {
	const char *run_dir;
	FILE *utab;
	int count;
};

static int keep_one(const struct mount_entry *e, void *arg)
{
	struct keep_arg *a = arg;

	if (!below(e->target, a->run_dir))
		return 0;
	fputs("SRC=", a->utab);
	put_mangled(a->utab, e->source);
	fputs(" TARGET=", a->utab);
	put_mangled(a->utab, e->target);
	fputs(" ROOT=", a->utab);
	put_mangled(a->utab, e->root);
	fputs(" OPTS=x-initrd.mount\n", a->utab);
	a->count++;
	return 0;
}

int shutdown_keep_mounts(const char *run_dir, const char *utab)
{
	struct keep_arg a = { .run_dir = run_dir };
	char dir[PATH_MAX];
	char *slash;
	int ret;

	snprintf(dir, sizeof(dir), "%s", utab);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		ret = mkdir_p(dir, 0755);
		if (ret < 0)
			return ret;
	}
	a.utab = fopen(utab, "ae");
	if (!a.utab)
		return -errno;
	ret = mountinfo_each(NULL, keep_one, &a);
	if (fclose(a.utab) != 0 && ret == 0)
		ret = -errno;
	return ret < 0 ? ret : a.count;
}

int shutdown_command(const char *verb)
{
	if (!strcmp(verb, "poweroff"))
		return RB_POWER_OFF;
	if (!strcmp(verb, "reboot"))
		return RB_AUTOBOOT;
	if (!strcmp(verb, "halt"))
		return RB_HALT_SYSTEM;
	if (!strcmp(verb, "kexec"))
		return RB_KEXEC;
	return -1;
}
