// SPDX-License-Identifier: GPL-2.0-only
/* OVSDB client session: remotes, reconnect, echo probe; datum readers. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonrpc.h"
#include "lib/util.h"
#include "ovsdb.h"
#include "stream.h"

#define BACKOFF_MIN_MS		100
#define BACKOFF_MAX_MS		8000
#define CONNECT_TIMEOUT_MS	5000
#define MAX_REMOTES		16

enum sess_state { S_BACKOFF, S_CONNECTING, S_ACTIVE };

struct ovsdb_sess {
	char *remotes[MAX_REMOTES];
	int n_remotes, cur;
	struct ovsdb_ssl_opts ssl;
	const struct ovsdb_sess_ops *ops;
	void *arg;
	char db[64];

	enum sess_state state;
	struct stream *st;	/* while connecting */
	struct jsonrpc *rpc;	/* while active */
	uint64_t next_try_ms, conn_start_ms, last_rx_ms;
	int backoff_ms, backoff_min, backoff_max;
	int probe_ms;
	bool probe_sent;
	unsigned int next_id;

	uint64_t reconnects, errors;
	char last_log[256];
};

uint64_t ovsdb_now_ms(void)
{
	return mono_ms();
}

void ovsdb_log(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ovsdb: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A remote that keeps failing the same way is logged once, not at every
 * retry. */
static void sess_log(struct ovsdb_sess *s, const char *why)
{
	char line[256];

	snprintf(line, sizeof(line), "%s: %s", s->remotes[s->cur], why);
	if (!strcmp(line, s->last_log))
		return;
	snprintf(s->last_log, sizeof(s->last_log), "%s", line);
	ovsdb_log("%s", line);
}

struct ovsdb_sess *ovsdb_sess_create(const char *remotes,
				     const struct ovsdb_ssl_opts *ssl,
				     const struct ovsdb_sess_ops *ops,
				     void *arg, const char *db)
{
	struct ovsdb_sess *s = xcalloc(1, sizeof(*s));
	char *copy = xstrdup(remotes ? remotes : ""), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (s->n_remotes == MAX_REMOTES ||
		    stream_verify_target(tok) < 0) {
			ovsdb_log("%s: bad remote (want tcp:IP:PORT, ssl:IP:PORT or unix:PATH)",
				  tok);
			free(copy);
			goto fail;
		}
		if (!strncmp(tok, "ssl:", 4) &&
		    (!ssl || !ssl->private_key || !ssl->certificate ||
		     !ssl->ca_cert)) {
			ovsdb_log("%s: ssl needs a private key, a certificate and a CA certificate",
				  tok);
			free(copy);
			goto fail;
		}
		s->remotes[s->n_remotes++] = xstrdup(tok);
	}
	free(copy);
	if (!s->n_remotes) {
		ovsdb_log("no remote given");
		goto fail;
	}
	if (ssl) {
		s->ssl.private_key = ssl->private_key ?
				     xstrdup(ssl->private_key) : NULL;
		s->ssl.certificate = ssl->certificate ?
				     xstrdup(ssl->certificate) : NULL;
		s->ssl.ca_cert = ssl->ca_cert ? xstrdup(ssl->ca_cert) : NULL;
	}
	s->ops = ops;
	s->arg = arg;
	snprintf(s->db, sizeof(s->db), "%s", db);
	s->state = S_BACKOFF;
	s->next_try_ms = 0;
	s->backoff_ms = s->backoff_min = BACKOFF_MIN_MS;
	s->backoff_max = BACKOFF_MAX_MS;
	s->probe_ms = 5000;
	return s;
fail:
	ovsdb_sess_destroy(s);
	return NULL;
}

void ovsdb_sess_destroy(struct ovsdb_sess *s)
{
	int i;

	if (!s)
		return;
	stream_close(s->st);
	jsonrpc_close(s->rpc);
	for (i = 0; i < s->n_remotes; i++)
		free(s->remotes[i]);
	free((char *)s->ssl.private_key);
	free((char *)s->ssl.certificate);
	free((char *)s->ssl.ca_cert);
	free(s);
}

void ovsdb_sess_set_backoff(struct ovsdb_sess *s, int min_ms, int max_ms)
{
	s->backoff_min = min_ms > 0 ? min_ms : 1;
	s->backoff_max = max_ms > s->backoff_min ? max_ms : s->backoff_min;
	s->backoff_ms = s->backoff_min;
}

void ovsdb_sess_set_probe(struct ovsdb_sess *s, int probe_ms)
{
	s->probe_ms = probe_ms > 0 ? probe_ms : 0;
}

