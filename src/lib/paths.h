/* Every path vtoy uses at run time. Everything is under /run/vtoy so that
 * it moves into the new root with /run and stays visible in the live
 * system; the names below the run directory are here and nowhere else. */
#ifndef VTOY_PATHS_H
#define VTOY_PATHS_H

#include <stddef.h>

#define VTOY_VERSION "0.1.0"

#define VTOY_RUN_DIR "/run/vtoy"

/* Below the run directory (run_path()). */
#define RUN_LOG "log"                 /* every decision */
#define RUN_MEDIUM_ENV "medium.env"   /* the medium report: vtoy-iso-scan to vtoy-persist */
#define RUN_PERSIST_ENV "persist.env" /* what vtoy-persist decided */
#define RUN_FSCK_LOG "fsck.log"       /* e2fsck's output */
#define RUN_TIMELINE "timeline"       /* when each step of the boot ended (timeline.h) */
#define RUN_DEVICES "devices"         /* the boot's device inventory (blkdev_inventory.h) */
#define RUN_MODALIASES "modaliases"   /* the modaliases modprobe ran for (drivers.h) */
#define RUN_PROBE "probe"             /* probe/NAME: a device mounted read-only to look at */
#define RUN_DATA "data"               /* the data partition holding the ISO */
#define RUN_MEDIUM "medium"           /* the medium (the ISO, or the medium's device) */
#define RUN_RAM "ram"                 /* toram: the root images in RAM */
#define RUN_ROOTFS "rootfs"           /* rootfs/NN-NAME: each root image */
#define RUN_STORE "store"             /* the store, read-write */
#define RUN_STORE_PARTITION "store-partition" /* a directory store's partition */
#define RUN_TMPFS "tmpfs"             /* a temporary upper layer */
#define RUN_HOME_RW "home-rw"         /* casper's home-rw store, below which the same names recur */
#define RUN_EMPTY_LOWER "empty-lower" /* an empty lower layer for a custom union */

/* Where tools in the live system expect the medium. */
#define LIVEBOOT_MEDIUM "/run/live/medium" /* live-boot */
#define CASPER_MEDIUM "cdrom"              /* casper: ROOT/cdrom */

/* RUN_DIR/SUB, or RUN_DIR/SUB/NAME when name is not NULL. Returns 0, or
 * -ENAMETOOLONG when it does not fit in len. */
int run_path(char *buf, size_t len, const char *run_dir, const char *sub, const char *name);

#endif
