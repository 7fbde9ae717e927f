// SPDX-License-Identifier: GPL-2.0-only
/*
 * demo-analyze: turn one demo run's raw records into numbers.
 *
 *   demo-analyze trace FILE [--sent N] [--pause-ns NS] [--t0 NS]
 *                [--from NS] [--to NS] [--plot OUT] [--lane NAME]
 *	FILE holds the probe's per-arrival lines "t_ns seq".  Prints one
 *	JSON object: received, lost, duplicates, reordered, longest gap,
 *	network-added downtime (longest gap minus the modelled pause);
 *	only gaps overlapping [--from, --to] count for the longest.
 *	first_ms / last_ms: the first and last arrival relative to --t0;
 *	--end NS: when the sender stopped; if nothing arrived between the
 *	last arrival and it, that silence is the gap and "back" is false
 *	(the traffic never came back within the run).
 *	back_after_mark_ms: the first arrival at or after --mark NS (the
 *	SB change) minus it: how long after the SB change traffic is back.
 *	back_after_resume_ms: the same from --resume NS (the VM's resume on
 *	the new host): the recovery after resume, the guard's measure.
 *	--plot writes "t_ms seq" lines relative to --t0 for gnuplot.
 *
 *   demo-analyze wire PCAP --peer IP --old IP --new IP [--sb-after NS]
 *                [--from NS] [--to NS] [--sb-peer IP] [--sb-new IP]
 *	--sb-peer/--sb-new: the chassis' addresses toward the SB (default:
 *	their tunnel addresses; they differ when the tunnels run over IPv6).
 *	PCAP is a capture of the underlay bridge (Geneve and the SB's
 *	OVSDB connections).  Prints one JSON object: the SB change as seen
 *	on the wire (after --sb-after, the new host's first transaction to
 *	the SB, i.e. its claim of the port, and then the first OVSDB update
 *	the SB sends to the peer's chassis: that is when the peer's
 *	ovn-controller and ovnmigd learn of the move),
 *	the repoint lags (SB change -> first Geneve packet from the peer
 *	chassis at the new host, -> last one at the old host), and the
 *	fabric packets and bytes (all Geneve) between --from and --to.
 *
 * Absolute times are printed as JSON strings: jq holds numbers as doubles,
 * which cannot carry a nanosecond timestamp.
 *
 * Everything here reads wire or probe timestamps, never an agent's log:
 * the demo must report what the network did, not what ovnmigd believes.
 * The pcap reader is self-contained (no libpcap) because the format is
 * tiny and the demo must not need another package.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "demo-analyze"
#define GENEVE_PORT 6081
#define SB_PORT 6642
/* OVSDB echo requests and replies are ~50 bytes; an update is larger. */
#define SB_MIN_PAYLOAD 80

static void die(const char *what, const char *why)
{
	fprintf(stderr, PROG ": %s: %s\n", what, why);
	exit(2);
}

static int64_t parse_i64(const char *opt, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		die(opt, "not an integer");
	return v;
}

/* ------------------------------------------------------------ trace */

struct arrival {
	int64_t t;
	int64_t seq;
};

