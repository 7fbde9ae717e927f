// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovnmigd: follows the OVN Southbound and the local Open vSwitch DB and
 * programs the pinned steering and forwarding maps (see policy.h for
 * what it decides, maps.h for how it writes).  One thread, one poll
 * loop: DB connections, the control socket, VIF events, a 1 s timer for
 * the maximum age and the datapath lease.  Entries survive the agent: on
 * start it reconciles the maps with the DBs instead of flushing them, and
 * renews the lease (abi.h) only once it has, so a restart shorter than
 * the lease shows no gap and a dead agent's entries stop within it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/maps.h"
#include "lib/maps_attach.h"
#include "lib/metrics.h"
#include "lib/nexthop.h"
#include "lib/util.h"
#include "ovsdb/jsonrpc.h"
#include "sb/sbview.h"
#include "agent.h"
#include "metrics_http.h"
#include "migrations.h"
#include "policy.h"
#include "vifevents.h"

#define SWEEP_MS	1000
/*
 * Default lease: 10 s.  Renewed every second or two (the sweep), so a
 * loaded host can miss several renewals (a long batch, a slow poll)
 * before entries stop; a restart (systemd's RestartSec=1, exec, SB sync,
 * reconcile) must fit in it for scenario 8 to show no gap; and a dead or
 * hung agent's entries stop applying 10 s after its last renewal, a
 * third of the fixed 30 s expiry entries had before.
 */
#define DEFAULT_LEASE_NS	(10ull * 1000000000ull)
/* genev_sys_6081's root qdisc is checked this often (a dump walks every
 * device's qdiscs under RTNL: not every second). */
#define QDISC_CHECK_MS	5000
/*
 * bounce on demand is detached this long after the last forwarding entry
 * went (--bounce-keep): an evacuation comes in waves, and each attach
 * costs its wave's first batch its duration (10-20 ms on a loaded 2-core
 * host, bench-syspath), while an idle attachment costs only throughput.
 */
#define BOUNCE_KEEP_NS	(30ull * 1000000000ull)

/* Exit statuses (ovnmigd.8 EXIT STATUS). */
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_LOCKED	3	/* another ovnmigd works on these maps */
#define EXIT_FOREIGN	4	/* --attach: a program not ovnmig's is there */

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

/* ---- lookups for the policy ---- */

static const struct sbview_chassis *lk_ch_uuid(void *ctx, const char *u)
{
	return sbview_chassis_by_uuid(((struct agent *)ctx)->v, u);
}

static const struct sbview_chassis *lk_ch_name(void *ctx, const char *n)
{
	return sbview_chassis_by_name(((struct agent *)ctx)->v, n);
}

static const struct sbview_binding *lk_binding(void *ctx, const char *port)
{
	return sbview_binding_by_port(((struct agent *)ctx)->v, port);
}

static int lk_foreach_binding(void *ctx,
			      int (*cb)(void *arg,
					const struct sbview_binding *b),
			      void *arg)
{
	return sbview_foreach_binding(((struct agent *)ctx)->v, cb, arg);
}

const struct sbview_local *agent_local(void *ctx)
{
	struct agent *a = ctx;
	const struct sbview_local *l;

	if (a->opt.have_override && a->opt.local_override.system_id &&
	    a->opt.local_override.system_id[0])
		return &a->opt.local_override;
	l = sbview_local(a->v);
	return l;
}

/* ---- the follower's callbacks: the policy's, timed ---- */

static void t_begin(void *ctx)
{
	policy_sbview_ops.begin(((struct agent *)ctx)->p);
}

static void t_chassis(void *ctx, const struct sbview_chassis *o,
		      const struct sbview_chassis *n)
{
	((struct agent *)ctx)->chassis_dirty = true;
	policy_sbview_ops.chassis(((struct agent *)ctx)->p, o, n);
}

static void t_binding(void *ctx, const struct sbview_binding *o,
		      const struct sbview_binding *n)
{
	policy_sbview_ops.binding(((struct agent *)ctx)->p, o, n);
}

static void t_local(void *ctx, const struct sbview_local *o,
		    const struct sbview_local *n)
{
	((struct agent *)ctx)->chassis_dirty = true;
	policy_sbview_ops.local(((struct agent *)ctx)->p, o, n);
}

static void t_iface(void *ctx, const struct sbview_iface *o,
		    const struct sbview_iface *n)
{
	policy_sbview_ops.iface(((struct agent *)ctx)->p, o, n);
}

static void t_end(void *ctx)
{
	struct agent *a = ctx;
	uint64_t t0 = mono_ns();

	a->end_ns = t0;
	policy_sbview_ops.end(a->p);
	log_dbg("update: %llu us since wake-up, %llu us in the policy and "
		"map write",
		(unsigned long long)(t0 - a->wake_ns) / 1000,
		(unsigned long long)(mono_ns() - t0) / 1000);
}

static void t_connection(void *ctx, const char *db, bool up)
{
	log_info("%s: %s", db, up ? "connected and synced" : "connection lost");
	policy_sbview_ops.connection(((struct agent *)ctx)->p, db, up);
}

