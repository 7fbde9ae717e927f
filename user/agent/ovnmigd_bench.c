// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovnmigd-bench: the driver of bench/bench-agent.  Talks JSON-RPC to
 * the Southbound ovsdb-server itself (no ovsdb-client start-up on the
 * timed path) and watches the pinned steer map with bpf syscalls, so
 * what it times is "SB transaction sent -> entry in the map", outside
 * the agent.
 *
 *   ovnmigd-bench populate SB DP-UUID CHASSIS-UUID PREFIX N
 *	insert N VIF bindings PREFIX1..PREFIXN (tunnel keys 1..N)
 *   ovnmigd-bench moves SB BPFFS DP-KEY PREFIX N CHASSIS-UUID NEW-IP
 *	move PREFIX1..N one transaction each; per move, the time until
 *	the entry (DP-KEY, i) toward NEW-IP is in the map
 *	(CHASSIS-UUID @FILE: the uuids of FILE, one a line, in turn)
 *   ovnmigd-bench commit SB DP-UUID CHASSIS-UUID
 *	move all bindings of DP-UUID in one transaction; prints when it
 *	was sent and when its reply came (CLOCK_MONOTONIC ns, the clock
 *	of the agents' own timestamps: bench/bench-scale)
 *   ovnmigd-bench evac SB BPFFS DP-KEY DP-UUID N CHASSIS-UUID NEW-IP
 *	move all N bindings of DP-UUID in one transaction; the time until
 *	the first and the last of their N entries is in the map, from the
 *	transaction's send and from its reply's arrival (the server
 *	replies once the commit is done), and the send, reply and last
 *	entry on CLOCK_MONOTONIC (the agent's clock: its last_batch)
 *   ovnmigd-bench scrape IP:PORT SECONDS
 *	GET /metrics from the agent's endpoint (--metrics-listen) back to
 *	back, 1 ms apart, for SECONDS; per scrape, connect -> whole answer
 *
 * Control socket clients for selftests/host/agent-ctl-slow and the
 * bench's evacuation with a stalled subscriber:
 *   ovnmigd-bench ctl-stall CTL SECONDS
 *	subscribe to events with a tiny receive buffer, then read nothing
 *	for SECONDS (a paused `ovnmigctl events | less`)
 *   ovnmigd-bench ctl-shut CTL
 *	shut our reading side down, then ask for events and a flush in
 *	one write: the flush's event fails on this very connection
 *   ovnmigd-bench ctl-first CTL BPFFS DP-KEY N NEW-IP SECONDS
 *	subscribe, wait for the first event, then count entries
 *	(DP-KEY, 1..N) toward NEW-IP: the maps are written before any
 *	event of their batch goes out, so all N must be there
 *   ovnmigd-bench ctl-raw CTL BYTES
 *	one "version" request line of BYTES bytes (newline included),
 *	then a half close; prints the reply, or null if the agent closed
 *	without one
 * Output: one JSON object on stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <jansson.h>
#include <ovnmig/abi.h>

#include "lib/util.h"

#define TIMEOUT_NS	(5ull * 1000000000ull)

static char *rbuf;
static size_t rlen, rcap;
static int next_id = 1;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "ovnmigd-bench: %s: %s\n", what, why);
	exit(1);
}

static int sb_connect(const char *remote)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strncmp(remote, "unix:", 5) ||
	    strlen(remote + 5) >= sizeof(sa.sun_path))
		die(remote, "only unix: remotes");
	strcpy(sa.sun_path, remote + 5);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die(remote, strerror(errno));
	return fd;
}

static int send_req(int fd, const char *method, json_t *params)
{
	json_t *req = json_pack("{s:s, s:o, s:i}", "method", method,
				"params", params, "id", next_id);
	char *s = json_dumps(req, JSON_COMPACT);
	size_t len = strlen(s), off = 0;
	ssize_t w;

	while (off < len) {
		w = write(fd, s + off, len - off);
		if (w < 0)
			die("write", strerror(errno));
		off += w;
	}
	free(s);
	json_decref(req);
	return next_id++;
}

/* Reads what is there into rbuf (grown as needed); read()'s result. */
static ssize_t read_more(int fd)
{
	if (rcap - rlen < 65536) {
		rcap = rcap ? rcap * 2 : 1 << 20;
		rbuf = realloc(rbuf, rcap);
		if (!rbuf)
			die("read", "out of memory");
	}
	return read(fd, rbuf + rlen, rcap - rlen);
}

