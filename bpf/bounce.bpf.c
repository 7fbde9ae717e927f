// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bounce: XDP on the underlay NIC of the chassis a port has left.  Geneve
 * packets for the departed port that still arrive here are sent on to its
 * new chassis: outer destination := new host, outer source := this host,
 * TTL / hop limit decremented, IPv4 header and UDP checksums fixed
 * incrementally, next hop from the agent's cache (ovnmig_nexthop, abi.h;
 * the FIB when it has none), then XDP_TX or redirect.  The
 * loop mark (abi.h) makes every packet forwarded at most once.
 *
 * XDP runs before netfilter, so bounce must not be a relay for anyone
 * else: a packet is forwarded only when it is addressed to this host (IP
 * and MAC), comes from a known chassis (ovnmig_chassis, abi.h), may be
 * routed once more (TTL), has no IPv4 options and exactly one OVN option.
 * Anything else, and anything odd, is passed to the stack untouched and
 * counted, one counter per reason.
 *
 * Order: parse (cheap, bounded), look the port up (the common miss ends
 * here, no more cost than before these checks), then the checks of who
 * may use the pointer, cheapest first, then the next hop, the rewrite
 * and the count.
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

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET		2
#define AF_INET6	10
#define ETH_P_8021Q_	0x8100
#define ETH_P_8021AD_	0x88a8
#define IP_MF_		0x2000
#define IP_OFFSET_	0x1fff
#define IPV6_EXT_MAX	4	/* extension headers walked before giving up */
#define GENEVE_HLEN	8
#define GENEVE_OPTS_ITER 63

struct geneve_hdr {
	__u8 ver_optlen;	/* ver:2, opt_len:6 (4-byte words) */
	__u8 flags;		/* O, C, 6 reserved (loop mark here) */
	__be16 proto;
	__u8 vni[3];
	__u8 rsvd;
};

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

