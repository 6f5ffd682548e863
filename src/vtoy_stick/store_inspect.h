/* What a store file on a stick holds, looked at from the host without
 * writing to it: libblkid for the filesystem, FIEMAP for its layout, the
 * filesystem's own checker in no-change mode, and (as root) a read-only,
 * no-journal-replay loop mount for how full it is and its persistence.conf,
 * read by the boot's parser. */
#ifndef VTOY_STICK_STORE_INSPECT_H
#define VTOY_STICK_STORE_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "store_space.h"

#define INSPECT_REJECTS_MAX 16

struct store_inspect {
	bool partition;             /* a partition, not an image file */
	char fstype[32];            /* libblkid's TYPE, "" when none */
	char label[128];
	unsigned long long size;      /* bytes */
	unsigned long long allocated; /* bytes on disk (st_blocks): below size when sparse */
	int fragments;              /* runs of physically adjacent extents; -1: unknown */
	char fsck[16];              /* "clean", "unclean", "not-checked" */
	char fsck_detail[160];      /* the checker and its exit status, or why not checked */
	bool inside;                /* mounted read-only and looked into */
	char not_inside[160];       /* why not */
	struct store_space space;   /* when inside */
	bool conf_present;          /* persistence.conf at the store's root */
	size_t conf_entries;        /* lines the boot accepts */
	bool conf_root_union;       /* "/ union": the whole root persists */
	char conf_rejects[INSPECT_REJECTS_MAX][320]; /* the boot's own messages */
	size_t conf_reject_count;
	char medium_record[1024];   /* the images the boot last met it with (.vtoy-medium), or "" */
};

/* Inspects the image file or partition open at fd (name: the loop
 * device's record for a file, the device node to mount for a partition).
 * Returns 0 (what could not be learnt is said in the fields), -EINVAL when
 * it is neither, or -errno. */
int store_inspect(int fd, const char *name, struct store_inspect *out);

#include "stick_run.h"

/* How many pieces the file at fd is in on its partition (FIEMAP, extents
 * that touch merged), or -1 when the filesystem does not say. */
int store_fragments(int fd);

#endif
