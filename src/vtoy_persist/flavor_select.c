#include "flavor.h"

#include <stdio.h>
#include <string.h>

#include "flavor_archiso.h"
#include "flavor_dracut.h"
#include "log.h"

/* The order used when boot= does not settle it; documented in
 * vtoy-persist(8). */
static const enum flavor_kind order[] = { FLAVOR_LIVEBOOT, FLAVOR_CASPER, FLAVOR_DRACUT,
					  FLAVOR_ARCHISO };
#define FLAVORS (sizeof(order) / sizeof(order[0]))

/* The option that asks for kind, for the log; NULL when it is not asked. */
static const char *asked_by(const struct kvlist *cmdline, enum flavor_kind kind, char *buf,
			    size_t len)
{
	const char *key, *value;

	switch (kind) {
	case FLAVOR_LIVEBOOT:
		return kvlist_has(cmdline, "persistence") ? "persistence" : NULL;
	case FLAVOR_CASPER:
		return kvlist_has(cmdline, "persistent") ? "persistent" : NULL;
	case FLAVOR_DRACUT:
		value = dracut_overlay_value(cmdline, &key);
		if (!value)
			return NULL;
		snprintf(buf, len, "%s=%s", key, value);
		return buf;
	case FLAVOR_ARCHISO:
		if (!archiso_requested(cmdline))
			return NULL;
		key = kvlist_get(cmdline, "cow_label") && *kvlist_get(cmdline, "cow_label")
			      ? "cow_label" : "cow_device";
		snprintf(buf, len, "%s=%s", key, kvlist_get(cmdline, key));
		return buf;
	case FLAVOR_NONE:
		break;
	}
	return NULL;
}

static enum flavor_kind boot_flavor(const char *boot)
{
	if (boot && !strcmp(boot, "casper"))
		return FLAVOR_CASPER;
	if (boot && !strcmp(boot, "live"))
		return FLAVOR_LIVEBOOT;
	return FLAVOR_NONE;
}

enum flavor_kind flavor_select(const struct kvlist *cmdline)
{
	const char *boot = kvlist_get(cmdline, "boot");
	const char *asked[FLAVORS];
	char bufs[FLAVORS][512], why[80];
	enum flavor_kind chosen = FLAVOR_NONE;
	const char *no = kvlist_has(cmdline, "nopersistence")  ? "nopersistence"
			 : kvlist_has(cmdline, "nopersistent") ? "nopersistent"
							       : NULL;
	size_t count = 0;

	for (size_t i = 0; i < FLAVORS; i++) {
		asked[i] = asked_by(cmdline, order[i], bufs[i], sizeof(bufs[i]));
		count += asked[i] != NULL;
	}
	if (no) {
		for (size_t i = 0; i < FLAVORS; i++)
			if (asked[i])
				log_notice("%s given: %s is ignored, persistence stays off", no,
					   asked[i]);
		if (!count)
			log_notice("%s given: persistence stays off", no);
		return FLAVOR_NONE;
	}
	for (size_t i = 0; i < FLAVORS; i++)
		if (asked[i] && order[i] == boot_flavor(boot))
			chosen = order[i];
	for (size_t i = 0; i < FLAVORS && chosen == FLAVOR_NONE; i++)
		if (asked[i])
			chosen = order[i];
	if (count < 2)
		return chosen;
	if (boot_flavor(boot) == chosen)
		snprintf(why, sizeof(why), "as boot=%s says", boot);
	else
		snprintf(why, sizeof(why), "the first in the order live-boot, casper, dracut, "
					   "archiso");
	for (size_t i = 0; i < FLAVORS; i++)
		if (order[i] == chosen)
			log_notice("persistence is asked for in %zu ways: using %s (%s), %s", count,
				   flavor_kind_name(chosen), asked[i], why);
	for (size_t i = 0; i < FLAVORS; i++)
		if (asked[i] && order[i] != chosen)
			log_warn("%s (%s) is ignored: only one persistence is used, and %s wins",
				 asked[i], flavor_kind_name(order[i]), flavor_kind_name(chosen));
	return chosen;
}
