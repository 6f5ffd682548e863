#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "medium_locate.h"
#include "medium_source.h"
#include "unit.h"

/* One resolution: the source, the reason of a refusal, and what was logged
 * (stderr, where the log goes without log_init, captured). Static, so that a
 * failed CHECK leaks nothing: the next resolution frees the previous one. */
struct run {
	struct kvlist cmdline;
	struct medium_source src;
	char why[512];
	char log[8192];
};

static struct run *resolve(const char *text, int *ret)
{
	static struct run r;
	FILE *captured = tmpfile();
	int saved_stderr;
	size_t n;

	kvlist_free(&r.cmdline);
	memset(&r, 0, sizeof(r));
	if (!captured || cmdline_parse(&r.cmdline, text) < 0)
		abort();
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(captured), STDERR_FILENO);
	*ret = medium_source_resolve(&r.cmdline, &r.src, r.why, sizeof(r.why));
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(captured);
	n = fread(r.log, 1, sizeof(r.log) - 1, captured);
	r.log[n] = '\0';
	fclose(captured);
	return &r;
}

/* Checks a resolution; on failure prints the command line and the log. */
#define RESOLVE(r, text, want)                                                         \
	do {                                                                           \
		int ret_;                                                              \
		r = resolve(text, &ret_);                                              \
		if (ret_ != (want)) {                                                  \
			fprintf(stderr, "  %s:%d: \"%s\" gave %d, want %d (%s)\n%s",   \
				__FILE__, __LINE__, text, ret_, (want), r->why, r->log);  \
			unit_failed = 1;                                               \
			return;                                                        \
		}                                                                      \
	} while (0)

#define CHECK_LOGGED(r, text)                                                          \
	do {                                                                           \
		if (!strstr((r)->log, text)) {                                         \
			fprintf(stderr, "  %s:%d: log lacks \"%s\":\n%s", __FILE__,    \
				__LINE__, text, (r)->log);                             \
			unit_failed = 1;                                               \
			return;                                                        \
		}                                                                      \
	} while (0)

#define CHECK_NOT_LOGGED(r, text)                                                      \
	do {                                                                           \
		if (strstr((r)->log, text)) {                                          \
			fprintf(stderr, "  %s:%d: log has \"%s\":\n%s", __FILE__,      \
				__LINE__, text, (r)->log);                             \
			unit_failed = 1;                                               \
			return;                                                        \
		}                                                                      \
	} while (0)

static void iso_scan_filename(void)
{
	struct run *r;

	RESOLVE(r, "boot=casper iso-scan/filename=\"/ISO images/u.iso\" persistent", 0);
	CHECK_INT(r->src.where, MEDIUM_ANY_DEVICE);
	CHECK_INT(r->src.media, MEDIUM_MEDIA_ANY);
	CHECK_STR(r->src.iso_path, "/ISO images/u.iso");
	CHECK_STR(r->src.key, "iso-scan/filename");
	CHECK_STR(r->src.value, "/ISO images/u.iso");
	CHECK_STR(r->src.media_path, NULL);
	CHECK_STR(r->src.squashimg, NULL);
	CHECK_STR(r->src.layerfs_path, NULL);
	CHECK_STR(r->src.module, NULL);
	CHECK(!r->src.to_ram);
	CHECK_INT(r->src.timeout_ms, MEDIUM_TIMEOUT_DEFAULT_MS);
	CHECK_NOT_LOGGED(r, "WARNING");
}

static void findiso_is_a_synonym(void)
{
	struct run *r;

	RESOLVE(r, "boot=live findiso=/debian.iso live-media-path=live", 0);
	CHECK_INT(r->src.where, MEDIUM_ANY_DEVICE);
	CHECK_STR(r->src.iso_path, "/debian.iso");
	CHECK_STR(r->src.key, "findiso");
	CHECK_STR(r->src.media_path, "live");
	CHECK_STR(r->src.media_path_key, "live-media-path");
}

static void iso_scan_key_wins_on_disagreement(void)
{
	struct run *r;

	RESOLVE(r, "findiso=/b.iso iso-scan/filename=/a.iso", 0);
	CHECK_STR(r->src.iso_path, "/a.iso");
	CHECK_STR(r->src.key, "iso-scan/filename");
	CHECK_LOGGED(r, "iso-scan/filename=/a.iso and findiso=/b.iso disagree; using iso-scan/filename");
	RESOLVE(r, "findiso=/a.iso iso-scan/filename=/a.iso", 0);
	CHECK_NOT_LOGGED(r, "WARNING");
}

