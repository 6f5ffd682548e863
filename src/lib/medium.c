#include "medium.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvlist.h"
#include "log.h"

/* The keys of medium.env. Renaming one changes what tools in the running
 * system read: vtoy-iso-scan(8) documents them. */
#define K_SOURCE "VTOY_MEDIUM_SOURCE"
#define K_SOURCE_VALUE "VTOY_MEDIUM_SOURCE_VALUE"
#define K_ISO_PATH "VTOY_ISO_PATH"
#define K_DEVICE "VTOY_MEDIUM_DEVICE"
#define K_DISK "VTOY_MEDIUM_DISK"
#define K_FSTYPE "VTOY_MEDIUM_FSTYPE"
#define K_LABEL "VTOY_MEDIUM_LABEL"
#define K_UUID "VTOY_MEDIUM_UUID"
#define K_WHOLE_DISK "VTOY_MEDIUM_WHOLE_DISK"
#define K_DATA_MOUNT "VTOY_DATA_MOUNT"
#define K_DATA_LAST_SHUTDOWN "VTOY_DATA_LAST_SHUTDOWN"
#define K_ISO_DEVICE "VTOY_ISO_DEVICE"
#define K_ISO_LABEL "VTOY_ISO_LABEL"
#define K_ISO_UUID "VTOY_ISO_UUID"
#define K_MEDIUM_MOUNT "VTOY_MEDIUM_MOUNT"
#define K_ANCHOR "VTOY_MEDIUM_ANCHOR"
#define K_LAYOUT "VTOY_LAYOUT"
#define K_MEDIA_PATH "VTOY_MEDIA_PATH"
#define K_TORAM "VTOY_TORAM"
#define K_LAYERS "VTOY_LAYER_COUNT"
#define K_LOWERDIR "VTOY_LOWERDIR"
#define K_ROOT_IMAGES "VTOY_ROOT_IMAGES"
#define K_VENTOY "VTOY_VENTOY_ORIGIN"
#define K_VENTOY_MENU "VTOY_VENTOY_MENU"
#define K_VENTOY_MAP "VTOY_VENTOY_PERSISTENT_MAP"

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* "IMG_START-IMG_END:DISK_START-DISK_END" per chunk, ','-separated. */
static char *map_text(const struct ventoy_chunk *map, size_t n)
{
	size_t len = n * 90 + 1, used = 0;
	char *text = malloc(len);

	if (!text)
		return NULL;
	text[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(text + used, len - used, "%s%" PRIu32 "-%" PRIu32
					 ":%" PRIu64 "-%" PRIu64, i ? "," : "", map[i].img_start,
					 map[i].img_end, map[i].disk_start, map[i].disk_end);
	return text;
}

int medium_write(const struct medium *m, const char *path)
{
	struct kvlist kv = { 0 };
	char layers[16], *map = NULL;
	int ret;

	snprintf(layers, sizeof(layers), "%u", m->layers);
	kvlist_put(&kv, K_SOURCE, m->source);
	kvlist_put(&kv, K_SOURCE_VALUE, m->source_value);
	kvlist_put(&kv, K_ISO_PATH, m->iso_path);
	kvlist_put(&kv, K_DEVICE, m->device.node);
	kvlist_put(&kv, K_DISK, m->device.disk);
	kvlist_put(&kv, K_FSTYPE, m->device.fstype);
	kvlist_put(&kv, K_LABEL, m->device.label);
	kvlist_put(&kv, K_UUID, m->device.uuid);
	kvlist_put(&kv, K_WHOLE_DISK, yes_no(m->device.whole_disk));
	kvlist_put(&kv, K_DATA_MOUNT, m->data_mount);
	kvlist_put(&kv, K_DATA_LAST_SHUTDOWN, m->data_last_shutdown);
	kvlist_put(&kv, K_ISO_DEVICE, m->iso_device);
	kvlist_put(&kv, K_ISO_LABEL, m->iso_label);
	kvlist_put(&kv, K_ISO_UUID, m->iso_uuid);
	kvlist_put(&kv, K_MEDIUM_MOUNT, m->medium_mount);
	kvlist_put(&kv, K_ANCHOR, m->anchor);
	kvlist_put(&kv, K_LAYOUT, m->layout);
	kvlist_put(&kv, K_MEDIA_PATH, m->media_path);
	kvlist_put(&kv, K_TORAM, yes_no(m->toram));
	kvlist_put(&kv, K_LAYERS, layers);
	kvlist_put(&kv, K_LOWERDIR, m->lowerdir);
	kvlist_put(&kv, K_ROOT_IMAGES, m->root_images);
	if (m->ventoy.present) {
		kvlist_put(&kv, K_VENTOY, m->ventoy.origin);
		kvlist_put(&kv, K_VENTOY_MENU, yes_no(m->ventoy.menu));
		map = map_text(m->ventoy.persistent_map, m->ventoy.persistent_map_count);
		kvlist_put(&kv, K_VENTOY_MAP, map ? map : "");
	}
	/* Every field: a line per key even when empty, so readers see them all. */
	ret = kvfile_write(&kv, path);
	free(map);
	kvlist_free(&kv);
	return ret;
}

static void copy(char *out, size_t len, const struct kvlist *kv, const char *key)
{
	const char *value = kvlist_get(kv, key);

	snprintf(out, len, "%s", value ? value : "");
}

static bool is_yes(const struct kvlist *kv, const char *key)
{
	const char *value = kvlist_get(kv, key);

	return value && !strcmp(value, "yes");
}

static int parse_u64(const char **p, char end, uint64_t max, uint64_t *out)
{
	char *next;
	unsigned long long v;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(*p, &next, 10);
	if (errno || v > max || *next != end)
		return -EINVAL;
	*out = v;
	*p = next + (end ? 1 : 0);
	return 0;
}

static int parse_map(const char *text, struct medium_ventoy *v)
{
	size_t n = *text ? 1 : 0;
	const char *p = text;

	for (const char *c = text; *c; c++)
		n += *c == ',';
	v->persistent_map = n ? calloc(n, sizeof(*v->persistent_map)) : NULL;
	if (n && !v->persistent_map)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct ventoy_chunk *c = &v->persistent_map[i];
		uint64_t a, b;

		if (parse_u64(&p, '-', UINT32_MAX, &a) < 0 || parse_u64(&p, ':', UINT32_MAX, &b) < 0 ||
		    parse_u64(&p, '-', UINT64_MAX, &c->disk_start) < 0 ||
		    parse_u64(&p, i + 1 < n ? ',' : '\0', UINT64_MAX, &c->disk_end) < 0)
			return -EINVAL;
		c->img_start = (uint32_t)a;
		c->img_end = (uint32_t)b;
	}
	v->persistent_map_count = n;
	return 0;
}

