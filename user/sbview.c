// SPDX-License-Identifier: GPL-2.0-only
/*
 * sbview follower: keeps the typed view of sbview.h up to date from OVSDB
 * monitor updates of the Southbound and the local Open vSwitch database.
 *
 * Every update is applied in two passes.  Pass 1 parses and checks the
 * whole message into new row objects (a modify is applied to a copy of
 * the row), touching nothing that is visible; any error drops the message
 * and the connection, so no callback ever sees part of a bad message.
 * Pass 2 swaps the new rows in, resolves references (datapath tunnel
 * keys, chassis encaps), then calls the policy once per row whose
 * public form really changed, between begin() and end().
 *
 * Rows are kept compact (binary uuids, strings only as long as they are)
 * because a Southbound can hold 100,000 bindings; the public structs are
 * built on demand.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "ovsdb.h"
#include "sbview.h"

#define MAX_SET		4096	/* elements of any set we accept */
/* Strings and maps: no limit of our own.  OVSDB sets none, and the
 * whole message is already in memory (jsonrpc bounds its size), so a
 * long name costs us what it costs the message. */
#define ANY_LEN		SIZE_MAX

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

/* ---- a small intrusive hash table ---- */

struct hnode {
	struct hnode *next;
	uint32_t hash;
};

struct hmap {
	struct hnode **b;
	size_t mask, n;
};

static uint32_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *s = p;
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ *s++) * 16777619u;
	return h ^ (h >> 15);
}

static uint32_t hash_str(const char *s)
{
	return hash_bytes(s, strlen(s));
}

static void hmap_grow(struct hmap *m)
{
	size_t nmask = m->b ? m->mask * 2 + 1 : 63, i;
	struct hnode **nb = calloc(nmask + 1, sizeof(*nb));

	if (!nb)
		abort();	/* nothing sensible to do without memory */
	for (i = 0; m->b && i <= m->mask; i++) {
		struct hnode *h = m->b[i], *next;

		for (; h; h = next) {
			next = h->next;
			h->next = nb[h->hash & nmask];
			nb[h->hash & nmask] = h;
		}
	}
	free(m->b);
	m->b = nb;
	m->mask = nmask;
}

static void hmap_insert(struct hmap *m, struct hnode *h, uint32_t hash)
{
	if (!m->b || m->n >= m->mask)
		hmap_grow(m);
	h->hash = hash;
	h->next = m->b[hash & m->mask];
	m->b[hash & m->mask] = h;
	m->n++;
}

static void hmap_remove(struct hmap *m, struct hnode *h)
{
	struct hnode **pp = &m->b[h->hash & m->mask];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			m->n--;
			return;
		}
	}
}

static struct hnode *hmap_first(const struct hmap *m, uint32_t hash)
{
	struct hnode *h;

	if (!m->b)
		return NULL;
	for (h = m->b[hash & m->mask]; h && h->hash != hash; h = h->next)
		;
	return h;
}

static struct hnode *hmap_next(const struct hnode *h)
{
	uint32_t hash = h->hash;

	for (h = h->next; h && h->hash != hash; h = h->next)
		;
	return (struct hnode *)h;
}

#define HMAP_FOR_EACH_HASH(h, m, hash) \
	for (h = hmap_first(m, hash); h; h = hmap_next(h))

/* ---- rows ---- */

struct tbl;

struct row {
	struct hnode hn;	/* in tbl->rows, by uuid */
	uint8_t uuid[16];
	uint32_t seen;		/* snapshot generation */
	bool in_txn;		/* already in the change list */
};

struct dp_row {
	struct row r;
	uint32_t key;
};

struct encap_row {
	struct row r;
	bool valid;
	struct sbview_encap e;
};

struct ch_row {
	struct row r;
	struct hnode by_name;
	char *name;
	size_t n_encaps;
	uint8_t (*encaps)[16];
	struct sbview_chassis pub;	/* built at resolve time */
};

struct pb_row {
	struct row r;
	struct hnode by_port;
	char *lport;
	char *type;		/* NULL for "" */
	char *req_opt;		/* options:requested-chassis */
	char *act_opt;		/* options:additional-chassis-activated */
	uint8_t dp[16], chassis[16], req[16];
	uint8_t (*addl)[16];
	uint32_t dp_key;	/* resolved */
	uint16_t port_key;
	uint16_t n_addl_all;	/* size of addl (the whole set) */
	uint8_t n_addl;		/* shown: at most SBVIEW_MAX_ADDL */
	bool has_chassis, has_req, has_up, up;
};

struct ovs_row {
	struct row r;
	char *system_id;
	char *encap_ip;
	char *encap_type;
};

struct if_row {
	struct row r;
	struct hnode by_id;
	char *name;
	char *iface_id;		/* NULL without external_ids:iface-id */
	int64_t ofport;
	bool has_ofport, has_link, link_up;
};

enum tbl_id { T_DP, T_ENCAP, T_CHASSIS, T_PB, T_OVS, T_IFACE, T_MAX };
enum db_id { DB_SB, DB_LOCAL, DB_MAX };

struct tbl {
	const char *name;
	enum db_id db;
	const char *const *cols;
	size_t size;
	struct hmap rows;
	/* column setter: diff = update2 "modify" semantics */
	int (*set)(struct sbview *v, struct row *r, const char *col,
		   json_t *val, bool diff, struct ovsdb_err *e);
	void (*copy)(struct row *dst, const struct row *src);
	void (*free)(struct row *r);
	bool (*equal)(const struct row *a, const struct row *b);
	void (*link)(struct sbview *v, struct row *r);
	void (*unlink)(struct sbview *v, struct row *r);
	uint32_t present;	/* columns the server's schema has (bits) */
};

struct change {
	enum tbl_id t;
	struct row *old, *new;
	bool old_is_copy;	/* old is a private snapshot of new's past */
};

enum mon_method { MON_SINCE, MON_COND, MON_PLAIN };
#define SRV_MON_ID	"ovnmig-server"
#define SBVIEW_TXN_RING	64	/* transaction ids kept as "passed" */

struct dbconn {
	struct ovsdb_sess *sess;
	const char *name;	/* database name */
	const char *mon_id;
	enum mon_method method;
	int req_id;		/* pending monitor request, 0: none */
	bool synced;
	char txn_id[SBVIEW_UUID_LEN + 1];
	uint64_t updates, resumes;
	/* _Server: is the member we talk to part of its cluster? */
	int srv_req_id;		/* pending _Server monitor, 0: none */
	int schema_req_id;	/* pending get_schema, 0: none */
	char srv_row[SBVIEW_UUID_LEN + 1];	/* our Database row */
	/*
	 * The highest raft log index (_Server.Database "index") any member
	 * of a clustered DB has shown us, kept across reconnects as the OVS
	 * IDL keeps its min_index: a member behind it would hand us an
	 * older snapshot (moves back to the old chassis), so it is left.
	 */
	uint64_t min_index;
	uint64_t stale_refused;
	/*
	 * A relay (and a standalone server) has no raft index, so a relay
	 * whose upstream lags looks as fresh as any.  Transaction ids are
	 * the cluster's everywhere (a relay replays its upstream's), so
	 * the last ids we applied tell a server that is behind: one whose
	 * own last transaction, in a monitor_cond_since reply that could
	 * not resume, is one we have passed would replay moves we have.
	 */
	char passed[SBVIEW_TXN_RING][SBVIEW_UUID_LEN + 1];
	unsigned int n_passed;
	char model[16];		/* _Server.Database model, "" unknown */
};

struct sbview {
	const struct sbview_ops *ops;
	void *ctx;
	struct tbl t[T_MAX];
	struct hmap ch_by_name, pb_by_port, if_by_id;
	/* Rows one update inserts, by uuid, until it is committed or
	 * discarded: a uuid twice in one update is caught even when it is
	 * new (the rows table does not have it yet). */
	struct hmap pending[T_MAX];
	struct dbconn db[DB_MAX];
	int probe_ms;
	uint32_t gen;

	struct change *ch;
	size_t n_ch, cap_ch;

	struct sbview_local local;	/* built at resolve time */
	bool have_local;
	struct sbview_binding ring[SBVIEW_LOOKUP_RING];
	unsigned int ring_i;
	struct sbview_iface iface_tmp;
	bool warned_addl;
	uint64_t rows_skipped;	/* rows kept but not usable (sbview.h) */
};

/* ---- string helpers ---- */

static char *xstrdup_or_null(const char *s)
{
	char *d;

	if (!s || !*s)
		return NULL;
	d = strdup(s);
	if (!d)
		abort();
	return d;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup_or_null(s);
}

static bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static int want_string(json_t *val, size_t max, const char **s,
		       struct ovsdb_err *e)
{
	return ovsdb_atom_string(val, max, s, e);
}

/*
 * An optional (0..1) column.  OVSDB treats a column of at most one value
 * as a single value, also in update2 "modify": the diff is simply the
 * new value (checked against ovsdb-server 3.1).  Returns the number of
 * atoms (0 or 1), the atom in *atom.
 */
static int opt_value(json_t *val, json_t **atom, struct ovsdb_err *e)
{
	json_t *atoms[2];
	size_t n;

	if (ovsdb_set(val, 2, atoms, &n, e))
		return -EPROTO;
	if (n > 1) {
		snprintf(e->why, sizeof(e->why), "two values in an optional column");
		return -EPROTO;
	}
	*atom = n ? atoms[0] : NULL;
	return n;
}

/* ---- Datapath_Binding ---- */

static const char *const dp_cols[] = { "tunnel_key", NULL };

static int dp_set(struct sbview *v, struct row *r, const char *col,
		  json_t *val, bool diff, struct ovsdb_err *e)
{
	struct dp_row *d = (struct dp_row *)r;
	int64_t k;

	(void)v;
	(void)diff;
	if (strcmp(col, "tunnel_key"))
		return 0;
	/* 24 bits: it becomes the Geneve VNI. */
	if (ovsdb_atom_int(val, 1, 0xffffff, &k, e))
		return -EPROTO;
	d->key = k;
	return 0;
}

