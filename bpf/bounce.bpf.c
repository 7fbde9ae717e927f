// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bounce: XDP on the underlay NIC of the chassis a port has left.  Geneve
 * packets for the departed port that still arrive here are sent on to its
 * new chassis: outer destination := new host, outer source := this host,
 * TTL / hop limit decremented, IPv4 header and UDP checksums fixed
 * incrementally, next hop from the agent's cache (ovnmig_nexthop, abi.h:
 * the slot the entry names; the FIB when it has none), then XDP_TX or
 * redirect.  The
 * loop mark (abi.h) makes every packet forwarded at most once.
 *
 * XDP runs before netfilter, so bounce must not be a relay for anyone
 * else: a packet is forwarded only when it is addressed to this host (IP
 * and MAC), comes from a known chassis (ovnmig_chassis, abi.h), may be
 * routed once more (TTL), has no IPv4 options and exactly one OVN option.
 * Anything else, and anything odd, is passed to the stack untouched and
 * counted, one counter per reason.
 *
 * Order (bounce_l4, top to bottom): parse (cheap, bounded:
 * bounce_parse_l4), look the port up (the common miss ends here, no more
 * cost than before these checks), decide who may use the pointer,
 * cheapest check first (bounce_decide), the next hop (bounce_next_hop),
 * the rewrite (bounce_rewrite), the send and the count.  OVN's option
 * is found by the Geneve option walker steer uses too (geneve.h).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "maps.h"
#include "geneve.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET		2
#define AF_INET6	10
#define ETH_P_8021Q_	0x8100
#define ETH_P_8021AD_	0x88a8
#define IP_MF_		0x2000
#define IP_OFFSET_	0x1fff
#define IPV6_EXT_MAX	4	/* extension headers walked before giving up */

struct vlan_hdr_ {
	__be16 tci;
	__be16 proto;
};

/*
 * Big-endian 16-bit load with bounds the verifier keeps: 6.1's verifier
 * forgets the bounds of a byte-swapped value and of an "|" of two bytes,
 * and these lengths get added to packet pointers.  The mask is in asm so
 * that clang cannot drop it as redundant.
 */
static __always_inline __u64 load_be16(const void *p)
{
	const __u8 *b = p;
	__u64 v = (b[0] << 8) | b[1];

	asm volatile("%[v] &= 0xffff" : [v] "+r"(v));
	return v;
}

static __always_inline int done(__u32 stat, struct xdp_md *ctx, int verdict)
{
	ovnmig_count(stat, ctx->data_end - ctx->data);
	return verdict;
}

/* Ones' complement sum helpers (RFC 1624): HC' = ~(~HC + ~m + m'). */
static __always_inline __u64 csum_add_words(__u64 sum, const __u16 *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		sum += w[i];
	return sum;
}

static __always_inline __u64 csum_sub_words(__u64 sum, const __u16 *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		sum += (__u16)~w[i];
	return sum;
}

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static __always_inline __u16 csum_update(__u16 check, __u64 diff)
{
	return ~csum_fold((__u16)~check + diff);
}

/*
 * Is the IPv4 header checksum right?  A router must not forward a header
 * that fails it (RFC 1812 5.2.2), and the incremental update would only
 * carry the error on.  Asked only for a packet about to be forwarded,
 * whose header has no options (20 bytes, checked in bounds by the
 * caller).
 */
static __always_inline bool ipv4_csum_ok(const struct iphdr *iph)
{
	const __u16 *w = (const void *)iph;
	__u64 sum = 0;
	int i;

	for (i = 0; i < (int)sizeof(*iph) / 2; i++)
		sum += w[i];
	return csum_fold(sum) == 0xffff;
}

static __always_inline bool ip6_eq(const struct in6_addr *a,
				   const __be32 *b)
{
	const __be32 *w = (const void *)a;

	return !((w[0] ^ b[0]) | (w[1] ^ b[1]) | (w[2] ^ b[2]) |
		 (w[3] ^ b[3]));
}