static void fromiso_partition(void)
{
	struct run *r;

	RESOLVE(r, "boot=live fromiso=/dev/sdb1/isos/debian-live.iso", 0);
	CHECK_INT(r->src.where, MEDIUM_NAMED_DEVICE);
	CHECK_INT(r->src.device.kind, DEVSPEC_PATH);
	CHECK_STR(r->src.device.value, "/dev/sdb1");
	CHECK_STR(r->src.iso_path, "/isos/debian-live.iso");
	CHECK_STR(r->src.key, "fromiso");
	CHECK_STR(r->src.value, "/dev/sdb1/isos/debian-live.iso");
	RESOLVE(r, "fromiso=/dev/nvme0n1p2/live.iso", 0);
	CHECK_INT(r->src.device.kind, DEVSPEC_PATH);
	CHECK_STR(r->src.device.value, "/dev/nvme0n1p2");
	CHECK_STR(r->src.iso_path, "/live.iso");
	RESOLVE(r, "fromiso=/dev/mapper/data-iso/a/b.iso", 0);
	CHECK_INT(r->src.device.kind, DEVSPEC_PATH);
	CHECK_STR(r->src.device.value, "/dev/mapper/data-iso");
	CHECK_STR(r->src.iso_path, "/a/b.iso");
}

static void fromiso_udev_links(void)
{
	struct run *r;

	RESOLVE(r, "fromiso=/dev/disk/by-label/STICK/iso/x.iso", 0);
	CHECK_INT(r->src.where, MEDIUM_NAMED_DEVICE);
	CHECK_INT(r->src.device.kind, DEVSPEC_LABEL);
	CHECK_STR(r->src.device.value, "STICK");
	CHECK_STR(r->src.iso_path, "/iso/x.iso");
	RESOLVE(r, "fromiso=/dev/disk/by-label/My\\x20Stick/x.iso", 0);
	CHECK_STR(r->src.device.value, "My Stick");
	CHECK_STR(r->src.iso_path, "/x.iso");
	RESOLVE(r, "fromiso=/dev/disk/by-uuid/1234-ABCD/x.iso", 0);
	CHECK_INT(r->src.device.kind, DEVSPEC_UUID);
	CHECK_STR(r->src.device.value, "1234-ABCD");
	RESOLVE(r, "fromiso=/dev/disk/by-partuuid/0a1b2c3d-01/x.iso", 0);
	CHECK_INT(r->src.device.kind, DEVSPEC_PARTUUID);
	RESOLVE(r, "fromiso=/dev/disk/by-partlabel/Data/x.iso", 0);
	CHECK_INT(r->src.device.kind, DEVSPEC_PARTLABEL);
	CHECK_STR(r->src.device.value, "Data");
}

static void fromiso_malformed(void)
{
	static const char *const bad[] = {
		"fromiso=/isos/x.iso",		    /* no device */
		"fromiso=/dev/sdb1",		    /* no ISO */
		"fromiso=/dev/disk/by-label/STICK", /* no ISO */
		"fromiso=/dev/mapper/x",	    /* no ISO */
		"fromiso=sdb1/x.iso",
		"fromiso=/dev//x.iso",
		"fromiso=/dev/../x.iso",
		"fromiso=/dev/sdb1/../x.iso",
		"fromiso=/dev/sdb1/isos/./x.iso",
		"fromiso=/dev/disk/by-label/x\\x00y/x.iso",
	};
	struct run *r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RESOLVE(r, bad[i], -EINVAL);
		CHECK(strstr(r->why, bad[i]));
	}
}