static void dp_copy(struct row *dst, const struct row *src)
{
	((struct dp_row *)dst)->key = ((const struct dp_row *)src)->key;
}

static void dp_free(struct row *r)
{
	free(r);
}

static bool dp_equal(const struct row *a, const struct row *b)
{
	return ((const struct dp_row *)a)->key == ((const struct dp_row *)b)->key;
}

/* ---- Encap ---- */

static const char *const encap_cols[] = { "type", "ip", NULL };

static void encap_refresh(struct encap_row *en, const char *type,
			  const char *ip)
{
	if (type)
		snprintf(en->e.type, sizeof(en->e.type), "%s", type);
	if (!ip)
		return;
	en->valid = true;
	if (inet_pton(AF_INET, ip, &en->e.v4) == 1) {
		en->e.family = AF_INET;
	} else if (inet_pton(AF_INET6, ip, &en->e.v6) == 1) {
		en->e.family = AF_INET6;
	} else {
		/* Not an address we can steer to: the chassis simply
		 * has no usable encap. */
		en->valid = false;
		memset(&en->e.v6, 0, sizeof(en->e.v6));
		en->e.family = 0;
	}
}

static int encap_set(struct sbview *v, struct row *r, const char *col,
		     json_t *val, bool diff, struct ovsdb_err *e)
{
	struct encap_row *en = (struct encap_row *)r;
	const char *s;

	(void)v;
	(void)diff;
	if (!strcmp(col, "type")) {
		/* Longer than any type we know: kept cut short, it is
		 * not "geneve" either way. */
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		encap_refresh(en, s, NULL);
	} else if (!strcmp(col, "ip")) {
		/* Not an address (whatever its length): no usable encap. */
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		encap_refresh(en, NULL, s);
	}
	return 0;
}

static void encap_copy(struct row *dst, const struct row *src)
{
	struct encap_row *d = (struct encap_row *)dst;
	const struct encap_row *s = (const struct encap_row *)src;

	d->valid = s->valid;
	d->e = s->e;
}

static bool encap_equal(const struct row *a, const struct row *b)
{
	const struct encap_row *x = (const struct encap_row *)a;
	const struct encap_row *y = (const struct encap_row *)b;

	return x->valid == y->valid && !memcmp(&x->e, &y->e, sizeof(x->e));
}

/* ---- Chassis ---- */

static const char *const ch_cols[] = { "name", "encaps", NULL };

static int uuid_set_diff(json_t *val, bool diff, uint8_t (**arr)[16],
			 size_t *n, size_t max, struct ovsdb_err *e)
{
	static json_t *atoms[MAX_SET];
	uint8_t (*out)[16];
	size_t na, i, j, no;

	if (ovsdb_set(val, MAX_SET, atoms, &na, e))
		return -EPROTO;
	out = malloc((*n + na + 1) * 16);
	if (!out)
		abort();
	no = 0;
	if (diff && *n) {
		memcpy(out, *arr, *n * 16);
		no = *n;
	}
	for (i = 0; i < na; i++) {
		uint8_t u[16];

		if (ovsdb_atom_uuid(atoms[i], u, e)) {
			free(out);
			return -EPROTO;
		}
		for (j = 0; j < no && memcmp(out[j], u, 16); j++)
			;
		if (j < no) {
			if (!diff) {
				free(out);
				snprintf(e->why, sizeof(e->why),
					 "duplicate set element");
				return -EPROTO;
			}
			memmove(out[j], out[j + 1], (no - j - 1) * 16);
			no--;
		} else {
			memcpy(out[no++], u, 16);
		}
	}
	if (no > max) {
		free(out);
		snprintf(e->why, sizeof(e->why), "set of %zu uuids, at most %zu",
			 no, max);
		return -EPROTO;
	}
	free(*arr);
	*arr = out;
	*n = no;
	return 0;
}

static int ch_set(struct sbview *v, struct row *r, const char *col,
		  json_t *val, bool diff, struct ovsdb_err *e)
{
	struct ch_row *c = (struct ch_row *)r;
	const char *s;

	(void)v;
	if (!strcmp(col, "name")) {
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		set_str(&c->name, s);
	} else if (!strcmp(col, "encaps")) {
		return uuid_set_diff(val, diff, &c->encaps, &c->n_encaps, 64, e);
	}
	return 0;
}

static void ch_copy(struct row *dst, const struct row *src)
{
	struct ch_row *d = (struct ch_row *)dst;
	const struct ch_row *s = (const struct ch_row *)src;

	d->name = xstrdup_or_null(s->name);
	d->n_encaps = s->n_encaps;
	d->encaps = NULL;
	if (s->n_encaps) {
		d->encaps = malloc(s->n_encaps * 16);
		if (!d->encaps)
			abort();
		memcpy(d->encaps, s->encaps, s->n_encaps * 16);
	}
	d->pub = s->pub;
	d->pub.name = d->name ? d->name : "";
}

static void ch_free(struct row *r)
{
	struct ch_row *c = (struct ch_row *)r;

	free(c->name);
	free(c->encaps);
	free(c);
}

static bool ch_equal(const struct row *a, const struct row *b)
{
	const struct ch_row *x = (const struct ch_row *)a;
	const struct ch_row *y = (const struct ch_row *)b;

	return str_eq(x->name, y->name) && x->n_encaps == y->n_encaps &&
	       (!x->n_encaps || !memcmp(x->encaps, y->encaps, x->n_encaps * 16));
}

static void ch_link(struct sbview *v, struct row *r)
{
	struct ch_row *c = (struct ch_row *)r;

	hmap_insert(&v->ch_by_name, &c->by_name, hash_str(c->name ? c->name : ""));
}

static void ch_unlink(struct sbview *v, struct row *r)
{
	hmap_remove(&v->ch_by_name, &((struct ch_row *)r)->by_name);
}

/* ---- Port_Binding ---- */

static const char *const pb_cols[] = {
	"logical_port", "type", "tunnel_key", "datapath", "chassis",
	"additional_chassis", "requested_chassis", "options", "up", NULL
};

struct opt_ctx {
	struct pb_row *p;
	bool diff;
	struct ovsdb_err *e;
};

static int pb_opt_cb(void *arg, const char *k, const char *val)
{
	struct opt_ctx *o = arg;
	char **slot;

	if (!strcmp(k, "requested-chassis"))
		slot = &o->p->req_opt;
	else if (!strcmp(k, "additional-chassis-activated"))
		slot = &o->p->act_opt;
	else
		return 0;	/* other options are not ours to keep */
	/* Map diff: same key and value removes it, else it is set. */
	if (o->diff && *slot && !strcmp(*slot, val))
		set_str(slot, NULL);
	else
		set_str(slot, val);
	return 0;
}

static int opt_uuid(json_t *val, bool *has, uint8_t u[16],
		    struct ovsdb_err *e)
{
	json_t *a;
	int n = opt_value(val, &a, e);

	if (n < 0)
		return n;
	if (n == 0) {
		*has = false;
		memset(u, 0, 16);
		return 0;
	}
	if (ovsdb_atom_uuid(a, u, e))
		return -EPROTO;
	*has = true;
	return 0;
}

static int pb_set(struct sbview *v, struct row *r, const char *col,
		  json_t *val, bool diff, struct ovsdb_err *e)
{
	struct pb_row *p = (struct pb_row *)r;
	const char *s;
	int64_t k;

	if (!strcmp(col, "logical_port")) {
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		set_str(&p->lport, s);
	} else if (!strcmp(col, "type")) {
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		set_str(&p->type, s);
	} else if (!strcmp(col, "tunnel_key")) {
		/* 16 bits on the wire; OVN keeps unicast keys below 32768
		 * and the schema says so: anything else is a lie. */
		if (ovsdb_atom_int(val, 1, 32767, &k, e))
			return -EPROTO;
		p->port_key = k;
	} else if (!strcmp(col, "datapath")) {
		if (ovsdb_atom_uuid(val, p->dp, e))
			return -EPROTO;
	} else if (!strcmp(col, "chassis")) {
		return opt_uuid(val, &p->has_chassis, p->chassis, e);
	} else if (!strcmp(col, "requested_chassis")) {
		return opt_uuid(val, &p->has_req, p->req, e);
	} else if (!strcmp(col, "additional_chassis")) {
		size_t n = p->n_addl_all;
		int err = uuid_set_diff(val, diff, &p->addl, &n, MAX_SET, e);

		if (err)
			return err;
		p->n_addl_all = n;
		if (n > SBVIEW_MAX_ADDL) {
			/* More than the view can show: keep the first ones;
			 * "has additional chassis" stays true, which is
			 * what the policy decides on. */
			if (!v->warned_addl)
				ovsdb_log("%s: %zu additional chassis, keeping %d",
					  p->lport ? p->lport : "?", n,
					  SBVIEW_MAX_ADDL);
			v->warned_addl = true;
			n = SBVIEW_MAX_ADDL;
		}
		p->n_addl = n;
	} else if (!strcmp(col, "options")) {
		struct opt_ctx o = { p, diff, e };

		if (!diff) {
			set_str(&p->req_opt, NULL);
			set_str(&p->act_opt, NULL);
		}
		return ovsdb_map_strings(val, ANY_LEN, ANY_LEN, pb_opt_cb,
					 &o, e);
	} else if (!strcmp(col, "up")) {
		json_t *a;
		int n = opt_value(val, &a, e);

		/* "up" is optional; empty counts as down, as for
		 * ovn-controller. */
		if (n < 0)
			return n;
		if (n == 0) {
			p->up = p->has_up = false;
		} else if (n == 1) {
			if (ovsdb_atom_bool(a, &p->up, e))
				return -EPROTO;
			p->has_up = true;
		}
	}
	return 0;
}

