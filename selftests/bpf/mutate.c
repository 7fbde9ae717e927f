// SPDX-License-Identifier: GPL-2.0-only
/*
 * mutate: bounce and steer_sim against randomly mutated packets, with
 * BPF_PROG_TEST_RUN.  Valid packets of every corpus shape get bytes
 * flipped, set, cut off or appended (half of them then get their
 * checksums recomputed, so that odd lengths and fields reach the deeper
 * parsing), and every result is judged by an oracle written here from
 * bounce's specification (abi.h, docs/datapath.md), not from its code:
 * a packet is forwardable iff it is a well-formed IPv4/IPv6 UDP/6081
 * Geneve packet (version 0, Ethernet, unmarked, unfragmented, valid IPv4
 * header checksum) with exactly one OVN option for a live, routable
 * entry, and all of: outer destination this host, Ethernet destination
 * our NIC's MAC, outer source a chassis and not this host, TTL / hop
 * limit above 1, no IPv4 options.
 *
 *   - the test run never fails and exactly one counter moves by one;
 *   - a passed packet leaves the program byte for byte unchanged, and
 *     a refusal counted for one of those conditions is true of it;
 *   - a forwarded packet was forwardable; afterwards only the MACs, the
 *     outer addresses, the TTL / hop limit (one less), the checksums and
 *     the loop mark differ, all as expected, the IPv4 header checksum
 *     is valid and the UDP checksum is as valid as it was (valid stays
 *     valid, zero stays zero; bounce, like any router, does not read the
 *     payload, so a corrupt payload stays detectably corrupt);
 *   - a packet the oracle finds forwardable is forwarded;
 *   - steer_sim (with the per-VNI prefilter on): the verdict, the
 *     rewritten key and the counter are exactly what a decision written
 *     here from the spec says.
 *
 *   mutate [COUNT [SEED]]   (defaults 20000, 0x6f766e6d6967; also
 *                            OVNMIG_MUTATE_SEED in the environment)
 *
 * The seed and the number of the failing packet are printed, so any
 * failure reproduces exactly.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpftest.h"
#include "statsum.h"
#include "pkt.h"
#include "sim.h"
#include "bounce.skel.h"
#include "steer_sim.skel.h"

#define PROG "mutate"
#include "testnet.h"
#include "simpkt.h"
#define MAXPKT 1024

static const char *const stat_names[] = {
#define N(id, name) name,
	OVNMIG_STATS(N)
#undef N
};

static int ifindex0, stats_fd, ncpus;
static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, same sequence everywhere. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}


static int read_stats(uint64_t *out)
{
	return stats_sum(stats_fd, ncpus, out);
}

/* The one counter that moved by one, or -1 (and why) if not exactly one. */
static int moved(const uint64_t *a, const uint64_t *b, char *why, size_t len)
{
	int k, which = -1;

	for (k = 0; k < OVNMIG_STAT_MAX; k++) {
		uint64_t d = b[k] - a[k];

		if (!d)
			continue;
		if (d != 1 || which >= 0) {
			snprintf(why, len, "counter %s moved by %" PRIu64
				 " (and %s)", stat_names[k], d,
				 which >= 0 ? stat_names[which] : "none other");
			return -1;
		}
		which = k;
	}
	if (which < 0)
		snprintf(why, len, "no counter moved");
	return which;
}

/* ---- the oracle: bounce's specification, written independently ---- */

enum csum_state { CS_ZERO, CS_OK, CS_BAD };

/*
 * The conditions under which a forwarding pointer may be used (abi.h,
 * docs/datapath.md), each a bit set when the packet breaks it.  Judged
 * on the packet's fields wherever they can be read, whether or not the
 * packet is forwardable for other reasons, so that a refusal bounce
 * counts under one of these can be checked against the packet.
 */
enum {
	C_DST		= 1 << 0,	/* outer destination not this host */
	C_MAC		= 1 << 1,	/* Ethernet destination not our NIC's */
	C_SRC_LOCAL	= 1 << 2,	/* outer source is this host */
	C_SRC_UNKNOWN	= 1 << 3,	/* outer source is no chassis */
	C_TTL		= 1 << 4,	/* TTL / hop limit <= 1 */
	C_IPOPT		= 1 << 5,	/* IPv4 header with options */
	C_OVN_DUP	= 1 << 6,	/* more than one OVN option */
};

struct parsed {
	int geneve;		/* a complete Geneve packet (the shape) */
	int valid;		/* ... carrying exactly one OVN option */
	int v6, vlan, marked, frag, mcast;
	int ip_csum_ok;		/* IPv4 header checksum (1 for IPv6) */
	unsigned int broken;	/* C_* */
	enum csum_state udp;
	size_t l3, l4, gen;	/* offsets */
	uint32_t vni;
	uint16_t egress;
	const char *why;	/* first reason it is not valid */
};

/* The chassis the test's SB would have: the default sender, v4 and v6. */
static const char *const chassis_addrs[] = { "198.18.0.9", "2001:db8:ff::9" };

static int is_chassis(const uint8_t *a, int is6)
{
	uint8_t c[16];
	size_t i;

	for (i = 0; i < sizeof(chassis_addrs) / sizeof(chassis_addrs[0]);
	     i++) {
		int c6 = !!strchr(chassis_addrs[i], ':');

		if (c6 != is6)
			continue;
		inet_pton(c6 ? AF_INET6 : AF_INET, chassis_addrs[i], c);
		if (!memcmp(a, c, c6 ? 16 : 4))
			return 1;
	}
	return 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (p[0] << 8) | p[1];
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	return csum_add(sum, p, n);
}

