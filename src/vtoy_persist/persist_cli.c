/* vtoy-persist's command line: build the root overlay, persistent when asked. */
#include <getopt.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkdev_inventory.h"
#include "fs_driver.h"
#include "log.h"
#include "mnt.h"
#include "paths.h"
#include "timeline.h"
#include "programs.h"
#include "shutdown.h"
#include "persist.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vtoy-persist [--find-medium] [--root DIR] [--run-dir DIR] [--cmdline FILE]\n"
		"                    [--e2fsck PATH]\n"
		"       vtoy-persist status [--json | --log] [--run-dir DIR]\n"
		"\n"
		"Finds the persistence store, checks it with e2fsck and mounts the root\n"
		"overlay at DIR (default /root), over the images vtoy-iso-scan mounted.\n"
		"Without persistence, or when the store is unusable, the overlay's upper\n"
		"layer is a tmpfs and a warning says so. 'status' prints what was decided.\n"
		"\n"
		"Kernel command-line options read:\n"
		"  persistent          casper: use a store labelled writable (else casper-rw),\n"
		"                      an ext2/3/4, xfs or btrfs partition or an image file (LABEL,\n"
		"                      LABEL.img or *.dat, a partition in it when it holds\n"
		"                      a partition table); upper/ and work/ hold the changes;\n"
		"                      a store labelled home-rw is mounted on /home\n"
		"  persistent-path=P   casper: directory of store image files (default /)\n"
		"  persistence         live-boot: use a store labelled persistence; its\n"
		"                      persistence.conf's '/ union' holds the root (rw/ and\n"
		"                      work/), its other lines are mounted into the root\n"
		"  persistence-label=L1,L2  live-boot: the labels looked for\n"
		"  persistence-path=P  live-boot: directory of store image files (default /)\n"
		"  persistence-media=removable|removable-usb  live-boot: only stores on\n"
		"                      removable (or USB) disks\n"
		"  persistence-encryption=none,luks  live-boot: which volumes may be stores;\n"
		"                      luks: LUKS volumes are unlocked, the passphrase asked\n"
		"                      on the console (default none)\n"
		"  persistence-storage=filesystem,file,directory  live-boot: what may be a\n"
		"                      store: a partition, an image file, a directory named\n"
		"                      like a label on an ext2/3/4, xfs or btrfs partition (default\n"
		"                      filesystem,file)\n"
		"  persistence-remove  live-boot: empty the store (all but persistence.conf)\n"
		"                      before using it\n"
		"  persistence-read-only  live-boot: show the store, keep changes in a tmpfs;\n"
		"                      the store is mounted read-only, no check, no journal replay\n"
		"  rd.live.overlay=DEV[:PATH]  dracut: the overlay directory PATH (default\n"
		"                      /LiveOS/overlay-<ISO label>-<ISO uuid>) on DEV (LABEL=,\n"
		"                      UUID=, ...), an ext2/3/4, xfs or btrfs partition, with ovlwork/ beside\n"
		"                      it; on the partition holding the ISO, an ext4 image file\n"
		"  rd.overlay=DEV[:PATH]  dracut-ng's name for it (rd.overlay alone: a flag)\n"
		"  rd.live.overlay.overlayfs  accepted: overlayfs is always used\n"
		"  rd.live.overlay.readonly, rd.overlay.readonly  dracut: the overlay becomes a\n"
		"                      read-only layer under a tmpfs (no e2fsck, no journal replay)\n"
		"  rd.live.overlay.reset, rd.overlay.reset  dracut: empty the overlay first\n"
		"  rd.live.dir=DIR     dracut: the directory of the default overlay (LiveOS)\n"
		"  cow_label=L         archiso: an ext2/3/4, xfs or btrfs partition labelled L holds the changes\n"
		"  cow_device=DEV      archiso: that partition by /dev/..., LABEL=, UUID=,\n"
		"                      PARTUUID=, PARTLABEL= or /dev/disk/by-*/ (cow_label= wins)\n"
		"  cow_directory=D     archiso: their directory in it (default\n"
		"                      persistent_<archisolabel>/<arch>), with upperdir/ and workdir/\n"
		"  cow_spacesize=SIZE  archiso: size of a tmpfs upper layer (e.g. 256M, 75%%)\n"
		"  nopersistent, nopersistence  never use a store (they win over every flavor)\n"
		"                      several flavors asked: boot=casper or boot=live picks its\n"
		"                      own, else the first of live-boot, casper, dracut, archiso\n"
		"  overlay-size=SIZE   size of the tmpfs upper layer (tmpfs size=, e.g. 50%%);\n"
		"                      wins over cow_spacesize=\n"
		"  vtoy.debug          log more\n"
		"\n"
		"Options:\n"
		"  --find-medium   do vtoy-iso-scan's work first, in this process (one device\n"
		"                  event socket for both: nothing is looked for twice); exit\n"
		"                  status 3 when the medium could not be set up\n"
		"  --root DIR      mount point of the new root (default /root)\n"
		"  --run-dir DIR   reports and mounts (default " VTOY_RUN_DIR ")\n"
		"  --cmdline FILE  read the command line from FILE (default /proc/cmdline)\n"
		"  --e2fsck PATH   the e2fsck to run (default /sbin/e2fsck)\n"
		"  --json          with status: one JSON document (what was decided, and what\n"
		"                  is mounted now), for tools; see vtoy-persist(8)\n"
		"  --log           with status: print the whole log\n"
		"  -h, --help      show this help\n"
		"  -V, --version   show the version\n");
}

