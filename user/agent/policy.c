// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy: Southbound port moves and local VIF events -> steer/fwd entries.
 * See policy.h for the rules.  Decisions are taken in end() of each
 * update, when the lookups reflect the whole update, and leave as one
 * batch of coalesced map operations (one per key and map).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "lib/hmap.h"
#include "lib/util.h"
#include "policy.h"

/* ---- records by u64 key (lib/hmap.h) ---- */

struct knode {
	struct hnode hn;		/* first: owners cast from it */
	uint64_t k;
};

static struct knode *htab_find(const struct hmap *m, uint64_t k)
{
	struct hnode *h;

	HMAP_FOR_EACH_HASH(h, m, hash_u64(k)) {
		struct knode *n = container_of(h, struct knode, hn);

		if (n->k == k)
			return n;
	}
	return NULL;
}

static void htab_add(struct hmap *m, struct knode *n)
{
	hmap_insert(m, &n->hn, hash_u64(n->k));
}

static void htab_del(struct hmap *m, struct knode *n)
{
	hmap_remove(m, &n->hn);
}

#define htab_for_each_safe(m, i, n, nx)					\
	HMAP_FOR_EACH_SAFE(n, nx, i, m)

/* ---- state ---- */

/* One port key's entries, as the policy wants them and as written. */
struct rec {
	struct knode h;			/* k = dp_key << 16 | port_key */
	struct rec *dirty_next;
	char *port;
	bool dirty_steer, dirty_fwd, dirty;
	bool has_steer, has_fwd, map_steer, map_fwd;
	bool vif_down;			/* fwd of a move a VIF-down armed */
	/*
	 * Armed by a local VIF-down on A: the destination B is known but
	 * cannot deliver yet (not main, not activated), so nothing is
	 * written; the pointer value is precomputed here and written the
	 * moment the SB makes B the main chassis.
	 */
	bool armed;
	uint64_t armed_at;
	struct sbview_uuid arm_to;
	struct ovnmig_ip arm_ip;
	bool arm_v6;
	struct ovnmig_steer steer;
	struct ovnmig_fwd fwd;
	/* Chassis names (as long as the SB has them), NULL until set;
	 * shared (struct chname). */
	char *old_ch, *new_ch, *fwd_ch;
};

/*
 * A chassis name the records use, kept once: an evacuation gives a
 * thousand records the same two names, a copy each cost two
 * allocations per move.
 */
struct chname {
	struct hnode hn;
	unsigned int refs;
	char s[];
};

/*
 * A port chassis A released (chassis A -> none), remembered until B
 * claims it so that none -> B is still a move from A.  Only released
 * ports are kept: a per-binding index would cost megabytes at 100k.
 */
struct released {
	struct knode h;
	struct sbview_uuid from;
	bool mc;
	uint64_t at;
};

/* Port key -> logical port name, built only while reconciling. */
struct pname {
	struct knode h;
	char *port;
};

struct move {
	char *port;			/* freed at the end of the batch */
	uint64_t k;
	struct sbview_uuid from, to;
	bool multichassis;
};

/* Chassis looked up in one end(): an evacuation is 1,000 moves between
 * the same two chassis, and the view does not change during end(). */
struct ch_memo {
	struct sbview_uuid u;
	const struct sbview_chassis *ch;
};

struct vifev {
	char *port;			/* likewise */
	bool up;
};

struct policy {
	struct policy_cfg cfg;
	struct policy_lookup lk;
	struct hmap recs, released, names;
	struct hmap chnames;		/* struct chname */
	struct rec *dirty;
	struct move *moves;
	size_t n_moves, cap_moves;
	struct vifev *vifs;
	size_t n_vifs, cap_vifs;
	char **gone_chassis;
	size_t n_gone, cap_gone;
	int n_steer, n_fwd, n_armed;
	struct ch_memo memo[2];
	unsigned int memo_next;
	bool names_built;
	struct policy_counters c;
	struct policy_op *ops;
	size_t cap_ops;
};

static uint64_t now(const struct policy *p)
{
	return p->cfg.now_ns ? p->cfg.now_ns() : mono_ns();
}

static uint64_t mkkey(uint32_t dp, uint32_t port)
{
	return (uint64_t)dp << 16 | (port & 0xffff);
}

static struct ovnmig_port_key port_key(uint64_t k)
{
	struct ovnmig_port_key pk = {
		.dp_key = (uint32_t)(k >> 16),
		.port_key = (uint16_t)(k & 0xffff),
	};
	return pk;
}

