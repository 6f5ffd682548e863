/* What Ventoy decided about persistence, from the medium report's Ventoy
 * facts and the stick's ventoy.json: the menu's map, a declined menu, or
 * the plugin's autosel when no menu ran (a firmware hand-over). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmdline.h"
#include "conv_ventoy.h"
#include "mnt.h"
#include "request.h"
#include "unit.h"

static struct persist p;
static const struct persist_opts opts = { .run_dir = "/nonexistent" };
static char root[64];

static int put(const char *rel, const char *text)
{
	char path[256], *slash;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir_p(path, 0755) < 0)
		return -1;
	*slash = '/';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A data partition holding ventoy.json and the backend /p.dat, an ISO
 * booted by Ventoy (menu: its cpio came), and a command line. */
static int fake(bool menu, bool map, const char *json, const char *cmdline)
{
	static struct ventoy_chunk chunk = { 0, 99, 4096, 4495 };

	memset(&p, 0, sizeof(p));
	p.opts = &opts;
	snprintf(root, sizeof(root), "/tmp/vtoy-unit-vs-XXXXXX");
	if (!mkdtemp(root) || put("ventoy/ventoy.json", json) < 0 || put("p.dat", "x") < 0 ||
	    cmdline_parse(&p.cmdline, cmdline) < 0)
		return -1;
	snprintf(p.medium.data_mount, sizeof(p.medium.data_mount), "%s", root);
	snprintf(p.medium.iso_path, sizeof(p.medium.iso_path), "/ISO/u.iso");
	snprintf(p.medium.device.node, sizeof(p.medium.device.node), "/dev/sdz1");
	p.medium.ventoy.present = true;
	p.medium.ventoy.menu = menu;
	if (map) {
		p.medium.ventoy.persistent_map = &chunk;
		p.medium.ventoy.persistent_map_count = 1;
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void drop(void)
{
	kvlist_free(&p.cmdline);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char menu_json[] =
	"{\"persistence\":[{\"image\":\"/ISO/u.iso\",\"backend\":\"/p.dat\",\"autosel\":1,"
	"\"timeout\":10}]}";

/* The menu's map wins over the command line, and turns persistence on. */
static void menu_picked(void)
{
	CHECK_INT(fake(true, true, menu_json, "quiet"), 0);
	request_resolve(&p);
	CHECK(p.req.conv == &conv_ventoy);
	CHECK_INT(p.req.source, REQUEST_VENTOY_MENU);
	CHECK_STR(request_name(&p.req), "ventoy");
	drop();
	CHECK_INT(fake(true, true, menu_json, "rd.live.overlay=LABEL=x nopersistent"), 0);
	request_resolve(&p);
	CHECK(p.req.conv == NULL); /* nopersistent wins even over the menu */
	CHECK_STR(request_name(&p.req), "no");
	drop();
}

/* Ventoy's cpio without a persistent map, the plugin offering a file: the
 * menu declined, whatever the command line or autosel say. */
static void menu_declined(void)
{
	CHECK_INT(fake(true, false, menu_json, "persistent boot=casper"), 0);
	request_resolve(&p);
	CHECK(p.req.conv == NULL);
	CHECK_INT(p.req.source, REQUEST_VENTOY_DECLINED);
	CHECK_STR(request_name(&p.req), "declined-in-ventoy-menu");
	drop();
	CHECK_INT(fake(true, false, "{\"persistence\":[{\"image\":\"/ISO/u.iso\","
				    "\"backend\":\"/p.dat\",\"autosel\":0}]}", "persistence"), 0);
	request_resolve(&p);
	CHECK_INT(p.req.source, REQUEST_VENTOY_DECLINED);
	drop();
}

/* A plugin entry whose files are all missing makes no menu: nothing to
 * decline, the command line decides. So does an entry for another ISO. */
static void no_menu_no_decision(void)
{
	CHECK_INT(fake(true, false, "{\"persistence\":[{\"image\":\"/ISO/u.iso\","
				    "\"backend\":\"/missing.dat\",\"autosel\":1}]}", "persistent"), 0);
	request_resolve(&p);
	CHECK(p.req.conv == &conv_casper);
	CHECK_INT(p.req.source, REQUEST_CMDLINE);
	drop();
	CHECK_INT(fake(true, false, "{\"persistence\":[{\"image\":\"/ISO/other.iso\","
				    "\"backend\":\"/p.dat\"}]}", "persistent"), 0);
	request_resolve(&p);
	CHECK(p.req.conv == &conv_casper);
	drop();
}

/* The firmware's copy (no cpio, no menu): the plugin's autosel chooses
 * the store of a casper or live-boot request. */
static void firmware_plugin_chooses(void)
{
	CHECK_INT(fake(false, false, menu_json, "persistent"), 0);
	request_resolve(&p);
	CHECK(p.req.conv == &conv_ventoy);
	CHECK_INT(p.req.source, REQUEST_VENTOY_PLUGIN);
	CHECK_STR(p.req.ventoy_backend, "/p.dat");
	CHECK_STR(request_name(&p.req), "casper");
	drop();
	CHECK_INT(fake(false, false, menu_json, "quiet"), 0);
	request_resolve(&p);
	CHECK(p.req.conv == NULL); /* not asked for: the plugin does not turn it on */
	drop();
	CHECK_INT(fake(false, false, "{\"persistence\":[{\"image\":\"/ISO/u.iso\","
				     "\"backend\":\"/p.dat\",\"autosel\":0}]}", "persistence"), 0);
	request_resolve(&p);
	CHECK(p.req.conv == &conv_liveboot);
	CHECK(p.req.unusable[0]); /* asked, and ventoy.json says no: a fallback */
	drop();
}

const struct unit_test ventoy_store_tests[] = {
	UNIT_TEST(menu_picked),
	UNIT_TEST(menu_declined),
	UNIT_TEST(no_menu_no_decision),
	UNIT_TEST(firmware_plugin_chooses),
	{ NULL, NULL },
};
