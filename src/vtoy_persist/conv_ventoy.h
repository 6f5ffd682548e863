/* Ventoy's choice of a store (conv_ventoy.c): the rules the request step
 * asks, and the clean-up of what it made. */
#ifndef VTOY_CONV_VENTOY_H
#define VTOY_CONV_VENTOY_H

#include "convention.h"

/* The name of the device-mapper device over the menu's file (Ventoy's own
 * hook uses it too: one that exists already is Ventoy's). */
#define VENTOY_PERSIST_DM_NAME "vtoy_persistent"
#define VENTOY_LUKS_DM_NAME "vtoy_luks_ventoy" /* an encrypted persistence file, unlocked */

/* Ventoy's menu, when its cpio came: 1 when it decided (a file was picked:
 * req->conv is conv_ventoy; or persistence was declined: req->conv NULL,
 * source REQUEST_VENTOY_DECLINED), 0 when it decides nothing. */
int ventoy_request(const struct persist *p, struct persist_request *req);

/* ventoy.json's plugin, for a casper or live-boot request when Ventoy's
 * hand-over came without its cpio (no menu ran): 1 when it applies (a
 * file chosen: req->conv becomes conv_ventoy; none chosen: req->unusable
 * says why), 0 when it does not. */
int ventoy_plugin_request(const struct persist *p, struct persist_request *req);

/* Removes the device-mapper device made for the store (never Ventoy's
 * own): for a store that ended up unused. */
void ventoy_release(const struct persist *p);

#endif
