/* The persistence conventions vtoy-persist speaks (casper, live-boot,
 * dracut, archiso, and Ventoy's choice of a store), behind one interface,
 * and the context object the pipeline (persist.c) hands each step.
 *
 * A convention reads its own command-line options into the request, finds
 * the store they name, lays out upper and work inside it, and adds what it
 * mounts besides the root (live-boot's custom mounts, casper's home-rw).
 * Each lives in conv_<name>.c. */
#ifndef VTOY_CONVENTION_H
#define VTOY_CONVENTION_H

#include <limits.h>
#include <stdbool.h>

#include "kvlist.h"
#include "medium.h"
#include "overlay.h"
#include "persist.h"
#include "persistence_conf.h"
#include "store.h"
#include "store_find.h"
#include "store_open.h"

enum request_source {
	REQUEST_NONE,            /* persistence not asked for */
	REQUEST_OFF,             /* nopersistent or nopersistence */
	REQUEST_CMDLINE,         /* a convention's option */
	REQUEST_VENTOY_MENU,     /* the file picked in Ventoy's menu */
	REQUEST_VENTOY_PLUGIN,   /* ventoy.json's autosel, no menu having run */
	REQUEST_VENTOY_DECLINED, /* Ventoy's menu offered stores and none was chosen */
};

/* dracut's rd.live.overlay= / rd.overlay=. */
struct dracut_overlay {
	const char *key;          /* "rd.overlay" or "rd.live.overlay" */
	const char *value;        /* as given */
	char device[256];         /* the devspec part */
	char upper[PATH_MAX];     /* in the device, without the leading '/' */
	char work[PATH_MAX];      /* ovlwork beside upper */
	bool default_path;        /* no path given (or "auto") */
	bool reset;               /* rd.overlay.reset, rd.live.overlay.reset */
};

/* What persistence is asked for, in the words of one convention. */
struct persist_request {
	const struct convention *conv; /* NULL: no store */
	const struct convention *asked_conv; /* REQUEST_VENTOY_PLUGIN: what the command line asked */
	enum request_source source;
	char asked_by[320];       /* the option that asked, for the log: "persistent" */
	/* Asked for, but the options name nothing usable (logged): why, for the
	 * fallback; the store is not looked for. */
	char unusable[400];
	bool read_only;           /* persistence-read-only, rd.live.overlay.readonly */
	bool remove;              /* live-boot's persistence-remove */
	struct store_query query; /* casper, live-boot: the label search */
	char labels[512];         /* storage for query.labels */
	struct dracut_overlay dracut;
	char cow_dir[PATH_MAX];   /* archiso: cow_directory in the store */
	char ventoy_backend[PATH_MAX]; /* Ventoy's plugin: the file it chose */
	struct overlay_opts overlay; /* as the convention's own system mounts its stores */
};

/* The one context object of a vtoy-persist run. */
struct persist {
	const struct persist_opts *opts;
	struct kvlist cmdline;
	struct medium medium;
	struct persist_request req;
	/* The store: the candidates found, then the one chosen and opened. */
	struct store_list candidates;
	struct store store;
	struct opened_store opened;
	bool store_open;
	bool fsck_fallback;       /* e2fsck failed: the store is shown read-only */
	/* The convention that lays out the store: req.conv, or for a store
	 * Ventoy chose, casper or live-boot after its label. */
	const struct convention *layout_conv;
	/* What the root overlay is made of. */
	char upper[PATH_MAX];
	char work[PATH_MAX];
	char store_lower[PATH_MAX]; /* a read-only store's upper, an extra lower layer */
	bool custom_only;         /* live-boot: only custom mounts, the root on a tmpfs */
	struct pconf conf;        /* live-boot: the volume's persistence.conf */
	const char *mode;         /* VTOY_PERSISTENCE */
	char fallback[512];       /* why persistence is not (fully) active */
	struct kvlist report;     /* persist.env */
};

struct convention {
	const char *name; /* "casper", "live-boot", "dracut", "archiso", "ventoy" */
	/* Reads the convention's options from p->cmdline into req: 1 when they
	 * ask for persistence (asked_by set), 0 when not. force: read them
	 * even when the convention's own switch is absent (Ventoy's menu picked
	 * a store this convention lays out). Logs bad values. */
	int (*request)(const struct persist *p, struct persist_request *req, bool force);
	/* Finds the stores the request names: 0 with p->candidates (none:
	 * count 0, logged), or -errno, logged. */
	int (*find)(struct persist *p);
	/* p->opened is mounted: sets p->upper and p->work (made when missing,
	 * unless read-only), or p->store_lower for a read-only store, or
	 * p->custom_only. 0 or -errno, logged. */
	int (*prepare)(struct persist *p);
	/* After the root overlay: what else the convention mounts into the new
	 * root. NULL when nothing. */
	void (*extras)(struct persist *p);
};

extern const struct convention conv_casper, conv_liveboot, conv_dracut, conv_archiso, conv_ventoy;

/* persist.env lines and the log, for every convention alike. */
void persist_report(struct persist *p, const char *key, const char *value);

#endif