__attribute__((format(printf, 3, 4)))
static void event(struct policy *p, const char *port, const char *fmt, ...)
{
	va_list ap;

	if (!p->cfg.event)
		return;
	va_start(ap, fmt);
	p->cfg.event(p->cfg.event_ctx, port ? port : "", fmt, ap);
	va_end(ap);
}

static void *grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *n;

	if (need <= *cap)
		return arr;
	nc = *cap ? *cap * 2 : 64;
	while (nc < need)
		nc *= 2;
	n = xrealloc(arr, nc * elem);
	*cap = nc;
	return n;
}

struct policy *policy_create(const struct policy_cfg *cfg,
			     const struct policy_lookup *lookup)
{
	struct policy *p = xcalloc(1, sizeof(*p));

	p->cfg = *cfg;
	if (!p->cfg.max_age_ns)
		p->cfg.max_age_ns = POLICY_DEFAULT_MAX_AGE_NS;
	p->lk = *lookup;
	return p;
}

static char *name_get(struct policy *p, const char *s)
{
	uint32_t h = hash_str(s);
	struct chname *c;
	struct hnode *n;
	size_t len;

	HMAP_FOR_EACH_HASH(n, &p->chnames, h) {
		c = container_of(n, struct chname, hn);
		if (!strcmp(c->s, s)) {
			c->refs++;
			return c->s;
		}
	}
	len = strlen(s);
	c = xmalloc(sizeof(*c) + len + 1);
	c->refs = 1;
	memcpy(c->s, s, len + 1);
	hmap_insert(&p->chnames, &c->hn, h);
	return c->s;
}

static void name_put(struct policy *p, char *s)
{
	struct chname *c;

	if (!s)
		return;
	c = container_of(s, struct chname, s);
	if (--c->refs)
		return;
	hmap_remove(&p->chnames, &c->hn);
	free(c);
}

static void free_rec(struct policy *p, struct rec *r)
{
	free(r->port);
	name_put(p, r->old_ch);
	name_put(p, r->new_ch);
	name_put(p, r->fwd_ch);
	free(r);
}

/* A name of the view kept in *dst (the view's lives only as long as its
 * row). */
static void set_name(struct policy *p, char **dst, const char *s)
{
	char *d = name_get(p, s ? s : "");

	name_put(p, *dst);
	*dst = d;
}

static const char *nm(const char *s)
{
	return s ? s : "";
}

/* The names an update queued, once it has been acted on. */
static void free_batch(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n_moves; i++)
		free(p->moves[i].port);
	for (i = 0; i < p->n_vifs; i++)
		free(p->vifs[i].port);
	p->n_moves = p->n_vifs = 0;
}

static void names_free(struct policy *p)
{
	struct hnode *n, *nx;
	size_t i;

	htab_for_each_safe(&p->names, i, n, nx) {
		free(((struct pname *)n)->port);
		free(n);
	}
	hmap_destroy(&p->names);
}

void policy_clear(struct policy *p)
{
	struct hnode *n, *nx;
	size_t i;

	htab_for_each_safe(&p->recs, i, n, nx)
		free_rec(p, (struct rec *)n);
	hmap_destroy(&p->recs);
	p->dirty = NULL;
	p->n_steer = p->n_fwd = p->n_armed = 0;
}

void policy_destroy(struct policy *p)
{
	struct hnode *n, *nx;
	size_t i;

	if (!p)
		return;
	policy_clear(p);
	names_free(p);
	htab_for_each_safe(&p->released, i, n, nx)
		free(n);
	hmap_destroy(&p->released);
	hmap_destroy(&p->chnames);	/* the records held the names */
	for (i = 0; i < p->n_gone; i++)
		free(p->gone_chassis[i]);
	free(p->gone_chassis);
	free_batch(p);
	free(p->moves);
	free(p->vifs);
	free(p->ops);
	free(p);
}

static struct rec *rec_get(struct policy *p, uint64_t k, const char *port)
{
	struct rec *r = (struct rec *)htab_find(&p->recs, k);

	if (r)
		return r;
	r = xcalloc(1, sizeof(*r));
	r->h.k = k;
	r->port = xstrdup(port ? port : "");
	htab_add(&p->recs, &r->h);
	return r;
}

static void mark(struct policy *p, struct rec *r, bool steer, bool fwd)
{
	r->dirty_steer |= steer;
	r->dirty_fwd |= fwd;
	if (!r->dirty) {
		r->dirty = true;
		r->dirty_next = p->dirty;
		p->dirty = r;
	}
}

static void set_steer(struct policy *p, struct rec *r,
		      const struct ovnmig_steer *v)
{
	if (!r->has_steer)
		p->n_steer++;
	r->has_steer = true;
	r->steer = *v;
	mark(p, r, true, false);
}

