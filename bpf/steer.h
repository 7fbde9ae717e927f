/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The steering decision, shared by the real TC program (steer.bpf.c, which
 * gets the tunnel key and options from the skb's tunnel metadata) and by
 * its simulator (steer_sim.bpf.c, which reads the same structures from
 * packet data so BPF_PROG_TEST_RUN can drive it: test_run skbs carry no
 * tunnel metadata).
 */
#ifndef OVNMIG_BPF_STEER_H
#define OVNMIG_BPF_STEER_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "maps.h"
#include "geneve.h"

#define STEER_EPROTO	71	/* get_tunnel_key: wrong address family */

/* Room for the most options Geneve carries (geneve.h). */
#define STEER_OPTS_MAX	GENEVE_OPTS_MAX
#define STEER_OPTS_BUF	256
/*
 * What OVN puts there: its own option only (4 bytes of header, 4 of data).
 * get_tunnel_opt zeroes the part of the buffer it does not fill, so it is
 * first asked with exactly this size (nothing to zero) and only for more
 * options (-ENOMEM) again with the full buffer.
 */
#define STEER_OPTS_SMALL	8
#define STEER_ENOMEM	12

/* ip_tunnel flags as BPF_F_TUNINFO_FLAGS reports them (__be16 values). */
#define TUN_F_CSUM	0x0001
#define TUN_F_KEY	0x0004
#define TUN_F_DF	0x0100
#define TUN_F_OAM	0x0200
#define TUN_F_CRIT	0x0400
#define TUN_F_GENEVE	0x0800
#define TUN_F_NOCACHE	0x2000
/*
 * Flags set_tunnel_key can reproduce, plus the option flags that
 * set_tunnel_opt restores and CRIT, which OVS sets for OVN's critical
 * option and which no helper can set again (see docs/datapath.md).
 */
#define TUN_F_KEEPABLE	(TUN_F_CSUM | TUN_F_KEY | TUN_F_DF | TUN_F_CRIT | \
			 TUN_F_GENEVE | TUN_F_NOCACHE)

enum steer_act {
	STEER_PASS,
	STEER_REWRITE,
	STEER_DROP,
};

/*
 * OVN's egress port key from the Geneve options in buf (len bytes, a
 * multiple of 4, as the kernel stores them), or -1: the first option of
 * OVN's class, type and length.
 */
static __always_inline int steer_ovn_egress(const __u8 *buf, __u32 len)
{
	const void *limit = buf + STEER_OPTS_BUF;
	int step = 0;

	return geneve_ovn_egress(buf, len, limit,
				 geneve_ovn_opt(buf, len, limit, 0, true,
						&step));
}

/*
 * May this VNI have a steer entry?  Always yes unless the agent maintains
 * the per-VNI prefilter (abi.h); then one inlined array lookup decides,
 * before the options are copied or the hash map is searched.
 */
static __always_inline bool steer_vni_may_match(const struct ovnmig_config *cfg,
						__u32 vni)
{
	__u32 idx = (vni & OVNMIG_VNI_MASK) / 64;
	__u64 *w;

	if (!(cfg->flags & OVNMIG_CFG_STEER_VNI_FILTER))
		return true;
	w = bpf_map_lookup_elem(&ovnmig_steer_vnis, &idx);
	return !w || (*w >> (vni % 64)) & 1;
}

/*
 * May this (VNI, egress port) have a steer entry?  Always yes unless the
 * agent maintains the per-port prefilter (abi.h); then one inlined array
 * lookup and a multiply decide instead of the hash map's lookup, which
 * costs more and grows with the entries.
 */
static __always_inline bool steer_port_may_match(const struct ovnmig_config *cfg,
						 __u32 vni, __u32 port)
{
	__u32 bit, idx;
	__u64 *w;

	if (!(cfg->flags & OVNMIG_CFG_STEER_PORT_FILTER))
		return true;
	bit = ovnmig_steer_port_bit(vni, port);
	idx = OVNMIG_STEER_VNI_WORDS + bit / 64;
	w = bpf_map_lookup_elem(&ovnmig_steer_vnis, &idx);
	return !w || (*w >> (bit % 64)) & 1;
}

static __always_inline bool steer_dst_is(const struct bpf_tunnel_key *tk,
					 bool v6, const struct ovnmig_ip *ip)
{
	/* On transmit the helper reports the destination as local_ip*. */
	if (!v6)
		return bpf_htonl(tk->local_ipv4) == ip->v4;
	return tk->local_ipv6[0] == ip->v6[0] &&
	       tk->local_ipv6[1] == ip->v6[1] &&
	       tk->local_ipv6[2] == ip->v6[2] &&
	       tk->local_ipv6[3] == ip->v6[3];
}