static int cmp_time(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

static int cmd_trace(int argc, char **argv)
{
	const char *file = NULL, *plot = NULL, *lane = "";
	int64_t sent = -1, pause_ns = 0, t0 = INT64_MIN;
	int64_t win_from = INT64_MIN, win_to = INT64_MAX, mark = -1, end = -1;
	int64_t resume = -1;
	bool back = true;
	double after_mark = -1, after_resume = -1;
	struct arrival *a = NULL;
	size_t n = 0, cap = 0, i;
	int64_t max_seq = -1, uniq = 0, dups = 0, reord = 0, hi = -1;
	int64_t gap = 0, gap_start = 0, gap_end = 0, lost;
	uint8_t *seen;
	char line[256];
	FILE *f;

	for (int i2 = 0; i2 < argc; i2++) {
		const char *o = argv[i2];

		if (i2 + 1 >= argc && o[0] == '-')
			die(o, "needs a value");
		if (!strcmp(o, "--sent"))
			sent = parse_i64(o, argv[++i2]);
		else if (!strcmp(o, "--pause-ns"))
			pause_ns = parse_i64(o, argv[++i2]);
		else if (!strcmp(o, "--t0"))
			t0 = parse_i64(o, argv[++i2]);
		else if (!strcmp(o, "--from"))
			win_from = parse_i64(o, argv[++i2]);
		else if (!strcmp(o, "--end"))
			end = parse_i64(o, argv[++i2]);
		else if (!strcmp(o, "--mark"))
			mark = parse_i64(o, argv[++i2]);
		else if (!strcmp(o, "--resume"))
			resume = parse_i64(o, argv[++i2]);
		else if (!strcmp(o, "--to"))
			win_to = parse_i64(o, argv[++i2]);
		else if (!strcmp(o, "--plot"))
			plot = argv[++i2];
		else if (!strcmp(o, "--lane"))
			lane = argv[++i2];
		else if (o[0] != '-' && !file)
			file = o;
		else
			die(o, "unknown argument");
	}
	if (!file)
		die("trace", "no trace file given");
	f = fopen(file, "r");
	if (!f)
		die(file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		long long t, s;

		if (line[0] == '#' || sscanf(line, "%lld %lld", &t, &s) != 2)
			continue;
		if (s < 0 || s > (1LL << 30))
			continue;	/* not ours: a bounded probe never gets here */
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			a = realloc(a, cap * sizeof(*a));
			if (!a)
				die("trace", "out of memory");
		}
		a[n].t = t;
		a[n].seq = s;
		n++;
	}
	fclose(f);

	/* Arrival order (file order) decides reordering; time order the gaps. */
	for (i = 0; i < n; i++)
		if (a[i].seq > max_seq)
			max_seq = a[i].seq;
	if (sent < 0)
		sent = max_seq + 1;
	seen = calloc((size_t)(max_seq > sent ? max_seq : sent) + 2, 1);
	if (!seen)
		die("trace", "out of memory");
	for (i = 0; i < n; i++) {
		if (seen[a[i].seq]) {
			dups++;
			continue;
		}
		seen[a[i].seq] = 1;
		if (a[i].seq < sent)
			uniq++;
		if (a[i].seq < hi)
			reord++;
		else
			hi = a[i].seq;
	}
	free(seen);
	qsort(a, n, sizeof(*a), cmp_time);
	/*
	 * The longest gap around the migration: under emulation the whole
	 * VM stalls now and then, and a stall long before the switch is
	 * not the switch's.  A gap counts when it overlaps [from, to].
	 */
	for (i = 1; i < n; i++) {
		if (a[i].t < win_from || a[i - 1].t > win_to)
			continue;
		if (a[i].t - a[i - 1].t > gap) {
			gap = a[i].t - a[i - 1].t;
			gap_start = a[i - 1].t;
			gap_end = a[i].t;
		}
	}
	/*
	 * Traffic that never came back before the sender stopped (--end):
	 * the silence after the last arrival is the gap, open-ended.
	 */
	if (end >= 0 && n > 0 && end > a[n - 1].t && a[n - 1].t <= win_to &&
	    end - a[n - 1].t > gap) {
		gap = end - a[n - 1].t;
		gap_start = a[n - 1].t;
		gap_end = end;
		back = false;
	}
	lost = sent - uniq;
	/* Traffic back after the SB change: first arrival at or after it. */
	for (i = 0; mark >= 0 && i < n; i++) {
		if (a[i].t >= mark) {
			after_mark = (a[i].t - mark) / 1e6;
			break;
		}
	}
	for (i = 0; resume >= 0 && i < n; i++) {
		if (a[i].t >= resume) {
			after_resume = (a[i].t - resume) / 1e6;
			break;
		}
	}
	if (t0 == INT64_MIN)
		t0 = gap_start;

	if (plot) {
		FILE *p = fopen(plot, "w");

		if (!p)
			die(plot, strerror(errno));
		fprintf(p, "# lane %s: t_ms (relative to t0=%" PRId64 ") seq\n",
			lane, t0);
		for (i = 0; i < n; i++)
			fprintf(p, "%.3f %" PRId64 "\n",
				(double)(a[i].t - t0) / 1e6, a[i].seq);
		if (fclose(p))
			die(plot, strerror(errno));
	}

	printf("{\"sent\":%" PRId64 ",\"received\":%zu,\"unique\":%" PRId64
	       ",\"lost\":%" PRId64 ",\"duplicates\":%" PRId64
	       ",\"reordered\":%" PRId64 ",\"tail_lost\":%" PRId64
	       ",\"longest_gap_ms\":%.3f,\"gap_start_ns\":\"%" PRId64 "\""
	       ",\"gap_end_ns\":\"%" PRId64 "\",\"pause_ms\":%.3f"
	       ",\"downtime_ms\":%.3f,\"t0_ns\":\"%" PRId64 "\""
	       ",\"first_ms\":%.3f,\"last_ms\":%.3f",
	       sent, n, uniq, lost, dups, reord,
	       max_seq < 0 ? sent : sent - 1 - max_seq,
	       gap / 1e6, gap_start, gap_end, pause_ns / 1e6,
	       n > 1 ? (gap - pause_ns) / 1e6 : 0.0, t0,
	       n ? (a[0].t - t0) / 1e6 : 0.0, n ? (a[n - 1].t - t0) / 1e6 : 0.0);
	printf(",\"back\":%s", back ? "true" : "false");
	if (after_resume >= 0)
		printf(",\"back_after_resume_ms\":%.3f", after_resume);
	else
		printf(",\"back_after_resume_ms\":null");
	if (after_mark >= 0)
		printf(",\"back_after_mark_ms\":%.3f}\n", after_mark);
	else
		printf(",\"back_after_mark_ms\":null}\n");
	free(a);
	return 0;
}

