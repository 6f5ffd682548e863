#include "fsck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

const char *fsck_result_name(enum fsck_result r)
{
	switch (r) {
	case FSCK_NOT_RUN: return "not run";
	case FSCK_CLEAN: return "clean";
	case FSCK_REPAIRED: return "repaired";
	case FSCK_FAILED: return "failed";
	case FSCK_SKIPPED: return "skipped (read-only)";
	case FSCK_AT_MOUNT: return "none (the kernel replays the log at mount)";
	}
	return "?";
}

enum fsck_result fsck_run(const char *e2fsck_path, const char *device, const char *log_path,
			  int *status)
{
	int pipefd[2], wstatus;
	FILE *out, *log;
	char line[1024];
	pid_t pid;

	*status = -1;
	if (access(e2fsck_path, X_OK) < 0) {
		log_err("%s is missing: the store cannot be checked, so it is not written to",
			e2fsck_path);
		return FSCK_FAILED;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return FSCK_FAILED;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return FSCK_FAILED;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execl(e2fsck_path, "e2fsck", "-p", device, (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", e2fsck_path, strerror(errno));
		_exit(8);
	}
	close(pipefd[1]);
	out = fdopen(pipefd[0], "r");
	log = fopen(log_path, "ae");
	while (out && fgets(line, sizeof(line), out)) {
		line[strcspn(line, "\n")] = '\0';
		if (log)
			fprintf(log, "%s\n", line);
		if (line[0])
			log_info("e2fsck: %s", line);
	}
	if (out)
		fclose(out);
	else
		close(pipefd[0]);
	if (log)
		fclose(log);
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return FSCK_FAILED;
	if (!WIFEXITED(wstatus)) {
		log_err("e2fsck on %s was killed by signal %d", device, WTERMSIG(wstatus));
		return FSCK_FAILED;
	}
	*status = WEXITSTATUS(wstatus);
	/* e2fsck(8): 1 = errors corrected, 2 = corrected, reboot advised (root
	 * fs only), 4 and above = errors left or e2fsck trouble. */
	if (*status == 0)
		return FSCK_CLEAN;
	if (*status <= 3)
		return FSCK_REPAIRED;
	return FSCK_FAILED;
}
