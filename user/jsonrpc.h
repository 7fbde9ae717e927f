/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jsonrpc: RFC 7047 JSON-RPC framing over a stream.  Messages are JSON
 * objects sent back to back with no delimiter, so the receiver scans the
 * bytes for the end of each top-level object (outside strings) before
 * handing exactly that span to jansson.  Limits keep a hostile peer from
 * making us allocate or recurse without bound.
 */
#ifndef OVNMIG_JSONRPC_H
#define OVNMIG_JSONRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define JSONRPC_MAX_MSG		(512u << 20)	/* one message, bytes */
#define JSONRPC_MAX_DEPTH	32		/* nesting of [] and {} */

struct stream;

/* Incremental splitter for a byte stream of JSON objects. */
struct jsonrpc_scan {
	size_t pos;		/* bytes of the current message scanned */
	int depth;
	bool in_str, esc, started;
};

/* Scans buf[sc->pos..len); returns 1 with *msg_len when a whole object
 * ends, 0 when more bytes are needed, or -EPROTO (not a JSON object),
 * -ELOOP (nested too deep) or -EMSGSIZE. */
int jsonrpc_scan(struct jsonrpc_scan *sc, const char *buf, size_t len,
		 size_t *msg_len);

/* Parses one framed message and checks its JSON-RPC shape: an object
 * with "method" (string) and "params" (array), or with "result" or
 * "error" and a non-null "id".  Returns 0 with *out, or -EPROTO with a
 * reason in why. */
int jsonrpc_parse(const char *buf, size_t len, json_t **out,
		  char *why, size_t why_len);

struct jsonrpc;

struct jsonrpc *jsonrpc_open(struct stream *s);	/* takes s */
void jsonrpc_close(struct jsonrpc *rpc);		/* NULL is fine */
/* 0 with *msg (the caller owns it), -EAGAIN, or a negative errno; on
 * -EPROTO why says what was wrong.  0 bytes from the peer: -EPIPE. */
int jsonrpc_recv(struct jsonrpc *rpc, json_t **msg, char *why,
		 size_t why_len);
/* Queues msg (reference stolen) and sends what it can. */
int jsonrpc_send(struct jsonrpc *rpc, json_t *msg);
int jsonrpc_flush(struct jsonrpc *rpc);
bool jsonrpc_backlog(const struct jsonrpc *rpc);
struct stream *jsonrpc_stream(const struct jsonrpc *rpc);

json_t *jsonrpc_request(const char *method, json_t *params, unsigned int id);
json_t *jsonrpc_reply(json_t *result, json_t *id);

#endif /* OVNMIG_JSONRPC_H */
