/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovnmig datapath ABI: the one contract between the BPF programs
 * (bpf/), the agent and CLI (user/) and the tests.  Everything that
 * crosses the BPF <-> user boundary is defined here and nowhere else.
 *
 * Maps are pinned by name (LIBBPF_PIN_BY_NAME) under
 * <bpffs>/tc/globals/<name>, which is where iproute2's ip/tc loaders
 * pin them too, so programs attached by hand and by ovnmigd share them.
 */
#ifndef OVNMIG_ABI_H
#define OVNMIG_ABI_H

#include <linux/types.h>

/* What OVN puts on the wire (docs/datapath.md, "What OVN sends"). */
#define OVNMIG_GENEVE_UDP_PORT	6081
#define OVNMIG_OVN_OPT_CLASS	0x0102
#define OVNMIG_OVN_OPT_TYPE	0x80	/* critical bit set */
#define OVNMIG_OVN_OPT_LEN	4	/* bytes of option data */
#define OVNMIG_OVN_MCAST_MIN	32768	/* egress keys >= this: multicast */
#define OVNMIG_VNI_MASK		0xffffffu
#define OVNMIG_GENEVE_PROTO_ETH	0x6558	/* Geneve protocol type: Ethernet */

/*
 * Loop mark of the forwarding pointer: bounce sets this bit in byte 1 of
 * the Geneve header (O, C, then six reserved bits; this is the last one)
 * and never forwards a packet that carries it, so a packet is forwarded
 * at most once even if two hosts point at each other.  RFC 8926 says the
 * reserved bits MUST be zero on transmit and MUST be ignored on receipt;
 * Linux geneve.c (and so OVS's kernel datapath) never reads them.  The
 * lowest reserved bit is the one future flags would take last.
 */
#define OVNMIG_GENEVE_MARK_OFF	1	/* byte offset in the Geneve header */
#define OVNMIG_GENEVE_MARK	0x01

/* Pinned map names. */
#define OVNMIG_MAP_STEER	"ovnmig_steer"
#define OVNMIG_MAP_FWD		"ovnmig_fwd"
#define OVNMIG_MAP_STATS	"ovnmig_stats"
#define OVNMIG_MAP_CONFIG	"ovnmig_config"
#define OVNMIG_MAP_STEER_VNIS	"ovnmig_steer_vnis"
#define OVNMIG_MAP_CHASSIS	"ovnmig_chassis"
#define OVNMIG_MAP_IFMAC	"ovnmig_ifmac"
#define OVNMIG_MAP_NEXTHOP	"ovnmig_nexthop"
#define OVNMIG_PIN_SUBDIR	"tc/globals"	/* below the bpffs mount */

#define OVNMIG_STEER_MAX_ENTRIES	65536	/* agent may resize before load */
#define OVNMIG_FWD_MAX_ENTRIES		65536
#define OVNMIG_CHASSIS_MAX_ENTRIES	16384
#define OVNMIG_IFMAC_SLOTS		1024	/* power of 2: ifindex % slots */
#define OVNMIG_NEXTHOP_MAX_ENTRIES	4096	/* slots; one per new host */

/* A port as OVN identifies it on the wire. */
struct ovnmig_port_key {
	__u32 dp_key;		/* VNI = Datapath_Binding.tunnel_key (24 bit) */
	__u16 port_key;		/* OVN option egress port key (< 32768) */
	__u16 pad;		/* must be zero */
};

/* An underlay address; IPv4 uses v4 and leaves the rest zero. */
struct ovnmig_ip {
	union {
		__be32 v4;
		__be32 v6[4];
	};
};

/*
 * Entry flags (steer and fwd).  OVNMIG_F_DROP (steer only): a multichassis
 * port, whose new chassis already gets its own copy: drop the now useless
 * copy to old_remote instead of rewriting it.
 */
