#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_identity.h"
#include "iso_change.h"
#include "unit.h"

static void squashfs_superblock(void)
{
	unsigned char sb[96] = "hsqs";
	uint32_t t = 0;

	sb[8] = 0x78;
	sb[9] = 0x56;
	sb[10] = 0x34;
	sb[11] = 0x12;
	sb[28] = 4;
	CHECK_INT(squashfs_mkfs_time(sb, sizeof(sb), &t), 0);
	CHECK_INT(t, 0x12345678);
	sb[28] = 3; /* squashfs 3.x: another layout */
	CHECK_INT(squashfs_mkfs_time(sb, sizeof(sb), &t), -EINVAL);
	sb[28] = 4;
	sb[0] = 'x';
	CHECK_INT(squashfs_mkfs_time(sb, sizeof(sb), &t), -EINVAL);
	CHECK_INT(squashfs_mkfs_time(sb, 64, &t), -EINVAL);
}

static void record_first_same_changed(void)
{
	char dir[] = "/tmp/vtoy-unit-iso-XXXXXX", path[128], before[256];
	struct stat st;
	int fd;

	CHECK(mkdtemp(dir));
	fd = open(dir, O_PATH | O_DIRECTORY);
	CHECK(fd >= 0);
	/* read-only: compared, never written */
	CHECK_INT(medium_record_check(fd, "a.squashfs 1 bytes", false, before, sizeof(before)),
		  MEDIUM_FIRST);
	snprintf(path, sizeof(path), "%s/" MEDIUM_RECORD, dir);
	CHECK_INT(stat(path, &st), -1);
	CHECK_INT(medium_record_check(fd, "a.squashfs 1 bytes", true, before, sizeof(before)),
		  MEDIUM_FIRST);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(medium_record_check(fd, "a.squashfs 1 bytes", true, before, sizeof(before)),
		  MEDIUM_SAME);
	/* a symlink where the temporary file goes is replaced, not followed */
	snprintf(path, sizeof(path), "%s/" MEDIUM_RECORD ".tmp", dir);
	CHECK_INT(symlink("/tmp/vtoy-unit-iso-must-not-exist", path), 0);
	CHECK_INT(medium_record_check(fd, "b.squashfs 2 bytes", true, before, sizeof(before)),
		  MEDIUM_CHANGED);
	CHECK_STR(before, "a.squashfs 1 bytes");
	CHECK_INT(stat("/tmp/vtoy-unit-iso-must-not-exist", &st), -1);
	CHECK_INT(medium_record_check(fd, "b.squashfs 2 bytes", false, before, sizeof(before)),
		  MEDIUM_SAME);
	close(fd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/" MEDIUM_RECORD, dir);
	CHECK_INT(unlink(path), 0);
	CHECK_INT(rmdir(dir), 0);
}

const struct unit_test iso_change_tests[] = {
	UNIT_TEST(squashfs_superblock),
	UNIT_TEST(record_first_same_changed),
	{ NULL, NULL },
};
