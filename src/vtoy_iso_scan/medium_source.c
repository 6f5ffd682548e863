#include "medium_source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "log.h"
#include "safepath.h"

static const char *const iso_keys[] = { "iso-scan/filename", "findiso", NULL };

int medium_source_resolve(const struct kvlist *cmdline, struct medium_source *src, char *why,
			  size_t why_len)
{
	memset(src, 0, sizeof(*src));
	src->timeout_ms = cmdline_seconds_ms(cmdline, "live-media-timeout",
					     cmdline_seconds_ms(cmdline, "rootdelay",
								MEDIUM_TIMEOUT_DEFAULT_MS));
	src->media_path = kvlist_get(cmdline, "live-media-path");
	if (src->media_path && safepath_check(src->media_path) < 0) {
		snprintf(why, why_len, "live-media-path=%s is not a plain relative path",
			 src->media_path);
		return -EINVAL;
	}

	for (int i = 0; iso_keys[i]; i++) {
		const char *value = kvlist_get(cmdline, iso_keys[i]);

		if (!value || !*value)
			continue;
		if (src->iso_path && strcmp(src->iso_path, value) != 0) {
			log_warn("%s=%s and %s=%s disagree; using %s", src->iso_key, src->iso_path,
				 iso_keys[i], value, src->iso_key);
			continue;
		}
		if (src->iso_path)
			continue;
		if (value[0] != '/' || safepath_check(value) < 0) {
			snprintf(why, why_len,
				 "%s=%s must be an absolute path inside a partition, without "
				 "'.' or '..' components",
				 iso_keys[i], value);
			return -EINVAL;
		}
		src->kind = MEDIUM_ISO_FILE;
		src->iso_path = value;
		src->iso_key = iso_keys[i];
	}
	if (src->kind == MEDIUM_NONE) {
		snprintf(why, why_len, "no live medium named: give iso-scan/filename=/path/to.iso "
				       "or findiso=/path/to.iso");
		return -ENOENT;
	}
	return 0;
}
