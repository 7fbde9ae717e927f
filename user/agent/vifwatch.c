// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovnmig-vifwatch: print Open vSwitch VIF events from the agent's event
 * source (ovnmig.ko or rtnetlink), list the ports, show the module's
 * counters, or measure event latency.  One line per event, key=value
 * (or JSON with -j), so that tests and people read the same output.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include "lib/util.h"
#include "vifevents.h"

static const char *prog = "ovnmig-vifwatch";

static struct {
	bool json;
	int rcvbuf;		/* socket receive buffer, 0: the source's */
	long stall_ms;		/* read nothing for this long at first */
	long count;		/* stop after this many events, 0: never */
	long seen;
	const char *ifname;	/* only this device */
} opt;

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	(void)sig;
	stop_sig = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-s auto|kmod|rtnl] [-c COUNT] [-t MS] [-i IFNAME] [-j]\n"
		"          [--ready FILE] [--rcvbuf BYTES] [--stall MS]\n"
		"                                    print events until COUNT or MS\n"
		"       %s --dump [-s SRC] [-j]      list the OVS ports of this netns\n"
		"       %s --stats [-j]              ovnmig.ko counters of this netns\n"
		"       %s --bench IFNAME [-n N] [-s SRC] [-j]\n"
		"                                    latency of 'link down' to event\n"
		"Exit: 0 ok, 1 error, 2 usage, 3 timeout before COUNT events.\n",
		prog, prog, prog, prog);
}

static void print_event(void *ctx, const struct vif_event *ev)
{
	char mac[3 * sizeof(ev->mac) + 1] = "";
	int i, len = 0;

	(void)ctx;
	if (opt.ifname && strcmp(opt.ifname, ev->name))
		return;
	for (i = 0; i < ev->mac_len; i++)
		len += snprintf(mac + len, sizeof(mac) - len, "%s%02x",
				i ? ":" : "", ev->mac[i]);
	if (opt.json)
		printf("{\"seq\":%llu,\"ts_ns\":%llu,\"recv_ns\":%llu,"
		       "\"kind\":\"%s\",\"ifindex\":%u,\"name\":\"%s\","
		       "\"mac\":\"%s\",\"netns\":%u,\"operstate\":%u,"
		       "\"carrier\":%u,\"up\":%u,\"master\":%u,\"src\":\"%s\"}\n",
		       (unsigned long long)ev->seq,
		       (unsigned long long)ev->ts_ns,
		       (unsigned long long)ev->recv_ns,
		       vif_event_kind_name(ev->kind), ev->ifindex, ev->name,
		       mac, ev->netns_ino, ev->operstate, ev->carrier,
		       ev->admin_up, ev->master_ifindex,
		       vif_source_name(ev->source));
	else
		printf("seq=%llu ts=%llu recv=%llu kind=%s ifindex=%u name=%s "
		       "mac=%s netns=%u oper=%u carrier=%u up=%u master=%u "
		       "src=%s\n",
		       (unsigned long long)ev->seq,
		       (unsigned long long)ev->ts_ns,
		       (unsigned long long)ev->recv_ns,
		       vif_event_kind_name(ev->kind), ev->ifindex, ev->name,
		       mac[0] ? mac : "-", ev->netns_ino, ev->operstate,
		       ev->carrier, ev->admin_up, ev->master_ifindex,
		       vif_source_name(ev->source));
	fflush(stdout);
	opt.seen++;
}

