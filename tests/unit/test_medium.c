/* The medium report: what vtoy-iso-scan writes, vtoy-persist reads back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "medium.h"
#include "unit.h"

static void round_trip(void)
{
	static struct medium out, in;
	struct ventoy_chunk map[2] = { { 0, 9, 100, 139 }, { 10, 19, 4000, 4039 } };
	char dir[] = "/tmp/vtoy-unit-md-XXXXXX", path[64];

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/medium.env", dir);
	snprintf(out.source, sizeof(out.source), "ventoy");
	snprintf(out.iso_path, sizeof(out.iso_path), "/ISO images/a=b.iso");
	snprintf(out.device.node, sizeof(out.device.node), "/dev/sda1");
	snprintf(out.device.label, sizeof(out.device.label), "Ventoy");
	out.device.whole_disk = false;
	out.toram = true;
	out.layers = 2;
	snprintf(out.lowerdir, sizeof(out.lowerdir), "/run/vtoy/rootfs/01:/run/vtoy/rootfs/00");
	out.ventoy.present = true;
	out.ventoy.menu = true;
	out.ventoy.persistent_map = map;
	out.ventoy.persistent_map_count = 2;
	CHECK_INT(medium_write(&out, path), 0);
	CHECK_INT(medium_read(path, &in), 0);
	CHECK_STR(in.source, "ventoy");
	CHECK_STR(in.iso_path, "/ISO images/a=b.iso");
	CHECK_STR(in.device.label, "Ventoy");
	CHECK(in.toram && !in.device.whole_disk);
	CHECK_INT(in.layers, 2);
	CHECK_STR(in.lowerdir, out.lowerdir);
	CHECK(in.ventoy.present && in.ventoy.menu);
	CHECK_INT(in.ventoy.persistent_map_count, 2);
	CHECK_INT(in.ventoy.persistent_map[1].img_start, 10);
	CHECK_INT(in.ventoy.persistent_map[1].disk_end, 4039);
	medium_free(&in);
	unlink(path);
	rmdir(dir);
}

static void refused(void)
{
	static struct medium in;
	char dir[] = "/tmp/vtoy-unit-md-XXXXXX", path[64];
	FILE *f;

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/medium.env", dir);
	CHECK_INT(medium_read(path, &in), -ENOENT);
	medium_free(&in);
	f = fopen(path, "w");
	CHECK(f);
	fputs("VTOY_MEDIUM_SOURCE=(scan)\n", f); /* no root image: iso-scan did not finish */
	fclose(f);
	CHECK_INT(medium_read(path, &in), -EINVAL);
	medium_free(&in);
	f = fopen(path, "w");
	CHECK(f);
	fputs("VTOY_LOWERDIR=/l\nVTOY_VENTOY_ORIGIN=x\nVTOY_VENTOY_PERSISTENT_MAP=0-9:100\n", f);
	fclose(f);
	CHECK_INT(medium_read(path, &in), -EINVAL);
	medium_free(&in);
	unlink(path);
	rmdir(dir);
}

const struct unit_test medium_tests[] = {
	UNIT_TEST(round_trip),
	UNIT_TEST(refused),
	{ NULL, NULL },
};
