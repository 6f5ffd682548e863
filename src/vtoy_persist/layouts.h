/* Where the root overlay's upper and work directories are inside a store,
 * per the system the store was made for. */
#ifndef VTOY_LAYOUTS_H
#define VTOY_LAYOUTS_H

#include <stddef.h>

#include <stdbool.h>

#include "persistence_conf.h"

/* With create false (a read-only store) nothing is created or migrated and
 * a missing upper directory is -ENOENT. */

/* casper: upper/ and work/ at the store root, created when missing. */
int layout_casper(const char *store_mount, bool create, char *upper, char *work, size_t len);

/* live-boot: the store's persistence.conf decides. With "/ union" the root
 * overlay goes on SOURCE/rw and SOURCE/work (created when missing).
 * Returns 0, -ENOENT (no persistence.conf: live-boot ignores the volume),
 * -ENODATA (no "/ union" entry), or another -errno; all logged. With 0 and
 * -ENODATA, conf holds the parsed entries (pconf_free it). */
int layout_liveboot(const char *store_mount, const char *store_name, bool create, char *upper,
		    char *work, size_t len, struct pconf *conf);

#endif