static const struct sbview_ops agent_sbview_ops = {
	.begin = t_begin, .chassis = t_chassis, .binding = t_binding,
	.local = t_local, .iface = t_iface, .end = t_end,
	.connection = t_connection,
};

/* ---- bounce on demand ---- */

/* Attach (@on) or detach bounce on demand; failures logged once each. */
static void bounce_set(struct agent *a, bool on)
{
	char why[sizeof(a->bounce_err)];
	uint64_t t0 = mono_ns();
	int err;

	if (!a->bh || a->bounce_on == on)
		return;
	err = bounce_hold_set(a->bh, on, why, sizeof(why));
	if (err) {
		if (strcmp(why, a->bounce_err))
			log_err("bounce: %s: %s", on ? "attach" : "detach",
				why);
		snprintf(a->bounce_err, sizeof(a->bounce_err), "%s", why);
		return;
	}
	a->bounce_err[0] = 0;
	a->bounce_on = on;
	if (on) {
		a->bounce_attaches++;
		a->bounce_attach_ns = mono_ns() - t0;
	} else {
		a->bounce_detaches++;
	}
	log_info("bounce %s on %s (%d forwarding entries), in %.1f ms",
		 on ? "attached" : "detached", a->opt.underlay_dev,
		 a->m.n_fwd, (mono_ns() - t0) / 1e6);
}

/* Once a second and after a reconcile: entries (the agent's, or an
 * operator's) want bounce; none for --bounce-keep: away with it. */
static void bounce_sweep(struct agent *a, uint64_t now)
{
	if (!a->bh)
		return;
	a->bounce_on = bounce_hold_attached(a->bh);
	if (a->m.n_fwd > 0) {
		a->bounce_idle_ns = 0;
		bounce_set(a, true);
		return;
	}
	if (!a->bounce_idle_ns)
		a->bounce_idle_ns = now;
	if (now - a->bounce_idle_ns >= a->opt.bounce_keep_ns)
		bounce_set(a, false);
}

/*
 * bounce on demand (--bounce-attach): XDP on a virtual NIC, or in generic
 * mode, costs every packet the NIC receives, a migration or not (the
 * chassis' own TCP most: bench-syspath), so it is attached only while it
 * has work.  A physical NIC in native mode keeps it attached: attaching
 * there may reset the NIC's rings (driver dependent), which must not
 * happen at the start of a migration.
 */
static bool bounce_on_demand(const struct agent *a)
{
	char path[PATH_MAX];

	if (!a->opt.underlay_dev || !strcmp(a->opt.bounce_attach, "always"))
		return false;
	if (!strcmp(a->opt.bounce_attach, "on-demand"))
		return true;
	if (a->opt.xdp_flags & 2 /* XDP_FLAGS_SKB_MODE */)
		return true;
	/* No bus device behind it: veth, a bond's or a VLAN's upper. */
	snprintf(path, sizeof(path), "/sys/class/net/%s/device",
		 a->opt.underlay_dev);
	return access(path, F_OK) != 0;
}

/* ---- policy output ---- */

static int sink(void *ctx, const struct policy_op *ops, int n)
{
	struct agent *a = ctx;
	uint64_t w0 = mono_ns();
	bool count;
	int err;

	/* Records of entries this batch ends or repoints close first,
	 * with the evidence the entries have before the write. */
	migrations_before_write(a->mig, &a->m, ops, n, a->expiring, w0);
	/* The policy's counts are the maps' unless someone added entries
	 * by hand, or before the reconcile (a predecessor's entries): then
	 * count, or the idle flag could hide theirs, and look for counts
	 * to carry at every key. */
	count = a->strays || !a->reconciled;
	err = maps_apply(&a->m, ops, n, count ? -1 : policy_n_steer(a->p),
			 count ? -1 : policy_n_fwd(a->p));
	for (int i = 0; i < n && !a->fwd_dirty; i++)
		a->fwd_dirty = ops[i].kind == POLICY_FWD && !ops[i].del;
	if (err)
		log_err("maps: writing %d entries: %s", n, strerror(-err));
	else if (a->in_update) {
		uint64_t t = mono_ns(), d = t - a->wake_ns;

		metrics_observe(&a->lat.hist, d);
		a->last_n = n;
		a->last_write_ns = t;
		a->last_wake_ns = a->wake_ns;
		if (n >= a->lat.big_n) {
			/* Where the time of the largest batch went. */
			uint64_t e = a->end_ns >= a->wake_ns &&
				     a->end_ns <= w0 ? a->end_ns : a->wake_ns;

			a->lat.big_n = n;
			a->lat.big_ns = d;
			a->lat.big_db_ns = e - a->wake_ns;
			a->lat.big_policy_ns = w0 - e;
			a->lat.big_write_ns = t - w0;
		}
	}
	if (!err)
		migrations_after_write(a->mig, a->p, ops, n,
				       a->in_update ? a->wake_ns : 0,
				       a->last_write_ns);
	log_info("maps: %d change%s written (%d steer, %d fwd entries)", n,
		 n == 1 ? "" : "s", a->m.n_steer, a->m.n_fwd);
	/* bounce on demand: attached right after its first entry landed,
	 * not before, so that the batch's steer entries (other senders'
	 * repair) do not wait the attach's 10-20 ms. */
	for (int i = 0; a->bh && !a->bounce_on && i < n; i++) {
		if (ops[i].kind == POLICY_FWD && !ops[i].del) {
			a->bounce_idle_ns = 0;
			bounce_set(a, true);
			break;
		}
	}
	return err;
}

