// SPDX-License-Identifier: GPL-2.0-only
/*
 * One monitor update of the Southbound view (view.h), in two passes.
 * Pass 1 parses and checks the whole message into new row objects (a
 * modify is applied to a copy of the row), touching nothing that is
 * visible; any error drops the message and the connection, so no callback
 * ever sees part of a bad message.  Pass 2 swaps the new rows in, resolves
 * references (datapath tunnel keys, chassis encaps), then calls the owner
 * once per row whose public form really changed, between begin() and end().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb/jsonrpc.h"
#include "view.h"

/* ---- generic row handling ---- */

static struct row *row_new(const struct tbl *t, const struct row *from,
			   const uint8_t uuid[16])
{
	struct row *r = xcalloc(1, t->size);

	memcpy(r->uuid, uuid, 16);
	if (from) {
		t->copy(r, from);
	} else if (t->init) {
		t->init(r);
	}
	return r;
}

struct row *row_find(const struct tbl *t, const uint8_t uuid[16])
{
	uint32_t h = hash_16(uuid);
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
		struct change *c = xrealloc(v->ch, nc * sizeof(*c));

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

	for (i = 0; i < T_MAX; i++)
		hmap_clear(&v->pending[i]);
}

static bool pending_has(const struct hmap *m, const uint8_t uuid[16])
{
	struct hnode *n;

	HMAP_FOR_EACH_HASH(n, m, hash_16(uuid))
		if (!memcmp(container_of(n, struct row, hn)->uuid, uuid, 16))
			return true;
	return false;
}

/* Pass 1 failed: forget the rows built so far; the view is untouched. */
void discard_changes(struct sbview *v)
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
		      const struct jv *cols, bool diff, struct ovsdb_err *e)
{
	const struct jv *val;

	if (cols->type != JV_OBJECT) {
		snprintf(e->why, sizeof(e->why), "row is not an object");
		return -EPROTO;
	}
	for (val = cols->first; val; val = val->next) {
		/* Columns we did not ask for are ignored. */
		if (t->set(v, r, val->key, val, diff, e)) {
			size_t l = strlen(e->why);

			snprintf(e->why + l, sizeof(e->why) - l, " (%s.%.40s)",
				 t->name, val->key);
			return -EPROTO;
		}
	}
	return 0;
}

/* One <row-update> or <row-update2>.  snapshot: part of a full view. */
static int parse_row(struct sbview *v, enum tbl_id ti, const char *uuid_s,
		     const struct jv *ru, bool v2, bool snapshot,
		     struct ovsdb_err *e)
{
	static const struct jv null = { .type = JV_NULL };
	struct tbl *t = &v->t[ti];
	struct row *cur, *nr;
	uint8_t uuid[16];
	const struct jv *val;
	const char *op;

	if (ovsdb_parse_uuid(uuid_s, uuid)) {
		snprintf(e->why, sizeof(e->why), "bad row uuid in %s", t->name);
		return -EPROTO;
	}
	if (ru->type != JV_OBJECT || ru->n < 1 || ru->n > 2) {
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
		if (ru->n != 1) {
			snprintf(e->why, sizeof(e->why), "bad row update2 in %s",
				 t->name);
			return -EPROTO;
		}
		op = ru->first->key;
		val = ru->first;
	} else {
		const struct jv *nv = jv_get(ru, "new");

		if (nv) {
			op = cur ? "modify1" : "insert";
			val = nv;
		} else if (jv_get(ru, "old")) {
			op = "delete";
			val = &null;
		} else {
			snprintf(e->why, sizeof(e->why), "row update without old or new");
			return -EPROTO;
		}
		if (snapshot)
			op = "initial";
	}
	if (!strcmp(op, "delete")) {
		if (val->type != JV_NULL && val->type != JV_OBJECT) {
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
		hmap_insert(&v->pending[ti], &nr->hn, hash_16(uuid));
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
 * parsed (jv.h, into arrays reused from row to row), so a 100,000-row
 * snapshot never exists as one tree and a row costs no allocation. */
/* Parsed text is given back by this much at a time (a syscall each). */
#define DROP_STEP	(1u << 20)

static int parse_updates(struct sbview *v, enum db_id db, const char *tu,
			 size_t tu_len, bool v2, bool snapshot,
			 struct ovsdb_err *e)
{
	struct json_walk w = { tu, tu + tu_len };
	const char *parsed = tu;
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
			const struct jv *ru = jv_parse(&v->jd, w.p, w.end, &w.p,
						       JSONRPC_MAX_DEPTH);

			if (!ru) {
				snprintf(e->why, sizeof(e->why),
					 "bad JSON in a %s row", tname);
				return -EPROTO;
			}
			if (parse_row(v, ti, uuid, ru, v2, snapshot, e))
				return -EPROTO;
			/*
			 * A snapshot's text (27 MB at 100,000 bindings) and
			 * the rows made of it (jv copies every string) need
			 * not be resident at once: the agent's peak RSS.
			 */
			if (v->drop_text && w.p - parsed >= DROP_STEP) {
				mem_drop(parsed, w.p);
				parsed = w.p;
			}
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

uint32_t dp_key_of(struct sbview *v, const uint8_t dp[16])
{
	struct dp_row *d = (struct dp_row *)row_find(&v->t[T_DP], dp);

	return d ? d->key : 0;
}

/* A uuid's text: copied from @ref_s when @ref has the same bytes (a
 * change's old and new row share most of theirs), else formatted. */
static void uuid_pub(const uint8_t u[16], char *out, const uint8_t *ref,
		     const char *ref_s)
{
	if (ref && !memcmp(u, ref, 16))
		memcpy(out, ref_s, OVSDB_UUID_LEN + 1);
	else
		ovsdb_format_uuid(u, out);
}

/* pb_pub(), with the texts of @r (made from @rp by pb_pub()) reused. */
static void pb_pub_like(const struct pb_row *p, struct sbview_binding *b,
			const struct pb_row *rp, const struct sbview_binding *r)
{
	int i;

	memset(b, 0, sizeof(*b));
	uuid_pub(p->r.uuid, b->uuid.s, rp ? rp->r.uuid : NULL,
		 r ? r->uuid.s : NULL);
	b->logical_port = p->lport ? p->lport : "";
	b->type = p->type ? p->type : "";
	b->dp_key = p->dp_key;
	b->port_key = p->port_key;
	uuid_pub(p->dp, b->datapath.s, rp ? rp->dp : NULL,
		 r ? r->datapath.s : NULL);
	if (p->has_chassis)
		uuid_pub(p->chassis, b->chassis.s,
			 rp && rp->has_chassis ? rp->chassis : NULL,
			 r ? r->chassis.s : NULL);
	b->n_additional = p->n_addl;
	for (i = 0; i < p->n_addl; i++)
		ovsdb_format_uuid(p->addl[i], b->additional[i].s);
	if (p->has_req)
		uuid_pub(p->req, b->requested_chassis.s,
			 rp && rp->has_req ? rp->req : NULL,
			 r ? r->requested_chassis.s : NULL);
	b->requested_opt = p->req_opt ? p->req_opt : "";
	b->activated_opt = p->act_opt ? p->act_opt : "";
	b->up = p->up;
}

void pb_pub(const struct pb_row *p, struct sbview_binding *b)
{
	pb_pub_like(p, b, NULL, NULL);
}

void if_pub(const struct if_row *r, struct sbview_iface *i)
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
	ips = xstrdup(o->encap_ip ? o->encap_ip : "");
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

/* Unlink every old row first, so two rows trading a name do not trip
 * over each other in the secondary indexes; then link the new ones. */
static void swap_rows(struct sbview *v)
{
	size_t i;

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
				    hash_16(c->new->uuid));
			if (t->link)
				t->link(v, c->new);
		}
	}
}

/* Resolve references now that every table is current. */
static void resolve_rows(struct sbview *v, enum db_id db)
{
	size_t i;

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
}

/* begin() before the first callback of an update, and only then. */
static void begin_once(struct sbview *v, bool *began)
{
	if (!*began && v->ops->begin)
		v->ops->begin(v->ctx);
	*began = true;
}

static void report_chassis(struct sbview *v, bool *began)
{
	size_t i;

	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];
		const struct ch_row *o = (const struct ch_row *)c->old;
		const struct ch_row *n = (const struct ch_row *)c->new;