static void pb_copy(struct row *dst, const struct row *src)
{
	struct pb_row *d = (struct pb_row *)dst;
	const struct pb_row *s = (const struct pb_row *)src;

	memcpy((char *)d + sizeof(d->r), (const char *)s + sizeof(s->r),
	       sizeof(*d) - sizeof(d->r));
	memset(&d->by_port, 0, sizeof(d->by_port));
	d->lport = xstrdup_or_null(s->lport);
	d->type = xstrdup_or_null(s->type);
	d->req_opt = xstrdup_or_null(s->req_opt);
	d->act_opt = xstrdup_or_null(s->act_opt);
	d->addl = NULL;
	if (s->n_addl_all) {
		d->addl = malloc(s->n_addl_all * 16);
		if (!d->addl)
			abort();
		memcpy(d->addl, s->addl, s->n_addl_all * 16);
	}
}

static void pb_free(struct row *r)
{
	struct pb_row *p = (struct pb_row *)r;

	free(p->lport);
	free(p->type);
	free(p->req_opt);
	free(p->act_opt);
	free(p->addl);
	free(p);
}

static bool pb_equal(const struct row *a, const struct row *b)
{
	const struct pb_row *x = (const struct pb_row *)a;
	const struct pb_row *y = (const struct pb_row *)b;

	return str_eq(x->lport, y->lport) && str_eq(x->type, y->type) &&
	       str_eq(x->req_opt, y->req_opt) &&
	       str_eq(x->act_opt, y->act_opt) &&
	       !memcmp(x->dp, y->dp, 16) &&
	       x->has_chassis == y->has_chassis &&
	       !memcmp(x->chassis, y->chassis, 16) &&
	       x->has_req == y->has_req && !memcmp(x->req, y->req, 16) &&
	       x->port_key == y->port_key && x->up == y->up &&
	       x->has_up == y->has_up && x->n_addl_all == y->n_addl_all &&
	       (!x->n_addl_all ||
		!memcmp(x->addl, y->addl, x->n_addl_all * 16));
}

/*
 * A binding without a logical_port ("" is the default, so update2 simply
 * leaves it out) is legal OVSDB but nothing the policy can act on or
 * look up: the row is kept (a later modify or delete names it), but it
 * is not indexed, walked or reported, and it is counted as skipped.
 */
static bool pb_usable(const struct row *r)
{
	return r && ((const struct pb_row *)r)->lport;
}

static void pb_link(struct sbview *v, struct row *r)
{
	struct pb_row *p = (struct pb_row *)r;

	if (!pb_usable(r))
		return;
	hmap_insert(&v->pb_by_port, &p->by_port,
		    hash_str(p->lport ? p->lport : ""));
}

static void pb_unlink(struct sbview *v, struct row *r)
{
	if (!pb_usable(r))
		return;
	hmap_remove(&v->pb_by_port, &((struct pb_row *)r)->by_port);
}

/* ---- Open_vSwitch (local) ---- */

static const char *const ovs_cols[] = { "external_ids", NULL };

struct ext_ctx {
	char **keys[3];
	const char *names[3];
	bool diff;
};

static int ext_cb(void *arg, const char *k, const char *val)
{
	struct ext_ctx *x = arg;
	int i;

	for (i = 0; i < 3 && x->names[i]; i++) {
		if (strcmp(k, x->names[i]))
			continue;
		if (x->diff && *x->keys[i] && !strcmp(*x->keys[i], val))
			set_str(x->keys[i], NULL);
		else
			set_str(x->keys[i], val);
	}
	return 0;
}

static int ovs_set(struct sbview *v, struct row *r, const char *col,
		   json_t *val, bool diff, struct ovsdb_err *e)
{
	struct ovs_row *o = (struct ovs_row *)r;
	struct ext_ctx x = {
		{ &o->system_id, &o->encap_ip, &o->encap_type },
		{ "system-id", "ovn-encap-ip", "ovn-encap-type" }, diff
	};

	(void)v;
	if (strcmp(col, "external_ids"))
		return 0;
	if (!diff) {
		set_str(&o->system_id, NULL);
		set_str(&o->encap_ip, NULL);
		set_str(&o->encap_type, NULL);
	}
	return ovsdb_map_strings(val, ANY_LEN, ANY_LEN, ext_cb, &x, e);
}

static void ovs_copy(struct row *dst, const struct row *src)
{
	struct ovs_row *d = (struct ovs_row *)dst;
	const struct ovs_row *s = (const struct ovs_row *)src;

	d->system_id = xstrdup_or_null(s->system_id);
	d->encap_ip = xstrdup_or_null(s->encap_ip);
	d->encap_type = xstrdup_or_null(s->encap_type);
}

static void ovs_free(struct row *r)
{
	struct ovs_row *o = (struct ovs_row *)r;

	free(o->system_id);
	free(o->encap_ip);
	free(o->encap_type);
	free(o);
}

static bool ovs_equal(const struct row *a, const struct row *b)
{
	const struct ovs_row *x = (const struct ovs_row *)a;
	const struct ovs_row *y = (const struct ovs_row *)b;

	return str_eq(x->system_id, y->system_id) &&
	       str_eq(x->encap_ip, y->encap_ip) &&
	       str_eq(x->encap_type, y->encap_type);
}

/* ---- Interface (local) ---- */

static const char *const if_cols[] = {
	"name", "external_ids", "ofport", "link_state", NULL
};

static int if_set(struct sbview *v, struct row *r, const char *col,
		  json_t *val, bool diff, struct ovsdb_err *e)
{
	struct if_row *i = (struct if_row *)r;
	const char *s;
	json_t *a;
	int n;

	(void)v;
	if (!strcmp(col, "name")) {
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		set_str(&i->name, s);
	} else if (!strcmp(col, "external_ids")) {
		char *dummy = NULL;
		struct ext_ctx x = {
			{ &i->iface_id, &dummy, &dummy },
			{ "iface-id", NULL, NULL }, diff
		};

		if (!diff)
			set_str(&i->iface_id, NULL);
		return ovsdb_map_strings(val, ANY_LEN, ANY_LEN, ext_cb,
					 &x, e);
	} else if (!strcmp(col, "ofport")) {
		n = opt_value(val, &a, e);
		if (n < 0)
			return n;
		if (n == 0) {
			i->ofport = -1;
			i->has_ofport = false;
		} else if (n == 1) {
			if (ovsdb_atom_int(a, -1, 65535, &i->ofport, e))
				return -EPROTO;
			i->has_ofport = true;
		}
	} else if (!strcmp(col, "link_state")) {
		/* Absent means unknown; only "up" counts as up. */
		n = opt_value(val, &a, e);
		if (n < 0)
			return n;
		if (n == 0) {
			i->link_up = i->has_link = false;
		} else if (n == 1) {
			if (want_string(a, 8, &s, e))
				return -EPROTO;
			if (strcmp(s, "up") && strcmp(s, "down")) {
				snprintf(e->why, sizeof(e->why),
					 "link_state neither up nor down");
				return -EPROTO;
			}
			i->link_up = !strcmp(s, "up");
			i->has_link = true;
		}
	}
	return 0;
}

static void if_copy(struct row *dst, const struct row *src)
{
	struct if_row *d = (struct if_row *)dst;
	const struct if_row *s = (const struct if_row *)src;

	d->name = xstrdup_or_null(s->name);
	d->iface_id = xstrdup_or_null(s->iface_id);
	d->ofport = s->ofport;
	d->has_ofport = s->has_ofport;
	d->has_link = s->has_link;
	d->link_up = s->link_up;
}

static void if_free(struct row *r)
{
	struct if_row *i = (struct if_row *)r;

	free(i->name);
	free(i->iface_id);
	free(i);
}

static bool if_equal(const struct row *a, const struct row *b)
{
	const struct if_row *x = (const struct if_row *)a;
	const struct if_row *y = (const struct if_row *)b;

	return str_eq(x->name, y->name) && str_eq(x->iface_id, y->iface_id) &&
	       x->ofport == y->ofport && x->link_up == y->link_up &&
	       x->has_ofport == y->has_ofport && x->has_link == y->has_link;
}

static void if_link(struct sbview *v, struct row *r)
{
	struct if_row *i = (struct if_row *)r;

	hmap_insert(&v->if_by_id, &i->by_id,
		    hash_str(i->iface_id ? i->iface_id : ""));
}

static void if_unlink(struct sbview *v, struct row *r)
{
	hmap_remove(&v->if_by_id, &((struct if_row *)r)->by_id);
}

static void free_plain(struct row *r)
{
	free(r);
}

static const struct tbl tbl_defs[T_MAX] = {
	[T_DP] = { "Datapath_Binding", DB_SB, dp_cols, sizeof(struct dp_row),
		   {0}, dp_set, dp_copy, dp_free, dp_equal, NULL, NULL, ~0u },
	[T_ENCAP] = { "Encap", DB_SB, encap_cols, sizeof(struct encap_row),
		      {0}, encap_set, encap_copy, free_plain, encap_equal,
		      NULL, NULL, ~0u },
	[T_CHASSIS] = { "Chassis", DB_SB, ch_cols, sizeof(struct ch_row),
			{0}, ch_set, ch_copy, ch_free, ch_equal, ch_link,
			ch_unlink, ~0u },
	[T_PB] = { "Port_Binding", DB_SB, pb_cols, sizeof(struct pb_row),
		   {0}, pb_set, pb_copy, pb_free, pb_equal, pb_link,
		   pb_unlink, ~0u },
	[T_OVS] = { "Open_vSwitch", DB_LOCAL, ovs_cols, sizeof(struct ovs_row),
		    {0}, ovs_set, ovs_copy, ovs_free, ovs_equal, NULL, NULL, ~0u },
	[T_IFACE] = { "Interface", DB_LOCAL, if_cols, sizeof(struct if_row),
		      {0}, if_set, if_copy, if_free, if_equal, if_link,
		      if_unlink, ~0u },
};

/* ---- generic row handling ---- */

static struct row *row_new(const struct tbl *t, const struct row *from,
			   const uint8_t uuid[16])
{
	struct row *r = calloc(1, t->size);

	if (!r)
		abort();
	memcpy(r->uuid, uuid, 16);
	if (from) {
		t->copy(r, from);
	} else if (t == &tbl_defs[T_IFACE]) {
		((struct if_row *)r)->ofport = -1;
	}
	return r;
}