/* UDP checksum over the packet as it is (pseudo header from its IP). */
static uint16_t udp_csum_calc(const uint8_t *pkt, const struct parsed *r,
			      size_t ulen)
{
	uint32_t sum;
	uint8_t tmp[MAXPKT + 16];

	memcpy(tmp, pkt + r->l4, ulen);
	tmp[6] = tmp[7] = 0;
	if (!r->v6)
		sum = sum16(0, pkt + r->l3 + 12, 8);
	else
		sum = sum16(0, pkt + r->l3 + 8, 32);
	sum += IPPROTO_UDP + ulen;
	sum = sum16(sum, tmp, ulen);
	return csum_finish(sum);
}

/*
 * Read pkt like a careful receiver: Ethernet (+ one 802.1Q/802.1ad tag),
 * IPv4 (header checksum, lengths, fragments) or IPv6 (hop-by-hop and
 * destination options, at most four; fragment and routing headers end
 * it), UDP to 6081 within the IP payload, Geneve version 0 carrying
 * Ethernet, and the whole option chain: OVN's option is class 0x0102,
 * type 0x80 with 4 bytes of data, and there must be exactly one of its
 * class and type.  Records every condition of the C_* list the packet
 * breaks, as far as its fields go.
 */
static void parse(const uint8_t *pkt, size_t len, struct parsed *r)
{
	size_t p = 12, ip_end, ulen, gend, o;
	uint8_t local[16];
	uint16_t proto, c;
	int i, n_ovn = 0;

	memset(r, 0, sizeof(*r));
	r->why = "too short";
	if (len < 14)
		return;
	if (memcmp(pkt, mac_veth0, 6))
		r->broken |= C_MAC;
	proto = rd16(pkt + 12);
	p = 14;
	if (proto == 0x8100 || proto == 0x88a8) {
		if (len < 18)
			return;
		proto = rd16(pkt + 16);
		p = 18;
		r->vlan = 1;
	}
	r->l3 = p;
	if (proto == 0x0800) {
		size_t ihl;

		r->why = "bad IPv4 header";
		if (len < p + 20 || pkt[p] >> 4 != 4)
			return;
		inet_pton(AF_INET, LOCAL_V4, local);
		if (memcmp(pkt + p + 16, local, 4))
			r->broken |= C_DST;
		if (!memcmp(pkt + p + 12, local, 4))
			r->broken |= C_SRC_LOCAL;
		if (!is_chassis(pkt + p + 12, 0))
			r->broken |= C_SRC_UNKNOWN;
		if (pkt[p + 8] <= 1)
			r->broken |= C_TTL;
		ihl = (pkt[p] & 0xf) * 4;
		if (ihl > 20)
			r->broken |= C_IPOPT;
		if (ihl < 20 || len < p + ihl || rd16(pkt + p + 2) < ihl ||
		    len < p + rd16(pkt + p + 2))
			return;
		r->ip_csum_ok = csum_finish(sum16(0, pkt + p, ihl)) == 0;
		r->frag = (rd16(pkt + p + 6) & 0x3fff) != 0;
		if (pkt[p + 9] != IPPROTO_UDP) {
			r->why = "not UDP";
			return;
		}
		ip_end = p + rd16(pkt + p + 2);
		p += ihl;
	} else if (proto == 0x86dd) {
		uint8_t nh;

		r->v6 = 1;
		r->ip_csum_ok = 1;
		r->why = "bad IPv6 header";
		if (len < p + 40 || pkt[p] >> 4 != 6)
			return;
		inet_pton(AF_INET6, LOCAL_V6, local);
		if (memcmp(pkt + p + 24, local, 16))
			r->broken |= C_DST;
		if (!memcmp(pkt + p + 8, local, 16))
			r->broken |= C_SRC_LOCAL;
		if (!is_chassis(pkt + p + 8, 1))
			r->broken |= C_SRC_UNKNOWN;
		if (pkt[p + 7] <= 1)
			r->broken |= C_TTL;
		if (len < p + 40 + rd16(pkt + p + 4))
			return;
		ip_end = p + 40 + rd16(pkt + p + 4);
		nh = pkt[p + 6];
		p += 40;
		/* At most four extension headers, as a bound. */
		for (i = 0; i < 4 && nh != IPPROTO_UDP; i++) {
			if (nh == IPPROTO_FRAGMENT) {
				r->frag = 1;
				r->why = "fragment";
				return;
			}
			if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_DSTOPTS) {
				r->why = "extension header not walked";
				return;
			}
			if (ip_end < p + 2) {
				r->why = "extension header beyond payload";
				return;
			}
			nh = pkt[p];
			p += (pkt[p + 1] + 1) * 8;
		}
		if (nh != IPPROTO_UDP) {
			r->why = "not UDP";
			return;
		}
	} else {
		r->why = "not IP";
		return;
	}
	r->l4 = p;
	r->why = "bad UDP";
	if (ip_end < p + 8 || rd16(pkt + p + 2) != OVNMIG_GENEVE_UDP_PORT)
		return;
	ulen = rd16(pkt + p + 4);
	if (ulen < 16 || p + ulen > ip_end)
		return;
	c = rd16(pkt + p + 6);
	if (!c) {
		r->udp = CS_ZERO;
	} else {
		uint16_t want = udp_csum_calc(pkt, r, ulen);

		/* A computed 0 goes on the wire as 0xffff (RFC 768). */
		r->udp = c == (want ? want : 0xffff) ? CS_OK : CS_BAD;
	}
	r->gen = p += 8;
	r->why = "bad Geneve";
	if (pkt[p] >> 6 || rd16(pkt + p + 2) != OVNMIG_GENEVE_PROTO_ETH)
		return;
	gend = p + 8 + (pkt[p] & 0x3f) * 4;
	if (gend > r->l4 + ulen)
		return;
	r->geneve = 1;
	r->marked = !!(pkt[p + 1] & OVNMIG_GENEVE_MARK);
	r->vni = (pkt[p + 4] << 16) | (pkt[p + 5] << 8) | pkt[p + 6];
	r->why = "no OVN option";
	for (o = p + 8; o + 4 <= gend; o += 4 + (pkt[o + 3] & 0x1f) * 4) {
		if (rd16(pkt + o) != OVNMIG_OVN_OPT_CLASS ||
		    pkt[o + 2] != OVNMIG_OVN_OPT_TYPE)
			continue;
		if (n_ovn++)
			continue;
		if ((pkt[o + 3] & 0x1f) * 4 != OVNMIG_OVN_OPT_LEN ||
		    o + 8 > gend)
			continue;
		r->egress = rd16(pkt + o + 6);
		r->mcast = r->egress >= OVNMIG_OVN_MCAST_MIN;
		r->valid = 1;
		r->why = NULL;
	}
	if (n_ovn > 1) {
		r->broken |= C_OVN_DUP;
		r->valid = 0;
		r->why = "OVN option twice";
	}
}

