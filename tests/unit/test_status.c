/* The status command against fake reports and a fake mountinfo: what is
 * mounted now wins over what the reports planned. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "json_write.h"
#include "mountinfo.h"
#include "persist.h"
#include "unit.h"

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void remove_files(const char *dir)
{
	const char *names[] = { "medium.env", "persist.env", "mountinfo", "log" };
	char path[256];

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void mountinfo_escapes_and_stacking(void)
{
	char dir[] = "/tmp/vtoy-unit-mi-XXXXXX", path[128], upper[256];
	struct mount_entry e;

	CHECK(mkdtemp(dir));
	write_file(dir, "mountinfo",
		   "22 1 0:21 / /run rw,nosuid - tmpfs tmpfs rw\n"
		   "30 22 8:1 / /run/vtoy/data ro,nosuid - exfat /dev/sda1 ro,fmask=0022\n"
		   "31 22 8:1 / /run/vtoy/data rw,nosuid - exfat /dev/sda1 rw\n"
		   "32 22 7:0 /dir /run/a\\040b ro master:1 - ext4 /dev/loop0 ro\n"
		   "33 1 0:40 / / rw,relatime - overlay overlay rw,lowerdir=/a:/b,upperdir=/run/vtoy/store/upper,workdir=/w\n");
	snprintf(path, sizeof(path), "%s/mountinfo", dir);
	CHECK_INT(mountinfo_find(path, "/run/vtoy/data", &e), 0);
	CHECK(!e.read_only); /* the last one listed is on top */
	CHECK_STR(e.source, "/dev/sda1");
	CHECK_INT(mountinfo_find(path, "/run/a b", &e), 0);
	CHECK(e.read_only);
	CHECK_STR(e.root, "/dir");
	CHECK_STR(e.fstype, "ext4");
	CHECK_INT(mountinfo_find(path, "/run/vtoy/store", &e), -ENOENT);
	CHECK_INT(mountinfo_find(path, "/", &e), 0);
	CHECK_INT(mount_option(e.super_opts, "upperdir", upper, sizeof(upper)), 0);
	CHECK_STR(upper, "/run/vtoy/store/upper");
	CHECK_INT(mount_option(e.super_opts, "lowerdir", upper, sizeof(upper)), 0);
	CHECK_STR(upper, "/a:/b");
	CHECK_INT(mount_option(e.super_opts, "index", upper, sizeof(upper)), -ENOENT);
	CHECK_INT(mount_option(e.super_opts, "upperdir", upper, 4), -ENAMETOOLONG);
	remove_files(dir);
}

static void json_escapes(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jw w;

	CHECK(f);
	jw_begin(&w, f);
	jw_object(&w, NULL);
	jw_string(&w, "a", "q\"b\\s\n\x01");
	jw_string(&w, "empty", "");
	jw_array(&w, "l");
	jw_number(&w, NULL, -3);
	jw_bool(&w, NULL, true);
	jw_end_array(&w);
	jw_end_object(&w);
	jw_finish(&w);
	fclose(f);
	CHECK_STR(buf, "{\"a\":\"q\\\"b\\\\s\\n\\u0001\",\"empty\":null,\"l\":[-3,true]}\n");
	free(buf);
}

