#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KMSG_RECORD_MAX 960

static const char *log_prog = "vtoy";
static int kmsg_fd = -1;
static int file_fd = -1;
static int console_loglevel = 7;
static int debug_enabled;
static log_sink_fn sink;
static void *sink_ctx;

static int read_console_loglevel(void)
{
	FILE *f = fopen("/proc/sys/kernel/printk", "re");
	int level = 7;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = 7;
		fclose(f);
	}
	return level;
}

#define DEVKMSG_SYSCTL "/proc/sys/kernel/printk_devkmsg"

static int devkmsg_set(const char *value)
{
	int fd = open(DEVKMSG_SYSCTL, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

static void devkmsg_restore(void)
{
	devkmsg_set("ratelimit\n");
}

/* Writes to /dev/kmsg are rate-limited by default (a burst of 10), which
 * would drop our decisions from the console; lift the limit while we run.
 * The sysctl takes a value only whole, with its newline. */
static void devkmsg_unlimit(void)
{
	char value[16] = "";
	int fd = open(DEVKMSG_SYSCTL, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, value, sizeof(value) - 1);
	close(fd);
	if (n > 0 && strncmp(value, "ratelimit", 9) == 0 && devkmsg_set("on\n") == 0)
		atexit(devkmsg_restore);
}

void log_init(const char *prog, int targets, const char *run_dir)
{
	char path[512];

	log_prog = prog;
	/* Again in one process (vtoy-persist --find-medium): a new prefix. */
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	if (file_fd >= 0)
		close(file_fd);
	kmsg_fd = file_fd = -1;
	if (targets & VLOG_TO_KMSG) {
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		console_loglevel = read_console_loglevel();
		if (kmsg_fd >= 0)
			devkmsg_unlimit();
	}
	if ((targets & VLOG_TO_FILE) && run_dir) {
		snprintf(path, sizeof(path), "%s/log", run_dir);
		file_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	}
}

void log_set_sink(log_sink_fn fn, void *ctx)
{
	sink = fn;
	sink_ctx = ctx;
}

void log_get_sink(log_sink_fn *fn, void **ctx)
{
	*fn = sink;
	*ctx = sink_ctx;
}

void log_set_debug(int on)
{
	debug_enabled = on;
}

static const char *level_name(int level)
{
	switch (level) {
	case VLOG_ERR: return "error: ";
	case VLOG_WARN: return "WARNING: ";
	default: return "";
	}
}

void log_msg(int level, const char *fmt, ...)
{
	char msg[1024], line[1200];
	struct timespec ts;
	va_list ap;
	int saved_errno = errno;
	int len;

	if (level == VLOG_DEBUG && !debug_enabled)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sink) {
		sink(level, msg, sink_ctx);
		errno = saved_errno;
		return;
	}

	if (kmsg_fd >= 0) {
		len = snprintf(line, sizeof(line), "<%d>%s: %s%s\n", level, log_prog,
			       level_name(level), msg);
		/* The kernel refuses records of about 1 KiB and more (EINVAL). */
		if (len > KMSG_RECORD_MAX) {
			len = KMSG_RECORD_MAX;
			memcpy(line + len - 5, "...\n", 5);
			len--;
		}
		if (write(kmsg_fd, line, len) < 0 && errno != EINVAL && errno != EAGAIN) {
			close(kmsg_fd);
			kmsg_fd = -1;
		}
	}
	/* The kernel prints a kmsg record only when its level is below the
	 * console loglevel ("quiet" sets 4): show warnings ourselves then. */
	if (kmsg_fd < 0 || (level <= VLOG_WARN && level >= console_loglevel))
		fprintf(stderr, "%s: %s%s\n", log_prog, level_name(level), msg);

	if (file_fd >= 0) {
		clock_gettime(CLOCK_BOOTTIME, &ts);
		len = snprintf(line, sizeof(line), "[%5ld.%03ld] %s: %s%s\n", (long)ts.tv_sec,
			       ts.tv_nsec / 1000000, log_prog, level_name(level), msg);
		if (write(file_fd, line, len) < 0) {
			close(file_fd);
			file_fd = -1;
		}
	}
	errno = saved_errno;
}