static void sess_fail(struct ovsdb_sess *s, const char *why)
{
	bool was_active = s->state == S_ACTIVE;
	uint64_t now = ovsdb_now_ms();

	if (why)
		sess_log(s, why);
	stream_close(s->st);
	s->st = NULL;
	jsonrpc_close(s->rpc);
	s->rpc = NULL;
	s->state = S_BACKOFF;
	if (was_active)
		s->reconnects++;
	/* A cluster member that just died: try the next one at once;
	 * otherwise back off, so a dead cluster costs us nothing. */
	if (was_active && s->backoff_ms == s->backoff_min)
		s->next_try_ms = now;
	else
		s->next_try_ms = now + s->backoff_ms;
	/* Until a sync succeeds, every failure doubles the wait, also for
	 * a server that accepts and then fails us each time. */
	s->backoff_ms = s->backoff_ms * 2 > s->backoff_max ?
			s->backoff_max : s->backoff_ms * 2;
	s->cur = (s->cur + 1) % s->n_remotes;
	if (was_active && s->ops->disconnected)
		s->ops->disconnected(s->arg, s);
}

void ovsdb_sess_drop(struct ovsdb_sess *s, const char *why)
{
	if (s->state == S_BACKOFF)
		return;
	s->errors++;
	sess_fail(s, why);
}

void ovsdb_sess_synced(struct ovsdb_sess *s)
{
	s->backoff_ms = s->backoff_min;
	s->last_log[0] = '\0';
}

bool ovsdb_sess_connected(const struct ovsdb_sess *s)
{
	return s->state == S_ACTIVE;
}

const char *ovsdb_sess_remote(const struct ovsdb_sess *s)
{
	return s->state == S_BACKOFF ? "" : s->remotes[s->cur];
}

uint64_t ovsdb_sess_reconnects(const struct ovsdb_sess *s)
{
	return s->reconnects;
}

uint64_t ovsdb_sess_errors(const struct ovsdb_sess *s)
{
	return s->errors;
}

void ovsdb_sess_pollfd(const struct ovsdb_sess *s, struct pollfd *p)
{
	p->fd = -1;
	p->events = 0;
	p->revents = 0;
	if (s->state == S_CONNECTING) {
		p->fd = stream_fd(s->st);
		p->events = stream_events(s->st, true);
	} else if (s->state == S_ACTIVE) {
		struct stream *st = jsonrpc_stream(s->rpc);

		p->fd = stream_fd(st);
		p->events = stream_events(st, jsonrpc_backlog(s->rpc));
	}
}

int ovsdb_sess_timeout(const struct ovsdb_sess *s, uint64_t now)
{
	uint64_t due;

	switch (s->state) {
	case S_BACKOFF:
		due = s->next_try_ms;
		break;
	case S_CONNECTING:
		due = s->conn_start_ms + CONNECT_TIMEOUT_MS;
		break;
	default:
		if (jsonrpc_stream(s->rpc) &&
		    stream_pending(jsonrpc_stream(s->rpc)))
			return 0;
		if (!s->probe_ms)
			return -1;
		due = s->last_rx_ms + s->probe_ms * (s->probe_sent ? 2 : 1);
		break;
	}
	return due <= now ? 0 : (int)(due - now);
}

int ovsdb_sess_send(struct ovsdb_sess *s, json_t *msg)
{
	int err;

	if (s->state != S_ACTIVE) {
		json_decref(msg);
		return -ENOTCONN;
	}
	err = jsonrpc_send(s->rpc, msg);
	if (err == -ENOBUFS) {
		/* A peer that floods us (echo requests) and reads nothing:
		 * a protocol error, counted with the others. */
		s->errors++;
		sess_fail(s, "send: peer not reading, output backlog over "
			  "the limit");
	} else if (err < 0) {
		char why[128];

		snprintf(why, sizeof(why), "send: %s", strerror(-err));
		sess_fail(s, why);
	}
	return err;
}

int ovsdb_sess_request(struct ovsdb_sess *s, const char *method,
		       json_t *params)
{
	unsigned int id = ++s->next_id;
	int err;

	if (!id)
		id = ++s->next_id;
	err = ovsdb_sess_send(s, jsonrpc_request(method, params, id));
	return err < 0 ? err : (int)(id & 0x7fffffff);
}

static void sess_start(struct ovsdb_sess *s, uint64_t now)
{
	int err = stream_open(s->remotes[s->cur], &s->ssl, &s->st);

	if (err) {
		char why[128];

		snprintf(why, sizeof(why), "connect: %s", strerror(-err));
		sess_fail(s, why);
		return;
	}
	s->state = S_CONNECTING;
	s->conn_start_ms = now;
}

static void sess_active(struct ovsdb_sess *s, uint64_t now)
{
	s->rpc = jsonrpc_open(s->st);
	s->st = NULL;
	if (!s->rpc) {
		sess_fail(s, "out of memory");
		return;
	}
	s->state = S_ACTIVE;
	s->last_rx_ms = now;
	s->probe_sent = false;
	s->next_id &= 0x3fffffff;
	if (s->ops->connected)
		s->ops->connected(s->arg, s);
}

