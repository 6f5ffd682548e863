#include "store_space.h"

#include <errno.h>
#include <stdio.h>
#include <sys/statvfs.h>

int store_space(const char *mount, struct store_space *out)
{
	struct statvfs sv;
	unsigned long long used;

	if (statvfs(mount, &sv) < 0)
		return -errno;
	out->size_bytes = (unsigned long long)sv.f_blocks * sv.f_frsize;
	out->free_bytes = (unsigned long long)sv.f_bavail * sv.f_frsize;
	/* As df counts: used against what users can have. */
	used = (unsigned long long)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
	out->used_percent = used + out->free_bytes
				    ? (unsigned)((used * 100 + used + out->free_bytes - 1) /
						 (used + out->free_bytes))
				    : 0;
	if (out->free_bytes < STORE_FULL_BYTES || (sv.f_files && sv.f_favail == 0))
		out->state = "full";
	else if (out->used_percent >= STORE_NEARLY_FULL_PERCENT)
		out->state = "nearly-full";
	else
		out->state = "ok";
	return 0;
}

const char *store_space_size(unsigned long long bytes, char *buf, unsigned len)
{
	if (bytes >= 1024ULL * 1024 * 1024)
		snprintf(buf, len, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
	else if (bytes >= 1024ULL * 1024)
		snprintf(buf, len, "%.1f MiB", bytes / (1024.0 * 1024));
	else
		snprintf(buf, len, "%llu KiB", bytes / 1024);
	return buf;
}