json_t *agent_event_json(const struct agent_event *e)
{
	char what[BFMT_BYTES];

	bfmt_format(&e->what, what, sizeof(what));
	return json_pack("{s:I, s:s, s:s}", "ts_ns", (json_int_t)e->ts_ns,
			 "port", e->port, "what", what);
}

/* JSON for the pending events, into the subscribers' queues. */
static void flush_events(struct agent *a)
{
	unsigned int i;

	for (i = 0; i < a->n_pend; i++) {
		json_t *ev = agent_event_json(&a->pend[i]);

		if (ev && a->ctl)
			ctl_server_broadcast(a->ctl, ev);
		json_decref(ev);
	}
	a->n_pend = 0;
}

/*
 * Kept in a plain ring, its text unformatted (lib/bfmt.h): text and JSON
 * are made only for someone who asks (ovnmigctl events, a subscriber,
 * the debug log), so an evacuation of a thousand ports costs neither an
 * allocation nor a printf per port.  With a subscriber, the event is
 * copied aside and its JSON is built after the batch is written to the
 * maps (flush_events() in the loop), so neither the subscriber nor the
 * JSON delays the write.  A batch of more than EVENT_PEND events builds
 * them as it goes: more than a subscriber's queue holds anyway.
 */
static struct agent_event *event_new(struct agent *a, const char *port)
{
	struct agent_event *e = &a->ring[a->ring_next++ % EVENT_RING];

	e->ts_ns = mono_ns();
	str_copy(e->port, port, sizeof(e->port));
	return e;
}

static void event_out(struct agent *a, const struct agent_event *e)
{
	if (log_enabled(LOG_LVL_DBG)) {
		char what[BFMT_BYTES];

		bfmt_format(&e->what, what, sizeof(what));
		log_dbg("%s: %s", e->port, what);
	}
	if (!a->ctl || !ctl_server_n_subscribers(a->ctl))
		return;
	if (!a->pend)
		a->pend = xmalloc(EVENT_PEND * sizeof(*a->pend));
	if (a->n_pend == EVENT_PEND)
		flush_events(a);
	a->pend[a->n_pend++] = *e;
}

void agent_note(void *ctx, const char *port, const char *what)
{
	struct agent *a = ctx;
	struct agent_event *e = event_new(a, port);

	bfmt_text(&e->what, what);
	event_out(a, e);
}

void agent_vnote(void *ctx, const char *port, const char *fmt, va_list ap)
{
	struct agent *a = ctx;
	struct agent_event *e = event_new(a, port);

	bfmt_vsave(&e->what, fmt, ap);
	event_out(a, e);
}

/* ---- reconcile ---- */

/* The highest generation of the entries walked. */
static int max_gen(void *ctx, const struct policy_op *e)
{
	uint32_t *g = ctx;

	if (POLICY_OP_FIELD(e, generation) > *g)
		*g = POLICY_OP_FIELD(e, generation);
	return 0;
}

static int adopt(void *ctx, const struct policy_op *e)
{
	policy_adopt(ctx, e);
	return 0;
}

static void reconcile(struct agent *a)
{
	const struct policy_counters *c = policy_counters(a->p);
	uint64_t kept = c->reconcile_kept, fixed = c->reconcile_fixed,
		 removed = c->reconcile_removed;

	maps_foreach(&a->m, POLICY_STEER, adopt, a->p);
	maps_foreach(&a->m, POLICY_FWD, adopt, a->p);
	policy_flush(a->p);
	if (!a->reconciled)
		a->lat.synced_ns = mono_ns() - a->start_ns;
	a->reconciled = true;
	log_info("reconciled the pinned maps: %llu kept, %llu fixed, "
		 "%llu removed",
		 (unsigned long long)(c->reconcile_kept - kept),
		 (unsigned long long)(c->reconcile_fixed - fixed),
		 (unsigned long long)(c->reconcile_removed - removed));
}

/*
 * The datapath honours the agent's entries until the lease it renews
 * here runs out (abi.h).  Only after the reconcile: before it, the maps
 * may hold a dead agent's stale entries, which only a fresh lease left
 * by a predecessor (a restart shorter than the lease) keeps applying.
 * Renewed while the SB is unreachable too: the lease says the agent
 * lives, the entries' SB backing is the policy's business.
 */
static void renew_lease(struct agent *a)
{
	int err;

	if (!a->reconciled)
		return;
	err = maps_lease_renew(&a->m, mono_ns(), a->opt.lease_ns);
	if (!err) {
		a->lease_renewals++;
		return;
	}
	if (!a->lease_failures++)
		log_err("maps: renewing the lease: %s (the datapath stops "
			"applying entries when it runs out)", strerror(-err));
}