/* The counter that names each condition. */
static const struct { int stat; unsigned int cond; } cond_stats[] = {
	{ OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL, C_DST },
	{ OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL, C_MAC },
	{ OVNMIG_STAT_BOUNCE_SRC_LOCAL, C_SRC_LOCAL },
	{ OVNMIG_STAT_BOUNCE_SRC_NOT_CHASSIS, C_SRC_UNKNOWN },
	{ OVNMIG_STAT_BOUNCE_TTL_EXCEEDED, C_TTL },
	{ OVNMIG_STAT_BOUNCE_IP_OPTIONS, C_IPOPT },
	{ OVNMIG_STAT_BOUNCE_OVN_OPT_DUP, C_OVN_DUP },
};

/* ---- bounce ---- */

/*
 * The next hop of a forwarded packet (abi.h): the agent's cache entry
 * for the new host when there is a live one (counted bounce_forwarded),
 * else the FIB's answer (bounce_forwarded_fib).  HOSTB_V4 has a cache
 * entry with MACs of its own (unlike the neighbour table's); the others
 * have none.
 */
static const uint8_t nh_dmac[6] = { 0x02, 0, 0, 0, 0xaa, 0x01 };
static const uint8_t nh_smac[6] = { 0x02, 0, 0, 0, 0xaa, 0x02 };

struct fwd_ent {
	uint16_t port;
	int v6;
	const char *host;
	const uint8_t *dmac, *smac;
	uint32_t verdict;	/* XDP_TX/XDP_REDIRECT, 0: cannot be sent */
	int expired;
	int stat;		/* the forwarded counter */
};

static const struct fwd_ent ents[] = {
	{ 7, 0, HOSTB_V4, nh_dmac, nh_smac, XDP_TX, 0,
	  OVNMIG_STAT_BOUNCE_FORWARDED },
	{ 8, 1, HOSTB_V6, mac_hostb, mac_veth0, XDP_TX, 0,
	  OVNMIG_STAT_BOUNCE_FORWARDED_FIB },
	{ 9, 0, HOSTC_V4, mac_hostc, mac_veth2, XDP_REDIRECT, 0,
	  OVNMIG_STAT_BOUNCE_FORWARDED_FIB },
	{ 10, 0, NOROUTE_V4, NULL, NULL, 0, 0, 0 },
	{ 11, 0, HOSTB_V4, NULL, NULL, 0, 1, 0 },
};
#define FWD_VNI	0x123456

static const struct fwd_ent *ent_for(uint32_t vni, uint16_t port)
{
	size_t i;

	if (vni != FWD_VNI)
		return NULL;
	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (ents[i].port == port)
			return &ents[i];
	return NULL;
}

static int bounce_fd;

/* Seeds: every shape of the corpus, all complete and valid. */
static size_t bounce_seeds(uint8_t seeds[][MAXPKT], size_t *lens)
{
	static const enum ovn_pos pos[] = { OVN_ONLY, OVN_FIRST, OVN_LAST,
					    OVN_MIDDLE, OVN_NONE };
	static const uint16_t ports[] = { 7, 9, 10, 11, 12, 0x8001 };
	struct pkt_spec s;
	size_t n = 0, i;

#define SEED() (lens[n] = pkt_build(&s, seeds[n]), n++)
	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		pkt_default(&s);
		s.ovn = pos[i];
		SEED();
		s.v6 = 1;
		s.egress = 8;
		SEED();
	}
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		pkt_default(&s);
		s.egress = ports[i];
		SEED();
	}
	pkt_default(&s);
	s.ipopts = 8;
	SEED();
	s.vlan = 1;
	SEED();
	pkt_default(&s);
	s.vlan = 1;
	s.egress = 9;
	SEED();
	pkt_default(&s);
	s.zero_csum = 1;
	SEED();
	pkt_default(&s);
	s.gflags = 0x40;
	SEED();
	s.gflags = 0x40 | OVNMIG_GENEVE_MARK;
	SEED();
	pkt_default(&s);
	s.frag_off = 0x2000;
	SEED();
	pkt_default(&s);
	s.v6 = 1;
	s.egress = 8;
	s.ext = EXT_HBH | EXT_DST;
	SEED();
	s.ext = EXT_RT;
	SEED();
	s.ext = EXT_FRAG;
	SEED();
	s.ext = 0;
	s.vlan = 1;
	s.ovn = OVN_LAST;
	SEED();
	s.vlan = 0;
	s.zero_csum = 1;
	SEED();
	pkt_default(&s);
	s.l4 = IPPROTO_TCP;
	SEED();
	/* Each condition of who may use a pointer broken once (the
	 * mutations repair some and break others). */
	pkt_default(&s);
	s.daddr = v4("203.0.113.77");
	SEED();
	pkt_default(&s);
	s.dmac[5] = 0x77;
	SEED();
	pkt_default(&s);
	s.saddr = v4("198.19.200.200");
	SEED();
	pkt_default(&s);
	s.saddr = v4(LOCAL_V4);
	SEED();
	pkt_default(&s);
	s.ttl = 1;
	SEED();
	s.ttl = 2;
	SEED();
	pkt_default(&s);
	s.ipopts = 8;
	s.lsrr = 1;
	SEED();
	pkt_default(&s);
	s.ovn = OVN_TWICE;
	SEED();
	pkt_default(&s);
	s.v6 = 1;
	s.egress = 8;
	s.ttl = 1;
	SEED();
	s.ttl = 0;
	v6("2001:db8:ff::99", s.s6);
	SEED();
