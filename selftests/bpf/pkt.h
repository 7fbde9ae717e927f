/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test packet builder for the datapath corpus: Ethernet (+VLAN) / IPv4
 * (+options) or IPv6 (+extension headers) / UDP / Geneve + TLVs / inner
 * frame, with every checksum computed from scratch (not incrementally, so
 * it checks bounce's incremental updates independently).
 */
#ifndef OVNMIG_PKT_H
#define OVNMIG_PKT_H

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ovnmig/abi.h>

#define EXT_HBH		(1 << 0)
#define EXT_DST		(1 << 1)
#define EXT_RT		(1 << 2)
#define EXT_FRAG	(1 << 3)

/* Where OVN's option is; OVN_TWICE: two of them (first egress, then +1). */
enum ovn_pos { OVN_NONE, OVN_FIRST, OVN_LAST, OVN_MIDDLE, OVN_ONLY,
	       OVN_TWICE };

struct pkt_spec {
	int v6;
	int vlan;
	int ipopts;		/* bytes of IPv4 options (multiple of 4) */
	int lsrr;		/* the options are one LSRR (RFC 791 3.1) */
	uint8_t ttl;		/* TTL / hop limit; 0: 64 */
	int ext;		/* EXT_* IPv6 extension headers, in that order */
	uint16_t frag_off;	/* IPv4 flags+offset, host order */
	uint8_t l4;		/* default UDP */
	uint16_t dport;		/* default 6081 */
	int zero_csum;
	int gver;		/* Geneve version */
	int gopt_words;		/* >= 0: override Geneve opt_len */
	uint16_t gproto;	/* default 0x6558 */
	uint8_t gflags;
	uint32_t vni;
	enum ovn_pos ovn;
	uint16_t egress;
	uint8_t dmac[6], smac[6];
	uint32_t saddr, daddr;	/* network order */
	uint8_t s6[16], d6[16];
};

static inline void pkt_default(struct pkt_spec *s)
{
	static const uint8_t d[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
	static const uint8_t sm[6] = { 0x02, 0, 0, 0, 0x00, 0x09 };

	memset(s, 0, sizeof(*s));
	s->l4 = IPPROTO_UDP;
	s->dport = OVNMIG_GENEVE_UDP_PORT;
	s->gopt_words = -1;
	s->gproto = OVNMIG_GENEVE_PROTO_ETH;
	s->vni = 0x123456;
	s->ovn = OVN_ONLY;
	s->egress = 7;
	memcpy(s->dmac, d, 6);
	memcpy(s->smac, sm, 6);
	s->saddr = htonl(0xc6120009);	/* 198.18.0.9, the sender */
	s->daddr = htonl(0xc6120001);	/* 198.18.0.1, this host */
	inet_pton(AF_INET6, "2001:db8:ff::9", s->s6);
	inet_pton(AF_INET6, "2001:db8:ff::1", s->d6);
}

static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	return sum;
}

static inline uint16_t csum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Build the packet described by s into buf; returns its length. */
static inline size_t pkt_build(const struct pkt_spec *s, uint8_t *buf)
{
	static const uint8_t other1[12] = { 0x01, 0x03, 0x01, 0x02,
					    1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t other2[4] = { 0xff, 0xff, 0x05, 0x00 };
	uint8_t ovn[8] = { 0x01, 0x02, 0x80, 0x01, 0, 5, 0, 0 };
	uint8_t *p = buf, *l3, *l4, *g;
	size_t l4len, optlen = 0, i;
	uint8_t l4proto = s->l4, nh;
	uint32_t sum;

	put16(ovn + 6, s->egress);
	memcpy(p, s->dmac, 6);
	memcpy(p + 6, s->smac, 6);
	p += 12;
	if (s->vlan) {
		put16(p, 0x8100);
		put16(p + 2, 100);
		p += 4;
	}
	put16(p, s->v6 ? 0x86dd : 0x0800);
	p += 2;
	l3 = p;
	if (!s->v6) {
		p += 20 + s->ipopts;
		for (i = 0; i < (size_t)s->ipopts; i++)
			l3[20 + i] = i + 1 < (size_t)s->ipopts ? 1 : 0;
		/* Loose source route (type 131, length, pointer 4, then
		 * n addresses 198.18.0.77), then end of list. */
		if (s->lsrr && s->ipopts >= 8) {
			size_t n = (s->ipopts - 4) / 4;
			static const uint8_t hop[4] = { 198, 18, 0, 77 };

			l3[20] = 131;
			l3[21] = 3 + 4 * n;
			l3[22] = 4;
			for (i = 0; i < n; i++)
				memcpy(l3 + 23 + 4 * i, hop, 4);
			l3[23 + 4 * n] = 0;
		}
	} else {
		p += 40;
		nh = 0;
		if (s->ext & EXT_HBH) {
			p[1] = 0; p[2] = 1; p[3] = 4; memset(p + 4, 0, 4);
			p += 8;
		}
		if (s->ext & EXT_DST) {
			p[1] = 0; p[2] = 1; p[3] = 4; memset(p + 4, 0, 4);
			p += 8;
		}
		if (s->ext & EXT_RT) {
			p[1] = 0; p[2] = 253; p[3] = 0; memset(p + 4, 0, 4);
			p += 8;
		}
		if (s->ext & EXT_FRAG) {
			p[1] = 0; put16(p + 2, 0x0001); memset(p + 4, 0x11, 4);
			p += 8;
		}
		(void)nh;
	}
	l4 = p;
	if (l4proto == IPPROTO_UDP) {
		put16(l4, 33000);
		put16(l4 + 2, s->dport);
		g = l4 + 8;
		switch (s->ovn) {
		case OVN_ONLY:
			memcpy(g + 8, ovn, 8); optlen = 8; break;
		case OVN_FIRST:
			memcpy(g + 8, ovn, 8); memcpy(g + 16, other1, 12);
			memcpy(g + 28, other2, 4); optlen = 24; break;
		case OVN_LAST:
			memcpy(g + 8, other1, 12); memcpy(g + 20, other2, 4);
			memcpy(g + 24, ovn, 8); optlen = 24; break;
		case OVN_MIDDLE:
			memcpy(g + 8, other1, 12); memcpy(g + 20, ovn, 8);
			memcpy(g + 28, other2, 4); optlen = 24; break;
		case OVN_NONE:
			memcpy(g + 8, other1, 12); memcpy(g + 20, other2, 4);
			optlen = 16; break;
		case OVN_TWICE:
			memcpy(g + 8, ovn, 8); memcpy(g + 16, ovn, 8);
			put16(g + 22, s->egress + 1); optlen = 16; break;
		}
		g[0] = (s->gver << 6) | (uint8_t)
		       (s->gopt_words >= 0 ? s->gopt_words : (int)(optlen / 4));
		g[1] = s->gflags;
		put16(g + 2, s->gproto);
		g[4] = s->vni >> 16; g[5] = s->vni >> 8; g[6] = s->vni;
		g[7] = 0;
		p = g + 8 + optlen;
		/* Inner Ethernet frame. */
		for (i = 0; i < 64; i++)
			p[i] = 0xa0 + i;
		p += 64;
		l4len = p - l4;
		put16(l4 + 4, l4len);
		put16(l4 + 6, 0);
	} else {
		/* Some other protocol: 20 bytes of something. */
		for (i = 0; i < 20; i++)
			l4[i] = i;
		p = l4 + 20;
		l4len = 20;
	}

	/* Chain the IPv6 extension headers' next-header fields. */
	if (s->v6) {
		uint8_t *h = l3 + 40, *prev = l3 + 6;

		if (s->ext & EXT_HBH) { *prev = 0; prev = h; h += 8; }
		if (s->ext & EXT_DST) { *prev = 60; prev = h; h += 8; }
		if (s->ext & EXT_RT) { *prev = 43; prev = h; h += 8; }
		if (s->ext & EXT_FRAG) { *prev = 44; prev = h; h += 8; }
		*prev = l4proto;
	}

	if (!s->v6) {
		l3[0] = 0x40 | ((20 + s->ipopts) / 4);
		l3[1] = 0;
		put16(l3 + 2, p - l3);
		put16(l3 + 4, 0x4242);
		put16(l3 + 6, s->frag_off);
		l3[8] = s->ttl ? s->ttl : 64;
		l3[9] = l4proto;
		put16(l3 + 10, 0);
		memcpy(l3 + 12, &s->saddr, 4);
		memcpy(l3 + 16, &s->daddr, 4);
		put16(l3 + 10, csum_finish(csum_add(0, l3, 20 + s->ipopts)));
	} else {
		l3[0] = 0x60; l3[1] = 0x01; l3[2] = 0x23; l3[3] = 0x45;
		put16(l3 + 4, p - l3 - 40);
		l3[7] = s->ttl ? s->ttl : 64;
		memcpy(l3 + 8, s->s6, 16);
		memcpy(l3 + 24, s->d6, 16);
	}

	if (l4proto == IPPROTO_UDP && !s->zero_csum) {
		uint8_t ph[40];
		uint16_t c;

		if (!s->v6) {
			memcpy(ph, &s->saddr, 4);
			memcpy(ph + 4, &s->daddr, 4);
			sum = csum_add(0, ph, 8);
		} else {
			sum = csum_add(0, s->s6, 16);
			sum = csum_add(sum, s->d6, 16);
		}
		sum += IPPROTO_UDP + l4len;
		sum = csum_add(sum, l4, l4len);
		c = csum_finish(sum);
		put16(l4 + 6, c ? c : 0xffff);
	}
	return p - buf;
}

#endif /* OVNMIG_PKT_H */