static void img_loop_with_device(void)
{
	struct run *r;

	RESOLVE(r, "img_dev=/dev/disk/by-uuid/1234-ABCD img_loop=/arch/archlinux.iso", 0);
	CHECK_INT(r->src.where, MEDIUM_NAMED_DEVICE);
	CHECK_INT(r->src.device.kind, DEVSPEC_UUID);
	CHECK_STR(r->src.device.value, "1234-ABCD");
	CHECK_STR(r->src.iso_path, "/arch/archlinux.iso");
	CHECK_STR(r->src.key, "img_loop");
	CHECK_STR(r->src.value, "/arch/archlinux.iso");
	CHECK_NOT_LOGGED(r, "WARNING");
	RESOLVE(r, "img_dev=/dev/sdc1 img_loop=/a.iso", 0);
	CHECK_INT(r->src.device.kind, DEVSPEC_PATH);
	CHECK_STR(r->src.device.value, "/dev/sdc1");
	RESOLVE(r, "img_label=DATA img_loop=/a.iso", 0);
	CHECK_INT(r->src.where, MEDIUM_NAMED_DEVICE);
	CHECK_INT(r->src.device.kind, DEVSPEC_LABEL);
	CHECK_STR(r->src.device.value, "DATA");
	/* archiso prefers img_label= */
	RESOLVE(r, "img_dev=/dev/sdc1 img_label=DATA img_loop=/a.iso", 0);
	CHECK_STR(r->src.device.value, "DATA");
	CHECK_LOGGED(r, "img_dev=/dev/sdc1 ignored: img_label=DATA names the device");
	RESOLVE(r, "img_dev=sdc1 img_loop=/a.iso", -EINVAL);
	CHECK(strstr(r->why, "img_dev=sdc1"));
	RESOLVE(r, "img_label=DATA img_loop=a.iso", -EINVAL);
	CHECK(strstr(r->why, "img_loop=a.iso"));
}

static void img_loop_alone_searches_everywhere(void)
{
	struct run *r;

	RESOLVE(r, "img_loop=/a.iso", 0);
	CHECK_INT(r->src.where, MEDIUM_ANY_DEVICE);
	CHECK_STR(r->src.iso_path, "/a.iso");
	CHECK_STR(r->src.key, "img_loop");
	CHECK_LOGGED(r, "img_loop=/a.iso without img_dev= or img_label=");
}

static void img_dev_without_img_loop_ignored(void)
{
	struct run *r;

	RESOLVE(r, "img_dev=/dev/sdb1", 0);
	CHECK_STR(r->src.key, "(scan)");
	CHECK_LOGGED(r, "img_dev=/dev/sdb1 ignored: archiso uses it only with img_loop=");
	RESOLVE(r, "img_label=DATA archisolabel=ARCH", 0);
	CHECK_STR(r->src.key, "archisolabel");
	CHECK_LOGGED(r, "img_label=DATA ignored: archiso uses it only with img_loop=");
	RESOLVE(r, "findiso=/x.iso img_label=DATA", 0);
	CHECK_LOGGED(r, "img_label=DATA ignored: archiso uses it only with img_loop=");
}

static void root_live_devices(void)
{
	static const struct {
		const char *text;
		enum devspec_kind kind;
		const char *value;
	} cases[] = {
		{ "root=live:CDLABEL=Fedora-WS-Live-40 rd.live.image", DEVSPEC_LABEL, "Fedora-WS-Live-40" },
		{ "root=live:LABEL=LIVE", DEVSPEC_LABEL, "LIVE" },
		{ "root=live:UUID=2024-04-01-00-00-00-00", DEVSPEC_UUID, "2024-04-01-00-00-00-00" },
		{ "root=live:PARTUUID=0a1b2c3d-01", DEVSPEC_PARTUUID, "0a1b2c3d-01" },
		{ "root=live:PARTLABEL=Live", DEVSPEC_PARTLABEL, "Live" },
		{ "root=live:/dev/sr0", DEVSPEC_PATH, "/dev/sr0" },
		{ "root=live:/dev/disk/by-label/Fedora\\x20Live", DEVSPEC_LABEL, "Fedora Live" },
		/* dracut's older form: a plain root= with rd.live.image */
		{ "rd.live.image root=CDLABEL=Fedora", DEVSPEC_LABEL, "Fedora" },
	};
	struct run *r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		RESOLVE(r, cases[i].text, 0);
		CHECK_INT(r->src.where, MEDIUM_NAMED_DEVICE);
		CHECK_INT(r->src.device.kind, cases[i].kind);
		CHECK_STR(r->src.device.value, cases[i].value);
		CHECK_STR(r->src.iso_path, NULL);
		CHECK_STR(r->src.key, "root");
		CHECK(strstr(cases[i].text, r->src.value));
	}
	CHECK_STR(r->src.value, "CDLABEL=Fedora");
	CHECK_LOGGED(r, "rd.live.image is given");
}