static int watch(struct vif_events *ve, long timeout_ms, const char *ready)
{
	uint64_t end = timeout_ms ? mono_ns() + timeout_ms * 1000000ull : 0;
	struct pollfd pfd = { .fd = vif_events_fd(ve), .events = POLLIN };
	bool present = vif_events_present(ve);
	int ret, wait;

	if (ready) {
		FILE *f = fopen(ready, "w");

		if (!f) {
			fprintf(stderr, "%s: %s: %s\n", prog, ready,
				strerror(errno));
			return 1;
		}
		fprintf(f, "%s\n", vif_source_name(vif_events_source(ve)));
		fclose(f);
	}
	/* Tests use a stalled listener to make the kernel drop events. */
	if (opt.stall_ms)
		usleep(opt.stall_ms * 1000);
	/* SIGINT/SIGTERM end the watch normally (and print lost=). */
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	while (!stop_sig && (!opt.count || opt.seen < opt.count)) {
		wait = -1;
		if (end) {
			uint64_t now = mono_ns();

			if (now >= end) {
				vif_events_run(ve);	/* what is queued */
				break;
			}
			wait = (int)((end - now) / 1000000) + 1;
		}
		ret = poll(&pfd, 1, wait);
		if (ret < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			return 1;
		}
		if (ret <= 0)
			continue;
		ret = vif_events_run(ve);
		if (ret < 0) {
			fprintf(stderr, "%s: events: %s\n", prog, strerror(-ret));
			return 1;
		}
		if (present != vif_events_present(ve)) {
			present = !present;
			fprintf(stderr, present ?
				"%s: ovnmig.ko is back: events resume\n" :
				"%s: ovnmig.ko was unloaded: no events until it is loaded again\n",
				prog);
		}
	}
	/* Known losses (sequence gaps, overruns) go to stderr at the end. */
	fprintf(stderr, "%s: lost=%llu\n", prog,
		(unsigned long long)vif_events_lost(ve));
	if (vif_events_unloads(ve))
		fprintf(stderr, "%s: unloads=%llu\n", prog,
			(unsigned long long)vif_events_unloads(ve));
	return opt.count && opt.seen < opt.count ? 3 : 0;
}

static int stats(struct vif_events *ve)
{
	struct vif_stats st;
	int err = vif_events_stats(ve, &st);

	if (err) {
		fprintf(stderr, "%s: stats: %s\n", prog,
			err == -EOPNOTSUPP ? "ovnmig.ko is not loaded" :
					     strerror(-err));
		return 1;
	}
	if (opt.json)
		printf("{\"seq\":%llu,\"events\":%llu,\"sent\":%llu,"
		       "\"no_listener\":%llu,\"nobufs\":%llu,"
		       "\"alloc_fail\":%llu,\"ports\":%llu}\n",
		       (unsigned long long)st.seq, (unsigned long long)st.events,
		       (unsigned long long)st.sent,
		       (unsigned long long)st.no_listener,
		       (unsigned long long)st.nobufs,
		       (unsigned long long)st.alloc_fail,
		       (unsigned long long)st.ports);
	else
		printf("seq=%llu events=%llu sent=%llu no_listener=%llu "
		       "nobufs=%llu alloc_fail=%llu ports=%llu\n",
		       (unsigned long long)st.seq, (unsigned long long)st.events,
		       (unsigned long long)st.sent,
		       (unsigned long long)st.no_listener,
		       (unsigned long long)st.nobufs,
		       (unsigned long long)st.alloc_fail,
		       (unsigned long long)st.ports);
	return 0;
}

/*
 * ---- --bench: link down -> event latency ----
 * The listener is a thread blocked in poll(), as the agent's would be,
 * so an event counts as received when it wakes up, even while the
 * toggling thread is still inside the kernel (the module's going-down
 * comes before the device is actually closed; rtnetlink's message only
 * after).
 */
struct bench_wait {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct vif_events *ve;
	uint32_t ifindex;
	uint32_t want_mask;	/* kinds that end the wait */
	uint64_t recv_ns, ts_ns;
	bool got, stop;
};

