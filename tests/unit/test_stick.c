/* vtoy-stick's reports on fake sticks: a directory with ventoy.json, fake
 * ISOs (their layout given by a stub reading the first word of the file)
 * and real small store images made with mkfs.ext4. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "stick_check.h"
#include "stick_create.h"
#include "unit.h"

/* The ISO's layout from its first word; identity from its second line. */
static int fake_view(const char *file, struct iso_view *out)
{
	char word[16] = "";
	FILE *f = fopen(file, "re");

	memset(out, 0, sizeof(*out));
	snprintf(out->how, sizeof(out->how), "fake");
	out->layout = -ENOENT;
	if (!f)
		return out->layout;
	if (fgets(word, sizeof(word), f)) {
		if (!strncmp(word, "casper", 6))
			out->layout = ROOT_LAYOUT_CASPER;
		else if (!strncmp(word, "live", 4))
			out->layout = ROOT_LAYOUT_LIVE;
	}
	if (fgets(out->identity, sizeof(out->identity), f))
		out->identity[strcspn(out->identity, "\n")] = 0;
	fclose(f);
	return out->layout;
}

static const struct stick_check_opts opts = { .iso_view = fake_view };

static char stick[64];

static void put(const char *path, const char *text)
{
	char file[256];
	FILE *f;

	snprintf(file, sizeof(file), "%s%s", stick, path);
	f = fopen(file, "we");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A fully written (not sparse) 8 MiB ext4 store labelled label. */
static int store(const char *path, const char *label)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "head -c 8M /dev/zero > '%s%s' && mkfs.ext4 -q -F -E nodiscard -L '%s' '%s%s' "
		 ">/dev/null 2>&1", stick, path, label, stick, path);
	return system(cmd);
}

static void make_stick(void)
{
	char cmd[512];

	snprintf(stick, sizeof(stick), "/tmp/vtoy-unit-stick-XXXXXX");
	if (!mkdtemp(stick))
		return;
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/ISO' '%s/ventoy' '%s/p'", stick, stick, stick);
	if (system(cmd) != 0)
		return;
	put("/ISO/u.iso", "casper\n");
	put("/ISO/d.iso", "live\n");
}

static void remove_stick(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", stick);
	if (system(cmd) != 0)
		fprintf(stderr, "  cannot remove %s\n", stick);
}

/* The problem whose "what" holds text, or NULL. */
static const json_t *problem_with(const json_t *report, const char *text)
{
	const json_t *p;
	size_t i;

	json_array_foreach(json_object_get(report, "problems"), i, p)
		if (strstr(json_string_value(json_object_get(p, "what")), text))
			return p;
	return NULL;
}

/* On a failed count, what was found. */
static void show(const json_t *r)
{
	json_dumpf(json_object_get(r, "problems"), stderr, JSON_INDENT(2));
	fputc('\n', stderr);
}

static const char *boot_line(const json_t *report, const char *iso)
{
	const json_t *i;
	size_t k;

	json_array_foreach(json_object_get(report, "isos"), k, i)
		if (!strcmp(json_string_value(json_object_get(i, "path")), iso))
			return json_string_value(json_array_get(json_object_get(i, "boot"), 0));
	return NULL;
}

static void good_store_is_used(void)
{
	json_t *r = NULL;
	size_t problems = 99;

	make_stick();
	CHECK_INT(store("/p/u.dat", "casper-rw"), 0);
	put("/ventoy/ventoy.json",
	    "{\"persistence\": [{\"image\": \"/ISO/u.iso\", \"backend\": \"/p/u.dat\", \"autosel\": 1}]}");
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	if (problems)
		show(r);
	CHECK_INT(problems, 0);
	CHECK(strstr(boot_line(r, "/ISO/u.iso"), "autosel 1: casper will use /p/u.dat"));
	/* The Debian ISO has no entry and no "persistence" file at the root. */
	CHECK(strstr(boot_line(r, "/ISO/d.iso"), "no persistence file at the stick's root"));
	json_decref(r);
	remove_stick();
}

