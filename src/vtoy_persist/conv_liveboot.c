/* Debian live-boot (and Kali): "persistence" asks for volumes labelled
 * persistence (or persistence-label=), partitions, image files or
 * directories (persistence-storage=) at persistence-path=, on any disk or
 * only removable ones (persistence-media=). The volume's persistence.conf
 * decides: "/ union" puts the root overlay on its rw/ and work/ (mounted with
 * live-boot's own noatime,redirect_dir=on), the other lines are custom mounts
 * into the new root. A volume without persistence.conf is ignored, as
 * live-boot ignores it, but said. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convention.h"
#include "custom_mounts.h"
#include "log.h"
#include "persistence_remove.h"
#include "safepath.h"
#include "store_acquire.h"
#include "store_dirs.h"
#include "store_luks.h"

#define PCONF_FILE_MAX (64 * 1024)

struct list_word {
	const char *word;
	unsigned bit;
};

/* A comma list of live-boot's (persistence-storage=, persistence-
 * encryption=) as a mask; unknown words are said and ignored, and a list
 * that names nothing known gives the default. */
static unsigned list_option(const struct kvlist *c, const char *key, const struct list_word *words,
			    size_t n, unsigned def, const char *def_text)
{
	const char *list = kvlist_get(c, key);
	char buf[256], *save = NULL;
	unsigned mask = 0;

	if (!list)
		return def;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i = 0;

		while (i < n && strcmp(w, words[i].word))
			i++;
		if (i < n)
			mask |= words[i].bit;
		else
			log_warn("%s=: '%s' is not one of its words; ignored", key, w);
	}
	if (!mask) {
		log_warn("%s=%s names nothing known: using %s", key, list, def_text);
		mask = def;
	}
	return mask;
}

static const struct list_word storage_words[] = {
	{ "filesystem", STORE_STORAGE_FILESYSTEM },
	{ "file", STORE_STORAGE_FILE },
	{ "directory", STORE_STORAGE_DIRECTORY },
};

static const struct list_word encryption_words[] = {
	{ "none", STORE_ENC_NONE },
	{ "luks", STORE_ENC_LUKS },
};

static enum store_media media_option(const char *value)
{
	if (!value)
		return STORE_MEDIA_ANY;
	if (!strcmp(value, "removable"))
		return STORE_MEDIA_REMOVABLE;
	if (!strcmp(value, "removable-usb"))
		return STORE_MEDIA_REMOVABLE_USB;
	log_warn("persistence-media=%s is not removable or removable-usb: looking at every "
		 "disk", value);
	return STORE_MEDIA_ANY;
}

static int request(const struct persist *p, struct persist_request *req, bool force)
{
	const struct kvlist *c = &p->cmdline;
	const char *labels = kvlist_get(c, "persistence-label"), *path;
	char *save = NULL;

	if (!force && !kvlist_has(c, "persistence"))
		return 0;
	snprintf(req->asked_by, sizeof(req->asked_by), "persistence");
	snprintf(req->labels, sizeof(req->labels), "%s", labels ? labels : "persistence");
	req->query.label_count = 0;
	for (char *l = strtok_r(req->labels, ",", &save);
	     l && req->query.label_count < STORE_LABELS_MAX; l = strtok_r(NULL, ",", &save)) {
		if (strchr(l, '/'))
			log_warn("persistence-label=%s: a label cannot hold '/'; ignored", l);
		else
			req->query.labels[req->query.label_count++] = l;
	}
	if (req->query.label_count == 0) {
		log_warn("persistence-label= names no usable label: persistence stays off");
		return 0;
	}
	path = kvlist_get(c, "persistence-path");
	req->query.path = path && *path ? path : "/";
	req->query.media = media_option(kvlist_get(c, "persistence-media"));
	req->query.storage = list_option(c, "persistence-storage", storage_words, 3,
					 STORE_STORAGE_DEFAULT, "filesystem,file");
	req->query.encryption = list_option(c, "persistence-encryption", encryption_words, 2,
					    STORE_ENC_NONE, "none");
	req->read_only = kvlist_has(c, "persistence-read-only");
	req->remove = persistence_remove_requested(c);
	req->overlay = (struct overlay_opts){ .redirect_dir = true, .noatime = true };
	return 1;
}

static int find(struct persist *p)
{
	int ret = store_search(&p->req.query, "live-boot", &p->candidates);

	if (ret == 0 && p->candidates.count == 0 && p->candidates.luks_locked) {
		log_warn("THE ENCRYPTED STORE %s STAYED LOCKED (no right passphrase): this session "
			 "runs on a temporary overlay and ITS CHANGES WILL BE LOST",
			 p->candidates.locked);
		snprintf(p->fallback, sizeof(p->fallback),
			 "the encrypted volume %.300s stayed locked: no right passphrase in %d tries",
			 p->candidates.locked, LUKS_TRIES);
	}
	return ret;
}