static __always_inline bool mac_eq(const __u8 *a, const __u8 *b)
{
	return !((*(const __u32 *)a ^ *(const __u32 *)b) |
		 (*(const __u16 *)(a + 4) ^ *(const __u16 *)(b + 4)));
}

/* The headers of one packet, as bounce_parse_l4() found them. */
struct bounce_pkt {
	struct ethhdr *eth;
	void *l3;		/* struct iphdr or struct ipv6hdr */
	struct udphdr *udp;
	struct geneve_hdr *gh;
	struct ovnmig_port_key key;	/* the port OVN's option names */
	bool vlan;		/* the frame has a VLAN tag */
};

/* Where a forwarded packet goes: the agent's cache or the FIB's answer. */
struct bounce_nh {
	__u32 ifindex;
	const __u8 *dmac;
	const __u8 *smac;
	__u32 stat;		/* bounce_forwarded or bounce_forwarded_fib */
	struct bpf_fib_lookup fib;	/* holds the MACs of a FIB answer */
};

/*
 * Parse: UDP to the Geneve port, Geneve carrying Ethernet, exactly one
 * OVN option (a second one makes the packet ambiguous, since the new
 * host's OVS might read the other one), bounded by the IP payload and
 * the packet.  True with pk->udp, pk->gh and pk->key set; else *stat
 * says why not.
 */
static __always_inline bool bounce_parse_l4(struct bounce_pkt *pk, __u8 *p,
					    __u32 l4_max, void *end,
					    __u32 *stat)
{
	struct udphdr *udp = (void *)p;
	struct geneve_hdr *gh;
	__u32 udp_len, opts_len;
	int off, egress, step = 0;

	*stat = OVNMIG_STAT_BOUNCE_MALFORMED;
	if (p + sizeof(*udp) > (__u8 *)end)
		return false;
	if (udp->dest != bpf_htons(OVNMIG_GENEVE_UDP_PORT)) {
		*stat = OVNMIG_STAT_BOUNCE_NOT_GENEVE;
		return false;
	}
	udp_len = load_be16(&udp->len);
	/* Within the IP payload, not only within the frame (padding). */
	if (udp_len < sizeof(*udp) + GENEVE_HLEN || udp_len > l4_max ||
	    p + udp_len > (__u8 *)end)
		return false;
	p += sizeof(*udp);

	gh = (void *)p;
	if (p + GENEVE_HLEN > (__u8 *)end)
		return false;
	opts_len = (gh->ver_optlen & 0x3f) * 4;
	if ((gh->ver_optlen >> 6) != 0 ||
	    GENEVE_HLEN + opts_len > udp_len - sizeof(*udp))
		return false;
	*stat = OVNMIG_STAT_BOUNCE_NOT_OVN;
	if (gh->proto != bpf_htons(OVNMIG_GENEVE_PROTO_ETH))
		return false;
	p += GENEVE_HLEN;

	/* The first option of OVN's class and type is OVN's or none is. */
	off = geneve_ovn_opt(p, opts_len, end, 0, false, &step);
	egress = geneve_ovn_egress(p, opts_len, end, off);
	if (egress < 0)
		return false;
	if (geneve_ovn_opt(p, opts_len, end, off + 8, false, &step) >= 0) {
		*stat = OVNMIG_STAT_BOUNCE_OVN_OPT_DUP;
		return false;
	}
	if (egress >= OVNMIG_OVN_MCAST_MIN) {
		*stat = OVNMIG_STAT_BOUNCE_MCAST;
		return false;
	}
	pk->udp = udp;
	pk->gh = gh;
	pk->key.dp_key = (gh->vni[0] << 16) | (gh->vni[1] << 8) | gh->vni[2];
	pk->key.port_key = egress;
	return true;
}

/*
 * Decide: may this packet use the pointer @e (now: CLOCK_MONOTONIC)?
 * The entry's own state first, then who sent it: to this host by
 * another chassis (abi.h), once more routable.  Compares first, then
 * the NIC's MAC (an inlined array lookup) and the sender (a hash
 * lookup).  True to forward; else *stat says why not.
 */
