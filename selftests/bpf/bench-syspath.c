// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-syspath: what attaching the programs costs the host, not what
 * the programs cost alone (bench-datapath measures that with
 * BPF_PROG_TEST_RUN, which cannot see an XDP mode's copy, a lost GSO or
 * a qdisc).  Two network namespaces joined by a veth pair, as the lab's
 * chassis are joined to their underlay; the receiving end (veth1) plays
 * the underlay NIC of a chassis and gets bounce, the sending end (veth0)
 * gets steer on TC egress.  Three loads cross the pair:
 *
 *   udp   OVN-shaped Geneve packets (UDP 6081, one OVN option, a small
 *         inner frame) sent in batches: packets per second received;
 *   rtt   one such packet at a time, echoed back: round-trip latency;
 *   tcp   one TCP stream, as the chassis' own OVSDB and OpenFlow
 *         connections: Mbit/s.
 *
 * Every configuration runs in every round, in turn, so a change of the
 * host's load spreads over all of them; the table gives medians over
 * the rounds and each configuration's ratio to "none" from the same
 * rounds.  Programs are idle, as on a host with no migration: bounce's
 * and steer's config say no entries, the agent's lease is fresh.
 *
 * Usage: bench-syspath JSONFILE [ROUNDS]   (root: netns, BPF)
 * Network: private namespaces, 198.18.0.1 (receiver) and 198.18.0.2.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ovnmig/abi.h>
#include "bench.h"
#include "lib/clock.h"
#include "pkt.h"
#include "bounce.skel.h"
#include "steer.skel.h"

#define PROG		"bench-syspath"
#define RX_ADDR		"198.18.0.1"
#define TX_ADDR		"198.18.0.2"
#define TCP_PORT	16642
#define UDP_BATCH	32
#define UDP_PACKETS	(64 * 1024)
#define RTT_COUNT	2000
#define RTT_WAIT_MS	200
#define TCP_BYTES	(64u << 20)
#define TCP_CHUNK	(64u << 10)
#define MAX_ROUNDS	21

static char ns_tx[48], ns_rx[48];

enum attach { NONE, XDP_PASS_SKB, XDP_PASS_DRV, BOUNCE_SKB, BOUNCE_DRV,
	      STEER_TC, NCONF };

static const char *const conf_name[NCONF] = {
	[NONE]		= "none",
	[XDP_PASS_SKB]	= "xdp_pass generic",
	[XDP_PASS_DRV]	= "xdp_pass native",
	[BOUNCE_SKB]	= "bounce generic",
	[BOUNCE_DRV]	= "bounce native",
	[STEER_TC]	= "steer tc egress",
};

enum load { UDP, UDP_CPU, RTT, TCP, NLOAD };

static const char *const load_name[NLOAD] = { "udp_pps", "udp_cpu_ns",
					       "rtt_us", "tcp_mbit" };

static double result[NCONF][NLOAD][MAX_ROUNDS];
/* How long attaching and detaching took (us): is it fast enough to be
 * on a migration's path (attach only while forwarding entries exist)? */
static double attach_us[NCONF][MAX_ROUNDS], detach_us[NCONF][MAX_ROUNDS];

static int run(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc)
		fprintf(stderr, PROG ": '%s' failed (%d)\n", cmd, rc);
	return rc;
}

static void teardown(void)
{
	/* Whatever of them exists; a failure leaves nothing to clean. */
	run("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null; true",
	    ns_tx, ns_rx);
}