/* The reply to @id (echo requests answered, the rest skipped). */
static json_t *wait_reply(int fd, int id)
{
	for (;;) {
		json_error_t err;
		json_t *msg;
		ssize_t r;

		if (rlen) {
			msg = json_loadb(rbuf, rlen, JSON_DISABLE_EOF_CHECK,
					 &err);
			if (msg) {
				memmove(rbuf, rbuf + err.position,
					rlen - err.position);
				rlen -= err.position;
				if (json_integer_value(json_object_get(msg,
						"id")) == id)
					return msg;
				json_decref(msg);
				continue;
			}
		}
		r = read_more(fd);
		if (r <= 0)
			die("read", r ? strerror(errno) : "connection closed");
		rlen += r;
	}
}

static void check_txn(json_t *reply)
{
	json_t *res = json_object_get(reply, "result"), *e;
	size_t i;

	if (!json_is_array(res))
		die("transact", "no result");
	json_array_foreach(res, i, e) {
		if (json_object_get(e, "error")) {
			char *s = json_dumps(e, JSON_COMPACT);

			die("transact", s);
		}
	}
}

static json_t *uuid(const char *u)
{
	return json_pack("[s, s]", "uuid", u);
}

/* CHASSIS-UUID, or @FILE: one uuid a line, used in turn. */
static char **chassis_list(const char *arg, int *n)
{
	static char *one[1];
	char **v = NULL, line[128];
	FILE *f;

	*n = 1;
	if (arg[0] != '@') {
		one[0] = (char *)arg;
		return one;
	}
	f = fopen(arg + 1, "r");
	if (!f)
		die(arg + 1, strerror(errno));
	for (*n = 0; fgets(line, sizeof(line), f); (*n)++) {
		line[strcspn(line, "\n")] = '\0';
		v = realloc(v, (*n + 1) * sizeof(*v));
		if (!v || !(v[*n] = strdup(line)))
			die("populate", "out of memory");
	}
	fclose(f);
	if (!*n)
		die(arg + 1, "no chassis uuid");
	return v;
}

static void populate(int fd, const char *dp, const char *chs,
		     const char *prefix, int n)
{
	int i, id, n_ch;
	char name[256], **chv = chassis_list(chs, &n_ch);
	json_t *params = NULL;

	for (i = 1; i <= n; i++) {
		const char *ch = chv[(i - 1) % n_ch];

		if (!params)
			params = json_pack("[s]", "OVN_Southbound");
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		json_array_append_new(params, json_pack(
			"{s:s, s:s, s:{s:s, s:i, s:o, s:o}}", "op", "insert",
			"table", "Port_Binding", "row", "logical_port", name,
			"tunnel_key", i, "datapath", uuid(dp), "chassis",
			uuid(ch)));
		if (i % 5000 == 0 || i == n) {
			id = send_req(fd, "transact", params);
			params = NULL;
			check_txn(wait_reply(fd, id));
		}
	}
	printf("{\"inserted\": %d}\n", n);
}

static int open_steer(const char *bpffs)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", bpffs, OVNMIG_PIN_SUBDIR,
		 OVNMIG_MAP_STEER);
	fd = bpf_obj_get(path);
	if (fd < 0)
		die(path, strerror(errno));
	return fd;
}

static bool entry_there(int mfd, uint32_t dp, uint32_t port, __be32 ip)
{
	struct ovnmig_port_key k = { .dp_key = dp, .port_key = port };
	struct ovnmig_steer v;

	return !bpf_map_lookup_elem(mfd, &k, &v) && v.new_remote.v4 == ip;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(uint64_t *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i] / 1000.0;	/* us */
}