static void clear_steer(struct policy *p, struct rec *r)
{
	if (!r->has_steer)
		return;
	p->n_steer--;
	r->has_steer = false;
	mark(p, r, true, false);
}

static void set_fwd(struct policy *p, struct rec *r, const struct ovnmig_fwd *v,
		    const char *ch, bool vif_down)
{
	if (!r->has_fwd)
		p->n_fwd++;
	r->has_fwd = true;
	r->fwd = *v;
	r->vif_down = vif_down;
	set_name(p, &r->fwd_ch, ch);
	mark(p, r, false, true);
}

static void clear_fwd(struct policy *p, struct rec *r)
{
	if (!r->has_fwd)
		return;
	p->n_fwd--;
	r->has_fwd = false;
	r->vif_down = false;
	mark(p, r, false, true);
}

static void disarm(struct policy *p, struct rec *r)
{
	if (!r->armed)
		return;
	r->armed = false;
	p->n_armed--;
	/* Freed by the next flush if nothing else keeps it. */
	mark(p, r, false, false);
}

/* Pick the tunnel address of a chassis, preferring @family if given. */
static bool chassis_ip(const struct sbview_chassis *ch, int family,
		       struct ovnmig_ip *ip, bool *v6)
{
	int i, pass;

	if (!ch)
		return false;
	/* Geneve first, IPv4 before IPv6 when the family is free. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ch->n_encaps && i < SBVIEW_MAX_ENCAPS; i++) {
			const struct sbview_encap *e = &ch->encaps[i];
			int want = family ? family : (pass ? AF_INET6 : AF_INET);

			if (e->family != want)
				continue;
			if (e->type[0] && strcmp(e->type, "geneve"))
				continue;
			memset(ip, 0, sizeof(*ip));
			if (e->family == AF_INET)
				ip->v4 = e->v4.s_addr;
			else
				memcpy(ip->v6, &e->v6, 16);
			*v6 = e->family == AF_INET6;
			return true;
		}
		if (family)
			break;
	}
	return false;
}

static const char *local_name(struct policy *p)
{
	const struct sbview_local *l = p->lk.local ? p->lk.local(p->lk.ctx) :
					  NULL;

	return l && l->system_id[0] ? l->system_id : NULL;
}

static bool is_local(struct policy *p, const struct sbview_chassis *ch)
{
	const char *me = local_name(p);

	return me && ch && !strcmp(me, ch->name);
}

static bool ip_eq(const struct ovnmig_ip *a, const struct ovnmig_ip *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static bool uuid_eq(const struct sbview_uuid *a, const struct sbview_uuid *b)
{
	return !strcmp(a->s, b->s);
}

/* A binding the policy may act on at all; counts why not. */
static bool actionable(struct policy *p, const struct sbview_binding *b)
{
	if (b->type[0]) {
		p->c.skip_not_vif++;
		return false;
	}
	if (b->port_key >= OVNMIG_OVN_MCAST_MIN) {
		p->c.skip_mcast++;
		return false;
	}
	if (!b->dp_key || !b->port_key || b->dp_key > OVNMIG_VNI_MASK) {
		p->c.skip_no_key++;
		return false;
	}
	return true;
}

static bool had_additional(const struct sbview_binding *b,
			   const struct sbview_uuid *ch)
{
	int i;

	for (i = 0; i < b->n_additional && i < SBVIEW_MAX_ADDL; i++)
		if (uuid_eq(&b->additional[i], ch))
			return true;
	return false;
}

static const struct sbview_chassis *chassis_memo(struct policy *p,
						 const struct sbview_uuid *u)
{
	struct ch_memo *m;
	int i;

	for (i = 0; i < 2; i++)
		if (p->memo[i].ch && uuid_eq(&p->memo[i].u, u))
			return p->memo[i].ch;
	m = &p->memo[p->memo_next++ & 1];
	m->ch = p->lk.chassis_by_uuid(p->lk.ctx, u->s);
	m->u = *u;
	return m->ch;
}

static void queue_move(struct policy *p, const char *port, uint64_t k,
		       const struct sbview_uuid *from,
		       const struct sbview_uuid *to, bool mc)
{
	struct move *m;

	m = grow(p->moves, &p->cap_moves, p->n_moves + 1, sizeof(*m));
	p->moves = m;
	m = &p->moves[p->n_moves];
	m->port = xstrdup(port);
	p->n_moves++;
	m->k = k;
	m->from = *from;
	m->to = *to;
	m->multichassis = mc;
}

static void remove_key(struct policy *p, uint64_t k, const char *why)
{
	struct rec *r = (struct rec *)htab_find(&p->recs, k);

	if (r && r->armed) {
		disarm(p, r);
		p->c.vif_down_disarmed++;
		event(p, r->port, "disarmed: %s", why);
	}
	if (!r || (!r->has_steer && !r->has_fwd))
		return;
	clear_steer(p, r);
	clear_fwd(p, r);
	p->c.removed++;
	event(p, r->port, "removed: %s", why);
}

static void released_del(struct policy *p, uint64_t k)
{
	struct knode *n = htab_find(&p->released, k);

	if (n) {
		htab_del(&p->released, n);
		free(n);
	}
}

static void released_set(struct policy *p, uint64_t k,
			 const struct sbview_binding *old)
{
	struct released *r = (struct released *)htab_find(&p->released, k);

	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->h.k = k;
		htab_add(&p->released, &r->h);
	}
	r->from = old->chassis;
	r->mc = old->n_additional > 0;
	r->at = now(p);
}

