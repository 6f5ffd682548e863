/* vtoy-shutdown: run by systemd-shutdown as /run/initramfs/shutdown VERB
 * (see shutdown.h), or by hand with --oldroot. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "programs.h"
#include "shutdown.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vtoy-shutdown [--oldroot DIR] [--no-reboot] poweroff|reboot|halt|kexec\n"
		"\n"
		"The last step of a shutdown, as systemd runs /run/initramfs/shutdown: unmounts\n"
		"the old root (the overlay) and everything below it (the store, the ISO, the\n"
		"data partition), removes vtoy's device-mapper devices, syncs, then powers off,\n"
		"reboots or halts. vtoy-persist copies it to /run/initramfs/shutdown at boot.\n"
		"\n"
		"Options:\n"
		"  --oldroot DIR   the old root (default " SHUTDOWN_OLDROOT ")\n"
		"  --no-reboot     stop after unmounting (for tests)\n"
		"  -h, --help      show this help\n"
		"  -V, --version   show the version\n");
}

/* Unmounts, says how it went. */
static enum shutdown_step unmount_all(const char *oldroot, const char *verb)
{
	enum shutdown_step step;
	size_t left;

	log_init("vtoy-shutdown", VLOG_TO_KMSG, NULL);
	log_notice("unmounting the old root %s and everything below it, then %s", oldroot, verb);
	step = shutdown_unmount(oldroot, NULL, &left);
	if (step == SHUTDOWN_OK)
		log_notice("everything below %s is unmounted: the store is clean", oldroot);
	else
		log_warn("%zu mount(s) below %s stayed busy and were detached; their filesystems "
			 "may need a check at the next boot", left, oldroot);
	sync();
	return step;
}

int shutdown_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "oldroot", required_argument, NULL, 'o' },
		{ "no-reboot", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *oldroot = SHUTDOWN_OLDROOT, *verb;
	bool no_reboot = false;
	enum shutdown_step step;
	int c, cmd;

	/* As systemd-shutdown's successor, PID 1: its own command line comes
	 * along (the verb, then --timeout, --log-level...). It must never
	 * return: PID 1 exiting panics the kernel. */
	if (getpid() == 1) {
		verb = argc > 1 && shutdown_command(argv[1]) != -1 ? argv[1] : "poweroff";
		cmd = shutdown_command(verb);
		unmount_all(oldroot, verb);
		for (;;) {
			reboot(cmd);
			log_err("reboot(%s) failed: %m; powering off", verb);
			reboot(RB_POWER_OFF);
			pause();
		}
	}
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': oldroot = optarg; break;
		case 'n': no_reboot = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vtoy-shutdown " VTOY_VERSION "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || (cmd = shutdown_command(argv[optind])) == -1) {
		usage(stderr);
		return 2;
	}
	step = unmount_all(oldroot, argv[optind]);
	if (no_reboot)
		return step == SHUTDOWN_OK ? 0 : 1;
	reboot(cmd);
	log_err("reboot(%s) failed: %m", argv[optind]);
	return 1;
}