static __always_inline bool bounce_decide(struct xdp_md *ctx,
					  const struct ovnmig_config *cfg,
					  const struct bounce_pkt *pk,
					  const struct ovnmig_fwd *e,
					  __u64 now, const bool is6,
					  __u32 *stat)
{
	struct iphdr *iph = pk->l3;
	struct ipv6hdr *ip6h = pk->l3;
	struct ovnmig_chassis_key ck = {};
	__u32 ifindex = ctx->ingress_ifindex;
	__u32 slot = ifindex & (OVNMIG_IFMAC_SLOTS - 1);
	struct ovnmig_ifmac *mac;

	if (e->expires_ns <= now) {
		*stat = OVNMIG_STAT_BOUNCE_EXPIRED;
		return false;
	}
	/* The agent's pointers only while its lease is fresh (abi.h). */
	if (!(e->flags & OVNMIG_F_MANUAL) && cfg->lease_ns <= now) {
		*stat = OVNMIG_STAT_BOUNCE_LEASE_EXPIRED;
		return false;
	}
	if (pk->gh->flags & OVNMIG_GENEVE_MARK) {
		*stat = OVNMIG_STAT_BOUNCE_LOOP_REFUSED;
		return false;
	}
	*stat = OVNMIG_STAT_BOUNCE_UNSUPPORTED;
	if (!!(e->flags & OVNMIG_F_IPV6) != is6)
		return false;

	if (!is6) {
		*stat = OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL;
		if (iph->daddr != cfg->local_v4)
			return false;
		*stat = OVNMIG_STAT_BOUNCE_SRC_LOCAL;
		if (iph->saddr == cfg->local_v4)
			return false;
		/*
		 * Any option: source routes (LSRR/SSRR) name another final
		 * destination, and record route or timestamps would need a
		 * router's update.  OVS never sends options.
		 */
		*stat = OVNMIG_STAT_BOUNCE_IP_OPTIONS;
		if (iph->ihl != 5)
			return false;
		*stat = OVNMIG_STAT_BOUNCE_TTL_EXCEEDED;
		if (iph->ttl <= 1)
			return false;
		ck.addr.v4 = iph->saddr;
	} else {
		*stat = OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL;
		if (!ip6_eq(&ip6h->daddr, cfg->local_v6))
			return false;
		*stat = OVNMIG_STAT_BOUNCE_SRC_LOCAL;
		if (ip6_eq(&ip6h->saddr, cfg->local_v6))
			return false;
		*stat = OVNMIG_STAT_BOUNCE_TTL_EXCEEDED;
		if (ip6h->hop_limit <= 1)
			return false;
		__builtin_memcpy(ck.addr.v6, &ip6h->saddr, 16);
		ck.flags = OVNMIG_F_IPV6;
	}
	/* The slot must name this NIC: another one may share it (abi.h). */
	mac = bpf_map_lookup_elem(&ovnmig_ifmac, &slot);
	*stat = OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL;
	if (!mac || mac->ifindex != ifindex ||
	    !mac_eq(pk->eth->h_dest, mac->mac))
		return false;
	*stat = OVNMIG_STAT_BOUNCE_SRC_NOT_CHASSIS;
	if (!bpf_map_lookup_elem(&ovnmig_chassis, &ck))
		return false;
	*stat = OVNMIG_STAT_BOUNCE_MALFORMED;
	if (!is6 && !ipv4_csum_ok(iph))
		return false;
	return true;
}

/*
 * The next hop to e->new_host: the agent's cache (abi.h) when it has a
 * live entry for it, else the FIB (which answers only with forwarding
 * on).  Asked before anything is touched: a packet that cannot go out
 * is passed up as it came.  True with @nh set; else *stat says why not.
 */
static __always_inline bool bounce_next_hop(struct xdp_md *ctx,
					    const struct ovnmig_config *cfg,
					    const struct bounce_pkt *pk,
					    const struct ovnmig_fwd *e,
					    __u64 now, const bool is6,
					    struct bounce_nh *nh, __u32 *stat)
{
	struct iphdr *iph = pk->l3;
	struct ipv6hdr *ip6h = pk->l3;
	__u32 slot = e->nh_slot;
	struct ovnmig_nexthop *c = NULL;

