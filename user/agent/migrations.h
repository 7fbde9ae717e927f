/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Migration records: one per move this chassis acted on (a steer, drop
 * or forwarding entry the SB made it write), with the datapath's
 * evidence for it (abi.h, struct ovnmig_evidence) and this chassis' OVN
 * repoint lag: the last packet the entry still steered (dropped,
 * forwarded) toward the old chassis minus the arrival of the SB update
 * that showed the move.
 *
 * A record opens when a batch of an SB update writes an entry for a new
 * move; its evidence is read once a second (migrations_poll) and when it
 * closes.  It closes when the entry has had no packet for quiet_ns
 * ("quiet": the entry itself stays, its lifetime is the policy's), is
 * removed at its maximum age or when it vanished from the maps
 * ("expired"), is rewritten for another move ("replaced") or is removed
 * because the SB no longer shows the move ("removed").  Closed records
 * go to a ring of the last N; open ones are bounded by the entries.
 * Entries adopted at a restart get no record (their SB update is past).
 * A record closed by a replace or a removal has the entry's evidence as
 * read just before the batch's map write: packets the entry acts on
 * between that read and the write (a syscall apart, longer only if the
 * agent is preempted there) are not in it.
 */
#ifndef OVNMIG_MIGRATIONS_H
#define OVNMIG_MIGRATIONS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "lib/maps.h"
#include "policy.h"

#define MIGRATIONS_DEFAULT_RING		256
#define MIGRATIONS_DEFAULT_QUIET_NS	(10ull * 1000000000ull)

struct migrations;

/* @note: told of every record opened and closed (the event log), as
 * policy_cfg's event is. */
struct migrations *migrations_create(unsigned int ring, uint64_t quiet_ns,
				     void (*note)(void *ctx, const char *port,
						  const char *fmt, va_list ap),
				     void *ctx);
void migrations_destroy(struct migrations *mg);

/*
 * Around one batch's map write: before it, records whose entry the
 * batch removes or gives another move read their evidence and close
 * (@expiring: the batch is the policy's maximum-age expiry); after it,
 * a record opens for every entry written for a new move (only when
 * @sb_ns, the SB update's arrival, is known: 0 = not an SB update).
 */
void migrations_before_write(struct migrations *mg, struct maps *m,
			     const struct policy_op *ops, int n,
			     bool expiring, uint64_t now_ns);
void migrations_after_write(struct migrations *mg, const struct policy *p,
			    const struct policy_op *ops, int n,
			    uint64_t sb_ns, uint64_t write_ns);
/* Read the open records' evidence; close the quiet ones. */
void migrations_poll(struct migrations *mg, struct maps *m, uint64_t now_ns);
/* Every open record closes ("removed"): the maps were flushed. */
void migrations_flush(struct migrations *mg, uint64_t now_ns);

/* {"now_ns": N, "records": [...]}: the ring, oldest first, then open. */
json_t *migrations_json(struct migrations *mg, uint64_t now_ns);
/* The "migrations" part of the metrics object (lib/metrics.h). */
json_t *migrations_metrics_json(struct migrations *mg);

#endif /* OVNMIG_MIGRATIONS_H */
