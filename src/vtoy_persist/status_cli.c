/* vtoy-status's command line: what the boot decided, and what is mounted
 * now (the same as vtoy-persist status). */
#include <getopt.h>
#include <stdio.h>

#include "log.h"
#include "paths.h"
#include "persist.h"
#include "programs.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vtoy-status [--json | --log] [--run-dir DIR]\n"
		"\n"
		"Shows, in the running system, how the live medium was found and what became\n"
		"of persistence: the store (by label and UUID), whether it is in use now, the\n"
		"fallback and its reason, and the decisions from the boot's log.\n"
		"\n"
		"Options:\n"
		"  --json          one JSON document, for tools (see vtoy-persist(8))\n"
		"  --log           the whole log, not only the decisions\n"
		"  --run-dir DIR   where the reports are (default " VTOY_RUN_DIR ")\n"
		"  -h, --help      show this help\n"
		"  -V, --version   show the version\n");
}

int status_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "log", no_argument, NULL, 'l' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct status_opts o = { .run_dir = VTOY_RUN_DIR };
	int c;

	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': o.json = true; break;
		case 'l': o.show_log = true; break;
		case 'r': o.run_dir = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vtoy-status " VTOY_VERSION "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (o.json && o.show_log)) {
		usage(stderr);
		return 2;
	}
	log_init("vtoy-status", 0, NULL); /* the report's errors, on stderr */
	return persist_status(&o);
}