/* ------------------------------------------------------------- wire */

struct addr {
	int family;
	uint8_t b[16];
};

static void parse_addr(const char *opt, const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->b) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->b) == 1)
		a->family = AF_INET6;
	else
		die(opt, "not an IP address");
}

static bool addr_eq(const struct addr *a, int family, const uint8_t *b)
{
	return a->family == family &&
	       !memcmp(a->b, b, family == AF_INET ? 4 : 16);
}

static uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/*
 * Every sender chassis' Geneve packets toward the old and the new host,
 * and the first SB update each chassis got after the claim: the ground
 * truth for every agent's migration record (its chassis' SB update, the
 * last packet from a sender that still reached the old host).  Bounded:
 * a lab has a handful of chassis; more addresses are counted, not kept.
 */
#define WIRE_MAX_HOSTS 64

struct sender {
	struct addr a;
	int64_t first_new_any, last_old;
	int64_t to_old, to_new;
};

struct sb_dst {
	struct addr a;
	int64_t first_ns;	/* first SB update to it after the claim */
};

struct wire {
	struct addr peer, old, new;
	/* The SB speaks to the chassis over the control network, which is
	 * IPv4 even when the tunnels run over IPv6. */
	struct addr sb_peer, sb_new;
	int64_t sb_after, from, to;
	/* results */
	int64_t sb_ns, sb_nb_ns, claim_ns;
	int64_t first_new, last_old, first_new_any;
	int64_t new_before_sb, old_after_sb, old_to_new;
	int64_t fab_pkts, fab_bytes, peer_pkts;
	int64_t first_t, last_t;
	struct sender snd[WIRE_MAX_HOSTS];
	struct sb_dst sbd[WIRE_MAX_HOSTS];
	size_t n_snd, n_sbd;
	int64_t hosts_dropped;
};

/*
 * The entry of address (family, b) in a table of *n entries of size
 * bytes, each starting with its struct addr; a new one is zeroed with its
 * times at -1 by the caller (*fresh).  NULL when the table is full.
 */
static void *wire_slot(void *tab, size_t size, size_t *n, int family,
		       const uint8_t *b, bool *fresh)
{
	uint8_t *e = tab;
	size_t i;

	*fresh = false;
	for (i = 0; i < *n; i++, e += size)
		if (addr_eq((const struct addr *)e, family, b))
			return e;
	if (*n == WIRE_MAX_HOSTS)
		return NULL;
	(*n)++;
	memset(e, 0, size);
	((struct addr *)e)->family = family;
	memcpy(((struct addr *)e)->b, b, family == AF_INET ? 4 : 16);
	*fresh = true;
	return e;
}

