// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-datapath: per-packet cost of bounce and of the steering decision
 * (steer_sim), side by side with empty programs, by BPF_PROG_TEST_RUN.
 *
 *   bench-datapath JSONFILE [REPEAT]
 *
 * Cases run with repeat >= 1e6 in one call.  The bounce hit changes its
 * packet (a forwarded packet carries the loop mark) and test_run runs
 * every repeat on the same buffer, so the hit runs behind fresh_call
 * (fresh.bpf.c), which copies the original packet back and tail-calls
 * bounce; its baseline is fresh_call tail-calling the empty program.
 * For comparison the hit is also timed as REPEAT calls of one run each
 * (the method before: every syscall starts with cold caches) and in
 * live-frame mode (BPF_F_TEST_XDP_LIVE_FRAMES, see live()).  Every
 * figure is the best of ROUNDS rounds (least disturbed by the machine's
 * other load).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <sys/utsname.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bench.h"
#include "lib/clock.h"
#include "pkt.h"
#include "sim.h"
#include "bounce.skel.h"
#include "steer_sim.skel.h"
#include "steer.skel.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES	(1U << 1)
#endif

#define PROG	"bench-datapath"
#define ROUNDS	5
#define MAXN	(1u << 20)

static int ifindex0, ifindex1;
static unsigned long long repeat = 1000000;

static int setup_net(void)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add veth0 address 02:00:00:00:01:01 type veth peer name veth1",
		"ip link set veth0 up", "ip link set veth1 up",
		"sysctl -qw net.ipv4.conf.all.forwarding=1",
		"ip addr add 198.18.0.1/24 dev veth0",
		"ip neigh replace 198.18.0.2 lladdr 02:00:00:00:00:02 dev veth0 nud permanent",
		"ip neigh replace 198.18.0.3 lladdr 02:00:00:00:00:03 dev veth0 nud permanent",
	};
	size_t i;

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, PROG ": unshare: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (system(cmds[i])) {
			fprintf(stderr, PROG ": %s: failed\n", cmds[i]);
			return -1;
		}
	ifindex0 = if_nametoindex("veth0");
	ifindex1 = if_nametoindex("veth1");
	return ifindex0 && ifindex1 ? 0 : -1;
}

/* ns per run: best of ROUNDS; calls x repeat runs each round. */
static double timed(int fd, const void *pkt, size_t len, int xdp,
		    unsigned long long calls, unsigned long long rep,
		    unsigned want_ret)
{
	static unsigned char out[4096];
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex0 };
	double best = 1e18;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		unsigned long long c, total = 0;

		for (c = 0; c < calls; c++) {
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
				    .data_size_in = len, .data_out = out,
				    .data_size_out = sizeof(out),
				    .repeat = rep);
			if (xdp) {
				o.ctx_in = &ctx;
				o.ctx_size_in = sizeof(ctx);
			}
			if (bpf_prog_test_run_opts(fd, &o)) {
				fprintf(stderr, PROG ": test run: %s\n",
					strerror(errno));
				exit(1);
			}
			if (o.retval != want_ret) {
				fprintf(stderr, PROG ": verdict %u, expected %u: the case does not take the path it names\n",
					o.retval, want_ret);
				exit(1);
			}
			total += (unsigned long long)o.duration * rep;
		}
		if ((double)total / (calls * rep) < best)
			best = (double)total / (calls * rep);
	}
	return best;
}

/*
 * ns per run in live-frame mode (net/bpf/test_run.c, kernel >= 5.18):
 * every repeat runs on a frame from the run's page pool, and XDP_TX and
 * redirect really transmit (XDP_TX as a redirect to ingress_ifindex:
 * veth0, whose peer veth1 in this private netns drops them with
 * fresh_drop).  The kernel copies the packet into a page only when the
 * pool allocates it; a page that comes back from the peer is reused as
 * the program left it (only the frame's pointers are reset), so a
 * program that changes the packet sees its own output again.  No
 * data_out, ctx_out or retval in this mode.
 */
static double timed_live(int fd, const void *pkt, size_t len,
			 unsigned long long rep)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex0 };
	double best = 1e18;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
			    .data_size_in = len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = rep,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

		if (bpf_prog_test_run_opts(fd, &o)) {
			fprintf(stderr, PROG ": live test run: %s\n",
				strerror(errno));
			return -1;
		}
		if (o.duration < best)
			best = o.duration;
	}
	return best;
}

/* One counter of ovnmig_stats (abi.h), summed over the CPUs. */
static unsigned long long stat_packets(int fd, __u32 stat)
{
	int i, n = libbpf_num_possible_cpus();
	struct ovnmig_counter c[n > 0 ? n : 1];
	unsigned long long sum = 0;

	if (n <= 0 || bpf_map_lookup_elem(fd, &stat, c))
		return 0;
	for (i = 0; i < n; i++)
		sum += c[i].packets;
	return sum;
}

struct result {
	char name[64];
	const char *base;
	unsigned entries;
	double ns, base_ns;
	double floor_ns;	/* its helpers alone; < 0: not known */
	const char *helpers;
};