#undef SEED
	return n;
}

/* Recompute the IPv4 header and UDP checksums where they can be found. */
static void fix_csums(uint8_t *pkt, size_t len)
{
	struct parsed r;
	size_t l3 = 14, ihl, ulen;
	uint16_t proto = rd16(pkt + 12);
	uint16_t c;

	if (proto == 0x8100 || proto == 0x88a8) {
		if (len < 18)
			return;
		proto = rd16(pkt + 16);
		l3 = 18;
	}
	if (proto == 0x0800 && len >= l3 + 20) {
		ihl = (pkt[l3] & 0xf) * 4;
		if (ihl >= 20 && len >= l3 + ihl) {
			pkt[l3 + 10] = pkt[l3 + 11] = 0;
			put16(pkt + l3 + 10,
			      csum_finish(sum16(0, pkt + l3, ihl)));
		}
	}
	parse(pkt, len, &r);
	if (!r.l4 || r.udp == CS_ZERO)
		return;
	ulen = rd16(pkt + r.l4 + 4);
	if (r.l4 + ulen > len || ulen < 8)
		return;
	c = udp_csum_calc(pkt, &r, ulen);
	put16(pkt + r.l4 + 6, c ? c : 0xffff);
}

static const uint8_t interesting[] = { 0x00, 0xff, 0x80, 0x7f, 0x01, 0x3f,
				       0x40, 0x45, 0x11, 0x06 };

/* One to three random mutations; returns the new length. */
static size_t mutate(uint8_t *pkt, size_t len, size_t hdr, size_t max)
{
	int n = 1 + below(3), i;

	for (i = 0; i < n; i++) {
		/* Mostly the headers, where the parsing is. */
		size_t at = below(4) ? below(hdr < len ? hdr : len) : below(len);

		switch (below(6)) {
		case 0:
		case 1:
			pkt[at] ^= 1 << below(8);
			break;
		case 2:
			pkt[at] = rnd();
			break;
		case 3:
			pkt[at] = interesting[below(sizeof(interesting))];
			break;
		case 4:
			len = ETH_HLEN + below(len - ETH_HLEN);
			break;
		case 5: {
			size_t add = 1 + below(64), j;

			if (len + add > max)
				add = max - len;
			for (j = 0; j < add; j++)
				pkt[len + j] = rnd();
			len += add;
			break;
		}
		}
	}
	return len;
}

static int run_xdp(const uint8_t *in, size_t len, uint8_t *out,
		   uint32_t *out_len, uint32_t *ret)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len,
		    .data_out = out, .data_size_out = MAXPKT + 64,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err = bpf_prog_test_run_opts(bounce_fd, &o);

	*out_len = o.data_size_out;
	*ret = o.retval;
	return err;
}

/* Is out the forwarded form of in, for entry e?  NULL if so, else why. */
static const char *check_forwarded(const uint8_t *in, const uint8_t *out,
				   size_t len, const struct parsed *pi,
				   const struct fwd_ent *e, char *why,
				   size_t wlen)
{
	uint8_t want[MAXPKT + 64];
	struct parsed po;
	size_t i, l3 = pi->l3;

	/* Build the expected bytes: only the allowed fields differ. */
	memcpy(want, in, len);
	memcpy(want, e->dmac, 6);
	memcpy(want + 6, e->smac, 6);
	if (!pi->v6) {
		uint32_t a = v4(LOCAL_V4), b = v4(e->host);

		memcpy(want + l3 + 12, &a, 4);
		memcpy(want + l3 + 16, &b, 4);
		want[l3 + 8]--;			/* TTL: one hop */
		memcpy(want + l3 + 10, out + l3 + 10, 2);
	} else {
		v6(LOCAL_V6, want + l3 + 8);
		v6(e->host, want + l3 + 24);
		want[l3 + 7]--;			/* hop limit */
	}
	want[pi->gen + 1] |= OVNMIG_GENEVE_MARK;
	memcpy(want + pi->l4 + 6, out + pi->l4 + 6, 2);
	for (i = 0; i < len; i++)
		if (out[i] != want[i]) {
			snprintf(why, wlen, "byte %zu is %02x, expected %02x",
				 i, out[i], want[i]);
			return why;
		}
	parse(out, len, &po);
	if (!po.valid || !po.marked)
		return "output is not a marked Geneve packet";
	if (!po.ip_csum_ok)
		return "IPv4 header checksum invalid after forwarding";
	if (po.udp != pi->udp) {
		snprintf(why, wlen, "UDP checksum state %d became %d", pi->udp,
			 po.udp);
		return why;
	}
	return NULL;
}