		if (c->t != T_CHASSIS || c->old == c->new)
			continue;
		if (o && n && chassis_pub_eq(&o->pub, &n->pub))
			continue;
		begin_once(v, began);
		if (v->ops->chassis)
			v->ops->chassis(v->ctx, o ? &o->pub : NULL,
					n ? &n->pub : NULL);
	}
}

static void report_bindings(struct sbview *v, bool *began)
{
	static struct sbview_binding ob, nb;
	size_t i;

	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];
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
			pb_pub_like((struct pb_row *)n, &nb,
				    (struct pb_row *)o, o ? &ob : NULL);
		if (o && n && binding_pub_eq(&ob, &nb))
			continue;
		begin_once(v, began);
		if (v->ops->binding)
			v->ops->binding(v->ctx, o ? &ob : NULL, n ? &nb : NULL);
	}
}

static void report_ifaces(struct sbview *v, bool *began)
{
	static struct sbview_iface oi, ni;
	size_t i;

	for (i = 0; i < v->n_ch; i++) {
		struct change *c = &v->ch[i];
		const struct if_row *o = (const struct if_row *)c->old;
		const struct if_row *n = (const struct if_row *)c->new;

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
		begin_once(v, began);
		if (v->ops->iface)
			v->ops->iface(v->ctx, o ? &oi : NULL, n ? &ni : NULL);
	}
}

/* The rows the update replaced or deleted. */
static void release_old(struct sbview *v)
{
	size_t i;

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

static void commit(struct sbview *v, enum db_id db)
{
	struct sbview_local old_local = v->local;
	bool had_local = v->have_local, began = false;

	/* The new rows' nodes go into the rows tables below. */
	clear_pending(v);
	add_dependents(v);
	swap_rows(v);
	resolve_rows(v, db);
	/* Chassis first, so a binding callback can resolve the chassis
	 * it names. */
	report_chassis(v, &began);
	report_bindings(v, &began);
	if (db == DB_LOCAL && (had_local != v->have_local ||
	    (had_local && !local_pub_eq(&old_local, &v->local)))) {
		begin_once(v, &began);
		if (v->ops->local)
			v->ops->local(v->ctx, had_local ? &old_local : NULL,
				      v->have_local ? &v->local : NULL);
	}
	report_ifaces(v, &began);
	if (began && v->ops->end)
		v->ops->end(v->ctx);
	release_old(v);
}

/* Parses and applies one <table-updates[2]>; on error nothing changes. */
int apply_updates(struct sbview *v, enum db_id db, const char *tu,
		  size_t tu_len, bool v2, bool snapshot,
		  struct ovsdb_err *e)
{
	int err;

	if (snapshot)
		v->gen++;
	err = parse_updates(v, db, tu, tu_len, v2, snapshot, e);
	/* A huge row should not pin its arrays. */
	jv_doc_trim(&v->jd, 1u << 20);
	if (err) {
		discard_changes(v);
		return -EPROTO;
	}
	commit(v, db);
	return 0;
}