/* ---- sbview callbacks ---- */

static void cb_begin(void *ctx)
{
	struct policy *p = ctx;

	free_batch(p);
}

static void cb_chassis(void *ctx, const struct sbview_chassis *old,
		       const struct sbview_chassis *new)
{
	struct policy *p = ctx;
	char **g;

	if (!old || new)
		return;
	/* Deleted: its entries go in end(), when the batch is built. */
	g = grow(p->gone_chassis, &p->cap_gone, p->n_gone + 1, sizeof(*g));
	p->gone_chassis = g;
	g[p->n_gone++] = xstrdup(old->name);
}

static void cb_binding(void *ctx, const struct sbview_binding *old,
		       const struct sbview_binding *new)
{
	struct policy *p = ctx;
	uint64_t ok = old ? mkkey(old->dp_key, old->port_key) : 0;
	uint64_t nk = new ? mkkey(new->dp_key, new->port_key) : 0;
	struct released *rl;

	if (old && (!new || ok != nk)) {
		remove_key(p, ok, new ? "port key changed" : "port deleted");
		released_del(p, ok);
	}
	if (!new || !old || uuid_eq(&old->chassis, &new->chassis))
		return;
	if (!new->chassis.s[0]) {
		/* Released; remember where from, the claim may follow. */
		if (old->chassis.s[0])
			released_set(p, nk, old);
		return;
	}
	rl = (struct released *)htab_find(&p->released, nk);
	/* @new is the row as the whole update leaves it (a row appears
	 * once per update): decide here, no lookup of it in end(). */
	if (!actionable(p, new)) {
		released_del(p, nk);
		return;
	}
	if (old->chassis.s[0]) {
		queue_move(p, new->logical_port, nk, &old->chassis,
			   &new->chassis, had_additional(old, &new->chassis));
	} else if (rl && now(p) - rl->at < p->cfg.max_age_ns &&
		   !uuid_eq(&rl->from, &new->chassis)) {
		/* A claim by the chassis that released it is a flap, not a
		 * move: the entries of the move that brought it there stay. */
		queue_move(p, new->logical_port, nk, &rl->from, &new->chassis,
			   rl->mc);
	}
	released_del(p, nk);
}

static void cb_local(void *ctx, const struct sbview_local *old,
		     const struct sbview_local *new)
{
	(void)ctx;
	(void)old;
	(void)new;
}

static void cb_iface(void *ctx, const struct sbview_iface *old,
		     const struct sbview_iface *new)
{
	struct policy *p = ctx;
	bool was_up = old && old->link_up, is_up = new && new->link_up;
	const char *port = new ? new->iface_id : old->iface_id;
	struct vifev *v;

	if (was_up == is_up || !port[0])
		return;
	/* A VIF that appears already up is not a return from down. */
	if (!old && is_up)
		return;
	v = grow(p->vifs, &p->cap_vifs, p->n_vifs + 1, sizeof(*v));
	p->vifs = v;
	v = &p->vifs[p->n_vifs];
	v->port = xstrdup(port);
	p->n_vifs++;
	v->up = is_up;
}