/* Ready to reconcile: SB synced and (if followed) the local DB too. */
static bool synced(struct agent *a)
{
	struct sbview_status st;

	sbview_get_status(a->v, &st);
	if (!st.sb_connected)
		return false;
	return a->opt.have_override || st.local_connected;
}

/* Keep the config's local underlay address current (bounce source). */
static void update_local_ip(struct agent *a)
{
	const struct sbview_local *l = agent_local(a);
	int i, f;

	/*
	 * The first address of each family (ovn-encap-ip may list one of
	 * each): bounce admits only packets addressed to this host, so a
	 * chassis with IPv4 and IPv6 tunnels needs both.
	 */
	for (f = 0; l && f < 2; f++) {
		bool v6 = f == 1;
		struct ovnmig_ip ip = {};

		for (i = 0; i < l->n_encaps; i++)
			if ((l->encaps[i].family == AF_INET6) == v6)
				break;
		if (i == l->n_encaps)
			continue;
		if (v6)
			memcpy(ip.v6, &l->encaps[i].v6, 16);
		else
			ip.v4 = l->encaps[i].v4.s_addr;
		if (!memcmp(&ip, &a->last_local[f], sizeof(ip)))
			continue;
		a->last_local[f] = ip;
		if (maps_set_local(&a->m, &ip, v6))
			log_warn("maps: setting the local address failed");
	}
}

/*
 * bounce's chassis map (abi.h): every geneve Encap.ip of every SB
 * Chassis but this host's own (by name and by address).  Only from a
 * synced SB: the empty view of a starting agent must not wipe the map
 * the last one left.  Recomputed after each update that touched a
 * chassis and once a second (an Encap row can change alone); the map
 * is written only when the set differs from the last one written.
 */
struct chassis_want {
	const struct sbview_local *l;
	struct ovnmig_chassis_key *k;
	int n, cap;
};

static bool is_local_encap(const struct sbview_local *l,
			   const struct sbview_encap *en)
{
	int i;

	for (i = 0; l && i < l->n_encaps; i++)
		if (l->encaps[i].family == en->family &&
		    !memcmp(en->family == AF_INET6 ? (const void *)&en->v6 :
			    (const void *)&en->v4,
			    en->family == AF_INET6 ?
			    (const void *)&l->encaps[i].v6 :
			    (const void *)&l->encaps[i].v4,
			    en->family == AF_INET6 ? 16 : 4))
			return true;
	return false;
}

static int chassis_want_cb(void *arg, const struct sbview_chassis *c)
{
	struct chassis_want *w = arg;
	int i;

	if (w->l && w->l->system_id[0] && !strcmp(c->name, w->l->system_id))
		return 0;
	for (i = 0; i < c->n_encaps; i++) {
		const struct sbview_encap *en = &c->encaps[i];
		struct ovnmig_ip ip = {};

		if (strcmp(en->type, "geneve") || is_local_encap(w->l, en))
			continue;
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 64;
			w->k = xrealloc(w->k, w->cap * sizeof(*w->k));
		}
		if (en->family == AF_INET6)
			memcpy(ip.v6, &en->v6, 16);
		else
			ip.v4 = en->v4.s_addr;
		maps_chassis_key(&w->k[w->n++], &ip, en->family == AF_INET6);
	}
	return 0;
}

static void sync_chassis(struct agent *a)
{
	struct chassis_want w = { .l = agent_local(a) };
	int added, removed, err;

	if (a->m.chassis_fd < 0 || !synced(a))
		return;
	err = sbview_foreach_chassis(a->v, chassis_want_cb, &w);
	if (!err) {
		w.n = maps_chassis_normalize(w.k, w.n);
		if (!a->chassis_dirty && a->chassis_synced &&
		    w.n == a->n_chassis_keys &&
		    (!w.n || !memcmp(w.k, a->chassis_keys,
				     w.n * sizeof(*w.k)))) {
			free(w.k);
			return;
		}
		a->chassis_dirty = false;
		err = maps_chassis_sync(&a->m, w.k, w.n, a->generation, &added,
					&removed);
	}
	if (err < 0) {
		/* Tried again at the next sweep. */
		log_warn("maps: chassis: %s", strerror(-err));
		a->chassis_dirty = true;
		free(w.k);
		return;
	}
	if (added || removed || !a->chassis_synced)
		log_info("maps: %d chassis endpoints for bounce (%d added, "
			 "%d removed)", w.n, added, removed);
	a->chassis_synced = true;
	free(a->chassis_keys);
	a->chassis_keys = w.k;
	a->n_chassis_keys = w.n;
}

/* bounce's MAC of the underlay NIC (abi.h); it may change (bonds). */
static void update_underlay_mac(struct agent *a)
{
	int err;

	if (!a->opt.underlay_dev)
		return;
	err = maps_ifmac_set(&a->m, a->opt.underlay_dev);
	if (err > 0)
		log_info("maps: %s's MAC written for bounce", a->opt.underlay_dev);
	else if (err < 0 && err != a->ifmac_err)
		log_warn("maps: %s: MAC for bounce: %s", a->opt.underlay_dev,
			 strerror(-err));
	a->ifmac_err = err < 0 ? err : 0;
}

