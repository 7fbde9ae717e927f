// SPDX-License-Identifier: GPL-2.0-only
/* JSON-RPC 1.0 framing (RFC 7047 section 4) over a stream. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "lib/util.h"
#include "stream.h"

#define RX_CHUNK	(256u << 10)

struct jsonrpc {
	struct stream *s;
	char *rbuf;
	size_t rhead, rlen, rcap;	/* bytes [rhead, rlen) not consumed */
	size_t consumed;		/* the last message, released next time */
	struct jsonrpc_scan sc;
	char *wbuf;
	size_t whead, wlen, wcap;
};

static size_t max_msg = JSONRPC_MAX_MSG, max_backlog = JSONRPC_MAX_BACKLOG;

void jsonrpc_set_limits(size_t msg, size_t backlog)
{
	if (msg)
		max_msg = msg;
	if (backlog)
		max_backlog = backlog;
}

size_t jsonrpc_max_msg(void)
{
	return max_msg;
}

int jsonrpc_scan(struct jsonrpc_scan *sc, const char *buf, size_t len,
		 size_t *msg_len)
{
	size_t i;

	for (i = sc->pos; i < len; i++) {
		char c = buf[i];

		if (!sc->started) {
			/* Only whitespace may separate messages. */
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
				continue;
			if (c != '{')
				return -EPROTO;
			sc->started = true;
			sc->depth = 1;
			sc->n_val = 0;
			continue;
		}
		if (sc->in_str) {
			const char *q, *bs;

			if (sc->esc) {
				sc->esc = false;
				continue;
			}
			/* Most of an update is the text of strings (uuids,
			 * names): jump to the next quote or backslash. */
			q = memchr(buf + i, '"', len - i);
			bs = memchr(buf + i, '\\', (q ? (size_t)(q - buf) : len) - i);
			if (bs) {
				i = bs - buf;
				sc->esc = true;
			} else if (q) {
				i = q - buf;
				sc->in_str = false;
			} else {
				i = len - 1;	/* the string goes on */
			}
			continue;
		}
		switch (c) {
		case '"':
			sc->in_str = true;
			break;
		case '{':
		case '[':
			if (++sc->depth > JSONRPC_MAX_DEPTH)
				return -ELOOP;
			if (sc->depth == 2 && sc->n_val < JSONRPC_SCAN_VALS)
				sc->val_start[sc->n_val] = i;
			break;
		case '}':
		case ']':
			if (sc->depth == 2 && sc->n_val < JSONRPC_SCAN_VALS)
				sc->val_end[sc->n_val++] = i + 1;
			if (--sc->depth == 0) {
				*msg_len = i + 1;
				/* The next message starts afresh; the values
				 * found stay for the caller. */
				sc->pos = 0;
				sc->in_str = sc->esc = sc->started = false;
				return 1;
			}
			break;
		}
	}
	sc->pos = len;
	if (len > max_msg)
		return -EMSGSIZE;
	return 0;
}

static int protoerr(char *why, size_t n, const char *msg)
{
	snprintf(why, n, "%s", msg);
	return -EPROTO;
}

int jsonrpc_parse(const char *buf, size_t len, json_t **out,
		  char *why, size_t why_len)
{
	json_error_t jerr;
	json_t *m, *id;

	*out = NULL;
	m = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!m) {
		snprintf(why, why_len, "bad JSON: %s", jerr.text);
		return -EPROTO;
	}
	if (!json_is_object(m)) {
		json_decref(m);
		return protoerr(why, why_len, "message is not an object");
	}
	id = json_object_get(m, "id");
	if (json_object_get(m, "method")) {
		if (!json_is_string(json_object_get(m, "method")) ||
		    !json_is_array(json_object_get(m, "params"))) {
			json_decref(m);
			return protoerr(why, why_len,
					"request without string method or array params");
		}
	} else if (json_object_get(m, "result") || json_object_get(m, "error")) {
		if (!id || json_is_null(id)) {
			json_decref(m);
			return protoerr(why, why_len, "reply without id");
		}
	} else {
		json_decref(m);
		return protoerr(why, why_len, "neither request nor reply");
	}
	*out = m;
	return 0;
}

/* ---- walking without building ---- */

bool json_walk_ws(struct json_walk *w)
{
	while (w->p < w->end && (*w->p == ' ' || *w->p == '\n' ||
				 *w->p == '\r' || *w->p == '\t'))
		w->p++;
	return w->p < w->end;
}

int json_walk_expect(struct json_walk *w, char c)
{
	if (!json_walk_ws(w) || *w->p != c)
		return -EPROTO;
	w->p++;
	return 0;
}

