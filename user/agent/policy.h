/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy: turns Southbound and local VIF changes into steering and
 * forwarding-pointer entries.  Pure: it reads the DB state through
 * struct policy_lookup, reads time through a callback and hands its
 * decisions to a sink in one batch per update, so it runs the same in
 * ovnmigd and in the unit test.
 *
 * Rules (docs/design.md):
 * - main chassis A -> B of a VIF port: every chassis other than A and B
 *   steers "sent to A -> send to B"; A keeps a forwarding pointer to B.
 * - a port that had additional chassis B before the move (multichassis)
 *   already gets OVN's clones on B: senders get an OVNMIG_F_DROP entry
 *   for the copy toward A, and A gets no pointer.
 * - a local VIF going down on A for a plain port whose destination is
 *   known (two-chassis options:requested-chassis) writes nothing: B has
 *   not claimed the port and would drop what a pointer sends it
 *   (docs/design.md, "B must be able to deliver").  It arms the move: the
 *   pointer to B is precomputed and written the moment the SB makes B
 *   the main chassis.  The VIF coming back (an aborted migration)
 *   disarms it, or withdraws the pointer if the move already came;
 *   deleting the port or B disarms it.
 * - multicast keys, unknown chassis, non-VIF ports: nothing.
 * - one entry per port key: rollback and a second move replace it;
 *   deleting the port or a chassis it names removes it, and so does the
 *   new chassis releasing the port (the SB no longer shows the move).
 * - lifetime: an entry lives as long as the SB shows the move that made
 *   it, however long OVN takes to catch up; its expires_ns is only the
 *   maximum age (max_age_ns after the move), a bound for what the agent
 *   could miss.  The agent's death is covered by the datapath lease
 *   (abi.h, struct ovnmig_config), not by the entries' expiry.
 */
#ifndef OVNMIG_POLICY_H
#define OVNMIG_POLICY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <ovnmig/abi.h>
#include "lib/maps.h"
#include "sb/sbview.h"

/*
 * Default maximum age of an entry: 15 minutes.  The reported stalls are
 * an ovn-controller that installed a moved port's flows ~88 s late
 * (ovn-org/ovn#261) and one whose flow computation ran ~8 minutes on a
 * 200-300 node cloud (ovn-org/ovn#252); 15 minutes covers the longest
 * with room, and still ends an entry the agent failed to withdraw.
 */
#define POLICY_DEFAULT_MAX_AGE_NS	(900ull * 1000000000ull)

/* Where the policy reads the state after the whole update. */
struct policy_lookup {
	const struct sbview_chassis *(*chassis_by_uuid)(void *ctx,
							const char *uuid);
	const struct sbview_chassis *(*chassis_by_name)(void *ctx,
							const char *name);
	const struct sbview_binding *(*binding_by_port)(void *ctx,
							const char *port);
	const struct sbview_local *(*local)(void *ctx);
	/* Walk every binding (reconcile only; may be NULL: then entries
	 * found in the maps at start are removed). */
	int (*foreach_binding)(void *ctx,
			       int (*cb)(void *arg,
					 const struct sbview_binding *b),
			       void *arg);
	void *ctx;
};

/* Receives the whole batch of one update; returns 0 or -errno. */
typedef int (*policy_sink_fn)(void *ctx, const struct policy_op *ops,
			      int n_ops);

#define POLICY_COUNTERS(X)						\
	X(moves,		"moves")				\
	X(steer_set,		"steer_set")				\
	X(steer_drop_set,	"steer_drop_set")			\
	X(fwd_set,		"fwd_set")				\
	X(vif_down_armed,	"vif_down_armed")			\
	X(vif_down_moved,	"vif_down_moved")			\
	X(vif_down_disarmed,	"vif_down_disarmed")			\
	X(fwd_withdrawn,	"fwd_withdrawn")			\
	X(removed,		"removed")				\
	X(expired,		"expired")				\
	X(skip_mcast,		"skip_mcast")				\
	X(skip_not_vif,		"skip_not_vif")				\
	X(skip_unknown_chassis,	"skip_unknown_chassis")			\
	X(skip_no_key,		"skip_no_key")				\
	X(reconcile_kept,	"reconcile_kept")			\
	X(reconcile_fixed,	"reconcile_fixed")			\
	X(reconcile_removed,	"reconcile_removed")			\
	X(batches,		"batches")				\
	X(sink_errors,		"sink_errors")

struct policy_counters {
#define POLICY_CTR_FIELD(f, name) uint64_t f;
	POLICY_COUNTERS(POLICY_CTR_FIELD)
#undef POLICY_CTR_FIELD
};

struct policy_cfg {
	uint64_t max_age_ns;		/* 0: POLICY_DEFAULT_MAX_AGE_NS */
	uint32_t generation;		/* stamped on every entry written */
	uint64_t (*now_ns)(void);	/* NULL: CLOCK_MONOTONIC */
	policy_sink_fn sink;
	void *sink_ctx;
	/* Optional: told about every decision, for the event log: the
	 * text is printf's of @fmt (a string literal) and @ap, made only
	 * if someone reads it (lib/bfmt.h). */
	void (*event)(void *ctx, const char *port, const char *fmt,
		      va_list ap);
	void *event_ctx;
};

struct policy;

struct policy *policy_create(const struct policy_cfg *cfg,
			     const struct policy_lookup *lookup);
void policy_destroy(struct policy *p);

/* The sbview_ops callbacks; ctx is the struct policy. */
extern const struct sbview_ops policy_sbview_ops;

/* Drop entries older than the maximum age; returns the number removed. */
int policy_expire(struct policy *p);

/*
 * Reconcile one entry found in the pinned maps at start (after the
 * initial sync): kept when the DB still backs it, repointed when the
 * port has moved on since, removed when nothing backs it.  The result is
 * queued; policy_flush() writes it.
 */
void policy_adopt(struct policy *p, const struct policy_op *e);
int policy_flush(struct policy *p);

/* Forget everything (the maps were flushed from outside). */
void policy_clear(struct policy *p);

const struct policy_counters *policy_counters(const struct policy *p);
int policy_n_steer(const struct policy *p);
int policy_n_fwd(const struct policy *p);
int policy_n_armed(const struct policy *p);

/* Iterate the live entries (for ovnmigctl ports). */
struct policy_entry_info {
	const char *port;
	struct ovnmig_port_key key;
	bool has_steer, has_fwd;
	bool vif_down;		/* the fwd is for a move a VIF-down armed */
	bool armed;		/* VIF down, waiting for the SB move */
	uint64_t armed_at_ns, armed_until_ns;
	const char *old_chassis, *new_chassis;	/* of the last move */
	struct ovnmig_steer steer;
	struct ovnmig_fwd fwd;
};
void policy_foreach(const struct policy *p,
		    void (*fn)(void *ctx, const struct policy_entry_info *e),
		    void *ctx);

/* One port key's entry info (the migration records): 0, or -1 unknown. */
int policy_entry_get(const struct policy *p, const struct ovnmig_port_key *k,
		     struct policy_entry_info *e);

#endif /* OVNMIG_POLICY_H */