static void root_live_iso_file(void)
{
	struct run *r;

	RESOLVE(r, "root=live:/isos/Fedora-Live.ISO rd.live.image", 0);
	CHECK_INT(r->src.where, MEDIUM_ANY_DEVICE);
	CHECK_STR(r->src.iso_path, "/isos/Fedora-Live.ISO");
	CHECK_STR(r->src.key, "root");
	CHECK_STR(r->src.value, "live:/isos/Fedora-Live.ISO");
}

static void root_live_malformed(void)
{
	static const char *const bad[] = {
		"root=live:", "root=live:/LiveOS/squashfs.img", "root=live:http://host/x.iso",
		"root=live:sr0", "root=live:/dev/../sda1", "root=live:/isos/../x.iso",
		"root=live:LABEL=", "rd.live.image root=/x/../y.iso",
	};
	struct run *r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RESOLVE(r, bad[i], -EINVAL);
		CHECK(strstr(r->why, strstr(bad[i], "root=")));
	}
}

static void root_not_live_is_not_a_medium(void)
{
	static const char *const cases[] = {
		"root=/dev/sda2", "root=UUID=1234 ro", "rd.live.image",
		"rd.live.image=0 root=CDLABEL=X", "rd.live.image=no root=/dev/sr0",
	};
	struct run *r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		RESOLVE(r, cases[i], 0);
		CHECK_INT(r->src.where, MEDIUM_ANY_DEVICE);
		CHECK_STR(r->src.key, "(scan)");
		CHECK_NOT_LOGGED(r, "WARNING");
	}
}

static void archisolabel(void)
{
	struct run *r;

	RESOLVE(r, "archisobasedir=arch archisolabel=ARCH_202405", 0);
	CHECK_INT(r->src.where, MEDIUM_NAMED_DEVICE);
	CHECK_INT(r->src.device.kind, DEVSPEC_LABEL);
	CHECK_STR(r->src.device.value, "ARCH_202405");
	CHECK_STR(r->src.iso_path, NULL);
	CHECK_STR(r->src.key, "archisolabel");
	CHECK_STR(r->src.media_path, "arch");
	CHECK_STR(r->src.media_path_key, "archisobasedir");
}

static void live_media_device(void)
{
	struct run *r;

	RESOLVE(r, "boot=live live-media=/dev/sdb", 0);
	CHECK_INT(r->src.where, MEDIUM_NAMED_DEVICE);
	CHECK_INT(r->src.device.kind, DEVSPEC_PATH);
	CHECK_STR(r->src.device.value, "/dev/sdb");
	CHECK_STR(r->src.iso_path, NULL);
	CHECK_STR(r->src.key, "live-media");
	RESOLVE(r, "live-media=LABEL=LIVE", 0);
	CHECK_INT(r->src.device.kind, DEVSPEC_LABEL);
	CHECK_STR(r->src.device.value, "LIVE");
	RESOLVE(r, "live-media=/dev/disk/by-label/My\\x20Stick", 0);
	CHECK_STR(r->src.device.value, "My Stick");
	RESOLVE(r, "live-media=sdb", -EINVAL);
	CHECK(strstr(r->why, "live-media=sdb"));
}

static void live_media_removable_restricts(void)
{
	struct run *r;

	RESOLVE(r, "boot=live live-media=removable", 0);
	CHECK_INT(r->src.where, MEDIUM_ANY_DEVICE);
	CHECK_INT(r->src.media, MEDIUM_MEDIA_REMOVABLE);
	CHECK_STR(r->src.key, "(scan)");
	CHECK_STR(r->src.iso_path, NULL);
	RESOLVE(r, "live-media=removable-usb findiso=/x.iso", 0);
	CHECK_INT(r->src.where, MEDIUM_ANY_DEVICE);
	CHECK_INT(r->src.media, MEDIUM_MEDIA_REMOVABLE_USB);
	CHECK_STR(r->src.key, "findiso");
	CHECK_NOT_LOGGED(r, "WARNING");
	/* A named device is not restricted. */
	RESOLVE(r, "live-media=removable fromiso=/dev/sda1/x.iso", 0);
	CHECK_INT(r->src.where, MEDIUM_NAMED_DEVICE);
	CHECK_INT(r->src.media, MEDIUM_MEDIA_ANY);
	CHECK_LOGGED(r, "live-media=removable ignored: fromiso= names the device");
}

