// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe: the ovnmig traffic probe.
 *
 * UDP mode sends datagrams at a fixed rate (default 1 per ms) carrying a
 * stream id, a sequence number and the send time, and/or receives such a
 * stream and reports what a user of the link would see: sent, received,
 * lost, duplicates, reordered, the longest gap between arrivals and
 * every gap above a threshold with its start time.  One process may send
 * and receive at once, so both directions of a migrating VM's traffic
 * are measured by one process on each side.
 *
 * TCP mode keeps one connection streaming small timestamped records in
 * both directions and reports the longest stall between arrivals and
 * whether the connection survived.
 *
 * Every run is bounded by --count and --duration; the receiver stops at
 * the sender's END marker plus --linger, or at --duration + --wait.
 * Times are CLOCK_REALTIME nanoseconds so traces from several processes
 * on one machine share a timeline.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"

#define PROBE_MAGIC	0x4f4d5042u	/* "OMPB" */
#define F_DATA		1
#define F_END		2
#define MAX_SEQ		(16u << 20)	/* bounds the seen-bitmap: 2 MiB */
#define MAX_GAPS	4096
#define MAX_DURATION	3600
#define END_REPEAT	5

struct pkt {
	uint32_t magic;
	uint16_t flags;
	uint16_t pad;
	uint32_t stream;
	uint32_t pad2;
	uint64_t seq;
	uint64_t tx_ns;
	uint64_t total;		/* F_END: packets sent */
} __attribute__((packed));

struct gap {
	uint64_t start_ns;
	uint64_t ns;
	uint64_t after_seq;
	uint64_t before_seq;
};

static const char *prog = "probe";

struct opts {
	bool tcp;
	const char *send;	/* host:port to send to / connect to */
	const char *listen;	/* [host:]port to bind */
	double rate;
	uint64_t count;
	double duration;
	double wait;
	unsigned int linger_ms;
	unsigned int start_delay_ms;
	double gap_ms;
	unsigned int size;
	uint32_t stream;
	uint32_t rx_stream;
	const char *json;
	const char *trace;
	const char *ready;
};

static struct opts o = {
	.rate = 1000, .duration = 10, .wait = 5, .linger_ms = 500,
	.gap_ms = 2, .size = 64,
};

/* Receiver state, shared by UDP and TCP. */
struct rx {
	uint64_t arrivals, unique, dups, reordered, foreign, bytes, ends;
	uint64_t sent;
	bool sent_known, have_stream, ended, survived, connected;
	uint32_t stream;
	uint64_t max_seq;
	uint64_t first_ns, last_ns, last_seq;
	uint64_t longest_ns, longest_start_ns, longest_after, longest_before;
	uint64_t overflow;	/* datagrams the socket itself dropped */
	uint8_t *seen;
	struct gap gaps[MAX_GAPS];
	unsigned int ngaps, gaps_dropped;
	const char *error;
	FILE *trace;
};

static struct rx rx;