static struct row *row_find(const struct tbl *t, const uint8_t uuid[16])
{
	uint32_t h = hash_bytes(uuid, 16);
	struct hnode *n;

	HMAP_FOR_EACH_HASH(n, &t->rows, h) {
		struct row *r = container_of(n, struct row, hn);

		if (!memcmp(r->uuid, uuid, 16))
			return r;
	}
	return NULL;
}

static void add_change(struct sbview *v, enum tbl_id t, struct row *old,
		       struct row *new, bool old_is_copy)
{
	if (v->n_ch == v->cap_ch) {
		size_t nc = v->cap_ch ? v->cap_ch * 2 : 64;
		struct change *c = realloc(v->ch, nc * sizeof(*c));

		if (!c)
			abort();
		v->ch = c;
		v->cap_ch = nc;
	}
	v->ch[v->n_ch++] = (struct change){ t, old, new, old_is_copy };
	if (old)
		old->in_txn = true;
	if (new)
		new->in_txn = true;
}

/* Empties every table's pending index (the nodes are the new rows'
 * own, reused by commit()); the buckets are kept for the next update. */
static void clear_pending(struct sbview *v)
{
	int i;

	for (i = 0; i < T_MAX; i++) {
		struct hmap *m = &v->pending[i];

		if (m->n)
			memset(m->b, 0, (m->mask + 1) * sizeof(*m->b));
		m->n = 0;
	}
}

static bool pending_has(const struct hmap *m, const uint8_t uuid[16])
{
	struct hnode *n;

	HMAP_FOR_EACH_HASH(n, m, hash_bytes(uuid, 16))
		if (!memcmp(container_of(n, struct row, hn)->uuid, uuid, 16))
			return true;
	return false;
}

/* Pass 1 failed: forget the rows built so far; the view is untouched. */
static void discard_changes(struct sbview *v)
{
	size_t i;

	clear_pending(v);

	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];

		if (c->old)
			c->old->in_txn = false;
		if (c->new && c->new != c->old)
			v->t[c->t].free(c->new);
	}
	v->n_ch = 0;
}

static int apply_cols(struct sbview *v, struct tbl *t, struct row *r,
		      json_t *cols, bool diff, struct ovsdb_err *e)
{
	const char *name;
	json_t *val;

	if (!json_is_object(cols)) {
		snprintf(e->why, sizeof(e->why), "row is not an object");
		return -EPROTO;
	}
	json_object_foreach(cols, name, val) {
		/* Columns we did not ask for are ignored. */
		if (t->set(v, r, name, val, diff, e)) {
			char col[48];

			snprintf(col, sizeof(col), "%s", name);
			size_t l = strlen(e->why);

			snprintf(e->why + l, sizeof(e->why) - l, " (%s.%s)",
				 t->name, col);
			return -EPROTO;
		}
	}
	return 0;
}

/* One <row-update> or <row-update2>.  snapshot: part of a full view. */
static int parse_row(struct sbview *v, enum tbl_id ti, const char *uuid_s,
		     json_t *ru, bool v2, bool snapshot, struct ovsdb_err *e)
{
	struct tbl *t = &v->t[ti];
	struct row *cur, *nr;
	uint8_t uuid[16];
	json_t *val;
	const char *op;

	if (ovsdb_parse_uuid(uuid_s, uuid)) {
		snprintf(e->why, sizeof(e->why), "bad row uuid in %s", t->name);
		return -EPROTO;
	}
	if (!json_is_object(ru) || json_object_size(ru) < 1 ||
	    json_object_size(ru) > 2) {
		snprintf(e->why, sizeof(e->why), "bad row update in %s", t->name);
		return -EPROTO;
	}
	cur = row_find(t, uuid);
	/* JSON objects may repeat a key: the same row twice in one update
	 * is a malformed update (it would make two rows of one uuid). */
	if (cur ? cur->in_txn : pending_has(&v->pending[ti], uuid)) {
		snprintf(e->why, sizeof(e->why),
			 "row %.36s twice in one update", uuid_s);
		return -EPROTO;
	}
	if (v2) {
		if (json_object_size(ru) != 1) {
			snprintf(e->why, sizeof(e->why), "bad row update2 in %s",
				 t->name);
			return -EPROTO;
		}
		op = json_object_iter_key(json_object_iter(ru));
		val = json_object_get(ru, op);
	} else {
		json_t *nv = json_object_get(ru, "new");

		if (nv) {
			op = cur ? "modify1" : "insert";
			val = nv;
		} else if (json_object_get(ru, "old")) {
			op = "delete";
			val = json_null();
		} else {
			snprintf(e->why, sizeof(e->why), "row update without old or new");
			return -EPROTO;
		}
		if (snapshot)
			op = "initial";
	}
	if (!strcmp(op, "delete")) {
		if (!json_is_null(val) && !json_is_object(val)) {
			snprintf(e->why, sizeof(e->why), "bad delete");
			return -EPROTO;
		}
		if (!cur) {
			snprintf(e->why, sizeof(e->why),
				 "delete of unknown %s row %.36s", t->name, uuid_s);
			return -EPROTO;
		}
		add_change(v, ti, cur, NULL, false);
		return 0;
	}
	if (!strcmp(op, "modify") || !strcmp(op, "modify1")) {
		bool diff = op[6] == '\0';

		if (!cur) {
			snprintf(e->why, sizeof(e->why),
				 "modify of unknown %s row %.36s", t->name, uuid_s);
			return -EPROTO;
		}
		nr = row_new(t, diff ? cur : NULL, uuid);
		if (apply_cols(v, t, nr, val, diff, e)) {
			t->free(nr);
			return -EPROTO;
		}
		add_change(v, ti, cur, nr, false);
		return 0;
	}
	if (strcmp(op, "initial") && strcmp(op, "insert")) {
		snprintf(e->why, sizeof(e->why), "unknown row operation");
		return -EPROTO;
	}
	if (cur && !snapshot) {
		snprintf(e->why, sizeof(e->why), "insert of existing %s row",
			 t->name);
		return -EPROTO;
	}
	nr = row_new(t, NULL, uuid);
	if (apply_cols(v, t, nr, val, false, e)) {
		t->free(nr);
		return -EPROTO;
	}
	if (cur) {
		cur->seen = v->gen;
		if (t->equal(cur, nr)) {
			t->free(nr);
			cur->in_txn = true;	/* catches duplicates */
			add_change(v, ti, cur, cur, false);
			return 0;
		}
	}
	nr->seen = v->gen;
	if (!cur)
		hmap_insert(&v->pending[ti], &nr->hn, hash_bytes(uuid, 16));
	add_change(v, ti, cur, nr, false);
	return 0;
}

static int tbl_by_name(const struct sbview *v, enum db_id db, const char *n)
{
	int i;

	for (i = 0; i < T_MAX; i++)
		if (v->t[i].db == db && !strcmp(v->t[i].name, n))
			return i;
	return -1;
}

/* Pass 1 over a <table-updates[2]> given as text: one row at a time is
 * handed to jansson, so a 100,000-row snapshot never exists as one tree. */
static int parse_updates(struct sbview *v, enum db_id db, const char *tu,
			 size_t tu_len, bool v2, bool snapshot,
			 struct ovsdb_err *e)
{
	struct json_walk w = { tu, tu + tu_len };
	unsigned int seen = 0;
	bool first = true;
	char tname[48];
	int r;

	while ((r = json_walk_next_key(&w, &first, tname, sizeof(tname))) == 1) {
		int ti = tbl_by_name(v, db, tname);
		bool f2 = true;
		char uuid[48];
		int r2;

		/* We only asked for our tables: anything else is a server
		 * we cannot trust with the rest either. */
		if (ti < 0) {
			snprintf(e->why, sizeof(e->why),
				 "update for unknown table %.40s", tname);
			return -EPROTO;
		}
		if (seen & (1u << ti)) {
			snprintf(e->why, sizeof(e->why), "table %s twice", tname);
			return -EPROTO;
		}
		seen |= 1u << ti;
		while ((r2 = json_walk_next_key(&w, &f2, uuid, sizeof(uuid))) == 1) {
			const char *rs;
			json_t *ru;
			int err;

			if (json_walk_skip(&w, &rs) ||
			    !(ru = json_walk_load(rs, w.p))) {
				snprintf(e->why, sizeof(e->why),
					 "bad JSON in a %s row", tname);
				return -EPROTO;
			}
			err = parse_row(v, ti, uuid, ru, v2, snapshot, e);
			json_decref(ru);
			if (err)
				return -EPROTO;
		}
		if (r2 < 0) {
			snprintf(e->why, sizeof(e->why),
				 "rows of %s are not an object of row uuids", tname);
			return -EPROTO;
		}
	}
	if (r < 0 || json_walk_ws(&w)) {
		snprintf(e->why, sizeof(e->why), "table updates not an object");
		return -EPROTO;
	}
	if (snapshot) {
		int i;

		/* What the full view no longer has was deleted. */
		for (i = 0; i < T_MAX; i++) {
			struct tbl *t = &v->t[i];
			size_t b;

			if (t->db != db || !t->rows.b)
				continue;
			for (b = 0; b <= t->rows.mask; b++) {
				struct hnode *n;

				for (n = t->rows.b[b]; n; n = n->next) {
					struct row *r = container_of(n, struct row, hn);

					if (r->seen != v->gen && !r->in_txn)
						add_change(v, i, r, NULL, false);
				}
			}
		}
	}
	return 0;
}

/* ---- pass 2: commit, resolve, report ---- */

static void resolve_chassis(struct sbview *v, struct ch_row *c)
{
	size_t i;

	memset(&c->pub, 0, sizeof(c->pub));
	ovsdb_format_uuid(c->r.uuid, c->pub.uuid.s);
	c->pub.name = c->name ? c->name : "";
	for (i = 0; i < c->n_encaps && c->pub.n_encaps < SBVIEW_MAX_ENCAPS; i++) {
		struct encap_row *en = (struct encap_row *)
			row_find(&v->t[T_ENCAP], c->encaps[i]);

		if (en && en->valid)
			c->pub.encaps[c->pub.n_encaps++] = en->e;
	}
}