static void wrong_label_named_with_fix(void)
{
	json_t *r = NULL;
	const json_t *p;
	size_t problems = 0;

	make_stick();
	CHECK_INT(store("/p/u.dat", "persistence"), 0);
	put("/ventoy/ventoy.json",
	    "{\"persistence\": [{\"image\": \"/ISO/u.iso\", \"backend\": \"/p/u.dat\", \"autosel\": 1}]}");
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	if (problems != 1)
		show(r);
	CHECK_INT(problems, 1);
	p = problem_with(r, "label is \"persistence\" but this ISO is casper, which looks for casper-rw or writable");
	CHECK(p);
	CHECK_STR(json_string_value(json_object_get(p, "iso")), "/ISO/u.iso");
	CHECK(strstr(json_string_value(json_object_get(p, "fix")), "relabel it: e2label "));
	CHECK(strstr(json_string_value(json_object_get(p, "fix")), "/p/u.dat casper-rw;"));
	CHECK(strstr(boot_line(r, "/ISO/u.iso"), "casper will not use it"));
	json_decref(r);
	remove_stick();
}

static void near_misses_and_missing_files_named(void)
{
	json_t *r = NULL;
	size_t problems = 0;

	make_stick();
	CHECK_INT(store("/p/d.dat", "persistence"), 0);
	put("/ventoy/ventoy.json",
	    "{\"persistence\": [{\"image\": \"/ISO//u.iso\", \"backend\": \"/p/u.dat\"},\n"
	    " {\"image\": \"/ISO/d.iso\", \"backend\": [\"/p/d.dat\", \"/p/e.dat \"]}]}");
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	CHECK(problem_with(r, "entry 1's image \"/ISO//u.iso\" was likely meant for it, but it holds a doubled '/'"));
	CHECK(problem_with(r, "ventoy.json entry 2 names \"/p/e.dat \", which is not on the stick: it ends with a space"));
	/* Two offered, one there, no autosel: Ventoy's menu would ask. */
	CHECK(strstr(boot_line(r, "/ISO/d.iso"), "Ventoy's menu offers 1 store"));
	json_decref(r);
	remove_stick();
}

/* Ventoy's per-boot-mode key is reported beside the plain one. */
static void mode_keys_reported(void)
{
	json_t *r = NULL;
	size_t problems = 9;
	const json_t *v;

	make_stick();
	CHECK_INT(store("/p/u.dat", "casper-rw"), 0);
	CHECK_INT(store("/p/e.dat", "casper-rw"), 0);
	put("/ventoy/ventoy.json",
	    "{\"persistence\": [{\"image\": \"/ISO/u.iso\", \"backend\": \"/p/u.dat\", \"autosel\": 1}],\n"
	    " \"persistence_uefi\": [{\"image\": \"/ISO/u.iso\", \"backend\": \"/p/e.dat\", \"autosel\": 1}]}");
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	CHECK_INT(problems, 0);
	v = json_object_get(json_array_get(json_object_get(r, "isos"), 1), "ventoy");
	CHECK_INT(json_array_size(v), 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(v, 0), "key")), "persistence");
	CHECK_STR(json_string_value(json_object_get(json_array_get(v, 1), "key")), "persistence_uefi");
	CHECK_STR(json_string_value(json_object_get(json_array_get(v, 1), "chosen")), "/p/e.dat");
	json_decref(r);
	remove_stick();
}

/* An entry that matches but cannot be used is a problem, not silence. */
static void skipped_entry_named(void)
{
	json_t *r = NULL;
	size_t problems = 0;

	make_stick();
	CHECK_INT(store("/p/u.dat", "casper-rw"), 0);
	put("/ventoy/ventoy.json",
	    "{\"persistence\": [{\"image\": \"/ISO/u.iso\", \"backend\": [\"/p/u.dat\", \"p/v.dat\"]}]}");
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	CHECK_INT(problems, 1);
	CHECK(problem_with(r, "persistence entry 1 (/ISO/u.iso) matches but is skipped"));
	json_decref(r);
	remove_stick();
}