/* Sender state. */
static struct {
	uint64_t sent, bytes;
	uint64_t start_ns, end_ns;
	int err;
	const char *error;
} tx;

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* "host:port", "[v6]:port" or "port" (listen only). */
static int resolve(const char *spec, bool passive, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	char host[256] = "", port[16];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = { 0 }, *ai;
	int err;

	if (!colon) {
		if (!passive)
			return -EINVAL;
		snprintf(port, sizeof(port), "%s", spec);
	} else {
		size_t n = colon - spec;

		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, spec, n);
		host[n] = 0;
		if (host[0] == '[' && n > 1 && host[n - 1] == ']') {
			memmove(host, host + 1, n - 2);
			host[n - 2] = 0;
		}
		snprintf(port, sizeof(port), "%s", colon + 1);
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	hints.ai_socktype = o.tcp ? SOCK_STREAM : SOCK_DGRAM;
	if (!host[0] && passive) {
		/* Dual-stack wildcard. */
		hints.ai_family = AF_INET6;
	}
	err = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (err)
		return -EINVAL;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static void rx_gap_check(uint64_t t, uint64_t seq)
{
	uint64_t d;

	if (!rx.arrivals) {
		rx.first_ns = t;
		return;
	}
	d = t > rx.last_ns ? t - rx.last_ns : 0;
	if (d > rx.longest_ns) {
		rx.longest_ns = d;
		rx.longest_start_ns = rx.last_ns;
		rx.longest_after = rx.last_seq;
		rx.longest_before = seq;
	}
	if (d > (uint64_t)(o.gap_ms * 1e6)) {
		if (rx.ngaps < MAX_GAPS)
			rx.gaps[rx.ngaps++] = (struct gap){ rx.last_ns, d, rx.last_seq, seq };
		else
			rx.gaps_dropped++;
	}
}

/* One arrival of sequence number seq at time t. */
static void rx_record(uint64_t t, uint64_t seq)
{
	bool dup = false;

	rx_gap_check(t, seq);
	if (seq < MAX_SEQ) {
		uint8_t bit = 1u << (seq & 7);

		dup = rx.seen[seq >> 3] & bit;
		rx.seen[seq >> 3] |= bit;
	}
	if (dup) {
		rx.dups++;
	} else {
		if (rx.unique && seq < rx.max_seq)
			rx.reordered++;
		if (!rx.unique || seq > rx.max_seq)
			rx.max_seq = seq;
		rx.unique++;
	}
	rx.arrivals++;
	rx.last_ns = t;
	rx.last_seq = seq;
	if (rx.trace)
		fprintf(rx.trace, "%" PRIu64 " %" PRIu64 "%s\n", t, seq, dup ? " dup" : "");
}

/* Is this packet ours?  Locks on to the first stream id seen unless one was given. */
static bool rx_accept(const struct pkt *p)
{
	if (p->magic != PROBE_MAGIC)
		return false;
	if (!rx.have_stream) {
		if (o.rx_stream && p->stream != o.rx_stream)
			return false;
		rx.stream = p->stream;
		rx.have_stream = true;
	}
	return p->stream == rx.stream;
}

static void json_rx(FILE *f)
{
	uint64_t sent = rx.sent_known ? rx.sent : (rx.unique ? rx.max_seq + 1 : 0);
	unsigned int i;

	fprintf(f, "\"sent\": %" PRIu64 ", \"sent_known\": %s, ", sent,
		rx.sent_known ? "true" : "false");
	fprintf(f, "\"received\": %" PRIu64 ", \"arrivals\": %" PRIu64 ", ", rx.unique, rx.arrivals);
	fprintf(f, "\"lost\": %" PRIu64 ", \"duplicates\": %" PRIu64 ", \"reordered\": %" PRIu64 ", ",
		sent > rx.unique ? sent - rx.unique : 0, rx.dups, rx.reordered);
	fprintf(f, "\"socket_drops\": %" PRIu64 ", \"foreign\": %" PRIu64 ", \"end_markers\": %" PRIu64 ", ",
		rx.overflow, rx.foreign, rx.ends);
	fprintf(f, "\"first_ns\": %" PRIu64 ", \"last_ns\": %" PRIu64 ", ", rx.first_ns, rx.last_ns);
	fprintf(f, "\"longest_gap_ms\": %.3f, \"longest_gap_start_ns\": %" PRIu64 ", ",
		rx.longest_ns / 1e6, rx.longest_start_ns);
	fprintf(f, "\"longest_gap_after_seq\": %" PRIu64 ", \"longest_gap_before_seq\": %" PRIu64 ", ",
		rx.longest_after, rx.longest_before);
	fprintf(f, "\"gap_threshold_ms\": %g, \"gaps_dropped\": %u, \"gaps\": [", o.gap_ms, rx.gaps_dropped);
	for (i = 0; i < rx.ngaps; i++)
		fprintf(f, "%s{\"start_ns\": %" PRIu64 ", \"start_ms\": %.3f, \"ms\": %.3f, "
			"\"after_seq\": %" PRIu64 ", \"before_seq\": %" PRIu64 "}",
			i ? ", " : "", rx.gaps[i].start_ns,
			(rx.gaps[i].start_ns - rx.first_ns) / 1e6, rx.gaps[i].ns / 1e6,
			rx.gaps[i].after_seq, rx.gaps[i].before_seq);
	fprintf(f, "]");
}

static void write_json(void)
{
	FILE *f = stdout;

	if (o.json && strcmp(o.json, "-")) {
		f = fopen(o.json, "w");
		if (!f)
			die("%s: %s", o.json, strerror(errno));
	}
	fprintf(f, "{\"mode\": \"%s\"", o.tcp ? "tcp" : "udp");
	if (o.send || o.tcp)
		fprintf(f, ", \"tx\": {\"to\": \"%s\", \"sent\": %" PRIu64 ", \"bytes\": %" PRIu64
			", \"start_ns\": %" PRIu64 ", \"end_ns\": %" PRIu64
			", \"duration_ms\": %.3f, \"rate\": %g%s%s%s}",
			o.send ? o.send : o.listen, tx.sent, tx.bytes, tx.start_ns, tx.end_ns,
			tx.end_ns > tx.start_ns ? (tx.end_ns - tx.start_ns) / 1e6 : 0.0, o.rate,
			tx.error ? ", \"error\": \"" : "", tx.error ? tx.error : "",
			tx.error ? "\"" : "");
	if (o.listen || o.tcp) {
		fprintf(f, ", \"rx\": {");
		json_rx(f);
		if (o.tcp)
			fprintf(f, ", \"bytes\": %" PRIu64 ", \"connected\": %s, \"survived\": %s%s%s%s",
				rx.bytes, rx.connected ? "true" : "false",
				rx.survived ? "true" : "false",
				rx.error ? ", \"error\": \"" : "", rx.error ? rx.error : "",
				rx.error ? "\"" : "");
		fprintf(f, "}");
	}
	fprintf(f, "}\n");
	if (f != stdout)
		fclose(f);
}

/* ---- sending ---------------------------------------------------------- */

struct txarg {
	int fd;
	struct sockaddr_storage ss;
	socklen_t len;
};

static int send_one(struct txarg *a, const void *buf, size_t n)
{
	ssize_t r;

	if (o.tcp) {
		size_t off = 0;

		while (off < n) {
			r = send(a->fd, (const char *)buf + off, n - off, MSG_NOSIGNAL);
			if (r < 0) {
				if (errno == EINTR && !stop)
					continue;
				return -errno;
			}
			off += r;
		}
		return 0;
	}
	r = sendto(a->fd, buf, n, 0, (struct sockaddr *)&a->ss, a->len);
	/* A datagram refused locally (no route, neighbour) is a lost packet, not an error. */
	return r < 0 && errno != ENOBUFS && errno != EHOSTUNREACH && errno != ENETUNREACH &&
	       errno != ECONNREFUSED && errno != EAGAIN ? -errno : 0;
}

static void *tx_thread(void *arg)
{
	struct txarg *a = arg;
	uint64_t interval = (uint64_t)(1e9 / o.rate);
	uint64_t t0, next, end;
	char buf[65536] = { 0 };
	struct pkt *p = (struct pkt *)buf;
	size_t n = o.tcp ? sizeof(*p) : o.size;
	struct timespec ts;
	int i, err;

	if (o.start_delay_ms)
		usleep(o.start_delay_ms * 1000);
	t0 = mono_ns();
	end = t0 + (uint64_t)(o.duration * 1e9);
	next = t0;
	tx.start_ns = clock_ns(CLOCK_REALTIME);
	p->magic = PROBE_MAGIC;
	p->stream = o.stream;
	while (!stop && tx.sent < o.count) {
		uint64_t now = mono_ns();

		if (now >= end)
			break;
		if (next > now) {
			ts.tv_sec = next / 1000000000ull;
			ts.tv_nsec = next % 1000000000ull;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		p->flags = F_DATA;
		p->seq = tx.sent;
		p->tx_ns = clock_ns(CLOCK_REALTIME);
		err = send_one(a, buf, n);
		if (err) {
			tx.error = strerror(-err);
			break;
		}
		tx.sent++;
		tx.bytes += n;
		/* Late (scheduler, emulation): keep the rate, do not burst to catch up. */
		next += interval;
		now = mono_ns();
		if (next + interval < now)
			next = now;
	}
	tx.end_ns = clock_ns(CLOCK_REALTIME);
	p->flags = F_END;
	p->total = tx.sent;
	/* END only after a complete run: an interrupted sender is not "done". */
	for (i = 0; i < (o.tcp ? 1 : END_REPEAT) && !tx.error && !stop; i++) {
		p->tx_ns = clock_ns(CLOCK_REALTIME);
		if (send_one(a, buf, n))
			break;
		usleep(1000);
	}
	if (o.tcp)
		shutdown(a->fd, SHUT_WR);
	return NULL;
}

/* ---- receiving -------------------------------------------------------- */

static uint64_t rx_deadline(uint64_t start)
{
	return start + (uint64_t)((o.duration + o.wait + o.start_delay_ms / 1e3) * 1e9);
}

static void udp_rx_loop(int fd)
{
	uint64_t start = mono_ns(), deadline = rx_deadline(start);
	uint64_t end_at = 0;
	char buf[65536], cbuf[256];

	for (;;) {
		uint64_t now = mono_ns(), limit = end_at ? end_at : deadline;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct pollfd pfd = { fd, POLLIN, 0 };
		struct cmsghdr *c;
		struct pkt *p = (struct pkt *)buf;
		uint64_t t = 0;
		ssize_t n;

		if (stop || now >= limit)
			break;
		if (poll(&pfd, 1, (limit - now) / 1000000 + 1) <= 0)
			continue;
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			continue;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				t = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
			} else if (c->cmsg_type == SO_RXQ_OVFL) {
				uint32_t ov;

				memcpy(&ov, CMSG_DATA(c), sizeof(ov));
				rx.overflow = ov;
			}
		}
		if (!t)
			t = clock_ns(CLOCK_REALTIME);
		if ((size_t)n < sizeof(*p) || !rx_accept(p)) {
			rx.foreign++;
			continue;
		}
		if (p->flags & F_END) {
			rx.sent = p->total;
			rx.sent_known = true;
			rx.ends++;
			if (!end_at)
				end_at = mono_ns() + o.linger_ms * 1000000ull;
			continue;
		}
		rx_record(t, p->seq);
	}
}