static uint32_t dp_key_of(struct sbview *v, const uint8_t dp[16])
{
	struct dp_row *d = (struct dp_row *)row_find(&v->t[T_DP], dp);

	return d ? d->key : 0;
}

static void pb_pub(const struct pb_row *p, struct sbview_binding *b)
{
	int i;

	memset(b, 0, sizeof(*b));
	ovsdb_format_uuid(p->r.uuid, b->uuid.s);
	b->logical_port = p->lport ? p->lport : "";
	b->type = p->type ? p->type : "";
	b->dp_key = p->dp_key;
	b->port_key = p->port_key;
	ovsdb_format_uuid(p->dp, b->datapath.s);
	if (p->has_chassis)
		ovsdb_format_uuid(p->chassis, b->chassis.s);
	b->n_additional = p->n_addl;
	for (i = 0; i < p->n_addl; i++)
		ovsdb_format_uuid(p->addl[i], b->additional[i].s);
	if (p->has_req)
		ovsdb_format_uuid(p->req, b->requested_chassis.s);
	b->requested_opt = p->req_opt ? p->req_opt : "";
	b->activated_opt = p->act_opt ? p->act_opt : "";
	b->up = p->up;
}

static void if_pub(const struct if_row *r, struct sbview_iface *i)
{
	memset(i, 0, sizeof(*i));
	ovsdb_format_uuid(r->r.uuid, i->uuid.s);
	i->name = r->name ? r->name : "";
	i->iface_id = r->iface_id ? r->iface_id : "";
	i->ofport = r->ofport;
	i->link_up = r->link_up;
}

static void local_pub(const struct ovs_row *o, struct sbview_local *l)
{
	char *ips, *tok, *save = NULL;

	memset(l, 0, sizeof(*l));
	l->system_id = "";
	if (!o)
		return;
	l->system_id = o->system_id ? o->system_id : "";
	ips = strdup(o->encap_ip ? o->encap_ip : "");
	if (!ips)
		abort();
	/* ovn-encap-ip may list several addresses. */
	for (tok = strtok_r(ips, ",", &save);
	     tok && l->n_encaps < SBVIEW_MAX_ENCAPS;
	     tok = strtok_r(NULL, ",", &save)) {
		struct sbview_encap *en = &l->encaps[l->n_encaps];
		char type[16];

		while (*tok == ' ')
			tok++;
		if (inet_pton(AF_INET, tok, &en->v4) == 1)
			en->family = AF_INET;
		else if (inet_pton(AF_INET6, tok, &en->v6) == 1)
			en->family = AF_INET6;
		else
			continue;
		snprintf(type, sizeof(type), "%s",
			 o->encap_type ? o->encap_type : "geneve");
		type[strcspn(type, ",")] = '\0';
		snprintf(en->type, sizeof(en->type), "%s", type);
		l->n_encaps++;
	}
	free(ips);
}

static const struct ovs_row *first_ovs(const struct sbview *v)
{
	const struct hmap *m = &v->t[T_OVS].rows;
	size_t b;

	for (b = 0; m->b && b <= m->mask; b++)
		if (m->b[b])
			return (const struct ovs_row *)
				container_of(m->b[b], struct row, hn);
	return NULL;
}

/* Rows whose public form depends on a changed Datapath_Binding or
 * Encap get a snapshot of their old form, so the callback sees it. */
static void add_dependents(struct sbview *v)
{
	size_t i, n = v->n_ch, b;

	for (i = 0; i < n; i++) {
		/* By value: add_change() may move the array. */
		struct change cc = v->ch[i], *c = &cc;

		if (c->t == T_DP && c->old && c->old != c->new) {
			struct tbl *t = &v->t[T_PB];

			/* A new datapath cannot have bindings yet (the
			 * reference is strong); only key changes and
			 * deletes matter, and they are rare. */
			for (b = 0; t->rows.b && b <= t->rows.mask; b++) {
				struct hnode *h;

				for (h = t->rows.b[b]; h; h = h->next) {
					struct row *r = container_of(h, struct row, hn);

					if (!r->in_txn &&
					    !memcmp(((struct pb_row *)r)->dp,
						    c->old->uuid, 16))
						add_change(v, T_PB,
							   row_new(t, r, r->uuid),
							   r, true);
				}
			}
		} else if (c->t == T_ENCAP && c->old && c->old != c->new) {
			struct tbl *t = &v->t[T_CHASSIS];

			for (b = 0; t->rows.b && b <= t->rows.mask; b++) {
				struct hnode *h;

				for (h = t->rows.b[b]; h; h = h->next) {
					struct row *r = container_of(h, struct row, hn);
					struct ch_row *cr = (struct ch_row *)r;
					size_t k;

					if (r->in_txn)
						continue;
					for (k = 0; k < cr->n_encaps; k++)
						if (!memcmp(cr->encaps[k],
							    c->old->uuid, 16))
							break;
					if (k < cr->n_encaps)
						add_change(v, T_CHASSIS,
							   row_new(t, r, r->uuid),
							   r, true);
				}
			}
		}
	}
}

/*
 * Did the public form change?  The structs hold pointers to each row's
 * own strings, so they are compared member by member; everything else
 * was zeroed before it was filled (memcmp of the encaps is exact).
 */
static bool chassis_pub_eq(const struct sbview_chassis *a,
			   const struct sbview_chassis *b)
{
	return !strcmp(a->uuid.s, b->uuid.s) && !strcmp(a->name, b->name) &&
	       a->n_encaps == b->n_encaps &&
	       !memcmp(a->encaps, b->encaps, sizeof(a->encaps));
}

static bool binding_pub_eq(const struct sbview_binding *a,
			   const struct sbview_binding *b)
{
	return !strcmp(a->uuid.s, b->uuid.s) &&
	       !strcmp(a->logical_port, b->logical_port) &&
	       !strcmp(a->type, b->type) && a->dp_key == b->dp_key &&
	       a->port_key == b->port_key &&
	       !strcmp(a->datapath.s, b->datapath.s) &&
	       !strcmp(a->chassis.s, b->chassis.s) &&
	       a->n_additional == b->n_additional &&
	       !memcmp(a->additional, b->additional, sizeof(a->additional)) &&
	       !strcmp(a->requested_chassis.s, b->requested_chassis.s) &&
	       !strcmp(a->requested_opt, b->requested_opt) &&
	       !strcmp(a->activated_opt, b->activated_opt) && a->up == b->up;
}

static bool iface_pub_eq(const struct sbview_iface *a,
			 const struct sbview_iface *b)
{
	return !strcmp(a->uuid.s, b->uuid.s) && !strcmp(a->name, b->name) &&
	       !strcmp(a->iface_id, b->iface_id) && a->ofport == b->ofport &&
	       a->link_up == b->link_up;
}

static bool local_pub_eq(const struct sbview_local *a,
			 const struct sbview_local *b)
{
	return !strcmp(a->system_id, b->system_id) &&
	       a->n_encaps == b->n_encaps &&
	       !memcmp(a->encaps, b->encaps, sizeof(a->encaps));
}

static void commit(struct sbview *v, enum db_id db)
{
	const struct sbview_ops *ops = v->ops;
	struct sbview_local old_local = v->local;
	bool had_local = v->have_local, began = false;
	size_t i;

	/* The new rows' nodes go into the rows tables below. */
	clear_pending(v);
	add_dependents(v);
	/* Unlink every old row first, so two rows trading a name do not
	 * trip over each other in the secondary indexes. */
	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];
		struct tbl *t = &v->t[c->t];

		if (c->old && c->old != c->new && !c->old_is_copy) {
			hmap_remove(&t->rows, &c->old->hn);
			if (t->unlink)
				t->unlink(v, c->old);
		}
	}
	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];
		struct tbl *t = &v->t[c->t];

		if (c->new && c->new != c->old && !c->old_is_copy) {
			hmap_insert(&t->rows, &c->new->hn,
				    hash_bytes(c->new->uuid, 16));
			if (t->link)
				t->link(v, c->new);
		}
	}
	/* Resolve references now that every table is current. */
	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];

		if (!c->new)
			continue;
		/* An Encap whose ip is no address: its chassis has no
		 * usable encap (it cannot be steered to). */
		if (c->t == T_ENCAP && c->new != c->old && !c->old_is_copy &&
		    !((struct encap_row *)c->new)->valid)
			v->rows_skipped++;
		if (c->t == T_PB)
			((struct pb_row *)c->new)->dp_key =
				dp_key_of(v, ((struct pb_row *)c->new)->dp);
		else if (c->t == T_CHASSIS)
			resolve_chassis(v, (struct ch_row *)c->new);
	}
	if (db == DB_LOCAL) {
		local_pub(first_ovs(v), &v->local);
		v->have_local = first_ovs(v) != NULL;
	}