static void syntax_error_has_its_place(void)
{
	json_t *r = NULL;
	size_t problems = 0;

	make_stick();
	put("/ventoy/ventoy.json", "{\n  \"persistence\": [\n    {\"image\": \"/ISO/u.iso\",}\n  ]\n}\n");
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	if (problems != 1)
		show(r);
	CHECK_INT(problems, 1);
	CHECK(problem_with(r, "/ventoy/ventoy.json: "));
	CHECK(problem_with(r, "line 3"));
	json_decref(r);
	remove_stick();
}

static void sparse_store_is_a_problem(void)
{
	json_t *r = NULL;
	size_t problems = 0;
	char cmd[256];

	make_stick();
	snprintf(cmd, sizeof(cmd), "truncate -s 64M '%s/p/u.dat' && mkfs.ext4 -q -F -L casper-rw '%s/p/u.dat'",
		 stick, stick);
	CHECK_INT(system(cmd), 0);
	put("/ventoy/ventoy.json", "{\"persistence\": [{\"image\": \"/ISO/u.iso\", \"backend\": \"/p/u.dat\"}]}");
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	CHECK(problem_with(r, "is sparse: "));
	json_decref(r);
	remove_stick();
}

/* As root (the store is looked into): the record the boot keeps in a store
 * names other images than the ISO's. */
static void store_of_other_images_named(void)
{
	json_t *r = NULL;
	size_t problems = 0;
	char cmd[1024];

	if (geteuid() != 0)
		return;
	make_stick();
	put("/ISO/u.iso", "casper\nfilesystem.squashfs 2000 bytes, built 2026-12-01 10:00:00 UTC\n");
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/rec' && printf 'VTOY_ROOT_IMAGES=filesystem.squashfs 1000 bytes, "
		 "built 2025-04-01 10:00:00 UTC\\n' > '%s/rec/.vtoy-medium' && head -c 8M /dev/zero > "
		 "'%s/p/u.dat' && mkfs.ext4 -q -F -E nodiscard -L casper-rw -d '%s/rec' '%s/p/u.dat'",
		 stick, stick, stick, stick, stick);
	CHECK_INT(system(cmd), 0);
	put("/ventoy/ventoy.json", "{\"persistence\": [{\"image\": \"/ISO/u.iso\", \"backend\": \"/p/u.dat\"}]}");
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	CHECK_INT(problems, 0); /* a warning: the boot keeps such a store */
	CHECK(problem_with(r, "was last used with other images (filesystem.squashfs 1000 bytes, built "
			      "2025-04-01 10:00:00 UTC); this ISO has filesystem.squashfs 2000 bytes"));
	json_decref(r);
	remove_stick();
}

/* casper searches the stick's disk for a partition labelled casper-rw: a
 * fake sysfs (sdb1 the stick, sdb2 beside it) and an image file as the
 * partition's node. */
static void label_partition_found(void)
{
	struct stick_disk disk;
	struct stick_check_opts o = { .iso_view = fake_view, .disk = &disk };
	json_t *r = NULL;
	size_t problems = 0;
	char cmd[2048], node[300];

	make_stick();
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir -p sys/block/sdb/sdb1 sys/block/sdb/sdb2 sys/dev/block dev && "
		 "touch sys/block/sdb/sdb1/partition sys/block/sdb/sdb2/partition && "
		 "ln -s ../../block/sdb/sdb1 sys/dev/block/8:17 && ln -s ../../block/sdb sys/dev/block/8:16 && "
		 "head -c 8M /dev/zero > dev/sdb2 && mkfs.ext4 -q -F -E nodiscard -L casper-rw dev/sdb2",
		 stick);
	CHECK_INT(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/sys", stick);
	snprintf(node, sizeof(node), "%s/dev", stick);
	CHECK_INT(stick_disk_parts(cmd, node, makedev(8, 16), &disk), 0);
	CHECK_INT(disk.count, 0); /* a whole disk has no partitions beside it */
	CHECK_INT(stick_disk_parts(cmd, node, makedev(8, 17), &disk), 0);
	CHECK_STR(disk.disk, "sdb");
	CHECK_INT(disk.count, 1);
	CHECK_STR(disk.parts[0].label, "casper-rw");
	CHECK_INT(stick_check(stick, &o, &r, &problems), 0);
	snprintf(node, sizeof(node), "%s/dev/sdb2", stick);
	CHECK_STR(json_string_value(json_array_get(json_object_get(json_array_get(json_object_get(r, "isos"), 1),
								    "label_stores"), 0)), node);
	CHECK(strstr(boot_line(r, "/ISO/u.iso"), "with \"persistent\" on the command line, casper takes "));
	json_decref(r);
	remove_stick();
}