/* Helpers alone (helpers.bpf.c), ns over the empty program. */
enum {
	H_ARRAY, H_COUNT, H_HASH_HIT, H_HASH_MISS, H_KTIME, H_FIB,
	H_LOAD_KEY, H_LOAD_OPT, H_STORE, H_SET_KEY, H_GET_KEY, H_SET_OPT,
	H_GET_OPT, H_MAX
};
static const char *const h_names[H_MAX] = {
	"array lookup", "counter (per-CPU lookup + add)", "hash lookup, hit",
	"hash lookup, miss", "ktime_get_ns", "fib_lookup (hit)",
	"skb_load_bytes (56: sim key)", "skb_load_bytes (8: option)",
	"skb_store_bytes (40: sim out)", "skb_set_tunnel_key",
	"skb_get_tunnel_key", "skb_set_tunnel_opt (8)",
	"skb_get_tunnel_opt (8)",
};
static double h_ns[H_MAX];
static int have_helpers;

/*
 * The helpers each case calls, from the programs' code (bounce.bpf.c,
 * steer.h, steer_sim.bpf.c): a letter per call (a: array, c: counter,
 * h: hash hit, m: hash miss, t: ktime_get_ns, f: FIB, k: load key,
 * o: load option, s: store; the real steer's K: get_tunnel_key,
 * O: get_tunnel_opt).
 */
static const struct { const char *name, *calls; } case_calls[] = {
	{ "bounce idle", "ac" },
	{ "steer idle", "ac" },
	{ "bounce miss", "amc" },
	{ "bounce marked (loop refused)", "ahtc" },
	{ "bounce hit, no route (fib fail)", "ahahtfc" },
	{ "bounce hit, no route, 1 run/call", "ahahtfc" },
	{ "bounce hit (cached next hop)", "ahahatc" },
	{ "bounce hit, 1 run/call", "ahahatc" },
	{ "bounce hit, live frames", "ahahatc" },
	{ "bounce hit, FIB fallback", "ahahtfc" },
	{ "steer (real) idle", "ac" },
	{ "steer (real) miss", "aKaOac" },
	{ "steer (real) miss, other datapath", "aKac" },
	{ "steer (real) miss, IPv6 underlay", "aKaOac" },
	{ "steer miss", "akaoac" },
	{ "steer miss, other datapath", "akac" },
	{ "steer hit", "akaoahtsc" },
	{ "steer hit, 3 options", "akaooahtsc" },
};

static double floor_of(const char *name, const char **calls)
{
	static const char letters[] = "achmtfkosKO";
	static const int ids[] = { H_ARRAY, H_COUNT, H_HASH_HIT, H_HASH_MISS,
				   H_KTIME, H_FIB, H_LOAD_KEY, H_LOAD_OPT,
				   H_STORE, H_GET_KEY, H_GET_OPT };
	size_t i;
	const char *c;
	double sum = 0;

	*calls = NULL;
	if (!have_helpers)
		return -1;
	for (i = 0; i < sizeof(case_calls) / sizeof(case_calls[0]); i++) {
		if (strcmp(case_calls[i].name, name))
			continue;
		*calls = case_calls[i].calls;
		for (c = case_calls[i].calls; *c; c++)
			sum += h_ns[ids[strchr(letters, *c) - letters]];
		return sum;
	}
	return -1;
}

static struct result res[64];
static int nres;

static void add(const char *name, const char *base, unsigned entries,
		double ns, double base_ns)
{
	struct result *r = &res[nres++];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->base = base;
	r->entries = entries;
	r->ns = ns;
	r->base_ns = base_ns;
	r->floor_ns = floor_of(name, &r->helpers);
}

/* Set the (VNI, port) prefilter bits (abi.h) of keys[0..n). */
static void port_bits(int vfd, const struct ovnmig_port_key *keys, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		__u32 b = ovnmig_steer_port_bit(keys[i].dp_key,
						keys[i].port_key);
		__u32 idx = OVNMIG_STEER_VNI_WORDS + b / 64;
		__u64 w = 0;

		bpf_map_lookup_elem(vfd, &idx, &w);
		w |= 1ull << (b % 64);
		bpf_map_update_elem(vfd, &idx, &w, 0);
	}
}

/* Is the miss packet's bit set by another key (then it pays the lookup)? */
static int port_bit_set(int vfd, __u32 vni, __u32 port)
{
	__u32 b = ovnmig_steer_port_bit(vni, port);
	__u32 idx = OVNMIG_STEER_VNI_WORDS + b / 64;
	__u64 w = 0;

	bpf_map_lookup_elem(vfd, &idx, &w);
	return (w >> (b % 64)) & 1;
}

/* Fill map fd with keys [from, to) that never match a benchmark packet. */
static int fill(int fd, unsigned from, unsigned to, size_t vsize,
		const void *val, int vfd)
{
	static struct ovnmig_port_key keys[4096];
	/* Room for the larger of the two values (abi.h). */
	static unsigned char vals[4096 * (sizeof(struct ovnmig_steer) >
					  sizeof(struct ovnmig_fwd) ?
					  sizeof(struct ovnmig_steer) :
					  sizeof(struct ovnmig_fwd))];
	unsigned i, n;

	if (vsize > sizeof(vals) / 4096)
		return -1;
	for (i = 0; i < 4096; i++)
		memcpy(vals + i * vsize, val, vsize);
	while (from < to) {
		__u32 count;

		n = to - from > 4096 ? 4096 : to - from;
		for (i = 0; i < n; i++) {
			keys[i].dp_key = 0x10000 + (from + i) / 30000;
			keys[i].port_key = (from + i) % 30000;
			keys[i].pad = 0;
		}
		count = n;
		if (vfd >= 0)
			port_bits(vfd, keys, n);
		if (bpf_map_update_batch(fd, keys, vals, &count, NULL)) {
			fprintf(stderr, PROG ": fill: %s\n", strerror(errno));
			return -1;
		}
		from += n;
	}
	return 0;
}