static int setup(void)
{
	snprintf(ns_tx, sizeof(ns_tx), "ovnmig-bench-tx-%d", getpid());
	snprintf(ns_rx, sizeof(ns_rx), "ovnmig-bench-rx-%d", getpid());
	atexit(teardown);
	return run("ip netns add %s && ip netns add %s", ns_tx, ns_rx) ||
	       run("ip -n %s link add veth0 type veth peer name veth1 "
		   "netns %s", ns_tx, ns_rx) ||
	       run("ip -n %s link set lo up && ip -n %s link set lo up",
		   ns_tx, ns_rx) ||
	       run("ip -n %s addr add " TX_ADDR "/24 dev veth0 && "
		   "ip -n %s link set veth0 up", ns_tx, ns_tx) ||
	       run("ip -n %s addr add " RX_ADDR "/24 dev veth1 && "
		   "ip -n %s link set veth1 up", ns_rx, ns_rx);
}

/* Move the calling thread into netns @name. */
static int enter(const char *name)
{
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

static struct sockaddr_in addr_of(const char *a, int port)
{
	struct sockaddr_in s = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

/* The UDP payload of an OVN Geneve packet (pkt.h builds the frame). */
static uint8_t geneve[256];
static size_t geneve_len;

static void geneve_build(void)
{
	uint8_t frame[2048];
	struct pkt_spec s;
	size_t n;

	pkt_default(&s);
	s.saddr = inet_addr(TX_ADDR);
	s.daddr = inet_addr(RX_ADDR);
	n = pkt_build(&s, frame);
	geneve_len = n - 14 - 20 - 8;
	if (geneve_len > sizeof(geneve))
		geneve_len = sizeof(geneve);
	memcpy(geneve, frame + 14 + 20 + 8, geneve_len);
}

struct job {
	enum load load;
	int ready_fd;		/* receiver writes one byte when bound */
	int done;		/* the sender has sent everything */
	uint64_t cpu;		/* the receiver thread's CPU time, ns */
	uint64_t count;		/* packets or bytes received */
	double value;
	int err;
};

static int udp_socket(const char *a, int port)
{
	struct sockaddr_in s = addr_of(a, port);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int buf = 4 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&s, sizeof(s))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void set_timeout(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Receiver side (the "chassis" with bounce on veth1). */
static void *receiver(void *arg)
{
	struct job *j = arg;
	uint8_t buf[TCP_CHUNK];
	char one = 1;
	int fd, lfd = -1;

	if (enter(ns_rx)) {
		j->err = errno;
		return NULL;
	}
	if (j->load == TCP) {
		struct sockaddr_in s = addr_of(RX_ADDR, TCP_PORT);
		int on = 1;

		lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&s, sizeof(s)) ||
		    listen(lfd, 1)) {
			j->err = errno;
			return NULL;
		}
		if (write(j->ready_fd, &one, 1) != 1)
			return NULL;
		set_timeout(lfd, 5000);
		fd = accept(lfd, NULL, NULL);
		close(lfd);
		if (fd < 0) {
			j->err = errno;
			return NULL;
		}
		set_timeout(fd, 2000);
		for (;;) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n < 0 && errno == EAGAIN &&
			    !__atomic_load_n(&j->done, __ATOMIC_ACQUIRE))
				continue;	/* a loaded host's pause */
			if (n <= 0)
				break;
			j->count += n;
		}
		close(fd);
		return NULL;
	}
	fd = udp_socket(RX_ADDR, OVNMIG_GENEVE_UDP_PORT);
	if (fd < 0) {
		j->err = errno;
		return NULL;
	}
	if (write(j->ready_fd, &one, 1) != 1)
		return NULL;
	/* Quiet for RTT_WAIT_MS after the sender stopped: done (a loaded
	 * host may pause longer than that mid-stream). */
	set_timeout(fd, RTT_WAIT_MS);
	/* CPU time of this thread: softirq receive work done in its
	 * context included, the host's other load excluded. */
	j->cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n < 0 && __atomic_load_n(&j->done, __ATOMIC_ACQUIRE))
			break;
		if (n < 0)
			continue;
		j->count++;
		if (j->load == RTT)
			sendto(fd, buf, n, 0, (struct sockaddr *)&from, fl);
	}
	j->cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - j->cpu;
	close(fd);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[MAX_ROUNDS > RTT_COUNT ? MAX_ROUNDS : RTT_COUNT];

	if (n <= 0)
		return -1;
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* Sender side; returns the figure of @load (see load_name). */
static double send_load(enum load load, uint64_t *received, int *err,
			double *udp_cpu)
{
	struct sockaddr_in dst = addr_of(RX_ADDR, OVNMIG_GENEVE_UDP_PORT);
	struct job j = { .load = load };
	uint64_t t0, t1 = 0;
	double value = -1;
	pthread_t th;
	int pfd[2], fd = -1;
	char c;

	if (pipe(pfd))
		return -1;
	j.ready_fd = pfd[1];
	if (pthread_create(&th, NULL, receiver, &j)) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (read(pfd[0], &c, 1) != 1)
		goto join;
	if (load == TCP) {
		struct sockaddr_in s = addr_of(RX_ADDR, TCP_PORT);
		static uint8_t chunk[TCP_CHUNK];
		uint64_t sent = 0;

		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&s, sizeof(s)))
			goto fail;
		t0 = mono_ns();
		while (sent < TCP_BYTES) {
			ssize_t n = write(fd, chunk, sizeof(chunk));

			if (n <= 0)
				goto fail;
			sent += n;
		}
		shutdown(fd, SHUT_WR);
		/* The receiver closes after reading everything. */
		while (read(fd, chunk, sizeof(chunk)) > 0)
			;
		t1 = mono_ns();
		close(fd);
		__atomic_store_n(&j.done, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		value = j.count * 8.0 / ((t1 - t0) / 1e3);	/* Mbit/s */
		goto done;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)))
		goto fail;
	if (load == UDP) {
		struct mmsghdr m[UDP_BATCH];
		struct iovec iov = { geneve, geneve_len };
		unsigned sent = 0, i;

		memset(m, 0, sizeof(m));
		for (i = 0; i < UDP_BATCH; i++) {
			m[i].msg_hdr.msg_iov = &iov;
			m[i].msg_hdr.msg_iovlen = 1;
		}
		uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);

		t0 = mono_ns();
		while (sent < UDP_PACKETS) {
			int n = sendmmsg(fd, m, UDP_BATCH, 0);

			if (n <= 0 && errno != ENOBUFS && errno != EAGAIN &&
			    errno != ECONNREFUSED)
				goto fail;
			if (n > 0)
				sent += n;
		}
		t1 = mono_ns();
		c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
		close(fd);
		__atomic_store_n(&j.done, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		value = j.count / ((t1 - t0) / 1e9);
		if (j.count)
			*udp_cpu = (double)(c0 + j.cpu) / j.count;
		goto done;
	} else {
		static double rtt[RTT_COUNT];
		uint8_t buf[512];
		int i, got = 0;

		set_timeout(fd, RTT_WAIT_MS);
		for (i = 0; i < RTT_COUNT; i++) {
			t0 = mono_ns();
			if (send(fd, geneve, geneve_len, 0) < 0)
				continue;
			if (recv(fd, buf, sizeof(buf), 0) < 0)
				continue;	/* lost: not a sample */
			rtt[got++] = (mono_ns() - t0) / 1e3;
		}
		close(fd);
		__atomic_store_n(&j.done, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		value = median(rtt, got);
		goto done;
	}
fail:
	*err = errno;
	if (fd >= 0)
		close(fd);
join:
	__atomic_store_n(&j.done, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
done:
	close(pfd[0]);
	close(pfd[1]);
	if (j.err)
		*err = j.err;
	*received = j.count;
	return value;
}

/* Attach/detach: programs loaded once, attached per configuration. */
static struct bounce *bo;
static struct steer *st;
static int rx_ifindex, tx_ifindex, xdp_pass_fd;

static int attach(enum attach a, int on)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, tco, .handle = 1, .priority = 1);
	int skb = a == XDP_PASS_SKB || a == BOUNCE_SKB;
	__u32 mode = skb ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	int fd, rc;

	switch (a) {
	case NONE:
		return 0;
	case STEER_TC:
		if (enter(ns_tx))
			return -errno;
		hook.ifindex = tx_ifindex;
		if (!on) {
			/* Both points: removes the clsact qdisc itself. */
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			rc = bpf_tc_hook_destroy(&hook);
			return rc == -ENOENT ? 0 : rc;
		}
		rc = bpf_tc_hook_create(&hook);
		if (rc && rc != -EEXIST)
			return rc;
		tco.prog_fd = bpf_program__fd(st->progs.steer);
		return bpf_tc_attach(&hook, &tco);
	default:
		if (enter(ns_rx))
			return -errno;
		fd = a == XDP_PASS_SKB || a == XDP_PASS_DRV ? xdp_pass_fd :
		     bpf_program__fd(bo->progs.bounce);
		return bpf_xdp_attach(rx_ifindex, on ? fd : -1, mode, NULL);
	}
}