/* One frame: l3 points at the IP header. */
static void wire_packet(struct wire *w, int64_t t, const uint8_t *l3,
			size_t len, uint32_t orig_len)
{
	const uint8_t *src, *dst, *l4;
	int family, proto;
	size_t hl;

	if (len < 1)
		return;
	if ((l3[0] >> 4) == 4) {
		if (len < 20)
			return;
		hl = (l3[0] & 0xf) * 4u;
		if (hl < 20 || len < hl + 8)
			return;
		/* Fragments other than the first have no L4 header. */
		if ((((l3[6] & 0x1f) << 8) | l3[7]) != 0)
			return;
		family = AF_INET;
		proto = l3[9];
		src = l3 + 12;
		dst = l3 + 16;
	} else if ((l3[0] >> 4) == 6) {
		hl = 40;
		if (len < hl + 8)
			return;
		family = AF_INET6;
		proto = l3[6];	/* OVN's underlay sends no extension headers */
		src = l3 + 8;
		dst = l3 + 24;
	} else {
		return;
	}
	l4 = l3 + hl;
	len -= hl;

	if (proto == 17 && ((l4[2] << 8) | l4[3]) == GENEVE_PORT) {
		bool to_new = addr_eq(&w->new, family, dst);
		bool to_old = addr_eq(&w->old, family, dst);
		bool from_peer = addr_eq(&w->peer, family, src);
		bool fresh;
		struct sender *sn = wire_slot(w->snd, sizeof(w->snd[0]),
					      &w->n_snd, family, src, &fresh);

		if (t >= w->from && t <= w->to) {
			w->fab_pkts++;
			w->fab_bytes += orig_len;
		}
		if (addr_eq(&w->old, family, src) && to_new)
			w->old_to_new++;
		if (!sn) {
			w->hosts_dropped++;
		} else {
			if (fresh)
				sn->first_new_any = sn->last_old = -1;
			if (to_new && sn->first_new_any < 0)
				sn->first_new_any = t;
			if (to_old)
				sn->last_old = t;
			sn->to_old += to_old;
			sn->to_new += to_new;
		}
		if (!from_peer)
			return;
		w->peer_pkts++;
		if (to_new && w->first_new_any < 0)
			w->first_new_any = t;
		if (to_old)
			w->last_old = t;
		if (w->sb_ns < 0) {
			/* SB change not seen yet: a clone (multichassis). */
			w->new_before_sb += to_new;
			return;
		}
		if (to_new && w->first_new < 0)
			w->first_new = t;
		w->old_after_sb += to_old;
		return;
	}
	if (proto == 6 && len >= 20 && t >= w->sb_after) {
		size_t thl = (l4[12] >> 4) * 4u;
		size_t ip_len = family == AF_INET ?
			(size_t)((l3[2] << 8) | l3[3]) - hl :
			(size_t)((l3[4] << 8) | l3[5]);
		unsigned int sport = (l4[0] << 8) | l4[1];
		unsigned int dport = (l4[2] << 8) | l4[3];
		struct sb_dst *sd;
		bool fresh;

		if (thl < 20 || ip_len <= thl || ip_len - thl < SB_MIN_PAYLOAD)
			return;
		/* Northd's write of the cloud manager's change, to anyone. */
		if (sport == SB_PORT && w->sb_nb_ns < 0)
			w->sb_nb_ns = t;
		/*
		 * The move itself: the new host's ovn-controller claims the
		 * port (its transaction to the SB), and the SB tells every
		 * chassis (where ovn-controller and ovnmigd listen); the
		 * peer's is "the SB change" of the table.
		 */
		if (dport == SB_PORT && w->claim_ns < 0 &&
		    addr_eq(&w->sb_new, family, src))
			w->claim_ns = t;
		if (sport != SB_PORT || w->claim_ns < 0)
			return;
		sd = wire_slot(w->sbd, sizeof(w->sbd[0]), &w->n_sbd, family,
			       dst, &fresh);
		if (!sd) {
			w->hosts_dropped++;
			return;
		}
		if (fresh)
			sd->first_ns = t;
		if (w->sb_ns < 0 && addr_eq(&w->sb_peer, family, dst))
			w->sb_ns = t;
	}
}

static void print_addr(const struct addr *a)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->b, s, sizeof(s)))
		strcpy(s, "?");
	printf("\"%s\"", s);
}