static void do_move(struct policy *p, const struct move *m)
{
	const struct sbview_chassis *a, *b;
	struct ovnmig_ip ipa, ipb;
	bool v6a, v6b;
	struct rec *r;
	uint64_t exp;

	p->c.moves++;
	r = (struct rec *)htab_find(&p->recs, m->k);
	if (r && r->armed && !m->multichassis &&
	    uuid_eq(&m->to, &r->arm_to)) {
		/*
		 * The move a local VIF-down announced: B is main now and can
		 * deliver.  Everything was checked and looked up when it was
		 * armed; write the pointer straight away.
		 */
		struct ovnmig_fwd f = {
			.new_host = r->arm_ip,
			.expires_ns = now(p) + p->cfg.max_age_ns,
			.generation = p->cfg.generation,
			.flags = r->arm_v6 ? OVNMIG_F_IPV6 : 0,
		};
		uint64_t armed_ns = now(p) - r->armed_at;

		disarm(p, r);
		clear_steer(p, r);
		set_fwd(p, r, &f, r->new_ch, true);
		p->c.fwd_set++;
		p->c.vif_down_moved++;
		event(p, m->port, "forward to %s (armed by VIF down %llu us "
		      "before)", nm(r->new_ch),
		      (unsigned long long)(armed_ns / 1000));
		return;
	}
	a = chassis_memo(p, &m->from);
	b = chassis_memo(p, &m->to);
	if (!a || !b || !chassis_ip(b, 0, &ipb, &v6b) ||
	    !chassis_ip(a, v6b ? AF_INET6 : AF_INET, &ipa, &v6a)) {
		p->c.skip_unknown_chassis++;
		event(p, m->port, "move ignored: unknown chassis or encap");
		return;
	}
	r = rec_get(p, m->k, m->port);
	/* Moved elsewhere than the VIF-down announced, or multichassis:
	 * the plain move rules decide. */
	disarm(p, r);
	exp = now(p) + p->cfg.max_age_ns;
	set_name(p, &r->old_ch, a->name);
	set_name(p, &r->new_ch, b->name);

	if (is_local(p, b)) {
		/* The port lives here now: nothing to steer or forward. */
		clear_steer(p, r);
		clear_fwd(p, r);
		event(p, m->port, "arrived from %s", a->name);
		return;
	}
	if (!is_local(p, a)) {
		struct ovnmig_steer s = {
			.old_remote = ipa, .new_remote = ipb,
			.expires_ns = exp, .generation = p->cfg.generation,
			.flags = (v6b ? OVNMIG_F_IPV6 : 0) |
				 (m->multichassis ? OVNMIG_F_DROP : 0),
		};

		set_steer(p, r, &s);
		if (m->multichassis)
			p->c.steer_drop_set++;
		else
			p->c.steer_set++;
		event(p, m->port, "steer %s -> %s%s", a->name, b->name,
		      m->multichassis ? " (multichassis: drop copy)" : "");
	} else {
		clear_steer(p, r);
	}
	/*
	 * The host the port left points on to its new host.  A host that
	 * still holds a pointer from an earlier move repoints it, so an
	 * in-flight packet takes one hop, never a chain.
	 */
	if (m->multichassis) {
		if (r->has_fwd)
			event(p, m->port, "pointer withdrawn: multichassis");
		clear_fwd(p, r);
	} else if (is_local(p, a) || r->has_fwd) {
		struct ovnmig_fwd f = {
			.new_host = ipb, .expires_ns = exp,
			.generation = p->cfg.generation,
			.flags = v6b ? OVNMIG_F_IPV6 : 0,
		};

		set_fwd(p, r, &f, b->name, false);
		p->c.fwd_set++;
		event(p, m->port, "forward to %s", b->name);
	}
}

/* The other chassis of a two-chassis requested-chassis, or NULL. */
static const struct sbview_chassis *
vif_destination(struct policy *p, const struct sbview_binding *b,
		const char *me)
{
	const struct sbview_chassis *ch = NULL;
	char *buf, *save = NULL, *tok, *other = NULL;
	int n = 0;
	bool mine = false;

	/* Two FQDNs easily pass 255 bytes: the whole option, copied. */
	buf = xstrdup(b->requested_opt);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		n++;
		if (!strcmp(tok, me))
			mine = true;
		else
			other = tok;
	}
	if (n == 2 && mine && other)
		ch = p->lk.chassis_by_name(p->lk.ctx, other);
	free(buf);
	return ch;
}

