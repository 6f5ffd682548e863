#include "kvlist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

int kvlist_add(struct kvlist *l, const char *key, size_t key_len, const char *value,
	       size_t value_len)
{
	struct kv *item;

	if (l->count == l->capacity) {
		size_t cap = l->capacity ? l->capacity * 2 : 16;
		struct kv *grown = realloc(l->items, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		l->items = grown;
		l->capacity = cap;
	}
	item = &l->items[l->count];
	item->key = strndup(key, key_len);
	item->value = value ? strndup(value, value_len) : NULL;
	if (!item->key || (value && !item->value)) {
		free(item->key);
		free(item->value);
		return -ENOMEM;
	}
	l->count++;
	return 0;
}

void kvlist_put(struct kvlist *l, const char *key, const char *value)
{
	if (value && kvlist_add(l, key, strlen(key), value, strlen(value)) < 0)
		log_warn("out of memory for the report line %s", key);
}

void kvlist_free(struct kvlist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

const struct kv *kvlist_next(const struct kvlist *l, const char *key, const struct kv *prev)
{
	size_t i = prev ? (size_t)(prev - l->items) + 1 : 0;

	for (; i < l->count; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return &l->items[i];
	return NULL;
}

const char *kvlist_get(const struct kvlist *l, const char *key)
{
	const char *value = NULL;
	const struct kv *kv = NULL;

	while ((kv = kvlist_next(l, key, kv)))
		value = kv->value;
	return value;
}

bool kvlist_has(const struct kvlist *l, const char *key)
{
	return kvlist_next(l, key, NULL) != NULL;
}

int kvfile_read(struct kvlist *l, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	if (!f)
		return -errno;
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *eq;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		eq = strchr(line, '=');
		if (len == 0 || line[0] == '#' || !eq || eq == line)
			continue;
		ret = kvlist_add(l, line, eq - line, eq + 1, strlen(eq + 1));
		if (ret < 0)
			break;
	}
	free(line);
	fclose(f);
	return ret;
}

int kvfile_write(const struct kvlist *l, const char *path)
{
	char tmp[4096];
	FILE *f;
	int ret = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < l->count; i++) {
		const struct kv *kv = &l->items[i];

		if (!kv->value)
			continue;
		if (strpbrk(kv->key, "=\n")) {
			ret = -EINVAL;
			break;
		}
		fprintf(f, "%s=", kv->key);
		for (const char *c = kv->value; *c; c++)
			fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, f);
		fputc('\n', f);
	}
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0)
		unlink(tmp);
	return ret;
}