#define OVNMIG_F_IPV6	(1u << 0)	/* addresses in the entry are IPv6 */
#define OVNMIG_F_DROP	(1u << 1)	/* steer: drop instead of rewrite */
/*
 * Written by hand (ovnmigctl steer/bounce add): not bound to the agent's
 * lease (struct ovnmig_config), only to its own expires_ns, which the
 * operator chose.  The agent never sets it.
 */
#define OVNMIG_F_MANUAL	(1u << 2)

/*
 * Steering entry (TC egress on genev_sys_6081 of every chassis): packets
 * for the key whose tunnel destination is old_remote are sent to
 * new_remote instead, until expires_ns.
 *
 * Expiry: an entry with expires_ns <= bpf_ktime_get_ns() is ignored
 * (counted as expired); there is no "never" value, every entry expires.
 * For the agent's entries expires_ns is the maximum age (the agent
 * removes them earlier, when the SB stops showing their move); they
 * apply only while the agent's lease is fresh (struct ovnmig_config).
 * The miss path reads no clock; the paths that found the entry read
 * bpf_ktime_get_ns() once, for expiry and for the evidence below.
 *
 * Evidence (struct ovnmig_evidence, the last fields of the value, so
 * the datapath needs no second lookup): what the entry did to packets.
 * packets counts every packet it steered (OVNMIG_F_DROP: dropped), by
 * an atomic add; first_ns is the first such packet's time, last_ns the
 * time of one within OVNMIG_EVIDENCE_GRAIN_NS before the last one: the
 * times are written only when they move by the grain, so a busy entry
 * writes them about 2,000 times a second, not per packet.  Clock:
 * CLOCK_MONOTONIC (bpf_ktime_get_ns), not the coarse clock, whose tick
 * (4 ms at HZ=250) is coarser than the ~1 ms a repoint lag needs.
 * Writers other than the datapath start a new move's entry at zero and
 * carry the evidence over when they rewrite the same move (the agent:
 * user/lib/maps_evidence.c).
 *
 * Layout: 72 bytes (48 before the evidence); pins of an older layout
 * must be removed before upgrading (README).
 */
#define OVNMIG_EVIDENCE_GRAIN_NS	(1ull << 19)	/* ~0.52 ms */

struct ovnmig_evidence {
	__u64 packets;		/* steered, dropped (steer) or forwarded */
	__u64 first_ns;		/* CLOCK_MONOTONIC; 0: none yet */
	__u64 last_ns;		/* within the grain before the last one */
};

struct ovnmig_steer {
	struct ovnmig_ip old_remote;
	struct ovnmig_ip new_remote;
	__u64 expires_ns;	/* CLOCK_MONOTONIC, ns */
	__u32 generation;	/* agent's counter, for reconcile */
	__u32 flags;		/* OVNMIG_F_* */
	struct ovnmig_evidence ev;	/* written by steer */
};

/*
 * Forwarding pointer (XDP on the underlay NIC of the host the port left):
 * Geneve packets for the key arriving here go on to new_host, once.
 * Evidence as for steer (ev.packets: forwarded), and last_src: the
 * outer source (the sending chassis) of a forwarded packet, written with
 * the times, so it is the sender of a packet within the grain of the
 * last one (family: OVNMIG_F_IPV6 of flags).  nh_slot: new_host's slot
 * in ovnmig_nexthop (below), set by every writer that goes through
 * user/lib (maps_apply); 0: none.  Layout: 80 bytes (72 before nh_slot,
 * 32 before the evidence); pins of an older layout must be removed
 * before upgrading (README).
 */
struct ovnmig_fwd {
	struct ovnmig_ip new_host;
	__u64 expires_ns;	/* CLOCK_MONOTONIC */
	__u32 generation;
	__u32 flags;		/* OVNMIG_F_* */
	struct ovnmig_evidence ev;	/* written by bounce */
	struct ovnmig_ip last_src;	/* written by bounce */
	__u32 nh_slot;		/* ovnmig_nexthop index; 0: none */
	__u32 pad;		/* must be zero */
};