/* Class and type of OVN's option (its length is checked apart). */
static __always_inline bool is_ovn_opt(const __u8 *p)
{
	return p[0] == (OVNMIG_OVN_OPT_CLASS >> 8) &&
	       p[1] == (OVNMIG_OVN_OPT_CLASS & 0xff) &&
	       p[2] == OVNMIG_OVN_OPT_TYPE;
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

/*
 * UDP, Geneve and its options, the decision, the next hop and the rewrite.
 * Inlined once per address family with is6 a constant, so each copy only
 * ever touches the header its caller checked (the verifier cannot follow a
 * NULL-or-packet pointer through a flag).
 */
static __always_inline int bounce_l4(struct xdp_md *ctx,
				     struct ovnmig_config *cfg,
				     struct ethhdr *eth, bool vlan, void *l3,
				     __u8 *p, __u32 l4_max, void *end,
				     const bool is6)
{
	struct iphdr *iph = l3;
	struct ipv6hdr *ip6h = l3;
	struct ovnmig_port_key key = {};
	struct ovnmig_fwd *e;
	struct udphdr *udp;
	struct geneve_hdr *gh;
	__u16 old_addr[16], new_addr[16], old_gw, new_gw;
	struct ovnmig_chassis_key ck = {};
	struct ovnmig_chassis_key nk = {};
	struct bpf_fib_lookup fib;
	struct ovnmig_ifmac *mac;
	struct ovnmig_nexthop *nh;
	__u32 ifindex = ctx->ingress_ifindex, out_ifindex, stat;
	const __u8 *dmac, *smac;
	__u16 old_ttl, new_ttl;
	__u8 *opts_end;
	__u16 udp_len;
	int egress;
	__u64 diff, now;
	int i, ret;

	/* UDP to the Geneve port. */
	udp = (void *)p;
	if (p + sizeof(*udp) > (__u8 *)end)
		return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
	if (udp->dest != bpf_htons(OVNMIG_GENEVE_UDP_PORT))
		return done(OVNMIG_STAT_BOUNCE_NOT_GENEVE, ctx, XDP_PASS);
	udp_len = load_be16(&udp->len);
	/* Within the IP payload, not only within the frame (padding). */
	if (udp_len < sizeof(*udp) + GENEVE_HLEN || udp_len > l4_max ||
	    p + udp_len > (__u8 *)end)
		return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
	p += sizeof(*udp);

	/* Geneve header and options, bounded by opt_len and the packet. */
	gh = (void *)p;
	if (p + GENEVE_HLEN > (__u8 *)end)
		return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
	if ((gh->ver_optlen >> 6) != 0 ||
	    GENEVE_HLEN + (gh->ver_optlen & 0x3f) * 4 > udp_len - sizeof(*udp))
		return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);
	if (gh->proto != bpf_htons(OVNMIG_GENEVE_PROTO_ETH))
		return done(OVNMIG_STAT_BOUNCE_NOT_OVN, ctx, XDP_PASS);
	opts_end = p + GENEVE_HLEN + (gh->ver_optlen & 0x3f) * 4;
	p += GENEVE_HLEN;
	/*
	 * OVN's option is the first of its class and type (one of another
	 * length is not OVN's); a second one makes the packet ambiguous,
	 * since the new host's OVS might read the other one.  Two loops
	 * that each stop at their find keep the verifier's work linear.
	 */
	for (i = 0; i < GENEVE_OPTS_ITER; i++) {
		if (p + 4 > opts_end || p + 4 > (__u8 *)end)
			return done(OVNMIG_STAT_BOUNCE_NOT_OVN, ctx, XDP_PASS);
		if (is_ovn_opt(p))
			break;
		p += 4 + (p[3] & 0x1f) * 4;
	}
	if (i == GENEVE_OPTS_ITER || (p[3] & 0x1f) * 4 != OVNMIG_OVN_OPT_LEN ||
	    p + 8 > opts_end || p + 8 > (__u8 *)end)
		return done(OVNMIG_STAT_BOUNCE_NOT_OVN, ctx, XDP_PASS);
	egress = (p[6] << 8) | p[7];
	for (p += 8; i < GENEVE_OPTS_ITER; i++) {
		if (p + 4 > opts_end || p + 4 > (__u8 *)end)
			break;
		if (is_ovn_opt(p))
			return done(OVNMIG_STAT_BOUNCE_OVN_OPT_DUP, ctx,
				    XDP_PASS);
		p += 4 + (p[3] & 0x1f) * 4;
	}
	if (egress >= OVNMIG_OVN_MCAST_MIN)
		return done(OVNMIG_STAT_BOUNCE_MCAST, ctx, XDP_PASS);

	/* Decide. */
	key.dp_key = (gh->vni[0] << 16) | (gh->vni[1] << 8) | gh->vni[2];
	key.port_key = egress;
	e = bpf_map_lookup_elem(&ovnmig_fwd, &key);
	if (!e)
		return done(OVNMIG_STAT_BOUNCE_MISS, ctx, XDP_PASS);
	now = bpf_ktime_get_coarse_ns();
	if (e->expires_ns <= now)
		return done(OVNMIG_STAT_BOUNCE_EXPIRED, ctx, XDP_PASS);
	/* The agent's pointers only while its lease is fresh (abi.h). */
	if (!(e->flags & OVNMIG_F_MANUAL) && cfg->lease_ns <= now)
		return done(OVNMIG_STAT_BOUNCE_LEASE_EXPIRED, ctx, XDP_PASS);
	if (gh->flags & OVNMIG_GENEVE_MARK)
		return done(OVNMIG_STAT_BOUNCE_LOOP_REFUSED, ctx, XDP_PASS);
	if (!!(e->flags & OVNMIG_F_IPV6) != is6)
		return done(OVNMIG_STAT_BOUNCE_UNSUPPORTED, ctx, XDP_PASS);

	/*
	 * Who may use the pointer: sent to this host by another chassis
	 * (abi.h), once more routable.  Compares first, then the two
	 * lookups.
	 */
	if (!is6) {
		if (iph->daddr != cfg->local_v4)
			return done(OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL, ctx,
				    XDP_PASS);
		if (iph->saddr == cfg->local_v4)
			return done(OVNMIG_STAT_BOUNCE_SRC_LOCAL, ctx, XDP_PASS);
		/*
		 * Any option: source routes (LSRR/SSRR) name another final
		 * destination, and record route or timestamps would need a
		 * router's update.  OVS never sends options.
		 */
		if (iph->ihl != 5)
			return done(OVNMIG_STAT_BOUNCE_IP_OPTIONS, ctx,
				    XDP_PASS);
		if (iph->ttl <= 1)
			return done(OVNMIG_STAT_BOUNCE_TTL_EXCEEDED, ctx,
				    XDP_PASS);
		ck.addr.v4 = iph->saddr;
	} else {
		if (!ip6_eq(&ip6h->daddr, cfg->local_v6))
			return done(OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL, ctx,
				    XDP_PASS);
		if (ip6_eq(&ip6h->saddr, cfg->local_v6))
			return done(OVNMIG_STAT_BOUNCE_SRC_LOCAL, ctx, XDP_PASS);
		if (ip6h->hop_limit <= 1)
			return done(OVNMIG_STAT_BOUNCE_TTL_EXCEEDED, ctx,
				    XDP_PASS);
		__builtin_memcpy(ck.addr.v6, &ip6h->saddr, 16);
		ck.flags = OVNMIG_F_IPV6;
	}
	mac = bpf_map_lookup_elem(&ovnmig_ifmac, &ifindex);
	if (!mac || !mac_eq(eth->h_dest, mac->mac))
		return done(OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL, ctx, XDP_PASS);
	if (!bpf_map_lookup_elem(&ovnmig_chassis, &ck))
		return done(OVNMIG_STAT_BOUNCE_SRC_NOT_CHASSIS, ctx, XDP_PASS);
	if (!is6 && !ipv4_csum_ok(iph))
		return done(OVNMIG_STAT_BOUNCE_MALFORMED, ctx, XDP_PASS);

	/*
	 * Next hop first: nothing is touched unless it can go out.  The
	 * agent's cache (abi.h) when it has a live entry for the new host,
	 * else the FIB (which answers only with forwarding on).
	 */
	nk.addr = e->new_host;
	nk.flags = e->flags & OVNMIG_F_IPV6;
	nh = bpf_map_lookup_elem(&ovnmig_nexthop, &nk);
	if (nh && nh->ifindex && nh->expires_ns > now) {
		out_ifindex = nh->ifindex;
		dmac = nh->dmac;
		smac = nh->smac;
		stat = OVNMIG_STAT_BOUNCE_FORWARDED;
	} else {
		/* Zeroed here only: a cached next hop does not pay it. */
		__builtin_memset(&fib, 0, sizeof(fib));
		fib.ifindex = ifindex;
		fib.l4_protocol = IPPROTO_UDP;
		fib.sport = udp->source;
		fib.dport = udp->dest;
		if (!is6) {
			fib.family = AF_INET;
			fib.tos = iph->tos;
			fib.tot_len = load_be16(&iph->tot_len);
			fib.ipv4_src = cfg->local_v4;
			fib.ipv4_dst = e->new_host.v4;
		} else {
			fib.family = AF_INET6;
			fib.flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0fffffff);
			fib.tot_len = sizeof(*ip6h) +
				      load_be16(&ip6h->payload_len);
			__builtin_memcpy(fib.ipv6_src, cfg->local_v6,
					 sizeof(fib.ipv6_src));
			__builtin_memcpy(fib.ipv6_dst, e->new_host.v6,
					 sizeof(fib.ipv6_dst));
		}
		ret = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
		if (ret != BPF_FIB_LKUP_RET_SUCCESS)
			return done(OVNMIG_STAT_BOUNCE_FIB_FAIL, ctx, XDP_PASS);
		out_ifindex = fib.ifindex;
		dmac = fib.dmac;
		smac = fib.smac;
		stat = OVNMIG_STAT_BOUNCE_FORWARDED_FIB;
	}
	/*
	 * A tagged frame can only go back out where it came from, tag and
	 * all; the route names the VLAN device, which XDP cannot send on.
	 */
	if (vlan && out_ifindex != ctx->ingress_ifindex)
		return done(OVNMIG_STAT_BOUNCE_UNSUPPORTED, ctx, XDP_PASS);

	/* Rewrite: addresses, mark, checksums, MACs. */
	old_gw = *(__u16 *)gh;
	gh->flags |= OVNMIG_GENEVE_MARK;
	new_gw = *(__u16 *)gh;
	if (!is6) {
		__builtin_memcpy(old_addr, &iph->saddr, 8);
		iph->saddr = cfg->local_v4;
		iph->daddr = e->new_host.v4;
		__builtin_memcpy(new_addr, &iph->saddr, 8);
		diff = csum_sub_words(0, old_addr, 4);
		diff = csum_add_words(diff, new_addr, 4);
		/* TTL shares its word with the protocol; not in the UDP
		 * pseudo-header, so only in the IP checksum. */
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
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);

	if (out_ifindex == ctx->ingress_ifindex)
		return done(stat, ctx, XDP_TX);
	ovnmig_count(stat, ctx->data_end - ctx->data);
	return bpf_redirect(out_ifindex, 0);
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

