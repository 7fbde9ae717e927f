// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of the policy: a fake Southbound (chassis, bindings, this
 * host) drives the sbview callbacks exactly as the follower does, and a
 * fake map records what the sink writes.  Each case asserts the map
 * contents a chassis ends up with.  TAP output.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bfmt.h"
#include "policy.h"
#include "tap.h"

#define MAXCH	8
#define MAXB	1100
#define MAXM	4096

static struct sbview_chassis chs[MAXCH];
static int n_chs;
static struct sbview_binding bs[MAXB];
static int n_bs;
static struct sbview_local loc;
static uint64_t fake_now = 1000000000ull;
#define SEC	1000000000ull

/* The fake maps: the last value per key. */
struct fent {
	bool used;
	struct ovnmig_port_key k;
	struct ovnmig_steer s;
	struct ovnmig_fwd f;
};
static struct fent steer_map[MAXM], fwd_map[MAXM];
static int sink_calls, last_batch;
/* Sets marked fresh (no entry at their key, maps_apply() then carries
 * no counts), and those that found one all the same. */
static int fresh_sets, fresh_lies;


static uint64_t clk(void)
{
	return fake_now;
}

static const struct sbview_chassis *ch_uuid(void *ctx, const char *u)
{
	int i;

	(void)ctx;
	for (i = 0; i < n_chs; i++)
		if (!strcmp(chs[i].uuid.s, u))
			return &chs[i];
	return NULL;
}

static const struct sbview_chassis *ch_name(void *ctx, const char *n)
{
	int i;

	(void)ctx;
	for (i = 0; i < n_chs; i++)
		if (!strcmp(chs[i].name, n))
			return &chs[i];
	return NULL;
}

static const struct sbview_binding *b_port(void *ctx, const char *n)
{
	int i;

	(void)ctx;
	for (i = 0; i < n_bs; i++)
		if (!strcmp(bs[i].logical_port, n))
			return &bs[i];
	return NULL;
}

static int each_binding(void *ctx, int (*cb)(void *arg,
					     const struct sbview_binding *b),
			void *arg)
{
	int i, r;

	(void)ctx;
	for (i = 0; i < n_bs; i++) {
		r = cb(arg, &bs[i]);
		if (r)
			return r;
	}
	return 0;
}

static const struct sbview_local *get_local(void *ctx)
{
	(void)ctx;
	return &loc;
}

static struct fent *slot(struct fent *m, const struct ovnmig_port_key *k,
			 bool create)
{
	int i, free_i = -1;

	for (i = 0; i < MAXM; i++) {
		if (m[i].used && !memcmp(&m[i].k, k, sizeof(*k)))
			return &m[i];
		if (!m[i].used && free_i < 0)
			free_i = i;
	}
	if (!create || free_i < 0)
		return NULL;
	m[free_i].used = true;
	m[free_i].k = *k;
	return &m[free_i];
}

static int sink(void *ctx, const struct policy_op *ops, int n)
{
	int i;

	(void)ctx;
	sink_calls++;
	last_batch = n;
	for (i = 0; i < n; i++) {
		struct fent *m = ops[i].kind == POLICY_STEER ? steer_map :
							      fwd_map;
		struct fent *e;

		if (ops[i].fresh && !ops[i].del) {
			fresh_sets++;
			fresh_lies += slot(m, &ops[i].key, false) != NULL;
		}
		e = slot(m, &ops[i].key, !ops[i].del);

		if (ops[i].del) {
			if (!e)
				return -2;	/* deleting what is not there */
			e->used = false;
		} else if (ops[i].kind == POLICY_STEER) {
			e->s = ops[i].steer;
		} else {
			e->f = ops[i].fwd;
		}
	}
	return 0;
}

static int count(struct fent *m)
{
	int i, n = 0;

	for (i = 0; i < MAXM; i++)
		n += m[i].used;
	return n;
}

/* The view's structs point to strings it owns: chassis names and our
 * own system-id are literals, port names live here. */
static char port_names[MAXB][32];

static void add_chassis(const char *name, const char *ip)
{
	struct sbview_chassis *c = &chs[n_chs++];

	memset(c, 0, sizeof(*c));
	snprintf(c->uuid.s, sizeof(c->uuid.s), "uuid-%s", name);
	c->name = name;
	c->n_encaps = 1;
	c->encaps[0].family = AF_INET;
	inet_pton(AF_INET, ip, &c->encaps[0].v4);
	strcpy(c->encaps[0].type, "geneve");
}