static void bench_cb(void *ctx, const struct vif_event *ev)
{
	struct bench_wait *w = ctx;
	uint64_t now = mono_ns();

	pthread_mutex_lock(&w->lock);
	if (!w->got && ev->ifindex == w->ifindex &&
	    (w->want_mask & (1u << ev->kind))) {
		w->got = true;
		w->recv_ns = now;
		w->ts_ns = ev->ts_ns;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

static void *bench_listener(void *arg)
{
	struct bench_wait *w = arg;
	struct pollfd pfd = { .fd = vif_events_fd(w->ve), .events = POLLIN };

	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		if (poll(&pfd, 1, 100) > 0 && vif_events_run(w->ve) < 0)
			break;
	}
	return NULL;
}

static void bench_arm(struct bench_wait *w, uint32_t mask)
{
	pthread_mutex_lock(&w->lock);
	w->got = false;
	w->want_mask = mask;
	pthread_mutex_unlock(&w->lock);
}

/* Wait (5 s at most) for the armed kind; 0 or -ETIMEDOUT. */
static int bench_wait_for(struct bench_wait *w)
{
	struct timespec ts;
	int err = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	pthread_mutex_lock(&w->lock);
	while (!w->got && !err)
		err = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	err = w->got ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&w->lock);
	return err;
}

