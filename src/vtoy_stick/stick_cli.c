/* vtoy-stick: prepare and diagnose a Ventoy stick on the host with the
 * boot's own code. Exit status: 0 fine, 1 problems found, 2 usage or
 * system error. */
#include <errno.h>
#include <getopt.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkdev.h"
#include "mnt.h"
#include "mountinfo.h"
#include "log.h"
#include "paths.h"
#include "stick_check.h"
#include "stick_create.h"
#include "stick_resize.h"

#define EXIT_PROBLEMS 1
#define EXIT_USAGE 2

static int usage(FILE *out, int status)
{
	fprintf(out,
		"Usage: vtoy-stick check [--json] [--verbose] [PATH|DEVICE]\n"
		"       vtoy-stick create [--size SIZE] [--fs ext4|xfs] [--label LABEL] [--conf LINE]\n"
		"                         [--for ISO] [--encrypt] [--stick PATH] FILE\n"
		"       vtoy-stick resize FILE SIZE\n"
		"\n"
		"check   what the boot would do with each ISO on the Ventoy stick mounted at PATH,\n"
		"        or whose Ventoy partition is DEVICE (default: every mounted partition\n"
		"        labelled Ventoy): the stores that apply,\n"
		"        their filesystem, label, size, how full, fsck state, persistence.conf, and\n"
		"        every problem with its fix. Reads only: ISOs are listed with xorriso; as\n"
		"        root it also looks inside the stores (read-only loop mounts).\n"
		"  --json     the same as one JSON document\n"
		"  --verbose  also the boot code's own log lines on stderr (a module list\n"
		"             naming a missing image, and such)\n"
		"create  make a store the boot accepts: FILE written in full (not sparse), the\n"
		"        filesystem made with the label the ISO's convention needs\n"
		"  --size SIZE   bytes, or with K, M, G (default 1G)\n"
		"  --fs TYPE     ext4 (default) or xfs\n"
		"  --label L     the filesystem label (default: what --for's ISO needs, else casper-rw)\n"
		"  --conf LINE   a persistence.conf line (repeatable); live-boot ISOs, and any\n"
		"                store labelled persistence, get \"/ union\" by default\n"
		"  --for ISO     the ISO (its path on the stick) the store is for: its label and\n"
		"                persistence.conf, and its entry in ventoy/ventoy.json (a backup is\n"
		"                kept as ventoy.json.bak)\n"
		"  --encrypt     a LUKS2 container around the filesystem (ext4), as Ventoy's -e\n"
		"                makes it; the passphrase asked twice on the terminal once the rest\n"
		"                is checked (or the first line of standard input when not a terminal)\n"
		"  --stick PATH  the stick's root (default: the nearest directory above FILE\n"
		"                holding ventoy/, else the mount holding FILE)\n"
		"resize  grow a store to SIZE (ext4: resize2fs; XFS: xfs_growfs, as root) after\n"
		"        checking it; the new blocks written in full\n"
		"\n"
		"Exit status: 0 nothing wrong, 1 problems found, 2 usage or system error.\n"
		"See vtoy-stick(8).\n");
	return status;
}

/* Mount points of filesystems labelled Ventoy (Ventoy's data partition). */
static int ventoy_mounts(char ***out, size_t *count)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent *m;

	*out = NULL;
	*count = 0;
	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		struct blkdev dev;
		char **grown;

		if (strncmp(m->mnt_fsname, "/dev/", 5) || blkdev_probe(m->mnt_fsname, &dev) < 0 ||
		    strcmp(dev.label, "Ventoy"))
			continue;
		grown = realloc(*out, (*count + 1) * sizeof(**out));
		if (!grown)
			break;
		*out = grown;
		if (((*out)[*count] = strdup(m->mnt_dir)))
			(*count)++;
	}
	endmntent(f);
	return 0;
}

/* The boot's code says what it decides as it goes; the report says it all
 * in order, so its lines are shown only with --verbose. */
static void quiet_sink(int level, const char *msg, void *ctx)
{
	(void)level, (void)msg, (void)ctx;
}

