// SPDX-License-Identifier: GPL-2.0-only
/* JSON-RPC 1.0 framing (RFC 7047 section 4) over a stream. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "stream.h"

#define RX_CHUNK	(256u << 10)

struct jsonrpc {
	struct stream *s;
	char *rbuf;
	size_t rhead, rlen, rcap;	/* bytes [rhead, rlen) not consumed */
	struct jsonrpc_scan sc;
	char *wbuf;
	size_t whead, wlen, wcap;
};

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
			continue;
		}
		if (sc->in_str) {
			if (sc->esc)
				sc->esc = false;
			else if (c == '\\')
				sc->esc = true;
			else if (c == '"')
				sc->in_str = false;
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
			break;
		case '}':
		case ']':
			if (--sc->depth == 0) {
				*msg_len = i + 1;
				memset(sc, 0, sizeof(*sc));
				return 1;
			}
			break;
		}
	}
	sc->pos = len;
	if (len > JSONRPC_MAX_MSG)
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

struct jsonrpc *jsonrpc_open(struct stream *s)
{
	struct jsonrpc *rpc = calloc(1, sizeof(*rpc));

	if (!rpc) {
		stream_close(s);
		return NULL;
	}
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

/* Extracts one message from the buffer: 1 found, 0 need more. */
static int take_msg(struct jsonrpc *rpc, json_t **msg, char *why,
		    size_t why_len)
{
	size_t mlen;
	int r;

	if (rpc->rhead == rpc->rlen)
		return 0;
	r = jsonrpc_scan(&rpc->sc, rpc->rbuf + rpc->rhead,
			 rpc->rlen - rpc->rhead, &mlen);
	if (r == -EPROTO)
		return protoerr(why, why_len, "not a JSON object stream");
	if (r == -ELOOP) {
		snprintf(why, why_len, "JSON nested deeper than %d levels",
			 JSONRPC_MAX_DEPTH);
		return -EPROTO;
	}
	if (r == -EMSGSIZE) {
		snprintf(why, why_len, "message larger than %u bytes",
			 JSONRPC_MAX_MSG);
		return -EPROTO;
	}
	if (r == 0)
		return 0;
	r = jsonrpc_parse(rpc->rbuf + rpc->rhead, mlen, msg, why, why_len);
	rpc->rhead += mlen;
	if (rpc->rhead == rpc->rlen) {
		rpc->rhead = rpc->rlen = 0;
		/* A huge initial snapshot should not pin its buffer. */
		if (rpc->rcap > 4 * RX_CHUNK) {
			free(rpc->rbuf);
			rpc->rbuf = NULL;
			rpc->rcap = 0;
		}
	}
	return r ? r : 1;
}

int jsonrpc_recv(struct jsonrpc *rpc, json_t **msg, char *why,
		 size_t why_len)
{
	*msg = NULL;
	for (;;) {
		int r = take_msg(rpc, msg, why, why_len);
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

			if (ncap > JSONRPC_MAX_MSG + 2 * RX_CHUNK)
				return protoerr(why, why_len, "message too large");
			nb = realloc(rpc->rbuf, ncap);
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
	if (rpc->wcap - rpc->wlen < n) {
		size_t ncap = rpc->wlen + n + 4096;
		char *nb = realloc(rpc->wbuf, ncap);

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