static void bounce_mutate(unsigned count, uint64_t seed)
{
	static uint8_t seeds[96][MAXPKT];
	static size_t lens[96];
	unsigned fails = 0, fwd = 0, passed = 0, k;
	unsigned per_stat[OVNMIG_STAT_MAX] = { 0 };
	size_t nseeds = bounce_seeds(seeds, lens), i;
	char first[512] = "", name[160];

	rng = seed;
	for (k = 0; k < count; k++) {
		uint8_t in[MAXPKT + 64], out[MAXPKT + 64];
		uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
		size_t si = below(nseeds), len;
		uint32_t olen = 0, ret = 0;
		const struct fwd_ent *e;
		struct parsed pi;
		const char *bad = NULL;
		char why[256];
		int st, fixed;

		memcpy(in, seeds[si], lens[si]);
		len = mutate(in, lens[si], 14 + 4 + 40 + 16 + 8 + 24 + 8, MAXPKT);
		fixed = below(2);
		if (fixed)
			fix_csums(in, len);
		parse(in, len, &pi);
		e = pi.valid ? ent_for(pi.vni, pi.egress) : NULL;

		if (read_stats(a) || run_xdp(in, len, out, &olen, &ret) ||
		    read_stats(b)) {
			snprintf(why, sizeof(why), "test run failed: %s",
				 strerror(errno));
			bad = why;
		} else if ((st = moved(a, b, why, sizeof(why))) < 0) {
			bad = why;
		} else if (olen != len) {
			snprintf(why, sizeof(why), "length %zu became %u", len,
				 olen);
			bad = why;
		} else if (ret == XDP_PASS) {
			per_stat[st]++;
			passed++;
			if (memcmp(in, out, len))
				bad = "passed packet was changed";
			else if (st == OVNMIG_STAT_BOUNCE_FORWARDED ||
				 st == OVNMIG_STAT_BOUNCE_FORWARDED_FIB)
				bad = "passed but counted forwarded";
			else if (pi.valid && !pi.frag && !pi.marked &&
				 !pi.mcast && pi.ip_csum_ok && !pi.broken &&
				 pi.udp != CS_BAD && e && e->verdict &&
				 !e->expired && e->v6 == pi.v6 &&
				 !(pi.vlan && e->verdict != XDP_TX)) {
				snprintf(why, sizeof(why),
					 "forwardable packet passed (%s)",
					 stat_names[st]);
				bad = why;
			} else {
				/* A refusal for a condition must be true. */
				for (i = 0; i < sizeof(cond_stats) /
						sizeof(cond_stats[0]); i++)
					if (cond_stats[i].stat == st &&
					    !(pi.broken & cond_stats[i].cond)) {
						snprintf(why, sizeof(why),
							 "counted %s, but the packet does not break that condition",
							 stat_names[st]);
						bad = why;
					}
			}
		} else if (ret == XDP_TX || ret == XDP_REDIRECT) {
			per_stat[st]++;
			fwd++;
			if (st != OVNMIG_STAT_BOUNCE_FORWARDED &&
			    st != OVNMIG_STAT_BOUNCE_FORWARDED_FIB)
				bad = "forwarded but not counted forwarded";
			else if (!pi.valid)
				bad = pi.why;
			else if (pi.frag)
				bad = "forwarded a fragment";
			else if (pi.marked)
				bad = "forwarded a marked packet";
			else if (pi.mcast)
				bad = "forwarded a multicast packet";
			else if (!pi.ip_csum_ok)
				bad = "forwarded a packet with a bad IPv4 header checksum";
			else if (pi.broken) {
				snprintf(why, sizeof(why),
					 "forwarded, but it breaks conditions %#x (open relay)",
					 pi.broken);
				bad = why;
			}
			else if (!e || e->expired || !e->verdict ||
				 e->v6 != pi.v6)
				bad = "forwarded without a live entry";
			else if (ret != e->verdict)
				bad = "wrong verdict for the entry";
			else if (st != e->stat)
				bad = "next hop from the wrong source (cache vs FIB)";
			else
				bad = check_forwarded(in, out, len, &pi, e,
						      why, sizeof(why));
		} else {
			snprintf(why, sizeof(why), "verdict %u", ret);
			bad = why;
		}
		if (bad && !fails++) {
			snprintf(first, sizeof(first),
				 "packet %u (seed shape %zu, %s checksums, %zu bytes, verdict %u): %s",
				 k, si, fixed ? "fixed" : "raw", len, ret, bad);
			fprintf(stderr, PROG ": bounce packet %u:", k);
			for (i = 0; i < len; i++)
				fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ",
					in[i]);
			fprintf(stderr, "\n");
		}
	}
	printf("# bounce: %u packets, %u forwarded, %u passed:", count, fwd,
	       passed);
	for (i = 0; i < OVNMIG_STAT_MAX; i++)
		if (per_stat[i])
			printf(" %s=%u", stat_names[i], per_stat[i]);
	printf("\n");
	snprintf(name, sizeof(name),
		 "bounce: %u mutated packets (seed %#" PRIx64 "): verdicts, bytes, checksums, counters",
		 count, seed);
	tap_result(!fails, name, "%u wrong, first: %s", fails, first);
	/* The mutations must reach the interesting paths at all. */
	snprintf(name, sizeof(name),
		 "bounce mutations reach forwarding and the parser's exits");
	tap_result(fwd > count / 50 &&
		   per_stat[OVNMIG_STAT_BOUNCE_FORWARDED] &&
		   per_stat[OVNMIG_STAT_BOUNCE_FORWARDED_FIB] &&
		   per_stat[OVNMIG_STAT_BOUNCE_MALFORMED] > count / 50 &&
		   per_stat[OVNMIG_STAT_BOUNCE_NOT_OVN] &&
		   per_stat[OVNMIG_STAT_BOUNCE_MISS] &&
		   per_stat[OVNMIG_STAT_BOUNCE_LOOP_REFUSED] &&
		   per_stat[OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL] &&
		   per_stat[OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL] &&
		   per_stat[OVNMIG_STAT_BOUNCE_SRC_NOT_CHASSIS] &&
		   per_stat[OVNMIG_STAT_BOUNCE_SRC_LOCAL] &&
		   per_stat[OVNMIG_STAT_BOUNCE_TTL_EXCEEDED] &&
		   per_stat[OVNMIG_STAT_BOUNCE_IP_OPTIONS] &&
		   per_stat[OVNMIG_STAT_BOUNCE_OVN_OPT_DUP],
		   name, "forwarded %u, malformed %u", fwd,
		   per_stat[OVNMIG_STAT_BOUNCE_MALFORMED]);
}