static void precedence(void)
{
	static const struct {
		const char *text, *key, *warning;
	} cases[] = {
		{ "findiso=/b.iso fromiso=/dev/sdb1/a.iso", "fromiso",
		  "findiso=/b.iso ignored: fromiso= names the device and the ISO" },
		{ "fromiso=/dev/sdb1/a.iso iso-scan/filename=/b.iso", "fromiso",
		  "iso-scan/filename=/b.iso ignored: fromiso= names the device and the ISO" },
		{ "img_dev=/dev/sdb1 img_loop=/b.iso iso-scan/filename=/a.iso", "iso-scan/filename",
		  "img_loop=/b.iso ignored: iso-scan/filename= names the ISO" },
		{ "iso-scan/filename=/a.iso img_dev=/dev/sdb1 img_loop=/b.iso", "iso-scan/filename",
		  "img_dev=/dev/sdb1 ignored: iso-scan/filename= names the ISO" },
		{ "iso-scan/filename=/a.iso root=live:CDLABEL=X", "iso-scan/filename",
		  "root=live:CDLABEL=X ignored: iso-scan/filename= names the ISO" },
		{ "findiso=/a.iso root=live:CDLABEL=X", "findiso",
		  "root=live:CDLABEL=X ignored: findiso= names the ISO" },
		{ "root=live:LABEL=X img_label=D img_loop=/a.iso", "img_loop",
		  "root=live:LABEL=X ignored: img_loop= names the ISO" },
		{ "archisolabel=A root=live:LABEL=X", "root",
		  "archisolabel=A ignored: root=live: names the medium" },
		{ "rd.live.image root=LABEL=X live-media=/dev/sdb", "root",
		  "live-media=/dev/sdb ignored: root= names the medium" },
		{ "archisolabel=A live-media=/dev/sdb", "archisolabel",
		  "live-media=/dev/sdb ignored: archisolabel= names the device" },
		{ "fromiso=/dev/sdb1/a.iso live-media=LABEL=L archisolabel=A", "fromiso",
		  "archisolabel=A ignored: fromiso= names the device and the ISO" },
	};
	struct run *r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		RESOLVE(r, cases[i].text, 0);
		CHECK_STR(r->src.key, cases[i].key);
		CHECK_LOGGED(r, cases[i].warning);
	}
	/* every ignored option is named, not only the first */
	CHECK_LOGGED(r, "live-media=LABEL=L ignored: fromiso=");
}

static void ignored_options_are_not_checked(void)
{
	struct run *r;

	RESOLVE(r, "findiso=/x.iso root=live:nonsense img_dev=sdx", 0);
	CHECK_STR(r->src.key, "findiso");
	CHECK_LOGGED(r, "root=live:nonsense ignored: findiso= names the ISO");
	CHECK_LOGGED(r, "img_dev=sdx ignored");
}

static void empty_values_name_nothing(void)
{
	struct run *r;

	RESOLVE(r, "quiet splash iso-scan/filename= findiso", 0);
	CHECK_STR(r->src.key, "(scan)");
	CHECK_LOGGED(r, "iso-scan/filename given without a value; ignored");
	CHECK_LOGGED(r, "findiso given without a value; ignored");
	RESOLVE(r, "fromiso=/dev/sda1/x.iso archisolabel=", 0);
	CHECK_STR(r->src.key, "fromiso");
	CHECK_LOGGED(r, "archisolabel given without a value; ignored");
	RESOLVE(r, "findiso=/x.iso live-media-path= rd.live.dir=LiveOS", 0);
	CHECK_STR(r->src.media_path, "LiveOS");
	CHECK_LOGGED(r, "live-media-path given without a value; ignored");
}

