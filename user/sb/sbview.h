/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sbview: the typed view of the OVN Southbound and local OVS databases
 * that ovnmigd's policy works from.  It keeps itself up to date from
 * the monitor updates of its OVSDB sessions (ovsdb/ovsdb.h; how, in
 * sb/view.h); the policy (agent/policy.c) only reads it and gets told
 * what changed.
 *
 * Contract between the follower (producer) and the policy (consumer):
 * - Every monitor update (one JSON-RPC "update"/"update2"/"update3", or
 *   the initial reply) is delivered as: begin(), then one call per
 *   changed row, then end().  The policy batches its map writes and
 *   commits them in end(): many changes in one update, one map write.
 * - Row pointers passed to a callback are valid only during the call;
 *   "old" is the row before the update (NULL: inserted), "new" after
 *   (NULL: deleted).
 * - Lookups (sbview_chassis_*, sbview_datapath_key) reflect the state
 *   after the whole update, so policy code may resolve references in end().
 * - Strings are as long as the DB has them (OVSDB sets no limit; an
 *   ovn-kubernetes port name "namespace_pod" can pass 300 bytes): the
 *   const char * members point into the view's rows, are never NULL
 *   ("" when unset) and live exactly as long as the struct they are in
 *   is valid (see each call); a struct copy shares them, so copy the
 *   strings you keep longer.
 */
#ifndef OVNMIG_SBVIEW_H
#define OVNMIG_SBVIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <poll.h>
#include "ovsdb/ovsdb.h"

#define SBVIEW_UUID_LEN		OVSDB_UUID_LEN
#define SBVIEW_NAME_MAX		256
#define SBVIEW_MAX_ENCAPS	4
#define SBVIEW_MAX_ADDL		4	/* additional_chassis per binding */

struct sbview_uuid {
	char s[SBVIEW_UUID_LEN + 1];	/* "" when unset */
};

struct sbview_encap {
	int family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
	char type[16];			/* "geneve", "vxlan", ... */
};

struct sbview_chassis {
	struct sbview_uuid uuid;
	const char *name;		/* Chassis.name == system-id */
	int n_encaps;
	struct sbview_encap encaps[SBVIEW_MAX_ENCAPS];
};

struct sbview_binding {
	struct sbview_uuid uuid;
	const char *logical_port;
	const char *type;		/* "" for a VIF */
	uint32_t dp_key;		/* Datapath_Binding.tunnel_key, 0 unknown */
	uint32_t port_key;		/* Port_Binding.tunnel_key */
	struct sbview_uuid datapath;
	struct sbview_uuid chassis;	/* main chassis, "" when unbound */
	int n_additional;
	struct sbview_uuid additional[SBVIEW_MAX_ADDL];
	/* requested_chassis column (a Chassis uuid) and
	 * options:requested-chassis (comma-separated names). */
	struct sbview_uuid requested_chassis;
	const char *requested_opt;
	/* options:additional-chassis-activated (comma-separated names). */
	const char *activated_opt;
	bool up;
};

/* Local Open vSwitch DB: this host. */
struct sbview_local {
	const char *system_id;		/* external_ids:system-id */
	int n_encaps;
	struct sbview_encap encaps[SBVIEW_MAX_ENCAPS];	/* ovn-encap-ip */
};

/* Local OVS Interface with external_ids:iface-id. */
struct sbview_iface {
	struct sbview_uuid uuid;
	const char *name;
	const char *iface_id;
	int64_t ofport;			/* -1 when not attached */
	bool link_up;			/* link_state == "up" */
};

struct sbview_ops {
	void (*begin)(void *ctx);
	void (*chassis)(void *ctx, const struct sbview_chassis *old,
			const struct sbview_chassis *new);
	void (*binding)(void *ctx, const struct sbview_binding *old,
			const struct sbview_binding *new);
	void (*local)(void *ctx, const struct sbview_local *old,
		      const struct sbview_local *new);
	void (*iface)(void *ctx, const struct sbview_iface *old,
		      const struct sbview_iface *new);
	void (*end)(void *ctx);
	/* The connection to a DB was lost (rows stay as they were until
	 * the resync's update says otherwise) or resynced. */
	void (*connection)(void *ctx, const char *db, bool connected);
};

