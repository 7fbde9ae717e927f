/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The input of steer_sim (bpf/sim.h) for corpus and mutate: the tunnel
 * key as bpf_skb_get_tunnel_key() returns it on transmit (dst in local)
 * and the Geneve options, taken from pkt.h's wire builder so both tests
 * build the options one way.  Include after pkt.h, sim.h and testnet.h.
 */
#ifndef OVNMIG_SIMPKT_H
#define OVNMIG_SIMPKT_H

/* TUNNEL_* flags of an OVS Geneve port: csum key df crit geneve. */
#define TF_OVS	(0x0001 | 0x0004 | 0x0100 | 0x0400 | 0x0800)

struct sim_pkt {
	struct ovnmig_steer_sim h;
	uint8_t opts[256];
};

static inline size_t sim_build(struct sim_pkt *p, int is6, const char *dst,
			       uint16_t tflags, enum ovn_pos pos,
			       uint16_t egress)
{
	struct pkt_spec s;
	uint8_t g[2048];
	size_t optlen;

	memset(p, 0, sizeof(*p));
	p->h.key.tunnel_id = 0x123456;
	p->h.key.tunnel_tos = 0x10;
	p->h.key.tunnel_ttl = 64;
	p->h.key.tunnel_flags = htons(tflags);
	if (is6) {
		p->h.get_flags = BPF_F_TUNINFO_IPV6;
		v6(dst, p->h.key.local_ipv6);
		p->h.key.tunnel_label = 0x12345;
	} else {
		p->h.key.local_ipv4 = ntohl(v4(dst));
	}
	pkt_default(&s);
	s.ovn = pos;
	s.egress = egress;
	pkt_build(&s, g);
	optlen = (g[14 + 20 + 8] & 0x3f) * 4;
	memcpy(p->opts, g + 14 + 20 + 8 + 8, optlen);
	p->h.opts_len = optlen;
	return sizeof(p->h) + optlen;
}

#endif /* OVNMIG_SIMPKT_H */