static void create_refuses_and_leaves_nothing(void)
{
	struct stick_create_opts o = { .size = 8 << 20, .fstype = "ext4", .label = "casper-rw",
				       .iso_view = fake_view };
	char file[256], json[256];
	struct stat st;

	make_stick();
	snprintf(file, sizeof(file), "%s/p/new.dat", stick);
	snprintf(json, sizeof(json), "%s/ventoy/ventoy.json", stick);
	o.file = file;
	o.stick = stick;
	/* ventoy.json that does not parse: refused before anything is written */
	put("/ventoy/ventoy.json", "{\"persistence\": [}");
	o.for_iso = "/ISO/u.iso";
	CHECK_INT(stick_create(&o), CREATE_STEP_CHECK);
	CHECK(stat(file, &st) < 0);
	/* an existing file is never overwritten */
	put("/ventoy/ventoy.json", "{}");
	put("/p/new.dat", "mine");
	CHECK_INT(stick_create(&o), CREATE_STEP_CHECK);
	CHECK_INT(stat(file, &st), 0);
	CHECK_INT(st.st_size, 4);
	unlink(file);
	/* more than the partition holds */
	o.size = 1ULL << 50;
	CHECK_INT(stick_create(&o), CREATE_STEP_CHECK);
	CHECK(stat(file, &st) < 0);
	/* a label the ISO's convention does not look for (the stub knows it) */
	o.size = 8 << 20;
	o.label = "persistence";
	CHECK_INT(stick_create(&o), CREATE_STEP_CHECK);
	remove_stick();
}

static void created_store_checks_ok(void)
{
	struct stick_create_opts o = { .size = 8 << 20, .fstype = "ext4", .for_iso = "/ISO/u.iso",
				       .iso_view = fake_view };
	char file[256];
	json_t *r = NULL;
	size_t problems = 99;

	make_stick();
	snprintf(file, sizeof(file), "%s/p/new.dat", stick);
	o.file = file;
	o.stick = stick;
	put("/ventoy/ventoy.json", "{\"control\": [{\"VTOY_DEFAULT_MENU_MODE\": \"0\"}]}");
	CHECK_INT(stick_create(&o), CREATE_STEP_DONE);
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	if (problems)
		show(r);
	CHECK_INT(problems, 0);
	CHECK(strstr(boot_line(r, "/ISO/u.iso"), "casper will use /p/new.dat"));
	json_decref(r);
	/* For the Debian ISO: label persistence and "/ union", from its layout. */
	snprintf(file, sizeof(file), "%s/p/d.dat", stick);
	o.for_iso = "/ISO/d.iso";
	CHECK_INT(stick_create(&o), CREATE_STEP_DONE);
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	if (problems)
		show(r);
	CHECK_INT(problems, 0);
	CHECK(strstr(boot_line(r, "/ISO/d.iso"), "live-boot will use /p/d.dat"));
	/* As root the store is looked into: its persistence.conf is there. */
	CHECK(json_is_true(json_object_get(json_array_get(json_object_get(r, "stores"), 0), "persistence_conf")) ||
	      geteuid() != 0);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(r, "stores"), 0), "path")),
		  "/p/d.dat");
	json_decref(r);
	remove_stick();
}