static struct sbview_binding *add_binding(const char *port, uint32_t dp,
					  uint32_t key, const char *ch)
{
	struct sbview_binding *b = &bs[n_bs++];

	memset(b, 0, sizeof(*b));
	snprintf(b->uuid.s, sizeof(b->uuid.s), "b-%d", n_bs);
	snprintf(port_names[n_bs - 1], sizeof(port_names[0]), "%s", port);
	b->logical_port = port_names[n_bs - 1];
	b->type = b->requested_opt = b->activated_opt = "";
	b->dp_key = dp;
	b->port_key = key;
	if (ch)
		snprintf(b->chassis.s, sizeof(b->chassis.s), "uuid-%s", ch);
	return b;
}

static struct policy *pol;
static uint64_t max_age;	/* for the next reset(); 0: the default */

/* The policy's events, kept unformatted as ovnmigd keeps them. */
#define N_EV	8
static struct bfmt evs[N_EV];
static char ev_port[N_EV][64];
static unsigned int n_ev;

static void on_event(void *ctx, const char *port, const char *fmt,
		     va_list ap)
{
	(void)ctx;
	snprintf(ev_port[n_ev % N_EV], sizeof(ev_port[0]), "%s", port);
	bfmt_vsave(&evs[n_ev++ % N_EV], fmt, ap);
}

/* The text of the last event, formatted now. */
static const char *last_event(void)
{
	static char t[BFMT_BYTES];

	if (!n_ev)
		return "";
	bfmt_format(&evs[(n_ev - 1) % N_EV], t, sizeof(t));
	return t;
}

static void reset(const char *me)
{
	struct policy_lookup lk = {
		.chassis_by_uuid = ch_uuid, .chassis_by_name = ch_name,
		.binding_by_port = b_port, .local = get_local,
		.foreach_binding = each_binding,
	};
	struct policy_cfg cfg = {
		.now_ns = clk, .sink = sink, .generation = 7,
		.max_age_ns = max_age, .event = on_event,
	};

	policy_destroy(pol);
	memset(steer_map, 0, sizeof(steer_map));
	memset(fwd_map, 0, sizeof(fwd_map));
	sink_calls = last_batch = 0;
	n_chs = n_bs = 0;
	memset(&loc, 0, sizeof(loc));
	loc.system_id = me;
	add_chassis("A", "198.18.0.11");
	add_chassis("B", "198.18.0.12");
	add_chassis("C", "198.18.0.13");
	add_chassis("D", "198.18.0.14");
	pol = policy_create(&cfg, &lk);
	if (!pol)
		exit(1);
}

/* Initial sync of the bindings as the follower delivers it. */
static void sync_all(void)
{
	const struct sbview_ops *o = &policy_sbview_ops;
	int i;

	o->begin(pol);
	for (i = 0; i < n_chs; i++)
		o->chassis(pol, NULL, &chs[i]);
	for (i = 0; i < n_bs; i++)
		o->binding(pol, NULL, &bs[i]);
	o->end(pol);
}

/* One update moving @b to chassis @to (NULL: unbind). */
static void move(struct sbview_binding *b, const char *to)
{
	const struct sbview_ops *o = &policy_sbview_ops;
	struct sbview_binding old = *b;

	if (to)
		snprintf(b->chassis.s, sizeof(b->chassis.s), "uuid-%s", to);
	else
		b->chassis.s[0] = 0;
	b->n_additional = 0;
	o->begin(pol);
	o->binding(pol, &old, b);
	o->end(pol);
}

/* TAP: selftests/lib/tap.h; check() is this suite's name. */
#define check		tap_result

static struct fent *steer_of(const struct sbview_binding *b)
{
	struct ovnmig_port_key k = { b->dp_key, b->port_key, 0 };

	return slot(steer_map, &k, false);
}

static struct fent *fwd_of(const struct sbview_binding *b)
{
	struct ovnmig_port_key k = { b->dp_key, b->port_key, 0 };