static void moves(int fd, int mfd, uint32_t dpk, const char *prefix, int n,
		  const char *ch, __be32 ip)
{
	uint64_t *lat = calloc(n, sizeof(*lat)), t0, t;
	char name[256];
	int i, id, lost = 0;

	if (!lat)
		die("moves", "out of memory");
	for (i = 1; i <= n; i++) {
		json_t *params;

		snprintf(name, sizeof(name), "%s%d", prefix, i);
		params = json_pack("[s, {s:s, s:s, s:[[s, s, s]], s:{s:o}}]",
				   "OVN_Southbound", "op", "update", "table",
				   "Port_Binding", "where", "logical_port",
				   "==", name, "row", "chassis", uuid(ch));
		t0 = mono_ns();
		id = send_req(fd, "transact", params);
		for (;;) {
			t = mono_ns();
			if (entry_there(mfd, dpk, i, ip))
				break;
			if (t - t0 > TIMEOUT_NS) {
				lost++;
				break;
			}
			sched_yield();
		}
		lat[i - 1] = t - t0;
		check_txn(wait_reply(fd, id));
	}
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("{\"moves\": %d, \"timeouts\": %d, \"p50_us\": %.1f, "
	       "\"p90_us\": %.1f, \"p99_us\": %.1f, \"max_us\": %.1f}\n",
	       n, lost, pct(lat, n, 0.5), pct(lat, n, 0.9), pct(lat, n, 0.99),
	       lat[n - 1] / 1000.0);
	free(lat);
}

/* Every binding of datapath dp to chassis ch, in one transaction. */
static json_t *evac_txn(const char *dp, const char *ch)
{
	return json_pack("[s, {s:s, s:s, s:[[s, s, o]], s:{s:o}}]",
			 "OVN_Southbound", "op", "update", "table",
			 "Port_Binding", "where", "datapath", "==", uuid(dp),
			 "row", "chassis", uuid(ch));
}

/* Whether bytes wait on fd (the transaction's reply: this connection
 * has no monitor), without blocking.  ovsdb-server sends that reply as
 * soon as the commit is done (ovsdb_jsonrpc_trigger_create() completes
 * a standalone database's transaction at once), before it composes the
 * monitors' updates (each session's next run). */
static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

static void evac(int fd, int mfd, uint32_t dpk, const char *dp, int n,
		 const char *ch, __be32 ip)
{
	bool *seen = calloc(n + 1, sizeof(*seen));
	uint64_t t0, t = 0, first = 0, reply = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char first_after[32] = "null";
	int left = n, i, id;
	json_t *params;

	if (!seen)
		die("evac", "out of memory");
	params = evac_txn(dp, ch);
	t0 = mono_ns();
	id = send_req(fd, "transact", params);
	while (left > 0) {
		t = mono_ns();
		if (t - t0 > TIMEOUT_NS)
			break;
		for (i = 1; i <= n; i++) {
			/* A scan of the map takes a while: look for the
			 * reply every 32 lookups, not once per scan. */
			if (!reply && !(i % 32) && readable(fd))
				reply = mono_ns();
			if (seen[i] || !entry_there(mfd, dpk, i, ip))
				continue;
			seen[i] = true;
			if (!first)
				first = mono_ns();
			left--;
		}
		if (left)
			sched_yield();
	}
	t = mono_ns();
	/* The reply after the last entry: when it came, not when the scan
	 * of the map ended. */
	if (!reply) {
		if (poll(&p, 1, TIMEOUT_NS / 1000000) <= 0)
			die("transact", "no reply");
		reply = mono_ns();
	}
	check_txn(wait_reply(fd, id));
	/* Negative: the entry was there before the reply. */
	if (first)
		snprintf(first_after, sizeof(first_after), "%.3f",
			 ((double)first - (double)reply) / 1e6);
	printf("{\"ports\": %d, \"missing\": %d, \"first_entry_ms\": %.3f, "
	       "\"last_entry_ms\": %.3f, \"reply_ms\": %.3f, "
	       "\"after_reply_first_entry_ms\": %s, "
	       "\"after_reply_last_entry_ms\": %.3f, \"sent_ns\": %llu, "
	       "\"reply_ns\": %llu, \"last_entry_ns\": %llu}\n", n, left,
	       first ? (first - t0) / 1e6 : -1.0, (t - t0) / 1e6,
	       (reply - t0) / 1e6,
	       first_after,
	       ((double)t - (double)reply) / 1e6, (unsigned long long)t0,
	       (unsigned long long)reply, (unsigned long long)t);
	free(seen);
}

static void commit(int fd, const char *dp, const char *ch)
{
	uint64_t t0, t1;
	json_t *params;
	int id;

	params = evac_txn(dp, ch);
	t0 = mono_ns();
	id = send_req(fd, "transact", params);
	check_txn(wait_reply(fd, id));
	t1 = mono_ns();
	printf("{\"sent_ns\": %llu, \"reply_ns\": %llu}\n",
	       (unsigned long long)t0, (unsigned long long)t1);
}

