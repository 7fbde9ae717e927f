// SPDX-License-Identifier: GPL-2.0-only
/*
 * corpus: the datapath programs against a corpus of packets built here,
 * run with BPF_PROG_TEST_RUN.  Every case checks the verdict, the exact
 * output bytes (expected packets are rebuilt from scratch, checksums
 * included, by pkt.h) and that exactly the expected counter moved.
 *
 * Runs in a private network namespace (unshare) holding the underlay the
 * FIB lookups need, so it leaves nothing behind whatever happens.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <time.h>
#include <sys/utsname.h>
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
#include "steer.skel.h"
#include "steer_sim.skel.h"

#define PROG "corpus"
#include "testnet.h"
#include "simpkt.h"

static const char *const stat_names[] = {
#define N(id, name) name,
	OVNMIG_STATS(N)
#undef N
};

static int ifindex0;
static int stats_fd;
static int ncpus;

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, PROG ": %s: exit %d\n", cmd, rc);
	return rc;
}


static int read_stats(uint64_t *out)
{
	return stats_sum(stats_fd, ncpus, out);
}

/* Exactly one counter, want, moved by exactly one. */
static int stats_moved(const uint64_t *a, const uint64_t *b, int want,
		       char *why, size_t len)
{
	int k;

	for (k = 0; k < OVNMIG_STAT_MAX; k++) {
		uint64_t d = b[k] - a[k];

		if (d != (k == want ? 1u : 0u)) {
			snprintf(why, len, "counter %s moved by %llu, expected %s",
				 stat_names[k], (unsigned long long)d,
				 stat_names[want]);
			return 0;
		}
	}
	return 1;
}

static void hexdiff(const uint8_t *a, const uint8_t *b, size_t n, char *why,
		    size_t len)
{
	size_t i;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	snprintf(why, len, "bytes differ at offset %zu: got %02x want %02x",
		 i, a[i], b[i]);
}

/* ---- bounce ---- */

static int bounce_fd, fwd_fd, bcfg_fd, chassis_fd, ifmac_fd, nexthop_fd;

static int run_xdp(const uint8_t *in, size_t len, uint8_t *out,
		   uint32_t *out_len, uint32_t *ret)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len,
		    .data_out = out, .data_size_out = 2048, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err = bpf_prog_test_run_opts(bounce_fd, &o);

	*out_len = o.data_size_out;
	*ret = o.retval;
	return err;
}

/*
 * Run spec through bounce.  want_fwd: the expected forwarded packet (its
 * spec), or NULL for "passed untouched".  trunc: cut the input to this
 * many bytes (0: whole).
 */
static void bounce_case(const char *name, const struct pkt_spec *s,
			const struct pkt_spec *want_fwd, uint32_t want_ret,
			int want_stat, size_t trunc)
{
	uint8_t in[2048], out[2048], exp[2048];
	uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
	uint32_t out_len, ret;
	size_t len = pkt_build(s, in), elen;
	char why[256];

	if (trunc)
		len = trunc;
	if (want_fwd)
		elen = pkt_build(want_fwd, exp);
	else
		memcpy(exp, in, elen = len);
	if (read_stats(a) || run_xdp(in, len, out, &out_len, &ret) ||
	    read_stats(b)) {
		tap_result(0, name, "test run failed: %s", strerror(errno));
		return;
	}
	if (ret != want_ret) {
		tap_result(0, name, "verdict %u, expected %u", ret, want_ret);
		return;
	}
	if (out_len != elen) {
		tap_result(0, name, "output length %u, expected %zu", out_len,
			   elen);
		return;
	}
	if (memcmp(out, exp, elen)) {
		hexdiff(out, exp, elen, why, sizeof(why));
		tap_result(0, name, "%s", why);
		return;
	}
	if (!stats_moved(a, b, want_stat, why, sizeof(why))) {
		tap_result(0, name, "%s", why);
		return;
	}
	tap_result(1, name, "%s", "");
}

/*
 * The agent's lease (abi.h) as the config cases write it: fresh (an hour
 * ahead) unless a case lets it run out.
 */
static uint64_t lease_until;

/*
 * The next-hop slot (abi.h) of each new host the cases name, as the
 * agent would give them; any other host has none (0).
 */