static void bounce_setup(struct bounce *bs)
{
	uint64_t now = mono_ns();
	/* The agent's lease fresh: the judge knows no lease. */
	struct ovnmig_config c = { .local_v4 = v4(LOCAL_V4), .fwd_active = 1,
				   .lease_ns = now + 3600ull * 1000000000ull };
	uint32_t zero = 0;
	size_t i;

	struct ovnmig_ifmac im = { .ifindex = ifindex0 };
	uint32_t ifi = ifindex0 % OVNMIG_IFMAC_SLOTS;	/* its slot (abi.h) */

	v6(LOCAL_V6, c.local_v6);
	bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_config), &zero, &c,
			    BPF_ANY);
	memcpy(im.mac, mac_veth0, 6);
	bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_ifmac), &ifi, &im,
			    BPF_ANY);
	/*
	 * The chassis map: the oracle's chassis, and this host too (as a
	 * careless writer could put it): a source spoofed as this host must
	 * still be refused.
	 */
	for (i = 0; i <= sizeof(chassis_addrs) / sizeof(chassis_addrs[0]);
	     i++) {
		const char *a = i < sizeof(chassis_addrs) /
				    sizeof(chassis_addrs[0]) ?
				chassis_addrs[i] : LOCAL_V4;

		chassis_key_put(bpf_map__fd(bs->maps.ovnmig_chassis), a, 1);
	}
	for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		struct ovnmig_port_key k = { .dp_key = FWD_VNI,
					     .port_key = ents[i].port };
		struct ovnmig_fwd v = { .generation = 1 };

		v.expires_ns = ents[i].expired ? now - 1000000000ull :
			       now + 3600ull * 1000000000ull;
		if (ents[i].v6) {
			v.flags = OVNMIG_F_IPV6;
			v6(ents[i].host, v.new_host.v6);
		} else {
			v.new_host.v4 = v4(ents[i].host);
			/* HOSTB_V4's next hop is cached, in slot 1 (abi.h). */
			if (!strcmp(ents[i].host, HOSTB_V4))
				v.nh_slot = 1;
		}
		bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_fwd), &k, &v,
				    BPF_ANY);
	}
	{
		uint32_t slot = 1;
		struct ovnmig_nexthop v = {
			.host.addr.v4 = v4(HOSTB_V4),
			.ifindex = ifindex0, .generation = 1,
			.expires_ns = now + 3600ull * 1000000000ull,
		};

		memcpy(v.dmac, nh_dmac, 6);
		memcpy(v.smac, nh_smac, 6);
		bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_nexthop),
				    &slot, &v, BPF_ANY);
	}
}

/* ---- steer_sim ---- */

struct steer_ent {
	uint16_t port;
	int v6;
	const char *old, *new;
	uint32_t flags;
	int expired;
};

static const struct steer_ent sents[] = {
	{ 7, 0, "198.18.0.1", "198.18.0.2", 0, 0 },
	{ 8, 1, "2001:db8:ff::1", "2001:db8:ff::2", 0, 0 },
	{ 9, 0, "198.18.0.1", "198.18.0.2", OVNMIG_F_DROP, 0 },
	{ 11, 0, "198.18.0.1", "198.18.0.2", 0, 1 },
	{ 12, 1, "2001:db8:ff::1", "2001:db8:ff::2", 0, 0 },
};

#define TF_KEEP	(0x0001 | 0x0004 | 0x0100 | 0x0400 | 0x0800 | 0x2000)

/*
 * What steer must do with p (len bytes as sent), from the spec: the
 * counter, the verdict and, on a rewrite, the expected output in *w.
 */
static int steer_expect(const struct sim_pkt *p, size_t len,
			struct sim_pkt *w, uint32_t *verdict)
{
	const struct steer_ent *e = NULL;
	uint32_t olen = p->h.opts_len, o, vni;
	int is6 = !!(p->h.get_flags & BPF_F_TUNINFO_IPV6), egress = -1;
	uint16_t tf = ntohs(p->h.key.tunnel_flags);
	size_t i;