static void plain_scan(void)
{
	struct run *r;

	RESOLVE(r, "quiet splash boot=live", 0);
	CHECK_INT(r->src.where, MEDIUM_ANY_DEVICE);
	CHECK_INT(r->src.media, MEDIUM_MEDIA_ANY);
	CHECK_STR(r->src.iso_path, NULL);
	CHECK_STR(r->src.key, "(scan)");
	CHECK_STR(r->src.value, NULL);
	CHECK_NOT_LOGGED(r, "WARNING");
	CHECK_LOGGED(r, "no live medium named");
}

static void to_ram_variants(void)
{
	static const struct {
		const char *text;
		const char *key; /* NULL: not to RAM */
	} cases[] = {
		{ "", NULL },
		{ "toram", "toram" },
		{ "toram=filesystem.squashfs", "toram" },
		{ "copytoram", "copytoram" },
		{ "copytoram=y", "copytoram" },
		{ "copytoram=yes", "copytoram" },
		{ "copytoram=1", "copytoram" },
		{ "copytoram=n", NULL },
		{ "copytoram=no", NULL },
		{ "copytoram=0", NULL },
		{ "rd.live.ram", "rd.live.ram" },
		{ "rd.live.ram=1", "rd.live.ram" },
		{ "rd.live.ram=0", NULL },
		{ "rd.live.ram=no", NULL },
		{ "copytoram=n toram", "toram" },
		{ "rd.live.ram copytoram=y", "copytoram" },
		{ "copytoram copytoram=n", NULL }, /* the last occurrence counts */
		{ "copytoram=maybe", NULL },
	};
	struct run *r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		RESOLVE(r, cases[i].text, 0);
		CHECK_INT(r->src.to_ram, cases[i].key != NULL);
		CHECK_STR(r->src.to_ram_key, cases[i].key);
	}
	CHECK_LOGGED(r, "copytoram=maybe not understood");
}

static void media_path_sources(void)
{
	struct run *r;

	RESOLVE(r, "root=live:CDLABEL=F rd.live.dir=LiveOS rd.live.squashimg=rootfs.img", 0);
	CHECK_STR(r->src.media_path, "LiveOS");
	CHECK_STR(r->src.media_path_key, "rd.live.dir");
	CHECK_STR(r->src.squashimg, "rootfs.img");
	RESOLVE(r, "archisobasedir=arch rd.live.dir=LiveOS", 0);
	CHECK_STR(r->src.media_path, "LiveOS");
	CHECK_LOGGED(r, "archisobasedir=arch ignored: rd.live.dir=LiveOS names the image directory");
	RESOLVE(r, "live-media-path=live rd.live.dir=LiveOS archisobasedir=arch", 0);
	CHECK_STR(r->src.media_path, "live");
	CHECK_STR(r->src.media_path_key, "live-media-path");
	CHECK_LOGGED(r, "rd.live.dir=LiveOS ignored: live-media-path=live");
	CHECK_LOGGED(r, "archisobasedir=arch ignored: live-media-path=live");
	RESOLVE(r, "boot=casper layerfs-path=minimal.standard.live.squashfs module=filesystem "
		   "live-media-path=/casper",
		0);
	CHECK_STR(r->src.layerfs_path, "minimal.standard.live.squashfs");
	CHECK_STR(r->src.module, "filesystem");
	CHECK_STR(r->src.media_path, "/casper");
}

static void bad_paths_refused(void)
{
	static const struct {
		const char *text, *key;
	} bad[] = {
		{ "iso-scan/filename=relative.iso", "iso-scan/filename=relative.iso" },
		{ "findiso=/isos/../../x.iso", "findiso=" },
		{ "findiso=/isos/./x.iso", "findiso=" },
		{ "img_loop=/a/../b.iso", "img_loop=" },
		{ "findiso=/x.iso live-media-path=../casper", "live-media-path=../casper" },
		{ "findiso=/x.iso rd.live.dir=/LiveOS/..", "rd.live.dir=" },
		{ "findiso=/x.iso archisobasedir=..", "archisobasedir=.." },
		{ "findiso=/x.iso rd.live.squashimg=LiveOS/squashfs.img", "rd.live.squashimg=" },
		{ "findiso=/x.iso rd.live.squashimg=..", "rd.live.squashimg=" },
		{ "findiso=/x.iso layerfs-path=a/b.squashfs", "layerfs-path=" },
		{ "findiso=/x.iso layerfs-path=/minimal.squashfs", "layerfs-path=" },
		{ "findiso=/x.iso module=../filesystem", "module=" },
		{ "findiso=/x.iso module=.", "module=" },
		{ "findiso=\"/x\x01.iso\"", "findiso=" },
	};
	struct run *r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RESOLVE(r, bad[i].text, -EINVAL);
		CHECK(strstr(r->why, bad[i].key));
	}
}

