#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdline.h"
#include "persistence_remove.h"
#include "unit.h"

static bool requested(const char *line)
{
	struct kvlist kv = { 0 };
	bool on;

	if (cmdline_parse(&kv, line) < 0)
		return false;
	on = persistence_remove_requested(&kv);
	kvlist_free(&kv);
	return on;
}

static void option_forms(void)
{
	CHECK(requested("boot=live persistence persistence-remove"));
	CHECK(requested("persistence live-boot.persistence-remove"));
	CHECK(requested("persistence-remove=true"));
	CHECK(!requested("persistence-remove=yes"));
	CHECK(!requested("persistence-remove=1"));
	CHECK(!requested("persistence"));
	/* the last one decides, as in live-boot's loop */
	CHECK(!requested("persistence-remove live-boot.persistence-remove=false"));
	CHECK(requested("persistence-remove=no persistence-remove"));
}

static void empties_but_keeps_conf(void)
{
	char dir[] = "/tmp/vtoy-unit-pr-XXXXXX", path[128];
	struct stat st;
	int fd;

	CHECK(mkdtemp(dir));
	for (const char *d = "rw\0rw/etc\0work\0home\0lost+found\0"; *d; d += strlen(d) + 1) {
		snprintf(path, sizeof(path), "%s/%s", dir, d);
		CHECK_INT(mkdir(path, 0755), 0);
	}
	for (const char *f = "persistence.conf\0rw/etc/x\0home/persistence.conf\0"; *f;
	     f += strlen(f) + 1) {
		snprintf(path, sizeof(path), "%s/%s", dir, f);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/escape", dir);
	CHECK_INT(symlink("/etc", path), 0);
	CHECK_INT(persistence_remove(dir, "test store"), 4); /* rw, work, home, escape */
	snprintf(path, sizeof(path), "%s/persistence.conf", dir);
	CHECK_INT(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/lost+found", dir);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(stat("/etc/hostname", &st) == 0 || stat("/etc/passwd", &st) == 0, 1);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/persistence.conf", dir);
	unlink(path);
	CHECK_INT(rmdir(dir), 0);
}

const struct unit_test persistence_remove_tests[] = {
	UNIT_TEST(option_forms),
	UNIT_TEST(empties_but_keeps_conf),
	{ NULL, NULL },
};
