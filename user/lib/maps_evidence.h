/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The datapath's per-entry evidence (abi.h, struct ovnmig_evidence):
 * kept across the agent's own rewrites of an entry and read back for
 * the migration records (user/agent/migrations.c).
 */
#ifndef OVNMIG_MAPS_EVIDENCE_H
#define OVNMIG_MAPS_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <ovnmig/abi.h>
#include "maps.h"

/*
 * Before @n values are written over @keys: a value for the same move as
 * the entry there now (same addresses and OVNMIG_F_IPV6/OVNMIG_F_DROP)
 * takes over that entry's evidence, so a rewrite (generation, expiry)
 * does not reset the counts; a value for another move keeps its own
 * (zero: a new move starts from nothing).  Packets counted between the
 * read and the write are lost to the count (microseconds).
 */
void maps_evidence_carry_steer(struct maps *m,
			       const struct ovnmig_port_key *keys,
			       struct ovnmig_steer *vals, uint32_t n);
void maps_evidence_carry_fwd(struct maps *m,
			     const struct ovnmig_port_key *keys,
			     struct ovnmig_fwd *vals, uint32_t n);

/* One entry as the datapath has it now: 0, -ENOENT or -errno. */
int maps_steer_get(struct maps *m, const struct ovnmig_port_key *k,
		   struct ovnmig_steer *v);
int maps_fwd_get(struct maps *m, const struct ovnmig_port_key *k,
		 struct ovnmig_fwd *v);

/* The same move (what the evidence belongs to)? */
bool maps_steer_same_move(const struct ovnmig_steer *a,
			  const struct ovnmig_steer *b);
bool maps_fwd_same_move(const struct ovnmig_fwd *a,
			const struct ovnmig_fwd *b);

#endif /* OVNMIG_MAPS_EVIDENCE_H */
