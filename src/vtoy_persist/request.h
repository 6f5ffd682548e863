/* The request step: what persistence the command line and Ventoy ask for,
 * resolved into one request (convention.h) through a precedence table,
 * the first rule that decides winning:
 *   nopersistent, nopersistence   no persistence, whatever else asks
 *   Ventoy's menu                 the file picked there; or none, when it
 *                                 offered files and none was picked
 *   the command line              one convention: the one boot=casper or
 *                                 boot=live names when asked, else the first
 *                                 asked of live-boot, casper, dracut,
 *                                 archiso; for an ISO Ventoy booted without
 *                                 its menu, ventoy.json's plugin then picks
 *                                 the store of a casper or live-boot request
 *   (nothing)                     no persistence
 * Every asker that is not used is logged with the reason. */
#ifndef VTOY_REQUEST_H
#define VTOY_REQUEST_H

#include "convention.h"
#include "kvlist.h"

/* Fills p->req from p->cmdline and p->medium. */
void request_resolve(struct persist *p);

/* VTOY_PERSISTENCE_REQUESTED: the convention asked, "ventoy" (Ventoy's
 * menu), "declined-in-ventoy-menu", or "no". */
const char *request_name(const struct persist_request *req);

/* Checks a tmpfs size= value: a number, optionally followed by one of
 * k, m, g, t, p, e (any case) or by % (1 to 100). Zero, which tmpfs takes as
 * "no limit", is refused. Returns 0 or -EINVAL. */
int request_tmpfs_size_check(const char *size);

/* The size of a tmpfs upper layer: overlay-size=, else archiso's
 * cow_spacesize=, each checked (a bad value is logged and ignored); NULL
 * means the kernel default (half of the memory). */
const char *request_tmpfs_size(const struct kvlist *cmdline);

#endif
