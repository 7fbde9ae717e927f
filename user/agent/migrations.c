// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration records (migrations.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hmap.h"
#include "lib/maps_evidence.h"
#include "lib/util.h"
#include "migrations.h"

enum mig_kind { MIG_STEERED, MIG_DROPPED, MIG_FORWARDED, MIG_KINDS };
static const char *const kind_names[MIG_KINDS] = {
	"steered", "dropped", "forwarded",
};

#define MIG_CLOSES(X)	X(QUIET, "quiet") X(EXPIRED, "expired") \
			X(REPLACED, "replaced") X(REMOVED, "removed")
enum mig_close {
	MIG_OPEN,
#define C(id, name) MIG_##id,
	MIG_CLOSES(C)
#undef C
	MIG_CLOSE_MAX
};
static const char *const close_names[MIG_CLOSE_MAX] = {
	"open",
#define C(id, name) name,
	MIG_CLOSES(C)
#undef C
};

/* Lag histogram bounds, ms: from a fast controller to the longest
 * stalls reported (policy.h: 88 s, 8 minutes). */
static const uint32_t lag_le_ms[] = {
	1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
	60000, 120000, 300000, 900000,
};
#define LAG_BUCKETS	(sizeof(lag_le_ms) / sizeof(lag_le_ms[0]))

struct mig_rec {
	struct hnode hn;		/* in live while its entry lives */
	uint64_t id;
	char port[64], from[64], to[64];
	struct ovnmig_port_key key;
	enum mig_kind kind;
	bool v6;
	union {				/* the move, as written */
		struct ovnmig_steer steer;
		struct ovnmig_fwd fwd;
	};
	uint64_t sb_ns, write_ns, close_ns;
	uint64_t seen_ns;		/* packets last grew (or written) */
	enum mig_close closed;
	struct ovnmig_evidence ev;
	struct ovnmig_ip last_src;
};

struct lag_hist {
	uint64_t counts[LAG_BUCKETS + 1];
	uint64_t count, sum_ns;
};

struct migrations {
	struct hmap live;
	struct mig_rec *ring;		/* closed records, a copy each */
	unsigned int ring_n;
	uint64_t n_closed;		/* ring[n_closed % ring_n] next */
	uint64_t next_id;
	uint64_t quiet_ns;
	uint64_t opened, closes[MIG_CLOSE_MAX];
	uint64_t closed_packets[MIG_KINDS];
	struct lag_hist lag[MIG_KINDS];
	void (*note)(void *ctx, const char *port, const char *fmt,
		     va_list ap);
	void *note_ctx;
};

struct migrations *migrations_create(unsigned int ring, uint64_t quiet_ns,
				     void (*note)(void *ctx, const char *port,
						  const char *fmt, va_list ap),
				     void *ctx)
{
	struct migrations *mg = xcalloc(1, sizeof(*mg));

	mg->ring_n = ring ? ring : 1;
	mg->ring = xcalloc(mg->ring_n, sizeof(*mg->ring));
	mg->quiet_ns = quiet_ns;
	mg->next_id = 1;
	mg->note = note;
	mg->note_ctx = ctx;
	return mg;
}

void migrations_destroy(struct migrations *mg)
{
	struct hnode *h, *nx;
	size_t i;

	if (!mg)
		return;
	HMAP_FOR_EACH_SAFE(h, nx, i, &mg->live)
		free(container_of(h, struct mig_rec, hn));
	hmap_destroy(&mg->live);
	free(mg->ring);
	free(mg);
}

static uint32_t live_hash(const struct ovnmig_port_key *k, bool fwd)
{
	return hash_u64((uint64_t)k->dp_key << 17 | (uint64_t)k->port_key << 1 |
			fwd);
}

static struct mig_rec *live_find(struct migrations *mg,
				 const struct ovnmig_port_key *k, bool fwd)
{
	struct hnode *h;

	HMAP_FOR_EACH_HASH(h, &mg->live, live_hash(k, fwd)) {
		struct mig_rec *r = container_of(h, struct mig_rec, hn);

		if (r->key.dp_key == k->dp_key &&
		    r->key.port_key == k->port_key &&
		    (r->kind == MIG_FORWARDED) == fwd)
			return r;
	}
	return NULL;
}