struct sbview;

/* Lookups into the current state; NULL when unknown.
 *
 * Chassis and local pointers stay valid until the row changes or goes,
 * i.e. until the next sbview_run().  Bindings are stored compactly (a
 * 100,000-port SB must fit in a few tens of MiB), so
 * sbview_binding_by_port() returns a decoded copy in a small ring of
 * per-view buffers: valid until the next sbview_run() or
 * SBVIEW_LOOKUP_RING further binding lookups, whichever comes first.
 * sbview_binding_get() fills a struct of your own (its strings, as
 * every string of the view, live until the next sbview_run()). */
#define SBVIEW_LOOKUP_RING	8
const struct sbview_chassis *sbview_chassis_by_uuid(const struct sbview *v,
						     const char *uuid);
const struct sbview_chassis *sbview_chassis_by_name(const struct sbview *v,
						     const char *name);
const struct sbview_binding *sbview_binding_by_port(const struct sbview *v,
						     const char *logical_port);
const struct sbview_local *sbview_local(const struct sbview *v);

/* More lookups (added by the follower; the contract above is unchanged). */
bool sbview_binding_get(const struct sbview *v, const char *logical_port,
			struct sbview_binding *out);
/* Datapath_Binding.tunnel_key by datapath uuid; 0 when unknown. */
uint32_t sbview_datapath_key(const struct sbview *v, const char *dp_uuid);
/* Local OVS Interface by external_ids:iface-id; NULL when none.  Valid
 * until the next sbview_run(). */
const struct sbview_iface *sbview_iface_by_id(const struct sbview *v,
					      const char *iface_id);
/* Walk every row (e.g. to reconcile pinned maps at start-up).  The row is
 * valid during the call only; a non-zero return stops the walk and is
 * returned.  Do not call sbview_run() from the callback. */
int sbview_foreach_binding(const struct sbview *v,
			   int (*cb)(void *arg, const struct sbview_binding *b),
			   void *arg);
int sbview_foreach_chassis(const struct sbview *v,
			   int (*cb)(void *arg, const struct sbview_chassis *c),
			   void *arg);
int sbview_foreach_iface(const struct sbview *v,
			 int (*cb)(void *arg, const struct sbview_iface *i),
			 void *arg);
unsigned int sbview_n_bindings(const struct sbview *v);
unsigned int sbview_n_chassis(const struct sbview *v);

/*
 * Driving the follower from a poll loop (ovnmigd's main loop).
 *
 *	struct sbview *v = sbview_create(&ops, ctx);
 *	sbview_connect_sb(v, "tcp:198.18.0.1:6642,tcp:198.18.0.2:6642", NULL);
 *	sbview_connect_local(v, "unix:/var/run/openvswitch/db.sock");
 *	for (;;) {
 *		struct pollfd pfd[SBVIEW_MAX_FDS + N];
 *		int n = sbview_fds(v, pfd, SBVIEW_MAX_FDS);
 *		... add your own fds after pfd[n - 1] ...
 *		poll(pfd, n + N, sbview_timeout(v));
 *		sbview_run(v, 0);	// never blocks with 0
 *		...
 *	}
 *	sbview_destroy(v);
 *
 * Or simply sbview_run(v, timeout_ms): polls the view's own fds for at
 * most timeout_ms, then does all work that is ready.  Callbacks (ops) are
 * only ever called from sbview_run(), never from connect or destroy.
 *
 * Connections are kept up by the follower: remotes are tried in turn with
 * a backoff (100 ms doubling to 8 s), an inactivity probe (echo after
 * probe_ms of silence, reconnect after as much again), and on reconnect the
 * SB monitor resumes from the last transaction id (monitor_cond_since);
 * when the server cannot resume, the full snapshot is diffed against the
 * view, so the policy sees only the real changes (deleted rows included).
 * A SB member that says (in _Server) it is not connected to its cluster,
 * or whose raft index is lower than one seen before (even across
 * reconnects: it is behind, its snapshot would undo moves), is not
 * followed; the next remote is tried.  A relay has no raft index: one
 * that cannot resume our monitor and stands at a transaction we have
 * passed (its upstream lags) is refused as stale all the same.  Columns the server's schema
 * lacks (an older OVN) are not monitored and stay empty in the view.
 * A malformed or hostile reply is logged once ("ovnmigd: ovsdb: <remote>:
 * <why>") and the connection is dropped and retried; no callback sees a
 * row from such a message.
 *
 * Return values: 0 or a negative errno (libbpf style).
 */
