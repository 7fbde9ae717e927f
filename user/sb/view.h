/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Southbound view's own parts (not for its users: they have
 * sbview.h).  The view is kept in four files:
 *   tables.c   the six table decoders: columns -> compact rows
 *   update.c   one monitor update in two passes: parse and check it all,
 *              then commit, resolve references and tell the owner
 *   monitor.c  monitor requests, schema and _Server handling, replies
 *              and notifications from the OVSDB session
 *   sbview.c   create, connect, run, and the accessors of sbview.h
 */
#ifndef OVNMIG_SB_VIEW_H
#define OVNMIG_SB_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "lib/hmap.h"
#include "lib/util.h"
#include "ovsdb/ovsdb.h"
#include "sbview.h"

#define MAX_SET		4096	/* elements of any set we accept */
/* Strings and maps: no limit of our own.  OVSDB sets none, and the
 * whole message is already in memory (jsonrpc bounds its size), so a
 * long name costs us what it costs the message. */
#define ANY_LEN		SIZE_MAX

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
		   const struct jv *val, bool diff, struct ovsdb_err *e);
	void (*copy)(struct row *dst, const struct row *src);
	void (*free)(struct row *r);
	bool (*equal)(const struct row *a, const struct row *b);
	void (*link)(struct sbview *v, struct row *r);
	void (*unlink)(struct sbview *v, struct row *r);
	uint32_t present;	/* columns the server's schema has (bits) */
	/* A new row's defaults for the columns an insert leaves out. */
	void (*init)(struct row *r);
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
	/* The update's text is the session's receive buffer, released
	 * after it: parse_updates() gives back what it has parsed. */
	bool drop_text;
	uint64_t rows_skipped;	/* rows kept but not usable (sbview.h) */
	struct jv_doc jd;	/* the row being parsed (update.c) */
};

/* tables.c */
bool str_eq(const char *a, const char *b);
bool pb_usable(const struct row *r);
extern const struct tbl tbl_defs[T_MAX];

/* update.c */
struct row *row_find(const struct tbl *t, const uint8_t uuid[16]);
void discard_changes(struct sbview *v);
uint32_t dp_key_of(struct sbview *v, const uint8_t dp[16]);
void pb_pub(const struct pb_row *p, struct sbview_binding *b);
void if_pub(const struct if_row *r, struct sbview_iface *i);
int apply_updates(struct sbview *v, enum db_id db, const char *tu,
		  size_t tu_len, bool v2, bool snapshot, struct ovsdb_err *e);

/* monitor.c */
extern const struct ovsdb_sess_ops sess_ops;

#endif /* OVNMIG_SB_VIEW_H */
