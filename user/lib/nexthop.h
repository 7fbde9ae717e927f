/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bounce's next-hop cache (ovnmig_nexthop, abi.h): how to reach each new
 * host a forwarding entry points to, resolved here from rtnetlink so
 * that bounce needs neither bpf_fib_lookup nor IP forwarding.
 *
 *	nexthop_resolve(): one lookup, the way `ip route get` and
 *	`ip neigh get` would answer it: the route to the host (egress
 *	device, gateway), then the neighbour entry of the gateway (or of
 *	the host when it is on link).  An unknown, failed or stale
 *	neighbour is asked to resolve (RTM_NEWNEIGH with NTF_USE: the
 *	kernel sends its own ARP / neighbour solicitation, to the chassis
 *	or its gateway only).
 *
 *	The agent's watch: a netlink socket on the neighbour, route and
 *	link groups.  An event about a watched neighbour, any route change
 *	or a change of a watched device makes the watch dirty; then
 *	nexthop_sync() makes the map equal to what the kernel says now.
 *	nexthop_sync() also runs once a second and refreshes expires_ns.
 *
 * Functions return 0 or a negative errno.
 */
#ifndef OVNMIG_NEXTHOP_H
#define OVNMIG_NEXTHOP_H

#include <stdbool.h>
#include <stdint.h>
#include <ovnmig/abi.h>
#include "maps.h"

/*
 * How long an entry written by the agent lives without a refresh (it
 * refreshes each second): an agent that stops leaves bounce on the FIB
 * path within this time, never on a next hop nobody follows.
 */
#define NEXTHOP_LIFETIME_NS	(5ull * 1000000000ull)

struct nexthop_res {
	uint32_t ifindex;		/* egress device */
	uint8_t dmac[6], smac[6];
	struct ovnmig_ip via;		/* the neighbour asked (gateway or host) */
	bool via_v6;
	uint16_t state;			/* its NUD_* (0: no entry) */
};

/*
 * 0: resolved (@r complete).  -EAGAIN: route known but the neighbour not
 * (yet) valid; with @trigger, resolution was asked for.  -ENETUNREACH:
 * no unicast route (local, blackhole, unreachable).  -EAFNOSUPPORT: the
 * egress device or the neighbour is not Ethernet.  @r->ifindex and
 * @r->via are set whenever a route was found.
 */
int nexthop_resolve(const struct ovnmig_ip *dst, bool v6, bool trigger,
		    struct nexthop_res *r);

/*
 * Map access (-ENODEV when the map is absent).  The map is an array of
 * slots, one per new host (abi.h): maps_nexthop_slot() is @f's new
 * host's slot, taken when it has none (0: no map, or none free), for
 * maps_apply() to store in the entry; maps_nexthop_set() writes @k's
 * slot (-ENOSPC: none free); maps_nexthop_del() leaves @k without a
 * next hop but keeps its slot (-ENOENT: it had none);
 * maps_nexthop_repoint() points every forwarding entry at its host's
 * slot (after a hand-written next hop, for entries written without
 * one).  maps_foreach_nexthop() calls @cb for the usable ones (the
 * slot's host is v->host).
 */
__u32 maps_nexthop_slot(struct maps *m, const struct ovnmig_fwd *f);
int maps_nexthop_set(struct maps *m, const struct ovnmig_chassis_key *k,
		     const struct ovnmig_nexthop *v);
int maps_nexthop_del(struct maps *m, const struct ovnmig_chassis_key *k);
int maps_nexthop_repoint(struct maps *m);
int maps_foreach_nexthop(struct maps *m,
			 int (*cb)(void *ctx, uint32_t slot,
				   const struct ovnmig_nexthop *v),
			 void *ctx);
/* @k's slot, 0 if it has none; nothing taken. */
__u32 maps_nexthop_slot_of(struct maps *m, const struct ovnmig_chassis_key *k);

struct nexthop_watch;

/* NULL with errno set. */
struct nexthop_watch *nexthop_watch_open(void);
void nexthop_watch_close(struct nexthop_watch *w);
int nexthop_watch_fd(const struct nexthop_watch *w);
/* Read the pending events; true when one concerns a next hop. */
bool nexthop_watch_run(struct nexthop_watch *w);
bool nexthop_watch_dirty(const struct nexthop_watch *w);

/*
 * Make ovnmig_nexthop hold a slot for each new host of ovnmig_fwd, with
 * a live next hop in it when the host resolves, every entry pointing at
 * its host's slot, and no other slot taken; @generation stamps what
 * is written.  @written / @removed: entries written (new or changed,
 * not counting refreshes) and removed.  @w may be NULL (no watch).
 */
int nexthop_sync(struct nexthop_watch *w, struct maps *m,
		 uint32_t generation, uint64_t now_ns, int *written,
		 int *removed);

#endif /* OVNMIG_NEXTHOP_H */