static int check_one(const char *root, const char *shown_root, bool json)
{
	struct stick_check_opts opts = { .shown_root = shown_root };
	json_t *report;
	size_t problems;
	int ret = stick_check(root, &opts, &report, &problems);

	if (ret < 0) {
		fprintf(stderr, "vtoy-stick: %s: %s\n", root, strerror(-ret));
		return EXIT_USAGE;
	}
	if (json) {
		json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		stick_report_print(report, stdout);
	}
	json_decref(report);
	return problems ? EXIT_PROBLEMS : 0;
}

/* A device given instead of a path: where it is mounted, else (as root) a
 * read-only, no-journal-replay mount for the time of the check. */
static int check_device(const char *dev, bool json)
{
	char dir[] = "/tmp/vtoy-stick-dev-XXXXXX", shown[PATH_MAX + 32];
	struct mount_entry e;
	struct blkdev b;
	struct stat st, mst;
	FILE *f;
	struct mntent *m;
	int ret, status;

	if (stat(dev, &st) < 0)
		return fprintf(stderr, "vtoy-stick: %s: %s\n", dev, strerror(errno)), EXIT_USAGE;
	f = setmntent("/proc/self/mounts", "re");
	while (f && (m = getmntent(f)))
		if (stat(m->mnt_fsname, &mst) == 0 && S_ISBLK(mst.st_mode) && mst.st_rdev == st.st_rdev &&
		    mountinfo_find(NULL, m->mnt_dir, &e) == 0) {
			endmntent(f);
			return check_one(e.target, NULL, json);
		}
	if (f)
		endmntent(f);
	if (geteuid() != 0)
		return fprintf(stderr, "vtoy-stick: %s is not mounted; mount it, or run as root to have "
				       "it mounted read-only for the check\n", dev), EXIT_USAGE;
	if ((ret = blkdev_probe(dev, &b)) < 0 || !b.fstype[0])
		return fprintf(stderr, "vtoy-stick: %s: no filesystem found\n", dev), EXIT_USAGE;
	if (!mkdtemp(dir))
		return fprintf(stderr, "vtoy-stick: mkdtemp: %s\n", strerror(errno)), EXIT_USAGE;
	ret = mount_probe_ro(dev, dir, b.fstype);
	if (ret < 0) {
		rmdir(dir);
		return fprintf(stderr, "vtoy-stick: %s: mounting its %s read-only failed: %s; mount it "
				       "yourself (exFAT: mount.exfat-fuse) and name the mount point\n",
			       dev, b.fstype, strerror(-ret)), EXIT_USAGE;
	}
	snprintf(shown, sizeof(shown), "(%s's mount point)", dev);
	status = check_one(dir, shown, json);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	return status;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = { { "json", no_argument, NULL, 'j' },
						  { "verbose", no_argument, NULL, 'v' },
						  { "help", no_argument, NULL, 'h' },
						  { NULL, 0, NULL, 0 } };
	bool json = false, verbose = false;
	char **roots;
	size_t count;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "jvh", longopts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'v')
			verbose = true;
		else if (c == 'h')
			return usage(stdout, 0);
		else
			return fprintf(stderr, "vtoy-stick check: see vtoy-stick --help\n"), EXIT_USAGE;
	}
	if (!verbose)
		log_set_sink(quiet_sink, NULL);
	if (optind + 1 == argc) {
		struct stat st;

		if (stat(argv[optind], &st) == 0 && S_ISBLK(st.st_mode))
			return check_device(argv[optind], json);
		return check_one(argv[optind], NULL, json);
	}
	if (optind < argc) {
		fprintf(stderr, "vtoy-stick check: one stick at a time (vtoy-stick --help)\n");
		return EXIT_USAGE;
	}
	ventoy_mounts(&roots, &count);
	if (!count) {
		fprintf(stderr, "vtoy-stick: no mounted partition labelled Ventoy; name the stick's "
				"mount point: vtoy-stick check PATH\n");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < count; i++) {
		int s = check_one(roots[i], NULL, json);

		status = s > status ? s : status;
		free(roots[i]);
	}
	free(roots);
	return status;
}

int main(int argc, char **argv)
{
	log_init("vtoy-stick", 0, NULL);
	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("vtoy-stick " VTOY_VERSION "\n");
		return 0;
	}
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "create"))
		return stick_create_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "resize"))
		return stick_resize_main(argc - 1, argv + 1);
	fprintf(stderr, "vtoy-stick: unknown command \"%s\" (check, create or resize; see "
			"vtoy-stick --help)\n", argv[1]);
	return EXIT_USAGE;
}