int json_walk_string(struct json_walk *w, const char **s, size_t *n,
		     bool *esc)
{
	const char *q;

	*esc = false;
	if (json_walk_expect(w, '"'))
		return -EPROTO;
	/* Fast path: no backslash before the closing quote. */
	q = memchr(w->p, '"', w->end - w->p);
	if (q && !memchr(w->p, '\\', q - w->p)) {
		*s = w->p;
		*n = q - w->p;
		w->p = q + 1;
		return 0;
	}
	for (q = w->p; q < w->end && *q != '"'; q++) {
		if (*q == '\\') {
			*esc = true;
			if (++q == w->end)
				return -EPROTO;
		}
	}
	if (q == w->end)
		return -EPROTO;
	*s = w->p;
	*n = q - w->p;
	w->p = q + 1;
	return 0;
}

int json_walk_skip(struct json_walk *w, const char **s)
{
	int depth = 0;

	if (!json_walk_ws(w))
		return -EPROTO;
	*s = w->p;
	do {
		const char *x;
		size_t n;
		bool esc;

		if (!json_walk_ws(w))
			return -EPROTO;
		switch (*w->p) {
		case '"':
			if (json_walk_string(w, &x, &n, &esc))
				return -EPROTO;
			break;
		case '{':
		case '[':
			depth++;
			w->p++;
			break;
		case '}':
		case ']':
			if (--depth < 0)
				return -EPROTO;
			w->p++;
			break;
		case ',':
		case ':':
			if (!depth)
				return -EPROTO;
			w->p++;
			break;
		default:
			/* numbers, true, false, null: up to a delimiter;
			 * jansson checks them later.  (strchr() would
			 * match a NUL byte, hence the explicit test.) */
			x = w->p;
			while (w->p < w->end && *w->p &&
			       !strchr(",:]}[{\" \n\r\t", *w->p))
				w->p++;
			if (w->p == x)
				return -EPROTO;
			break;
		}
	} while (depth > 0);
	return 0;
}

json_t *json_walk_load(const char *s, const char *e)
{
	return json_loadb(s, e - s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			  NULL);
}

int json_walk_next_key(struct json_walk *w, bool *first, char *key,
		       size_t key_len)
{
	const char *s;
	size_t n;
	bool esc;

	if (*first) {
		*first = false;
		if (json_walk_expect(w, '{'))
			return -EPROTO;
		if (json_walk_ws(w) && *w->p == '}') {
			w->p++;
			return 0;
		}
	} else {
		if (!json_walk_ws(w))
			return -EPROTO;
		if (*w->p == '}') {
			w->p++;
			return 0;
		}
		if (*w->p != ',')
			return -EPROTO;
		w->p++;
	}
	if (json_walk_string(w, &s, &n, &esc))
		return -EPROTO;
	if (esc) {
		json_t *j = json_walk_load(s - 1, s + n + 1);
		const char *d = json_string_value(j);

		if (!d || json_string_length(j) >= key_len ||
		    strlen(d) != json_string_length(j)) {
			json_decref(j);
			return -EPROTO;
		}
		memcpy(key, d, json_string_length(j) + 1);
		json_decref(j);
	} else {
		if (n >= key_len)
			return -EPROTO;
		memcpy(key, s, n);
		key[n] = '\0';
		/* Unescaped keys must still be valid UTF-8 and free of
		 * control characters; ours are ASCII, so insist on it. */
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)key[i] < 0x20 ||
			    (unsigned char)key[i] > 0x7e)
				return -EPROTO;
	}
	return json_walk_expect(w, ':') ? -EPROTO : 1;
}

int json_walk_next_elem(struct json_walk *w, bool *first)
{
	if (*first) {
		*first = false;
		if (json_walk_expect(w, '['))
			return -EPROTO;
		if (json_walk_ws(w) && *w->p == ']') {
			w->p++;
			return 0;
		}
		return 1;
	}
	if (!json_walk_ws(w))
		return -EPROTO;
	if (*w->p == ']') {
		w->p++;
		return 0;
	}
	if (*w->p != ',')
		return -EPROTO;
	w->p++;
	return 1;
}

void jsonrpc_raw_free(struct jsonrpc_raw *m)
{
	json_decref(m->id);
	json_decref(m->method);
	json_decref(m->error);
	memset(m, 0, sizeof(*m));
}

/* Past the member value at w->p, from its start *s: at once when the
 * scanner @sc saw where it ends (an array or object: the text is walked
 * by whoever takes it, json_walk_skip() checks little more than the
 * scanner did), else by walking it. */
