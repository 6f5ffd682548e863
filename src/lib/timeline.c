#include "timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

const char *const timeline_steps[] = { "init",	 "drivers", "medium",	   "store",
				       "fsck",	 "overlay", "switch_root", NULL };

static char path[256];
static unsigned marked; /* bit per step of timeline_steps */

void timeline_init(const char *run_dir)
{
	path[0] = '\0';
	if (run_dir)
		snprintf(path, sizeof(path), "%s/%s", run_dir, RUN_TIMELINE);
}

void timeline_mark(const char *step)
{
	static int told;
	struct timespec ts;
	char line[64];
	int fd, n, err = 0;

	for (int i = 0; timeline_steps[i]; i++)
		if (!strcmp(step, timeline_steps[i])) {
			if (marked & 1u << i)
				return;
			marked |= 1u << i;
		}
	if (!path[0] || clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
		return;
	n = snprintf(line, sizeof(line), "%s=%lld\n", step,
		     (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	/* One write with O_APPEND: programs in turn never interleave. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && write(fd, line, (size_t)n) != n)
		err = errno ? errno : EIO;
	else if (fd < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	/* Only informative (the status's breakdown), but said, once. */
	if (err && !told++)
		log_info("cannot write the boot's timeline to %s: %s; the status will lack "
			 "steps", path, strerror(err));
}

static long long mark_ms(const struct kvlist *tl, const char *step)
{
	const char *v = kvlist_get(tl, step);
	char *end;
	long long ms;

	if (!v || !*v)
		return -1;
	ms = strtoll(v, &end, 10);
	return *end || ms < 0 ? -1 : ms;
}

size_t timeline_format(const struct kvlist *tl, char *buf, size_t len)
{
	long long start = mark_ms(tl, "init"), prev = start;
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (int i = 1; timeline_steps[i]; i++) {
		long long ms = mark_ms(tl, timeline_steps[i]);

		if (ms < 0)
			continue;
		if (prev >= 0 && used < len)
			used += snprintf(buf + used, len - used, "%s%s %s%lld.%02lld s",
					 used ? ", " : "", timeline_steps[i], used ? "+" : "",
					 (ms - prev) / 1000, (ms - prev) % 1000 / 10);
		else if (used < len)
			used += snprintf(buf + used, len - used, "%s%s at %lld.%02lld s",
					 used ? ", " : "", timeline_steps[i], ms / 1000,
					 ms % 1000 / 10);
		prev = ms;
	}
	if (start >= 0 && used && used < len)
		used += snprintf(buf + used, len - used, " (from /init at %lld.%02lld s of uptime)",
				 start / 1000, start % 1000 / 10);
	return used < len ? used : len ? len - 1 : 0;
}