static const struct result *find(const char *name, unsigned entries)
{
	int i;

	for (i = 0; i < nres; i++)
		if (!strcmp(res[i].name, name) && res[i].entries == entries)
			return &res[i];
	return NULL;
}

/* The goals, checked against this run; printed and in the JSON. */
static void goals(FILE *j)
{
	static const struct { const char *what, *name; unsigned n;
			      double max_delta; } g[] = {
		{ "idle <= 5 ns over empty", "bounce idle", 0, 5 },
		{ "idle <= 5 ns over empty", "steer idle", 0, 5 },
		{ "bounce miss <= 30", "bounce miss", 1000, 30 },
		{ "bounce hit, cached <= 60", "bounce hit (cached next hop)", 1000, 60 },
		{ "steer miss w/ entries <= 45", "steer miss", 1000, 45 },
		{ "steer miss <= 45", "steer miss, other datapath", 1000, 45 },
		{ "steer hit <= 100", "steer hit", 1000, 100 },
		{ "steer (real) miss w/ entries <= 45", "steer (real) miss", 1000, 45 },
	};
	static const char *const grow[] = { "bounce miss", "steer miss",
		"steer miss, other datapath", "bounce hit (cached next hop)",
		"bounce hit, FIB fallback", "steer hit", "steer (real) miss" };
	size_t i;
	int first = 1;

	printf("\n%-28s %-34s %9s %6s\n", "goal", "case", "value", "met");
	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		const struct result *r = find(g[i].name, g[i].n);
		double d;

		if (!r)
			continue;
		d = r->ns - r->base_ns;
		printf("%-28s %-34s %+8.1f %6s\n", g[i].what, g[i].name, d,
		       d <= g[i].max_delta ? "yes" : "NO");
		fprintf(j, "%s    {\"goal\": \"%s\", \"case\": \"%s\", \"delta_ns\": %.2f, \"met\": %s}",
			first ? "" : ",\n", g[i].what, g[i].name, d,
			d <= g[i].max_delta ? "true" : "false");
		first = 0;
	}
	for (i = 0; i < sizeof(grow) / sizeof(grow[0]); i++) {
		const struct result *a = find(grow[i], 1000);
		const struct result *b = find(grow[i], MAXN);
		double gr;

		if (!a || !b)
			continue;
		gr = (b->ns - a->ns) / a->ns * 100;
		printf("%-28s %-34s %+7.1f%% %6s\n", "growth 1k->1M <= 20 %",
		       grow[i], gr, gr <= 20 ? "yes" : "NO");
		fprintf(j, ",\n    {\"goal\": \"growth 1k->1M <= 20 %%\", \"case\": \"%s\", \"growth_pct\": %.2f, \"met\": %s}",
			grow[i], gr, gr <= 20 ? "true" : "false");
	}
	fprintf(j, "\n");
}

static int prog_fd(struct bpf_object *o, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(o, name);

	return p ? bpf_program__fd(p) : -1;
}

/*
 * Each helper alone, over the empty program of its type; the tunnel
 * getters and set_tunnel_opt over set_tunnel_key alone (they need the
 * tunnel info it makes).  0, or -1 when the object does not load (the
 * table then has no floor column).
 */
static int time_helpers(struct bpf_object **op, const void *pkt, size_t len,
			const void *sim, size_t slen, double e_xdp,
			double e_tc)
{
	static const struct { const char *prog; int id, xdp; } x[] = {
		{ "x_array", H_ARRAY, 1 }, { "x_count", H_COUNT, 1 },
		{ "x_hash_hit", H_HASH_HIT, 1 },
		{ "x_hash_miss", H_HASH_MISS, 1 },
		{ "x_ktime", H_KTIME, 1 }, { "x_fib", H_FIB, 1 },
		{ "t_load_key", H_LOAD_KEY, 0 },
		{ "t_load_opt", H_LOAD_OPT, 0 }, { "t_store", H_STORE, 0 },
		{ "t_set_key", H_SET_KEY, 0 },
	};
	struct ovnmig_fwd fv = { .expires_ns = 1 };
	struct ovnmig_port_key hk = { .dp_key = 0x123456, .port_key = 7 };
	struct bpf_object *o;
	struct bpf_map *hm;
	double k_get, k_opt, k_opt_get;
	size_t i;

	o = bpf_object__open_file(BUILD_DIR "/selftests/bpf/helpers.bpf.o",
				  NULL);
	if (!o || bpf_object__load(o)) {
		fprintf(stderr, PROG ": helpers.bpf.o: %s (no floor column)\n",
			strerror(errno));
		bpf_object__close(o);
		return -1;
	}
	*op = o;
	/* 1k entries, one of them the hit's key. */
	hm = bpf_object__find_map_by_name(o, "h_hash");
	if (!hm || fill(bpf_map__fd(hm), 0, 999, sizeof(fv), &fv, -1) ||
	    bpf_map_update_elem(bpf_map__fd(hm), &hk, &fv, 0))
		return -1;
	for (i = 0; i < sizeof(x) / sizeof(x[0]); i++)
		h_ns[x[i].id] = x[i].xdp ?
			timed(prog_fd(o, x[i].prog), pkt, len, 1, 1, repeat,
			      XDP_PASS) - e_xdp :
			timed(prog_fd(o, x[i].prog), sim, slen, 0, 1, repeat,
			      TC_ACT_OK) - e_tc;
	k_get = timed(prog_fd(o, "t_set_key_get_key"), sim, slen, 0, 1,
		      repeat, TC_ACT_OK) - e_tc;
	k_opt = timed(prog_fd(o, "t_set_key_set_opt"), sim, slen, 0, 1,
		      repeat, TC_ACT_OK) - e_tc;
	k_opt_get = timed(prog_fd(o, "t_set_key_set_opt_get_opt"), sim, slen,
			  0, 1, repeat, TC_ACT_OK) - e_tc;
	h_ns[H_GET_KEY] = k_get - h_ns[H_SET_KEY];
	h_ns[H_SET_OPT] = k_opt - h_ns[H_SET_KEY];
	h_ns[H_GET_OPT] = k_opt_get - k_opt;
	return 0;
}