/* One GET /metrics; its duration in ns, 0 on failure. */
static uint64_t scrape_once(const struct sockaddr_in *sa)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: ovnmigd\r\n"
				  "Connection: close\r\n\r\n";
	char buf[16384], head[16] = "";
	uint64_t t0 = mono_ns();
	size_t got = 0;
	ssize_t r;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		close(fd);
		return 0;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		if (got < sizeof(head) - 1) {
			size_t n = sizeof(head) - 1 - got;

			memcpy(head + got, buf, (size_t)r < n ? (size_t)r : n);
		}
		got += r;
	}
	close(fd);
	if (r < 0 || strncmp(head, "HTTP/1.1 200", 12))
		return 0;
	return mono_ns() - t0;
}

static void scrape(const char *addr, int seconds)
{
	struct timespec gap = { .tv_nsec = 1000000 };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char host[INET_ADDRSTRLEN];
	const char *colon = strrchr(addr, ':');
	uint64_t end, *lat;
	size_t n = 0, cap = 100000, failed = 0;

	if (!colon || colon - addr >= (long)sizeof(host) || seconds < 1)
		die(addr, "not IP:PORT, or SECONDS < 1");
	memcpy(host, addr, colon - addr);
	host[colon - addr] = 0;
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die(addr, "not an IPv4 address");
	sa.sin_port = htons(atoi(colon + 1));
	lat = calloc(cap, sizeof(*lat));
	if (!lat)
		die("scrape", "out of memory");
	end = mono_ns() + seconds * 1000000000ull;
	while (mono_ns() < end && n < cap) {
		uint64_t t = scrape_once(&sa);

		if (t)
			lat[n++] = t;
		else
			failed++;
		nanosleep(&gap, NULL);
	}
	if (!n)
		die(addr, "no scrape answered");
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("{\"scrapes\": %zu, \"failed\": %zu, \"p50_us\": %llu, "
	       "\"p99_us\": %llu, \"max_us\": %llu}\n", n, failed,
	       (unsigned long long)lat[n / 2] / 1000,
	       (unsigned long long)lat[n * 99 / 100] / 1000,
	       (unsigned long long)lat[n - 1] / 1000);
	free(lat);
}

static int ctl_connect(const char *path, int rcvbuf)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die(path, "path too long");
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket", strerror(errno));
	if (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf)))
		die("SO_RCVBUF", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die(path, strerror(errno));
	return fd;
}

static void write_all(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		ssize_t w = write(fd, s + off, len - off);

		if (w < 0)
			die("write", strerror(errno));
		off += w;
	}
}

#define SUBSCRIBE "{\"method\":\"events\",\"params\":[],\"id\":1}\n"

static void ctl_stall(const char *path, int seconds)
{
	int fd = ctl_connect(path, 1024);
	struct timespec ts = { .tv_sec = seconds };

	write_all(fd, SUBSCRIBE);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	close(fd);
	printf("{\"stalled_s\": %d}\n", seconds);
}

static void ctl_shut(const char *path)
{
	int fd = ctl_connect(path, 0);
	struct timespec ts = { .tv_nsec = 200000000 };

	if (shutdown(fd, SHUT_RD))
		die("shutdown", strerror(errno));
	write_all(fd, SUBSCRIBE
		  "{\"method\":\"steer/flush\",\"params\":[],\"id\":2}\n");
	nanosleep(&ts, NULL);
	close(fd);
	printf("{\"sent\": 2}\n");
}

/* One line from the control socket (a reply or an event), or NULL. */
static json_t *ctl_line(int fd, uint64_t deadline)
{
	for (;;) {
		char *nl = rlen ? memchr(rbuf, '\n', rlen) : NULL;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = mono_ns();
		ssize_t r;

		if (nl) {
			json_t *m = json_loadb(rbuf, nl - rbuf, 0, NULL);

			rlen -= nl + 1 - rbuf;
			memmove(rbuf, nl + 1, rlen);
			return m;
		}
		if (now >= deadline ||
		    poll(&pfd, 1, (deadline - now) / 1000000 + 1) <= 0)
			return NULL;
		r = read_more(fd);
		if (r <= 0)
			return NULL;
		rlen += r;
	}
}

