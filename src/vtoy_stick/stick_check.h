/* vtoy-stick check: what the boot would do with each ISO on a Ventoy
 * stick, from the same parsers and rules the boot runs (ventoy.json's
 * persistence plugin, persistence.conf, the conventions' store labels), and
 * every problem with its fix. Nothing on the stick is written. */
#ifndef VTOY_STICK_CHECK_H
#define VTOY_STICK_CHECK_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "iso_view.h"
#include "root_layout.h"
#include "stick_disk.h"

struct stick_check_opts {
	/* How an ISO file is read: NULL is iso_view_read() (tests give a stub). */
	int (*iso_view)(const char *file, struct iso_view *out);
	/* The stick's other partitions: NULL reads them (stick_disk_read()). */
	const struct stick_disk *disk;
	/* The stick's root as the user knows it (a device checked through a
	 * temporary mount): the report's "stick" and the paths in fixes.
	 * NULL: root. */
	const char *shown_root;
};

/* Checks the stick whose Ventoy partition is mounted (or copied) at root.
 * On 0, *report is the document --json prints (see vtoy-stick(8)) and
 * *problems how many problems it lists (warnings not counted). Returns
 * -errno when root cannot be read or on -ENOMEM. */
int stick_check(const char *root, const struct stick_check_opts *opts, json_t **report,
		size_t *problems);

/* The labels a Ventoy persistence file must carry for the ISO's own
 * initramfs to use it (reference/conventions.md: casper-rw or writable for
 * casper, persistence for live-boot, vtoycow for dracut and archiso); the
 * first is the one to create. NULL-terminated. */
const char *const *stick_store_labels(enum root_layout layout);

/* Writes the report for people, as the check prints it. */
void stick_report_print(const json_t *report, FILE *out);

#endif