/*
 * bounce's next hops: after a batch that wrote forwarding entries, after
 * a watched neighbour, route or link changed (at most every 100 ms: an
 * event storm is one resync a tenth of a second), and once a second to
 * refresh them (nexthop.h).
 */
#define NH_MIN_GAP_NS	(100ull * 1000000ull)

static void sync_nexthops(struct agent *a, bool sweep)
{
	uint64_t now = mono_ns();
	int written, removed, err;

	if (a->m.nexthop_fd < 0)
		return;
	if (!sweep && !a->fwd_dirty &&
	    !(a->nhw && nexthop_watch_dirty(a->nhw) &&
	      now - a->nh_sync_ns >= NH_MIN_GAP_NS))
		return;
	a->fwd_dirty = false;
	a->nh_sync_ns = now;
	err = nexthop_sync(a->nhw, &a->m, a->generation, now, &written,
			   &removed);
	if (err)
		log_warn("maps: next hops: %s", strerror(-err));
	if (written || removed)
		log_info("maps: next hops for bounce: %d written, %d removed",
			 written, removed);
}

/* How long until sync_nexthops() takes a pending watch event; -1: none. */
static int nexthop_wait_ms(struct agent *a)
{
	uint64_t since;

	if (a->m.nexthop_fd < 0 || !a->nhw || !nexthop_watch_dirty(a->nhw))
		return -1;
	since = mono_ns() - a->nh_sync_ns;
	if (since >= NH_MIN_GAP_NS)
		return 0;
	return (int)((NH_MIN_GAP_NS - since) / 1000000ull) + 1;
}

/* ---- control commands ---- */

/* ---- VIF events from the kernel ---- */

struct find_iface {
	const char *name;
	struct sbview_iface found;
	bool ok;
};

static int find_iface_cb(void *arg, const struct sbview_iface *i)
{
	struct find_iface *f = arg;

	if (strcmp(i->name, f->name))
		return 0;
	f->found = *i;
	f->ok = true;
	return 1;
}

static void on_vif(void *ctx, const struct vif_event *ev)
{
	struct agent *a = ctx;
	struct find_iface f = { .name = ev->name };
	struct sbview_iface old, new;
	bool down;

	switch (ev->kind) {
	case OVNMIG_EV_GOING_DOWN:
	case OVNMIG_EV_DOWN:
	case OVNMIG_EV_CARRIER_LOST:
	case OVNMIG_EV_DETACH:
	case OVNMIG_EV_UNREGISTER:
		down = true;
		break;
	case OVNMIG_EV_UP:
	case OVNMIG_EV_CARRIER_ON:
		down = false;
		break;
	default:
		return;
	}
	sbview_foreach_iface(a->v, find_iface_cb, &f);
	log_dbg("vif event from %s: %s %s%s%s",
		vif_source_name(ev->source), ev->name,
		vif_event_kind_name(ev->kind), f.ok ? ", port " : "",
		f.ok ? f.found.iface_id : "");
	if (!f.ok || !f.found.iface_id[0])
		return;
	/* The kernel knows first; tell the policy as the OVS DB would. */
	old = f.found;
	new = f.found;
	old.link_up = down;
	new.link_up = !down;
	a->wake_ns = ev->recv_ns;
	a->in_update = true;
	policy_sbview_ops.begin(a->p);
	policy_sbview_ops.iface(a->p, &old, &new);
	policy_sbview_ops.end(a->p);
	a->in_update = false;
}

/* ---- main ---- */

/*
 * steer's per-VNI prefilter: the bits of the entries already pinned
 * (an earlier run's, or written without the bitmap) are rebuilt before
 * the flag goes on; from then on maps.c keeps them with every write.
 * Off on request, and when the map is missing (an older datapath).
 */
static void setup_vni_filter(struct agent *a)
{
	bool on = !a->opt.no_vni_filter;
	int err = maps_vni_filter(&a->m, on);

	if (err && on) {
		log_warn("steer prefilter: %s; leaving it off", strerror(-err));
		on = false;
		err = maps_vni_filter(&a->m, false);
	}
	if (err)
		log_warn("steer prefilter: config: %s", strerror(-err));
	log_info("steer prefilter %s (%d VNIs set)", on ? "on" : "off",
		 maps_vni_list(&a->m, NULL, 0));
}

/* The pid holding an flock on @fd's inode, from /proc/locks, or 0. */
static int lock_holder(int fd)
{
	unsigned int maj, min;
	unsigned long ino;
	char line[256], type[16];
	struct stat st;
	FILE *f;
	int pid = 0, p;

	if (fstat(fd, &st))
		return 0;
	f = fopen("/proc/locks", "re");
	if (!f)
		return 0;
	/* "1: FLOCK  ADVISORY  WRITE 1234 00:2d:5678 0 EOF" */
	while (!pid && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %15s %*s %*s %d %x:%x:%lu", type, &p,
			   &maj, &min, &ino) == 5 && !strcmp(type, "FLOCK") &&
		    ino == st.st_ino && maj == major(st.st_dev) &&
		    min == minor(st.st_dev))
			pid = p;
	fclose(f);
	return pid;
}