/* Per sender chassis and per SB client address (see struct sender). */
static void print_hosts(const struct wire *w)
{
	size_t i;

	printf(",\"senders\":[");
	for (i = 0; i < w->n_snd; i++) {
		const struct sender *sn = &w->snd[i];

		printf("%s{\"ip\":", i ? "," : "");
		print_addr(&sn->a);
		printf(",\"to_old\":%" PRId64 ",\"to_new\":%" PRId64
		       ",\"last_old_ns\":\"%" PRId64 "\""
		       ",\"first_new_ns\":\"%" PRId64 "\"",
		       sn->to_old, sn->to_new, sn->last_old, sn->first_new_any);
		if (w->sb_ns >= 0 && sn->last_old >= 0)
			printf(",\"lag_last_old_ms\":%.3f",
			       (sn->last_old - w->sb_ns) / 1e6);
		printf("}");
	}
	printf("],\"sb_updates\":[");
	for (i = 0; i < w->n_sbd; i++) {
		printf("%s{\"ip\":", i ? "," : "");
		print_addr(&w->sbd[i].a);
		printf(",\"first_ns\":\"%" PRId64 "\"}", w->sbd[i].first_ns);
	}
	printf("],\"hosts_dropped\":%" PRId64, w->hosts_dropped);
}

