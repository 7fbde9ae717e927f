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

/*
 * One message, bytes, by default: the monitor reply of a 100,000-binding
 * Southbound measures ~27 MB, so 64 MiB leaves more than twice that;
 * a larger deployment raises it (ovnmigd --db-max-message).  A peer
 * that sends more is a protocol error: the connection is dropped before
 * any of the message is parsed.
 */
#define JSONRPC_MAX_MSG		(64u << 20)
/*
 * Bytes queued for a peer that does not read, by default.  Our own
 * requests are a few KiB; what grows is our replies to the peer's echo
 * requests (each echoes its params): a peer that floods echoes and
 * reads nothing is dropped at 4 MiB instead of growing us without bound.
 */
#define JSONRPC_MAX_BACKLOG	(4u << 20)
#define JSONRPC_MAX_DEPTH	32		/* nesting of [] and {} */

/* The limits of every connection (the agent sets them once at start). */
void jsonrpc_set_limits(size_t max_msg, size_t max_backlog);
size_t jsonrpc_max_msg(void);

struct stream;

#define JSONRPC_SCAN_VALS	4

/* Incremental splitter for a byte stream of JSON objects. */
struct jsonrpc_scan {
	size_t pos;		/* bytes of the current message scanned */
	int depth;
	bool in_str, esc, started;
	/* The first JSONRPC_SCAN_VALS arrays and objects that are member
	 * values of the message's object ("params", "result"): offsets
	 * [start, end) in the message, as the scan found them, so that
	 * framing and splitting need not both walk a 27 MB snapshot.
	 * Valid from a return of 1 to the next call. */
	size_t val_start[JSONRPC_SCAN_VALS], val_end[JSONRPC_SCAN_VALS];
	unsigned int n_val;
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

/*
 * Walking a framed message without building it: the follower reads a
 * 100,000-row monitor reply row by row (one small jansson tree at a
 * time) instead of as one tree of hundreds of MiB.  Every byte is still
 * checked: the walker checks the structure it walks, and every value it
 * does not walk is handed to jansson (json_walk_load) by the caller.
 */
struct json_walk {
	const char *p, *end;
};

/* Skips whitespace; true if p < end afterwards. */
bool json_walk_ws(struct json_walk *w);
/* Consumes c (after whitespace): 0 or -EPROTO. */
int json_walk_expect(struct json_walk *w, char c);
/* A string token: s and n give the raw text between the quotes; esc tells
 * whether it has escapes (then decode it with json_walk_load). */
int json_walk_string(struct json_walk *w, const char **s, size_t *n,
		     bool *esc);
/* Skips one value (strings and nesting aware); [*s, w->p) is its text. */
int json_walk_skip(struct json_walk *w, const char **s);
/* Parses text [s, e) as any JSON value; NULL if it is not valid. */
json_t *json_walk_load(const char *s, const char *e);
/* Iterating an object: first call with *first = true. Returns 1 with
 * the key (decoded into key[], at most key_len - 1 bytes) and w at the
 * value, 0 at the end, -EPROTO on bad syntax or an overlong key. */
int json_walk_next_key(struct json_walk *w, bool *first, char *key,
		       size_t key_len);
/* Iterating an array: 1 with w at the next element, 0 at the end. */
int json_walk_next_elem(struct json_walk *w, bool *first);

/* A message with its big members left as text. */
struct jsonrpc_raw {
	json_t *id, *method, *error;	/* NULL when absent */
	const char *params, *result;	/* text spans, NULL when absent */
	size_t params_len, result_len;
};

/* Like jsonrpc_parse(), but "params" and "result" stay text (their
 * syntax is checked by whoever walks them).  Free with
 * jsonrpc_raw_free(). */
int jsonrpc_parse_raw(const char *buf, size_t len, struct jsonrpc_raw *m,
		      char *why, size_t why_len);
void jsonrpc_raw_free(struct jsonrpc_raw *m);

struct jsonrpc;

struct jsonrpc *jsonrpc_open(struct stream *s);	/* takes s */
void jsonrpc_close(struct jsonrpc *rpc);		/* NULL is fine */
/* 0 with *msg (the caller owns it), -EAGAIN, or a negative errno; on
 * -EPROTO why says what was wrong.  0 bytes from the peer: -EPIPE. */
int jsonrpc_recv(struct jsonrpc *rpc, json_t **msg, char *why,
		 size_t why_len);
/* The same, as a raw message; its spans point into the receive buffer
 * and stay valid until the next receive. */
int jsonrpc_recv_raw(struct jsonrpc *rpc, struct jsonrpc_raw *m, char *why,
		     size_t why_len);
/* Queues msg (reference stolen) and sends what it can; -ENOBUFS when
 * the peer has left more than the backlog limit unread. */
int jsonrpc_send(struct jsonrpc *rpc, json_t *msg);
int jsonrpc_flush(struct jsonrpc *rpc);
bool jsonrpc_backlog(const struct jsonrpc *rpc);
struct stream *jsonrpc_stream(const struct jsonrpc *rpc);

json_t *jsonrpc_request(const char *method, json_t *params, unsigned int id);
json_t *jsonrpc_reply(json_t *result, json_t *id);

#endif /* OVNMIG_JSONRPC_H */