/* Reads persistence.conf at the store root, refusing symlinks out of it. */
static int read_conf(const char *store_mount, char **text, size_t *len)
{
	int fd = safepath_open_at(store_mount, "persistence.conf", O_RDONLY), ret = 0;
	ssize_t n;

	if (fd < 0)
		return fd;
	*text = malloc(PCONF_FILE_MAX + 1);
	if (!*text) {
		close(fd);
		return -ENOMEM;
	}
	*len = 0;
	while ((n = read(fd, *text + *len, PCONF_FILE_MAX + 1 - *len)) > 0)
		*len += n;
	if (n < 0)
		ret = -errno;
	else if (*len > PCONF_FILE_MAX)
		ret = -EFBIG;
	close(fd);
	if (ret < 0) {
		free(*text);
		*text = NULL;
	}
	return ret;
}

/* The volume's persistence.conf into p->conf; then "/ union" names the
 * root's upper and work. -ENOENT without persistence.conf. */
static int layout(struct persist *p)
{
	char rel_upper[PATH_MAX + 8], rel_work[PATH_MAX + 8], name[PATH_MAX + 32];
	const char *store_name = p->store.source;
	const struct pconf_entry *root;
	bool create = !p->opened.read_only;
	char *text = NULL;
	size_t text_len = 0;
	int ret;

	ret = read_conf(p->opened.mount, &text, &text_len);
	if (ret == -ENOENT) {
		log_warn("%s has no persistence.conf: live-boot ignores such a volume, and so do we. "
			 "To keep the whole system on it, write a persistence.conf holding the line "
			 "'/ union'", store_name);
		return ret;
	}
	if (ret < 0) {
		log_err("cannot read persistence.conf of %s: %s", store_name,
			ret == -EFBIG ? "larger than 64 KiB" : strerror(-ret));
		return ret;
	}
	snprintf(name, sizeof(name), "%s/persistence.conf", store_name);
	ret = pconf_parse(text, text_len, name, &p->conf);
	free(text);
	if (ret < 0)
		return ret;
	root = pconf_root_union(&p->conf);
	if (!root) {
		log_notice("%s has no '/ union' entry: the root is not persistent%s", name,
			   p->conf.count ? ", only the directories it lists" : "");
		if (!custom_mounts_any(&p->conf))
			return -ENODATA;
		p->custom_only = true;
		log_notice("the root overlay is on a tmpfs: only the directories listed in "
			   "persistence.conf are kept");
		return 0;
	}
	snprintf(rel_upper, sizeof(rel_upper), "%s%srw", root->source, *root->source ? "/" : "");
	snprintf(rel_work, sizeof(rel_work), "%s%swork", root->source, *root->source ? "/" : "");
	if (!create)
		return store_dirs(p->opened.mount, rel_upper, rel_work, false, p->store_lower,
				  p->work, sizeof(p->store_lower));
	return store_dirs(p->opened.mount, rel_upper, rel_work, true, p->upper, p->work,
			  sizeof(p->upper));
}

static int prepare(struct persist *p)
{
	int ret;

	/* Only a volume that is used gets emptied (live-boot removes from the
	 * volumes it activated); its layout is then read again. */
	if (!p->req.remove)
		return layout(p);
	if (p->opened.read_only) {
		log_warn("persistence-remove ignored: %s is used read-only", p->store.source);
		return layout(p);
	}
	ret = layout(p);
	if (ret < 0)
		return ret;
	kvlist_put(&p->report, "VTOY_STORE_REMOVE",
		   persistence_remove(p->opened.mount, p->store.source) < 0 ? "failed" : "done");
	pconf_free(&p->conf);
	p->custom_only = false;
	return layout(p);
}

/* The entries other than "/ union", once the root is mounted. */
static void extras(struct persist *p)
{
	char conf_name[PATH_MAX + 32], count[16];
	struct custom_mounts_ctx ctx = {
		.store_mount = p->opened.mount,
		.conf_name = conf_name,
		.root = p->opts->root,
		.lowerdir = p->medium.lowerdir,
		.run_dir = p->opts->run_dir,
		.read_only = p->opened.read_only,
	};
	int n;

	if (!p->store_open || !custom_mounts_any(&p->conf))
		return;
	snprintf(conf_name, sizeof(conf_name), "%s/persistence.conf", p->store.source);
	n = custom_mounts_activate(&p->conf, &ctx, &p->report);
	if (n < 0)
		log_err("custom mounts of %s not set up: %s", conf_name, strerror(-n));
	snprintf(count, sizeof(count), "%d", n < 0 ? 0 : n);
	kvlist_put(&p->report, "VTOY_CUSTOM_MOUNTS", count);
	if (n <= 0 && p->custom_only) {
		log_warn("persistence is NOT active: no directory of persistence.conf could be "
			 "set up, so this session's changes will be lost (see %s/log)",
			 p->opts->run_dir);
		snprintf(p->fallback, sizeof(p->fallback), "no custom mount could be set up");
		p->mode = "fallback-tmpfs";
		store_release(&p->candidates, &p->store, &p->opened, p->medium.data_mount);
		p->store_open = false;
	}
}

const struct convention conv_liveboot = {
	.name = "live-boot",
	.request = request,
	.find = find,
	.prepare = prepare,
	.extras = extras,
};