	*w = *p;
	*verdict = TC_ACT_OK;
	if (len < OVNMIG_SIM_IN_LEN)
		return OVNMIG_STAT_STEER_NOT_OVN;
	/* The VNI prefilter is on, with only 0x123456's bit set. */
	if ((p->h.key.tunnel_id & 0xffffff) != 0x123456)
		return OVNMIG_STAT_STEER_MISS;
	if (olen < 4 || olen > 252 || sizeof(p->h) + olen > len)
		return OVNMIG_STAT_STEER_NOT_OVN;
	for (o = 0; o + 4 <= olen; o += 4 + (p->opts[o + 3] & 0x1f) * 4) {
		if (rd16(p->opts + o) == OVNMIG_OVN_OPT_CLASS &&
		    p->opts[o + 2] == OVNMIG_OVN_OPT_TYPE &&
		    (p->opts[o + 3] & 0x1f) * 4 == OVNMIG_OVN_OPT_LEN) {
			if (o + 8 <= olen)
				egress = rd16(p->opts + o + 6);
			break;
		}
	}
	if (egress < 0)
		return OVNMIG_STAT_STEER_NOT_OVN;
	if (egress >= OVNMIG_OVN_MCAST_MIN)
		return OVNMIG_STAT_STEER_MCAST;
	vni = p->h.key.tunnel_id & 0xffffff;
	for (i = 0; i < sizeof(sents) / sizeof(sents[0]); i++)
		if (vni == 0x123456 && sents[i].port == egress)
			e = &sents[i];
	if (!e)
		return OVNMIG_STAT_STEER_MISS;
	if (e->v6 != is6)
		return OVNMIG_STAT_STEER_OTHER_REMOTE;
	if (!is6) {
		if (htonl(p->h.key.local_ipv4) != v4(e->old))
			return OVNMIG_STAT_STEER_OTHER_REMOTE;
	} else {
		uint8_t a[16];

		v6(e->old, a);
		if (memcmp(p->h.key.local_ipv6, a, 16))
			return OVNMIG_STAT_STEER_OTHER_REMOTE;
	}
	if (e->expired)
		return OVNMIG_STAT_STEER_EXPIRED;
	if (e->flags & OVNMIG_F_DROP) {
		*verdict = TC_ACT_SHOT;
		return OVNMIG_STAT_STEER_DROPPED_DUP;
	}
	if (tf & ~TF_KEEP)
		return OVNMIG_STAT_STEER_UNSUPPORTED;
	w->h.out = p->h.key;
	w->h.out.tunnel_ext = 0;
	if (!is6) {
		w->h.out.local_ipv4 = p->h.key.remote_ipv4;
		w->h.out.remote_ipv4 = ntohl(v4(e->new));
	} else {
		memcpy(w->h.out.local_ipv6, p->h.key.remote_ipv6, 16);
		v6(e->new, w->h.out.remote_ipv6);
	}
	w->h.set_flags = (is6 ? BPF_F_TUNINFO_IPV6 : 0) |
			 (tf & 0x0100 ? BPF_F_DONT_FRAGMENT : 0) |
			 (tf & 0x0001 ? 0 : BPF_F_ZERO_CSUM_TX);
	w->h.pad = 0;
	return OVNMIG_STAT_STEER_STEERED;
}

/*
 * test_run itself refuses an skb whose Ethernet type says IPv4 or IPv6
 * but that is too short for that header: the program never runs.
 */
static int kernel_refuses(const uint8_t *pkt, size_t len)
{
	uint16_t proto = rd16(pkt + 12);

	return (proto == 0x0800 && len < ETH_HLEN + 20) ||
	       (proto == 0x86dd && len < ETH_HLEN + 40);
}