	/* The entry's slot, if it (still) holds the entry's new host. */
	if (slot)
		c = bpf_map_lookup_elem(&ovnmig_nexthop, &slot);
	if (c && c->ifindex && c->expires_ns > now &&
	    c->host.flags == (e->flags & OVNMIG_F_IPV6) &&
	    ip6_eq((const void *)&c->host.addr, e->new_host.v6)) {
		nh->ifindex = c->ifindex;
		nh->dmac = c->dmac;
		nh->smac = c->smac;
		nh->stat = OVNMIG_STAT_BOUNCE_FORWARDED;
	} else {
		/* Zeroed here only: a cached next hop does not pay it. */
		__builtin_memset(&nh->fib, 0, sizeof(nh->fib));
		nh->fib.ifindex = ctx->ingress_ifindex;
		nh->fib.l4_protocol = IPPROTO_UDP;
		nh->fib.sport = pk->udp->source;
		nh->fib.dport = pk->udp->dest;
		if (!is6) {
			nh->fib.family = AF_INET;
			nh->fib.tos = iph->tos;
			nh->fib.tot_len = load_be16(&iph->tot_len);
			nh->fib.ipv4_src = cfg->local_v4;
			nh->fib.ipv4_dst = e->new_host.v4;
		} else {
			nh->fib.family = AF_INET6;
			nh->fib.flowinfo = *(__be32 *)ip6h &
					   bpf_htonl(0x0fffffff);
			nh->fib.tot_len = sizeof(*ip6h) +
					  load_be16(&ip6h->payload_len);
			__builtin_memcpy(nh->fib.ipv6_src, cfg->local_v6,
					 sizeof(nh->fib.ipv6_src));
			__builtin_memcpy(nh->fib.ipv6_dst, e->new_host.v6,
					 sizeof(nh->fib.ipv6_dst));
		}
		if (bpf_fib_lookup(ctx, &nh->fib, sizeof(nh->fib), 0) !=
		    BPF_FIB_LKUP_RET_SUCCESS) {
			*stat = OVNMIG_STAT_BOUNCE_FIB_FAIL;
			return false;
		}
		nh->ifindex = nh->fib.ifindex;
		nh->dmac = nh->fib.dmac;
		nh->smac = nh->fib.smac;
		nh->stat = OVNMIG_STAT_BOUNCE_FORWARDED_FIB;
	}
	/*
	 * A tagged frame can only go back out where it came from, tag and
	 * all; the route names the VLAN device, which XDP cannot send on.
	 */
	if (pk->vlan && nh->ifindex != ctx->ingress_ifindex) {
		*stat = OVNMIG_STAT_BOUNCE_UNSUPPORTED;
		return false;
	}
	return true;
}

/*
 * Rewrite: outer addresses (source := this host, destination := the new
 * host), TTL / hop limit, the loop mark, the IPv4 header and UDP
 * checksums (incrementally), the MACs of the next hop.
 */