static void do_vif(struct policy *p, const struct vifev *v)
{
	const struct sbview_binding *b;
	const struct sbview_chassis *me_ch, *dst;
	const char *me = local_name(p);
	struct ovnmig_ip ip;
	struct rec *r;
	bool v6;

	b = p->lk.binding_by_port(p->lk.ctx, v->port);
	if (!me || !b || !actionable(p, b))
		return;
	r = (struct rec *)htab_find(&p->recs, mkkey(b->dp_key, b->port_key));
	if (v->up) {
		/* The VM is back on A: an aborted migration. */
		if (r && r->armed) {
			disarm(p, r);
			p->c.vif_down_disarmed++;
			event(p, v->port, "VIF up again: move to %s disarmed",
			      nm(r->new_ch));
		}
		if (r && r->has_fwd && r->vif_down) {
			clear_fwd(p, r);
			p->c.fwd_withdrawn++;
			event(p, v->port, "VIF up again: pointer withdrawn");
		}
		return;
	}
	me_ch = p->lk.chassis_by_uuid(p->lk.ctx, b->chassis.s);
	if (!me_ch || strcmp(me_ch->name, me))
		return;		/* not bound here: the SB move rules apply */
	/* Multichassis: B already gets OVN's clones, a pointer would
	 * hand it a second copy, now or after the move. */
	if (b->n_additional > 0) {
		event(p, v->port, "VIF down: multichassis, no pointer");
		return;
	}
	dst = vif_destination(p, b, me);
	if (!dst || !chassis_ip(dst, 0, &ip, &v6))
		return;
	/* The kernel and then the OVS DB report the same down: once. */
	if (r && r->armed && uuid_eq(&r->arm_to, &dst->uuid) &&
	    ip_eq(&r->arm_ip, &ip))
		return;
	/*
	 * B has not claimed the port: OVN on B would drop what a pointer
	 * sends it (docs/design.md, "B must be able to deliver").  Write
	 * nothing; remember B and the pointer for the SB move.
	 */
	r = rec_get(p, mkkey(b->dp_key, b->port_key), v->port);
	if (!r->armed)
		p->n_armed++;
	r->armed = true;
	r->armed_at = now(p);
	r->arm_to = dst->uuid;
	r->arm_ip = ip;
	r->arm_v6 = v6;
	set_name(p, &r->old_ch, me);
	set_name(p, &r->new_ch, dst->name);
	p->c.vif_down_armed++;
	event(p, v->port, "VIF down: armed, forward to %s once it is main",
	      dst->name);
}

static void do_gone_chassis(struct policy *p, const char *name)
{
	struct hnode *n, *nx;
	size_t i;

	htab_for_each_safe(&p->recs, i, n, nx) {
		struct rec *r = (struct rec *)n;

		if (r->has_steer && (!strcmp(nm(r->old_ch), name) ||
				     !strcmp(nm(r->new_ch), name))) {
			clear_steer(p, r);
			p->c.removed++;
			event(p, r->port, "removed: chassis %s deleted", name);
		}
		if (r->has_fwd && !strcmp(nm(r->fwd_ch), name)) {
			clear_fwd(p, r);
			p->c.removed++;
			event(p, r->port, "removed: chassis %s deleted", name);
		}
		if (r->armed && !strcmp(nm(r->new_ch), name)) {
			disarm(p, r);
			p->c.vif_down_disarmed++;
			event(p, r->port, "disarmed: chassis %s deleted", name);
		}
	}
}

int policy_flush(struct policy *p)
{
	struct rec *r, *next;
	size_t n = 0, cnt = 0;
	struct policy_op *ops;
	int err = 0;

	if (p->names_built) {
		names_free(p);
		p->names_built = false;
	}
	for (r = p->dirty; r; r = r->dirty_next)
		cnt += 2;
	if (!cnt)
		return 0;
	ops = grow(p->ops, &p->cap_ops, cnt, sizeof(*ops));
	p->ops = ops;
	for (r = p->dirty; r; r = r->dirty_next) {
		struct policy_op *o;

		if (r->dirty_steer && (r->has_steer || r->map_steer)) {
			o = &ops[n++];
			memset(o, 0, sizeof(*o));
			o->kind = POLICY_STEER;
			o->key = port_key(r->h.k);
			o->del = !r->has_steer;
			o->fresh = !r->map_steer;
			if (r->has_steer)
				o->steer = r->steer;
		}
		if (r->dirty_fwd && (r->has_fwd || r->map_fwd)) {
			o = &ops[n++];
			memset(o, 0, sizeof(*o));
			o->kind = POLICY_FWD;
			o->key = port_key(r->h.k);
			o->del = !r->has_fwd;
			o->fresh = !r->map_fwd;
			if (r->has_fwd)
				o->fwd = r->fwd;
		}
	}
	if (n) {
		p->c.batches++;
		err = p->cfg.sink ? p->cfg.sink(p->cfg.sink_ctx, ops, n) : 0;
		if (err)
			p->c.sink_errors++;
	}
	for (r = p->dirty; r; r = next) {
		next = r->dirty_next;
		r->dirty = r->dirty_steer = r->dirty_fwd = false;
		r->dirty_next = NULL;
		/* On a failed write the map state is unknown: assume the
		 * worst so the next change rewrites or deletes it. */
		r->map_steer = err ? true : r->has_steer;
		r->map_fwd = err ? true : r->has_fwd;
		if (!r->has_steer && !r->has_fwd && !r->map_steer &&
		    !r->map_fwd && !r->armed) {
			htab_del(&p->recs, &r->h);
			free_rec(p, r);
		}
	}
	p->dirty = NULL;
	return err;
}