	return slot(fwd_map, &k, false);
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static bool steer_is(const struct sbview_binding *b, const char *from,
		     const char *to, uint32_t flags)
{
	struct fent *e = steer_of(b);

	return e && e->s.old_remote.v4 == ip(from) &&
	       e->s.new_remote.v4 == ip(to) && e->s.flags == flags &&
	       e->s.generation == 7;
}

static bool fwd_is(const struct sbview_binding *b, const char *to)
{
	struct fent *e = fwd_of(b);

	return e && e->f.new_host.v4 == ip(to);
}

static void t_move_third(void)
{
	struct sbview_binding *p;

	reset("C");
	p = add_binding("p1", 5, 3, "A");
	sync_all();
	check(count(steer_map) == 0 && count(fwd_map) == 0,
	      "initial sync writes nothing", "steer=%d fwd=%d",
	      count(steer_map), count(fwd_map));
	move(p, "B");
	check(steer_is(p, "198.18.0.11", "198.18.0.12", 0) &&
	      count(fwd_map) == 0, "move A->B: third chassis steers A->B",
	      "steer=%d fwd=%d", count(steer_map), count(fwd_map));
	check(steer_of(p) && steer_of(p)->s.expires_ns ==
	      fake_now + 900ull * SEC,
	      "steer entry's maximum age is the default 15 minutes",
	      "expires after %lld s",
	      steer_of(p) ? (long long)((steer_of(p)->s.expires_ns -
					 fake_now) / SEC) : -1);
	move(p, "A");
	check(steer_is(p, "198.18.0.12", "198.18.0.11", 0) &&
	      count(steer_map) == 1, "rollback B->A replaces the entry",
	      "steer=%d", count(steer_map));
	move(p, "B");
	move(p, "D");
	check(steer_is(p, "198.18.0.12", "198.18.0.14", 0) &&
	      count(steer_map) == 1, "second move B->D replaces the entry",
	      "steer=%d", count(steer_map));
	move(p, "C");
	check(count(steer_map) == 0 && count(fwd_map) == 0,
	      "move to this chassis removes its entries", "steer=%d fwd=%d",
	      count(steer_map), count(fwd_map));
}

static void t_move_source(void)
{
	struct sbview_binding *p;

	reset("A");
	p = add_binding("p1", 5, 3, "A");
	sync_all();
	move(p, "B");
	check(fwd_is(p, "198.18.0.12") && count(steer_map) == 0,
	      "move A->B: A points to B and does not steer", "steer=%d fwd=%d",
	      count(steer_map), count(fwd_map));
	move(p, "C");
	check(fwd_is(p, "198.18.0.13") && steer_is(p, "198.18.0.12",
						   "198.18.0.13", 0),
	      "second move B->C: A repoints to C, one hop",
	      "fwd=%d steer=%d", count(fwd_map), count(steer_map));
	move(p, "A");
	check(count(fwd_map) == 0 && count(steer_map) == 0,
	      "rollback to A removes A's pointer and steering",
	      "fwd=%d steer=%d", count(fwd_map), count(steer_map));

	reset("B");
	p = add_binding("p1", 5, 3, "A");
	sync_all();
	move(p, "B");
	check(count(fwd_map) == 0 && count(steer_map) == 0,
	      "destination chassis installs nothing", "fwd=%d steer=%d",
	      count(fwd_map), count(steer_map));
	move(p, "A");
	check(fwd_is(p, "198.18.0.11"), "rollback: B points back to A",
	      "fwd=%d", count(fwd_map));
}

static void t_multichassis(void)
{
	const struct sbview_ops *o = &policy_sbview_ops;
	struct sbview_binding *p, *q, old;

	reset("C");
	p = add_binding("mc", 5, 3, "A");
	q = add_binding("plain", 5, 4, "A");
	sync_all();
	/* requested-chassis=A,B: SB additional_chassis=B. */
	old = *p;
	p->n_additional = 1;
	strcpy(p->additional[0].s, "uuid-B");
	o->begin(pol);
	o->binding(pol, &old, p);
	o->end(pol);
	check(count(steer_map) == 0, "additional chassis alone steers nothing",
	      "steer=%d", count(steer_map));
	move(p, "B");
	move(q, "B");
	check(steer_is(p, "198.18.0.11", "198.18.0.12", OVNMIG_F_DROP),
	      "multichassis port: drop entry toward A, no rewrite",
	      "entry missing or flags %u",
	      steer_of(p) ? steer_of(p)->s.flags : 99);
	check(steer_is(q, "198.18.0.11", "198.18.0.12", 0),
	      "plain port beside it: rewrite entry", "missing");

	reset("A");
	p = add_binding("mc", 5, 3, "A");
	p->n_additional = 1;
	strcpy(p->additional[0].s, "uuid-B");
	sync_all();
	move(p, "B");
	check(count(fwd_map) == 0 && count(steer_map) == 0,
	      "multichassis port: no forwarding pointer on A",
	      "fwd=%d steer=%d", count(fwd_map), count(steer_map));
}

static void t_ignored(void)
{
	struct sbview_binding *m, *t, *u, *z;

	reset("C");
	m = add_binding("mcast", 5, 32769, "A");
	t = add_binding("router", 5, 6, "A");
	t->type = "patch";
	u = add_binding("unknown", 5, 7, "A");
	z = add_binding("nokey", 0, 8, "A");
	sync_all();
	move(m, "B");
	move(t, "B");
	move(u, "Z");
	move(z, "B");
	check(count(steer_map) == 0 && count(fwd_map) == 0,
	      "multicast key, non-VIF, unknown chassis, no key: nothing",
	      "steer=%d fwd=%d", count(steer_map), count(fwd_map));
	check(policy_counters(pol)->skip_mcast == 1 &&
	      policy_counters(pol)->skip_not_vif == 1 &&
	      policy_counters(pol)->skip_unknown_chassis == 1 &&
	      policy_counters(pol)->skip_no_key == 1,
	      "each skip is counted", "mcast=%lu notvif=%lu unk=%lu",
	      (unsigned long)policy_counters(pol)->skip_mcast,
	      (unsigned long)policy_counters(pol)->skip_not_vif,
	      (unsigned long)policy_counters(pol)->skip_unknown_chassis);
}

static void t_delete(void)
{
	const struct sbview_ops *o = &policy_sbview_ops;
	struct sbview_binding *p, *q, old;
	struct sbview_chassis gone;

	reset("C");
	p = add_binding("p1", 5, 3, "A");
	q = add_binding("p2", 5, 4, "A");
	sync_all();
	move(p, "B");
	move(q, "D");
	old = *p;
	o->begin(pol);
	o->binding(pol, &old, NULL);
	o->end(pol);
	n_bs = 0;	/* gone from the view too */
	check(!steer_of(&old) && count(steer_map) == 1,
	      "deleting a port removes its entry", "steer=%d",
	      count(steer_map));
	gone = chs[3];
	n_chs = 3;
	o->begin(pol);
	o->chassis(pol, &gone, NULL);
	o->end(pol);
	check(count(steer_map) == 0, "deleting a chassis removes its entries",
	      "steer=%d", count(steer_map));
}

/*
 * An entry lives while the SB shows its move, however long OVN
 * lags (the reported stalls: 88 s, 8 minutes), up to the maximum age
 * (15 minutes by default); no fixed 30 s expiry.
 */
static void t_lifetime(void)
{
	static const uint64_t at[] = { 31, 88, 480, 899 };
	struct sbview_binding *p;
	uint64_t t0;
	size_t i;
	int n;

	reset("C");
	p = add_binding("p1", 5, 3, "A");
	add_binding("p2", 5, 4, "A");
	sync_all();
	move(p, "B");
	t0 = fake_now;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		fake_now = t0 + at[i] * SEC;
		n = policy_expire(pol);
		check(n == 0 && steer_is(p, "198.18.0.11", "198.18.0.12", 0),
		      at[i] == 31 ? "entry outlives the old 30 s expiry while "
				    "the SB shows the move" :
		      at[i] == 88 ? "entry still there 88 s after the move "
				    "(ovn-org/ovn#261's stall)" :
		      at[i] == 480 ? "entry still there after 8 minutes "
				     "(ovn-org/ovn#252's stall)" :
				     "entry still there at 14:59",
		      "expired %d, steer=%d", n, count(steer_map));
	}
	/* Another update meanwhile changes nothing for this port. */
	move(&bs[1], "D");
	check(steer_is(p, "198.18.0.11", "198.18.0.12", 0),
	      "another port's move leaves the entry alone", "changed");
	fake_now = t0 + 900 * SEC;
	n = policy_expire(pol);
	check(!steer_of(p) && count(steer_map) == 1,
	      "entry removed at the maximum age (15 minutes)",
	      "expired %d left %d", n, count(steer_map));

