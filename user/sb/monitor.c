// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Southbound view's side of its OVSDB sessions (view.h): monitor
 * requests and their replies, schema negotiation, the _Server database
 * of a clustered DB, and the update notifications.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb/jsonrpc.h"
#include "view.h"

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

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/*
 * Splits a JSON array given as text into at most max element spans.  The
 * max-th element (the table updates, by far the largest: megabytes in a
 * snapshot) is not walked here: its span runs to the array's closing
 * bracket, so it may hold more elements after it; whoever parses it
 * checks that nothing follows (apply_updates() and jansson both do).
 * The array's text was checked as one balanced value before (its span
 * comes from jsonrpc_parse_raw()).
 */
static int split_array(const char *s, size_t n, const char **el,
		       size_t *el_len, int max)
{
	struct json_walk w = { s, s + n };
	bool first = true;
	int k = 0, r;

	while ((r = json_walk_next_elem(&w, &first)) == 1) {
		const char *es, *e = s + n;

		if (k == max - 1) {
			json_walk_ws(&w);
			while (e > w.p && is_ws(e[-1]))
				e--;
			if (e == w.p || e[-1] != ']')
				return -EPROTO;
			el[k] = w.p;
			el_len[k++] = e - 1 - w.p;
			return k;
		}
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
	int err;

	v->drop_text = true;
	err = db_message(v, dbconn_of(v, s), m, why, why_len);
	v->drop_text = false;
	return err;
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

const struct ovsdb_sess_ops sess_ops = {
	.connected = sess_connected,
	.message = sess_message,
	.disconnected = sess_disconnected,
};
