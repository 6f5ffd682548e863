/* Where things live at run time. Everything is under /run/vtoy so that it
 * moves into the new root with /run and stays visible in the live system. */
#ifndef VTOY_PATHS_H
#define VTOY_PATHS_H

#define VTOY_RUN_DIR "/run/vtoy"
#define VTOY_MEDIUM_ENV "medium.env"   /* written by vtoy-iso-scan */
#define VTOY_PERSIST_ENV "persist.env" /* written by vtoy-persist */
#define VTOY_VERSION "0.1.0"

#endif