	/* A configured maximum age. */
	max_age = 20 * SEC;
	reset("C");
	p = add_binding("p1", 5, 3, "A");
	sync_all();
	move(p, "B");
	t0 = fake_now;
	fake_now = t0 + 20 * SEC - 1;
	n = policy_expire(pol);
	check(n == 0 && count(steer_map) == 1,
	      "max age 20 s: entry lives until then", "expired %d", n);
	fake_now = t0 + 20 * SEC;
	n = policy_expire(pol);
	check(n == 1 && count(steer_map) == 0,
	      "max age 20 s: entry removed at 20 s", "expired %d left %d", n,
	      count(steer_map));
	max_age = 0;
}

/* A release and re-claim by the same chassis is a flap, not a move. */
static void t_flap(void)
{
	struct sbview_binding *p;

	reset("C");
	p = add_binding("p1", 5, 3, "A");
	sync_all();
	move(p, "B");
	move(p, NULL);
	check(steer_is(p, "198.18.0.11", "198.18.0.12", 0),
	      "release by the new chassis alone: the A->B entry stays",
	      "steer=%d", count(steer_map));
	move(p, "B");
	check(steer_is(p, "198.18.0.11", "198.18.0.12", 0) &&
	      count(steer_map) == 1,
	      "re-claim by the same chassis: still A->B (no B->B entry)",
	      "steer=%d", count(steer_map));
	move(p, NULL);
	move(p, "D");
	check(steer_is(p, "198.18.0.12", "198.18.0.14", 0),
	      "release by B then claim by D: B->D", "missing");
}

