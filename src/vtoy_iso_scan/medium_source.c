#include "medium_source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmdline.h"
#include "log.h"
#include "safepath.h"

#define DEVSPEC_FORMS "/dev/NAME, LABEL=, CDLABEL=, UUID=, PARTUUID= or PARTLABEL="
#define FROMISO_FORMS "/dev/NAME or /dev/disk/by-{label,uuid,partuuid,partlabel}/NAME"

/* The options that name a medium, by precedence: the lowest rank present
 * wins; options of one rank are read together by one rule. */
static const struct medium_option {
	const char *key;
	int rank;
} medium_options[] = {
	{ "fromiso", 1 },
	{ "iso-scan/filename", 2 },
	{ "findiso", 2 },
	{ "img_loop", 3 },
	{ "img_dev", 3 },
	{ "img_label", 3 },
	{ "root", 4 },
	{ "archisolabel", 5 },
	{ "live-media", 6 },
};
#define RANK_SCAN 7

/* How the winner of each rank is named in "X ignored: Y= ..." lines. */
static const char *const winner_says[RANK_SCAN] = {
	[1] = "names the device and the ISO",
	[2] = "names the ISO",
	[3] = "names the ISO",
	[4] = "names the medium",
	[5] = "names the device",
	[6] = "names the device",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A value-taking option's value; NULL when absent, and when given empty or
 * without '=' (logged: such an option names nothing). */
static const char *option(const struct kvlist *c, const char *key)
{
	const char *value = kvlist_get(c, key);

	if (value && *value)
		return value;
	if (kvlist_has(c, key))
		log_warn("%s given without a value; ignored", key);
	return NULL;
}

/* 1 on, 0 off, -1 not understood. */
static int switch_value(const char *value, const char *const on[], const char *const off[])
{
	for (int i = 0; on[i]; i++)
		if (strcmp(value, on[i]) == 0)
			return 1;
	for (int i = 0; off[i]; i++)
		if (strcmp(value, off[i]) == 0)
			return 0;
	return -1;
}

static bool media_keyword(const char *value)
{
	return strcmp(value, "removable") == 0 || strcmp(value, "removable-usb") == 0;
}

/* The SPEC of root=live:SPEC; dracut also takes a plain root=SPEC as the
 * live device when rd.live.image is given. */
static const char *root_live_spec(const struct kvlist *c)
{
	const char *root = kvlist_get(c, "root");

	if (!root || !*root)
		return NULL;
	if (strncmp(root, "live:", 5) == 0)
		return root + 5;
	return cmdline_flag(c, "rd.live.image") ? root : NULL;
}

/* The value of a medium-naming option when it is present and does name a
 * medium; quiet, for the ignored-option report. */
static const char *naming_value(const struct kvlist *c, const char *key)
{
	const char *value = kvlist_get(c, key);

	if (!value || !*value)
		return NULL;
	if (strcmp(key, "root") == 0 && !root_live_spec(c))
		return NULL;
	if (strcmp(key, "live-media") == 0 && media_keyword(value))
		return NULL;
	return value;
}

static int check_iso_path(const char *key, const char *value, const char *path, char *why,
			  size_t why_len)
{
	if (path[0] == '/' && safepath_check(path) == 0)
		return 0;
	snprintf(why, why_len,
		 "%s=%s: the ISO must be an absolute path inside a partition, without "
		 "'.' or '..' components",
		 key, value);
	return -EINVAL;
}

/* forms: what the option accepts, for the message. */
static int parse_device(const char *key, const char *value, const char *text, const char *forms,
			struct medium_source *src, char *why, size_t why_len)
{
	int ret = devspec_parse(text, &src->device, src->spec_buf, sizeof(src->spec_buf));

	if (ret < 0) {
		snprintf(why, why_len,
			 "%s=%s: '%s' is not a device%s: give %s (a /dev/ path without empty, '.' "
			 "or '..' components)",
			 key, value, text, ret == -ENAMETOOLONG ? " (too long)" : "", forms);
		return -EINVAL;
	}
	src->where = MEDIUM_NAMED_DEVICE;
	return 0;
}

static void chosen(struct medium_source *src, const char *key, const char *value)
{
	src->key = key;
	src->value = value;
}

/* Each rule below returns 1 when its options chose the medium, 0 when they
 * are absent, or -EINVAL. */

/* fromiso=/dev/DEV/PATH.iso: DEV is one name under /dev/, or two under
 * /dev/disk/ (by-label/X...) and /dev/mapper/. */
static int from_fromiso(const struct kvlist *c, struct medium_source *src, char *why,
			size_t why_len)
{
	const char *value = option(c, "fromiso"), *p;
	int parts, ret;

	if (!value)
		return 0;
	if (strncmp(value, "/dev/", 5) != 0)
		goto malformed;
	p = value + 5;
	parts = strncmp(p, "disk/by-", 8) == 0 ? 3 : strncmp(p, "mapper/", 7) == 0 ? 2 : 1;
	for (int i = 0; i < parts; i++) {
		p = strchr(p, '/');
		if (!p)
			goto malformed;
		if (i + 1 < parts)
			p++;
	}
	if ((size_t)(p - value) >= sizeof(src->device_text)) {
		snprintf(why, why_len, "fromiso=%s: the device name is too long", value);
		return -EINVAL;
	}
	memcpy(src->device_text, value, p - value);
	src->device_text[p - value] = '\0';
	ret = parse_device("fromiso", value, src->device_text, FROMISO_FORMS, src, why, why_len);
	if (ret < 0 || (ret = check_iso_path("fromiso", value, p, why, why_len)) < 0)
		return ret;
	src->iso_path = p;
	chosen(src, "fromiso", value);
	return 1;
malformed:
	snprintf(why, why_len,
		 "fromiso=%s must be /dev/DEVICE/path/to.iso: the device, then the ISO's path "
		 "inside it",
		 value);
	return -EINVAL;
}

/* iso-scan/filename= (casper, dracut) and findiso= (live-boot). */
static int from_iso_file(const struct kvlist *c, struct medium_source *src, char *why,
			 size_t why_len)
{
	static const char *const keys[] = { "iso-scan/filename", "findiso", NULL };

	for (int i = 0; keys[i]; i++) {
		const char *value = option(c, keys[i]);

		if (!value)
			continue;
		if (src->iso_path) {
			if (strcmp(src->iso_path, value) != 0)
				log_warn("%s=%s and %s=%s disagree; using %s", src->key,
					 src->iso_path, keys[i], value, src->key);
			continue;
		}
		if (check_iso_path(keys[i], value, value, why, why_len) < 0)
			return -EINVAL;
		src->iso_path = value;
		chosen(src, keys[i], value);
	}
	return src->iso_path != NULL;
}

/* archiso: img_loop= is the ISO on img_dev= or on the partition labelled
 * img_label= (which archiso prefers when both are given). */
static int from_img_loop(const struct kvlist *c, struct medium_source *src, char *why,
			 size_t why_len)
{
	const char *loop = option(c, "img_loop"), *dev, *label;
	int ret;

	if (!loop)
		return 0;
	dev = option(c, "img_dev");
	label = option(c, "img_label");
	if ((ret = check_iso_path("img_loop", loop, loop, why, why_len)) < 0)
		return ret;
	src->iso_path = loop;
	chosen(src, "img_loop", loop);
	if (label) {
		if (dev)
			log_warn("img_dev=%s ignored: img_label=%s names the device, as in archiso",
				 dev, label);
		src->where = MEDIUM_NAMED_DEVICE;
		src->device.kind = DEVSPEC_LABEL;
		src->device.value = label;
	} else if (dev) {
		if ((ret = parse_device("img_dev", dev, dev, DEVSPEC_FORMS, src, why, why_len)) < 0)
			return ret;
	} else {
		log_warn("img_loop=%s without img_dev= or img_label=: searching every partition "
			 "for it",
			 loop);
	}
	return 1;
}

static bool ends_in_iso(const char *path)
{
	size_t len = strlen(path);

	return len > 4 && strcasecmp(path + len - 4, ".iso") == 0;
}

/* dracut: root=live:SPEC. A /PATH.iso is searched on every partition (dracut
 * itself loops a file already visible in the initramfs). */
static int from_root_live(const struct kvlist *c, struct medium_source *src, char *why,
			  size_t why_len)
{
	const char *spec = root_live_spec(c), *root = kvlist_get(c, "root");
	int ret;

	if (!spec)
		return 0;
	if (strstr(spec, "://")) {
		snprintf(why, why_len,
			 "root=%s: network live images (dracut's livenet) are not supported: copy "
			 "the ISO to a disk and give root=live:/path/to.iso",
			 root);
		return -EINVAL;
	}
	if (spec[0] == '/' && strncmp(spec, "/dev/", 5) != 0) {
		if (!ends_in_iso(spec)) {
			snprintf(why, why_len,
				 "root=%s: a live medium is a device (" DEVSPEC_FORMS
				 ") or an absolute path to an .iso file",
				 root);
			return -EINVAL;
		}
		if ((ret = check_iso_path("root", root, spec, why, why_len)) < 0)
			return ret;
		src->iso_path = spec;
	} else if ((ret = parse_device("root", root, spec, DEVSPEC_FORMS, src, why, why_len)) < 0) {
		return ret;
	}
	if (spec == root)
		log_info("root=%s taken as the live medium: rd.live.image is given (dracut's "
			 "older form of root=live:)",
			 root);
	chosen(src, "root", root);
	return 1;
}

/* archiso: archisolabel=L, the filesystem label of the medium. */
static int from_archisolabel(const struct kvlist *c, struct medium_source *src, char *why,
			     size_t why_len)
{
	const char *label = option(c, "archisolabel");

	(void)why;
	(void)why_len;
	if (!label)
		return 0;
	src->where = MEDIUM_NAMED_DEVICE;
	src->device.kind = DEVSPEC_LABEL;
	src->device.value = label;
	chosen(src, "archisolabel", label);
	return 1;
}

/* live-boot, casper: live-media=DEV (removable and removable-usb are
 * restrictions, read by apply_media). */
static int from_live_media(const struct kvlist *c, struct medium_source *src, char *why,
			   size_t why_len)
{
	const char *value = option(c, "live-media");
	int ret;

	if (!value || media_keyword(value))
		return 0;
	ret = parse_device("live-media", value, value, "removable, removable-usb, " DEVSPEC_FORMS,
			   src, why, why_len);
	if (ret < 0)
		return ret;
	chosen(src, "live-media", value);
	return 1;
}

static int rank_of(const char *key)
{
	for (size_t i = 0; i < COUNT(medium_options); i++)
		if (strcmp(medium_options[i].key, key) == 0)
			return medium_options[i].rank;
	return RANK_SCAN;
}

/* "live:" when root=live: chose the medium, to name it so in messages. */
static const char *live_prefix(const struct medium_source *src)
{
	return strcmp(src->key, "root") == 0 && strncmp(src->value, "live:", 5) == 0 ? "live:" : "";
}

/* Says why each other option naming a medium is not used. */
static void report_ignored(const struct kvlist *c, const struct medium_source *src)
{
	int winner = rank_of(src->key);

	for (size_t i = 0; i < COUNT(medium_options); i++) {
		const struct medium_option *o = &medium_options[i];
		const char *value = naming_value(c, o->key);

		if (o->rank == winner)
			continue;
		/* The rules above the winner's read (and reported) theirs. */
		if (!value && o->rank > winner) {
			const char *given = kvlist_get(c, o->key);

			if (kvlist_has(c, o->key) && (!given || !*given))
				log_warn("%s given without a value; ignored", o->key);
		}
		if (!value)
			continue;
		if ((strcmp(o->key, "img_dev") == 0 || strcmp(o->key, "img_label") == 0) &&
		    !naming_value(c, "img_loop"))
			log_warn("%s=%s ignored: archiso uses it only with img_loop=", o->key, value);
		else if (o->rank > winner)
			log_warn("%s=%s ignored: %s=%s %s", o->key, value, src->key,
				 live_prefix(src), winner_says[winner]);
	}
}

/* live-media=removable|removable-usb restricts a search of every device. */
static void apply_media(const struct kvlist *c, struct medium_source *src)
{
	const char *value = kvlist_get(c, "live-media");
	enum medium_media media;

	if (!value || !media_keyword(value))
		return;
	media = strcmp(value, "removable") == 0 ? MEDIUM_MEDIA_REMOVABLE
						: MEDIUM_MEDIA_REMOVABLE_USB;
	if (src->where == MEDIUM_NAMED_DEVICE) {
		log_warn("live-media=%s ignored: %s=%s names the device", value, src->key,
			 live_prefix(src));
		return;
	}
	src->media = media;
}

static int resolve_media_path(const struct kvlist *c, struct medium_source *src, char *why,
			      size_t why_len)
{
	static const char *const keys[] = { "live-media-path", "rd.live.dir", "archisobasedir",
					    NULL };

	for (int i = 0; keys[i]; i++) {
		const char *value = option(c, keys[i]);

		if (!value)
			continue;
		if (src->media_path) {
			if (strcmp(value, src->media_path) != 0)
				log_warn("%s=%s ignored: %s=%s names the image directory", keys[i],
					 value, src->media_path_key, src->media_path);
			continue;
		}
		if (safepath_check(value) < 0) {
			snprintf(why, why_len,
				 "%s=%s must be a plain path inside the medium, without '.' or "
				 "'..' components",
				 keys[i], value);
			return -EINVAL;
		}
		src->media_path = value;
		src->media_path_key = keys[i];
	}
	return 0;
}

/* An option naming one file in the image directory. */
static int single_name(const struct kvlist *c, const char *key, const char **out, char *why,
		       size_t why_len)
{
	const char *value = option(c, key);

	if (!value)
		return 0;
	if (safepath_check(value) < 0 || strchr(value, '/')) {
		snprintf(why, why_len,
			 "%s=%s must be a single file name, without '/' and not '.' or '..'", key,
			 value);
		return -EINVAL;
	}
	*out = value;
	return 0;
}

static void resolve_to_ram(const struct kvlist *c, struct medium_source *src)
{
	static const char *const yes[] = { "y", "yes", "1", NULL };
	static const char *const no[] = { "n", "no", "0", NULL };
	static const char *const keys[] = { "toram", "copytoram", "rd.live.ram" };
	const char *copytoram = kvlist_get(c, "copytoram");
	bool on[3];

	/* live-boot: toram=IMAGE copies one image; both ask for RAM. */
	on[0] = kvlist_has(c, "toram");
	on[1] = false;
	if (kvlist_has(c, "copytoram")) {
		int v = !copytoram ? 1 : switch_value(copytoram, yes, no);

		if (v < 0)
			log_warn("copytoram=%s not understood (y, yes, 1, n, no or 0): not copying "
				 "to RAM for it",
				 copytoram);
		on[1] = v > 0;
	}
	on[2] = cmdline_flag(c, "rd.live.ram");
	for (int i = 0; i < 3; i++) {
		if (on[i]) {
			src->to_ram = true;
			src->to_ram_key = keys[i];
			return;
		}
	}
}

/* live-media-timeout= else rootdelay=, in seconds; a malformed one is
 * logged and skipped. */
static long resolve_timeout(const struct kvlist *c)
{
	static const char *const keys[] = { "live-media-timeout", "rootdelay", NULL };

	for (int i = 0; keys[i]; i++) {
		const char *value = kvlist_get(c, keys[i]);
		long ms;

		if (!value || !*value)
			continue;
		ms = cmdline_seconds_ms(c, keys[i], -1);
		if (ms >= 0)
			return ms;
		log_warn("%s=%s ignored: not a number of seconds from 0 to 86400", keys[i], value);
	}
	return MEDIUM_TIMEOUT_DEFAULT_MS;
}

static void log_choice(const struct medium_source *src)
{
	static const char *const media[] = {
		[MEDIUM_MEDIA_ANY] = "",
		[MEDIUM_MEDIA_REMOVABLE] = " on removable devices",
		[MEDIUM_MEDIA_REMOVABLE_USB] = " on removable USB devices",
	};
	char device[300];

	if (src->where == MEDIUM_NAMED_DEVICE)
		devspec_describe(&src->device, device, sizeof(device));
	else
		snprintf(device, sizeof(device), "any partition%s", media[src->media]);
	if (!src->value)
		log_info("no live medium named: looking for a device that holds the live layout "
			 "itself%s",
			 media[src->media]);
	else if (src->iso_path)
		log_info("live medium: ISO %s on %s (%s=%s)", src->iso_path, device, src->key,
			 src->value);
	else
		log_info("live medium: the device %s (%s=%s)", device, src->key, src->value);
	if (src->to_ram)
		log_info("the medium is to be copied to RAM (%s)", src->to_ram_key);
}

int medium_source_resolve(const struct kvlist *cmdline, struct medium_source *src, char *why,
			  size_t why_len)
{
	/* by precedence */
	static int (*const rules[])(const struct kvlist *, struct medium_source *, char *,
				    size_t) = {
		from_fromiso, from_iso_file, from_img_loop, from_root_live, from_archisolabel,
		from_live_media,
	};
	int ret = 0;

	memset(src, 0, sizeof(*src));
	src->timeout_ms = resolve_timeout(cmdline);
	if ((ret = resolve_media_path(cmdline, src, why, why_len)) < 0 ||
	    (ret = single_name(cmdline, "rd.live.squashimg", &src->squashimg, why, why_len)) < 0 ||
	    (ret = single_name(cmdline, "layerfs-path", &src->layerfs_path, why, why_len)) < 0 ||
	    (ret = single_name(cmdline, "module", &src->module, why, why_len)) < 0)
		return ret;
	resolve_to_ram(cmdline, src);

	for (size_t i = 0; i < COUNT(rules) && ret == 0; i++)
		ret = rules[i](cmdline, src, why, why_len);
	if (ret < 0)
		return ret;
	if (ret == 0)
		chosen(src, "(scan)", NULL);
	report_ignored(cmdline, src);
	apply_media(cmdline, src);
	log_choice(src);
	return 0;
}
