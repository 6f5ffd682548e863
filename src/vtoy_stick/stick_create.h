/* vtoy-stick create: a store the boot accepts, made so that a failure at
 * any step leaves the stick as it was (step enum and undo, as iso_scan.c). */
#ifndef VTOY_STICK_CREATE_H
#define VTOY_STICK_CREATE_H

#include <stdbool.h>
#include <stddef.h>

#include "iso_view.h"

#define CREATE_CONF_MAX 16

struct stick_create_opts {
	const char *file;           /* the store to make; must not exist */
	const char *stick;          /* the stick's root; NULL: the mount holding file */
	unsigned long long size;    /* bytes */
	const char *fstype;         /* "ext4" or "xfs" */
	const char *label;          /* NULL: from the ISO's convention, else casper-rw */
	const char *conf[CREATE_CONF_MAX]; /* persistence.conf lines */
	size_t conf_count;
	const char *for_iso;        /* the ISO's path on the stick, or NULL */
	bool encrypt;               /* a LUKS2 container around the filesystem */
	/* Its passphrase, asked once the rest is checked (so that nobody types
	 * it to be told the file exists). Returns 0 or -1 (nothing is made). */
	int (*ask_passphrase)(const char *file, char *out, size_t len);
	bool progress;              /* a progress line on stderr */
	/* How for_iso is read: NULL is iso_view_read() (tests give a stub). */
	int (*iso_view)(const char *file, struct iso_view *out);
};

enum create_step {
	CREATE_STEP_CHECK,  /* the arguments, the file, the space, ventoy.json */
	CREATE_STEP_WRITE,  /* every block of a temporary file written */
	CREATE_STEP_MKFS,   /* the filesystem, with persistence.conf */
	CREATE_STEP_ENCRYPT, /* LUKS2 around it (cryptsetup reencrypt --encrypt, offline) */
	CREATE_STEP_JSON,   /* ventoy.json's new text beside it */
	CREATE_STEP_COMMIT, /* both renamed into place */
	CREATE_STEP_DONE,
};

const char *create_step_name(enum create_step step);

/* Makes the store. Returns CREATE_STEP_DONE, or the step that failed (the
 * reason printed on stderr with the file it concerns), having removed
 * everything it made. */
enum create_step stick_create(const struct stick_create_opts *o);

/* The command line of vtoy-stick create (argv[0] is "create"). */
int stick_create_main(int argc, char **argv);

/* "512M", "1G", "1048576" into bytes; -EINVAL when not a size. */
int stick_parse_size(const char *text, unsigned long long *out);

#endif