#define BEGIN() do { if (!began && ops->begin) ops->begin(v->ctx); began = true; } while (0)
	/* Report: chassis first, so a binding callback can resolve the
	 * chassis it names. */
	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];
		const struct ch_row *o = (const struct ch_row *)c->old;
		const struct ch_row *n = (const struct ch_row *)c->new;

		if (c->t != T_CHASSIS || c->old == c->new)
			continue;
		if (o && n && chassis_pub_eq(&o->pub, &n->pub))
			continue;
		BEGIN();
		if (ops->chassis)
			ops->chassis(v->ctx, o ? &o->pub : NULL,
				     n ? &n->pub : NULL);
	}
	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];
		static struct sbview_binding ob, nb;

		struct row *o = c->old, *n = c->new;

		if (c->t != T_PB || o == n)
			continue;
		if (n && !pb_usable(n)) {
			v->rows_skipped++;
			n = NULL;
		}
		if (!pb_usable(o))
			o = NULL;
		if (!o && !n)
			continue;
		if (o)
			pb_pub((struct pb_row *)o, &ob);
		if (n)
			pb_pub((struct pb_row *)n, &nb);
		if (o && n && binding_pub_eq(&ob, &nb))
			continue;
		BEGIN();
		if (ops->binding)
			ops->binding(v->ctx, o ? &ob : NULL, n ? &nb : NULL);
	}
	if (db == DB_LOCAL && (had_local != v->have_local ||
	    (had_local && !local_pub_eq(&old_local, &v->local)))) {
		BEGIN();
		if (ops->local)
			ops->local(v->ctx, had_local ? &old_local : NULL,
				   v->have_local ? &v->local : NULL);
	}
	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];
		const struct if_row *o = (const struct if_row *)c->old;
		const struct if_row *n = (const struct if_row *)c->new;
		static struct sbview_iface oi, ni;

		if (c->t != T_IFACE || c->old == c->new)
			continue;
		/* Only interfaces that carry a logical port exist for
		 * the policy. */
		if (o && !o->iface_id)
			o = NULL;
		if (n && !n->iface_id)
			n = NULL;
		if (!o && !n)
			continue;
		if (o)
			if_pub(o, &oi);
		if (n)
			if_pub(n, &ni);
		if (o && n && iface_pub_eq(&oi, &ni))
			continue;
		BEGIN();
		if (ops->iface)
			ops->iface(v->ctx, o ? &oi : NULL, n ? &ni : NULL);
	}
	if (began && ops->end)
		ops->end(v->ctx);
#undef BEGIN

	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];

		if (c->new)
			c->new->in_txn = false;
		if (c->old && c->old != c->new) {
			c->old->in_txn = false;
			v->t[c->t].free(c->old);
		}
	}
	v->n_ch = 0;
}

/* Parses and applies one <table-updates[2]>; on error nothing changes. */
static int apply_updates(struct sbview *v, enum db_id db, const char *tu,
			 size_t tu_len, bool v2, bool snapshot,
			 struct ovsdb_err *e)
{
	if (snapshot)
		v->gen++;
	if (parse_updates(v, db, tu, tu_len, v2, snapshot, e)) {
		discard_changes(v);
		return -EPROTO;
	}
	commit(v, db);
	return 0;
}

/* ---- monitor requests and replies ---- */

static json_t *mon_requests(const struct sbview *v, enum db_id db)
{
	json_t *req = json_object();
	int i;

	for (i = 0; i < T_MAX; i++) {
		const struct tbl *t = &v->t[i];
		const char *const *c;
		json_t *cols;

		if (t->db != db || !t->present)
			continue;
		cols = json_array();
		for (c = t->cols; *c; c++)
			if (t->present & (1u << (c - t->cols)))
				json_array_append_new(cols, json_string(*c));
		json_object_set_new(req, t->name,
				    json_pack("[{s:o}]", "columns", cols));
	}
	return req;
}

static void send_monitor(struct sbview *v, struct dbconn *d)
{
	static const char *const methods[] = {
		[MON_SINCE] = "monitor_cond_since",
		[MON_COND] = "monitor_cond",
		[MON_PLAIN] = "monitor",
	};
	enum db_id db = d - v->db;
	json_t *params;

	if (!d->sess) {		/* sbview_inject(): nobody to ask */
		d->req_id = 0;
		return;
	}
	params = json_pack("[s, s, o]", d->name, d->mon_id,
			   mon_requests(v, db));

	if (d->method == MON_SINCE)
		json_array_append_new(params, json_string(
			d->txn_id[0] ? d->txn_id :
			"00000000-0000-0000-0000-000000000000"));
	d->req_id = ovsdb_sess_request(d->sess, methods[d->method], params);
	if (d->req_id < 0)
		d->req_id = 0;
}

static struct dbconn *dbconn_of(struct sbview *v, struct ovsdb_sess *s)
{
	return v->db[DB_SB].sess == s ? &v->db[DB_SB] : &v->db[DB_LOCAL];
}

/* Asks for the schema first, so that a column an older OVN does not
 * have (additional_chassis before 22.06, ...) is left out of the monitor
 * instead of making the server refuse it; absent columns keep their
 * defaults in the view. */
static void send_schema(struct sbview *v, struct dbconn *d)
{
	int id = d->sess ? ovsdb_sess_request(d->sess, "get_schema",
					      json_pack("[s]", d->name)) : -1;

	if (id > 0)
		d->schema_req_id = id;
	else
		send_monitor(v, d);
}

static int schema_reply(struct sbview *v, struct dbconn *d,
			const struct jsonrpc_raw *m, char *why, size_t why_len)
{
	enum db_id db = d - v->db;
	json_t *sch, *tables;
	int i;

	d->schema_req_id = 0;
	if (!m->result || (m->error && !json_is_null(m->error))) {
		/* No get_schema: ask for everything and see. */
		for (i = 0; i < T_MAX; i++)
			if (v->t[i].db == db)
				v->t[i].present = ~0u;
		send_monitor(v, d);
		return 0;
	}
	sch = json_walk_load(m->result, m->result + m->result_len);
	tables = json_object_get(sch, "tables");
	if (!json_is_object(tables)) {
		json_decref(sch);
		snprintf(why, why_len, "schema without tables");
		return -EPROTO;
	}
	for (i = 0; i < T_MAX; i++) {
		struct tbl *t = &v->t[i];
		json_t *cols = json_object_get(json_object_get(tables, t->name),
					       "columns");
		const char *const *c;

		if (t->db != db)
			continue;
		t->present = 0;
		for (c = t->cols; *c && json_is_object(cols); c++)
			if (json_object_get(cols, *c))
				t->present |= 1u << (c - t->cols);
	}
	json_decref(sch);
	send_monitor(v, d);
	return 0;
}

static void sess_connected(void *arg, struct ovsdb_sess *s)
{
	struct sbview *v = arg;
	struct dbconn *d = dbconn_of(v, s);

	d->synced = false;
	d->method = MON_SINCE;
	d->srv_row[0] = '\0';
	d->model[0] = '\0';
	d->srv_req_id = 0;
	d->schema_req_id = 0;
	if (d == &v->db[DB_SB]) {
		/* Like ovn-controller: first ask the server whether it is
		 * connected to its cluster; a member cut off from the
		 * others would feed us stale data. */
		int id = ovsdb_sess_request(s, "monitor_cond", json_pack(
			"[s, s, {s:[{s:[s, s, s, s]}]}]", "_Server", SRV_MON_ID,
			"Database", "columns", "name", "model", "connected",
			"index"));

		if (id > 0) {
			d->srv_req_id = id;
			return;
		}
	}
	send_schema(v, d);
}

/*
 * A clustered member's raft index (absent for standalone and relay DBs):
 * lower than one already seen is stale data (ovsdb-cs.c does the same);
 * else it is the new lowest index we accept.  0 or -ESTALE.
 */
static int server_index(struct dbconn *d, json_t *row, uint64_t *stale)
{
	json_t *ix = json_object_get(row, "index");
	json_int_t i;

	if (!json_is_integer(ix) || (i = json_integer_value(ix)) < 0)
		return 0;
	if ((uint64_t)i < d->min_index) {
		*stale = i;
		return -ESTALE;
	}
	d->min_index = i;
	return 0;
}

/*
 * Checks _Server Database updates for our database's row; -EPROTO (and a
 * reason) when the member is not connected to its cluster or is behind
 * an index already seen.  Standalone databases are always "connected".
 */
static int server_rows(struct dbconn *d, const char *tu, size_t len,
		       char *why, size_t why_len)
{
	uint64_t stale = 0;
	int serr = 0;
	json_t *j = json_walk_load(tu, tu + len), *rows, *ru;
	const char *uuid;
	int err = 0;

	rows = json_object_get(j, "Database");
	if (!json_is_object(j) || (rows && !json_is_object(rows))) {
		json_decref(j);
		snprintf(why, why_len, "bad _Server update");
		return -EPROTO;
	}
	json_object_foreach(rows, uuid, ru) {
		json_t *row = json_object_get(ru, "initial");
		json_t *name, *conn;

		if (!row)
			row = json_object_get(ru, "insert");
		if (row) {
			name = json_object_get(row, "name");
			if (!json_is_string(name) ||
			    strcmp(json_string_value(name), d->name))
				continue;
			snprintf(d->srv_row, sizeof(d->srv_row), "%s", uuid);
			if (json_is_string(json_object_get(row, "model")))
				snprintf(d->model, sizeof(d->model), "%s",
					 json_string_value(json_object_get(
						 row, "model")));
			conn = json_object_get(row, "connected");
			/* Omitted in an initial row: the default, false. */
			if (!json_is_true(conn))
				err = -EPROTO;
			else if (!serr)
				serr = server_index(d, row, &stale);
		} else if (!strcmp(uuid, d->srv_row)) {
			row = json_object_get(ru, "modify");
			conn = json_object_get(row, "connected");
			if (json_object_get(ru, "delete") ||
			    (conn && !json_is_true(conn)))
				err = -EPROTO;
			else if (!serr)
				serr = server_index(d, row, &stale);
		}
	}
	json_decref(j);
	if (err) {
		snprintf(why, why_len,
			 "server not connected to its cluster, trying another");
	} else if (serr) {
		d->stale_refused++;
		snprintf(why, why_len,
			 "server has stale data (raft index %llu, %llu seen), trying another",
			 (unsigned long long)stale,
			 (unsigned long long)d->min_index);
		err = -EPROTO;
	}
	return err;
}

/* The transaction id we now stand at: the newest of the passed ones. */
static void txn_pass(struct dbconn *d, const char *id)
{
	snprintf(d->txn_id, sizeof(d->txn_id), "%s", id);
	/* The nil id: a server without transaction history. */
	if (strcmp(id, "00000000-0000-0000-0000-000000000000"))
		memcpy(d->passed[d->n_passed++ % SBVIEW_TXN_RING], d->txn_id,
		       sizeof(d->txn_id));
}

/* Is id one we passed before the one we stand at? */
static bool txn_behind(const struct dbconn *d, const char *id)
{
	unsigned int i, n = d->n_passed < SBVIEW_TXN_RING ? d->n_passed :
			    SBVIEW_TXN_RING;

	for (i = 0; i < n; i++)
		if (!strcmp(d->passed[i], id))
			return strcmp(d->txn_id, id) != 0;
	return false;
}

