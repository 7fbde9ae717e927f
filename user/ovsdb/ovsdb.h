/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ovsdb: a small RFC 7047 client session.  It owns one JSON-RPC
 * connection at a time to one of a list of remotes (a clustered DB gives
 * several), reconnects with backoff, answers the server's echo requests,
 * sends its own when the line is idle (inactivity probe) and hands every
 * other message to its owner.  The owner (sb/monitor.c) builds the monitor
 * requests and reads the updates.
 *
 * Also the strict datum readers (RFC 7047 section 5.1) that the update
 * parser uses: every value is type-checked and bounded.
 */
#ifndef OVNMIG_OVSDB_H
#define OVNMIG_OVSDB_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "jv.h"
#include "stream.h"

#define OVSDB_UUID_LEN		36	/* textual UUID, without NUL */

struct ovsdb_sess;
struct jsonrpc_raw;

struct ovsdb_sess_ops {
	/* Connected: send the first requests. */
	void (*connected)(void *arg, struct ovsdb_sess *s);
	/* A message that is not an echo; return 0, or a negative errno
	 * (with a reason in why) to drop the connection.  Its spans are
	 * valid during the call only. */
	int (*message)(void *arg, struct ovsdb_sess *s,
		       const struct jsonrpc_raw *msg, char *why,
		       size_t why_len);
	/* The connection is gone (we will retry). */
	void (*disconnected)(void *arg, struct ovsdb_sess *s);
};

struct ovsdb_sess *ovsdb_sess_create(const char *remotes,
				     const struct ovsdb_ssl_opts *ssl,
				     const struct ovsdb_sess_ops *ops,
				     void *arg, const char *db);
void ovsdb_sess_destroy(struct ovsdb_sess *s);
void ovsdb_sess_set_probe(struct ovsdb_sess *s, int probe_ms);
void ovsdb_sess_set_backoff(struct ovsdb_sess *s, int min_ms, int max_ms);
/* One poll entry (fd -1 when there is nothing to wait for). */
void ovsdb_sess_pollfd(const struct ovsdb_sess *s, struct pollfd *p);
int ovsdb_sess_timeout(const struct ovsdb_sess *s, uint64_t now_ms);
void ovsdb_sess_run(struct ovsdb_sess *s);
/* Sends a request; returns its id (> 0) or a negative errno. */
int ovsdb_sess_request(struct ovsdb_sess *s, const char *method,
		       json_t *params);
int ovsdb_sess_send(struct ovsdb_sess *s, json_t *msg);
/* Drops the connection (after a protocol error): logged once. */
void ovsdb_sess_drop(struct ovsdb_sess *s, const char *why);
/* Once synced: resets the backoff so the next loss retries at once. */
void ovsdb_sess_synced(struct ovsdb_sess *s);
bool ovsdb_sess_connected(const struct ovsdb_sess *s);
const char *ovsdb_sess_remote(const struct ovsdb_sess *s);
uint64_t ovsdb_sess_reconnects(const struct ovsdb_sess *s);
uint64_t ovsdb_sess_errors(const struct ovsdb_sess *s);

uint64_t ovsdb_now_ms(void);
void ovsdb_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Datum readers: 0 or -EPROTO with a reason in why. */
struct ovsdb_err {
	char why[160];
};

int ovsdb_parse_uuid(const char *s, uint8_t out[16]);
void ovsdb_format_uuid(const uint8_t u[16], char out[OVSDB_UUID_LEN + 1]);
/* The readers take a value parsed by jv (jv.h). */
/* ["uuid", "<uuid>"] */
int ovsdb_atom_uuid(const struct jv *j, uint8_t out[16], struct ovsdb_err *e);
int ovsdb_atom_string(const struct jv *j, size_t max_len, const char **out,
		      struct ovsdb_err *e);
int ovsdb_atom_int(const struct jv *j, int64_t min, int64_t max, int64_t *out,
		   struct ovsdb_err *e);
int ovsdb_atom_bool(const struct jv *j, bool *out, struct ovsdb_err *e);
/* A set: a lone atom, or ["set", [atoms...]] with at most max atoms;
 * fills atoms[0..*n) (room for max). */
int ovsdb_set(const struct jv *j, size_t max, const struct jv **atoms,
	      size_t *n, struct ovsdb_err *e);
/* A map: ["map", [[k, v], ...]] with at most max pairs; calls cb for
 * each pair with string key and string value (lengths bounded). */
int ovsdb_map_strings(const struct jv *j, size_t max, size_t max_len,
		      int (*cb)(void *arg, const char *k, const char *v),
		      void *arg, struct ovsdb_err *e);

#endif /* OVNMIG_OVSDB_H */