/* Echo requests are answered here; replies to our own echo only prove
 * the peer is alive.  1: handled, -EPROTO: a bad echo. */
static int handle_echo(struct ovsdb_sess *s, const struct jsonrpc_raw *m)
{
	if (m->method && !strcmp(json_string_value(m->method), "echo")) {
		json_t *params = json_walk_load(m->params,
						m->params + m->params_len);

		if (!params)
			return -EPROTO;
		if (m->id && !json_is_null(m->id))
			ovsdb_sess_send(s, jsonrpc_reply(params, m->id));
		else
			json_decref(params);
		return 1;
	}
	if (!m->method && json_is_string(m->id) &&
	    !strcmp(json_string_value(m->id), "echo"))
		return 1;
	return 0;
}

static void sess_read(struct ovsdb_sess *s)
{
	/* Bounded so a flood of small messages cannot starve the other
	 * DB or the agent's own work; the rest is read on the next run. */
	for (int i = 0; i < 4096 && s->state == S_ACTIVE; i++) {
		char why[256] = "";
		struct jsonrpc_raw m;
		int err = jsonrpc_recv_raw(s->rpc, &m, why, sizeof(why));

		if (err == -EAGAIN)
			return;
		if (err) {
			char line[300];

			if (err == -EPROTO) {
				s->errors++;
				snprintf(line, sizeof(line), "protocol error: %s",
					 why);
			} else if (err == -EPIPE) {
				snprintf(line, sizeof(line), "connection closed by peer");
			} else {
				snprintf(line, sizeof(line), "receive: %s",
					 strerror(-err));
			}
			sess_fail(s, line);
			return;
		}
		s->last_rx_ms = ovsdb_now_ms();
		s->probe_sent = false;
		err = handle_echo(s, &m);
		if (err < 0) {
			snprintf(why, sizeof(why), "bad echo request");
		} else if (!err) {
			err = s->ops->message(s->arg, s, &m, why, sizeof(why));
		} else {
			err = 0;
		}
		jsonrpc_raw_free(&m);
		if (err && s->state == S_ACTIVE) {
			char line[300];

			snprintf(line, sizeof(line), "%s", why);
			ovsdb_sess_drop(s, line);
		}
	}
}

void ovsdb_sess_run(struct ovsdb_sess *s)
{
	uint64_t now = ovsdb_now_ms();
	int err;

	if (s->state == S_BACKOFF && now >= s->next_try_ms)
		sess_start(s, now);
	if (s->state == S_CONNECTING) {
		err = stream_connect(s->st);
		if (!err) {
			sess_active(s, now);
		} else if (err != -EAGAIN ||
			   now - s->conn_start_ms >= CONNECT_TIMEOUT_MS) {
			char why[160];

			if (stream_error(s->st))
				snprintf(why, sizeof(why), "connect: %s",
					 stream_error(s->st));
			else
				snprintf(why, sizeof(why), "connect: %s",
					 strerror(err == -EAGAIN ? ETIMEDOUT : -err));
			sess_fail(s, why);
		}
	}
	if (s->state != S_ACTIVE)
		return;
	err = jsonrpc_flush(s->rpc);
	if (err) {
		sess_fail(s, "send failed");
		return;
	}
	sess_read(s);
	if (s->state != S_ACTIVE || !s->probe_ms)
		return;
	now = ovsdb_now_ms();
	if (!s->probe_sent && now - s->last_rx_ms >= (uint64_t)s->probe_ms) {
		s->probe_sent = true;
		ovsdb_sess_send(s, json_pack("{s:s, s:[], s:s}", "method",
					     "echo", "params", "id", "echo"));
	} else if (s->probe_sent &&
		   now - s->last_rx_ms >= 2ull * s->probe_ms) {
		sess_fail(s, "no reply to inactivity probe, reconnecting");
	}
}

/* ---- datum readers ---- */

static int bad(struct ovsdb_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct ovsdb_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return -EPROTO;
}

/* Where each of a uuid's 16 bytes has its two digits in the text; the
 * dashes are at 8, 13, 18 and 23. */
static const uint8_t uuid_at[16] = {
	0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34
};

