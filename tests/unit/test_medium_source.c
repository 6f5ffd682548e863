#include <errno.h>

#include "cmdline.h"
#include "medium_source.h"
#include "unit.h"

static int resolve(const char *text, struct medium_source *src, struct kvlist *c)
{
	char why[512];

	if (cmdline_parse(c, text) < 0)
		return -ENOMEM;
	return medium_source_resolve(c, src, why, sizeof(why));
}

static void iso_scan_filename(void)
{
	struct kvlist c = { 0 };
	struct medium_source src;

	CHECK_INT(resolve("boot=casper iso-scan/filename=\"/ISO images/u.iso\" persistent", &src, &c), 0);
	CHECK_INT(src.kind, MEDIUM_ISO_FILE);
	CHECK_STR(src.iso_path, "/ISO images/u.iso");
	CHECK_STR(src.iso_key, "iso-scan/filename");
	CHECK_STR(src.media_path, NULL);
	CHECK_INT(src.timeout_ms, MEDIUM_TIMEOUT_DEFAULT_MS);
	kvlist_free(&c);
}

static void findiso_is_a_synonym(void)
{
	struct kvlist c = { 0 };
	struct medium_source src;

	CHECK_INT(resolve("boot=live findiso=/debian.iso live-media-path=live", &src, &c), 0);
	CHECK_INT(src.kind, MEDIUM_ISO_FILE);
	CHECK_STR(src.iso_path, "/debian.iso");
	CHECK_STR(src.iso_key, "findiso");
	CHECK_STR(src.media_path, "live");
	kvlist_free(&c);
}

static void iso_scan_key_wins_on_disagreement(void)
{
	struct kvlist c = { 0 };
	struct medium_source src;

	CHECK_INT(resolve("findiso=/b.iso iso-scan/filename=/a.iso", &src, &c), 0);
	CHECK_STR(src.iso_path, "/a.iso");
	kvlist_free(&c);
}

static void bad_paths_refused(void)
{
	struct kvlist c = { 0 };
	struct medium_source src;

	CHECK_INT(resolve("iso-scan/filename=relative.iso", &src, &c), -EINVAL);
	kvlist_free(&c);
	CHECK_INT(resolve("findiso=/isos/../../x.iso", &src, &c), -EINVAL);
	kvlist_free(&c);
	CHECK_INT(resolve("findiso=/x.iso live-media-path=../casper", &src, &c), -EINVAL);
	kvlist_free(&c);
}

static void nothing_named(void)
{
	struct kvlist c = { 0 };
	struct medium_source src;

	CHECK_INT(resolve("quiet splash iso-scan/filename=", &src, &c), -ENOENT);
	CHECK_INT(src.kind, MEDIUM_NONE);
	kvlist_free(&c);
}

static void timeouts(void)
{
	struct kvlist c = { 0 };
	struct medium_source src;

	CHECK_INT(resolve("findiso=/x.iso rootdelay=7", &src, &c), 0);
	CHECK_INT(src.timeout_ms, 7000);
	kvlist_free(&c);
	CHECK_INT(resolve("findiso=/x.iso rootdelay=7 live-media-timeout=2", &src, &c), 0);
	CHECK_INT(src.timeout_ms, 2000);
	kvlist_free(&c);
}

const struct unit_test medium_source_tests[] = {
	UNIT_TEST(iso_scan_filename),
	UNIT_TEST(findiso_is_a_synonym),
	UNIT_TEST(iso_scan_key_wins_on_disagreement),
	UNIT_TEST(bad_paths_refused),
	UNIT_TEST(nothing_named),
	UNIT_TEST(timeouts),
	{ NULL, NULL },
};
