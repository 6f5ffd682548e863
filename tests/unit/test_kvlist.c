#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "kvlist.h"
#include "unit.h"

static void add(struct kvlist *l, const char *k, const char *v)
{
	kvlist_add(l, k, strlen(k), v, v ? strlen(v) : 0);
}

static void file_round_trip(void)
{
	char dir[] = "/tmp/vtoy-unit-kv-XXXXXX", path[64];
	struct kvlist out = { 0 }, in = { 0 };

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/medium.env", dir);
	add(&out, "VTOY_ISO_PATH", "/ISO images/a=b.iso");
	add(&out, "VTOY_FLAG", NULL); /* flags are not written */
	add(&out, "VTOY_EMPTY", "");
	CHECK_INT(kvfile_write(&out, path), 0);
	CHECK_INT(kvfile_read(&in, path), 0);
	CHECK_INT(in.count, 2);
	CHECK_STR(kvlist_get(&in, "VTOY_ISO_PATH"), "/ISO images/a=b.iso");
	CHECK_STR(kvlist_get(&in, "VTOY_EMPTY"), "");
	unlink(path);
	rmdir(dir);
	kvlist_free(&out);
	kvlist_free(&in);
}

static void control_characters_in_values_replaced(void)
{
	char dir[] = "/tmp/vtoy-unit-kv-XXXXXX", path[64];
	struct kvlist out = { 0 }, in = { 0 };

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.env", dir);
	add(&out, "K", "line1\nEVIL=1\r\t");
	CHECK_INT(kvfile_write(&out, path), 0);
	CHECK_INT(kvfile_read(&in, path), 0);
	CHECK_INT(in.count, 1);
	CHECK_STR(kvlist_get(&in, "K"), "line1?EVIL=1??");
	CHECK(!kvlist_has(&in, "EVIL"));
	kvlist_free(&in);
	kvlist_free(&out);
	add(&out, "BAD\nKEY", "v");
	CHECK_INT(kvfile_write(&out, path), -EINVAL);
	unlink(path);
	rmdir(dir);
	kvlist_free(&out);
}

const struct unit_test kvlist_tests[] = {
	UNIT_TEST(file_round_trip),
	UNIT_TEST(control_characters_in_values_replaced),
	{ NULL, NULL },
};
