// SPDX-License-Identifier: GPL-2.0-only
/*
 * sbview: the typed view of the Southbound and local Open vSwitch
 * databases (sbview.h): create, connect, run, and the accessors.  How an
 * update is applied is in update.c, the tables in tables.c, the session
 * side in monitor.c (view.h).
 *
 * Rows are kept compact (binary uuids, strings only as long as they are)
 * because a Southbound can hold 100,000 bindings; the public structs are
 * built on demand.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

/* ---- public API ---- */

struct sbview *sbview_create(const struct sbview_ops *ops, void *ctx)
{
	static const struct sbview_ops none;
	struct sbview *v = xcalloc(1, sizeof(*v));
	int i;

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
		struct hnode *h, *next;
		size_t b;

		HMAP_FOR_EACH_SAFE(h, next, b, &t->rows)
			t->free(container_of(h, struct row, hn));
		hmap_destroy(&t->rows);
		hmap_destroy(&v->pending[i]);
	}
	hmap_destroy(&v->ch_by_name);
	hmap_destroy(&v->pb_by_port);
	hmap_destroy(&v->if_by_id);
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
	jv_doc_free(&v->jd);
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