/*
 * One agent per set of maps: each sets the active flags from its own
 * counts and reconciles away the other's entries.  An exclusive flock on
 * a directory of its own in the pin directory (maps.c's writers lock the
 * pin directory itself, shared or exclusive, so the two never meet),
 * taken before anything is attached, opened or written, and held until
 * exit.  mkdir is all it does to the bpffs, and only what is missing
 * (bpffs refuses names with a dot: "ovnmigd_lock").
 */
static int take_lock(struct agent *a)
{
	char path[PATH_MAX];
	size_t i;
	int fd, pid;

	if (snprintf(path, sizeof(path), "%s/%s/ovnmigd_lock", a->opt.bpffs,
		     OVNMIG_PIN_SUBDIR) >= (int)sizeof(path)) {
		log_err("--bpffs %s: path too long", a->opt.bpffs);
		return -ENAMETOOLONG;
	}
	for (i = strlen(a->opt.bpffs) + 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = 0;
		if (mkdir(path, 0700) && errno != EEXIST) {
			log_err("%s: %s", path, strerror(errno));
			return -errno;
		}
		path[i] = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST) {
		log_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK) {
			pid = lock_holder(fd);
			if (pid)
				log_err("another ovnmigd (pid %d) is running on "
					"the maps in %s/%s; exiting", pid,
					a->opt.bpffs, OVNMIG_PIN_SUBDIR);
			else
				log_err("another ovnmigd is running on the maps "
					"in %s/%s (it holds %s); exiting",
					a->opt.bpffs, OVNMIG_PIN_SUBDIR, path);
			a->exit_code = EXIT_LOCKED;
		} else {
			log_err("%s: lock: %s", path, strerror(errno));
		}
		close(fd);
		return -EWOULDBLOCK;
	}
	a->lock_fd = fd;
	return 0;
}

/*
 * steer's bpf_skb_set_tunnel_key fills a per-CPU metadata dst that every
 * steered skb on that CPU shares: safe while the Geneve device sends each
 * packet at once (noqueue, its default; noop while it is down sends
 * nothing), not with a queue, where a queued skb can leave with a later
 * packet's key and options (docs/datapath.md).  Any other root qdisc:
 * steer is held idle (steer_active off, maps.c), said in the log when it
 * changes and shown in status.  A device that is not there steers
 * nothing: not refused.
 */
static void check_qdisc(struct agent *a)
{
	char kind[32], why[sizeof(a->steer_refused)] = "";
	int err;

	a->last_qdisc_ns = mono_ns();
	if (!a->opt.genev_dev || !*a->opt.genev_dev)
		return;
	err = attach_root_qdisc(a->opt.genev_dev, kind, sizeof(kind));
	if (!err && strcmp(kind, "noqueue") && strcmp(kind, "noop"))
		snprintf(why, sizeof(why), "qdisc %s on %s", kind,
			 a->opt.genev_dev);
	else if (err && err != -ENODEV && err != -ENOENT)
		log_warn("%s: root qdisc: %s", a->opt.genev_dev, strerror(-err));
	if (strcmp(why, a->steer_refused)) {
		if (*why) {
			if (!a->steer_refused[0])
				a->steer_refusals++;
			log_err("refusing to steer: %s (steer's tunnel "
				"metadata is per CPU; only noqueue sends each "
				"packet before the next is steered)", why);
		} else {
			log_info("steering again: %s has no queue",
				 a->opt.genev_dev);
		}
		snprintf(a->steer_refused, sizeof(a->steer_refused), "%s",
			 why);
	}
	a->m.steer_hold = *why;
	maps_sync_active(&a->m);
}

