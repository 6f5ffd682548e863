#include "persistence_remove.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fs_tree.h"
#include "log.h"

bool persistence_remove_requested(const struct kvlist *cmdline)
{
	bool on = false;

	for (size_t i = 0; i < cmdline->count; i++) {
		const struct kv *kv = &cmdline->items[i];

		if (!strcmp(kv->key, "persistence-remove") ||
		    !strcmp(kv->key, "live-boot.persistence-remove"))
			on = !kv->value || !strcmp(kv->value, "true");
	}
	return on;
}

static bool kept(const char *name)
{
	return !strcmp(name, "persistence.conf") || !strcmp(name, "lost+found");
}

int persistence_remove(const char *store_mount, const char *store_name)
{
	int fd = open(store_mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC), removed;

	if (fd < 0)
		return -errno;
	log_warn("persistence-remove: deleting everything on %s except persistence.conf, as "
		 "asked on the kernel command line", store_name);
	removed = tree_empty(fd, kept);
	close(fd);
	if (removed < 0)
		log_err("persistence-remove: %s could not be emptied completely: %s", store_name,
			strerror(-removed));
	else
		log_notice("persistence-remove: %d entries removed from %s", removed, store_name);
	return removed;
}