static int skip_value(struct json_walk *w, const char *buf,
		      const struct jsonrpc_scan *sc, const char **s)
{
	unsigned int i;

	if (!json_walk_ws(w))
		return -EPROTO;
	for (i = 0; sc && i < sc->n_val; i++) {
		if (buf + sc->val_start[i] == w->p) {
			*s = w->p;
			w->p = buf + sc->val_end[i];
			return 0;
		}
	}
	return json_walk_skip(w, s);
}

static int parse_raw(const char *buf, size_t len,
		     const struct jsonrpc_scan *sc, struct jsonrpc_raw *m,
		     char *why, size_t why_len)
{
	struct json_walk w = { buf, buf + len };
	bool first = true;
	char key[16];
	int r;

	memset(m, 0, sizeof(*m));
	while ((r = json_walk_next_key(&w, &first, key, sizeof(key))) == 1) {
		const char *s;
		json_t **slot = NULL;

		if (skip_value(&w, buf, sc, &s))
			goto bad;
		if (!strcmp(key, "id"))
			slot = &m->id;
		else if (!strcmp(key, "method"))
			slot = &m->method;
		else if (!strcmp(key, "error"))
			slot = &m->error;
		if (slot) {
			if (*slot)
				goto bad;	/* duplicate key */
			*slot = json_walk_load(s, w.p);
			if (!*slot)
				goto bad;
		} else if (!strcmp(key, "params") || !strcmp(key, "result")) {
			const char **sp = key[0] == 'p' ? &m->params : &m->result;
			size_t *lp = key[0] == 'p' ? &m->params_len : &m->result_len;

			if (*sp)
				goto bad;
			*sp = s;
			*lp = w.p - s;
		} else {
			/* Not ours, but it must still be JSON. */
			json_t *j = json_walk_load(s, w.p);

			if (!j)
				goto bad;
			json_decref(j);
		}
	}
	if (r < 0 || json_walk_ws(&w))
		goto bad;
	if (m->method) {
		if (!json_is_string(m->method) || !m->params ||
		    *m->params != '[') {
			jsonrpc_raw_free(m);
			return protoerr(why, why_len,
					"request without string method or array params");
		}
	} else if (m->result || m->error) {
		if (!m->id || json_is_null(m->id)) {
			jsonrpc_raw_free(m);
			return protoerr(why, why_len, "reply without id");
		}
	} else {
		jsonrpc_raw_free(m);
		return protoerr(why, why_len, "neither request nor reply");
	}
	return 0;
bad:
	jsonrpc_raw_free(m);
	return protoerr(why, why_len, "bad JSON");
}

int jsonrpc_parse_raw(const char *buf, size_t len, struct jsonrpc_raw *m,
		      char *why, size_t why_len)
{
	return parse_raw(buf, len, NULL, m, why, why_len);
}

struct jsonrpc *jsonrpc_open(struct stream *s)
{
	struct jsonrpc *rpc = xcalloc(1, sizeof(*rpc));

	rpc->s = s;
	return rpc;
}

void jsonrpc_close(struct jsonrpc *rpc)
{
	if (!rpc)
		return;
	stream_close(rpc->s);
	free(rpc->rbuf);
	free(rpc->wbuf);
	free(rpc);
}

struct stream *jsonrpc_stream(const struct jsonrpc *rpc)
{
	return rpc->s;
}

/* Frames one message in the buffer: 1 with [*start, +*mlen), 0 need
 * more, or -EPROTO.  The span stays valid until the next call. */
static int frame_msg(struct jsonrpc *rpc, const char **start, size_t *mlen,
		     char *why, size_t why_len)
{
	int r;

	if (rpc->consumed) {
		/* Release what the previous message used. */
		rpc->rhead += rpc->consumed;
		rpc->consumed = 0;
		if (rpc->rhead == rpc->rlen) {
			rpc->rhead = rpc->rlen = 0;
			/* A huge snapshot should not pin its buffer. */
			if (rpc->rcap > 4 * RX_CHUNK) {
				free(rpc->rbuf);
				rpc->rbuf = NULL;
				rpc->rcap = 0;
			}
		}
	}
	if (rpc->rhead == rpc->rlen)
		return 0;
	r = jsonrpc_scan(&rpc->sc, rpc->rbuf + rpc->rhead,
			 rpc->rlen - rpc->rhead, mlen);
	if (r == -EPROTO)
		return protoerr(why, why_len, "not a JSON object stream");
	if (r == -ELOOP) {
		snprintf(why, why_len, "JSON nested deeper than %d levels",
			 JSONRPC_MAX_DEPTH);
		return -EPROTO;
	}
	if (r == -EMSGSIZE) {
		snprintf(why, why_len, "message larger than %zu bytes",
			 max_msg);
		return -EPROTO;
	}
	if (r == 0)
		return 0;
	*start = rpc->rbuf + rpc->rhead;
	rpc->consumed = *mlen;
	return 1;
}

