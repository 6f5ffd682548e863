#include "request.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conv_ventoy.h"
#include "log.h"

/* The conventions asked on the command line, in the order used when boot=
 * does not settle it (documented in vtoy-persist(8)). */
static const struct convention *const order[] = { &conv_liveboot, &conv_casper, &conv_dracut,
						  &conv_archiso };
#define CONVENTIONS (sizeof(order) / sizeof(order[0]))

/* What each convention's options ask, read once per run. */
struct asked {
	struct persist_request req[CONVENTIONS];
	bool yes[CONVENTIONS];
	size_t count;
};

static void read_asked(const struct persist *p, struct asked *a)
{
	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < CONVENTIONS; i++) {
		a->yes[i] = order[i]->request(p, &a->req[i], false) == 1;
		if (a->yes[i])
			a->req[i].conv = order[i];
		a->count += a->yes[i];
	}
}

/* nopersistent and nopersistence turn every convention off, and Ventoy's
 * menu too. */
static int rule_off(const struct persist *p, const struct asked *a, struct persist_request *req)
{
	const char *no = kvlist_has(&p->cmdline, "nopersistence")  ? "nopersistence"
			 : kvlist_has(&p->cmdline, "nopersistent") ? "nopersistent"
								   : NULL;

	if (!no)
		return 0;
	for (size_t i = 0; i < CONVENTIONS; i++)
		if (a->yes[i])
			log_notice("%s given: %s is ignored, persistence stays off", no,
				   a->req[i].asked_by);
	if (!a->count)
		log_notice("%s given: persistence stays off", no);
	if (p->medium.ventoy.present && p->medium.ventoy.persistent_map_count)
		log_info("Ventoy's persistence is not looked at: nopersistence/nopersistent given");
	req->source = REQUEST_OFF;
	snprintf(req->asked_by, sizeof(req->asked_by), "%s", no);
	return 1;
}

/* Ventoy's menu, when it ran, decides before the command line. */
static int rule_ventoy_menu(const struct persist *p, const struct asked *a,
			    struct persist_request *req)
{
	int ret = ventoy_request(p, req);

	if (ret == 1 && req->source == REQUEST_VENTOY_DECLINED) {
		for (size_t i = 0; i < CONVENTIONS; i++)
			if (a->yes[i])
				log_notice("%s on the command line is not acted upon: Ventoy's menu "
					   "decided against persistence", a->req[i].asked_by);
	} else if (ret == 1) {
		for (size_t i = 0; i < CONVENTIONS; i++)
			if (a->yes[i] && order[i] != &conv_casper && order[i] != &conv_liveboot)
				log_warn("%s is ignored: the file picked in Ventoy's menu is used",
					 a->req[i].asked_by);
	}
	return ret;
}

static const struct convention *boot_convention(const struct kvlist *cmdline)
{
	const char *boot = kvlist_get(cmdline, "boot");

	if (boot && !strcmp(boot, "casper"))
		return &conv_casper;
	if (boot && !strcmp(boot, "live"))
		return &conv_liveboot;
	return NULL;
}

/* One convention: the one boot= names when asked, else the first asked in
 * the order above; the others are logged as ignored. */
static int rule_convention(const struct persist *p, const struct asked *a,
			   struct persist_request *req)
{
	const struct convention *boot = boot_convention(&p->cmdline);
	size_t chosen = CONVENTIONS;

	for (size_t i = 0; i < CONVENTIONS; i++)
		if (a->yes[i] && order[i] == boot)
			chosen = i;
	for (size_t i = 0; i < CONVENTIONS && chosen == CONVENTIONS; i++)
		if (a->yes[i])
			chosen = i;
	if (chosen == CONVENTIONS)
		return 0;
	if (a->count > 1)
		log_notice("persistence is asked for in %zu ways: using %s (%s), %s", a->count,
			   order[chosen]->name, a->req[chosen].asked_by,
			   order[chosen] == boot ? "as boot= says"
						 : "the first in the order live-boot, casper, dracut, "
						   "archiso");
	for (size_t i = 0; i < CONVENTIONS; i++)
		if (a->yes[i] && i != chosen)
			log_warn("%s (%s) is ignored: only one persistence is used, and %s wins",
				 a->req[i].asked_by, order[i]->name, order[chosen]->name);
	*req = a->req[chosen];
	req->source = REQUEST_CMDLINE;
	/* An ISO Ventoy booted without its menu: ventoy.json may choose. */
	ventoy_plugin_request(p, req);
	return 1;
}

void request_resolve(struct persist *p)
{
	static const struct {
		const char *what;
		int (*rule)(const struct persist *p, const struct asked *a,
			    struct persist_request *req);
	} rules[] = {
		{ "nopersistent, nopersistence", rule_off },
		{ "Ventoy's menu", rule_ventoy_menu },
		{ "the command line", rule_convention },
	};
	static struct asked a;
	struct persist_request *req = &p->req;

	read_asked(p, &a);
	memset(req, 0, sizeof(*req));
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (rules[i].rule(p, &a, req) == 1) {
			log_debug("persistence decided by %s", rules[i].what);
			break;
		}
	}
	/* What every label search needs to know of this boot. */
	req->query.medium_disk = p->medium.device.disk;
	req->query.data_device = p->medium.device.node;
	req->query.data_mount = p->medium.data_mount;
	req->query.run_dir = p->opts->run_dir;
	req->query.read_only = req->read_only;
}

const char *request_name(const struct persist_request *req)
{
	switch (req->source) {
	case REQUEST_NONE:
	case REQUEST_OFF: return "no";
	case REQUEST_VENTOY_DECLINED: return "declined-in-ventoy-menu";
	case REQUEST_VENTOY_MENU: return "ventoy";
	case REQUEST_VENTOY_PLUGIN:
	case REQUEST_CMDLINE: break;
	}
	/* The plugin answers a casper or live-boot request: say that one. */
	return req->asked_conv ? req->asked_conv->name : req->conv ? req->conv->name : "no";
}

int request_tmpfs_size_check(const char *size)
{
	unsigned long long n = 0;
	const char *p = size;

	if (!size || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > 1000000000000000ULL)
			return -EINVAL;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (n == 0)
		return -EINVAL;
	if (*p == '%')
		return n <= 100 && p[1] == '\0' ? 0 : -EINVAL;
	if (*p && strchr("kKmMgGtTpPeE", *p))
		p++;
	return *p == '\0' ? 0 : -EINVAL;
}

const char *request_tmpfs_size(const struct kvlist *cmdline)
{
	static const char *const keys[] = { "overlay-size", "cow_spacesize", NULL };

	for (int i = 0; keys[i]; i++) {
		const char *size = kvlist_get(cmdline, keys[i]);

		if (!size)
			continue;
		if (request_tmpfs_size_check(size) == 0) {
			log_info("%s=%s: the tmpfs upper layer may use up to %s", keys[i], size, size);
			return size;
		}
		log_warn("%s=%s is not a size (a number with k, m, g, t, p, e or %% after it, "
			 "e.g. 256M or 75%%): ignored", keys[i], size);
	}
	return NULL;
}