static int setup(struct agent *a)
{
	struct policy_lookup lk = {
		.chassis_by_uuid = lk_ch_uuid, .chassis_by_name = lk_ch_name,
		.binding_by_port = lk_binding, .local = agent_local,
		.foreach_binding = lk_foreach_binding, .ctx = a,
	};
	struct policy_cfg pc = {
		.max_age_ns = a->opt.max_age_ns, .sink = sink, .sink_ctx = a,
		.event = agent_vnote, .event_ctx = a,
	};
	uint32_t gen = 0;
	int err;

	err = take_lock(a);
	if (err)
		return err;
	if (a->opt.attach) {
		struct attach_opts ao = {
			.bpffs = a->opt.bpffs, .genev_dev = a->opt.genev_dev,
			.underlay_dev = a->opt.underlay_dev,
			.max_entries = a->opt.max_entries,
			.xdp_flags = a->opt.xdp_flags,
			.replace_xdp = a->opt.replace_xdp,
			.hold = bounce_on_demand(a) ? &a->bh : NULL,
		};
		char why[512];

		err = maps_attach(&ao, why, sizeof(why));
		if (err) {
			log_err("attach: %s", why);
			if (err == -EEXIST)
				a->exit_code = EXIT_FOREIGN;
			return err;
		}
		if (a->bh)
			a->bounce_on = bounce_hold_attached(a->bh);
		log_info("attached: steer on %s%s%s%s", a->opt.genev_dev,
			 a->opt.underlay_dev ? ", bounce on " : "",
			 a->opt.underlay_dev ? a->opt.underlay_dev : "",
			 a->bh ? " on demand (while forwarding entries exist)"
			       : "");
	}
	err = maps_open(&a->m, a->opt.bpffs, true, a->opt.max_entries);
	if (err) {
		log_err("maps: %s/%s: %s", a->opt.bpffs, OVNMIG_PIN_SUBDIR,
			strerror(-err));
		return err;
	}
	setup_vni_filter(a);
	check_qdisc(a);
	a->chassis_dirty = true;	/* reconciled once the SB is synced */
	if (a->m.nexthop_fd >= 0) {
		/* Without events the once-a-second sync still keeps them. */
		a->nhw = nexthop_watch_open();
		if (!a->nhw)
			log_warn("next hops: rtnetlink events: %s; following "
				 "route and neighbour changes once a second",
				 strerror(errno));
		a->fwd_dirty = true;
	}
	update_underlay_mac(a);
	/* A new generation, above whatever the last agent wrote. */
	maps_foreach(&a->m, POLICY_STEER, max_gen, &gen);
	maps_foreach(&a->m, POLICY_FWD, max_gen, &gen);
	a->generation = gen + 1 ? gen + 1 : 1;
	pc.generation = a->generation;
	log_info("maps at %s: %d steer, %d fwd entries; generation %u",
		 a->m.dir, a->m.n_steer, a->m.n_fwd, a->generation);

	a->p = policy_create(&pc, &lk);
	a->mig = migrations_create(a->opt.migrations_ring,
				   a->opt.migration_quiet_ns, agent_vnote, a);
	if (!a->p)
		return -ENOMEM;
	a->v = sbview_create(&agent_sbview_ops, a);
	if (!a->v)
		return -ENOMEM;
	err = sbview_connect_sb(a->v, a->opt.sb_remote,
				a->opt.ssl.private_key ? &a->opt.ssl : NULL);
	if (err) {
		log_err("--sb %s: %s", a->opt.sb_remote, strerror(-err));
		return err;
	}
	if (strcmp(a->opt.ovs_remote, "none")) {
		err = sbview_connect_local(a->v, a->opt.ovs_remote);
		if (err) {
			log_err("--ovs %s: %s", a->opt.ovs_remote, strerror(-err));
			return err;
		}
	} else if (!a->opt.have_override) {
		log_err("--ovs none needs --system-id");
		return -EINVAL;
	}
	a->ctl = ctl_server_create(a->opt.ctl_path, agent_commands, a, &err);
	if (!a->ctl) {
		log_err("control socket %s: %s", a->opt.ctl_path, strerror(-err));
		return err;
	}
	if (a->opt.metrics_listen) {
		char why[256];

		a->http = metrics_http_create(a->opt.metrics_listen, agent_metrics_json,
					      a, why, sizeof(why));
		if (!a->http) {
			err = -errno;
			log_err("--metrics-listen %s", why);
			return err;
		}
		log_info("metrics on http://%s/metrics",
			 metrics_http_addr(a->http));
	}
	if (strcmp(a->opt.vif_source, "none")) {
		enum vif_source src = !strcmp(a->opt.vif_source, "kmod") ?
				      VIF_SRC_KMOD :
				      !strcmp(a->opt.vif_source, "rtnl") ?
				      VIF_SRC_RTNL : VIF_SRC_AUTO;

		a->ve = vif_events_open(src, on_vif, a);
		if (!a->ve)
			log_warn("vif events (%s): %s; following the OVS DB "
				 "link state only", a->opt.vif_source,
				 strerror(errno));
		else
			log_info("vif events from %s",
				 vif_source_name(vif_events_source(a->ve)));
	}
	return 0;
}

/* Read VIF events; say when ovnmig.ko goes away and comes back. */
static void vif_run(struct agent *a)
{
	bool was = vif_events_present(a->ve);
	int r = vif_events_run(a->ve);

	if (r < 0)
		log_warn("vif events: %s", strerror(-r));
	if (was && !vif_events_present(a->ve))
		log_warn("vif events: ovnmig.ko was unloaded: no kernel VIF "
			 "events until it is loaded again");
	else if (!was && vif_events_present(a->ve))
		log_info("vif events: ovnmig.ko is back: kernel VIF events "
			 "resume");
}