/* Runs the status command on dir; returns what it printed (free it). */
static char *status_of(const char *dir, bool json)
{
	char mountinfo[128], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct status_opts o = { .run_dir = dir, .mountinfo = mountinfo, .json = json, .out = f };

	snprintf(mountinfo, sizeof(mountinfo), "%s/mountinfo", dir);
	if (persist_status(&o) != 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static const char medium_env[] =
	"VTOY_MEDIUM_SOURCE=ventoy\nVTOY_ISO_PATH=/ISO/u.iso\nVTOY_MEDIUM_DEVICE=/dev/sda1\n"
	"VTOY_MEDIUM_FSTYPE=exfat\nVTOY_MEDIUM_LABEL=Ventoy\nVTOY_MEDIUM_UUID=1234-ABCD\n"
	"VTOY_DATA_MOUNT=/run/vtoy/data\nVTOY_DATA_LAST_SHUTDOWN=unclean\nVTOY_LAYOUT=casper\nVTOY_LAYER_COUNT=1\nVTOY_LOWERDIR=/l\n";

static void status_reads_mounts_now(void)
{
	char dir[] = "/tmp/vtoy-unit-st-XXXXXX";
	char *out;

	CHECK(mkdtemp(dir));
	write_file(dir, "medium.env", medium_env);
	write_file(dir, "persist.env",
		   "VTOY_PERSISTENCE_REQUESTED=casper\nVTOY_STORE_SOURCE=/run/vtoy/data/c.dat\n"
		   "VTOY_STORE_KIND=file\nVTOY_STORE_LABEL=casper-rw\nVTOY_STORE_UUID=u-1\n"
		   "VTOY_STORE_MOUNT=/run/vtoy/store\nVTOY_PERSISTENCE=store\n"
		   "VTOY_UPPERDIR=/run/vtoy/store/upper\nVTOY_ROOT=/root\n");
	/* The data partition was remounted read-write (it holds the store file). */
	write_file(dir, "mountinfo",
		   "30 22 8:1 / /run/vtoy/data rw,nosuid - exfat /dev/sda1 rw\n"
		   "31 22 7:1 / /run/vtoy/store rw - ext4 /dev/loop1 rw\n"
		   "33 1 0:40 / / rw - overlay overlay rw,lowerdir=/l,upperdir=/run/vtoy/store/upper,workdir=/run/vtoy/store/work\n");
	out = status_of(dir, false);
	CHECK(out);
	CHECK(strstr(out, "data:         /run/vtoy/data (read-write)"));
	CHECK(strstr(out, "NOT unmounted cleanly last time: check it with fsck.exfat"));
	CHECK(strstr(out, "persistence:  store (requested: casper)"));
	CHECK(!strstr(out, "no longer in use"));
	free(out);
	out = status_of(dir, true);
	CHECK(out);
	CHECK(strstr(out, "\"data\":{\"mount\":\"/run/vtoy/data\",\"mounted\":true,\"access\":\"read-write\",\"last_shutdown\":\"unclean\"}"));
	CHECK(strstr(out, "\"active\":true"));
	CHECK(strstr(out, "\"label\":\"casper-rw\",\"uuid\":\"u-1\""));
	CHECK(strstr(out, "\"uuid\":\"1234-ABCD\""));
	free(out);

	/* The store is gone (a stick pulled): the status says so. */
	write_file(dir, "mountinfo",
		   "30 22 8:1 / /run/vtoy/data ro,nosuid - exfat /dev/sda1 ro\n"
		   "33 1 0:40 / / rw - overlay overlay rw,lowerdir=/l,upperdir=/run/vtoy/store/upper,workdir=/w\n");
	out = status_of(dir, false);
	CHECK(out);
	CHECK(strstr(out, "data:         /run/vtoy/data (read-only; vtoy.data=rw at boot makes it writable)"));
	CHECK(strstr(out, "the store is no longer in use (it is not mounted any more)"));
	free(out);
	/* The ISO read through Ventoy's device-mapper map: vtoy.data=rw is
	 * refused then (iso_scan.c), so the status does not offer it. */
	{
		char env[sizeof(medium_env) + 64];

		snprintf(env, sizeof(env), "%sVTOY_ISO_DEVICE=/dev/mapper/ventoy\n", medium_env);
		write_file(dir, "medium.env", env);
		out = status_of(dir, false);
		CHECK(out);
		CHECK(strstr(out, "data:         /run/vtoy/data (read-only)\n"));
		free(out);
		write_file(dir, "medium.env", medium_env);
	}
	out = status_of(dir, true);
	CHECK(out);
	CHECK(strstr(out, "\"active\":false"));
	free(out);
	remove_files(dir);
}

static void status_without_reports(void)
{
	char dir[] = "/tmp/vtoy-unit-st-XXXXXX";
	FILE *err = stderr;

	CHECK(mkdtemp(dir));
	stderr = fopen("/dev/null", "w");
	CHECK(status_of(dir, true) == NULL);
	fclose(stderr);
	stderr = err;
	rmdir(dir);
}

const struct unit_test status_tests[] = {
	UNIT_TEST(mountinfo_escapes_and_stacking),
	UNIT_TEST(json_escapes),
	UNIT_TEST(status_reads_mounts_now),
	UNIT_TEST(status_without_reports),
	{ NULL, NULL },
};
