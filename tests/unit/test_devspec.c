#include <errno.h>

#include "devspec.h"
#include "unit.h"

static void parse_tags(void)
{
	static const struct {
		const char *text;
		enum devspec_kind kind;
		size_t value_at;
	} cases[] = {
		{ "CDLABEL=Fedora-WS-Live-39", DEVSPEC_LABEL, 8 },
		{ "LABEL=My Stick", DEVSPEC_LABEL, 6 },
		{ "UUID=2024-01-01-12-00-00-00", DEVSPEC_UUID, 5 },
		{ "PARTUUID=0a1b2c3d-01", DEVSPEC_PARTUUID, 9 },
		{ "PARTLABEL=Ventoy", DEVSPEC_PARTLABEL, 10 },
		{ "LABEL=a=b", DEVSPEC_LABEL, 6 },
	};
	struct devspec spec;
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(devspec_parse(cases[i].text, &spec, buf, sizeof(buf)), 0);
		CHECK_INT(spec.kind, cases[i].kind);
		CHECK(spec.value == buf); /* libblkid's copy, kept in buf */
		CHECK_STR(spec.value, cases[i].text + cases[i].value_at);
	}
}

/* Quoting as libblkid (and so mount(8) in fstab) reads it. */
static void parse_quoted_tags(void)
{
	static const struct {
		const char *text, *value;
	} cases[] = {
		{ "LABEL=\"My Stick\"", "My Stick" },
		{ "PARTLABEL='EFI System'", "EFI System" },
		{ "UUID=\"1234-ABCD\"", "1234-ABCD" },
		{ "LABEL=a\"b", "a\"b" }, /* a quote inside is kept */
	};
	struct devspec spec;
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(devspec_parse(cases[i].text, &spec, buf, sizeof(buf)), 0);
		CHECK_STR(spec.value, cases[i].value);
	}
	CHECK_INT(devspec_parse("LABEL=\"open", &spec, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(devspec_parse("LABEL=\"\"", &spec, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(devspec_parse("LABEL=LONGLABEL", &spec, buf, 9), -ENAMETOOLONG);
	CHECK_INT(devspec_parse("LABEL=LONGLABEL", &spec, buf, 10), 0);
}

static void parse_paths(void)
{
	static const char *const paths[] = { "/dev/sdb1", "/dev/nvme0n1p2", "/dev/sr0",
					     "/dev/mapper/luks-1", "/dev/disk/by-id/usb-X_Y-0:0-part1",
					     "/dev/disk/by-path/pci-0000:00:14.0-usb-0:1:1.0-scsi-0:0:0:0" };
	struct devspec spec;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		CHECK_INT(devspec_parse(paths[i], &spec, NULL, 0), 0);
		CHECK_INT(spec.kind, DEVSPEC_PATH);
		CHECK(spec.value == paths[i]);
	}
}

static void parse_udev_links(void)
{
	static const struct {
		const char *text;
		enum devspec_kind kind;
		const char *value;
	} cases[] = {
		{ "/dev/disk/by-label/STICK", DEVSPEC_LABEL, "STICK" },
		{ "/dev/disk/by-label/My\\x20Stick", DEVSPEC_LABEL, "My Stick" },
		{ "/dev/disk/by-label/a\\x2fb\\x2Fc", DEVSPEC_LABEL, "a/b/c" },
		{ "/dev/disk/by-label/back\\slash", DEVSPEC_LABEL, "back\\slash" },
		{ "/dev/disk/by-label/short\\x2", DEVSPEC_LABEL, "short\\x2" },
		{ "/dev/disk/by-label/\\xc3\\xa9t\\xc3\\xa9", DEVSPEC_LABEL, "\xc3\xa9t\xc3\xa9" },
		{ "/dev/disk/by-uuid/1234-ABCD", DEVSPEC_UUID, "1234-ABCD" },
		{ "/dev/disk/by-partuuid/0a1b2c3d-01", DEVSPEC_PARTUUID, "0a1b2c3d-01" },
		{ "/dev/disk/by-partlabel/EFI\\x20System", DEVSPEC_PARTLABEL, "EFI System" },
	};
	struct devspec spec;
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(devspec_parse(cases[i].text, &spec, buf, sizeof(buf)), 0);
		CHECK_INT(spec.kind, cases[i].kind);
		CHECK(spec.value == buf);
		CHECK_STR(spec.value, cases[i].value);
	}
}

static void parse_invalid(void)
{
	static const char *const bad[] = {
		"", "LABEL=", "CDLABEL=", "UUID=", "PARTUUID=", "PARTLABEL=", "label=x", "sdb1",
		"/mnt/x", "/dev", "/dev/", "/dev/../etc/passwd", "/dev/./sda", "/dev/sda/..",
		"/dev//sda", "/dev/sda/", "/dev/sd\na", "/dev/disk/by-label/",
		"/dev/disk/by-label/a/b", "/dev/disk/by-label/x\\x00y", "/dev/disk/by-uuid/../sda",
	};
	struct devspec spec;
	char buf[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (devspec_parse(bad[i], &spec, buf, sizeof(buf)) != -EINVAL) {
			fprintf(stderr, "  accepted: \"%s\"\n", bad[i]);
			CHECK(0);
		}
	}
	CHECK_INT(devspec_parse("/dev/disk/by-label/LONGLABEL", &spec, buf, 9), -ENAMETOOLONG);
	CHECK_INT(devspec_parse("/dev/disk/by-label/LONGLABEL", &spec, buf, 10), 0);
	CHECK_INT(devspec_parse("/dev/disk/by-label/X", &spec, NULL, 0), -ENAMETOOLONG);
}

static const struct blkdev stick = {
	.name = "sdb1",
	.node = "/dev/sdb1",
	.disk = "sdb",
	.is_partition = true,
	.fstype = "exfat",
	.label = "Ventoy",
	.uuid = "1234-ABCD",
	.part_name = "Data Part",
	.part_uuid = "0a1b2c3d-01",
};

static bool matches(const char *text)
{
	struct devspec spec;
	char buf[64];

	return devspec_parse(text, &spec, buf, sizeof(buf)) == 0 && devspec_matches(&spec, &stick);
}

static void match_rules(void)
{
	CHECK(matches("/dev/sdb1"));
	CHECK(!matches("/dev/sdb"));
	CHECK(!matches("/dev/sdb11"));
	CHECK(matches("LABEL=Ventoy"));
	CHECK(matches("CDLABEL=Ventoy"));
	CHECK(matches("/dev/disk/by-label/Ventoy"));
	CHECK(!matches("LABEL=ventoy"));	/* labels are case-sensitive, as in blkid */
	CHECK(!matches("LABEL=Vent"));
	CHECK(matches("UUID=1234-ABCD"));
	CHECK(matches("UUID=1234-abcd")); /* UUIDs are not */
	CHECK(matches("/dev/disk/by-uuid/1234-abcd"));
	CHECK(!matches("UUID=1234-ABCE"));
	CHECK(matches("PARTUUID=0A1B2C3D-01"));
	CHECK(matches("/dev/disk/by-partuuid/0a1b2c3d-01"));
	CHECK(!matches("PARTUUID=0a1b2c3d-02"));
	CHECK(!matches("UUID=0a1b2c3d-01")); /* the partition's UUID is not the filesystem's */
	CHECK(matches("PARTLABEL=Data Part"));
	CHECK(matches("/dev/disk/by-partlabel/Data\\x20Part"));
	CHECK(!matches("PARTLABEL=data part"));
	CHECK(!matches("LABEL=Data Part")); /* the GPT name is not the filesystem label */
	CHECK(!matches("/dev/disk/by-id/usb-Stick-part1"));
}

static void match_by_name_and_empty_fields(void)
{
	struct blkdev bare = { .name = "sr0" }; /* no node recorded, nothing probed */
	struct devspec spec = { DEVSPEC_PATH, "/dev/sr0" };

	CHECK(devspec_matches(&spec, &bare));
	spec.value = "/dev/sr1";
	CHECK(!devspec_matches(&spec, &bare));
	/* Empty fields match nothing, even a hand-made empty value. */
	for (int kind = DEVSPEC_LABEL; kind <= DEVSPEC_PARTLABEL; kind++) {
		spec.kind = kind;
		spec.value = "";
		CHECK(!devspec_matches(&spec, &bare));
	}
}

static void describe(void)
{
	static const struct {
		const char *text, *shown;
	} cases[] = {
		{ "/dev/sdb1", "/dev/sdb1" },
		{ "CDLABEL=Fedora", "LABEL=Fedora" },
		{ "/dev/disk/by-label/My\\x20Stick", "LABEL=My Stick" },
		{ "UUID=1234-ABCD", "UUID=1234-ABCD" },
		{ "PARTUUID=0a1b2c3d-01", "PARTUUID=0a1b2c3d-01" },
		{ "/dev/disk/by-partlabel/Ventoy", "PARTLABEL=Ventoy" },
	};
	struct devspec spec;
	char buf[64], out[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(devspec_parse(cases[i].text, &spec, buf, sizeof(buf)), 0);
		CHECK_STR(devspec_describe(&spec, out, sizeof(out)), cases[i].shown);
	}
	CHECK_STR(devspec_describe(&spec, out, 5), "PART"); /* truncated, terminated */
}

const struct unit_test devspec_tests[] = {
	UNIT_TEST(parse_tags),
	UNIT_TEST(parse_quoted_tags),
	UNIT_TEST(parse_paths),
	UNIT_TEST(parse_udev_links),
	UNIT_TEST(parse_invalid),
	UNIT_TEST(match_rules),
	UNIT_TEST(match_by_name_and_empty_fields),
	UNIT_TEST(describe),
	{ NULL, NULL },
};