static uint32_t nh_slot_of(const char *host)
{
	static const char *const hosts[] = { NULL, HOSTB_V4, HOSTB_V6,
					     HOSTC_V4, NOROUTE_V4 };
	uint32_t i;

	for (i = 1; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (!strcmp(host, hosts[i]))
			return i;
	return 0;
}

static void fwd_put(uint32_t vni, uint16_t port, int is6, const char *host,
		    uint64_t expires)
{
	struct ovnmig_port_key k = { .dp_key = vni, .port_key = port };
	struct ovnmig_fwd v = { .expires_ns = expires, .generation = 1,
				.flags = port == 13 ? OVNMIG_F_MANUAL : 0 };

	if (is6) {
		v.flags = OVNMIG_F_IPV6;
		v6(host, v.new_host.v6);
	} else {
		v.new_host.v4 = v4(host);
	}
	v.nh_slot = nh_slot_of(host);
	if (bpf_map_update_elem(fwd_fd, &k, &v, BPF_ANY))
		fprintf(stderr, PROG ": fwd update: %s\n", strerror(errno));
}

static void bounce_cfg(int active)
{
	struct ovnmig_config c = { .local_v4 = v4(LOCAL_V4),
				   .fwd_active = active,
				   .lease_ns = lease_until };
	uint32_t zero = 0;

	v6(LOCAL_V6, c.local_v6);
	bpf_map_update_elem(bcfg_fd, &zero, &c, BPF_ANY);
}

/* A known chassis (ovnmig_chassis) sending to us: the default sender. */
static void chassis_put(const char *addr, int add)
{
	if (chassis_key_put(chassis_fd, addr, add))
		fprintf(stderr, PROG ": chassis %s: %s\n", addr,
			strerror(errno));
}

/*
 * The ingress NIC's own MAC (ovnmig_ifmac): veth0's, in the slot of
 * ifindex @ifi (abi.h: ifindex % OVNMIG_IFMAC_SLOTS); @mac NULL: free.
 */
static void ifmac_put_as(uint32_t ifi, const uint8_t *mac)
{
	struct ovnmig_ifmac v = { .ifindex = mac ? ifi : 0 };
	uint32_t k = ifi % OVNMIG_IFMAC_SLOTS;

	if (mac)
		memcpy(v.mac, mac, 6);
	if (bpf_map_update_elem(ifmac_fd, &k, &v, BPF_ANY))
		fprintf(stderr, PROG ": ifmac: %s\n", strerror(errno));
}

static void ifmac_put(const uint8_t *mac)
{
	ifmac_put_as(ifindex0, mac);
}

/* The next-hop slot's host key (abi.h) for @host. */
static struct ovnmig_chassis_key nh_host(const char *host)
{
	struct ovnmig_chassis_key k = {};

	if (strchr(host, ':')) {
		v6(host, k.addr.v6);
		k.flags = OVNMIG_F_IPV6;
	} else {
		k.addr.v4 = v4(host);
	}
	return k;
}

static void nexthop_slot_put(const char *host,
			     const struct ovnmig_nexthop *v)
{
	uint32_t slot = nh_slot_of(host);

	if (bpf_map_update_elem(nexthop_fd, &slot, v, BPF_ANY))
		fprintf(stderr, PROG ": nexthop update: %s\n", strerror(errno));
}

/*
 * bounce's next hop for host (ovnmig_nexthop, abi.h), as the agent
 * writes it into the host's slot: out of ifname, to dmac, from smac,
 * live until expires (0: no next hop, the slot kept for the host).
 */
static void nexthop_put(const char *host, const char *ifname,
			const uint8_t *dmac, const uint8_t *smac,
			uint64_t expires)
{
	struct ovnmig_nexthop v = { .host = nh_host(host),
				    .expires_ns = expires, .generation = 1 };

	if (expires) {
		v.ifindex = if_nametoindex(ifname);
		memcpy(v.dmac, dmac, 6);
		memcpy(v.smac, smac, 6);
	} else {
		v.generation = 0;
	}
	nexthop_slot_put(host, &v);
}

/*
 * What bounce should make of s: from this host to host, marked, new MACs,
 * one hop less (a router's TTL decrement).  pkt_build computes every
 * checksum from scratch.
 */
static struct pkt_spec forwarded(const struct pkt_spec *s, const char *host,
				 const uint8_t *dmac, const uint8_t *smac)
{
	struct pkt_spec f = *s;

	f.ttl = (s->ttl ? s->ttl : 64) - 1;

	if (!s->v6) {
		f.saddr = v4(LOCAL_V4);
		f.daddr = v4(host);
	} else {
		v6(LOCAL_V6, f.s6);
		v6(host, f.d6);
	}
	f.gflags |= OVNMIG_GENEVE_MARK;
	memcpy(f.dmac, dmac, 6);
	memcpy(f.smac, smac, 6);
	return f;
}

/*
 * bounce must not be an open relay (docs/datapath.md).  Each case breaks exactly one of
 * the conditions under which a forwarding pointer may be used (abi.h)
 * on a packet that is otherwise forwarded, for a live entry (port 7 or
 * 8), and must be passed untouched with that condition's counter.
 */
static void bounce_open_relay_cases(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0x01, 0x77 };
	struct pkt_spec s, f;

	pkt_default(&s);
	s.daddr = v4("203.0.113.77");
	bounce_case("bounce v4 to 203.0.113.77 (not this host): passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL, 0);
	s.daddr = v4("255.255.255.255");
	memcpy(s.dmac, bcast, 6);
	bounce_case("bounce v4 to 255.255.255.255, broadcast MAC: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL, 0);
	s.daddr = v4("224.0.0.1");
	memcpy(s.dmac, mcast, 6);
	bounce_case("bounce v4 to 224.0.0.1, multicast MAC: passed", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL, 0);
	pkt_default(&s);
	memcpy(s.dmac, bcast, 6);
	bounce_case("bounce v4 to this host's IP but broadcast MAC: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL, 0);
	memcpy(s.dmac, other, 6);
	bounce_case("bounce v4 to another host's MAC: passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL, 0);
	pkt_default(&s);
	s.saddr = v4("198.19.200.200");
	bounce_case("bounce v4 from non-chassis 198.19.200.200: passed", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_SRC_NOT_CHASSIS, 0);
	s.saddr = v4(LOCAL_V4);
	bounce_case("bounce v4 from a source spoofed as this host: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_SRC_LOCAL, 0);
	/* Even if someone put this host in the chassis map. */
	chassis_put(LOCAL_V4, 1);
	bounce_case("bounce v4 spoofed as this host, in the chassis map: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_SRC_LOCAL, 0);
	chassis_put(LOCAL_V4, 0);
	pkt_default(&s);
	s.ttl = 1;
	bounce_case("bounce v4 TTL 1: passed, ttl_exceeded", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_TTL_EXCEEDED, 0);
	pkt_default(&s);
	s.ttl = 2;
	f = forwarded(&s, HOSTB_V4, mac_hostb, mac_veth0);
	bounce_case("bounce v4 TTL 2: forwarded with TTL 1, checksum right",
		    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
	pkt_default(&s);
	s.ipopts = 8;
	s.lsrr = 1;
	bounce_case("bounce v4 loose source route option: passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_IP_OPTIONS, 0);
	pkt_default(&s);
	s.ovn = OVN_TWICE;
	bounce_case("bounce two OVN options (ambiguous): passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_OVN_OPT_DUP, 0);
	s.egress = 6;		/* the second one is port 7's */
	bounce_case("bounce two OVN options, second for the entry: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_OVN_OPT_DUP, 0);

	pkt_default(&s);
	s.v6 = 1;
	s.egress = 8;
	s.ttl = 1;
	bounce_case("bounce v6 hop limit 1: passed, ttl_exceeded", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_TTL_EXCEEDED, 0);
	s.ttl = 2;
	f = forwarded(&s, HOSTB_V6, mac_hostb, mac_veth0);
	bounce_case("bounce v6 hop limit 2: forwarded with hop limit 1", &s,
		    &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
	s.ttl = 0;
	v6("2001:db8:77::1", s.d6);
	bounce_case("bounce v6 to another address: passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL, 0);
	v6("ff02::1", s.d6);
	bounce_case("bounce v6 to ff02::1: passed", &s, NULL, XDP_PASS,
		    OVNMIG_STAT_BOUNCE_DST_NOT_LOCAL, 0);
	v6(LOCAL_V6, s.d6);
	v6("2001:db8:ff::99", s.s6);
	bounce_case("bounce v6 from a non-chassis source: passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_SRC_NOT_CHASSIS, 0);
	/* The v4 chassis 198.18.0.9 as the first 32 bits of a v6 source. */
	memset(s.s6, 0, 16);
	memcpy(s.s6, &(uint32_t){ v4("198.18.0.9") }, 4);
	bounce_case("bounce v6 source equal to a v4 chassis key's bytes: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_SRC_NOT_CHASSIS, 0);
	v6(LOCAL_V6, s.s6);
	bounce_case("bounce v6 from a source spoofed as this host: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_SRC_LOCAL, 0);
	v6("2001:db8:ff::9", s.s6);
	memcpy(s.dmac, other, 6);
	bounce_case("bounce v6 to another host's MAC: passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL, 0);

	/* No MAC known for the ingress NIC: nothing is forwarded. */
	pkt_default(&s);
	ifmac_put(NULL);
	bounce_case("bounce without the NIC's MAC in ovnmig_ifmac: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL, 0);
	/*
	 * The NIC's slot holds this MAC for another NIC whose ifindex
	 * shares it (abi.h): not this NIC's, nothing is forwarded.
	 */
	ifmac_put_as(ifindex0 + OVNMIG_IFMAC_SLOTS, mac_veth0);
	bounce_case("bounce with the NIC's ovnmig_ifmac slot naming another ifindex: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_MAC_NOT_LOCAL, 0);
	ifmac_put(mac_veth0);
	/* The sender leaves the SB: its packets are no longer forwarded. */
	pkt_default(&s);
	chassis_put("198.18.0.9", 0);
	bounce_case("bounce after the sender's chassis entry is gone: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_SRC_NOT_CHASSIS, 0);
	chassis_put("198.18.0.9", 1);
	/* The control: the same packet forwards again. */
	f = forwarded(&s, HOSTB_V4, mac_hostb, mac_veth0);
	bounce_case("bounce control: chassis to this host forwards, TTL 63",
		    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
}

/*
 * The next hop comes from the agent's cache (ovnmig_nexthop),
 * not from bpf_fib_lookup, so bounce needs no IP forwarding.  The cache
 * is believed as it is (MACs unlike the neighbour table's, a host the
 * FIB cannot route); without a live entry (absent, expired, ifindex 0)
 * the FIB is asked and the packet counted forwarded_fib.
 */
static void bounce_nexthop_cases(uint64_t later)
{
	static const uint8_t nh_d[6] = { 0x02, 0, 0, 0, 0xaa, 0x01 };
	static const uint8_t nh_s[6] = { 0x02, 0, 0, 0, 0xaa, 0x02 };
	struct pkt_spec s, f;

	pkt_default(&s);
	nexthop_put(HOSTB_V4, "veth0", nh_d, nh_s, later);
	f = forwarded(&s, HOSTB_V4, nh_d, nh_s);
	bounce_case("bounce next hop cache: forwarded with the cache's MACs, not the neighbour table's",
		    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
	nexthop_put(HOSTB_V4, "veth2", nh_d, nh_s, later);
	bounce_case("bounce next hop cache on another device: XDP_REDIRECT",
		    &s, &f, XDP_REDIRECT, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
	s.egress = 10;
	nexthop_put(NOROUTE_V4, "veth2", nh_d, nh_s, later);
	f = forwarded(&s, NOROUTE_V4, nh_d, nh_s);
	bounce_case("bounce next hop cache for a host the FIB cannot route: forwarded (no FIB asked)",
		    &s, &f, XDP_REDIRECT, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
	nexthop_put(NOROUTE_V4, NULL, NULL, NULL, 0);
	bounce_case("bounce no next hop and no route: passed (fib fail)", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_FIB_FAIL, 0);

	/* Fallback: the FIB's answer (the neighbour table's MACs). */
	pkt_default(&s);
	nexthop_put(HOSTB_V4, NULL, NULL, NULL, 0);
	f = forwarded(&s, HOSTB_V4, mac_hostb, mac_veth0);
	bounce_case("bounce no next hop cached: FIB fallback, forwarded_fib",
		    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED_FIB, 0);
	nexthop_put(HOSTB_V4, "veth2", nh_d, nh_s, mono_ns() - 1000000000ull);
	bounce_case("bounce stale next hop (expired): FIB fallback, forwarded_fib",
		    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED_FIB, 0);
	{
		struct ovnmig_nexthop v = { .host = nh_host(HOSTB_V4),
					    .expires_ns = later };

		memcpy(v.dmac, nh_d, 6);
		nexthop_slot_put(HOSTB_V4, &v);
		bounce_case("bounce next hop without a device (ifindex 0): FIB fallback",
			    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED_FIB,
			    0);
		/* The entry's slot given to another host: not its next hop. */
		v.host = nh_host(NOROUTE_V4);
		v.ifindex = if_nametoindex("veth2");
		memcpy(v.smac, nh_s, 6);
		nexthop_slot_put(HOSTB_V4, &v);
		bounce_case("bounce next-hop slot holding another host's next hop: not used, FIB fallback",
			    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED_FIB,
			    0);
	}
	s.v6 = 1;
	s.egress = 8;
	nexthop_put(HOSTB_V6, NULL, NULL, NULL, 0);
	f = forwarded(&s, HOSTB_V6, mac_hostb, mac_veth0);
	bounce_case("bounce v6 no next hop cached: FIB fallback, forwarded_fib",
		    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED_FIB, 0);
	/* A v4 entry with the v6 address' first word is not the v6 one's. */
	{
		struct ovnmig_nexthop v = { .expires_ns = later, .ifindex = 1 };
		uint8_t a6[16];

		v6(HOSTB_V6, a6);
		memcpy(&v.host.addr.v4, a6, 4);
		nexthop_slot_put(HOSTB_V6, &v);
		bounce_case("bounce v6 next hop keyed as v4 is not used: FIB fallback",
			    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED_FIB,
			    0);
		nexthop_put(HOSTB_V6, NULL, NULL, NULL, 0);
	}

	/*
	 * Forwarding off on the device: with the cache bounce forwards (the
	 * point of it), without it the FIB refuses and bounce passes.
	 */
	if (!sh("sysctl -qw net.ipv4.conf.all.forwarding=0 net.ipv4.conf.veth0.forwarding=0 net.ipv6.conf.all.forwarding=0")) {
		pkt_default(&s);
		nexthop_put(HOSTB_V4, "veth0", mac_hostb, mac_veth0, later);
		f = forwarded(&s, HOSTB_V4, mac_hostb, mac_veth0);
		bounce_case("bounce with IP forwarding off, next hop cached: forwarded",
			    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
		s.v6 = 1;
		s.egress = 8;
		nexthop_put(HOSTB_V6, "veth0", mac_hostb, mac_veth0, later);
		f = forwarded(&s, HOSTB_V6, mac_hostb, mac_veth0);
		bounce_case("bounce v6 with IP forwarding off, next hop cached: forwarded",
			    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
		pkt_default(&s);
		nexthop_put(HOSTB_V4, NULL, NULL, NULL, 0);
		bounce_case("bounce with IP forwarding off, no next hop: passed (fib fail)",
			    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_FIB_FAIL, 0);
		sh("sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv4.conf.veth0.forwarding=1 net.ipv6.conf.all.forwarding=1");
	}
	nexthop_put(HOSTB_V4, "veth0", mac_hostb, mac_veth0, later);
	nexthop_put(HOSTB_V6, "veth0", mac_hostb, mac_veth0, later);
}

static void bounce_corpus(void)
{
	uint64_t later = mono_ns() + 3600ull * 1000000000ull;
	struct pkt_spec s, f;
	size_t i, len;
	uint8_t buf[2048];
	char name[128];

	/* Entries: VNI 0x123456 port 7 -> B (v4), port 8 -> B (v6), port
	 * 9 -> C (another device), port 10 -> unroutable, port 11 expired,
	 * port 13 -> B written by hand (OVNMIG_F_MANUAL). */
	fwd_put(0x123456, 7, 0, HOSTB_V4, later);
	fwd_put(0x123456, 8, 1, HOSTB_V6, later);
	fwd_put(0x123456, 9, 0, HOSTC_V4, later);
	fwd_put(0x123456, 10, 0, NOROUTE_V4, later);
	fwd_put(0x123456, 11, 0, HOSTB_V4, mono_ns() - 1000000000ull);
	fwd_put(0x123456, 13, 0, HOSTB_V4, later);

	/*
	 * The agent's next hops, as the neighbour table has them: every
	 * forwarded case below goes without the FIB (bounce_forwarded);
	 * the cases after "next hop cache" take them away again.
	 */
	nexthop_put(HOSTB_V4, "veth0", mac_hostb, mac_veth0, later);
	nexthop_put(HOSTB_V6, "veth0", mac_hostb, mac_veth0, later);
	nexthop_put(HOSTC_V4, "veth2", mac_hostc, mac_veth2, later);

	/* The default sender is a chassis; we are veth0's MAC. */
	chassis_put("198.18.0.9", 1);
	chassis_put("2001:db8:ff::9", 1);
	ifmac_put(mac_veth0);

	pkt_default(&s);
	bounce_cfg(0);
	bounce_case("bounce idle: fwd_active=0 passes untouched", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_IDLE, 0);
	bounce_cfg(1);

#define FWD_OK(nm, spec) do {						\
		f = forwarded(&(spec), HOSTB_V4, mac_hostb, mac_veth0);	\
		bounce_case(nm, &(spec), &f, XDP_TX,			\
			    OVNMIG_STAT_BOUNCE_FORWARDED, 0);		\
	} while (0)

	pkt_default(&s);
	FWD_OK("bounce v4 OVN option only: forwarded to B (XDP_TX)", s);
	s.ovn = OVN_FIRST;
	FWD_OK("bounce v4 OVN option first of three: forwarded", s);
	s.ovn = OVN_LAST;
	FWD_OK("bounce v4 OVN option last of three: forwarded", s);
	s.ovn = OVN_MIDDLE;
	FWD_OK("bounce v4 OVN option among others: forwarded", s);
	pkt_default(&s);
	s.ipopts = 8;
	bounce_case("bounce v4 with IP options (NOPs): passed, ip_options",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_IP_OPTIONS, 0);
	pkt_default(&s);
	s.vlan = 1;
	FWD_OK("bounce v4 802.1Q tagged: forwarded with the tag", s);
	pkt_default(&s);
	s.zero_csum = 1;
	FWD_OK("bounce v4 zero UDP checksum stays zero", s);
	pkt_default(&s);
	s.gflags = 0x40;	/* C bit, as OVS sets it for OVN's option */
	FWD_OK("bounce v4 critical bit kept", s);

	bounce_open_relay_cases();

	pkt_default(&s);
	s.v6 = 1;
	s.egress = 8;
	f = forwarded(&s, HOSTB_V6, mac_hostb, mac_veth0);
	bounce_case("bounce v6: forwarded to B (XDP_TX)", &s, &f, XDP_TX,
		    OVNMIG_STAT_BOUNCE_FORWARDED, 0);
	s.ext = EXT_HBH | EXT_DST;
	f = forwarded(&s, HOSTB_V6, mac_hostb, mac_veth0);
	bounce_case("bounce v6 with hop-by-hop and dest options: forwarded",
		    &s, &f, XDP_TX, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
	s.ext = EXT_RT;
	bounce_case("bounce v6 routing header: passed (unsupported)", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_UNSUPPORTED, 0);
	s.ext = EXT_HBH | EXT_FRAG;
	bounce_case("bounce v6 fragment: passed", &s, NULL, XDP_PASS,
		    OVNMIG_STAT_BOUNCE_FRAGMENT, 0);

	pkt_default(&s);
	s.egress = 9;
	f = forwarded(&s, HOSTC_V4, mac_hostc, mac_veth2);
	bounce_case("bounce v4 next hop on another device: XDP_REDIRECT",
		    &s, &f, XDP_REDIRECT, OVNMIG_STAT_BOUNCE_FORWARDED, 0);
	s.vlan = 1;
	bounce_case("bounce tagged, next hop on another device: passed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_UNSUPPORTED, 0);
	pkt_default(&s);
	s.egress = 10;
	bounce_case("bounce no route to new host: passed (fib fail)", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_FIB_FAIL, 0);
	pkt_default(&s);
	s.egress = 11;
	bounce_case("bounce expired entry: passed", &s, NULL, XDP_PASS,
		    OVNMIG_STAT_BOUNCE_EXPIRED, 0);
	pkt_default(&s);
	s.egress = 12;
	bounce_case("bounce no entry: passed (miss)", &s, NULL, XDP_PASS,
		    OVNMIG_STAT_BOUNCE_MISS, 0);

	/*
	 * The agent's lease: run out (a dead agent), or never renewed (0),
	 * its pointers pass untouched, counted; one written by hand does
	 * not depend on it; renewed, the pointers apply again.
	 */
	lease_until = mono_ns() - 1000000000ull;	/* coarse clock lags */
	bounce_cfg(1);
	pkt_default(&s);
	bounce_case("bounce lease run out: passed untouched, lease_expired",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_LEASE_EXPIRED, 0);
	s.v6 = 1;
	s.egress = 8;
	bounce_case("bounce v6 lease run out: passed untouched, lease_expired",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_LEASE_EXPIRED, 0);
	pkt_default(&s);
	s.egress = 11;
	bounce_case("bounce lease run out, entry expired too: expired", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_EXPIRED, 0);
	pkt_default(&s);
	s.egress = 13;
	FWD_OK("bounce lease run out, pointer written by hand: forwarded", s);
	lease_until = 0;
	bounce_cfg(1);
	pkt_default(&s);
	bounce_case("bounce lease never renewed (0): passed, lease_expired",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_LEASE_EXPIRED, 0);
	lease_until = mono_ns() + 3600ull * 1000000000ull;
	bounce_cfg(1);
	pkt_default(&s);
	FWD_OK("bounce lease renewed: forwarded again", s);
	s.vni = 0x123457;
	s.egress = 7;
	bounce_case("bounce same port key, other datapath: miss", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_MISS, 0);
	pkt_default(&s);
	s.egress = 0x8001;
	bounce_case("bounce multicast egress: passed", &s, NULL, XDP_PASS,
		    OVNMIG_STAT_BOUNCE_MCAST, 0);
	pkt_default(&s);
	s.gflags = OVNMIG_GENEVE_MARK;
	bounce_case("bounce already forwarded (mark): loop refused", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_LOOP_REFUSED, 0);
	pkt_default(&s);
	s.v6 = 1;
	bounce_case("bounce v6 packet, v4 entry: passed (unsupported)", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_UNSUPPORTED, 0);
	pkt_default(&s);
	s.frag_off = 0x2000;
	bounce_case("bounce v4 first fragment (MF): passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_FRAGMENT, 0);
	s.frag_off = 0x0010;
	bounce_case("bounce v4 later fragment (offset): passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_FRAGMENT, 0);
	pkt_default(&s);
	s.gver = 1;
	bounce_case("bounce bad Geneve version: passed (malformed)", &s,
		    NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_MALFORMED, 0);
	pkt_default(&s);
	s.gopt_words = 63;
	bounce_case("bounce Geneve opt_len beyond the packet: malformed",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_MALFORMED, 0);
	pkt_default(&s);
	s.gopt_words = 1;	/* cuts OVN's option in half */
	bounce_case("bounce Geneve opt_len cutting the option: not OVN",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_NOT_OVN, 0);
	pkt_default(&s);
	s.ovn = OVN_NONE;
	bounce_case("bounce Geneve without OVN option: passed", &s, NULL,
		    XDP_PASS, OVNMIG_STAT_BOUNCE_NOT_OVN, 0);
	pkt_default(&s);
	s.gproto = 0x0800;
	bounce_case("bounce Geneve carrying IPv4, not Ethernet: not OVN",
		    &s, NULL, XDP_PASS, OVNMIG_STAT_BOUNCE_NOT_OVN, 0);
	pkt_default(&s);
	s.dport = 4789;
	bounce_case("bounce non-Geneve UDP: passed", &s, NULL, XDP_PASS,
		    OVNMIG_STAT_BOUNCE_NOT_GENEVE, 0);
	pkt_default(&s);
	s.l4 = IPPROTO_TCP;
	bounce_case("bounce TCP: passed", &s, NULL, XDP_PASS,
		    OVNMIG_STAT_BOUNCE_NOT_GENEVE, 0);
	s.v6 = 1;
	bounce_case("bounce v6 TCP: passed", &s, NULL, XDP_PASS,
		    OVNMIG_STAT_BOUNCE_NOT_GENEVE, 0);

	/* Not IP at all: an ARP-typed frame. */
	pkt_default(&s);
	len = pkt_build(&s, buf);
	{
		uint8_t out[2048];
		uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
		uint32_t ol, r;
		char why[256] = "";
		int ok;

		buf[12] = 0x08;
		buf[13] = 0x06;
		ok = !read_stats(a) && !run_xdp(buf, len, out, &ol, &r) &&
		     !read_stats(b) && r == XDP_PASS && ol == len &&
		     !memcmp(out, buf, len) &&
		     stats_moved(a, b, OVNMIG_STAT_BOUNCE_NOT_GENEVE, why,
				 sizeof(why));
		tap_result(ok, "bounce ARP frame: passed", "%s",
			   why[0] ? why : "wrong verdict or bytes");
	}

	/*
	 * Found by bpf-mutate: a bad IPv4 header checksum (a router must not
	 * forward it) and a UDP length beyond the IP payload (but within
	 * the frame) are malformed; Ethernet padding after the IP packet is
	 * fine and goes along unchanged.
	 */
	{
		static const struct { const char *name; int what; } odd[] = {
			{ "bounce v4 bad IP header checksum: passed, malformed", 0 },
			{ "bounce v4 UDP length beyond the IP payload: malformed", 1 },
			{ "bounce v6 UDP length beyond the IP payload: malformed", 2 },
			{ "bounce v4 with Ethernet padding: forwarded, padding kept", 3 },
		};
		size_t t;

		for (t = 0; t < sizeof(odd) / sizeof(odd[0]); t++) {
			uint8_t out[2048], exp[2048];
			uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
			uint32_t ol, r, want_r = XDP_PASS;
			int want = OVNMIG_STAT_BOUNCE_MALFORMED;
			size_t elen;
			char why[256] = "";
			int ok;

			pkt_default(&s);
			s.v6 = odd[t].what == 2;
			s.egress = s.v6 ? 8 : 7;
			len = pkt_build(&s, buf);
			memcpy(exp, buf, elen = len);
			switch (odd[t].what) {
			case 0:
				buf[14 + 8]--;		/* TTL, checksum kept */
				memcpy(exp, buf, len);
				break;
			case 1:				/* tot_len - 4, csum fixed */
				put16(buf + 14 + 2, (buf[16] << 8 | buf[17]) - 4);
				put16(buf + 14 + 10, 0);
				put16(buf + 14 + 10,
				      csum_finish(csum_add(0, buf + 14, 20)));
				memcpy(exp, buf, len);
				break;
			case 2:				/* payload_len - 4 */
				put16(buf + 14 + 4, (buf[18] << 8 | buf[19]) - 4);
				memcpy(exp, buf, len);
				break;
			case 3:
				f = forwarded(&s, HOSTB_V4, mac_hostb,
					      mac_veth0);
				elen = pkt_build(&f, exp);
				memset(buf + len, 0, 8);
				memset(exp + elen, 0, 8);
				len += 8;
				elen += 8;
				want = OVNMIG_STAT_BOUNCE_FORWARDED;
				want_r = XDP_TX;
				break;
			}
			ok = !read_stats(a) && !run_xdp(buf, len, out, &ol, &r) &&
			     !read_stats(b) && r == want_r && ol == elen &&
			     !memcmp(out, exp, elen) &&
			     stats_moved(a, b, want, why, sizeof(why));
			tap_result(ok, odd[t].name, "%s",
				   why[0] ? why : "wrong verdict or bytes");
		}
	}

	bounce_nexthop_cases(later);

	/* Every truncation: always passed untouched, counted malformed. */
	{
		static const struct { const char *what; int v6, vlan, ipopts; }
		tr[] = { { "v4", 0, 0, 0 }, { "v4+options+vlan", 0, 1, 8 },
			 { "v6", 1, 0, 0 } };
		size_t t;

		for (t = 0; t < sizeof(tr) / sizeof(tr[0]); t++) {
			int bad = 0;
			size_t first_bad = 0;

			pkt_default(&s);
			s.v6 = tr[t].v6;
			s.vlan = tr[t].vlan;
			s.ipopts = tr[t].ipopts;
			s.egress = s.v6 ? 8 : 7;
			len = pkt_build(&s, buf);
			/* test_run wants at least an Ethernet header. */
			for (i = ETH_HLEN; i < len; i++) {
				uint8_t out[2048];
				uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
				uint32_t ol, r;
				char why[256];

				if (read_stats(a) ||
				    run_xdp(buf, i, out, &ol, &r) ||
				    read_stats(b) || r != XDP_PASS || ol != i ||
				    memcmp(out, buf, i) ||
				    !stats_moved(a, b,
						 OVNMIG_STAT_BOUNCE_MALFORMED,
						 why, sizeof(why))) {
					if (!bad++)
						first_bad = i;
				}
			}
			snprintf(name, sizeof(name),
				 "bounce %s truncated at every offset %d..%zu: passed, malformed",
				 tr[t].what, ETH_HLEN, len - 1);
			tap_result(!bad, name, "%d offsets wrong, first %zu",
				   bad, first_bad);
		}
	}
}

/* ---- steer (simulated metadata) ---- */

static int sim_fd, steer_map_fd, scfg_fd, vnis_fd;

static void steer_cfg(int active)
{
	struct ovnmig_config c = { .steer_active = active,
				   .lease_ns = lease_until };
	uint32_t zero = 0;

	bpf_map_update_elem(scfg_fd, &zero, &c, BPF_ANY);
}

static void steer_put(uint32_t vni, uint16_t port, int is6, const char *old,
		      const char *new, uint32_t flags, uint64_t expires)
{
	struct ovnmig_port_key k = { .dp_key = vni, .port_key = port };
	struct ovnmig_steer v = { .expires_ns = expires, .generation = 1,
				  .flags = flags };

	if (is6) {
		v.flags |= OVNMIG_F_IPV6;
		v6(old, v.old_remote.v6);
		v6(new, v.new_remote.v6);
	} else {
		v.old_remote.v4 = v4(old);
		v.new_remote.v4 = v4(new);
	}
	if (bpf_map_update_elem(steer_map_fd, &k, &v, BPF_ANY))
		fprintf(stderr, PROG ": steer update: %s\n", strerror(errno));
}

static void steer_case(const char *name, struct sim_pkt *in, size_t len,
		       const struct sim_pkt *want, uint32_t want_ret,
		       int want_stat)
{
	struct sim_pkt out;
	uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len,
		    .data_out = &out, .data_size_out = sizeof(out),
		    .repeat = 1);
	char why[256];

	if (!want)
		want = in;
	if (read_stats(a) || bpf_prog_test_run_opts(sim_fd, &o) ||
	    read_stats(b)) {
		tap_result(0, name, "test run failed: %s", strerror(errno));
		return;
	}
	if (o.retval != want_ret) {
		tap_result(0, name, "verdict %u, expected %u", o.retval,
			   want_ret);
		return;
	}
	if (o.data_size_out != len || memcmp(&out, want, len)) {
		hexdiff((uint8_t *)&out, (const uint8_t *)want, len, why,
			sizeof(why));
		tap_result(0, name, "%s", why);
		return;
	}
	if (!stats_moved(a, b, want_stat, why, sizeof(why))) {
		tap_result(0, name, "%s", why);
		return;
	}
	tap_result(1, name, "%s", "");
}

static void steer_corpus(void)
{
	uint64_t later = mono_ns() + 3600ull * 1000000000ull;
	struct sim_pkt p, w;
	size_t len;

	steer_put(0x123456, 7, 0, "198.18.0.1", "198.18.0.2", 0, later);
	steer_put(0x123456, 8, 1, "2001:db8:ff::1", "2001:db8:ff::2", 0,
		  later);
	steer_put(0x123456, 9, 0, "198.18.0.1", "198.18.0.2", OVNMIG_F_DROP,
		  later);
	steer_put(0x123456, 11, 0, "198.18.0.1", "198.18.0.2", 0,
		  mono_ns() - 1000000000ull);
	steer_put(0x123456, 12, 1, "2001:db8:ff::1", "2001:db8:ff::2", 0,
		  later);
	steer_put(0x123456, 14, 0, "198.18.0.1", "198.18.0.2",
		  OVNMIG_F_MANUAL, later);

	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 7);
	steer_cfg(0);
	steer_case("steer idle: steer_active=0 passes untouched", &p, len,
		   NULL, TC_ACT_OK, OVNMIG_STAT_STEER_IDLE);
	steer_cfg(1);

	/* The rewrite: dst -> remote (new), src (0) -> local, rest kept. */
	w = p;
	w.h.out = p.h.key;
	w.h.out.remote_ipv4 = ntohl(v4("198.18.0.2"));
	w.h.out.local_ipv4 = 0;
	w.h.out.tunnel_flags = 0;
	w.h.set_flags = BPF_F_DONT_FRAGMENT;
	steer_case("steer v4 hit: new remote, VNI/TOS/TTL/DF/csum kept", &p,
		   len, &w, TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);

	/*
	 * The agent's lease (abi.h): run out or never renewed, the agent's
	 * entries pass untouched, counted apart from an entry's own expiry;
	 * a hand-written entry does not depend on it; renewed, they apply.
	 */
	lease_until = mono_ns() - 1000000000ull;	/* coarse clock lags */
	steer_cfg(1);
	steer_case("steer lease run out: passed untouched, lease_expired", &p,
		   len, NULL, TC_ACT_OK, OVNMIG_STAT_STEER_LEASE_EXPIRED);
	{
		struct sim_pkt q, wq;
		size_t qlen;

		qlen = sim_build(&q, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 9);
		steer_case("steer lease run out, multichassis: not dropped",
			   &q, qlen, NULL, TC_ACT_OK,
			   OVNMIG_STAT_STEER_LEASE_EXPIRED);
		qlen = sim_build(&q, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 11);
		steer_case("steer lease run out, entry expired too: expired",
			   &q, qlen, NULL, TC_ACT_OK,
			   OVNMIG_STAT_STEER_EXPIRED);
		qlen = sim_build(&q, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 14);
		wq = q;
		wq.h.out = q.h.key;
		wq.h.out.remote_ipv4 = ntohl(v4("198.18.0.2"));
		wq.h.out.local_ipv4 = 0;
		wq.h.out.tunnel_flags = 0;
		wq.h.set_flags = BPF_F_DONT_FRAGMENT;
		steer_case("steer lease run out, entry by hand: steered",
			   &q, qlen, &wq, TC_ACT_OK,
			   OVNMIG_STAT_STEER_STEERED);
	}
	lease_until = 0;
	steer_cfg(1);
	steer_case("steer lease never renewed (0): passed, lease_expired", &p,
		   len, NULL, TC_ACT_OK, OVNMIG_STAT_STEER_LEASE_EXPIRED);
	lease_until = mono_ns() + 3600ull * 1000000000ull;
	steer_cfg(1);
	steer_case("steer lease renewed: steered again", &p, len, &w,
		   TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);

	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_LAST, 7);
	w = p;
	w.h.out = p.h.key;
	w.h.out.remote_ipv4 = ntohl(v4("198.18.0.2"));
	w.h.out.local_ipv4 = 0;
	w.h.out.tunnel_flags = 0;
	w.h.set_flags = BPF_F_DONT_FRAGMENT;
	steer_case("steer OVN option last of three: steered", &p, len, &w,
		   TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);
	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_MIDDLE, 7);
	w = p;
	w.h.out = p.h.key;
	w.h.out.remote_ipv4 = ntohl(v4("198.18.0.2"));
	w.h.out.local_ipv4 = 0;
	w.h.out.tunnel_flags = 0;
	w.h.set_flags = BPF_F_DONT_FRAGMENT;
	steer_case("steer OVN option among others: steered", &p, len, &w,
		   TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);

	len = sim_build(&p, 0, "198.18.0.1", TF_OVS & ~0x0101, OVN_ONLY, 7);
	w = p;
	w.h.out = p.h.key;
	w.h.out.remote_ipv4 = ntohl(v4("198.18.0.2"));
	w.h.out.local_ipv4 = 0;
	w.h.out.tunnel_flags = 0;
	w.h.set_flags = BPF_F_ZERO_CSUM_TX;
	steer_case("steer without csum and DF: both stay off", &p, len, &w,
		   TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);

	len = sim_build(&p, 1, "2001:db8:ff::1", TF_OVS, OVN_ONLY, 8);
	w = p;
	w.h.out = p.h.key;
	v6("2001:db8:ff::2", w.h.out.remote_ipv6);
	memset(w.h.out.local_ipv6, 0, 16);
	w.h.out.tunnel_flags = 0;
	w.h.set_flags = BPF_F_TUNINFO_IPV6 | BPF_F_DONT_FRAGMENT;
	steer_case("steer v6 hit: new remote, label kept", &p, len, &w,
		   TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);

	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 9);
	steer_case("steer multichassis entry: copy to old remote dropped",
		   &p, len, NULL, TC_ACT_SHOT, OVNMIG_STAT_STEER_DROPPED_DUP);
	len = sim_build(&p, 0, "198.18.0.3", TF_OVS, OVN_ONLY, 9);
	steer_case("steer multichassis entry, other remote: passed", &p, len,
		   NULL, TC_ACT_OK, OVNMIG_STAT_STEER_OTHER_REMOTE);
	len = sim_build(&p, 0, "198.18.0.3", TF_OVS, OVN_ONLY, 7);
	steer_case("steer wrong old remote: passed", &p, len, NULL, TC_ACT_OK,
		   OVNMIG_STAT_STEER_OTHER_REMOTE);
	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 12);
	steer_case("steer v4 packet, v6 entry: passed", &p, len, NULL,
		   TC_ACT_OK, OVNMIG_STAT_STEER_OTHER_REMOTE);
	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 11);
	steer_case("steer expired entry: passed", &p, len, NULL, TC_ACT_OK,
		   OVNMIG_STAT_STEER_EXPIRED);
	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 13);
	steer_case("steer no entry: passed (miss)", &p, len, NULL, TC_ACT_OK,
		   OVNMIG_STAT_STEER_MISS);
	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 0x8000);
	steer_case("steer multicast egress: passed", &p, len, NULL, TC_ACT_OK,
		   OVNMIG_STAT_STEER_MCAST);
	len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_NONE, 7);
	steer_case("steer without OVN option: passed", &p, len, NULL,
		   TC_ACT_OK, OVNMIG_STAT_STEER_NOT_OVN);
	len = sim_build(&p, 0, "198.18.0.1", TF_OVS | 0x0200, OVN_ONLY, 7);
	steer_case("steer OAM packet: passed (cannot keep OAM)", &p, len,
		   NULL, TC_ACT_OK, OVNMIG_STAT_STEER_UNSUPPORTED);

	/*
	 * The per-VNI prefilter (abi.h), consulted only with the config
	 * flag: a clear bit is a miss before the options are read; a set
	 * bit, or the flag off, changes nothing.
	 */
	{
		struct ovnmig_config c = { .steer_active = 1,
					   .flags = OVNMIG_CFG_STEER_VNI_FILTER,
					   .lease_ns = lease_until };
		uint32_t zero = 0, idx = 0x123456 / 64;
		uint64_t bit = 1ull << (0x123456 % 64), none = 0;

		bpf_map_update_elem(scfg_fd, &zero, &c, BPF_ANY);
		len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 7);
		steer_case("steer VNI filter on, VNI's bit clear: miss, untouched",
			   &p, len, NULL, TC_ACT_OK, OVNMIG_STAT_STEER_MISS);
		len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_NONE, 7);
		steer_case("steer VNI filter on, bit clear, no OVN option: miss",
			   &p, len, NULL, TC_ACT_OK, OVNMIG_STAT_STEER_MISS);
		bpf_map_update_elem(vnis_fd, &idx, &bit, BPF_ANY);
		len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_LAST, 7);
		w = p;
		w.h.out = p.h.key;
		w.h.out.remote_ipv4 = ntohl(v4("198.18.0.2"));
		w.h.out.local_ipv4 = 0;
		w.h.out.tunnel_flags = 0;
		w.h.set_flags = BPF_F_DONT_FRAGMENT;
		steer_case("steer VNI filter on, VNI's bit set: steered", &p, len,
			   &w, TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);
		p.h.key.tunnel_id = 0x123457;	/* next bit of the same word */
		steer_case("steer VNI filter on, neighbour VNI's bit clear: miss",
			   &p, len, NULL, TC_ACT_OK, OVNMIG_STAT_STEER_MISS);
		bpf_map_update_elem(vnis_fd, &idx, &none, BPF_ANY);
		c.flags = 0;
		bpf_map_update_elem(scfg_fd, &zero, &c, BPF_ANY);
		len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 7);
		w = p;
		w.h.out = p.h.key;
		w.h.out.remote_ipv4 = ntohl(v4("198.18.0.2"));
		w.h.out.local_ipv4 = 0;
		w.h.out.tunnel_flags = 0;
		w.h.set_flags = BPF_F_DONT_FRAGMENT;
		steer_case("steer VNI filter off: bits ignored, steered", &p, len,
			   &w, TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);
	}

	/*
	 * The per-(VNI, port) prefilter (abi.h, bit ovnmig_steer_port_bit()
	 * in the map's second part), consulted only with its flag: a clear
	 * bit is a miss before the steer map is searched, even with the
	 * entry (0x123456, 7) there; its bit set steers; a bit set for a
	 * port without an entry is still a miss (the lookup decides).
	 */
	{
		struct ovnmig_config c = { .steer_active = 1,
					   .flags = OVNMIG_CFG_STEER_VNI_FILTER |
						    OVNMIG_CFG_STEER_PORT_FILTER,
					   .lease_ns = lease_until };
		uint32_t zero = 0, vidx = 0x123456 / 64, b7, b100, i7, i100;
		uint64_t vbit = 1ull << (0x123456 % 64), none = 0, bit;

		b7 = ovnmig_steer_port_bit(0x123456, 7);
		b100 = ovnmig_steer_port_bit(0x123456, 100);
		i7 = OVNMIG_STEER_VNI_WORDS + b7 / 64;
		i100 = OVNMIG_STEER_VNI_WORDS + b100 / 64;
		bpf_map_update_elem(scfg_fd, &zero, &c, BPF_ANY);
		bpf_map_update_elem(vnis_fd, &vidx, &vbit, BPF_ANY);
		len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 7);
		steer_case("steer port filter on, port's bit clear: miss, untouched",
			   &p, len, NULL, TC_ACT_OK, OVNMIG_STAT_STEER_MISS);
		bit = 1ull << (b7 % 64);
		bpf_map_update_elem(vnis_fd, &i7, &bit, BPF_ANY);
		w = p;
		w.h.out = p.h.key;
		w.h.out.remote_ipv4 = ntohl(v4("198.18.0.2"));
		w.h.out.local_ipv4 = 0;
		w.h.out.tunnel_flags = 0;
		w.h.set_flags = BPF_F_DONT_FRAGMENT;
		steer_case("steer port filter on, port's bit set: steered", &p,
			   len, &w, TC_ACT_OK, OVNMIG_STAT_STEER_STEERED);
		bpf_map_update_elem(vnis_fd, &i7, &none, BPF_ANY);
		bit = 1ull << (b100 % 64);
		bpf_map_update_elem(vnis_fd, &i100, &bit, BPF_ANY);
		len = sim_build(&p, 0, "198.18.0.1", TF_OVS, OVN_ONLY, 100);
		steer_case("steer port filter on, bit set, no entry: miss", &p,
			   len, NULL, TC_ACT_OK, OVNMIG_STAT_STEER_MISS);
		bpf_map_update_elem(vnis_fd, &i100, &none, BPF_ANY);
		bpf_map_update_elem(vnis_fd, &vidx, &none, BPF_ANY);
		c.flags = 0;
		bpf_map_update_elem(scfg_fd, &zero, &c, BPF_ANY);
	}
}

/*
 * The real steer reads the tunnel key of either family whichever it
 * asks first (the host's underlay family, from the config): an IPv4 and
 * an IPv6 tunnel under an IPv4 and an IPv6-only underlay, each a miss
 * (no entries), never "not OVN".  The tunnel info is set as OVS would by
 * fresh.bpf.c's tun_call, which then tail-calls steer.
 */
static void steer_real_family(struct steer *sk)
{
	struct { struct bpf_tunnel_key key; uint8_t opt[8]; uint64_t flags; } t = {
		.key = { .tunnel_id = 0x123456, .tunnel_ttl = 64 },
		.opt = { 0x01, 0x02, 0x80, 0x01, 0, 1, 0, 8 },
	};
	struct bpf_object *fo;
	uint32_t zero = 0;
	int under6, tun6, tun_fd = -1, prog = bpf_program__fd(sk->progs.steer);

	fo = bpf_object__open_file(BUILD_DIR "/selftests/bpf/fresh.bpf.o", NULL);
	if (fo && !bpf_object__load(fo)) {
		struct bpf_program *p = bpf_object__find_program_by_name(fo, "tun_call");

		tun_fd = p ? bpf_program__fd(p) : -1;
	}
	if (tun_fd < 0 ||
	    bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(fo, "tun_progs")),
				&zero, &prog, BPF_ANY)) {
		tap_skip_one("steer (real) tunnel families",
			     "fresh.bpf.o does not load (tun_call)");
		bpf_object__close(fo);
		return;
	}
	for (under6 = 0; under6 < 2; under6++) {
		struct ovnmig_config c = { .steer_active = 1 };

		if (under6)
			v6("2001:db8:ff::1", c.local_v6);
		else
			c.local_v4 = v4(LOCAL_V4);
		bpf_map_update_elem(bpf_map__fd(sk->maps.ovnmig_config), &zero,
				    &c, BPF_ANY);
		for (tun6 = 0; tun6 < 2; tun6++) {
			uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
			uint8_t in[64] = { [12] = 0x08 };
			char name[128], why[256] = "";
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in,
				    .data_size_in = sizeof(in), .repeat = 1);
			int ok;

			t.flags = tun6 ? BPF_F_TUNINFO_IPV6 : 0;
			memset(t.key.remote_ipv6, 0, sizeof(t.key.remote_ipv6));
			if (tun6)
				v6("2001:db8:ff::1", t.key.remote_ipv6);
			else
				t.key.remote_ipv4 = 0xc6120001;
			bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(fo, "tun_in")),
					    &zero, &t, BPF_ANY);
			ok = !read_stats(a) &&
			     !bpf_prog_test_run_opts(tun_fd, &o) &&
			     !read_stats(b) && o.retval == TC_ACT_OK &&
			     stats_moved(a, b, OVNMIG_STAT_STEER_MISS, why,
					 sizeof(why));
			snprintf(name, sizeof(name),
				 "steer (real) IPv%d tunnel, IPv%d%s underlay: key read (miss), not 'not OVN'",
				 tun6 ? 6 : 4, under6 ? 6 : 4,
				 under6 ? "-only" : "");
			tap_result(ok, name, "%s",
				   why[0] ? why : "wrong verdict");
		}
	}
	bpf_object__close(fo);
}

/* The real steer on an skb without tunnel metadata: passes, not OVN. */
static void steer_real(struct steer *sk)
{
	struct ovnmig_config c = { .steer_active = 1 };
	uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
	uint8_t in[64] = { 0 }, out[128];
	uint32_t zero = 0;
	char why[256] = "";
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = 64,
		    .data_out = out, .data_size_out = sizeof(out),
		    .repeat = 1);
	int ok, sfd = stats_fd;

	stats_fd = bpf_map__fd(sk->maps.ovnmig_stats);
	bpf_map_update_elem(bpf_map__fd(sk->maps.ovnmig_config), &zero, &c,
			    BPF_ANY);
	in[12] = 0x08;
	ok = !read_stats(a) &&
	     !bpf_prog_test_run_opts(bpf_program__fd(sk->progs.steer), &o) &&
	     !read_stats(b) && o.retval == TC_ACT_OK && o.data_size_out == 64 &&
	     !memcmp(in, out, 64) &&
	     stats_moved(a, b, OVNMIG_STAT_STEER_NOT_OVN, why, sizeof(why));
	tap_result(ok, "steer (real) skb without tunnel info: passed, not OVN",
		   "%s", why[0] ? why : "wrong verdict or bytes");
	steer_real_family(sk);
	stats_fd = sfd;
}

/* Tests open objects without pinning: each gets private maps. */
static void no_pin(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
}

int main(void)
{
	struct bounce *bs = NULL;
	struct steer_sim *ss = NULL;
	struct steer *st = NULL;
	struct utsname u;
	char vname[128];
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ncpus = libbpf_num_possible_cpus();
	lease_until = mono_ns() + 3600ull * 1000000000ull;
	uname(&u);
	ifindex0 = setup_net();
	if (ifindex0 < 0) {
		printf("ok 1 corpus # SKIP cannot set up a network namespace\n");
		return 4;
	}

	bs = bounce__open();
	if (bs)
		no_pin(bs->obj);
	err = !bs || bounce__load(bs);
	snprintf(vname, sizeof(vname), "bounce.bpf.o passes the verifier (kernel %s)", u.release);
	tap_result(!err, vname,
		   "load failed: %s", strerror(errno));
	st = steer__open();
	if (st)
		no_pin(st->obj);
	err = !st || steer__load(st);
	snprintf(vname, sizeof(vname), "steer.bpf.o passes the verifier (kernel %s)", u.release);
	tap_result(!err, vname,
		   "load failed: %s", strerror(errno));
	ss = steer_sim__open();
	if (ss)
		no_pin(ss->obj);
	err = !ss || steer_sim__load(ss);
	snprintf(vname, sizeof(vname), "steer_sim.bpf.o passes the verifier (kernel %s)", u.release);
	tap_result(!err, vname,
		   "load failed: %s", strerror(errno));

	if (bs && bs->progs.bounce && bpf_program__fd(bs->progs.bounce) >= 0) {
		bounce_fd = bpf_program__fd(bs->progs.bounce);
		fwd_fd = bpf_map__fd(bs->maps.ovnmig_fwd);
		bcfg_fd = bpf_map__fd(bs->maps.ovnmig_config);
		stats_fd = bpf_map__fd(bs->maps.ovnmig_stats);
		chassis_fd = bpf_map__fd(bs->maps.ovnmig_chassis);
		ifmac_fd = bpf_map__fd(bs->maps.ovnmig_ifmac);
		nexthop_fd = bpf_map__fd(bs->maps.ovnmig_nexthop);
		bounce_corpus();
	}
	if (st && bpf_program__fd(st->progs.steer) >= 0)
		steer_real(st);
	if (ss && bpf_program__fd(ss->progs.steer_sim) >= 0) {
		sim_fd = bpf_program__fd(ss->progs.steer_sim);
		steer_map_fd = bpf_map__fd(ss->maps.ovnmig_steer);
		scfg_fd = bpf_map__fd(ss->maps.ovnmig_config);
		vnis_fd = bpf_map__fd(ss->maps.ovnmig_steer_vnis);
		stats_fd = bpf_map__fd(ss->maps.ovnmig_stats);
		steer_corpus();
	}

	steer_sim__destroy(ss);
	steer__destroy(st);
	bounce__destroy(bs);
	return tap_finish();
}
