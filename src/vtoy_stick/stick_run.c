#include "stick_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
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

/* One output stream of the child: its pipe, what is read of its current
 * line, and where its lines go. */
struct renamed_stream {
	int fd;
	FILE *to_file;
	char line[4096];
	size_t used;
};

/* Writes the stream's line with every "from" as "to", and empties it. */
static void renamed_flush(struct renamed_stream *st, const char *from, const char *to)
{
	const char *p = st->line, *hit;
	size_t from_len = strlen(from);

	st->line[st->used] = 0;
	while (from_len && (hit = strstr(p, from))) {
		fwrite(p, 1, (size_t)(hit - p), st->to_file);
		fputs(to, st->to_file);
		p = hit + from_len;
	}
	fputs(p, st->to_file);
	fflush(st->to_file);
	st->used = 0;
}

int stick_run_renamed(char *const argv[], const char *from, const char *to)
{
	struct renamed_stream st[2] = { { .fd = -1, .to_file = stdout }, { .fd = -1, .to_file = stderr } };
	int pipes[2][2], status, i, open_streams = 2;
	pid_t pid;

	if (pipe2(pipes[0], O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(pipes[1], O_CLOEXEC) < 0) {
		int err = errno;

		close(pipes[0][0]), close(pipes[0][1]);
		return -err;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		int err = errno;

		for (i = 0; i < 2; i++)
			close(pipes[i][0]), close(pipes[i][1]);
		return -err;
	}
	if (pid == 0) {
		dup2(pipes[0][1], 1);
		dup2(pipes[1][1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	for (i = 0; i < 2; i++) {
		close(pipes[i][1]);
		st[i].fd = pipes[i][0];
	}
	/* Both pipes at once: a tool filling one while we wait on the other
	 * would never end. */
	while (open_streams > 0) {
		struct pollfd pfd[2] = { { .fd = st[0].fd, .events = POLLIN },
					 { .fd = st[1].fd, .events = POLLIN } };

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			/* Read both in turn, blocking, rather than close them
			 * under the tool (SIGPIPE mid-resize): it writes little. */
			for (i = 0; i < 2; i++)
				pfd[i].revents = st[i].fd >= 0 ? POLLIN : 0;
		}
		for (i = 0; i < 2; i++) {
			char buf[512];
			ssize_t n, k;

			if (st[i].fd < 0 || !pfd[i].revents)
				continue;
			n = read(st[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				if (st[i].used)
					renamed_flush(&st[i], from, to);
				close(st[i].fd);
				st[i].fd = -1;
				open_streams--;
				continue;
			}
			for (k = 0; k < n; k++) {
				if (st[i].used < sizeof(st[i].line) - 2)
					st[i].line[st[i].used++] = buf[k];
				else if (buf[k] != '\n')
					continue; /* cut: the rest of a long line */
				else
					st[i].line[st[i].used++] = buf[k];
				if (buf[k] == '\n')
					renamed_flush(&st[i], from, to);
			}
		}
	}
	for (i = 0; i < 2; i++)
		if (st[i].fd >= 0)
			close(st[i].fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