int medium_read(const char *path, struct medium *m)
{
	struct kvlist kv = { 0 };
	const char *layers, *map;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = kvfile_read(&kv, path);
	if (ret < 0) {
		kvlist_free(&kv);
		return ret;
	}
	copy(m->source, sizeof(m->source), &kv, K_SOURCE);
	copy(m->source_value, sizeof(m->source_value), &kv, K_SOURCE_VALUE);
	copy(m->iso_path, sizeof(m->iso_path), &kv, K_ISO_PATH);
	copy(m->device.node, sizeof(m->device.node), &kv, K_DEVICE);
	copy(m->device.disk, sizeof(m->device.disk), &kv, K_DISK);
	copy(m->device.fstype, sizeof(m->device.fstype), &kv, K_FSTYPE);
	copy(m->device.label, sizeof(m->device.label), &kv, K_LABEL);
	copy(m->device.uuid, sizeof(m->device.uuid), &kv, K_UUID);
	m->device.whole_disk = is_yes(&kv, K_WHOLE_DISK);
	copy(m->data_mount, sizeof(m->data_mount), &kv, K_DATA_MOUNT);
	copy(m->data_last_shutdown, sizeof(m->data_last_shutdown), &kv, K_DATA_LAST_SHUTDOWN);
	copy(m->iso_device, sizeof(m->iso_device), &kv, K_ISO_DEVICE);
	copy(m->iso_label, sizeof(m->iso_label), &kv, K_ISO_LABEL);
	copy(m->iso_uuid, sizeof(m->iso_uuid), &kv, K_ISO_UUID);
	copy(m->medium_mount, sizeof(m->medium_mount), &kv, K_MEDIUM_MOUNT);
	copy(m->anchor, sizeof(m->anchor), &kv, K_ANCHOR);
	copy(m->layout, sizeof(m->layout), &kv, K_LAYOUT);
	copy(m->media_path, sizeof(m->media_path), &kv, K_MEDIA_PATH);
	m->toram = is_yes(&kv, K_TORAM);
	layers = kvlist_get(&kv, K_LAYERS);
	m->layers = layers ? (unsigned)strtoul(layers, NULL, 10) : 0;
	copy(m->lowerdir, sizeof(m->lowerdir), &kv, K_LOWERDIR);
	copy(m->root_images, sizeof(m->root_images), &kv, K_ROOT_IMAGES);
	m->ventoy.present = kvlist_get(&kv, K_VENTOY) != NULL;
	copy(m->ventoy.origin, sizeof(m->ventoy.origin), &kv, K_VENTOY);
	m->ventoy.menu = is_yes(&kv, K_VENTOY_MENU);
	map = kvlist_get(&kv, K_VENTOY_MAP);
	ret = map ? parse_map(map, &m->ventoy) : 0;
	if (ret < 0)
		log_err("%s: %s=%s is not a list of chunks", path, K_VENTOY_MAP, map);
	else if (!m->lowerdir[0] && (ret = -EINVAL) < 0)
		log_err("%s names no root image (%s): vtoy-iso-scan did not finish", path,
			K_LOWERDIR);
	kvlist_free(&kv);
	return ret;
}

void medium_free(struct medium *m)
{
	free(m->ventoy.persistent_map);
	m->ventoy.persistent_map = NULL;
	m->ventoy.persistent_map_count = 0;
}
