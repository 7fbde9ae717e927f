// SPDX-License-Identifier: GPL-2.0-only
/*
 * The datapath's per-entry evidence, on the agent's side (maps_evidence.h).
 */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "maps_evidence.h"

#define MOVE_FLAGS	(OVNMIG_F_IPV6 | OVNMIG_F_DROP)

bool maps_steer_same_move(const struct ovnmig_steer *a,
			  const struct ovnmig_steer *b)
{
	return !memcmp(&a->old_remote, &b->old_remote, sizeof(a->old_remote)) &&
	       !memcmp(&a->new_remote, &b->new_remote, sizeof(a->new_remote)) &&
	       (a->flags & MOVE_FLAGS) == (b->flags & MOVE_FLAGS);
}

bool maps_fwd_same_move(const struct ovnmig_fwd *a, const struct ovnmig_fwd *b)
{
	return !memcmp(&a->new_host, &b->new_host, sizeof(a->new_host)) &&
	       (a->flags & MOVE_FLAGS) == (b->flags & MOVE_FLAGS);
}

int maps_steer_get(struct maps *m, const struct ovnmig_port_key *k,
		   struct ovnmig_steer *v)
{
	if (m->steer_fd < 0)
		return -ENODEV;
	return bpf_map_lookup_elem(m->steer_fd, k, v) ? -errno : 0;
}

int maps_fwd_get(struct maps *m, const struct ovnmig_port_key *k,
		 struct ovnmig_fwd *v)
{
	if (m->fwd_fd < 0)
		return -ENODEV;
	return bpf_map_lookup_elem(m->fwd_fd, k, v) ? -errno : 0;
}

void maps_evidence_carry_steer(struct maps *m,
			       const struct ovnmig_port_key *keys,
			       struct ovnmig_steer *vals, uint32_t n)
{
	struct ovnmig_steer cur;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!maps_steer_get(m, &keys[i], &cur) &&
		    maps_steer_same_move(&cur, &vals[i]))
			vals[i].ev = cur.ev;
}

void maps_evidence_carry_fwd(struct maps *m,
			     const struct ovnmig_port_key *keys,
			     struct ovnmig_fwd *vals, uint32_t n)
{
	struct ovnmig_fwd cur;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (!maps_fwd_get(m, &keys[i], &cur) &&
		    maps_fwd_same_move(&cur, &vals[i])) {
			vals[i].ev = cur.ev;
			vals[i].last_src = cur.last_src;
		}
	}
}