static void steer_mutate(struct steer_sim *ss, unsigned count, uint64_t seed)
{
	static const enum ovn_pos pos[] = { OVN_ONLY, OVN_FIRST, OVN_LAST,
					    OVN_MIDDLE, OVN_NONE };
	static const uint16_t ports[] = { 7, 8, 9, 11, 12, 13, 0x8000 };
	static struct sim_pkt seeds[2 * 5 * 7];
	static size_t lens[2 * 5 * 7];
	int fd = bpf_program__fd(ss->progs.steer_sim);
	unsigned fails = 0, k, steered = 0, refused = 0;
	size_t n = 0, i, j;
	char first[512] = "", name[160];

	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++)
		for (j = 0; j < sizeof(ports) / sizeof(ports[0]); j++) {
			lens[n] = sim_build(&seeds[n], 0, "198.18.0.1", TF_OVS,
					    pos[i], ports[j]);
			n++;
			lens[n] = sim_build(&seeds[n], 1, "2001:db8:ff::1",
					    TF_OVS, pos[i], ports[j]);
			n++;
		}
	rng = seed;
	for (k = 0; k < count; k++) {
		struct sim_pkt in, out, want;
		uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
		size_t si = below(n), len;
		uint32_t verdict;
		const char *bad = NULL;
		char why[256];
		int st, want_st, err;
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = &in,
			    .data_out = &out, .data_size_out = sizeof(out),
			    .repeat = 1);

		memset(&in, 0, sizeof(in));
		memcpy(&in, &seeds[si], lens[si]);
		/* Header fields and options alike; no growth past struct. */
		len = mutate((uint8_t *)&in, lens[si], lens[si], sizeof(in));
		if (len < ETH_HLEN)
			len = ETH_HLEN;
		o.data_size_in = len;
		/* Bytes past len are not part of the packet. */
		memset((uint8_t *)&in + len, 0, sizeof(in) - len);
		want_st = steer_expect(&in, len, &want, &verdict);
		err = read_stats(a) ? -1 :
		      bpf_prog_test_run_opts(fd, &o) ? errno : 0;
		if (err < 0 || read_stats(b)) {
			bad = "cannot read the counters";
		} else if (err == EINVAL && kernel_refuses((uint8_t *)&in, len) &&
			   moved(a, b, why, sizeof(why)) < 0 &&
			   !strcmp(why, "no counter moved")) {
			refused++;
			continue;
		} else if (err) {
			snprintf(why, sizeof(why), "test run failed: %s",
				 strerror(err));
			bad = why;
		} else if ((st = moved(a, b, why, sizeof(why))) < 0) {
			bad = why;
		} else if (st != want_st) {
			snprintf(why, sizeof(why), "counted %s, expected %s",
				 stat_names[st], stat_names[want_st]);
			bad = why;
		} else if (o.retval != verdict) {
			snprintf(why, sizeof(why), "verdict %u, expected %u",
				 o.retval, verdict);
			bad = why;
		} else if (o.data_size_out != len ||
			   memcmp(&out, &want, len)) {
			bad = "output bytes differ from the expected";
		}
		if (want_st == OVNMIG_STAT_STEER_STEERED)
			steered++;
		if (bad && !fails++) {
			snprintf(first, sizeof(first),
				 "packet %u (seed shape %zu, %zu bytes): %s",
				 k, si, len, bad);
			fprintf(stderr, PROG ": steer_sim packet %u:", k);
			for (i = 0; i < len; i++)
				fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ",
					((uint8_t *)&in)[i]);
			fprintf(stderr, "\n");
		}
	}
	snprintf(name, sizeof(name),
		 "steer_sim: %u mutated keys/options (seed %#" PRIx64 "): verdicts, rewrites, counters",
		 count, seed);
	tap_result(!fails, name, "%u wrong, first: %s", fails, first);
	printf("# steer_sim: %u packets, %u steered, %u refused by test_run (Ethernet type IP, shorter than the IP header)\n",
	       count, steered, refused);
	tap_result(steered > count / 50, "steer_sim mutations reach the rewrite",
		   "only %u steered", steered);
}

static void steer_setup(struct steer_sim *ss)
{
	uint64_t now = mono_ns();
	struct ovnmig_config c = { .steer_active = 1,
				   .flags = OVNMIG_CFG_STEER_VNI_FILTER,
				   .lease_ns = now + 3600ull * 1000000000ull };
	uint32_t zero = 0, idx = 0x123456 / 64;
	uint64_t bit = 1ull << (0x123456 % 64);
	size_t i;

	bpf_map_update_elem(bpf_map__fd(ss->maps.ovnmig_config), &zero, &c,
			    BPF_ANY);
	bpf_map_update_elem(bpf_map__fd(ss->maps.ovnmig_steer_vnis), &idx,
			    &bit, BPF_ANY);
	for (i = 0; i < sizeof(sents) / sizeof(sents[0]); i++) {
		struct ovnmig_port_key k = { .dp_key = 0x123456,
					     .port_key = sents[i].port };
		struct ovnmig_steer v = { .generation = 1,
					  .flags = sents[i].flags };

		v.expires_ns = sents[i].expired ? now - 1000000000ull :
			       now + 3600ull * 1000000000ull;
		if (sents[i].v6) {
			v.flags |= OVNMIG_F_IPV6;
			v6(sents[i].old, v.old_remote.v6);
			v6(sents[i].new, v.new_remote.v6);
		} else {
			v.old_remote.v4 = v4(sents[i].old);
			v.new_remote.v4 = v4(sents[i].new);
		}
		bpf_map_update_elem(bpf_map__fd(ss->maps.ovnmig_steer), &k, &v,
				    BPF_ANY);
	}
}

static void no_pin(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
}

int main(int argc, char **argv)
{
	uint64_t seed = 0x6f766e6d6967ull;	/* "ovnmig" */
	unsigned count = 20000;
	struct bounce *bs;
	struct steer_sim *ss;
	const char *env = getenv("OVNMIG_MUTATE_SEED");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		count = strtoul(argv[1], NULL, 0);
	if (argc > 2)
		seed = strtoull(argv[2], NULL, 0);
	else if (env && *env)
		seed = strtoull(env, NULL, 0);
	if (!seed)
		seed = 1;	/* xorshift cannot start from zero */
	printf("# seed %#" PRIx64 ", %u packets per program (reproduce: %s %u %#" PRIx64 ")\n",
	       seed, count, argv[0], count, seed);
	ncpus = libbpf_num_possible_cpus();
	ifindex0 = setup_net();
	if (ifindex0 < 0) {
		printf("ok 1 mutate # SKIP cannot set up a network namespace\n");
		return 4;
	}
	bs = bounce__open();
	ss = steer_sim__open();
	if (bs)
		no_pin(bs->obj);
	if (ss)
		no_pin(ss->obj);
	if (!bs || !ss || bounce__load(bs) || steer_sim__load(ss)) {
		tap_result(0, "load bounce and steer_sim", "%s",
			   strerror(errno));
		return tap_finish();
	}
	bounce_fd = bpf_program__fd(bs->progs.bounce);
	stats_fd = bpf_map__fd(bs->maps.ovnmig_stats);
	bounce_setup(bs);
	bounce_mutate(count, seed);

	stats_fd = bpf_map__fd(ss->maps.ovnmig_stats);
	steer_setup(ss);
	steer_mutate(ss, count, seed);

	steer_sim__destroy(ss);
	bounce__destroy(bs);
	return tap_finish();
}