static void tcp_rx_loop(int fd)
{
	uint64_t start = mono_ns(), deadline = rx_deadline(start);
	char buf[sizeof(struct pkt)];
	size_t have = 0;

	for (;;) {
		uint64_t now = mono_ns();
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;

		if (stop || now >= deadline) {
			rx.error = stop ? "interrupted" : "timed out before the peer finished";
			return;
		}
		if (poll(&pfd, 1, (deadline - now) / 1000000 + 1) <= 0)
			continue;
		n = recv(fd, buf + have, sizeof(buf) - have, MSG_DONTWAIT);
		if (n == 0) {
			/* Clean EOF: survived if the peer's END came first. */
			rx.survived = rx.ended;
			if (!rx.ended)
				rx.error = "EOF before END";
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			rx.error = strerror(errno);
			return;
		}
		rx.bytes += n;
		have += n;
		if (have < sizeof(buf))
			continue;
		have = 0;
		{
			struct pkt *p = (struct pkt *)buf;

			if (!rx_accept(p)) {
				rx.error = "garbage on the stream";
				return;
			}
			if (p->flags & F_END) {
				rx.sent = p->total;
				rx.sent_known = true;
				rx.ended = true;
				continue;
			}
			rx_record(clock_ns(CLOCK_REALTIME), p->seq);
		}
	}
}

