#include "fs_driver.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers.h"
#include "log.h"
#include "paths.h"

int fs_driver_present(const char *fstype)
{
	char line[128];
	FILE *f = fopen("/proc/filesystems", "re");
	int found = 0;

	if (!f)
		return 0;
	/* "nodev\toverlay" or "\text4" */
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t');

		if (!name)
			continue;
		name[1 + strcspn(name + 1, "\n")] = '\0';
		found = strcmp(name + 1, fstype) == 0;
	}
	fclose(f);
	return found;
}

static const char *error_dir = VTOY_RUN_DIR;

void modprobe_set_error_dir(const char *dir)
{
	error_dir = dir;
}

/* Where modprobe's child pid writes its errors: busybox modprobe prints
 * "can't load module" even with -q, and the console shows it unexplained. */
static void error_file(char *buf, size_t len, pid_t pid)
{
	snprintf(buf, len, "%s/modprobe.%d.err", error_dir, (int)pid);
}

/* Logs what modprobe pid wrote to its error file, then removes it. */
static void error_report(pid_t pid)
{
	char path[PATH_MAX], line[512];
	FILE *f;

	error_file(path, sizeof(path), pid);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *text = line;

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(text, "modprobe: ", 10))
			text += 10;
		if (!text[0])
			continue;
		/* A module whose own init found nothing to drive here, like
		 * crc32c_intel on a CPU without SSE4.2 (crypto-crc32c names it
		 * and crc32c_generic, which serves then). */
		log_info("drivers: modprobe: %s%s", text,
			 strstr(text, "No such device") ?
				 " (the module's own check found nothing for it on this machine, "
				 "as on a CPU without the feature it speeds up)" :
				 "");
	}
	fclose(f);
	unlink(path);
}

pid_t modprobe_start(const char *const *names, size_t count)
{
	const char **argv = calloc(count + 4, sizeof(*argv));
	pid_t pid;

	if (!argv)
		return -ENOMEM;
	argv[0] = "modprobe";
	argv[1] = "-a";
	argv[2] = "-q";
	for (size_t i = 0; i < count; i++)
		argv[3 + i] = names[i];
	pid = fork();
	if (pid == 0) {
		char path[PATH_MAX];
		int fd;

		error_file(path, sizeof(path), getpid());
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0 && fd != 2) {
			dup2(fd, 2);
			close(fd);
		}
		execvp("modprobe", (char **)argv);
		_exit(127);
	}
	free(argv);
	return pid < 0 ? -errno : pid;
}

int modprobe_wait(pid_t pid, int block)
{
	int status;
	pid_t got;

	while ((got = waitpid(pid, &status, block ? 0 : WNOHANG)) < 0)
		if (errno != EINTR)
			return -errno;
	if (got == 0)
		return -EAGAIN;
	error_report(pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

int modprobe_run(const char *const *names, size_t count)
{
	pid_t pid = modprobe_start(names, count);

	return pid < 0 ? pid : modprobe_wait(pid, 1);
}

int modprobe_quiet(const char *name)
{
	return modprobe_run(&name, 1);
}

int fs_driver_ensure(const char *fstype)
{
	char alias[64];

	if (fs_driver_present(fstype)) {
		/* A load that has ended is logged (and the queued devices'
		 * drivers start). */
		drivers_load_ended();
		return 0;
	}
	drivers_settle(); /* it may be half loaded, in the background */
	if (fs_driver_present(fstype))
		return 0;
	log_info("loading the %s driver", fstype);
	snprintf(alias, sizeof(alias), "fs-%s", fstype);
	modprobe_quiet(alias);
	return fs_driver_present(fstype) ? 0 : -ENODEV;
}

int fs_driver_load(const char *fstype)
{
	if (fs_driver_ensure(fstype) == 0)
		return 0;
	log_err("the kernel has no %s driver and modprobe %s did not load one (the image "
		"lacks the module?)", fstype, fstype);
	return -ENODEV;
}