/*
 * Decide for one packet (cfg: the config the caller read for its idle
 * check, for the lease).  tk is the tunnel key as bpf_skb_get_tunnel_key
 * returned it with BPF_F_TUNINFO_FLAGS (destination in local_ip*, source in
 * remote_ip*); on STEER_REWRITE it is turned into what
 * bpf_skb_set_tunnel_key wants (destination in remote_ip*) and *set_flags
 * holds the flags for that call.  *stat gets the outcome to count.
 */
static __always_inline int steer_decide(const struct ovnmig_config *cfg,
					struct bpf_tunnel_key *tk, bool v6,
					const __u8 *opts, __u32 opts_len,
					__u64 *set_flags, __u32 *stat)
{
	struct ovnmig_port_key key = {};
	struct ovnmig_steer *e;
	__u16 tflags;
	__u64 now;
	int egress;

	egress = steer_ovn_egress(opts, opts_len);
	if (egress < 0) {
		*stat = OVNMIG_STAT_STEER_NOT_OVN;
		return STEER_PASS;
	}
	if (egress >= OVNMIG_OVN_MCAST_MIN) {
		*stat = OVNMIG_STAT_STEER_MCAST;
		return STEER_PASS;
	}
	key.dp_key = tk->tunnel_id & OVNMIG_VNI_MASK;
	key.port_key = egress;
	if (!steer_port_may_match(cfg, key.dp_key, egress)) {
		*stat = OVNMIG_STAT_STEER_MISS;
		return STEER_PASS;
	}
	e = bpf_map_lookup_elem(&ovnmig_steer, &key);
	if (!e) {
		*stat = OVNMIG_STAT_STEER_MISS;
		return STEER_PASS;
	}
	if (!!(e->flags & OVNMIG_F_IPV6) != v6 ||
	    !steer_dst_is(tk, v6, &e->old_remote)) {
		*stat = OVNMIG_STAT_STEER_OTHER_REMOTE;
		return STEER_PASS;
	}
	/* The fine clock: the evidence's times need ~1 ms (abi.h). */
	now = bpf_ktime_get_ns();
	if (e->expires_ns <= now) {
		*stat = OVNMIG_STAT_STEER_EXPIRED;
		return STEER_PASS;
	}
	/* The agent's entries only while its lease is fresh (abi.h). */
	if (!(e->flags & OVNMIG_F_MANUAL) && cfg->lease_ns <= now) {
		*stat = OVNMIG_STAT_STEER_LEASE_EXPIRED;
		return STEER_PASS;
	}
	if (e->flags & OVNMIG_F_DROP) {
		/* Multichassis: the new host has its own copy already. */
		*stat = OVNMIG_STAT_STEER_DROPPED_DUP;
		ovnmig_evidence(&e->ev, now);
		return STEER_DROP;
	}
	tflags = bpf_ntohs(tk->tunnel_flags);
	if (tflags & ~TUN_F_KEEPABLE) {
		/* e.g. OAM: set_tunnel_key could not reproduce it. */
		*stat = OVNMIG_STAT_STEER_UNSUPPORTED;
		return STEER_PASS;
	}

	*set_flags = v6 ? BPF_F_TUNINFO_IPV6 : 0;
	if (tflags & TUN_F_DF)
		*set_flags |= BPF_F_DONT_FRAGMENT;
	if (!(tflags & TUN_F_CSUM))
		*set_flags |= BPF_F_ZERO_CSUM_TX;
	tk->tunnel_ext = 0;	/* set_tunnel_key insists */
	if (!v6) {
		tk->local_ipv4 = tk->remote_ipv4;	/* source, usually 0 */
		tk->remote_ipv4 = bpf_ntohl(e->new_remote.v4);
	} else {
		__builtin_memcpy(tk->local_ipv6, tk->remote_ipv6,
				 sizeof(tk->local_ipv6));
		__builtin_memcpy(tk->remote_ipv6, e->new_remote.v6,
				 sizeof(tk->remote_ipv6));
	}
	*stat = OVNMIG_STAT_STEER_STEERED;
	ovnmig_evidence(&e->ev, now);
	return STEER_REWRITE;
}

#endif /* OVNMIG_BPF_STEER_H */