static void t_unbind_bind(void)
{
	struct sbview_binding *p;

	reset("C");
	p = add_binding("p1", 5, 3, "A");
	sync_all();
	move(p, NULL);
	check(count(steer_map) == 0, "release alone steers nothing",
	      "steer=%d", count(steer_map));
	move(p, "B");
	check(steer_is(p, "198.18.0.11", "198.18.0.12", 0),
	      "release by A then claim by B is a move A->B", "missing");
}

static void vif(struct sbview_iface *from, struct sbview_iface *to)
{
	const struct sbview_ops *o = &policy_sbview_ops;

	o->begin(pol);
	o->iface(pol, from, to);
	o->end(pol);
}

static void t_vif(void)
{
	struct sbview_iface up = { .link_up = true }, down;
	const struct policy_counters *c;
	struct sbview_binding *p;
	int calls;

	reset("A");
	p = add_binding("p1", 5, 3, "A");
	p->requested_opt = "A,B";
	sync_all();
	c = policy_counters(pol);
	up.iface_id = "p1";
	up.name = "tap1";
	down = up;
	down.link_up = false;
	calls = sink_calls;
	vif(&up, &down);
	check(count(fwd_map) == 0 && sink_calls == calls,
	      "VIF down before B is main: no pointer, nothing written",
	      "fwd=%d calls=%d", count(fwd_map), sink_calls - calls);
	check(policy_n_armed(pol) == 1 && c->vif_down_armed == 1,
	      "VIF down with known destination arms the move",
	      "armed=%d counted=%lu", policy_n_armed(pol),
	      (unsigned long)c->vif_down_armed);
	vif(&up, &down);	/* the OVS DB, after the kernel */
	check(c->vif_down_armed == 1 && policy_n_armed(pol) == 1,
	      "the same VIF down reported twice: armed once",
	      "counted=%lu", (unsigned long)c->vif_down_armed);
	calls = sink_calls;
	move(p, "B");
	check(fwd_is(p, "198.18.0.12") && sink_calls == calls + 1 &&
	      last_batch == 1 && c->vif_down_moved == 1 &&
	      policy_n_armed(pol) == 0 && count(steer_map) == 0,
	      "SB makes B main: the armed pointer is written in that batch",
	      "fwd=%d calls=%d moved=%lu", count(fwd_map), sink_calls - calls,
	      (unsigned long)c->vif_down_moved);
	vif(&down, &up);
	check(count(fwd_map) == 0, "VIF up again after the move withdraws "
	      "the pointer (aborted migration)", "fwd=%d", count(fwd_map));

	/* Aborted before the move: disarmed, the move then is a plain one. */
	move(p, "A");
	vif(&up, &down);
	vif(&down, &up);
	check(policy_n_armed(pol) == 0 && count(fwd_map) == 0 &&
	      c->vif_down_disarmed == 1,
	      "VIF up again before the move disarms it", "armed=%d fwd=%d",
	      policy_n_armed(pol), count(fwd_map));

	/* Armed, then the port is deleted: nothing left behind. */
	vif(&up, &down);
	{
		const struct sbview_ops *o = &policy_sbview_ops;
		struct sbview_binding gone = *p;

		o->begin(pol);
		o->binding(pol, &gone, NULL);
		o->end(pol);
	}
	check(policy_n_armed(pol) == 0 && count(fwd_map) == 0 &&
	      c->vif_down_disarmed == 2,
	      "deleting an armed port disarms it", "armed=%d",
	      policy_n_armed(pol));

	reset("A");
	p = add_binding("p1", 5, 3, "A");
	p->requested_opt = "A,B";
	p->n_additional = 1;
	strcpy(p->additional[0].s, "uuid-B");
	sync_all();
	vif(&up, &down);
	check(count(fwd_map) == 0 && policy_n_armed(pol) == 0,
	      "VIF down of a multichassis port: no pointer, not armed",
	      "fwd=%d", count(fwd_map));
	move(p, "B");
	check(count(fwd_map) == 0,
	      "multichassis port moved after its VIF down: still no pointer",
	      "fwd=%d", count(fwd_map));

	reset("A");
	p = add_binding("p1", 5, 3, "A");
	p->requested_opt = "A";
	sync_all();
	vif(&up, &down);
	check(count(fwd_map) == 0 && policy_n_armed(pol) == 0,
	      "VIF down without known destination: nothing", "fwd=%d",
	      count(fwd_map));

	/* Armed toward B, but the SB moves the port to D instead. */
	reset("A");
	p = add_binding("p1", 5, 3, "A");
	p->requested_opt = "A,B";
	sync_all();
	vif(&up, &down);
	move(p, "D");
	check(fwd_is(p, "198.18.0.14") && policy_n_armed(pol) == 0,
	      "armed toward B, moved to D: the pointer follows the SB",
	      "fwd=%d", count(fwd_map));
	/* Armed and nothing follows within the maximum age: forgotten. */
	reset("A");
	p = add_binding("p1", 5, 3, "A");
	p->requested_opt = "A,B";
	sync_all();
	vif(&up, &down);
	fake_now += 900 * SEC;
	policy_expire(pol);
	check(policy_n_armed(pol) == 0 && count(fwd_map) == 0,
	      "an armed move with no SB move is forgotten at the maximum age",
	      "armed=%d", policy_n_armed(pol));
}