static int cmd_wire(int argc, char **argv)
{
	const char *file = NULL;
	struct wire w = { .sb_after = 0, .from = INT64_MIN, .to = INT64_MAX,
			  .sb_ns = -1, .sb_nb_ns = -1, .claim_ns = -1,
			  .first_new = -1, .last_old = -1,
			  .first_new_any = -1, .first_t = -1 };
	bool have_peer = false, have_old = false, have_new = false;
	bool have_sb_peer = false, have_sb_new = false;
	uint8_t gh[24], rh[16], *buf = NULL;
	uint32_t magic, snap, link;
	bool swap, nano;
	FILE *f;

	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];

		if (i + 1 >= argc && o[0] == '-')
			die(o, "needs a value");
		if (!strcmp(o, "--peer"))
			parse_addr(o, argv[++i], &w.peer), have_peer = true;
		else if (!strcmp(o, "--old"))
			parse_addr(o, argv[++i], &w.old), have_old = true;
		else if (!strcmp(o, "--new"))
			parse_addr(o, argv[++i], &w.new), have_new = true;
		else if (!strcmp(o, "--sb-peer"))
			parse_addr(o, argv[++i], &w.sb_peer), have_sb_peer = true;
		else if (!strcmp(o, "--sb-new"))
			parse_addr(o, argv[++i], &w.sb_new), have_sb_new = true;
		else if (!strcmp(o, "--sb-after"))
			w.sb_after = parse_i64(o, argv[++i]);
		else if (!strcmp(o, "--from"))
			w.from = parse_i64(o, argv[++i]);
		else if (!strcmp(o, "--to"))
			w.to = parse_i64(o, argv[++i]);
		else if (o[0] != '-' && !file)
			file = o;
		else
			die(o, "unknown argument");
	}
	if (!file || !have_peer || !have_old || !have_new)
		die("wire", "needs PCAP --peer IP --old IP --new IP");
	if (!have_sb_peer)
		w.sb_peer = w.peer;
	if (!have_sb_new)
		w.sb_new = w.new;
	f = fopen(file, "rb");
	if (!f)
		die(file, strerror(errno));
	if (fread(gh, 1, sizeof(gh), f) != sizeof(gh))
		die(file, "no pcap header");
	memcpy(&magic, gh, 4);
	swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	if (swap)
		magic = __builtin_bswap32(magic);
	if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)
		die(file, "not a pcap file (pcapng is not read; use tcpdump -w)");
	nano = magic == 0xa1b23c4d;
	snap = rd32(gh + 16, swap);
	link = rd32(gh + 20, swap) & 0xffff;
	if (snap == 0 || snap > (1u << 20))
		snap = 1u << 18;
	buf = malloc(snap);
	if (!buf)
		die("wire", "out of memory");

	while (fread(rh, 1, sizeof(rh), f) == sizeof(rh)) {
		uint32_t cap = rd32(rh + 8, swap), orig = rd32(rh + 12, swap);
		int64_t t = (int64_t)rd32(rh, swap) * 1000000000LL +
			    (int64_t)rd32(rh + 4, swap) * (nano ? 1 : 1000);
		const uint8_t *l3;
		size_t off;
		uint16_t et;

		if (cap > snap)
			die(file, "record larger than the snap length");
		if (fread(buf, 1, cap, f) != cap)
			break;	/* truncated last record: capture was killed */
		if (w.first_t < 0)
			w.first_t = t;
		w.last_t = t;
		if (link == 1) {		/* Ethernet */
			if (cap < 14)
				continue;
			et = (buf[12] << 8) | buf[13];
			off = 14;
			while ((et == 0x8100 || et == 0x88a8) && cap >= off + 4) {
				et = (buf[off + 2] << 8) | buf[off + 3];
				off += 4;
			}
		} else if (link == 113) {	/* Linux cooked */
			if (cap < 16)
				continue;
			et = (buf[14] << 8) | buf[15];
			off = 16;
		} else if (link == 276) {	/* Linux cooked v2 */
			if (cap < 20)
				continue;
			et = (buf[0] << 8) | buf[1];
			off = 20;
		} else if (link == 101 || link == 12) {	/* raw IP */
			et = (buf[0] >> 4) == 6 ? 0x86dd : 0x0800;
			off = 0;
		} else {
			die(file, "unsupported link type");
		}
		if (et != 0x0800 && et != 0x86dd)
			continue;
		l3 = buf + off;
		wire_packet(&w, t, l3, cap - off, orig);
	}
	fclose(f);
	free(buf);

	printf("{\"sb_ns\":\"%" PRId64 "\",\"sb_nb_ns\":\"%" PRId64
	       "\",\"claim_ns\":\"%" PRId64 "\"", w.sb_ns, w.sb_nb_ns,
	       w.claim_ns);
	if (w.sb_ns >= 0 && w.sb_nb_ns >= 0)
		printf(",\"nb_to_sb_ms\":%.3f", (w.sb_ns - w.sb_nb_ns) / 1e6);
	if (w.sb_ns >= 0 && w.first_new >= 0)
		printf(",\"lag_first_new_ms\":%.3f",
		       (w.first_new - w.sb_ns) / 1e6);
	else
		printf(",\"lag_first_new_ms\":null");
	if (w.sb_ns >= 0 && w.last_old >= 0)
		printf(",\"lag_last_old_ms\":%.3f",
		       (w.last_old - w.sb_ns) / 1e6);
	else
		printf(",\"lag_last_old_ms\":null");
	printf(",\"first_new_ns\":\"%" PRId64 "\""
	       ",\"first_new_any_ns\":\"%" PRId64 "\""
	       ",\"last_old_ns\":\"%" PRId64 "\""
	       ",\"new_before_sb\":%" PRId64 ",\"old_after_sb\":%" PRId64
	       ",\"old_to_new\":%" PRId64 ",\"peer_pkts\":%" PRId64
	       ",\"fabric_pkts\":%" PRId64 ",\"fabric_bytes\":%" PRId64
	       ",\"capture_first_ns\":\"%" PRId64 "\""
	       ",\"capture_last_ns\":\"%" PRId64 "\"",
	       w.first_new, w.first_new_any, w.last_old, w.new_before_sb,
	       w.old_after_sb, w.old_to_new, w.peer_pkts, w.fab_pkts,
	       w.fab_bytes, w.first_t, w.last_t);
	print_hosts(&w);
	printf("}\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(stderr,
			"usage: " PROG " trace FILE [--sent N] [--pause-ns NS] [--t0 NS] [--from NS] [--to NS] [--mark NS] [--resume NS] [--end NS]\n"
			"                    [--plot OUT] [--lane NAME]\n"
			"       " PROG " wire PCAP --peer IP --old IP --new IP [--sb-after NS] [--from NS] [--to NS]\n");
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "trace"))
		return cmd_trace(argc - 2, argv + 2);
	if (!strcmp(argv[1], "wire"))
		return cmd_wire(argc - 2, argv + 2);
	die(argv[1], "unknown command (trace, wire)");
	return 2;
}