static void no_pin(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		bpf_map__set_pin_path(m, NULL);
}

static int load_programs(void)
{
	struct ovnmig_config cfg = { .lease_ns = mono_ns() + 36e11 };
	struct bpf_object *pass;
	__u32 zero = 0;

	bo = bounce__open();
	st = steer__open();
	pass = bpf_object__open_file(BUILD_DIR "/selftests/bpf/xdp_pass.bpf.o",
				     NULL);
	if (!bo || !st || !pass)
		return -1;
	no_pin(bo->obj);
	no_pin(st->obj);
	if (bounce__load(bo) || steer__load(st) || bpf_object__load(pass))
		return -1;
	xdp_pass_fd = bpf_program__fd(bpf_object__next_program(pass, NULL));
	/* Idle, as on a host without a migration: lease fresh, no entries. */
	cfg.local_v4 = inet_addr(RX_ADDR);
	if (bpf_map_update_elem(bpf_map__fd(bo->maps.ovnmig_config), &zero,
				&cfg, 0) ||
	    bpf_map_update_elem(bpf_map__fd(st->maps.ovnmig_config), &zero,
				&cfg, 0))
		return -1;
	return 0;
}

static __u64 idle_count(int map_fd, int id)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 v[ncpu > 0 ? ncpu : 1], sum = 0;
	int i;

	if (ncpu <= 0 || bpf_map_lookup_elem(map_fd, &id, v))
		return 0;
	for (i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	double load0 = load_avg(), load1;
	uint64_t seen[NCONF][NLOAD] = { { 0 } };
	int r, c, l, err = 0;
	struct utsname u;
	FILE *out;

	/* A receiver gone early must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: " PROG " JSONFILE [ROUNDS 1..%d]\n",
			MAX_ROUNDS);
		return 2;
	}
	/* Before minutes of measuring: the file can be written. */
	out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, PROG ": %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (setup()) {
		fprintf(stderr, PROG ": cannot set up the namespaces\n");
		return 1;
	}
	if (load_programs()) {
		fprintf(stderr, PROG ": loading the programs: %s\n",
			strerror(errno));
		return 1;
	}
	if (enter(ns_rx) || !(rx_ifindex = if_nametoindex("veth1")) ||
	    enter(ns_tx) || !(tx_ifindex = if_nametoindex("veth0"))) {
		fprintf(stderr, PROG ": veth pair: %s\n", strerror(errno));
		return 1;
	}
	geneve_build();
	for (r = 0; r < rounds; r++) {
		for (c = 0; c < NCONF; c++) {
			uint64_t t0 = mono_ns();
			int rc = attach(c, 1);

			attach_us[c][r] = (mono_ns() - t0) / 1e3;
			if (rc) {
				fprintf(stderr, PROG ": attach %s: %s\n",
					conf_name[c], strerror(-rc));
				return 1;
			}
			if (enter(ns_tx))
				return 1;
			for (l = 0; l < NLOAD; l++) {
				uint64_t got = 0;

				if (l == UDP_CPU)
					continue;	/* from the UDP run */
				result[c][l][r] = send_load(l, &got, &err,
							    &result[c][UDP_CPU][r]);
				seen[c][l] += got;
				if (err) {
					fprintf(stderr, PROG ": %s %s: %s\n",
						conf_name[c], load_name[l],
						strerror(err));
					return 1;
				}
			}
			t0 = mono_ns();
			rc = attach(c, 0);
			detach_us[c][r] = (mono_ns() - t0) / 1e3;
			if (rc) {
				fprintf(stderr, PROG ": detach %s: %s\n",
					conf_name[c], strerror(-rc));
				return 1;
			}
		}
	}
	load1 = load_avg();
	/* The programs saw the traffic (not a bench of nothing). */
	if (!idle_count(bpf_map__fd(bo->maps.ovnmig_stats),
			OVNMIG_STAT_BOUNCE_IDLE) ||
	    !idle_count(bpf_map__fd(st->maps.ovnmig_stats),
			OVNMIG_STAT_STEER_IDLE)) {
		fprintf(stderr, PROG ": the programs counted no packet\n");
		return 1;
	}

	uname(&u);
	fprintf(out, "{\"bench\":\"syspath\",\"kernel\":\"%s\",\"rounds\":%d,"
		"\"load_before\":%.2f,\"load_after\":%.2f,\"udp_packets\":%d,"
		"\"udp_payload\":%zu,\"rtt_count\":%d,\"tcp_bytes\":%u,"
		"\"cases\":[", u.release, rounds, load0, load1, UDP_PACKETS,
		geneve_len, RTT_COUNT, TCP_BYTES);
	printf("%-18s %10s %6s %9s %6s %7s %6s %10s %6s %9s %9s\n",
	       "attached", "udp pkt/s", "ratio", "cpu ns/pkt", "ratio",
	       "rtt us", "ratio", "tcp Mbit/s", "ratio", "attach us",
	       "detach us");
	for (c = 0; c < NCONF; c++) {
		double m[NLOAD], base[NLOAD];

		for (l = 0; l < NLOAD; l++) {
			m[l] = median(result[c][l], rounds);
			base[l] = median(result[NONE][l], rounds);
		}
		printf("%-18s %10.0f %6.3f %9.0f %6.3f %7.1f %6.3f %10.0f %6.3f "
		       "%9.0f %9.0f\n", conf_name[c], m[UDP], m[UDP] / base[UDP],
		       m[UDP_CPU], m[UDP_CPU] / base[UDP_CPU], m[RTT],
		       m[RTT] / base[RTT], m[TCP], m[TCP] / base[TCP],
		       median(attach_us[c], rounds),
		       median(detach_us[c], rounds));
		fprintf(out, "%s{\"attached\":\"%s\",\"attach_us\":%.1f,"
			"\"detach_us\":%.1f", c ? "," : "", conf_name[c],
			median(attach_us[c], rounds),
			median(detach_us[c], rounds));
		for (l = 0; l < NLOAD; l++) {
			fprintf(out, ",\"%s\":{\"median\":%.3f,"
				"\"ratio_to_none\":%.4f,\"received\":%llu,"
				"\"rounds\":[", load_name[l], m[l],
				m[l] / base[l],
				(unsigned long long)seen[c][l]);
			for (r = 0; r < rounds; r++)
				fprintf(out, "%s%.3f", r ? "," : "",
					result[c][l][r]);
			fprintf(out, "]}");
		}
		fprintf(out, "}");
	}
	fprintf(out, "]}\n");
	fclose(out);
	printf("host load %.2f -> %.2f (1-min average, 2 cores), %d rounds, "
	       "medians; ratio = this / none from the same rounds\n",
	       load0, load1, rounds);
	return 0;
}
