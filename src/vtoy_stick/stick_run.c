#include "stick_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(char *const argv[], bool verbose, char *out, size_t len, const char *input)
{
	int pipefd[2] = { -1, -1 }, inpipe[2] = { -1, -1 }, status, fd;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (out && pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	if (input && pipe2(inpipe, O_CLOEXEC) < 0) {
		if (out)
			close(pipefd[0]), close(pipefd[1]);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		if (out)
			close(pipefd[0]), close(pipefd[1]);
		if (input)
			close(inpipe[0]), close(inpipe[1]);
		return -errno;
	}
	if (pid == 0) {
		if (input)
			dup2(inpipe[0], 0);
		fd = verbose ? -1 : open("/dev/null", O_RDWR);
		if (out)
			dup2(pipefd[1], 1);
		else if (fd >= 0)
			dup2(fd, 1);
		if (fd >= 0)
			dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (input) {
		size_t n_in = strlen(input);

		struct sigaction ign = { .sa_handler = SIG_IGN }, old;

		close(inpipe[0]);
		/* A passphrase fits the pipe's buffer: no deadlock with the child;
		 * a child gone early is an EPIPE here, not our death. */
		sigaction(SIGPIPE, &ign, &old);
		if (write(inpipe[1], input, n_in) != (ssize_t)n_in)
			n_in = 0;
		sigaction(SIGPIPE, &old, NULL);
		close(inpipe[1]);
	}
	if (out) {
		close(pipefd[1]);
		while ((n = read(pipefd[0], out + used, len - 1 - used)) > 0 ||
		       (n < 0 && errno == EINTR))
			if (n > 0)
				used += (size_t)n;
		out[used] = 0;
		close(pipefd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int stick_capture(char *const argv[], bool verbose, char *out, size_t len)
{
	return run(argv, verbose, out, len, NULL);
}

int stick_run(char *const argv[], bool verbose)
{
	return run(argv, verbose, NULL, 0, NULL);
}

int stick_run_input(char *const argv[], bool verbose, const char *input)
{
	return run(argv, verbose, NULL, 0, input);
}