static bool has_lag(const struct mig_rec *r)
{
	return r->ev.packets && r->ev.last_ns >= r->sb_ns;
}

__attribute__((format(printf, 3, 4)))
static void note(struct migrations *mg, const struct mig_rec *r,
		 const char *fmt, ...)
{
	va_list ap;

	if (!mg->note)
		return;
	va_start(ap, fmt);
	mg->note(mg->note_ctx, r->port, fmt, ap);
	va_end(ap);
}

/* Read the entry's evidence now: 0, or -ENOENT when it is gone. */
static int refresh(struct mig_rec *r, struct maps *m, uint64_t now)
{
	struct ovnmig_steer s;
	struct ovnmig_fwd f;
	int err;

	if (r->kind == MIG_FORWARDED) {
		err = maps_fwd_get(m, &r->key, &f);
		if (err || !maps_fwd_same_move(&f, &r->fwd))
			return err ? err : -ENOENT;
		if (f.ev.packets != r->ev.packets)
			r->seen_ns = now;
		r->ev = f.ev;
		r->last_src = f.last_src;
		return 0;
	}
	err = maps_steer_get(m, &r->key, &s);
	if (err || !maps_steer_same_move(&s, &r->steer))
		return err ? err : -ENOENT;
	if (s.ev.packets != r->ev.packets)
		r->seen_ns = now;
	r->ev = s.ev;
	return 0;
}

static void close_rec(struct migrations *mg, struct mig_rec *r,
		      enum mig_close why, uint64_t now)
{
	struct lag_hist *h = &mg->lag[r->kind];
	uint64_t lag_ns = 0;
	size_t b;

	if (r->closed != MIG_OPEN)
		return;
	r->closed = why;
	r->close_ns = now;
	mg->closes[why]++;
	mg->closed_packets[r->kind] += r->ev.packets;
	if (has_lag(r)) {
		lag_ns = r->ev.last_ns - r->sb_ns;
		for (b = 0; b < LAG_BUCKETS &&
		     lag_ns > lag_le_ms[b] * 1000000ull; b++)
			;
		h->counts[b]++;
		h->count++;
		h->sum_ns += lag_ns;
	}
	mg->ring[mg->n_closed++ % mg->ring_n] = *r;
	if (has_lag(r))
		note(mg, r, "migration %llu closed (%s): %llu %s, lag %.3f ms",
		     (unsigned long long)r->id, close_names[why],
		     (unsigned long long)r->ev.packets, kind_names[r->kind],
		     lag_ns / 1e6);
	else
		note(mg, r, "migration %llu closed (%s): %llu %s, no packet",
		     (unsigned long long)r->id, close_names[why],
		     (unsigned long long)r->ev.packets, kind_names[r->kind]);
}

void migrations_before_write(struct migrations *mg, struct maps *m,
			     const struct policy_op *ops, int n,
			     bool expiring, uint64_t now_ns)
{
	int i;

	for (i = 0; mg && i < n; i++) {
		const struct policy_op *o = &ops[i];
		bool fwd = o->kind == POLICY_FWD;
		struct mig_rec *r = live_find(mg, &o->key, fwd);
		enum mig_close why;

		if (!r)
			continue;
		if (o->del)
			why = expiring ? MIG_EXPIRED : MIG_REMOVED;
		else if (fwd ? !maps_fwd_same_move(&o->fwd, &r->fwd) :
			 !maps_steer_same_move(&o->steer, &r->steer))
			why = MIG_REPLACED;
		else
			continue;	/* the same move rewritten */
		if (r->closed == MIG_OPEN)
			refresh(r, m, now_ns);
		close_rec(mg, r, why, now_ns);
		hmap_remove(&mg->live, &r->hn);
		free(r);
	}
}