static __always_inline void bounce_rewrite(const struct ovnmig_config *cfg,
					   const struct bounce_pkt *pk,
					   const struct ovnmig_fwd *e,
					   const struct bounce_nh *nh,
					   const bool is6)
{
	struct iphdr *iph = pk->l3;
	struct ipv6hdr *ip6h = pk->l3;
	struct udphdr *udp = pk->udp;
	__u16 old_addr[16], new_addr[16], old_gw, new_gw, old_ttl, new_ttl;
	__u64 diff;

	/* The mark's word as the UDP checksum sums it (network order). */
	old_gw = *(__u16 *)pk->gh;
	new_gw = old_gw | bpf_htons(OVNMIG_GENEVE_MARK);
	*(__u16 *)pk->gh = new_gw;
	if (!is6) {
		__builtin_memcpy(old_addr, &iph->saddr, 8);
		iph->saddr = cfg->local_v4;
		iph->daddr = e->new_host.v4;
		__builtin_memcpy(new_addr, &iph->saddr, 8);
		diff = csum_sub_words(0, old_addr, 4);
		diff = csum_add_words(diff, new_addr, 4);
		/*
		 * TTL shares its word with the protocol; not in the UDP
		 * pseudo-header, so only in the IP checksum.
		 */
		old_ttl = *(__u16 *)&iph->ttl;
		iph->ttl--;
		new_ttl = *(__u16 *)&iph->ttl;
		iph->check = csum_update(iph->check,
					 csum_add_words(csum_sub_words(diff,
							&old_ttl, 1),
							&new_ttl, 1));
	} else {
		__builtin_memcpy(old_addr, &ip6h->saddr, 32);
		__builtin_memcpy(&ip6h->saddr, cfg->local_v6, 16);
		__builtin_memcpy(&ip6h->daddr, e->new_host.v6, 16);
		__builtin_memcpy(new_addr, &ip6h->saddr, 32);
		diff = csum_sub_words(0, old_addr, 16);
		diff = csum_add_words(diff, new_addr, 16);
		ip6h->hop_limit--;
	}
	/* A zero UDP checksum means "none" and stays zero. */
	if (udp->check) {
		__u16 c;

		diff = csum_sub_words(diff, &old_gw, 1);
		diff = csum_add_words(diff, &new_gw, 1);
		c = csum_update(udp->check, diff);
		udp->check = c ? c : 0xffff;
	}
	__builtin_memcpy(pk->eth->h_dest, nh->dmac, ETH_ALEN);
	__builtin_memcpy(pk->eth->h_source, nh->smac, ETH_ALEN);
}

static __always_inline void bounce_note_src(const struct bounce_pkt *pk,
					    struct ovnmig_fwd *e, const bool is6)
{
	const struct iphdr *iph = pk->l3;
	const struct ipv6hdr *ip6h = pk->l3;

	if (!is6)
		e->last_src.v4 = iph->saddr;
	else
		__builtin_memcpy(e->last_src.v6, &ip6h->saddr, 16);
}

/*
 * Everything above IP: parse, look the port up (the common miss ends
 * here), decide, find the next hop, rewrite, send.  Inlined once per
 * address family with is6 a constant, so each copy only ever touches
 * the header its caller checked (the verifier cannot follow a
 * NULL-or-packet pointer through a flag).
 */
static __always_inline int bounce_l4(struct xdp_md *ctx,
				     struct ovnmig_config *cfg,
				     struct ethhdr *eth, bool vlan, void *l3,
				     __u8 *p, __u32 l4_max, void *end,
				     const bool is6)
{
	struct bounce_pkt pk = { .eth = eth, .l3 = l3, .vlan = vlan };
	struct ovnmig_fwd *e;
	struct bounce_nh nh;
	__u32 stat;
	__u64 now;

	if (!bounce_parse_l4(&pk, p, l4_max, end, &stat))
		return done(stat, ctx, XDP_PASS);
	e = bpf_map_lookup_elem(&ovnmig_fwd, &pk.key);
	if (!e)
		return done(OVNMIG_STAT_BOUNCE_MISS, ctx, XDP_PASS);
	/* The fine clock: the evidence's times need ~1 ms (abi.h). */
	now = bpf_ktime_get_ns();
	if (!bounce_decide(ctx, cfg, &pk, e, now, is6, &stat) ||
	    !bounce_next_hop(ctx, cfg, &pk, e, now, is6, &nh, &stat))
		return done(stat, ctx, XDP_PASS);
	/* The sender, with the times only (abi.h): before the rewrite. */
	if (ovnmig_evidence(&e->ev, now))
		bounce_note_src(&pk, e, is6);
	bounce_rewrite(cfg, &pk, e, &nh, is6);

	if (nh.ifindex == ctx->ingress_ifindex)
		return done(nh.stat, ctx, XDP_TX);
	ovnmig_count(nh.stat, ctx->data_end - ctx->data);
	return bpf_redirect(nh.ifindex, 0);
}