/* --for adds the store to the ISO's entry in each key that has one, once. */
static void create_updates_each_key_once(void)
{
	struct stick_create_opts o = { .size = 8 << 20, .fstype = "ext4", .for_iso = "/ISO/u.iso",
				       .iso_view = fake_view };
	char file[256], path[256];
	json_t *j;

	make_stick();
	snprintf(file, sizeof(file), "%s/p/new.dat", stick);
	o.file = file;
	o.stick = stick;
	put("/ventoy/ventoy.json",
	    "{\"persistence\": [{\"image\": \"/ISO/u.iso\", \"backend\": [\"/p/x.dat\", \"/p/new.dat\"]}],\n"
	    " \"persistence_uefi\": [{\"image\": \"/ISO/u.iso\", \"backend\": \"/p/x.dat\"}]}");
	CHECK_INT(stick_create(&o), CREATE_STEP_DONE);
	snprintf(path, sizeof(path), "%s/ventoy/ventoy.json", stick);
	j = json_load_file(path, 0, NULL);
	CHECK(j);
	CHECK_INT(json_array_size(json_object_get(json_array_get(json_object_get(j, "persistence"), 0),
						  "backend")), 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(json_array_get(
		json_object_get(j, "persistence_uefi"), 0), "backend"), 1)), "/p/new.dat");
	json_decref(j);
	remove_stick();
}

/* XFS with persistence.conf (mkfs.xfs -p), for a live-boot ISO. */
static void create_xfs_with_conf(void)
{
	struct stick_create_opts o = { .size = 300 << 20, .fstype = "xfs", .for_iso = "/ISO/d.iso",
				       .iso_view = fake_view };
	char file[256];
	json_t *r = NULL;
	size_t problems = 9;

	make_stick();
	snprintf(file, sizeof(file), "%s/p/d.dat", stick);
	o.file = file;
	o.stick = stick;
	CHECK_INT(stick_create(&o), CREATE_STEP_DONE);
	CHECK_INT(stick_check(stick, &opts, &r, &problems), 0);
	if (problems)
		show(r);
	CHECK_INT(problems, 0);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(r, "stores"), 0), "fstype")),
		  "xfs");
	CHECK(json_is_true(json_object_get(json_array_get(json_object_get(r, "stores"), 0), "conf_root_union")) ||
	      geteuid() != 0);
	json_decref(r);
	remove_stick();
}

static void sizes(void)
{
	unsigned long long v = 0;

	CHECK_INT(stick_parse_size("512M", &v), 0);
	CHECK_INT(v, 512ULL << 20);
	CHECK_INT(stick_parse_size("4GiB", &v), 0);
	CHECK_INT(v, 4ULL << 30);
	CHECK_INT(stick_parse_size("4096", &v), 0);
	CHECK_INT(v, 4096);
	CHECK_INT(stick_parse_size("-1G", &v), -EINVAL);
	CHECK_INT(stick_parse_size("0", &v), -EINVAL);
	CHECK_INT(stick_parse_size("1X", &v), -EINVAL);
	CHECK_INT(stick_parse_size("99999999999T", &v), -EINVAL);
}

const struct unit_test stick_tests[] = {
	UNIT_TEST(good_store_is_used),
	UNIT_TEST(wrong_label_named_with_fix),
	UNIT_TEST(near_misses_and_missing_files_named),
	UNIT_TEST(mode_keys_reported),
	UNIT_TEST(skipped_entry_named),
	UNIT_TEST(syntax_error_has_its_place),
	UNIT_TEST(sparse_store_is_a_problem),
	UNIT_TEST(store_of_other_images_named),
	UNIT_TEST(label_partition_found),
	UNIT_TEST(create_refuses_and_leaves_nothing),
	UNIT_TEST(created_store_checks_ok),
	UNIT_TEST(create_updates_each_key_once),
	UNIT_TEST(create_xfs_with_conf),
	UNIT_TEST(sizes),
	{ NULL, NULL },
};