static void t_batch(void)
{
	const struct sbview_ops *o = &policy_sbview_ops;
	static struct sbview_binding olds[1000];
	int i, calls;
	char name[32];

	reset("C");
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		add_binding(name, 9, i + 1, "A");
	}
	sync_all();
	calls = sink_calls;
	o->begin(pol);
	for (i = 0; i < 1000; i++) {
		olds[i] = bs[i];
		strcpy(bs[i].chassis.s, "uuid-B");
		o->binding(pol, &olds[i], &bs[i]);
	}
	o->end(pol);
	check(sink_calls == calls + 1 && last_batch == 1000 &&
	      count(steer_map) == 1000,
	      "1000 moves in one update: one batch of 1000 writes",
	      "calls=%d batch=%d entries=%d", sink_calls - calls, last_batch,
	      count(steer_map));
}

static void add_chassis6(const char *name, const char *ip6)
{
	struct sbview_chassis *c = &chs[n_chs++];

	memset(c, 0, sizeof(*c));
	snprintf(c->uuid.s, sizeof(c->uuid.s), "uuid-%s", name);
	c->name = name;
	c->n_encaps = 1;
	c->encaps[0].family = AF_INET6;
	inet_pton(AF_INET6, ip6, &c->encaps[0].v6);
	strcpy(c->encaps[0].type, "geneve");
}

static void t_ipv6(void)
{
	struct sbview_binding *p, *q;
	struct in6_addr a, b;
	struct fent *e;

	reset("C");
	add_chassis6("A6", "2001:db8::11");
	add_chassis6("B6", "2001:db8::12");
	p = add_binding("p6", 5, 3, "A6");
	q = add_binding("mixed", 5, 4, "A");
	sync_all();
	move(p, "B6");
	move(q, "B6");
	e = steer_of(p);
	inet_pton(AF_INET6, "2001:db8::11", &a);
	inet_pton(AF_INET6, "2001:db8::12", &b);
	check(e && (e->s.flags & OVNMIG_F_IPV6) &&
	      !memcmp(e->s.old_remote.v6, &a, 16) &&
	      !memcmp(e->s.new_remote.v6, &b, 16),
	      "IPv6 underlay: steer entry with IPv6 addresses and flag",
	      "missing or wrong");
	check(!steer_of(q), "IPv4 chassis to IPv6-only chassis: nothing",
	      "entry written");
}