/* Reads until one message is framed: 0 with the span, or an error. */
static int recv_frame(struct jsonrpc *rpc, const char **start, size_t *mlen,
		      char *why, size_t why_len)
{
	for (;;) {
		int r = frame_msg(rpc, start, mlen, why, why_len);
		ssize_t n;

		if (r)
			return r < 0 ? r : 0;
		if (rpc->rhead) {
			memmove(rpc->rbuf, rpc->rbuf + rpc->rhead,
				rpc->rlen - rpc->rhead);
			rpc->rlen -= rpc->rhead;
			rpc->rhead = 0;
		}
		if (rpc->rcap - rpc->rlen < RX_CHUNK) {
			size_t ncap = rpc->rcap ? rpc->rcap * 2 : 2 * RX_CHUNK;
			char *nb;

			/* Room for one message at the limit and a chunk
			 * past it, which the scanner then refuses. */
			if (ncap > max_msg + 2 * RX_CHUNK)
				ncap = max_msg + 2 * RX_CHUNK;
			if (ncap <= rpc->rcap)
				return protoerr(why, why_len, "message too large");
			nb = realloc(rpc->rbuf, ncap);	/* peer-sized */
			if (!nb)
				return -ENOMEM;
			rpc->rbuf = nb;
			rpc->rcap = ncap;
		}
		n = stream_recv(rpc->s, rpc->rbuf + rpc->rlen,
				rpc->rcap - rpc->rlen);
		if (n == 0)
			return -EPIPE;
		if (n < 0)
			return n;
		rpc->rlen += n;
	}
}

int jsonrpc_recv(struct jsonrpc *rpc, json_t **msg, char *why,
		 size_t why_len)
{
	const char *start;
	size_t mlen;
	int r;

	*msg = NULL;
	r = recv_frame(rpc, &start, &mlen, why, why_len);
	if (r)
		return r;
	return jsonrpc_parse(start, mlen, msg, why, why_len);
}

int jsonrpc_recv_raw(struct jsonrpc *rpc, struct jsonrpc_raw *m, char *why,
		     size_t why_len)
{
	const char *start;
	size_t mlen;
	int r;

	memset(m, 0, sizeof(*m));
	r = recv_frame(rpc, &start, &mlen, why, why_len);
	if (r)
		return r;
	return parse_raw(start, mlen, &rpc->sc, m, why, why_len);
}

int jsonrpc_flush(struct jsonrpc *rpc)
{
	while (rpc->whead < rpc->wlen) {
		ssize_t n = stream_send(rpc->s, rpc->wbuf + rpc->whead,
					rpc->wlen - rpc->whead);

		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return n;
		rpc->whead += n;
	}
	rpc->whead = rpc->wlen = 0;
	return 0;
}

int jsonrpc_send(struct jsonrpc *rpc, json_t *msg)
{
	size_t n = json_dumpb(msg, NULL, 0, JSON_COMPACT);

	if (!n) {
		json_decref(msg);
		return -EINVAL;
	}
	if (rpc->wlen - rpc->whead + n > max_backlog) {
		json_decref(msg);
		return -ENOBUFS;
	}
	if (rpc->whead && rpc->wcap - rpc->wlen < n) {
		/* Reuse what was sent before growing. */
		memmove(rpc->wbuf, rpc->wbuf + rpc->whead,
			rpc->wlen - rpc->whead);
		rpc->wlen -= rpc->whead;
		rpc->whead = 0;
	}
	if (rpc->wcap - rpc->wlen < n) {
		size_t ncap = rpc->wlen + n + 4096;
		char *nb = realloc(rpc->wbuf, ncap);	/* peer-sized */

		if (!nb) {
			json_decref(msg);
			return -ENOMEM;
		}
		rpc->wbuf = nb;
		rpc->wcap = ncap;
	}
	json_dumpb(msg, rpc->wbuf + rpc->wlen, n, JSON_COMPACT);
	rpc->wlen += n;
	json_decref(msg);
	return jsonrpc_flush(rpc);
}

bool jsonrpc_backlog(const struct jsonrpc *rpc)
{
	return rpc->whead < rpc->wlen;
}

json_t *jsonrpc_request(const char *method, json_t *params, unsigned int id)
{
	return json_pack("{s:s, s:o, s:I}", "method", method, "params",
			 params, "id", (json_int_t)id);
}

json_t *jsonrpc_reply(json_t *result, json_t *id)
{
	return json_pack("{s:o, s:n, s:O}", "result", result, "error", "id", id);
}