void migrations_after_write(struct migrations *mg, const struct policy *p,
			    const struct policy_op *ops, int n,
			    uint64_t sb_ns, uint64_t write_ns)
{
	struct policy_entry_info e;
	int i;

	for (i = 0; mg && sb_ns && i < n; i++) {
		const struct policy_op *o = &ops[i];
		bool fwd = o->kind == POLICY_FWD;
		struct mig_rec *r;

		if (o->del || live_find(mg, &o->key, fwd))
			continue;
		r = xcalloc(1, sizeof(*r));
		r->id = mg->next_id++;
		r->key = o->key;
		if (fwd) {
			r->kind = MIG_FORWARDED;
			r->fwd = o->fwd;
			r->v6 = o->fwd.flags & OVNMIG_F_IPV6;
		} else {
			r->kind = o->steer.flags & OVNMIG_F_DROP ?
				  MIG_DROPPED : MIG_STEERED;
			r->steer = o->steer;
			r->v6 = o->steer.flags & OVNMIG_F_IPV6;
		}
		/* The counts start with the entry's: zero for a new move;
		 * only an entry an earlier agent wrote for this same move
		 * (then adopted) brings its own. */
		r->sb_ns = sb_ns;
		r->write_ns = r->seen_ns = write_ns;
		if (p && !policy_entry_get(p, &o->key, &e)) {
			str_copy(r->port, e.port, sizeof(r->port));
			str_copy(r->from, e.old_chassis, sizeof(r->from));
			str_copy(r->to, e.new_chassis, sizeof(r->to));
		}
		hmap_insert(&mg->live, &r->hn, live_hash(&o->key, fwd));
		mg->opened++;
		note(mg, r, "migration %llu opened: %s %s -> %s (dp %u port %u)",
		     (unsigned long long)r->id, kind_names[r->kind],
		     r->from, r->to, r->key.dp_key, r->key.port_key);
	}
}

void migrations_poll(struct migrations *mg, struct maps *m, uint64_t now_ns)
{
	struct hnode *h, *nx;
	size_t i;

	HMAP_FOR_EACH_SAFE(h, nx, i, &mg->live) {
		struct mig_rec *r = container_of(h, struct mig_rec, hn);

		if (r->closed != MIG_OPEN)
			continue;
		if (refresh(r, m, now_ns) == -ENOENT) {
			/* Gone from the maps behind the policy (a sweep of
			 * the expired, a flush by hand). */
			close_rec(mg, r, MIG_EXPIRED, now_ns);
			hmap_remove(&mg->live, &r->hn);
			free(r);
		} else if (now_ns - r->seen_ns >= mg->quiet_ns) {
			/* Stays in live: the same move is not reopened. */
			close_rec(mg, r, MIG_QUIET, now_ns);
		}
	}
}

void migrations_flush(struct migrations *mg, uint64_t now_ns)
{
	struct hnode *h, *nx;
	size_t i;

	HMAP_FOR_EACH_SAFE(h, nx, i, &mg->live) {
		struct mig_rec *r = container_of(h, struct mig_rec, hn);

		close_rec(mg, r, MIG_REMOVED, now_ns);
		hmap_remove(&mg->live, &r->hn);
		free(r);
	}
}

static json_t *ms_since(uint64_t t, uint64_t t0)
{
	return t && t >= t0 ? json_real((t - t0) / 1e6) : json_null();
}

static json_t *rec_json(const struct mig_rec *r)
{
	char ip[64], from_ip[64], to_ip[64];
	const struct ovnmig_ip *a = NULL, *b;
	json_t *o;

	if (r->kind == MIG_FORWARDED) {
		b = &r->fwd.new_host;
	} else {
		a = &r->steer.old_remote;
		b = &r->steer.new_remote;
	}
	o = json_pack("{s:I, s:s, s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:I, "
		      "s:I, s:I, s:o, s:o, s:o}",
		      "id", (json_int_t)r->id, "port", r->port,
		      "dp_key", (int)r->key.dp_key,
		      "port_key", (int)r->key.port_key,
		      "outcome", kind_names[r->kind],
		      "from", r->from, "to", r->to,
		      "state", r->closed == MIG_OPEN ? "open" : "closed",
		      "closed", close_names[r->closed],
		      "packets", (json_int_t)r->ev.packets,
		      "sb_ns", (json_int_t)r->sb_ns,
		      "write_ns", (json_int_t)r->write_ns,
		      "write_ms", ms_since(r->write_ns, r->sb_ns),
		      "first_ms", r->ev.packets ?
				  ms_since(r->ev.first_ns, r->sb_ns) :
				  json_null(),
		      "lag_ms", has_lag(r) ?
				ms_since(r->ev.last_ns, r->sb_ns) :
				json_null());
	if (!o)
		return NULL;
	json_object_set_new(o, "first_ns", r->ev.packets ?
			    json_integer(r->ev.first_ns) : json_null());
	json_object_set_new(o, "last_ns", r->ev.packets ?
			    json_integer(r->ev.last_ns) : json_null());
	json_object_set_new(o, "close_ns", r->close_ns ?
			    json_integer(r->close_ns) : json_null());
	json_object_set_new(o, "to_ip", json_string(maps_fmt_ip(b, r->v6, to_ip,
							       sizeof(to_ip))));
	if (a)
		json_object_set_new(o, "from_ip",
				    json_string(maps_fmt_ip(a, r->v6, from_ip,
							    sizeof(from_ip))));
	if (r->kind == MIG_FORWARDED)
		json_object_set_new(o, "last_sender", r->ev.packets ?
				    json_string(maps_fmt_ip(&r->last_src, r->v6,
							    ip, sizeof(ip))) :
				    json_null());
	return o;
}