/*
 * Who may use a forwarding pointer.  bounce forwards a packet only when
 * it was sent to this host by another chassis of the deployment:
 *
 * - ovnmig_chassis (hash): the tunnel endpoints of the other chassis,
 *   every "geneve" Encap.ip of every SB Chassis except this host's own.
 *   The outer source must be a key here.  ovnmigd owns the map: it adds
 *   and removes keys as the SB's Chassis/Encap rows change and makes the
 *   map equal to the SB when it (re)starts, so keys written by hand
 *   (ovnmigctl chassis add, for a setup without the agent) last only
 *   until the agent's next sync.  An IPv4 key has v6[1..3] zero and
 *   flags 0, an IPv6 key flags OVNMIG_F_IPV6: the two never collide.
 * - ovnmig_ifmac (array of OVNMIG_IFMAC_SLOTS, index ifindex %
 *   OVNMIG_IFMAC_SLOTS, the value naming its ifindex): the unicast MAC
 *   of each NIC bounce is attached to; the Ethernet destination must be
 *   the MAC of the ingress NIC's slot, and the slot must name the
 *   ingress NIC (else nothing is forwarded).  An array, not a hash: one
 *   inlined lookup per hit.  Two NICs whose ifindexes share a slot
 *   cannot both run bounce: the writer refuses the second (EADDRINUSE)
 *   while the first still exists.  A promiscuous NIC (a
 *   bridge port, a packet capture) also receives frames for other hosts,
 *   which the stack would drop as PACKET_OTHERHOST; XDP runs first.
 *   Written by whoever attaches bounce (ovnmigd --underlay, ovnmigctl
 *   attach); a hand load with ip(8) must write it too (ovnmigctl -m
 *   underlay DEV).
 * - the outer destination must be this host's underlay address
 *   (ovnmig_config.local_v4/local_v6), and the outer source must not be.
 */
struct ovnmig_chassis_key {
	struct ovnmig_ip addr;
	__u32 flags;		/* OVNMIG_F_IPV6 or 0 */
};

struct ovnmig_chassis {
	__u32 generation;	/* the writer's (0: by hand) */
	__u32 pad;		/* must be zero */
};

struct ovnmig_ifmac {
	__u32 ifindex;		/* the NIC of this slot; 0: slot free */
	__u8 mac[6];
	__u16 pad;		/* must be zero */
};

/*
 * bounce's next-hop cache (array of OVNMIG_NEXTHOP_MAX_ENTRIES slots):
 * how to send to a new host from here, so that a forwarded packet needs
 * no bpf_fib_lookup and the host no IP forwarding.  One slot per new
 * host (host: ovnmig_fwd.new_host with flags OVNMIG_F_IPV6 for IPv6),
 * named by the forwarding entries' nh_slot, so a hit costs an inlined
 * array lookup and a neighbour change rewrites one slot, not every
 * entry.  Slot 0 is never used.  The writers (user/lib/nexthop.c) give
 * a host a slot when its first forwarding entry is written, keep it
 * while entries point to it and free it (all zero) after; ovnmigd
 * fills it from rtnetlink (the route to the host, then the neighbour
 * entry of its gateway or of the host itself, resolving it when it is
 * unknown), refreshes expires_ns while the route and the neighbour stay
 * valid, and clears ifindex as soon as the neighbour fails or goes
 * away or the route or a link changes (then resolves it anew).
 *
 * Stale: bounce uses a slot only while it names the entry's new host,
 * expires_ns > now (CLOCK_MONOTONIC) and ifindex != 0.  Otherwise it
 * falls back to bpf_fib_lookup, which needs IP forwarding on the ingress
 * device (counted: bounce_forwarded_fib, or bounce_fib_fail when the FIB
 * has no answer); a slot the agent stopped refreshing (agent gone) turns
 * stale by itself, and a slot given to another host meanwhile does not
 * match.  Layout: 56 bytes (32 before host, when it was a hash keyed by
 * the host); pins of an older layout must be removed (README).
 */