static void sess_disconnected(void *arg, struct ovsdb_sess *s)
{
	struct sbview *v = arg;
	struct dbconn *d = dbconn_of(v, s);

	d->req_id = 0;
	if (d->synced && v->ops->connection)
		v->ops->connection(v->ctx, d->name, false);
	d->synced = false;
}

static int fail(struct ovsdb_err *e, char *why, size_t n, const char *ctx)
{
	snprintf(why, n, "%s: %s", ctx, e->why);
	return -EPROTO;
}

/* Splits a JSON array given as text into at most max element spans. */
static int split_array(const char *s, size_t n, const char **el,
		       size_t *el_len, int max)
{
	struct json_walk w = { s, s + n };
	bool first = true;
	int k = 0, r;

	while ((r = json_walk_next_elem(&w, &first)) == 1) {
		const char *es;

		if (k == max || json_walk_skip(&w, &es))
			return -EPROTO;
		el[k] = es;
		el_len[k++] = w.p - es;
	}
	if (r < 0 || json_walk_ws(&w))
		return -EPROTO;
	return k;
}

static const char *err_text(json_t *err)
{
	if (json_is_string(err))
		return json_string_value(err);
	if (json_is_string(json_object_get(err, "error")))
		return json_string_value(json_object_get(err, "error"));
	return "error";
}

static int handle_reply(struct sbview *v, struct dbconn *d,
			const struct jsonrpc_raw *m, char *why, size_t why_len)
{
	struct ovsdb_err e = { "" };
	enum db_id db = d - v->db;
	bool snapshot = true, v2 = true;

	if (d->srv_req_id && json_is_integer(m->id) &&
	    json_integer_value(m->id) == d->srv_req_id) {
		int err = 0;

		d->srv_req_id = 0;
		/* No _Server (an old or a non-OVS server): go on. */
		if (m->result && (!m->error || json_is_null(m->error)))
			err = server_rows(d, m->result, m->result_len, why,
					  why_len);
		if (!err)
			send_schema(v, d);
		return err;
	}
	if (d->schema_req_id && json_is_integer(m->id) &&
	    json_integer_value(m->id) == d->schema_req_id)
		return schema_reply(v, d, m, why, why_len);
	if (!d->req_id || !json_is_integer(m->id) ||
	    json_integer_value(m->id) != d->req_id)
		return 0;	/* not ours to care about */
	d->req_id = 0;
	if (m->error && !json_is_null(m->error)) {
		/* An older server: fall back one method. */
		if (d->method == MON_PLAIN) {
			snprintf(why, why_len, "monitor refused: %.100s",
				 err_text(m->error));
			return -EPROTO;
		}
		d->method++;
		send_monitor(v, d);
		return 0;
	}
	if (!m->result) {
		snprintf(why, why_len, "monitor reply without result");
		return -EPROTO;
	}
	if (d->method == MON_SINCE) {
		const char *el[3];
		size_t el_len[3];
		json_t *found, *txn;
		uint8_t u[16];
		bool okay;

		if (split_array(m->result, m->result_len, el, el_len, 3) != 3) {
			snprintf(why, why_len,
				 "monitor_cond_since reply is not [found, txn, updates]");
			return -EPROTO;
		}
		found = json_walk_load(el[0], el[0] + el_len[0]);
		txn = json_walk_load(el[1], el[1] + el_len[1]);
		okay = json_is_boolean(found) && json_is_string(txn);
		snapshot = !json_is_true(found);
		if (okay && snapshot && d->txn_id[0] &&
		    txn_behind(d, json_string_value(txn))) {
			/* Its snapshot is older than what we applied. */
			d->stale_refused++;
			snprintf(why, why_len,
				 "server is behind (at transaction %.36s, we are at %s), trying another",
				 json_string_value(txn), d->txn_id);
			json_decref(found);
			json_decref(txn);
			return -EPROTO;
		}
		if (okay && ovsdb_parse_uuid(json_string_value(txn), u)) {
			json_decref(found);
			json_decref(txn);
			snprintf(why, why_len, "bad transaction id in reply");
			return -EPROTO;
		}
		if (!okay) {
			json_decref(found);
			json_decref(txn);
			snprintf(why, why_len,
				 "monitor_cond_since reply is not [found, txn, updates]");
			return -EPROTO;
		}
		if (apply_updates(v, db, el[2], el_len[2], true, snapshot, &e)) {
			json_decref(found);
			json_decref(txn);
			return fail(&e, why, why_len, "monitor reply");
		}
		if (!snapshot)
			d->resumes++;
		txn_pass(d, json_string_value(txn));
		json_decref(found);
		json_decref(txn);
	} else {
		v2 = d->method == MON_COND;
		if (apply_updates(v, db, m->result, m->result_len, v2, true, &e))
			return fail(&e, why, why_len, "monitor reply");
		d->txn_id[0] = '\0';
	}
	d->synced = true;
	d->updates++;
	if (d->sess)
		ovsdb_sess_synced(d->sess);
	if (v->ops->connection)
		v->ops->connection(v->ctx, d->name, true);
	return 0;
}

static int handle_notify(struct sbview *v, struct dbconn *d,
			 const struct jsonrpc_raw *m, char *why, size_t why_len)
{
	const char *meth = json_string_value(m->method);
	struct ovsdb_err e = { "" };
	enum db_id db = d - v->db;
	char txn_id[SBVIEW_UUID_LEN + 1] = "";
	const char *el[3];
	size_t el_len[3];
	json_t *id;
	int want, n;
	bool v2, okay;

	if (!strcmp(meth, "update3"))
		want = 3;
	else if (!strcmp(meth, "update2") || !strcmp(meth, "update"))
		want = 2;
	else if (!strcmp(meth, "monitor_canceled")) {
		snprintf(why, why_len, "server canceled the monitor");
		return -EPROTO;
	} else {
		return 0;	/* "locked", "stolen", ...: not ours */
	}
	n = split_array(m->params, m->params_len, el, el_len, 3);
	id = n == want ? json_walk_load(el[0], el[0] + el_len[0]) : NULL;
	if (want == 2 && json_is_string(id) &&
	    !strcmp(json_string_value(id), SRV_MON_ID) &&
	    !strcmp(meth, "update2")) {
		json_decref(id);
		return server_rows(d, el[1], el_len[1], why, why_len);
	}
	okay = json_is_string(id) && !strcmp(json_string_value(id), d->mon_id);
	json_decref(id);
	if (!okay) {
		snprintf(why, why_len, "%s with bad params", meth);
		return -EPROTO;
	}
	if (!d->synced) {
		snprintf(why, why_len, "%s before the monitor reply", meth);
		return -EPROTO;
	}
	v2 = want == 3 || !strcmp(meth, "update2");
	if (want == 3) {
		json_t *txn = json_walk_load(el[1], el[1] + el_len[1]);
		uint8_t u[16];

		okay = json_is_string(txn) &&
		       !ovsdb_parse_uuid(json_string_value(txn), u);
		if (okay)
			snprintf(txn_id, sizeof(txn_id), "%s",
				 json_string_value(txn));
		json_decref(txn);
		if (!okay) {
			snprintf(why, why_len, "update3 with bad transaction id");
			return -EPROTO;
		}
	}
	if (apply_updates(v, db, el[want - 1], el_len[want - 1], v2, false, &e))
		return fail(&e, why, why_len, meth);
	if (want == 3)
		txn_pass(d, txn_id);
	d->updates++;
	return 0;
}

static int db_message(struct sbview *v, struct dbconn *d,
		      const struct jsonrpc_raw *m, char *why, size_t why_len)
{
	/* Errors are counted by the session when it drops us. */
	if (m->method)
		return handle_notify(v, d, m, why, why_len);
	return handle_reply(v, d, m, why, why_len);
}

static int sess_message(void *arg, struct ovsdb_sess *s,
			const struct jsonrpc_raw *m, char *why, size_t why_len)
{
	struct sbview *v = arg;

	return db_message(v, dbconn_of(v, s), m, why, why_len);
}

int sbview_inject(struct sbview *v, int db, int method, const char *buf,
		  size_t len, char *why, size_t why_len)
{
	struct dbconn *d = &v->db[db ? DB_LOCAL : DB_SB];
	struct jsonrpc_raw m;
	int err = jsonrpc_parse_raw(buf, len, &m, why, why_len);

	if (err)
		return err;
	if (!m.method && !d->synced) {
		if (!d->req_id)
			d->method = method < 0 || method > MON_PLAIN ?
				    MON_SINCE : method;
		d->req_id = json_is_integer(m.id) ? json_integer_value(m.id) : 1;
	}
	err = db_message(v, d, &m, why, why_len);
	jsonrpc_raw_free(&m);
	if (err) {
		/* What the session would do: drop, and later resync. */
		if (d->synced && v->ops->connection)
			v->ops->connection(v->ctx, d->name, false);
		d->synced = false;
		d->req_id = 0;
	}
	return err;
}

static const struct ovsdb_sess_ops sess_ops = {
	.connected = sess_connected,
	.message = sess_message,
	.disconnected = sess_disconnected,
};

/* ---- public API ---- */

struct sbview *sbview_create(const struct sbview_ops *ops, void *ctx)
{
	static const struct sbview_ops none;
	struct sbview *v = calloc(1, sizeof(*v));
	int i;

	if (!v)
		return NULL;
	v->ops = ops ? ops : &none;
	v->ctx = ctx;
	for (i = 0; i < T_MAX; i++) {
		v->t[i] = tbl_defs[i];
		v->t[i].present = ~0u;
	}
	v->db[DB_SB].name = "OVN_Southbound";
	v->db[DB_SB].mon_id = "ovnmig-sb";
	v->db[DB_LOCAL].name = "Open_vSwitch";
	v->db[DB_LOCAL].mon_id = "ovnmig-local";
	v->probe_ms = 5000;
	return v;
}