static void cb_end(void *ctx)
{
	struct policy *p = ctx;
	size_t i;

	for (i = 0; i < p->n_gone; i++) {
		do_gone_chassis(p, p->gone_chassis[i]);
		free(p->gone_chassis[i]);
	}
	p->n_gone = 0;
	memset(p->memo, 0, sizeof(p->memo));
	for (i = 0; i < p->n_moves; i++)
		do_move(p, &p->moves[i]);
	memset(p->memo, 0, sizeof(p->memo));
	for (i = 0; i < p->n_vifs; i++)
		do_vif(p, &p->vifs[i]);
	free_batch(p);
	policy_flush(p);
}

static void cb_connection(void *ctx, const char *db, bool connected)
{
	(void)ctx;
	(void)db;
	(void)connected;
}

const struct sbview_ops policy_sbview_ops = {
	.begin = cb_begin,
	.chassis = cb_chassis,
	.binding = cb_binding,
	.local = cb_local,
	.iface = cb_iface,
	.end = cb_end,
	.connection = cb_connection,
};

int policy_expire(struct policy *p)
{
	uint64_t t = now(p);
	struct hnode *n, *nx;
	int cnt = 0;
	size_t i;

	htab_for_each_safe(&p->recs, i, n, nx) {
		struct rec *r = (struct rec *)n;

		if (r->has_steer && r->steer.expires_ns <= t) {
			clear_steer(p, r);
			cnt++;
		}
		if (r->has_fwd && r->fwd.expires_ns <= t) {
			clear_fwd(p, r);
			cnt++;
		}
		/* No move followed the VIF-down: forget it (the move
		 * rules still point A to B if the SB moves it later). */
		if (r->armed && t - r->armed_at >= p->cfg.max_age_ns) {
			disarm(p, r);
			p->c.vif_down_disarmed++;
			event(p, r->port, "disarmed: no move within the maximum age");
		}
	}
	htab_for_each_safe(&p->released, i, n, nx) {
		if (t - ((struct released *)n)->at >= p->cfg.max_age_ns) {
			hmap_remove(&p->released, n);
			free(n);
		}
	}
	p->c.expired += cnt;
	policy_flush(p);
	return cnt;
}

/* ---- reconcile ---- */

static int index_binding(void *arg, const struct sbview_binding *b)
{
	struct policy *p = arg;
	struct pname *n;

	if (!b->dp_key || !b->port_key)
		return 0;
	n = xcalloc(1, sizeof(*n));
	n->h.k = mkkey(b->dp_key, b->port_key);
	n->port = xstrdup(b->logical_port);
	htab_add(&p->names, &n->h);
	return 0;
}

/* Reconcile only: key -> binding through an index built on first use
 * and dropped by the next policy_flush(). */
static const struct sbview_binding *binding_by_key(struct policy *p,
						   uint64_t k)
{
	const struct sbview_binding *b;
	struct pname *n;

	if (!p->names_built && p->lk.foreach_binding) {
		p->lk.foreach_binding(p->lk.ctx, index_binding, p);
		p->names_built = true;
	}
	n = (struct pname *)htab_find(&p->names, k);

	if (!n)
		return NULL;
	b = p->lk.binding_by_port(p->lk.ctx, n->port);
	if (!b || mkkey(b->dp_key, b->port_key) != k)
		return NULL;
	return b;
}

/*
 * Reconcile, for an entry of either map: NULL when it is removed (nothing
 * in the SB backs it any more, or the port is bound here: no steering to
 * ourselves, and a pointer's B could not deliver yet) or when an update
 * since start already decided the key (that is newer).  Else its record,
 * with where the SB has the port now: chassis *cp, address *ip.
 */
static struct rec *adopt(struct policy *p, enum policy_op_kind kind,
			 const struct ovnmig_port_key *k, uint32_t flags,
			 uint64_t expires_ns, const struct sbview_chassis **cp,
			 struct ovnmig_ip *ip)
{
	bool steer = kind == POLICY_STEER, v6;
	uint64_t key = mkkey(k->dp_key, k->port_key);
	const struct sbview_binding *b = binding_by_key(p, key);
	const struct sbview_chassis *c = NULL;
	struct rec *r;