#define SBVIEW_MAX_FDS		2

struct sbview_status {
	bool sb_connected;		/* monitor up and initial sync done */
	bool local_connected;
	char sb_remote[SBVIEW_NAME_MAX];	/* remote in use, "" if none */
	char sb_txn_id[SBVIEW_UUID_LEN + 1];	/* last SB transaction id */
	uint64_t sb_reconnects;		/* connections lost or dropped */
	uint64_t local_reconnects;
	uint64_t sb_updates;		/* update messages applied */
	uint64_t sb_resumes;		/* reconnects resumed by txn id */
	uint64_t errors;		/* malformed messages dropped */
	/* Row versions kept but not usable: a Port_Binding without a
	 * logical_port (not reported, not looked up), an Encap whose ip is
	 * no address (its chassis cannot be steered to).  Counted, never
	 * fatal for the connection. */
	uint64_t rows_skipped;
	/* Clustered SB: the highest raft index seen (0: none), and how
	 * often a member behind it was refused and left. */
	uint64_t sb_index;
	uint64_t sb_stale_refused;
	/* _Server.Database model of the SB server in use: "clustered",
	 * "relay", "standalone", or "" (not known yet, or no _Server). */
	char sb_model[16];
};

struct sbview *sbview_create(const struct sbview_ops *ops, void *ctx);
void sbview_destroy(struct sbview *v);		/* NULL is fine */
/* remotes: comma-separated "tcp:IP:PORT", "ssl:IP:PORT", "unix:PATH"
 * (IPv6 as tcp:[2001:db8::1]:6642).  ssl may be NULL without ssl: remotes.
 * Connecting happens in sbview_run(). */
int sbview_connect_sb(struct sbview *v, const char *remotes,
		      const struct ovsdb_ssl_opts *ssl);
int sbview_connect_local(struct sbview *v, const char *ovs_remote);
/* Inactivity probe in ms for both DBs (default 5000; 0 disables). */
void sbview_set_probe(struct sbview *v, int probe_ms);
/* Reconnect backoff for both DBs (default 100 ms doubling to 8000 ms);
 * call after the connect calls. */
void sbview_set_backoff(struct sbview *v, int min_ms, int max_ms);
int sbview_fds(const struct sbview *v, struct pollfd *pfd, int max);
int sbview_timeout(const struct sbview *v);	/* ms, -1: none */
int sbview_run(struct sbview *v, int timeout_ms);
void sbview_get_status(const struct sbview *v, struct sbview_status *st);

/* For the fuzzer and tests: hands msg to the view as if it came from the
 * server of db (0: Southbound, 1: local) while a monitor request of the
 * given method (0: monitor_cond_since, 1: monitor_cond, 2: monitor) is
 * pending.  On an error the view acts as if the connection dropped. */
int sbview_inject(struct sbview *v, int db, int method, const char *msg,
		  size_t len, char *why, size_t why_len);

#endif /* OVNMIG_SBVIEW_H */