struct ovnmig_nexthop {
	struct ovnmig_chassis_key host;	/* whose slot; all zero: free */
	__u32 ifindex;		/* egress device (XDP_TX if the ingress one) */
	__u8 dmac[6];		/* the neighbour's MAC */
	__u8 smac[6];		/* the egress device's MAC */
	__u32 pad0;		/* must be zero */
	__u64 expires_ns;	/* CLOCK_MONOTONIC: stale from then on */
	__u32 generation;	/* the writer's (0: by hand) */
	__u32 pad;		/* must be zero */
};

/*
 * Optional prefilter for steer (array, mmapable, __u64 words), in two
 * parts that the same writer keeps:
 *
 * - per datapath, words [0, OVNMIG_STEER_VNI_WORDS): bit (vni % 64) of
 *   word (vni / 64).  Consulted while config.flags has
 *   OVNMIG_CFG_STEER_VNI_FILTER: a packet whose VNI bit is clear counts
 *   as steer_miss without its options being read.
 * - per (datapath, egress port), words [OVNMIG_STEER_VNI_WORDS,
 *   OVNMIG_STEER_FILTER_WORDS): bit b = ovnmig_steer_port_bit(vni, port)
 *   is bit (b % 64) of word OVNMIG_STEER_VNI_WORDS + b / 64, a hashed
 *   bitmap (pairs may share a bit).  Consulted while config.flags has
 *   OVNMIG_CFG_STEER_PORT_FILTER: a packet whose bit is clear counts as
 *   steer_miss without the steer map being searched.  In a datapath
 *   that has entries this is what every other port's packet pays
 *   instead of a hash lookup, and it does not grow with the entries
 *   (only the share of packets that still need the lookup does: about
 *   entries / 2^24).
 *
 * Contract for whoever sets a flag: every key that has a steer entry has
 * its bit set (in the part the flag names), set before the entry is
 * inserted; a bit may stay set without entries (only costs speed), and
 * is cleared only after the last entry that needs it is gone.
 */
#define OVNMIG_STEER_VNI_WORDS	(1u << 18)	/* 2^24 VNIs / 64 */
#define OVNMIG_STEER_PORT_BITS	24		/* log2 of the bits */
#define OVNMIG_STEER_PORT_WORDS	(1u << (OVNMIG_STEER_PORT_BITS - 6))
#define OVNMIG_STEER_FILTER_WORDS \
	(OVNMIG_STEER_VNI_WORDS + OVNMIG_STEER_PORT_WORDS)

/* The (datapath, egress port) prefilter's bit: a multiplicative hash. */
static inline __u32 ovnmig_steer_port_bit(__u32 vni, __u32 port)
{
	__u64 x = ((__u64)(vni & OVNMIG_VNI_MASK) << 16) | (port & 0xffff);

	return (x * 0x9e3779b97f4a7c15ull) >> (64 - OVNMIG_STEER_PORT_BITS);
}

/* config.flags */
#define OVNMIG_CFG_STEER_VNI_FILTER	(1u << 0)
#define OVNMIG_CFG_STEER_PORT_FILTER	(1u << 1)

/*
 * Single-entry config array (key 0).
 *
 * The lease: steer and bounce honour an entry without OVNMIG_F_MANUAL
 * only while lease_ns > bpf_ktime_get_ns() (else the packet
 * passes untouched, counted as *_lease_expired).  The running agent
 * renews it every second to now + its --lease, once it has reconciled
 * the maps with the SB; so if the agent dies or hangs, its entries stop
 * applying within the lease, and a restarted agent that reconciles
 * within the lease continues it without a gap.  0: never renewed, so
 * no agent entry applies.
 * lease_renewed_ns is when it was last renewed (for status only; the
 * datapath does not read it).  Both CLOCK_MONOTONIC ns.
 */