static void timeouts(void)
{
	struct run *r;

	RESOLVE(r, "findiso=/x.iso", 0);
	CHECK_INT(r->src.timeout_ms, MEDIUM_TIMEOUT_DEFAULT_MS);
	RESOLVE(r, "findiso=/x.iso rootdelay=7", 0);
	CHECK_INT(r->src.timeout_ms, 7000);
	RESOLVE(r, "findiso=/x.iso rootdelay=7 live-media-timeout=2", 0);
	CHECK_INT(r->src.timeout_ms, 2000);
	RESOLVE(r, "live-media-timeout=0", 0);
	CHECK_INT(r->src.timeout_ms, 0);
	RESOLVE(r, "live-media-timeout=soon rootdelay=9", 0);
	CHECK_INT(r->src.timeout_ms, 9000);
	CHECK_LOGGED(r, "live-media-timeout=soon ignored");
	RESOLVE(r, "rootdelay=-1", 0);
	CHECK_INT(r->src.timeout_ms, MEDIUM_TIMEOUT_DEFAULT_MS);
	CHECK_LOGGED(r, "rootdelay=-1 ignored");
}

/* The search asks removable disks first, and on each kind of disk the
 * filesystems a live medium is usually on before the rest (stores). */
static void search_order(void)
{
	struct blkdev d[5];
	const char *want[] = { "sdc", "sdb1", "sda1", "sdd1", "nvme0n1p1" };

	memset(d, 0, sizeof(d));
	snprintf(d[0].name, sizeof(d[0].name), "sda1");
	snprintf(d[0].fstype, sizeof(d[0].fstype), "ext4");
	d[0].removable = true;
	snprintf(d[1].name, sizeof(d[1].name), "nvme0n1p1");
	snprintf(d[1].fstype, sizeof(d[1].fstype), "ext4");
	snprintf(d[2].name, sizeof(d[2].name), "sdb1");
	snprintf(d[2].fstype, sizeof(d[2].fstype), "exfat");
	d[2].removable = true;
	snprintf(d[3].name, sizeof(d[3].name), "sdc");
	snprintf(d[3].fstype, sizeof(d[3].fstype), "iso9660");
	d[3].removable = true;
	snprintf(d[4].name, sizeof(d[4].name), "sdd1");
	snprintf(d[4].fstype, sizeof(d[4].fstype), "ntfs");
	qsort(d, 5, sizeof(d[0]), medium_order);
	for (size_t i = 0; i < 5; i++)
		CHECK_STR(d[i].name, want[i]);
}

const struct unit_test medium_source_tests[] = {
	UNIT_TEST(search_order),
	UNIT_TEST(iso_scan_filename),
	UNIT_TEST(findiso_is_a_synonym),
	UNIT_TEST(iso_scan_key_wins_on_disagreement),
	UNIT_TEST(fromiso_partition),
	UNIT_TEST(fromiso_udev_links),
	UNIT_TEST(fromiso_malformed),
	UNIT_TEST(img_loop_with_device),
	UNIT_TEST(img_loop_alone_searches_everywhere),
	UNIT_TEST(img_dev_without_img_loop_ignored),
	UNIT_TEST(root_live_devices),
	UNIT_TEST(root_live_iso_file),
	UNIT_TEST(root_live_malformed),
	UNIT_TEST(root_not_live_is_not_a_medium),
	UNIT_TEST(archisolabel),
	UNIT_TEST(live_media_device),
	UNIT_TEST(live_media_removable_restricts),
	UNIT_TEST(precedence),
	UNIT_TEST(ignored_options_are_not_checked),
	UNIT_TEST(empty_values_name_nothing),
	UNIT_TEST(plain_scan),
	UNIT_TEST(to_ram_variants),
	UNIT_TEST(media_path_sources),
	UNIT_TEST(bad_paths_refused),
	UNIT_TEST(timeouts),
	{ NULL, NULL },
};