/* fresh.bpf.c: the original packet and the program fresh_call runs. */
static int fresh_fd, fresh_map_fd, fresh_progs_fd;

static double timed_fresh(int fd, const void *pkt, size_t len,
			  unsigned want_ret)
{
	struct { __u32 len, pad; __u8 data[256]; } f = { .len = len };
	__u32 zero = 0;

	if (len > sizeof(f.data)) {
		fprintf(stderr, PROG ": packet of %zu bytes: fresh.bpf.c restores 256\n",
			len);
		exit(1);
	}
	memcpy(f.data, pkt, len);
	if (bpf_map_update_elem(fresh_map_fd, &zero, &f, 0) ||
	    bpf_map_update_elem(fresh_progs_fd, &zero, &fd, 0)) {
		fprintf(stderr, PROG ": fresh: %s\n", strerror(errno));
		exit(1);
	}
	return timed(fresh_fd, pkt, len, 1, 1, repeat, want_ret);
}

/* fresh.bpf.c's tun_call: the real steer with OVS's tunnel info. */
static int tun_fd, tun_in_fd, tun_progs_fd;

static int tun_v6;	/* timed_tun's tunnel over IPv6 (2001:db8::1) */

static double timed_tun(int fd, __u32 vni, __u16 port, const void *pkt,
			size_t len)
{
	struct { struct bpf_tunnel_key key; __u8 opt[8]; __u64 flags; } t = {
		.key = { .tunnel_id = vni, .remote_ipv4 = 0xc6120001,
			 .tunnel_ttl = 64 },
		/* OVN's option (class 0x0102, type 0x80), egress @port. */
		.opt = { 0x01, 0x02, 0x80, 0x01, 0, 1, port >> 8, port & 0xff },
	};
	__u32 zero = 0;

	if (tun_v6) {
		t.flags = BPF_F_TUNINFO_IPV6;
		t.key.remote_ipv6[0] = htonl(0x20010db8);
		t.key.remote_ipv6[3] = htonl(1);
	}

	if (bpf_map_update_elem(tun_in_fd, &zero, &t, 0) ||
	    bpf_map_update_elem(tun_progs_fd, &zero, &fd, 0)) {
		fprintf(stderr, PROG ": tun: %s\n", strerror(errno));
		exit(1);
	}
	return timed(tun_fd, pkt, len, 0, 1, repeat, TC_ACT_OK);
}
/*
 * No real hit: set_tunnel_opt marks the info with every option flag
 * (TUNNEL_OPTIONS_PRESENT: VXLAN's, ERSPAN's too), which OVS's Geneve
 * never sets and steer refuses (steer_unsupported); the hit is
 * steer_sim's, beside the four tunnel helpers alone.
 */