struct ovnmig_config {
	/* This host's underlay addresses: the only outer destination
	 * bounce forwards from, and the source it forwards with. */
	__be32 local_v4;
	/* 0: steer skips the lookup (no entry, or the agent keeps
	 * steering off: ovnmigd's qdisc check). */
	__u32 steer_active;
	__be32 local_v6[4];
	__u32 fwd_active;	/* 0: fwd map empty, skip the lookup */
	__u32 flags;		/* OVNMIG_CFG_* */
	__u64 lease_ns;		/* agent's entries apply until then */
	__u64 lease_renewed_ns;	/* last renewal */
};

/*
 * Per-CPU counters, one per outcome.  Every exit of every program is
 * counted in exactly one of these.  X-macro so user code gets the names.
 * A forwarded packet is bounce_forwarded (next hop from ovnmig_nexthop)
 * or bounce_forwarded_fib (no live cached next hop: from the FIB).
 */
#define OVNMIG_STATS(X)							\
	X(STEER_IDLE,		"steer_idle")				\
	X(STEER_STEERED,	"steer_steered")			\
	X(STEER_DROPPED_DUP,	"steer_dropped_dup")			\
	X(STEER_MISS,		"steer_miss")				\
	X(STEER_EXPIRED,	"steer_expired")			\
	X(STEER_LEASE_EXPIRED,	"steer_lease_expired")		\
	X(STEER_OTHER_REMOTE,	"steer_other_remote")			\
	X(STEER_MCAST,		"steer_mcast")				\
	X(STEER_NOT_OVN,	"steer_not_ovn")			\
	X(STEER_UNSUPPORTED,	"steer_unsupported")			\
	X(STEER_ERROR,		"steer_error")				\
	X(BOUNCE_IDLE,		"bounce_idle")				\
	X(BOUNCE_FORWARDED,	"bounce_forwarded")			\
	X(BOUNCE_MISS,		"bounce_miss")				\
	X(BOUNCE_EXPIRED,	"bounce_expired")			\
	X(BOUNCE_LEASE_EXPIRED,	"bounce_lease_expired")		\
	X(BOUNCE_NOT_GENEVE,	"bounce_not_geneve")			\
	X(BOUNCE_NOT_OVN,	"bounce_not_ovn")			\
	X(BOUNCE_MALFORMED,	"bounce_malformed")			\
	X(BOUNCE_FRAGMENT,	"bounce_fragment")			\
	X(BOUNCE_MCAST,		"bounce_mcast")				\
	X(BOUNCE_LOOP_REFUSED,	"bounce_loop_refused")			\
	X(BOUNCE_FIB_FAIL,	"bounce_fib_fail")			\
	X(BOUNCE_UNSUPPORTED,	"bounce_unsupported")			\
	X(BOUNCE_DST_NOT_LOCAL,	"bounce_dst_not_local")			\
	X(BOUNCE_MAC_NOT_LOCAL,	"bounce_mac_not_local")			\
	X(BOUNCE_SRC_LOCAL,	"bounce_src_local")			\
	X(BOUNCE_SRC_NOT_CHASSIS, "bounce_src_not_chassis")		\
	X(BOUNCE_TTL_EXCEEDED,	"bounce_ttl_exceeded")			\
	X(BOUNCE_IP_OPTIONS,	"bounce_ip_options")			\
	X(BOUNCE_OVN_OPT_DUP,	"bounce_ovn_opt_dup")			\
	X(BOUNCE_FORWARDED_FIB,	"bounce_forwarded_fib")

enum ovnmig_stat {
#define OVNMIG_STAT_ENUM(id, name) OVNMIG_STAT_##id,
	OVNMIG_STATS(OVNMIG_STAT_ENUM)
#undef OVNMIG_STAT_ENUM
	OVNMIG_STAT_MAX
};

struct ovnmig_counter {
	__u64 packets;
	__u64 bytes;
};

#endif /* OVNMIG_ABI_H */
