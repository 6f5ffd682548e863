/* vtoy: one static binary for the boot's programs, so that the C library
 * and libblkid are in the image once. The program is the name it runs as
 * (argv[0], a symlink as busybox uses them), or its first argument:
 *   vtoy-iso-scan  vtoy iso-scan   find the live medium, mount its root images
 *   vtoy-persist   vtoy persist    build the root overlay
 *   vtoy-status    vtoy status     what the boot decided, and what is mounted now
 *   vtoy-shutdown  vtoy shutdown   the way out (run as /run/initramfs/shutdown) */
#include <stdio.h>
#include <string.h>

#include "paths.h"
#include "programs.h"

static const struct program {
	const char *name;
	int (*main)(int argc, char **argv);
} programs[] = {
	{ "iso-scan", iso_scan_main },
	{ "persist", persist_main },
	{ "status", status_main },
	{ "shutdown", shutdown_main },
};

#define COUNT (sizeof(programs) / sizeof(programs[0]))

static const struct program *find(const char *name)
{
	for (size_t i = 0; i < COUNT; i++)
		if (!strcmp(name, programs[i].name))
			return &programs[i];
	return NULL;
}

static int usage(FILE *out, int status)
{
	fprintf(out, "Usage: vtoy PROGRAM [ARGS...], or run as vtoy-PROGRAM\n"
		     "Programs: iso-scan, persist, status, shutdown (see vtoy(8) and each one's page).\n"
		     "Each takes --help.\n");
	return status;
}

int main(int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	const struct program *p;

	base = base ? base + 1 : argc > 0 ? argv[0] : "vtoy";
	if (!strncmp(base, "vtoy-", 5) && (p = find(base + 5)))
		return p->main(argc, argv);
	/* systemd-shutdown execs /run/initramfs/shutdown as "/shutdown". */
	if (!strcmp(base, "shutdown"))
		return shutdown_main(argc, argv);
	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("vtoy " VTOY_VERSION "\n");
		return 0;
	}
	p = find(argv[1]);
	if (!p) {
		fprintf(stderr, "vtoy: no program '%s'\n", argv[1]);
		return usage(stderr, 2);
	}
	return p->main(argc - 1, argv + 1);
}