int ovsdb_parse_uuid(const char *s, uint8_t out[16])
{
	/* A digit's value plus one; 0 for anything else. */
	static const uint8_t hexv[256] = {
		['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
		['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
		['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
		['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
		['E'] = 15, ['F'] = 16,
	};
	int i;

	/* Digit by digit: a NUL (a short string) stops it before the
	 * end of the text. */
	for (i = 0; i < 16; i++) {
		const unsigned char *p = (const unsigned char *)s + uuid_at[i];
		unsigned int h = hexv[p[0]], l;

		if (!h || !(l = hexv[p[1]]))
			return -EINVAL;
		out[i] = (h - 1) << 4 | (l - 1);
		if ((i == 3 || i == 5 || i == 7 || i == 9) && p[2] != '-')
			return -EINVAL;
	}
	return s[OVSDB_UUID_LEN] ? -EINVAL : 0;
}

void ovsdb_format_uuid(const uint8_t u[16], char out[OVSDB_UUID_LEN + 1])
{
	/* Every byte's two digits, built once (the view formats a few
	 * uuids per changed binding). */
	static char hex2[256][2];
	static const char hx[] = "0123456789abcdef";
	int i;

	if (!hex2[255][0]) {
		for (i = 0; i < 256; i++) {
			hex2[i][0] = hx[i >> 4];
			hex2[i][1] = hx[i & 15];
		}
	}
	for (i = 0; i < 16; i++)
		memcpy(out + uuid_at[i], hex2[u[i]], 2);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[OVSDB_UUID_LEN] = '\0';
}

int ovsdb_atom_uuid(const struct jv *j, uint8_t out[16], struct ovsdb_err *e)
{
	const struct jv *tag = j && j->type == JV_ARRAY ? j->first : NULL;
	const struct jv *val = tag ? tag->next : NULL;

	if (!tag || j->n != 2 || tag->type != JV_STRING ||
	    strcmp(tag->s, "uuid") ||
	    val->type != JV_STRING)
		return bad(e, "expected [\"uuid\", <uuid>]");
	if (val->n != OVSDB_UUID_LEN || ovsdb_parse_uuid(val->s, out))
		return bad(e, "malformed uuid");
	return 0;
}

int ovsdb_atom_string(const struct jv *j, size_t max_len, const char **out,
		      struct ovsdb_err *e)
{
	if (j->type != JV_STRING)
		return bad(e, "expected a string");
	if (j->n > max_len)
		return bad(e, "string longer than %zu bytes", max_len);
	/* Embedded NULs are refused by the parser (jv.h). */
	*out = j->s;
	return 0;
}

int ovsdb_atom_int(const struct jv *j, int64_t min, int64_t max, int64_t *out,
		   struct ovsdb_err *e)
{
	if (j->type != JV_INT)
		return bad(e, "expected an integer");
	if (j->i < min || j->i > max)
		return bad(e, "integer %lld out of range [%lld, %lld]",
			   (long long)j->i, (long long)min, (long long)max);
	*out = j->i;
	return 0;
}

int ovsdb_atom_bool(const struct jv *j, bool *out, struct ovsdb_err *e)
{
	if (j->type != JV_TRUE && j->type != JV_FALSE)
		return bad(e, "expected a boolean");
	*out = j->type == JV_TRUE;
	return 0;
}

/* [tag, x]: x, else NULL. */
static const struct jv *tagged(const struct jv *j, const char *tag)
{
	if (j->type != JV_ARRAY || j->n != 2 || j->first->type != JV_STRING ||
	    strcmp(j->first->s, tag))
		return NULL;
	return j->first->next;
}

int ovsdb_set(const struct jv *j, size_t max, const struct jv **atoms,
	      size_t *n, struct ovsdb_err *e)
{
	const struct jv *arr = tagged(j, "set"), *a;
	size_t i = 0;

	*n = 0;
	if (!arr) {
		if (!max)
			return bad(e, "set too large");
		/* A set of one may be given as the atom itself. */
		atoms[0] = j;
		*n = 1;
		return 0;
	}
	if (arr->type != JV_ARRAY)
		return bad(e, "expected [\"set\", [...]]");
	if (arr->n > max)
		return bad(e, "set of %u elements, at most %zu expected",
			   arr->n, max);
	for (a = arr->first; a; a = a->next)
		atoms[i++] = a;
	*n = i;
	return 0;
}

int ovsdb_map_strings(const struct jv *j, size_t max, size_t max_len,
		      int (*cb)(void *arg, const char *k, const char *v),
		      void *arg, struct ovsdb_err *e)
{
	const struct jv *arr = tagged(j, "map"), *pair;

	if (!arr || arr->type != JV_ARRAY)
		return bad(e, "expected [\"map\", [...]]");
	if (arr->n > max)
		return bad(e, "map of %u pairs, at most %zu expected",
			   arr->n, max);
	for (pair = arr->first; pair; pair = pair->next) {
		const char *k = NULL, *v = NULL;

		if (pair->type != JV_ARRAY || pair->n != 2)
			return bad(e, "map pair is not [key, value]");
		if (ovsdb_atom_string(pair->first, max_len, &k, e) ||
		    ovsdb_atom_string(pair->first->next, max_len, &v, e))
			return -EPROTO;
		if (cb(arg, k, v))
			return bad(e, "bad map entry %.40s", k);
	}
	return 0;
}