static void ctl_first(const char *path, int mfd, uint32_t dpk, int n,
		      __be32 ip, int seconds)
{
	uint64_t deadline = mono_ns() + seconds * 1000000000ull;
	int fd = ctl_connect(path, 0), i, there = 0;
	json_t *m;
	char *ev;

	write_all(fd, SUBSCRIBE);
	/* The reply (the events so far), then the first new event. */
	while ((m = ctl_line(fd, deadline)) &&
	       !json_is_string(json_object_get(m, "method")))
		json_decref(m);
	if (!m)
		die("events", "no event before the deadline");
	for (i = 1; i <= n; i++)
		there += entry_there(mfd, dpk, i, ip);
	ev = json_dumps(json_array_get(json_object_get(m, "params"), 0),
			JSON_COMPACT);
	printf("{\"entries_at_first_event\": %d, \"event\": %s}\n", there,
	       ev ? ev : "null");
	free(ev);
	json_decref(m);
	close(fd);
}

static void ctl_raw(const char *path, int bytes)
{
	static const char head[] = "{\"method\":\"version\",\"params\":[\"",
			  tail[] = "\"],\"id\":7}\n";
	int fd = ctl_connect(path, 0), pad;
	char *line, *out;
	json_t *m;

	pad = bytes - (int)(sizeof(head) - 1) - (int)(sizeof(tail) - 1);
	if (pad < 0)
		die("ctl-raw", "BYTES too small");
	line = malloc(bytes + 1);
	if (!line)
		die("ctl-raw", "out of memory");
	memcpy(line, head, sizeof(head) - 1);
	memset(line + sizeof(head) - 1, 'a', pad);
	memcpy(line + sizeof(head) - 1 + pad, tail, sizeof(tail));
	write_all(fd, line);
	free(line);
	/* Done sending, as socat or a shell would be: the reply must
	 * still come. */
	shutdown(fd, SHUT_WR);
	m = ctl_line(fd, mono_ns() + 5000000000ull);
	out = m ? json_dumps(m, JSON_COMPACT) : NULL;
	printf("{\"reply\": %s}\n", out ? out : "null");
	free(out);
	json_decref(m);
	close(fd);
}

int main(int argc, char **argv)
{
	struct in_addr ip;
	int fd;

	if (argc == 7 && !strcmp(argv[1], "populate")) {
		fd = sb_connect(argv[2]);
		populate(fd, argv[3], argv[4], argv[5], atoi(argv[6]));
	} else if (argc == 9 && !strcmp(argv[1], "moves")) {
		if (inet_pton(AF_INET, argv[8], &ip) != 1)
			die(argv[8], "not an IPv4 address");
		fd = sb_connect(argv[2]);
		moves(fd, open_steer(argv[3]), atoi(argv[4]), argv[5],
		      atoi(argv[6]), argv[7], ip.s_addr);
	} else if (argc == 5 && !strcmp(argv[1], "commit")) {
		int fd = sb_connect(argv[2]);

		commit(fd, argv[3], argv[4]);
	} else if (argc == 9 && !strcmp(argv[1], "evac")) {
		if (inet_pton(AF_INET, argv[8], &ip) != 1)
			die(argv[8], "not an IPv4 address");
		fd = sb_connect(argv[2]);
		evac(fd, open_steer(argv[3]), atoi(argv[4]), argv[5],
		     atoi(argv[6]), argv[7], ip.s_addr);
	} else if (argc == 4 && !strcmp(argv[1], "scrape")) {
		scrape(argv[2], atoi(argv[3]));
	} else if (argc == 4 && !strcmp(argv[1], "ctl-stall")) {
		ctl_stall(argv[2], atoi(argv[3]));
	} else if (argc == 4 && !strcmp(argv[1], "ctl-raw")) {
		ctl_raw(argv[2], atoi(argv[3]));
	} else if (argc == 3 && !strcmp(argv[1], "ctl-shut")) {
		ctl_shut(argv[2]);
	} else if (argc == 8 && !strcmp(argv[1], "ctl-first")) {
		if (inet_pton(AF_INET, argv[6], &ip) != 1)
			die(argv[6], "not an IPv4 address");
		ctl_first(argv[2], open_steer(argv[3]), atoi(argv[4]),
			  atoi(argv[5]), ip.s_addr, atoi(argv[7]));
	} else {
		fprintf(stderr, "usage: see the comment at the top of "
			"user/agent/ovnmigd_bench.c\n");
		return 2;
	}
	return 0;
}