SEC("xdp")
int bounce(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ovnmig_config *cfg = ovnmig_config_get();
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct ipv6hdr *ip6h;
	bool vlan = false;
	__u16 proto;
	__u8 *p;
	int i;

	if (!cfg || !cfg->fwd_active)
		return done(OVNMIG_STAT_BOUNCE_IDLE, ctx, XDP_PASS);

	/* Parse: Ethernet, at most one VLAN tag. */
	p = data;
	if (p + sizeof(*eth) > (__u8 *)end)
		return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
	proto = eth->h_proto;
	p += sizeof(*eth);
	if (proto == bpf_htons(ETH_P_8021Q_) ||
	    proto == bpf_htons(ETH_P_8021AD_)) {
		struct vlan_hdr_ *vh = (void *)p;

		if (p + sizeof(*vh) > (__u8 *)end)
			return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
		proto = vh->proto;
		p += sizeof(*vh);
		vlan = true;
	}

	/* IPv4 (with options) or IPv6 (with a few extension headers). */
	if (proto == bpf_htons(ETH_P_IP)) {
		__u32 ihl;

		iph = (void *)p;
		if (p + sizeof(*iph) > (__u8 *)end)
			return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
		ihl = iph->ihl * 4;
		if (iph->version != 4 || ihl < sizeof(*iph) ||
		    load_be16(&iph->tot_len) < ihl ||
		    p + load_be16(&iph->tot_len) > (__u8 *)end)
			return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
		if (iph->frag_off & bpf_htons(IP_MF_ | IP_OFFSET_))
			return done(OVNMIG_STAT_BOUNCE_FRAGMENT, ctx, XDP_PASS);
		if (iph->protocol != IPPROTO_UDP)
			return done(OVNMIG_STAT_BOUNCE_NOT_GENEVE, ctx, XDP_PASS);
		p += ihl;
		return bounce_l4(ctx, cfg, eth, vlan, iph, p,
				 load_be16(&iph->tot_len) - ihl, end, false);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		__u64 ext;
		__u8 nexthdr;

		ip6h = (void *)p;
		if (p + sizeof(*ip6h) > (__u8 *)end)
			return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
		if (ip6h->version != 6 ||
		    p + sizeof(*ip6h) + load_be16(&ip6h->payload_len) >
		    (__u8 *)end)
			return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
		nexthdr = ip6h->nexthdr;
		p += sizeof(*ip6h);
		for (i = 0; i < IPV6_EXT_MAX; i++) {
			if (nexthdr == IPPROTO_UDP)
				break;
			if (nexthdr == IPPROTO_FRAGMENT)
				return done(OVNMIG_STAT_BOUNCE_FRAGMENT, ctx,
					    XDP_PASS);
			/*
			 * A routing header means the destination field is
			 * not the final one: rewriting it would be wrong.
			 */
			if (nexthdr == IPPROTO_ROUTING)
				return done(OVNMIG_STAT_BOUNCE_UNSUPPORTED, ctx,
					    XDP_PASS);
			if (nexthdr != IPPROTO_HOPOPTS &&
			    nexthdr != IPPROTO_DSTOPTS)
				return done(OVNMIG_STAT_BOUNCE_NOT_GENEVE, ctx,
					    XDP_PASS);
			if (p + 2 > (__u8 *)end)
				return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx,
					    XDP_PASS);
			nexthdr = p[0];
			p += (p[1] + 1) * 8;
		}
		if (nexthdr != IPPROTO_UDP)
			return done(OVNMIG_STAT_BOUNCE_NOT_GENEVE, ctx, XDP_PASS);
		/* Extension headers must end within the payload. */
		ext = p - (__u8 *)ip6h - sizeof(*ip6h);
		if (ext > load_be16(&ip6h->payload_len))
			return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
		return bounce_l4(ctx, cfg, eth, vlan, ip6h, p,
				 load_be16(&ip6h->payload_len) - ext, end, true);
	}
	return done(OVNMIG_STAT_BOUNCE_NOT_GENEVE, ctx, XDP_PASS);
}