/* An entry a starting agent finds in the pinned maps. */
static void adopt_steer(struct ovnmig_port_key k, struct ovnmig_steer v)
{
	struct policy_op e = { .kind = POLICY_STEER, .key = k, .steer = v };

	policy_adopt(pol, &e);
}

static void adopt_fwd(struct ovnmig_port_key k, struct ovnmig_fwd v)
{
	struct policy_op e = { .kind = POLICY_FWD, .key = k, .fwd = v };

	policy_adopt(pol, &e);
}

static void t_reconcile(void)
{
	struct ovnmig_port_key k1 = { 5, 3, 0 }, k2 = { 5, 4, 0 },
			       k3 = { 5, 9, 0 }, k4 = { 5, 10, 0 };
	struct ovnmig_steer s = {
		.expires_ns = fake_now + 1000000000ull, .generation = 3,
	};
	struct ovnmig_fwd f = {
		.expires_ns = fake_now + 1000000000ull, .generation = 3,
	};
	struct fent *e;

	reset("C");
	add_binding("p1", 5, 3, "B");	/* entry still right */
	add_binding("p2", 5, 4, "D");	/* moved on to D meanwhile */
	add_binding("p4", 5, 10, "C");	/* back here: pointer is stale */
	sync_all();
	/* The maps as the previous agent left them. */
	s.old_remote.v4 = ip("198.18.0.11");
	s.new_remote.v4 = ip("198.18.0.12");
	e = slot(steer_map, &k1, true); e->s = s;
	e = slot(steer_map, &k2, true); e->s = s;
	e = slot(steer_map, &k3, true); e->s = s;	/* port gone */
	f.new_host.v4 = ip("198.18.0.13");
	e = slot(fwd_map, &k4, true); e->f = f;		/* points to self */
	adopt_steer(k1, s);
	adopt_steer(k2, s);
	adopt_steer(k3, s);
	adopt_fwd(k4, f);
	check(policy_flush(pol) == 0, "reconcile batch written", "sink error");
	e = slot(steer_map, &k1, false);
	check(e && e->s.generation == 3 &&
	      e->s.new_remote.v4 == ip("198.18.0.12"),
	      "reconcile keeps a still-right entry untouched", "changed");
	e = slot(steer_map, &k2, false);
	check(e && e->s.new_remote.v4 == ip("198.18.0.14") &&
	      e->s.generation == 7,
	      "reconcile repoints an entry whose port moved on", "not fixed");
	check(!slot(steer_map, &k3, false) && !slot(fwd_map, &k4, false),
	      "reconcile removes entries nothing backs", "still there");
	check(policy_n_steer(pol) == 2, "adopted entries are tracked",
	      "n_steer=%d", policy_n_steer(pol));
}

/* Entries an operator wrote by hand (OVNMIG_F_MANUAL) while no agent
 * ran are reconciled like the agent's own at its start: one the SB backs
 * is adopted and so bound to the lease (the flag cleared), one nothing
 * backs is removed. */
static void t_reconcile_manual(void)
{
	struct ovnmig_port_key k1 = { 6, 3, 0 }, k2 = { 6, 4, 0 };
	struct ovnmig_steer s = {
		.expires_ns = fake_now + 1000000000ull, .generation = 3,
		.flags = OVNMIG_F_MANUAL,
	};
	struct ovnmig_fwd f = {
		.expires_ns = fake_now + 1000000000ull, .generation = 3,
		.flags = OVNMIG_F_MANUAL,
	};
	struct fent *e;

	reset("C");
	add_binding("p1", 6, 3, "B");	/* the SB backs this one */
	sync_all();
	s.old_remote.v4 = ip("198.18.0.11");
	s.new_remote.v4 = ip("198.18.0.12");	/* B's address */
	e = slot(steer_map, &k1, true); e->s = s;
	f.new_host.v4 = ip("198.18.0.77");	/* no port backs it */
	e = slot(fwd_map, &k2, true); e->f = f;
	adopt_steer(k1, s);
	adopt_fwd(k2, f);
	check(policy_flush(pol) == 0, "manual reconcile batch written",
	      "sink error");
	e = slot(steer_map, &k1, false);
	check(e && e->s.new_remote.v4 == ip("198.18.0.12") &&
	      !(e->s.flags & OVNMIG_F_MANUAL),
	      "reconcile adopts a hand-written entry the SB backs, under the lease",
	      "missing or still manual");
	check(!slot(fwd_map, &k2, false),
	      "reconcile removes a hand-written pointer nothing backs",
	      "still there");
	check(policy_n_steer(pol) == 1, "the adopted hand entry is tracked",
	      "n_steer=%d", policy_n_steer(pol));
}

