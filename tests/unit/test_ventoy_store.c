/* What Ventoy decided about persistence: the menu's map, a declined menu,
 * or the plugin's autosel when no menu ran (a firmware hand-over). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mnt.h"
#include "unit.h"
#include "ventoy_fixture.h"
#include "ventoy_store.h"

struct fake {
	char root[64], ventoy[96], efivar[96], data[96];
	struct ventoy_sources src;
	struct ventoy_store_query q;
};

static int put(const struct fake *f, const char *rel, const void *data, size_t len)
{
	char path[256], *slash;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir_p(path, 0755) < 0)
		return -1;
	*slash = '/';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* A hand-over for /ISO/u.iso (from Ventoy's cpio, or else the EFI
 * variable) and a data partition holding ventoy.json and the backend. */
static int make_fake(struct fake *f, bool cpio, const char *json)
{
	uint8_t b[516];
	static const char junk[4096] = "not a filesystem";

	snprintf(f->root, sizeof(f->root), "/tmp/vtoy-unit-vs-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->ventoy, sizeof(f->ventoy), "%s/ventoy", f->root);
	snprintf(f->efivar, sizeof(f->efivar), "%s/efivars/VentoyOsParam", f->root);
	snprintf(f->data, sizeof(f->data), "%s/data", f->root);
	f->src = (struct ventoy_sources){ .ventoy_dir = f->ventoy, .efivar = f->efivar };
	f->q = (struct ventoy_store_query){ .sources = &f->src, .iso_path = "/ISO/u.iso",
					    .data_mount = f->data, .data_device = "/dev/sdz1",
					    .data_fstype = "exfat", .disk = "/dev/sdz" };
	put_le(b, 0x7, 4);
	fill_param(b + 4, "/ISO/u.iso");
	if (put(f, cpio ? "ventoy/ventoy_os_param" : "efivars/VentoyOsParam", cpio ? b + 4 : b,
		cpio ? 512 : 516) < 0 ||
	    put(f, "data/ventoy/ventoy.json", json, strlen(json)) < 0)
		return -1;
	return put(f, "data/p.dat", junk, sizeof(junk));
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void drop_fake(struct fake *f)
{
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char menu_json[] =
	"{\"persistence\":[{\"image\":\"/ISO/u.iso\",\"backend\":\"/p.dat\",\"autosel\":1,"
	"\"timeout\":10}]}";

/* Ventoy's cpio without a persistent map, the plugin offering a file: the
 * menu declined, whatever autosel says. */
static void menu_declined(void)
{
	struct fake f;
	struct store s;
	bool menu = true;

	CHECK_INT(make_fake(&f, true, menu_json), 0);
	CHECK_INT(ventoy_store_find(&f.q, &s, &menu), VENTOY_STORE_DECLINED);
	CHECK(!menu);
	drop_fake(&f);
	CHECK_INT(make_fake(&f, true, "{\"persistence\":[{\"image\":\"/ISO/u.iso\","
				      "\"backend\":\"/p.dat\",\"autosel\":0}]}"), 0);
	CHECK_INT(ventoy_store_find(&f.q, &s, &menu), VENTOY_STORE_DECLINED);
	drop_fake(&f);
}

/* A plugin entry whose files are all missing makes no menu: nothing to
 * decline, the command line decides. So does an entry for another ISO. */
static void no_menu_no_decision(void)
{
	struct fake f;
	struct store s;
	bool menu;

	CHECK_INT(make_fake(&f, true, "{\"persistence\":[{\"image\":\"/ISO/u.iso\","
				      "\"backend\":\"/missing.dat\",\"autosel\":1}]}"), 0);
	CHECK_INT(ventoy_store_find(&f.q, &s, &menu), VENTOY_STORE_NONE);
	drop_fake(&f);
	CHECK_INT(make_fake(&f, true, "{\"persistence\":[{\"image\":\"/ISO/other.iso\","
				      "\"backend\":\"/p.dat\"}]}"), 0);
	CHECK_INT(ventoy_store_find(&f.q, &s, &menu), VENTOY_STORE_NONE);
	drop_fake(&f);
}

/* The firmware's copy (no cpio, no menu): the plugin's autosel chooses;
 * here the chosen file is no filesystem, which says it was chosen. */
static void firmware_plugin_chooses(void)
{
	struct fake f;
	struct store s;
	bool menu = true;

	CHECK_INT(make_fake(&f, false, menu_json), 0);
	CHECK_INT(ventoy_store_find(&f.q, &s, &menu), -EINVAL);
	CHECK(!menu);
	drop_fake(&f);
	CHECK_INT(make_fake(&f, false, "{\"persistence\":[{\"image\":\"/ISO/u.iso\","
				       "\"backend\":\"/p.dat\",\"autosel\":0}]}"), 0);
	CHECK_INT(ventoy_store_find(&f.q, &s, &menu), -ENODATA);
	drop_fake(&f);
}

const struct unit_test ventoy_store_tests[] = {
	UNIT_TEST(menu_declined),
	UNIT_TEST(no_menu_no_decision),
	UNIT_TEST(firmware_plugin_chooses),
	{ NULL, NULL },
};