static int set_link(struct mnl_socket *rt, uint32_t ifindex, bool up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	int ret;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (mnl_socket_sendto(rt, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	ret = mnl_socket_recvfrom(rt, buf, sizeof(buf));
	if (ret < 0)
		return -errno;
	ret = mnl_cb_run(buf, ret, 1, mnl_socket_get_portid(rt), NULL, NULL);
	return ret < 0 ? -errno : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int bench(enum vif_source src, const char *ifname, long n)
{
	struct bench_wait w = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct mnl_socket *rt = NULL;
	uint64_t *lat = NULL, *klat = NULL, sum = 0, t0;
	bool started = false;
	pthread_t th;
	int err = 0, rc = 1;
	long i;

	w.ifindex = if_nametoindex(ifname);
	if (!w.ifindex) {
		fprintf(stderr, "%s: %s: %s\n", prog, ifname, strerror(errno));
		return 1;
	}
	lat = calloc(n, sizeof(*lat));
	klat = calloc(n, sizeof(*klat));
	w.ve = vif_events_open(src, bench_cb, &w);
	rt = mnl_socket_open(NETLINK_ROUTE);
	if (!lat || !klat || !w.ve || !rt ||
	    mnl_socket_bind(rt, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "%s: bench setup: %s\n", prog, strerror(errno));
		goto out;
	}
	err = -pthread_create(&th, NULL, bench_listener, &w);
	if (err)
		goto out;
	started = true;
	for (i = 0; i < n; i++) {
		/* Up first (unmeasured; no event if it was up already). */
		bench_arm(&w, 1u << OVNMIG_EV_UP);
		err = set_link(rt, w.ifindex, true);
		if (err)
			break;
		bench_wait_for(&w);
		usleep(2000);	/* let linkwatch settle the carrier */
		bench_arm(&w, (1u << OVNMIG_EV_GOING_DOWN) |
			      (1u << OVNMIG_EV_DOWN));
		t0 = mono_ns();
		err = set_link(rt, w.ifindex, false);
		if (!err)
			err = bench_wait_for(&w);
		if (err)
			break;
		lat[i] = w.recv_ns - t0;
		klat[i] = w.ts_ns > t0 ? w.ts_ns - t0 : 0;
		sum += lat[i];
	}
	if (err) {
		fprintf(stderr, "%s: bench: %s\n", prog, strerror(-err));
		goto out;
	}
	set_link(rt, w.ifindex, true);
	qsort(lat, n, sizeof(*lat), cmp_u64);
	qsort(klat, n, sizeof(*klat), cmp_u64);
	printf(opt.json ?
	       "{\"source\":\"%s\",\"n\":%ld,\"min_ns\":%llu,"
	       "\"median_ns\":%llu,\"p99_ns\":%llu,\"max_ns\":%llu,"
	       "\"mean_ns\":%llu,\"event_ts_median_ns\":%llu}\n" :
	       "source=%s n=%ld min_ns=%llu median_ns=%llu p99_ns=%llu "
	       "max_ns=%llu mean_ns=%llu event_ts_median_ns=%llu\n",
	       vif_source_name(vif_events_source(w.ve)), n,
	       (unsigned long long)lat[0], (unsigned long long)lat[n / 2],
	       (unsigned long long)lat[n * 99 / 100],
	       (unsigned long long)lat[n - 1],
	       (unsigned long long)(sum / n),
	       (unsigned long long)klat[n / 2]);
	rc = 0;
out:
	if (started) {
		__atomic_store_n(&w.stop, true, __ATOMIC_RELAXED);
		pthread_join(th, NULL);
	}
	if (rt)
		mnl_socket_close(rt);
	vif_events_close(w.ve);
	free(lat);
	free(klat);
	return rc;
}

static void dump_line(void *ctx, const struct vif_event *ev)
{
	print_event(ctx, ev);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "source", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ifname", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "ready", required_argument, NULL, 'r' },
		{ "rcvbuf", required_argument, NULL, 'R' },
		{ "stall", required_argument, NULL, 'T' },
		{ "dump", no_argument, NULL, 'd' },
		{ "stats", no_argument, NULL, 'S' },
		{ "bench", required_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum vif_source src = VIF_SRC_AUTO;
	const char *ready = NULL, *bench_if = NULL;
	bool do_dump = false, do_stats = false;
	struct vif_events *ve;
	long timeout_ms = 0, n = 100;
	int c, rc;

	while ((c = getopt_long(argc, argv, "s:c:t:i:jn:h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!strcmp(optarg, "auto"))
				src = VIF_SRC_AUTO;
			else if (!strcmp(optarg, "kmod"))
				src = VIF_SRC_KMOD;
			else if (!strcmp(optarg, "rtnl"))
				src = VIF_SRC_RTNL;
			else {
				fprintf(stderr, "%s: -s: unknown source %s\n",
					prog, optarg);
				return 2;
			}
			break;
		case 'c': opt.count = atol(optarg); break;
		case 't': timeout_ms = atol(optarg); break;
		case 'i': opt.ifname = optarg; break;
		case 'j': opt.json = true; break;
		case 'r': ready = optarg; break;
		case 'R': opt.rcvbuf = atoi(optarg); break;
		case 'T': opt.stall_ms = atol(optarg); break;
		case 'd': do_dump = true; break;
		case 'S': do_stats = true; src = VIF_SRC_KMOD; break;
		case 'b': bench_if = optarg; break;
		case 'n': n = atol(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || n <= 0) {
		usage(stderr);
		return 2;
	}
	if (bench_if)
		return bench(src, bench_if, n);

	ve = vif_events_open(src, print_event, NULL);
	if (!ve) {
		fprintf(stderr, "%s: open %s event source: %s\n", prog,
			vif_source_name(src),
			errno == ENOENT ? "ovnmig.ko is not loaded" :
			errno == EPERM ? "permission denied (needs CAP_NET_ADMIN)" :
			strerror(errno));
		return 1;
	}
	if (opt.rcvbuf &&
	    setsockopt(vif_events_fd(ve), SOL_SOCKET, SO_RCVBUFFORCE,
		       &opt.rcvbuf, sizeof(opt.rcvbuf)) < 0 &&
	    setsockopt(vif_events_fd(ve), SOL_SOCKET, SO_RCVBUF,
		       &opt.rcvbuf, sizeof(opt.rcvbuf)) < 0)
		fprintf(stderr, "%s: --rcvbuf: %s\n", prog, strerror(errno));
	if (do_stats) {
		rc = stats(ve);
	} else if (do_dump) {
		rc = vif_events_dump(ve, dump_line, NULL);
		if (rc < 0)
			fprintf(stderr, "%s: dump: %s\n", prog, strerror(-rc));
		rc = rc < 0;
	} else {
		rc = watch(ve, timeout_ms, ready);
	}
	vif_events_close(ve);
	return rc;
}