json_t *migrations_json(struct migrations *mg, uint64_t now_ns)
{
	json_t *arr = json_array(), *open = json_array();
	uint64_t i, first;
	struct hnode *h, *nx;
	size_t b;

	first = mg->n_closed > mg->ring_n ? mg->n_closed - mg->ring_n : 0;
	for (i = first; i < mg->n_closed; i++)
		json_array_append_new(arr, rec_json(&mg->ring[i % mg->ring_n]));
	HMAP_FOR_EACH_SAFE(h, nx, b, &mg->live) {
		struct mig_rec *r = container_of(h, struct mig_rec, hn);

		if (r->closed == MIG_OPEN)
			json_array_append_new(open, rec_json(r));
	}
	/* Open ones by id, as they opened. */
	json_array_extend(arr, open);
	json_decref(open);
	return json_pack("{s:I, s:I, s:i, s:o}", "now_ns", (json_int_t)now_ns,
			 "quiet_ms", (json_int_t)(mg->quiet_ns / 1000000),
			 "ring", (int)mg->ring_n, "records", arr);
}

json_t *migrations_metrics_json(struct migrations *mg)
{
	json_t *o = json_object(), *tot = json_object(), *pk = json_object(),
	       *lag = json_object(), *le = json_array();
	struct hnode *h, *nx;
	uint64_t open_pk[MIG_KINDS] = { 0 }, n_open = 0;
	size_t i;
	int k, c;

	HMAP_FOR_EACH_SAFE(h, nx, i, &mg->live) {
		struct mig_rec *r = container_of(h, struct mig_rec, hn);

		if (r->closed == MIG_OPEN) {
			open_pk[r->kind] += r->ev.packets;
			n_open++;
		}
	}
	for (c = MIG_OPEN + 1; c < MIG_CLOSE_MAX; c++)
		json_object_set_new(tot, close_names[c],
				    json_integer(mg->closes[c]));
	for (i = 0; i < LAG_BUCKETS; i++)
		json_array_append_new(le, json_integer(lag_le_ms[i]));
	for (k = 0; k < MIG_KINDS; k++) {
		json_t *cnt = json_array();

		json_object_set_new(pk, kind_names[k],
				    json_integer(mg->closed_packets[k] +
						 open_pk[k]));
		for (i = 0; i <= LAG_BUCKETS; i++)
			json_array_append_new(cnt,
					      json_integer(mg->lag[k].counts[i]));
		json_object_set_new(lag, kind_names[k],
				    json_pack("{s:o, s:I, s:I}", "counts", cnt,
					      "count",
					      (json_int_t)mg->lag[k].count,
					      "sum_ns",
					      (json_int_t)mg->lag[k].sum_ns));
	}
	json_object_set_new(o, "opened", json_integer(mg->opened));
	json_object_set_new(o, "open", json_integer(n_open));
	json_object_set_new(o, "closed", tot);
	json_object_set_new(o, "packets", pk);
	json_object_set_new(o, "lag_le_ms", le);
	json_object_set_new(o, "lag", lag);
	return o;
}
