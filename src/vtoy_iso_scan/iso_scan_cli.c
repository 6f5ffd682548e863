/* vtoy-iso-scan's command line: find the live medium and mount its root images. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkdev_inventory.h"
#include "fs_driver.h"
#include "iso_scan.h"
#include "log.h"
#include "mnt.h"
#include "paths.h"
#include "timeline.h"
#include "programs.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vtoy-iso-scan [--run-dir DIR] [--cmdline FILE]\n"
		"\n"
		"Finds the live medium named on the kernel command line, loop-mounts it\n"
		"read-only and mounts the root images inside it. Run from an initramfs.\n"
		"\n"
		"Kernel command-line options read (the first that names a medium wins):\n"
		"  fromiso=/dev/DEV/PATH.iso    the ISO file on that device (live-boot)\n"
		"  iso-scan/filename=/PATH.iso  the ISO file, searched on every partition\n"
		"  findiso=/PATH.iso            the same (Debian live-boot's name)\n"
		"  img_loop=/PATH.iso           the ISO on img_dev=DEV or img_label=LABEL (archiso)\n"
		"  root=live:DEV                the device holding the medium (dracut);\n"
		"                               root=live:/PATH.iso an ISO file, searched everywhere\n"
		"  archisolabel=LABEL           the partition with that label (archiso)\n"
		"  live-media=DEV               the device holding the medium; removable or\n"
		"                               removable-usb restrict the search instead\n"
		"  rd.live.image                dracut live boot (alone: scan for the medium)\n"
		"    DEV: /dev/NAME, LABEL=, CDLABEL=, UUID=, PARTUUID=, PARTLABEL=,\n"
		"         /dev/disk/by-label/NAME and the like\n"
		"  live-media-path=DIR          image directory in the medium (default: the first of\n"
		"                               casper/, live/, LiveOS/, arch/ that it has)\n"
		"  rd.live.dir=DIR, archisobasedir=DIR  the same (dracut, archiso)\n"
		"  rd.live.squashimg=NAME, layerfs-path=NAME, module=NAME  the root image names\n"
		"  toram, copytoram, rd.live.ram  copy the medium to RAM\n"
		"  vtoy.data=rw                 the partition holding the ISO read-write for the\n"
		"                               live system (as Ventoy's VTOY_LINUX_REMOUNT asks)\n"
		"  rootdelay=S, live-media-timeout=S  how long to wait for the device (default 30)\n"
		"  vtoy.debug                   log more\n"
		"Each option in detail, and how a later one naming a medium is logged: vtoy-iso-scan(8).\n"
		"\n"
		"Options:\n"
		"  --run-dir DIR   where mounts and reports go (default " VTOY_RUN_DIR ")\n"
		"  --cmdline FILE  read the command line from FILE (default /proc/cmdline)\n"
		"  -h, --help      show this help\n"
		"  -V, --version   show the version\n"
		"\n"
		"Writes DIR/" RUN_MEDIUM_ENV " for vtoy-persist and logs to DIR/log and /dev/kmsg.\n");
}

int iso_scan_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "run-dir", required_argument, NULL, 'r' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct iso_scan_opts opts = { .run_dir = VTOY_RUN_DIR, .cmdline_path = "/proc/cmdline" };
	int c;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': opts.run_dir = optarg; break;
		case 'c': opts.cmdline_path = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vtoy-iso-scan " VTOY_VERSION "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return iso_scan_program(opts.run_dir, opts.cmdline_path);
}

int iso_scan_program(const char *run_dir, const char *cmdline_path)
{
	struct iso_scan_opts opts = { .run_dir = run_dir, .cmdline_path = cmdline_path };
	enum iso_scan_step step;
	int err;

	mkdir_p(opts.run_dir, 0755);
	log_init("vtoy-iso-scan", VLOG_TO_KMSG | VLOG_TO_FILE, opts.run_dir);
	modprobe_set_error_dir(opts.run_dir);
	timeline_init(opts.run_dir);
	blkdev_inventory_init(opts.run_dir);
	step = iso_scan_run(&opts, &err);
	if (step != ISO_SCAN_OK) {
		log_err("failed while %s: %s", iso_scan_step_name(step), strerror(-err));
		return 1;
	}
	return 0;
}