int persist_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "find-medium", no_argument, NULL, 'm' },
		{ "root", required_argument, NULL, 'R' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "e2fsck", required_argument, NULL, 'e' },
		{ "log", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct persist_opts opts = {
		.run_dir = VTOY_RUN_DIR,
		.root = "/root",
		.cmdline_path = "/proc/cmdline",
		.e2fsck = "/sbin/e2fsck",
		.shutdown_dir = SHUTDOWN_DIR,
	};
	enum persist_step step;
	struct status_opts status = { 0 };
	bool find_medium = false;
	int c, err;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': find_medium = true; break;
		case 'R': opts.root = optarg; break;
		case 'r': opts.run_dir = optarg; break;
		case 'c': opts.cmdline_path = optarg; break;
		case 'e': opts.e2fsck = optarg; break;
		case 'l': status.show_log = true; break;
		case 'j': status.json = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vtoy-persist " VTOY_VERSION "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "status") == 0 && optind + 1 == argc) {
		if (status.json && status.show_log) {
			fprintf(stderr, "vtoy-persist: status takes --json or --log, not both\n");
			return 2;
		}
		status.run_dir = opts.run_dir;
		log_init("vtoy-persist", 0, NULL); /* the report's errors, on stderr */
		return persist_status(&status);
	}
	if (optind != argc || status.json || status.show_log) {
		usage(stderr);
		return 2;
	}
	/* In one process, the medium search's uevent socket stays open for
	 * the store's (drivers_catch_up): no exit, no exec, no second walk of
	 * /sys between them. */
	if (find_medium) {
		if (iso_scan_program(opts.run_dir, opts.cmdline_path) != 0)
			return 3;
		/* What the medium search freed goes back to the kernel, as its
		 * exit gave it back: the boot's memory is counted in RAM. */
		malloc_trim(0);
	}
	mkdir_p(opts.run_dir, 0755);
	log_init("vtoy-persist", VLOG_TO_KMSG | VLOG_TO_FILE, opts.run_dir);
	modprobe_set_error_dir(opts.run_dir);
	timeline_init(opts.run_dir);
	blkdev_inventory_init(opts.run_dir);
	step = persist_run(&opts, &err);
	if (step != PERSIST_OK) {
		log_err("failed while %s: %s", persist_step_name(step), strerror(-err));
		return 1;
	}
	return 0;
}