	r = (struct rec *)htab_find(&p->recs, key);
	if (r && (steer ? r->has_steer || r->map_steer :
			  r->has_fwd || r->map_fwd))
		return NULL;
	r = rec_get(p, key, b ? b->logical_port : "");
	/* It is in the map, whatever we decide. */
	if (steer) {
		r->map_steer = r->has_steer = true;
		p->n_steer++;
	} else {
		r->map_fwd = r->has_fwd = true;
		p->n_fwd++;
	}
	if (b && b->port_key < OVNMIG_OVN_MCAST_MIN && !b->type[0])
		c = p->lk.chassis_by_uuid(p->lk.ctx, b->chassis.s);
	if (!c || is_local(p, c) || expires_ns <= now(p) ||
	    !chassis_ip(c, flags & OVNMIG_F_IPV6 ? AF_INET6 : AF_INET, ip,
			&v6)) {
		if (steer)
			clear_steer(p, r);
		else
			clear_fwd(p, r);
		p->c.reconcile_removed++;
		return NULL;
	}
	*cp = c;
	return r;
}

/*
 * Adopted, an entry is the agent's, bound to its lease: one written by
 * hand while no agent ran keeps OVNMIG_F_MANUAL only until here, else it
 * would outlive this agent's death.  Kept if it points where the SB has
 * the port, else it follows the port.
 */
void policy_adopt(struct policy *p, const struct policy_op *e)
{
	bool steer = e->kind == POLICY_STEER;
	uint32_t flags = POLICY_OP_FIELD(e, flags);
	const struct sbview_chassis *c;
	struct ovnmig_ip ip, *to;
	uint32_t *gen;
	struct rec *r;

	r = adopt(p, e->kind, &e->key, flags, POLICY_OP_FIELD(e, expires_ns),
		  &c, &ip);
	if (!r)
		return;
	if (steer) {
		r->steer = e->steer;
		r->steer.flags &= ~OVNMIG_F_MANUAL;
		set_name(p, &r->new_ch, c->name);
		to = &r->steer.new_remote;
		gen = &r->steer.generation;
	} else {
		r->fwd = e->fwd;
		r->fwd.flags &= ~OVNMIG_F_MANUAL;
		r->vif_down = false;
		set_name(p, &r->fwd_ch, c->name);
		to = &r->fwd.new_host;
		gen = &r->fwd.generation;
	}
	if (ip_eq(&ip, to) && !(flags & OVNMIG_F_MANUAL)) {
		p->c.reconcile_kept++;
		return;
	}
	/* The port moved on while we were away: follow it. */
	*to = ip;
	*gen = p->cfg.generation;
	mark(p, r, steer, !steer);
	p->c.reconcile_fixed++;
}

const struct policy_counters *policy_counters(const struct policy *p)
{
	return &p->c;
}

int policy_n_steer(const struct policy *p)
{
	return p->n_steer;
}

int policy_n_fwd(const struct policy *p)
{
	return p->n_fwd;
}

int policy_n_armed(const struct policy *p)
{
	return p->n_armed;
}

void policy_foreach(const struct policy *p,
		    void (*fn)(void *ctx, const struct policy_entry_info *e),
		    void *ctx)
{
	struct hnode *n, *nx;
	size_t i;

	htab_for_each_safe(&p->recs, i, n, nx) {
		const struct rec *r = (const struct rec *)n;
		struct policy_entry_info e = {
			.port = r->port, .key = port_key(r->h.k),
			.has_steer = r->has_steer, .has_fwd = r->has_fwd,
			.vif_down = r->vif_down, .armed = r->armed,
			.armed_at_ns = r->armed_at,
			.armed_until_ns = r->armed_at + p->cfg.max_age_ns,
			.old_chassis = nm(r->old_ch),
			.new_chassis = nm(r->new_ch), .steer = r->steer,
			.fwd = r->fwd,
		};

		if (r->has_steer || r->has_fwd || r->armed)
			fn(ctx, &e);
	}
}

int policy_entry_get(const struct policy *p, const struct ovnmig_port_key *k,
		     struct policy_entry_info *e)
{
	const struct rec *r = (const struct rec *)
		htab_find(&p->recs, mkkey(k->dp_key, k->port_key));

	if (!r)
		return -1;
	*e = (struct policy_entry_info){
		.port = r->port, .key = *k,
		.has_steer = r->has_steer, .has_fwd = r->has_fwd,
		.old_chassis = nm(r->old_ch), .new_chassis = nm(r->new_ch),
		.steer = r->steer, .fwd = r->fwd,
	};
	return 0;
}