static void free_rows(struct sbview *v)
{
	int i;

	for (i = 0; i < T_MAX; i++) {
		struct tbl *t = &v->t[i];
		size_t b;

		for (b = 0; t->rows.b && b <= t->rows.mask; b++) {
			struct hnode *h = t->rows.b[b], *next;

			for (; h; h = next) {
				next = h->next;
				t->free(container_of(h, struct row, hn));
			}
		}
		free(t->rows.b);
		memset(&t->rows, 0, sizeof(t->rows));
		free(v->pending[i].b);
		memset(&v->pending[i], 0, sizeof(v->pending[i]));
	}
	free(v->ch_by_name.b);
	free(v->pb_by_port.b);
	free(v->if_by_id.b);
}

void sbview_destroy(struct sbview *v)
{
	if (!v)
		return;
	ovsdb_sess_destroy(v->db[DB_SB].sess);
	ovsdb_sess_destroy(v->db[DB_LOCAL].sess);
	discard_changes(v);
	free(v->ch);
	free_rows(v);
	free(v);
}

static int connect_db(struct sbview *v, enum db_id db, const char *remotes,
		      const struct ovsdb_ssl_opts *ssl)
{
	struct dbconn *d = &v->db[db];
	struct ovsdb_sess *s = ovsdb_sess_create(remotes, ssl, &sess_ops, v,
						 d->name);

	if (!s)
		return -EINVAL;
	ovsdb_sess_destroy(d->sess);
	d->sess = s;
	d->synced = false;
	d->req_id = 0;
	ovsdb_sess_set_probe(s, v->probe_ms);
	return 0;
}

int sbview_connect_sb(struct sbview *v, const char *remotes,
		      const struct ovsdb_ssl_opts *ssl)
{
	return connect_db(v, DB_SB, remotes, ssl);
}

int sbview_connect_local(struct sbview *v, const char *ovs_remote)
{
	return connect_db(v, DB_LOCAL, ovs_remote, NULL);
}

void sbview_set_probe(struct sbview *v, int probe_ms)
{
	int i;

	v->probe_ms = probe_ms;
	for (i = 0; i < DB_MAX; i++)
		if (v->db[i].sess)
			ovsdb_sess_set_probe(v->db[i].sess, probe_ms);
}

void sbview_set_backoff(struct sbview *v, int min_ms, int max_ms)
{
	int i;

	for (i = 0; i < DB_MAX; i++)
		if (v->db[i].sess)
			ovsdb_sess_set_backoff(v->db[i].sess, min_ms, max_ms);
}

int sbview_fds(const struct sbview *v, struct pollfd *pfd, int max)
{
	int i, n = 0;

	for (i = 0; i < DB_MAX && n < max; i++) {
		if (!v->db[i].sess)
			continue;
		ovsdb_sess_pollfd(v->db[i].sess, &pfd[n]);
		if (pfd[n].fd >= 0)
			n++;
	}
	return n;
}

int sbview_timeout(const struct sbview *v)
{
	uint64_t now = ovsdb_now_ms();
	int i, best = -1;

	for (i = 0; i < DB_MAX; i++) {
		int t;

		if (!v->db[i].sess)
			continue;
		t = ovsdb_sess_timeout(v->db[i].sess, now);
		if (t >= 0 && (best < 0 || t < best))
			best = t;
	}
	return best;
}

int sbview_run(struct sbview *v, int timeout_ms)
{
	int i;

	if (timeout_ms) {
		struct pollfd pfd[SBVIEW_MAX_FDS];
		int n = sbview_fds(v, pfd, SBVIEW_MAX_FDS);
		int t = sbview_timeout(v);

		if (t < 0 || (timeout_ms >= 0 && t > timeout_ms))
			t = timeout_ms;
		if (poll(pfd, n, t) < 0 && errno != EINTR)
			return -errno;
	}
	for (i = 0; i < DB_MAX; i++)
		if (v->db[i].sess)
			ovsdb_sess_run(v->db[i].sess);
	return 0;
}

void sbview_get_status(const struct sbview *v, struct sbview_status *st)
{
	const struct dbconn *sb = &v->db[DB_SB], *lo = &v->db[DB_LOCAL];

	memset(st, 0, sizeof(*st));
	st->sb_connected = sb->synced;
	st->local_connected = lo->synced;
	if (sb->sess) {
		snprintf(st->sb_remote, sizeof(st->sb_remote), "%s",
			 ovsdb_sess_remote(sb->sess));
		st->sb_reconnects = ovsdb_sess_reconnects(sb->sess);
	}
	snprintf(st->sb_txn_id, sizeof(st->sb_txn_id), "%s", sb->txn_id);
	if (lo->sess)
		st->local_reconnects = ovsdb_sess_reconnects(lo->sess);
	st->sb_updates = sb->updates;
	st->sb_resumes = sb->resumes;
	st->rows_skipped = v->rows_skipped;
	st->sb_index = sb->min_index;
	st->sb_stale_refused = sb->stale_refused;
	snprintf(st->sb_model, sizeof(st->sb_model), "%s", sb->model);
	st->errors = (sb->sess ? ovsdb_sess_errors(sb->sess) : 0) +
		     (lo->sess ? ovsdb_sess_errors(lo->sess) : 0);
}

/* ---- lookups ---- */

const struct sbview_chassis *sbview_chassis_by_uuid(const struct sbview *v,
						     const char *uuid)
{
	uint8_t u[16];
	const struct row *r;

	if (!uuid || ovsdb_parse_uuid(uuid, u))
		return NULL;
	r = row_find(&v->t[T_CHASSIS], u);
	return r ? &((const struct ch_row *)r)->pub : NULL;
}

const struct sbview_chassis *sbview_chassis_by_name(const struct sbview *v,
						     const char *name)
{
	struct hnode *h;

	if (!name)
		return NULL;
	HMAP_FOR_EACH_HASH(h, &v->ch_by_name, hash_str(name)) {
		const struct ch_row *c = container_of(h, struct ch_row, by_name);

		if (str_eq(c->name, name))
			return &c->pub;
	}
	return NULL;
}

static const struct pb_row *pb_find(const struct sbview *v, const char *port)
{
	struct hnode *h;

	if (!port)
		return NULL;
	HMAP_FOR_EACH_HASH(h, &v->pb_by_port, hash_str(port)) {
		const struct pb_row *p = container_of(h, struct pb_row, by_port);

		if (str_eq(p->lport, port))
			return p;
	}
	return NULL;
}

const struct sbview_binding *sbview_binding_by_port(const struct sbview *v,
						     const char *logical_port)
{
	struct sbview *mv = (struct sbview *)v;	/* the ring is scratch */
	const struct pb_row *p = pb_find(v, logical_port);
	struct sbview_binding *b;

	if (!p)
		return NULL;
	b = &mv->ring[mv->ring_i++ % SBVIEW_LOOKUP_RING];
	pb_pub(p, b);
	return b;
}

bool sbview_binding_get(const struct sbview *v, const char *logical_port,
			struct sbview_binding *out)
{
	const struct pb_row *p = pb_find(v, logical_port);

	if (p)
		pb_pub(p, out);
	return p != NULL;
}

const struct sbview_local *sbview_local(const struct sbview *v)
{
	return v->have_local ? &v->local : NULL;
}

uint32_t sbview_datapath_key(const struct sbview *v, const char *dp_uuid)
{
	uint8_t u[16];

	if (!dp_uuid || ovsdb_parse_uuid(dp_uuid, u))
		return 0;
	return dp_key_of((struct sbview *)v, u);
}

const struct sbview_iface *sbview_iface_by_id(const struct sbview *v,
					      const char *iface_id)
{
	struct sbview *mv = (struct sbview *)v;
	struct hnode *h;

	if (!iface_id || !*iface_id)
		return NULL;
	HMAP_FOR_EACH_HASH(h, &v->if_by_id, hash_str(iface_id)) {
		const struct if_row *i = container_of(h, struct if_row, by_id);

		if (str_eq(i->iface_id, iface_id)) {
			if_pub(i, &mv->iface_tmp);
			return &mv->iface_tmp;
		}
	}
	return NULL;
}

#define FOREACH_ROW(v, ti, r, body)					\
	do {								\
		const struct hmap *m_ = &(v)->t[ti].rows;		\
		size_t b_;						\
		for (b_ = 0; m_->b && b_ <= m_->mask; b_++) {		\
			struct hnode *h_;				\
			for (h_ = m_->b[b_]; h_; h_ = h_->next) {	\
				const struct row *r =			\
					container_of(h_, struct row, hn); \
				body					\
			}						\
		}							\
	} while (0)

int sbview_foreach_binding(const struct sbview *v,
			   int (*cb)(void *arg, const struct sbview_binding *b),
			   void *arg)
{
	struct sbview_binding tmp;

	FOREACH_ROW(v, T_PB, r, {
		int ret;

		if (!pb_usable(r))
			continue;
		pb_pub((const struct pb_row *)r, &tmp);
		ret = cb(arg, &tmp);
		if (ret)
			return ret;
	});
	return 0;
}

int sbview_foreach_chassis(const struct sbview *v,
			   int (*cb)(void *arg, const struct sbview_chassis *c),
			   void *arg)
{
	FOREACH_ROW(v, T_CHASSIS, r, {
		int ret = cb(arg, &((const struct ch_row *)r)->pub);

		if (ret)
			return ret;
	});
	return 0;
}

int sbview_foreach_iface(const struct sbview *v,
			 int (*cb)(void *arg, const struct sbview_iface *i),
			 void *arg)
{
	struct sbview_iface tmp;

	FOREACH_ROW(v, T_IFACE, r, {
		int ret;

		if (!((const struct if_row *)r)->iface_id)
			continue;
		if_pub((const struct if_row *)r, &tmp);
		ret = cb(arg, &tmp);
		if (ret)
			return ret;
	});
	return 0;
}

unsigned int sbview_n_bindings(const struct sbview *v)
{
	return v->pb_by_port.n;	/* the usable ones */
}

unsigned int sbview_n_chassis(const struct sbview *v)
{
	return v->t[T_CHASSIS].rows.n;
}