static int udp_socket(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_DGRAM, 0), one = 1, buf = 4 << 20;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6) {
		int zero = 0;

		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	}
	return fd;
}

/* Tell a script, without polling sockets, that packets can be sent now. */
static void signal_ready(void)
{
	FILE *f;

	if (!o.ready)
		return;
	f = fopen(o.ready, "w");
	if (!f)
		die("%s: %s", o.ready, strerror(errno));
	fclose(f);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: probe [udp|tcp] [--send HOST:PORT] [--listen [HOST:]PORT] [options]\n"
"  udp (default)      datagrams at --rate; receiver reports loss, dups, reorder, gaps\n"
"  tcp                one connection (--send connects, --listen accepts one),\n"
"                     records at --rate both ways; reports stalls and survival\n"
"  -s, --send ADDR    send to (udp) or connect to (tcp) HOST:PORT ([v6]:PORT)\n"
"  -l, --listen ADDR  receive on [HOST:]PORT\n"
"  -r, --rate PPS     packets per second (default 1000)\n"
"  -c, --count N      at most N packets (default rate * duration)\n"
"  -d, --duration S   send for at most S seconds (default 10, max %d)\n"
"  -w, --wait S       receiver waits at most duration + S for the END (default 5)\n"
"      --linger MS    receiver keeps listening MS after END (default 500)\n"
"      --start-delay MS  wait before sending (start the peer's receiver)\n"
"  -g, --gap-ms MS    report every gap between arrivals above MS (default 2)\n"
"      --size BYTES   UDP payload size (default 64)\n"
"      --stream ID    stream id to send (default random)\n"
"      --rx-stream ID accept only this stream (default: the first one seen)\n"
"  -j, --json FILE    result JSON (default stdout)\n"
"  -t, --trace FILE   one line per arrival: \"t_ns seq\" (+\" dup\")\n"
"      --ready FILE   create FILE once the receiving socket is bound\n"
"Exit: 0 done, 1 a send or TCP error, 2 usage or setup error.\n", MAX_DURATION);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "send", 1, NULL, 's' }, { "listen", 1, NULL, 'l' },
		{ "rate", 1, NULL, 'r' }, { "count", 1, NULL, 'c' },
		{ "duration", 1, NULL, 'd' }, { "wait", 1, NULL, 'w' },
		{ "linger", 1, NULL, 'L' }, { "start-delay", 1, NULL, 'D' },
		{ "gap-ms", 1, NULL, 'g' }, { "size", 1, NULL, 'S' },
		{ "stream", 1, NULL, 'i' }, { "rx-stream", 1, NULL, 'I' }, { "json", 1, NULL, 'j' },
		{ "trace", 1, NULL, 't' }, { "ready", 1, NULL, 'R' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct txarg a = { .fd = -1 };
	struct sockaddr_storage lss;
	socklen_t llen;
	pthread_t th;
	bool th_started = false;
	int c, rfd = -1;

	while ((c = getopt_long(argc, argv, "s:l:r:c:d:w:g:j:t:h", lo, NULL)) != -1) {
		switch (c) {
		case 's': o.send = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'r': o.rate = atof(optarg); break;
		case 'c': o.count = strtoull(optarg, NULL, 0); break;
		case 'd': o.duration = atof(optarg); break;
		case 'w': o.wait = atof(optarg); break;
		case 'L': o.linger_ms = atoi(optarg); break;
		case 'D': o.start_delay_ms = atoi(optarg); break;
		case 'g': o.gap_ms = atof(optarg); break;
		case 'S': o.size = atoi(optarg); break;
		case 'i': o.stream = strtoul(optarg, NULL, 0); break;
		case 'I': o.rx_stream = strtoul(optarg, NULL, 0); break;
		case 'j': o.json = optarg; break;
		case 't': o.trace = optarg; break;
		case 'R': o.ready = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		if (!strcmp(argv[optind], "tcp"))
			o.tcp = true;
		else if (strcmp(argv[optind], "udp"))
			die("unknown mode: %s (udp or tcp)", argv[optind]);
		optind++;
	}
	if (optind < argc)
		die("unexpected argument: %s", argv[optind]);
	if (!o.send && !o.listen)
		die("nothing to do: give --send and/or --listen");
	if (o.tcp && o.send && o.listen)
		die("tcp: either --send (connect) or --listen (accept), not both");
	if (o.rate <= 0 || o.rate > 1e6)
		die("--rate: must be in (0, 1000000]");
	if (o.duration <= 0 || o.duration > MAX_DURATION)
		die("--duration: must be in (0, %d]", MAX_DURATION);
	if (o.size < sizeof(struct pkt) || o.size > 65000)
		die("--size: must be in [%zu, 65000]", sizeof(struct pkt));
	if (!o.count)
		o.count = (uint64_t)(o.rate * o.duration);
	if (o.count > MAX_SEQ)
		die("--count: at most %u", MAX_SEQ);
	if (!o.stream)
		o.stream = (uint32_t)getpid() ^ (uint32_t)clock_ns(CLOCK_REALTIME);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	if (o.listen || o.tcp) {
		rx.seen = calloc(MAX_SEQ / 8, 1);
		if (!rx.seen)
			die("out of memory");
		if (o.trace) {
			rx.trace = fopen(o.trace, "w");
			if (!rx.trace)
				die("%s: %s", o.trace, strerror(errno));
		}
	}
	if (o.send && resolve(o.send, false, &a.ss, &a.len))
		die("--send %s: not HOST:PORT with a numeric address", o.send);
	if (o.listen && resolve(o.listen, true, &lss, &llen))
		die("--listen %s: not [HOST:]PORT with a numeric address", o.listen);

	if (!o.tcp) {
		if (o.listen) {
			rfd = udp_socket(&lss);
			if (bind(rfd, (struct sockaddr *)&lss, llen))
				die("bind %s: %s", o.listen, strerror(errno));
			signal_ready();
		}
		if (o.send) {
			a.fd = rfd >= 0 && lss.ss_family == AF_INET6 ? rfd : socket(a.ss.ss_family, SOCK_DGRAM, 0);
			if (a.fd < 0)
				die("socket: %s", strerror(errno));
			if (a.fd == rfd && a.ss.ss_family == AF_INET) {
				/* v4 peer from a dual-stack socket: use the mapped form. */
				struct sockaddr_in *s4 = (struct sockaddr_in *)&a.ss;
				struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = s4->sin_port };

				s6.sin6_addr.s6_addr[10] = 0xff;
				s6.sin6_addr.s6_addr[11] = 0xff;
				memcpy(&s6.sin6_addr.s6_addr[12], &s4->sin_addr, 4);
				memcpy(&a.ss, &s6, sizeof(s6));
				a.len = sizeof(s6);
			}
			if (pthread_create(&th, NULL, tx_thread, &a))
				die("pthread_create: failed");
			th_started = true;
		}
		if (rfd >= 0)
			udp_rx_loop(rfd);
	} else {
		int one = 1;

		if (o.listen) {
			int lfd = socket(lss.ss_family, SOCK_STREAM, 0), zero = 0;
			struct pollfd pfd;

			if (lfd < 0)
				die("socket: %s", strerror(errno));
			setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (lss.ss_family == AF_INET6)
				setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
			if (bind(lfd, (struct sockaddr *)&lss, llen) || listen(lfd, 1))
				die("listen %s: %s", o.listen, strerror(errno));
			signal_ready();
			pfd = (struct pollfd){ lfd, POLLIN, 0 };
			if (poll(&pfd, 1, (int)((o.duration + o.wait) * 1000)) <= 0)
				die("listen %s: no connection within %.0f s", o.listen, o.duration + o.wait);
			a.fd = accept(lfd, NULL, NULL);
			if (a.fd < 0)
				die("accept: %s", strerror(errno));
			close(lfd);
		} else {
			uint64_t end = mono_ns() + (uint64_t)(o.wait * 1e9);

			/* The listener may start a little later: retry, bounded. */
			for (;;) {
				a.fd = socket(a.ss.ss_family, SOCK_STREAM, 0);
				if (a.fd < 0)
					die("socket: %s", strerror(errno));
				if (!connect(a.fd, (struct sockaddr *)&a.ss, a.len))
					break;
				close(a.fd);
				if (stop || mono_ns() > end)
					die("connect %s: %s", o.send, strerror(errno));
				usleep(50000);
			}
		}
		rx.connected = true;
		setsockopt(a.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&th, NULL, tx_thread, &a))
			die("pthread_create: failed");
		th_started = true;
		tcp_rx_loop(a.fd);
		if (!rx.survived)
			stop = 1;
	}
	if (th_started)
		pthread_join(th, NULL);
	if (rx.trace)
		fclose(rx.trace);
	write_json();
	return tx.error || (o.tcp && !rx.survived) ? 1 : 0;
}