/* Did the last case take its path?  (Real steer: TC_ACT_OK either way.) */
static void expect_count(int fd, __u32 stat, unsigned long long before)
{
	if (stat_packets(fd, stat) - before < repeat) {
		fprintf(stderr, PROG ": counter %u moved by %llu, expected >= %llu: the case does not take the path it names\n",
			stat, stat_packets(fd, stat) - before, repeat);
		exit(1);
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
	static const unsigned sizes[] = { 1000, 65536, MAXN };
	struct bpf_object *empty = NULL, *hobj = NULL, *fobj = NULL;
	struct bounce *bs = NULL;
	struct steer_sim *ss = NULL;
	struct steer *sr = NULL;
	struct bpf_map *mp;
	int r_fd, r_stats;
	double e_tun;
	unsigned long long c0;
	int xdp_fd, tc_fd, b_fd, s_fd, fwd_fd, st_fd;
	unsigned char pkt[2048], pkt_miss[2048], pkt_mark[2048], pkt_nofib[2048],
		      pkt_opts[2048];
	struct ovnmig_port_key nofib = { .dp_key = 0x123456, .port_key = 9 };
	struct ovnmig_port_key viafib = { .dp_key = 0x123456, .port_key = 10 };
	unsigned char pkt_viafib[2048];
	double load0 = load_avg(), load1;
	struct { struct ovnmig_steer_sim h; uint8_t o[256]; } sim, sim_miss,
		sim_vni, sim_opts;
	size_t slen_opts;
	/* The agent's lease fresh, as while it runs: hits take the full
	 * path, lease check included. */
	struct ovnmig_config cfg = { .lease_ns = mono_ns() + 36e11 };
	struct ovnmig_fwd fv = { .expires_ns = mono_ns() + 36e11 };
	struct ovnmig_steer sv = { .expires_ns = mono_ns() + 36e11 };
	struct ovnmig_port_key hit = { .dp_key = 0x123456, .port_key = 7 };
	double e_xdp, e_xdp1, e_tc, e_fresh, e_live = -1, ns;
	unsigned long long live_fwd = 0, live_marked = 0;
	int stats_fd, tx_fd = -1;
	size_t len, slen;
	unsigned i, filled = 0;
	struct pkt_spec s;
	struct utsname u;
	__u32 zero = 0;
	FILE *j;

	if (argc < 2) {
		fprintf(stderr, "usage: " PROG " JSONFILE [REPEAT]\n");
		return 2;
	}
	if (argc > 2)
		repeat = strtoull(argv[2], NULL, 0);
	if (setup_net())
		return 1;

	empty = bpf_object__open_file(BUILD_DIR "/selftests/bpf/empty.bpf.o",
				      NULL);
	fobj = bpf_object__open_file(BUILD_DIR "/selftests/bpf/fresh.bpf.o",
				     NULL);
	if (!fobj || bpf_object__load(fobj)) {
		fprintf(stderr, PROG ": fresh.bpf.o: %s\n", strerror(errno));
		return 1;
	}
	fresh_fd = prog_fd(fobj, "fresh_call");
	tx_fd = prog_fd(fobj, "fresh_tx");
	fresh_map_fd = bpf_map__fd(bpf_object__find_map_by_name(fobj, "fresh_pkt"));
	fresh_progs_fd = bpf_map__fd(bpf_object__find_map_by_name(fobj, "fresh_progs"));
	/* veth accepts XDP frames only while its peer runs XDP. */
	if (bpf_xdp_attach(ifindex1, prog_fd(fobj, "fresh_drop"), 0, NULL)) {
		fprintf(stderr, PROG ": xdp on veth1: %s (no live-frame figure)\n",
			strerror(errno));
		tx_fd = -1;
	}
	bs = bounce__open();
	ss = steer_sim__open();
	if (!empty || !bs || !ss) {
		fprintf(stderr, PROG ": open: %s\n", strerror(errno));
		return 1;
	}
	no_pin(bs->obj);
	no_pin(ss->obj);
	bpf_map__set_max_entries(bs->maps.ovnmig_fwd, MAXN + 16);
	bpf_map__set_max_entries(ss->maps.ovnmig_steer, MAXN + 16);
	if (bpf_object__load(empty) || bounce__load(bs) || steer_sim__load(ss)) {
		fprintf(stderr, PROG ": load: %s\n", strerror(errno));
		return 1;
	}
	/* The real steer on steer_sim's maps: filled once, for both. */
	sr = steer__open();
	if (!sr) {
		fprintf(stderr, PROG ": open steer: %s\n", strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(mp, sr->obj) {
		struct bpf_map *sm = bpf_object__find_map_by_name(ss->obj,
							bpf_map__name(mp));

		bpf_map__set_pin_path(mp, NULL);
		if (sm && bpf_map__reuse_fd(mp, bpf_map__fd(sm))) {
			fprintf(stderr, PROG ": steer map %s: %s\n",
				bpf_map__name(mp), strerror(errno));
			return 1;
		}
	}
	if (steer__load(sr)) {
		fprintf(stderr, PROG ": load steer: %s\n", strerror(errno));
		return 1;
	}
	r_fd = bpf_program__fd(sr->progs.steer);
	r_stats = bpf_map__fd(ss->maps.ovnmig_stats);
	tun_fd = prog_fd(fobj, "tun_call");
	tun_in_fd = bpf_map__fd(bpf_object__find_map_by_name(fobj, "tun_in"));
	tun_progs_fd = bpf_map__fd(bpf_object__find_map_by_name(fobj, "tun_progs"));
	xdp_fd = bpf_program__fd(bpf_object__find_program_by_name(empty, "empty_xdp"));
	tc_fd = bpf_program__fd(bpf_object__find_program_by_name(empty, "empty_tc"));
	b_fd = bpf_program__fd(bs->progs.bounce);
	s_fd = bpf_program__fd(ss->progs.steer_sim);
	fwd_fd = bpf_map__fd(bs->maps.ovnmig_fwd);
	stats_fd = bpf_map__fd(bs->maps.ovnmig_stats);
	st_fd = bpf_map__fd(ss->maps.ovnmig_steer);
	/* The sender (198.18.0.9) is a chassis, veth0's MAC is ours. */
	{
		struct ovnmig_chassis_key ck = { .addr.v4 = htonl(0xc6120009) };
		struct ovnmig_chassis cv = { .generation = 1 };
		struct ovnmig_ifmac im = { .ifindex = ifindex0,
					   .mac = { 2, 0, 0, 0, 1, 1 } };
		__u32 ifi = ifindex0 % OVNMIG_IFMAC_SLOTS;

		if (bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_chassis),
					&ck, &cv, 0) ||
		    bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_ifmac),
					&ifi, &im, 0)) {
			fprintf(stderr, PROG ": chassis/ifmac: %s\n",
				strerror(errno));
			return 1;
		}
	}

	/* Packets: OVN's Geneve over IPv4 for (0x123456, 7) and a miss. */
	pkt_default(&s);
	len = pkt_build(&s, pkt);
	s.egress = 8;
	pkt_build(&s, pkt_miss);
	s.egress = 7;
	s.gflags = OVNMIG_GENEVE_MARK;
	pkt_build(&s, pkt_mark);
	s.gflags = 0;
	s.egress = 9;
	pkt_build(&s, pkt_nofib);
	memset(&sim, 0, sizeof(sim));
	sim.h.key.tunnel_id = 0x123456;
	sim.h.key.tunnel_ttl = 64;
	sim.h.key.tunnel_flags = htons(0x0d05);	/* csum key df crit geneve */
	sim.h.key.local_ipv4 = 0xc6120001;	/* dst 198.18.0.1 */
	memcpy(sim.o, pkt + 14 + 20 + 8 + 8, 8);
	sim.h.opts_len = 8;
	slen = sizeof(sim.h) + 8;
	sim_miss = sim;
	sim_miss.o[7] = 8;
	/* A datapath without entries: its prefilter bit is clear. */
	sim_vni = sim_miss;
	sim_vni.h.key.tunnel_id = 0x123457;
	/* OVN's option after two others (24 bytes): two get_tunnel_opt. */
	sim_opts = sim;
	s.ovn = OVN_LAST;
	s.egress = 7;
	pkt_build(&s, pkt_opts);
	sim_opts.h.opts_len = 24;
	memcpy(sim_opts.o, pkt_opts + 14 + 20 + 8 + 8, 24);
	slen_opts = sizeof(sim.h) + 24;
	fv.new_host.v4 = htonl(0xc6120002);
	sv.old_remote.v4 = htonl(0xc6120001);
	sv.new_remote.v4 = htonl(0xc6120002);

	s.egress = 10;
	s.ovn = OVN_ONLY;
	pkt_build(&s, pkt_viafib);

	e_xdp = timed(xdp_fd, pkt, len, 1, 1, repeat, XDP_PASS);
	e_tc = timed(tc_fd, &sim, slen, 0, 1, repeat, TC_ACT_OK);
	e_xdp1 = timed(xdp_fd, pkt, len, 1, repeat, 1, XDP_PASS);
	e_fresh = timed_fresh(xdp_fd, pkt, len, XDP_PASS);
	e_tun = timed_tun(tc_fd, 0x123456, 7, pkt, len);
	have_helpers = !time_helpers(&hobj, pkt, len, &sim, slen, e_xdp, e_tc);
	add("empty xdp", "-", 0, e_xdp, e_xdp);
	add("empty xdp, fresh copy", "-", 0, e_fresh, e_fresh);
	add("empty tc, tunnel info", "-", 0, e_tun, e_tun);
	add("empty tc", "-", 0, e_tc, e_tc);
	add("empty xdp, 1 run/call", "-", 0, e_xdp1, e_xdp1);

	/* Idle: the steady state of a cloud, no migration anywhere. */
	cfg.local_v4 = htonl(0xc6120001);
	bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_config), &zero, &cfg, 0);
	bpf_map_update_elem(bpf_map__fd(ss->maps.ovnmig_config), &zero, &cfg, 0);
	add("bounce idle", "empty xdp", 0,
	    timed(b_fd, pkt, len, 1, 1, repeat, XDP_PASS), e_xdp);
	add("steer idle", "empty tc", 0,
	    timed(s_fd, &sim, slen, 0, 1, repeat, TC_ACT_OK), e_tc);
	c0 = stat_packets(r_stats, OVNMIG_STAT_STEER_IDLE);
	add("steer (real) idle", "empty tc, tunnel info", 0,
	    timed_tun(r_fd, 0x123456, 7, pkt, len), e_tun);
	expect_count(r_stats, OVNMIG_STAT_STEER_IDLE, c0);
	cfg.fwd_active = cfg.steer_active = 1;
	bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_config), &zero, &cfg, 0);
	/*
	 * steer with both prefilters kept exact, as abi.h asks of the
	 * agent: VNI bits for 0x123456 and for the datapaths fill() uses,
	 * (VNI, port) bits for the hit's key here and for fill()'s keys as
	 * they are inserted (port_bits()).
	 */
	cfg.flags = OVNMIG_CFG_STEER_VNI_FILTER | OVNMIG_CFG_STEER_PORT_FILTER;
	bpf_map_update_elem(bpf_map__fd(ss->maps.ovnmig_config), &zero, &cfg, 0);
	{
		int vfd = bpf_map__fd(ss->maps.ovnmig_steer_vnis);
		__u32 vni, idx;
		__u64 w;

		for (vni = 0x10000; vni <= 0x10000 + MAXN / 30000; vni++) {
			idx = vni / 64;
			bpf_map_lookup_elem(vfd, &idx, &w);
			w |= 1ull << (vni % 64);
			bpf_map_update_elem(vfd, &idx, &w, 0);
		}
		idx = 0x123456 / 64;
		w = 1ull << (0x123456 % 64);
		bpf_map_update_elem(vfd, &idx, &w, 0);
		port_bits(vfd, &hit, 1);
	}
	fv.nh_slot = 1;
	bpf_map_update_elem(fwd_fd, &hit, &fv, 0);
	fv.nh_slot = 0;
	/* The agent's next hop for 198.18.0.2 (abi.h ovnmig_nexthop). */
	{
		__u32 nk = 1;	/* 198.18.0.2's slot: fv.nh_slot */
		struct ovnmig_nexthop nv = {
			.host.addr.v4 = htonl(0xc6120002),
			.ifindex = ifindex0, .expires_ns = mono_ns() + 36e11,
			.dmac = { 2, 0, 0, 0, 0, 2 },
			.smac = { 2, 0, 0, 0, 1, 1 },
		};

		if (bpf_map_update_elem(bpf_map__fd(bs->maps.ovnmig_nexthop),
					&nk, &nv, 0)) {
			fprintf(stderr, PROG ": nexthop: %s\n",
				strerror(errno));
			return 1;
		}
	}
	/* 198.18.0.3: no cached next hop, the FIB answers. */
	fv.new_host.v4 = htonl(0xc6120003);
	bpf_map_update_elem(fwd_fd, &viafib, &fv, 0);
	/* Same entry, new host without a route: lookup + FIB, no rewrite. */
	fv.new_host.v4 = htonl(0xc613ffff);
	bpf_map_update_elem(fwd_fd, &nofib, &fv, 0);
	fv.new_host.v4 = htonl(0xc6120002);
	bpf_map_update_elem(st_fd, &hit, &sv, 0);

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char name[64];
		unsigned n = sizes[i];

		if (fill(fwd_fd, filled, n - 1, sizeof(fv), &fv, -1) ||
		    fill(st_fd, filled, n - 1, sizeof(sv), &sv,
			 bpf_map__fd(ss->maps.ovnmig_steer_vnis)))
			return 1;
		if (port_bit_set(bpf_map__fd(ss->maps.ovnmig_steer_vnis),
				 0x123456, 8))
			printf("note: at %u entries the miss packet's (VNI, port) bit is set by another key: that case pays the hash lookup\n",
			       n);
		filled = n - 1;
		snprintf(name, sizeof(name), "bounce miss");
		add(name, "empty xdp", n,
		    timed(b_fd, pkt_miss, len, 1, 1, repeat, XDP_PASS), e_xdp);
		add("bounce marked (loop refused)", "empty xdp", n,
		    timed(b_fd, pkt_mark, len, 1, 1, repeat, XDP_PASS), e_xdp);
		add("bounce hit, no route (fib fail)", "empty xdp", n,
		    timed(b_fd, pkt_nofib, len, 1, 1, repeat, XDP_PASS), e_xdp);
		add("bounce hit (cached next hop)", "empty xdp, fresh copy", n,
		    timed_fresh(b_fd, pkt, len, XDP_TX), e_fresh);
		add("bounce hit, FIB fallback", "empty xdp, fresh copy", n,
		    timed_fresh(b_fd, pkt_viafib, len, XDP_TX), e_fresh);
		if (n == sizes[0]) {
			/*
			 * The methods the fresh copy replaces, for
			 * comparison: one run per call (cold caches after
			 * each syscall), and live frames.
			 */
			add("bounce hit, no route, 1 run/call",
			    "empty xdp, 1 run/call", n,
			    timed(b_fd, pkt_nofib, len, 1, repeat, 1, XDP_PASS),
			    e_xdp1);
			add("bounce hit, 1 run/call", "empty xdp, 1 run/call", n,
			    timed(b_fd, pkt, len, 1, repeat, 1, XDP_TX), e_xdp1);
			if (tx_fd >= 0)
				e_live = timed_live(tx_fd, pkt, len, repeat);
			if (e_live >= 0) {
				unsigned long long f0, m0;

				f0 = stat_packets(stats_fd,
						  OVNMIG_STAT_BOUNCE_FORWARDED);
				m0 = stat_packets(stats_fd,
						  OVNMIG_STAT_BOUNCE_LOOP_REFUSED);
				ns = timed_live(b_fd, pkt, len, repeat);
				live_fwd = stat_packets(stats_fd,
						OVNMIG_STAT_BOUNCE_FORWARDED) - f0;
				live_marked = stat_packets(stats_fd,
						OVNMIG_STAT_BOUNCE_LOOP_REFUSED) - m0;
				if (ns >= 0) {
					add("xdp_tx, live frames", "-", 0,
					    e_live, e_live);
					add("bounce hit, live frames",
					    "xdp_tx, live frames", n, ns,
					    e_live);
				}
			}
		}
		c0 = stat_packets(r_stats, OVNMIG_STAT_STEER_MISS);
		add("steer (real) miss", "empty tc, tunnel info", n,
		    timed_tun(r_fd, 0x123456, 8, pkt, len), e_tun);
		add("steer (real) miss, other datapath",
		    "empty tc, tunnel info", n,
		    timed_tun(r_fd, 0x123457, 8, pkt, len), e_tun);
		expect_count(r_stats, OVNMIG_STAT_STEER_MISS, c0);
		if (n == sizes[0]) {
			/*
			 * An IPv6 underlay (no IPv4 one in the config):
			 * steer asks get_tunnel_key for IPv6 first.
			 */
			struct ovnmig_config c6 = cfg;
			int cfd = bpf_map__fd(ss->maps.ovnmig_config);

			c6.local_v4 = 0;
			c6.local_v6[0] = htonl(0x20010db8);
			c6.local_v6[3] = htonl(1);
			bpf_map_update_elem(cfd, &zero, &c6, 0);
			tun_v6 = 1;
			c0 = stat_packets(r_stats, OVNMIG_STAT_STEER_MISS);
			add("steer (real) miss, IPv6 underlay",
			    "empty tc, tunnel info", n,
			    timed_tun(r_fd, 0x123456, 8, pkt, len), e_tun);
			expect_count(r_stats, OVNMIG_STAT_STEER_MISS, c0);
			tun_v6 = 0;
			bpf_map_update_elem(cfd, &zero, &cfg, 0);
		}
		add("steer miss", "empty tc", n,
		    timed(s_fd, &sim_miss, slen, 0, 1, repeat, TC_ACT_OK), e_tc);
		add("steer miss, other datapath", "empty tc", n,
		    timed(s_fd, &sim_vni, slen, 0, 1, repeat, TC_ACT_OK), e_tc);
		add("steer hit", "empty tc", n,
		    timed(s_fd, &sim, slen, 0, 1, repeat, TC_ACT_OK), e_tc);
		add("steer hit, 3 options", "empty tc", n,
		    timed(s_fd, &sim_opts, slen_opts, 0, 1, repeat, TC_ACT_OK),
		    e_tc);
	}

	load1 = load_avg();
	uname(&u);
	j = fopen(argv[1], "w");
	if (!j) {
		fprintf(stderr, PROG ": %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fprintf(j, "{\n  \"kernel\": \"%s\",\n  \"repeat\": %llu,\n  \"rounds\": %d,\n"
		"  \"method\": \"BPF_PROG_TEST_RUN; best of rounds; bounce hit behind fresh_call (the packet copied back, then a tail call), compared with fresh_call tail-calling the empty XDP program\",\n"
		"  \"load_start\": %.2f,\n  \"load_end\": %.2f,\n  \"quiet\": %s,\n",
		u.release, repeat, ROUNDS, load0, load1,
		load0 >= 0 && load0 < 0.3 && load1 < 0.3 ? "true" : "false");
	printf("host load (1 min): %.2f at start, %.2f at end: %s\n\n", load0,
	       load1, load0 >= 0 && load0 < 0.3 && load1 < 0.3 ?
	       "quiet (< 0.3)" :
	       "NOT quiet (>= 0.3): rerun on a quiet machine before quoting");
	if (e_live >= 0) {
		printf("live frames: of %llu runs of bounce's hit, %llu forwarded, %llu refused as marked\n"
		       "  (a page the pool reuses holds the packet as bounce left it: its figure is mostly the refusal)\n\n",
		       (unsigned long long)ROUNDS * repeat, live_fwd,
		       live_marked);
		fprintf(j, "  \"live_frames\": {\"runs\": %llu, \"forwarded\": %llu, \"refused_marked\": %llu},\n",
			(unsigned long long)ROUNDS * repeat, live_fwd,
			live_marked);
	}
	fprintf(j, "  \"helpers\": [\n");
	if (have_helpers) {
		printf("%-34s %9s\n", "helper alone", "+ns");
		for (i = 0; i < H_MAX; i++) {
			printf("%-34s %+9.2f\n", h_names[i], h_ns[i]);
			fprintf(j, "    {\"helper\": \"%s\", \"delta_ns\": %.2f}%s\n",
				h_names[i], h_ns[i], i + 1 < H_MAX ? "," : "");
		}
		printf("%-34s %+9.2f  (steer's floor on a hit: get_tunnel_key + get_tunnel_opt + set_tunnel_key + set_tunnel_opt)\n\n",
		       "four tunnel helpers", h_ns[H_GET_KEY] + h_ns[H_GET_OPT] +
		       h_ns[H_SET_KEY] + h_ns[H_SET_OPT]);
	}
	fprintf(j, "  ],\n  \"cases\": [\n");
	printf("%-34s %9s %9s %9s %7s %8s %8s  %s\n", "case", "entries", "ns/pkt",
	       "+ns", "ratio", "helpers", "rest", "baseline [helper calls]");
	for (i = 0; i < (unsigned)nres; i++) {
		struct result *r = &res[i];
		double d = r->ns - r->base_ns;

		fprintf(j, "    {\"name\": \"%s\", \"entries\": %u, \"ns_per_pkt\": %.2f, \"baseline\": \"%s\", \"baseline_ns\": %.2f, \"delta_ns\": %.2f, \"ratio\": %.3f, \"helpers_ns\": %.2f, \"helper_calls\": \"%s\"}%s\n",
			r->name, r->entries, r->ns, r->base, r->base_ns, d,
			r->ns / r->base_ns, r->floor_ns,
			r->helpers ? r->helpers : "",
			i + 1 < (unsigned)nres ? "," : "");
		if (r->floor_ns >= 0)
			printf("%-34s %9u %9.2f %+9.2f %7.2f %+8.1f %+8.1f  %s [%s]\n",
			       r->name, r->entries, r->ns, d, r->ns / r->base_ns,
			       r->floor_ns, d - r->floor_ns, r->base,
			       r->helpers);
		else
			printf("%-34s %9u %9.2f %+9.2f %7.2f %8s %8s  %s\n",
			       r->name, r->entries, r->ns, d, r->ns / r->base_ns,
			       "", "", r->base);
	}
	printf("steer: (VNI, port) prefilter on (abi.h; a clear bit skips the hash lookup)\n");
	printf("helper calls: a array, c counter, h hash hit, m hash miss, t ktime_get_ns,\n"
	       "f fib_lookup, k/o load key/option, s store (hash: 8-byte key, 1k entries)\n");
	fprintf(j, "  ],\n  \"goals\": [\n");
	goals(j);
	fprintf(j, "  ]\n}\n");
	fclose(j);

	steer__destroy(sr);
	steer_sim__destroy(ss);
	bounce__destroy(bs);
	bpf_object__close(empty);
	bpf_object__close(hobj);
	bpf_xdp_detach(ifindex1, 0, NULL);
	bpf_object__close(fobj);
	return 0;
}