/* bfmt of fmt and its arguments against snprintf's text, in a buffer of
 * @size (the agent's: BFMT_BYTES). */
__attribute__((format(printf, 3, 4)))
static void fmt_same(const char *name, size_t size, const char *fmt, ...)
{
	char want[512], got[512];
	struct bfmt r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, size, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	bfmt_vsave(&r, fmt, ap);
	va_end(ap);
	memset(got, 'x', sizeof(got));
	bfmt_format(&r, got, size);
	check(!strcmp(want, got), name, "printf \"%s\", bfmt \"%s\"", want,
	      got);
}

/*
 * Events are kept unformatted (lib/bfmt.h) and made into text when read:
 * the text is printf's, and the arguments are copies (the view's strings
 * are gone once the update is over).
 */
static void t_events(void)
{
	static char long_s[300];
	struct sbview_binding *p;
	char name_b[16] = "B-chassis";

	fmt_same("bfmt: the policy's formats", BFMT_BYTES,
		 "steer %s -> %s%s", "A", "B", " (multichassis: drop copy)");
	fmt_same("bfmt: integers of every length", BFMT_BYTES,
		 "%d %u %ld %lu %lld %llu %hhd %hu %zu %zd %jd %x %X %o %#x",
		 -1, 4000000000u, -2L, 3UL, -4LL, 18446744073709551615ULL,
		 (signed char)-5, (unsigned short)65535, (size_t)7,
		 (ssize_t)-8, (intmax_t)-9, 255, 255, 8, 16);
	fmt_same("bfmt: flags, width, precision", BFMT_BYTES,
		 "[%-6s|%6.2s|%05d|%+d|% d|%.3f|%10.4e|%g|%c|%%]", "ab",
		 "xyz", 42, 3, 4, 2.0 / 3, 12345.678, 0.5, 'q');
	fmt_same("bfmt: migration record text", BFMT_BYTES,
		 "migration %llu closed (%s): %llu %s, lag %.3f ms", 12ULL,
		 "quiet", 7ULL, "steered", 1.2345678);
	fmt_same("bfmt: '*' width is formatted at once", BFMT_BYTES,
		 "[%*d]", 5, 42);
	memset(long_s, 'a', sizeof(long_s) - 1);
	fmt_same("bfmt: truncated as snprintf", BFMT_BYTES, "%s and %d",
		 long_s, 1);
	fmt_same("bfmt: a long string under a wide width", BFMT_BYTES,
		 "%250s|", long_s + 100);
	fmt_same("bfmt: arguments beyond the record: formatted at once",
		 BFMT_BYTES, "%s|%s|%d", long_s + 150, long_s + 150, 9);
	fmt_same("bfmt: a short output buffer", 8, "steer %s -> %s", "A",
		 "B");
	fmt_same("bfmt: no conversion", BFMT_BYTES, "VIF up again: pointer "
		 "withdrawn");

	reset("C");
	chs[1].name = name_b;
	p = add_binding("p1", 5, 3, "A");
	sync_all();
	n_ev = 0;
	move(p, "B");
	/* The view renames B after the update: the event must hold its own copy. */
	strcpy(name_b, "gone");
	check(n_ev == 1 && !strcmp(ev_port[0], "p1") &&
	      !strcmp(last_event(), "steer A -> B-chassis"),
	      "event kept unformatted: its text once read, with the names "
	      "of the move", "%u events, last \"%s\" port %s", n_ev,
	      last_event(), ev_port[0]);
}

int main(void)
{
	printf("TAP version 13\n");
	t_move_third();
	t_move_source();
	t_multichassis();
	t_ignored();
	t_delete();
	t_lifetime();
	t_flap();
	t_unbind_bind();
	t_vif();
	t_batch();
	t_ipv6();
	t_reconcile();
	t_reconcile_manual();
	t_events();
	/* Over every case above (moves, rollbacks, flaps, VIF events,
	 * reconcile): a move's first entry is fresh, and a set marked
	 * fresh never lands where an entry is. */
	check(fresh_sets > 0 && !fresh_lies,
	      "sets marked fresh: the key's first entry, never a rewrite",
	      "%d fresh sets, %d found an entry", fresh_sets, fresh_lies);
	policy_destroy(pol);
	return tap_finish();
}
