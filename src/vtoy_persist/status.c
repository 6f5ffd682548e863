#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kvlist.h"
#include "paths.h"
#include "persist.h"

static const char *get(const struct kvlist *kv, const char *key)
{
	const char *value = kvlist_get(kv, key);

	return value && *value ? value : "-";
}

static bool has(const struct kvlist *kv, const char *key)
{
	const char *value = kvlist_get(kv, key);

	return value && *value;
}

int persist_status(const char *run_dir, int show_log)
{
	struct kvlist medium = { 0 }, persist = { 0 };
	char path[PATH_MAX], line[1200];
	int have_medium, have_persist;
	FILE *log;

	snprintf(path, sizeof(path), "%s/%s", run_dir, VTOY_MEDIUM_ENV);
	have_medium = kvfile_read(&medium, path) == 0;
	snprintf(path, sizeof(path), "%s/%s", run_dir, VTOY_PERSIST_ENV);
	have_persist = kvfile_read(&persist, path) == 0;
	if (!have_medium && !have_persist) {
		fprintf(stderr, "vtoy-persist: no report in %s: this system was not booted by "
				"vtoy-iso-scan and vtoy-persist\n", run_dir);
		return 1;
	}
	if (has(&medium, "VTOY_ISO_PATH"))
		printf("medium:       %s on %s (%s, label %s)\n", get(&medium, "VTOY_ISO_PATH"),
		       get(&medium, "VTOY_MEDIUM_DEVICE"), get(&medium, "VTOY_MEDIUM_FSTYPE"),
		       get(&medium, "VTOY_MEDIUM_LABEL"));
	else
		printf("medium:       %s (%s, label %s)\n", get(&medium, "VTOY_MEDIUM_DEVICE"),
		       get(&medium, "VTOY_MEDIUM_FSTYPE"), get(&medium, "VTOY_MEDIUM_LABEL"));
	printf("found by:     %s %s\n", get(&medium, "VTOY_MEDIUM_SOURCE"),
	       get(&medium, "VTOY_MEDIUM_SOURCE_VALUE"));
	if (has(&medium, "VTOY_HOST_MOUNT"))
		printf("data:         %s (read-only)\n", get(&medium, "VTOY_HOST_MOUNT"));
	printf("root images:  %s layer(s) from %s/ (%s layout%s)\n", get(&medium, "VTOY_LAYER_COUNT"),
	       get(&medium, "VTOY_MEDIA_PATH"), get(&medium, "VTOY_LAYOUT"),
	       strcmp(get(&medium, "VTOY_TORAM"), "yes") ? "" : ", copied to RAM");
	printf("persistence:  %s (requested: %s)\n", get(&persist, "VTOY_PERSISTENCE"),
	       get(&persist, "VTOY_PERSISTENCE_REQUESTED"));
	if (kvlist_get(&persist, "VTOY_STORE_SOURCE"))
		printf("store:        %s (%s, label %s, layout %s, e2fsck %s)\n",
		       get(&persist, "VTOY_STORE_SOURCE"), get(&persist, "VTOY_STORE_KIND"),
		       get(&persist, "VTOY_STORE_LABEL"), get(&persist, "VTOY_STORE_LAYOUT"),
		       get(&persist, "VTOY_STORE_FSCK"));
	for (const struct kv *kv = NULL; (kv = kvlist_next(&persist, "VTOY_CUSTOM_MOUNT", kv));)
		printf("custom mount: %s\n", kv->value ? kv->value : "-");
	for (const struct kv *kv = NULL;
	     (kv = kvlist_next(&persist, "VTOY_CUSTOM_MOUNT_REFUSED", kv));)
		printf("refused:      %s\n", kv->value ? kv->value : "-");
	if (kvlist_get(&persist, "VTOY_HOME_SOURCE"))
		printf("home:         %s (%s, label home-rw, e2fsck %s)%s%s\n",
		       get(&persist, "VTOY_HOME_SOURCE"), get(&persist, "VTOY_HOME_KIND"),
		       get(&persist, "VTOY_HOME_FSCK"),
		       kvlist_get(&persist, "VTOY_HOME_MOUNT") ? " on /home" : ", NOT used: ",
		       kvlist_get(&persist, "VTOY_HOME_MOUNT") ? ""
							: get(&persist, "VTOY_HOME_FALLBACK_REASON"));
	if (kvlist_get(&persist, "VTOY_FALLBACK_REASON"))
		printf("fallback:     %s\n", get(&persist, "VTOY_FALLBACK_REASON"));
	printf("upper:        %s\n", get(&persist, "VTOY_UPPERDIR"));
	if (!strcmp(get(&persist, "VTOY_MEDIUM_CHANGED"), "yes"))
		printf("WARNING:      the live image changed since this store was last used; the "
		       "store's changes may not fit it\n"
		       "              then: %s\n"
		       "              now:  %s\n",
		       get(&persist, "VTOY_MEDIUM_BEFORE"), get(&persist, "VTOY_MEDIUM_NOW"));

	snprintf(path, sizeof(path), "%s/log", run_dir);
	log = fopen(path, "re");
	if (log) {
		printf("\n%s:\n", show_log ? "log" : "decisions (all of it: --log)");
		while (fgets(line, sizeof(line), log))
			if (show_log || strstr(line, "skipped") || strstr(line, "candidate") ||
			    strstr(line, "using") || strstr(line, "WARNING") || strstr(line, "error"))
				printf("  %s", line);
		fclose(log);
	}
	kvlist_free(&medium);
	kvlist_free(&persist);
	return 0;
}