static void loop(struct agent *a)
{
	struct pollfd pfd[SBVIEW_MAX_FDS + CTL_MAX_CONNS + 4];
	int n_sb, n, to, ht, r, nh_i;

	while (!stop_sig) {
		uint64_t now;

		n_sb = sbview_fds(a->v, pfd, SBVIEW_MAX_FDS);
		n = n_sb;
		n += ctl_server_fds(a->ctl, pfd + n, CTL_MAX_CONNS + 1);
		if (a->http)
			pfd[n++] = metrics_http_pollfd(a->http);
		nh_i = -1;
		if (a->nhw) {
			nh_i = n;
			pfd[n++] = (struct pollfd){ .fd = nexthop_watch_fd(a->nhw),
						    .events = POLLIN };
		}
		if (a->ve)
			pfd[n++] = (struct pollfd){ .fd = vif_events_fd(a->ve),
						    .events = POLLIN };
		to = sbview_timeout(a->v);
		if (to < 0 || to > SWEEP_MS)
			to = SWEEP_MS;
		ht = a->http ? metrics_http_timeout(a->http) : -1;
		if (ht >= 0 && ht < to)
			to = ht;
		/* A neighbour answer inside the 100 ms gap was drained from
		 * the watch already: wake for it at the gap's end, not at
		 * the next sweep (a new pointer waits on exactly that). */
		ht = nexthop_wait_ms(a);
		if (ht >= 0 && ht < to)
			to = ht;
		r = poll(pfd, n, to);
		if (r < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			break;
		}
		a->wake_ns = mono_ns();
		if (nh_i >= 0 && r > 0 && pfd[nh_i].revents)
			nexthop_watch_run(a->nhw);
		if (a->ve && r > 0 && pfd[n - 1].revents)
			vif_run(a);
		a->in_update = true;
		sbview_run(a->v, 0);
		a->in_update = false;
		if (!a->reconciled && synced(a)) {
			reconcile(a);
			renew_lease(a);
			bounce_sweep(a, mono_ns());
		}
		/* The batch is in the maps: now its events, before the
		 * rtnetlink round trips of the next hops below. */
		flush_events(a);
		update_local_ip(a);
		if (a->chassis_dirty)
			sync_chassis(a);
		sync_nexthops(a, false);
		ctl_server_run(a->ctl);
		if (a->http)
			metrics_http_run(a->http);
		now = mono_ns();
		if (now - a->last_sweep_ns >= SWEEP_MS * 1000000ull) {
			a->last_sweep_ns = now;
			a->expiring = true;
			policy_expire(a->p);
			a->expiring = false;
			migrations_poll(a->mig, &a->m, now);
			sync_chassis(a);
			update_underlay_mac(a);
			sync_nexthops(a, true);
			bounce_sweep(a, now);
			/* The active flags are cached for the batches; an
			 * operator's write (ovnmigctl -m) is corrected here. */
			maps_recheck_active(&a->m);
			renew_lease(a);
			if (now - a->last_qdisc_ns >=
			    QDISC_CHECK_MS * 1000000ull)
				check_qdisc(a);
			/* Strays the policy does not track (added by hand,
			 * or forgotten after a flush) expire here; walking
			 * the maps costs two syscalls an entry, so only
			 * when there are any. */
			if (a->strays || a->m.n_steer > policy_n_steer(a->p) ||
			    a->m.n_fwd > policy_n_fwd(a->p)) {
				maps_sweep(&a->m, now);
				maps_recount(&a->m);
				a->strays = a->m.n_steer > policy_n_steer(a->p) ||
					    a->m.n_fwd > policy_n_fwd(a->p);
			}
		}
		/* Events of the sweep and of map commands: queued before
		 * the poll, which then waits for their sockets. */
		flush_events(a);
	}
}

static void teardown(struct agent *a)
{
	vif_events_close(a->ve);
	ctl_server_destroy(a->ctl);
	metrics_http_destroy(a->http);
	free(a->pend);
	sbview_destroy(a->v);
	policy_destroy(a->p);
	migrations_destroy(a->mig);
	nexthop_watch_close(a->nhw);
	bounce_hold_free(a->bh);
	free(a->chassis_keys);
	maps_close(&a->m);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
}

int main(int argc, char **argv)
{
	struct agent a = {
		.opt = {
			.sb_remote = "unix:/var/run/ovn/ovnsb_db.sock",
			.ovs_remote = "unix:/var/run/openvswitch/db.sock",
			.bpffs = MAPS_DEFAULT_BPFFS,
			.ctl_path = CTL_DEFAULT_SOCKET,
			.genev_dev = "genev_sys_6081", .vif_source = "auto",
			.max_age_ns = POLICY_DEFAULT_MAX_AGE_NS,
			.lease_ns = DEFAULT_LEASE_NS,
			.bounce_attach = "auto",
			.bounce_keep_ns = BOUNCE_KEEP_NS,
			.migrations_ring = MIGRATIONS_DEFAULT_RING,
			.migration_quiet_ns = MIGRATIONS_DEFAULT_QUIET_NS,
		},
		.lock_fd = -1,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	int err;

	log_init("ovnmigd", LOG_LVL_INFO);
	err = agent_parse_args(&a.opt, argc, argv);
	if (err)
		return err;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	a.start_ns = a.last_sweep_ns = mono_ns();
	err = setup(&a);
	if (!err) {
		log_info("started (pid %d), following %s", (int)getpid(),
			 a.opt.sb_remote);
		loop(&a);
		log_info("stopping on signal %d; entries stay pinned",
			 (int)stop_sig);
	}
	teardown(&a);
	return !err ? 0 : a.exit_code ? a.exit_code : EXIT_FAIL;
}
