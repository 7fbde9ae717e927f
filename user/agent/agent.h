/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ovnmigd's state, shared by its main loop (ovnmigd.c) and its control
 * commands (commands.c): the options it was started with, what it runs
 * on, and the latency figures it reports.
 */
#ifndef OVNMIG_AGENT_H
#define OVNMIG_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "ctl/ctl.h"
#include "lib/bfmt.h"
#include "lib/maps.h"
#include "lib/metrics.h"
#include "ovsdb/stream.h"
#include "sb/sbview.h"

#define EVENT_RING	256
#define EVENT_PEND	4096	/* ~1 MiB: a subscriber's whole queue */

struct agent_opts {
	const char *sb_remote, *ovs_remote, *bpffs, *ctl_path;
	const char *genev_dev, *underlay_dev, *vif_source;
	const char *metrics_listen;
	struct ovsdb_ssl_opts ssl;
	uint32_t max_entries, xdp_flags;
	uint64_t max_age_ns, lease_ns;
	bool attach, no_vni_filter, replace_xdp;
	const char *bounce_attach;	/* always, on-demand or auto */
	uint64_t bounce_keep_ns;	/* on demand: kept after the last */
	unsigned int migrations_ring;	/* closed records kept */
	uint64_t migration_quiet_ns;	/* a record closes when this quiet */
	/* --system-id and --local-ip: instead of the local OVS DB's. */
	struct sbview_local local_override;
	bool have_override;
};

/* The command line (options.c): 0, or the exit status (2). */
int agent_parse_args(struct agent_opts *o, int argc, char **argv);

/* What "metrics" reports of the agent's own speed. */
struct agent_latency {
	struct metrics hist;		/* SB change -> map written */
	uint64_t synced_ns;		/* start -> reconciled */
	int big_n;			/* largest batch: changes, */
	uint64_t big_ns;		/* wake-up -> written, of which */
	uint64_t big_db_ns;		/* reading and parsing the update, */
	uint64_t big_policy_ns;		/* the policy's decisions, */
	uint64_t big_write_ns;		/* the map write */
};

/* An event as it happened; its text is made when read (lib/bfmt.h). */
struct agent_event {
	uint64_t ts_ns;
	char port[64];
	struct bfmt what;
};

struct agent {
	struct agent_opts opt;
	struct agent_latency lat;

	int lock_fd;			/* the single-instance lock */
	int exit_code;			/* when setup fails */
	uint64_t lease_renewals, lease_failures;
	char steer_refused[96];		/* why steering is off, or "" */
	uint64_t steer_refusals;	/* times it went off */
	uint64_t last_qdisc_ns;

	struct sbview *v;
	struct policy *p;
	struct maps m;
	struct ctl_server *ctl;
	struct metrics_http *http;
	uint32_t generation;
	bool reconciled, in_update;
	uint64_t end_ns;		/* the update's end() began */
	bool strays;		/* entries in the maps the policy does not
				 * track (added by hand) */
	uint64_t wake_ns, start_ns, last_sweep_ns;
	/* The last batch an update wrote: size, CLOCK_MONOTONIC at its
	 * map write (bench/bench-scale: commit -> map across agents). */
	uint64_t last_write_ns;
	uint64_t last_wake_ns;		/* woke for it (its message read) */
	int last_n;
	struct ovnmig_ip last_local[2];	/* IPv4, IPv6 */
	/* ovnmig_chassis as last written (sorted); dirty: look again. */
	struct ovnmig_chassis_key *chassis_keys;
	int n_chassis_keys;
	bool chassis_dirty, chassis_synced;
	int ifmac_err;			/* last MAC error logged */
	/* bounce's next hops (nexthop.h); fwd_dirty: a batch wrote fwd. */
	struct nexthop_watch *nhw;
	bool fwd_dirty;
	uint64_t nh_sync_ns;
	/* bounce on demand (lib/maps_attach.h): attached while forwarding
	 * entries exist and opt.bounce_keep_ns after the last went. */
	struct bounce_hold *bh;
	bool bounce_on;			/* as last set or seen */
	uint64_t bounce_idle_ns;	/* no fwd entry since; 0: some */
	uint64_t bounce_attaches, bounce_detaches, bounce_attach_ns;
	char bounce_err[192];		/* last attach/detach failure */
	struct agent_event ring[EVENT_RING];
	unsigned int ring_next;
	/* Events for the subscribers, made while the policy decides and
	 * sent once its batch is in the maps (flush_events()). */
	struct agent_event *pend;	/* EVENT_PEND, on first use */
	unsigned int n_pend;
	struct vif_events *ve;
	struct migrations *mig;		/* migrations.h */
	bool expiring;			/* in policy_expire() */
};

/* The local chassis: --system-id/--local-ip, else the local OVS DB's. */
const struct sbview_local *agent_local(void *ctx);
/* Log an event (ring, subscribers): a plain text, or printf's of @fmt
 * (a string literal: the policy's and the records' event callback). */
void agent_note(void *ctx, const char *port, const char *what);
void agent_vnote(void *ctx, const char *port, const char *fmt, va_list ap);
json_t *agent_event_json(const struct agent_event *e);

/* commands.c */
extern const struct ctl_command agent_commands[];
/* The "metrics" object, for the Prometheus endpoint. */
json_t *agent_metrics_json(void *ctx);

#endif /* OVNMIG_AGENT_H */
