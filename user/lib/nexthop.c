// SPDX-License-Identifier: GPL-2.0-only
/*
 * bounce's next-hop cache: rtnetlink lookups and events (nexthop.h).
 * Plain netlink sockets, no library: three small requests and one
 * listener.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>

#include "nexthop.h"
#include "util.h"

#define NL_BUF		8192
#define WATCH_MAX	256	/* neighbours and devices watched */
/* The neighbour states the kernel itself sends on (NUD_VALID). */
#define NUD_USABLE	(NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | \
			 NUD_PROBE | NUD_STALE | NUD_DELAY)

struct nl_req {
	struct nlmsghdr n;
	union {
		struct rtmsg r;
		struct ndmsg nd;
	};
	char attrs[64];
};

static int nl_open(void)
{
	struct timeval tv = { .tv_sec = 1 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	/* A request is answered at once; never wait longer than this. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void add_attr(struct nl_req *q, int type, const void *data, int len)
{
	struct rtattr *a = (void *)((char *)q + NLMSG_ALIGN(q->n.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	q->n.nlmsg_len = NLMSG_ALIGN(q->n.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/*
 * Send @q and read its answer into @buf: the reply message (> 0, its
 * length), 0 for an ack, or -errno from the kernel.
 */
static int nl_talk(int fd, struct nl_req *q, char *buf, size_t len)
{
	static uint32_t seq;
	struct nlmsghdr *h;
	int n;

	q->n.nlmsg_seq = ++seq;
	if (send(fd, q, q->n.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, len, 0);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != q->n.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			memmove(buf, h, h->nlmsg_len);
			return h->nlmsg_len;
		}
	}
}

static void parse_attrs(struct rtattr *a, int len, struct rtattr **tb,
			int max)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type <= max && !tb[a->rta_type])
			tb[a->rta_type] = a;
}

static int addr_len(bool v6)
{
	return v6 ? 16 : 4;
}

/* The route to @dst: egress device and the neighbour to ask. */
static int route_get(int fd, const struct ovnmig_ip *dst, bool v6,
		     struct nexthop_res *r)
{
	struct nl_req q = {
		.n = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
		       .nlmsg_type = RTM_GETROUTE,
		       .nlmsg_flags = NLM_F_REQUEST },
		.r = { .rtm_family = v6 ? AF_INET6 : AF_INET,
		       .rtm_dst_len = v6 ? 128 : 32 },
	};
	struct rtattr *tb[RTA_MAX + 1];
	char buf[NL_BUF];
	struct rtmsg *rt;
	int n;

	add_attr(&q, RTA_DST, dst, addr_len(v6));
	n = nl_talk(fd, &q, buf, sizeof(buf));
	if (n == -ENETUNREACH || n == -EHOSTUNREACH || n == -ENOENT)
		return -ENETUNREACH;
	if (n <= 0)
		return n ? n : -EPROTO;
	rt = NLMSG_DATA((struct nlmsghdr *)buf);
	if (rt->rtm_type != RTN_UNICAST)
		return -ENETUNREACH;	/* local, blackhole, ... */
	parse_attrs(RTM_RTA(rt), RTM_PAYLOAD((struct nlmsghdr *)buf), tb,
		    RTA_MAX);
	if (!tb[RTA_OIF] || RTA_PAYLOAD(tb[RTA_OIF]) < 4)
		return -EPROTO;
	memcpy(&r->ifindex, RTA_DATA(tb[RTA_OIF]), 4);
	memset(&r->via, 0, sizeof(r->via));
	r->via_v6 = v6;
	if (tb[RTA_GATEWAY] &&
	    RTA_PAYLOAD(tb[RTA_GATEWAY]) == (unsigned int)addr_len(v6)) {
		memcpy(&r->via, RTA_DATA(tb[RTA_GATEWAY]), addr_len(v6));
	} else if (tb[RTA_VIA]) {
		/* IPv4 over an IPv6 gateway (RFC 5549). */
		struct rtvia *via = RTA_DATA(tb[RTA_VIA]);
		unsigned int l = RTA_PAYLOAD(tb[RTA_VIA]);

		r->via_v6 = via->rtvia_family == AF_INET6;
		if (l < sizeof(*via) + addr_len(r->via_v6))
			return -EPROTO;
		memcpy(&r->via, via->rtvia_addr, addr_len(r->via_v6));
	} else {
		r->via = *dst;		/* on link */
	}
	return 0;
}

static int neigh_get(int fd, struct nexthop_res *r)
{
	struct nl_req q = {
		.n = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)),
		       .nlmsg_type = RTM_GETNEIGH,
		       .nlmsg_flags = NLM_F_REQUEST },
		.nd = { .ndm_family = r->via_v6 ? AF_INET6 : AF_INET,
			.ndm_ifindex = r->ifindex },
	};
	struct rtattr *tb[NDA_MAX + 1];
	char buf[NL_BUF];
	struct ndmsg *nd;
	int n;

	add_attr(&q, NDA_DST, &r->via, addr_len(r->via_v6));
	n = nl_talk(fd, &q, buf, sizeof(buf));
	r->state = 0;
	if (n == -ENOENT)
		return -EAGAIN;
	if (n <= 0)
		return n ? n : -EPROTO;
	nd = NLMSG_DATA((struct nlmsghdr *)buf);
	r->state = nd->ndm_state;
	if (!(nd->ndm_state & NUD_USABLE))
		return -EAGAIN;
	parse_attrs((struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd))),
		    ((struct nlmsghdr *)buf)->nlmsg_len -
		    NLMSG_LENGTH(sizeof(*nd)), tb, NDA_MAX);
	if (!tb[NDA_LLADDR] || RTA_PAYLOAD(tb[NDA_LLADDR]) != 6)
		return -EAFNOSUPPORT;
	memcpy(r->dmac, RTA_DATA(tb[NDA_LLADDR]), 6);
	return 0;
}

/*
 * Ask the kernel to resolve (or re-confirm) the neighbour, as a packet
 * sent to it would: NTF_USE runs neigh_event_send(), which creates the
 * entry if needed and sends the solicitation itself.
 */
static int neigh_trigger(int fd, const struct nexthop_res *r)
{
	struct nl_req q = {
		.n = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)),
		       .nlmsg_type = RTM_NEWNEIGH,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				      NLM_F_CREATE | NLM_F_REPLACE },
		.nd = { .ndm_family = r->via_v6 ? AF_INET6 : AF_INET,
			.ndm_ifindex = r->ifindex,
			.ndm_state = NUD_NONE, .ndm_flags = NTF_USE },
	};
	char buf[NL_BUF];

	add_attr(&q, NDA_DST, &r->via, addr_len(r->via_v6));
	return nl_talk(fd, &q, buf, sizeof(buf));
}

int nexthop_resolve(const struct ovnmig_ip *dst, bool v6, bool trigger,
		    struct nexthop_res *r)
{
	char name[IF_NAMESIZE];
	uint32_t ifi;
	int fd, err;

	memset(r, 0, sizeof(*r));
	fd = nl_open();
	if (fd < 0)
		return fd;
	err = route_get(fd, dst, v6, r);
	if (!err)
		err = neigh_get(fd, r);
	/*
	 * Unknown, failed, or stale: a stale entry was not confirmed since
	 * bounce's packets (never seen by the stack) do not confirm it, so
	 * ask again while it is in use, as the stack's own traffic would.
	 */
	if (trigger && (err == -EAGAIN || (!err && (r->state & NUD_STALE))) &&
	    !(r->state & (NUD_INCOMPLETE | NUD_DELAY | NUD_PROBE)))
		neigh_trigger(fd, r);
	close(fd);
	if (err)
		return err;
	if (!if_indextoname(r->ifindex, name))
		return -errno;
	err = maps_ifmac_get_dev(name, &ifi, r->smac);
	if (!err && ifi != r->ifindex)
		err = -EAGAIN;		/* renamed meanwhile: next time */
	return err;
}

/* ---- the map: one slot per new host (abi.h) ---- */

#define NH_SLOTS	OVNMIG_NEXTHOP_MAX_ENTRIES

static bool host_eq(const struct ovnmig_chassis_key *a,
		    const struct ovnmig_chassis_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static bool host_free(const struct ovnmig_chassis_key *k)
{
	static const struct ovnmig_chassis_key zero;

	return host_eq(k, &zero);
}

/*
 * m->nh_host: the host of every slot as this process last read or wrote
 * it, read once; slots are taken lowest first, so [1, nh_top) holds all
 * the used ones.  Another writer (ovnmigctl beside the agent) may change
 * a slot meanwhile: a free slot is read again before it is taken, and
 * bounce never uses a slot that names another host.
 */
static void slot_note(struct maps *m, __u32 i,
		      const struct ovnmig_chassis_key *k)
{
	m->nh_host[i] = *k;
	if (!host_free(k) && i >= m->nh_top)
		m->nh_top = i + 1;
}

static void slots_load(struct maps *m)
{
	struct ovnmig_nexthop *v;
	__u32 *keys, i, n = NH_SLOTS, out;

	if (m->nh_host)
		return;
	v = xcalloc(NH_SLOTS, sizeof(*v));
	keys = xcalloc(NH_SLOTS, sizeof(*keys));
	m->nh_host = xcalloc(NH_SLOTS, sizeof(*m->nh_host));
	m->nh_top = 1;
	/* One syscall for all slots (arrays: 5.6+), else one per slot. */
	if (bpf_map_lookup_batch(m->nexthop_fd, NULL, &out, keys, v, &n,
				 NULL) && errno != ENOENT) {
		for (n = 0; n < NH_SLOTS; n++) {
			keys[n] = n;
			if (bpf_map_lookup_elem(m->nexthop_fd, &n, &v[n]))
				memset(&v[n], 0, sizeof(v[n]));
		}
	}
	for (i = 0; i < n; i++)
		if (keys[i] && keys[i] < NH_SLOTS && !host_free(&v[i].host))
			slot_note(m, keys[i], &v[i].host);
	free(keys);
	free(v);
}

/* @k's slot, 0 if it has none (and with @take none is free). */
static __u32 slot_get(struct maps *m, const struct ovnmig_chassis_key *k,
		      bool take)
{
	struct ovnmig_nexthop v;
	__u32 i;

	if (m->nexthop_fd < 0 || host_free(k))
		return 0;
	slots_load(m);
	/* A batch mostly names one new host: no search for it. */
	if (m->nh_last && host_eq(&m->nh_host[m->nh_last], k))
		return m->nh_last;
	for (i = 1; i < m->nh_top; i++)
		if (host_eq(&m->nh_host[i], k))
			return m->nh_last = i;
	if (!take)
		return 0;
	for (i = 1; i < NH_SLOTS; i++) {
		if (!host_free(&m->nh_host[i]))
			continue;
		if (!bpf_map_lookup_elem(m->nexthop_fd, &i, &v) &&
		    !host_free(&v.host)) {
			slot_note(m, i, &v.host);	/* taken meanwhile */
			if (host_eq(&v.host, k))
				return m->nh_last = i;
			continue;
		}
		/* Taken, not usable yet: the agent fills it (ifindex). */
		memset(&v, 0, sizeof(v));
		v.host = *k;
		if (bpf_map_update_elem(m->nexthop_fd, &i, &v, BPF_ANY))
			return 0;
		slot_note(m, i, k);
		return m->nh_last = i;
	}
	return 0;	/* all taken: this host's packets ask the FIB */
}

__u32 maps_nexthop_slot(struct maps *m, const struct ovnmig_fwd *f)
{
	struct ovnmig_chassis_key k;

	maps_chassis_key(&k, &f->new_host, f->flags & OVNMIG_F_IPV6);
	return slot_get(m, &k, true);
}

static int slot_write(struct maps *m, __u32 i, const struct ovnmig_nexthop *v)
{
	if (bpf_map_update_elem(m->nexthop_fd, &i, v, BPF_ANY))
		return -errno;
	slot_note(m, i, &v->host);
	return 0;
}

/* The live next hop in @k's slot: 0 with @v and @slot, or -ENOENT. */
static int slot_live(struct maps *m, const struct ovnmig_chassis_key *k,
		     struct ovnmig_nexthop *v, __u32 *slot)
{
	*slot = slot_get(m, k, false);
	if (!*slot || bpf_map_lookup_elem(m->nexthop_fd, slot, v) ||
	    !host_eq(&v->host, k) || !v->ifindex)
		return -ENOENT;
	return 0;
}

int maps_nexthop_set(struct maps *m, const struct ovnmig_chassis_key *k,
		     const struct ovnmig_nexthop *v)
{
	struct ovnmig_nexthop w = *v;
	__u32 i;

	if (m->nexthop_fd < 0)
		return -ENODEV;
	i = slot_get(m, k, true);
	if (!i)
		return -ENOSPC;
	w.host = *k;
	w.pad0 = w.pad = 0;
	return slot_write(m, i, &w);
}

/* No next hop for @k, but its slot stays: entries still point to it. */
int maps_nexthop_del(struct maps *m, const struct ovnmig_chassis_key *k)
{
	struct ovnmig_nexthop v;
	__u32 i;

	if (m->nexthop_fd < 0)
		return -ENODEV;
	if (slot_live(m, k, &v, &i))
		return -ENOENT;
	memset(&v, 0, sizeof(v));
	v.host = *k;
	return slot_write(m, i, &v);
}

__u32 maps_nexthop_slot_of(struct maps *m, const struct ovnmig_chassis_key *k)
{
	return slot_get(m, k, false);
}

int maps_foreach_nexthop(struct maps *m,
			 int (*cb)(void *ctx, uint32_t slot,
				   const struct ovnmig_nexthop *v),
			 void *ctx)
{
	struct ovnmig_nexthop v;
	__u32 i;
	int r;

	if (m->nexthop_fd < 0)
		return -ENODEV;
	for (i = 1; i < NH_SLOTS; i++) {
		if (bpf_map_lookup_elem(m->nexthop_fd, &i, &v) ||
		    host_free(&v.host) || !v.ifindex)
			continue;
		r = cb(ctx, i, &v);
		if (r)
			return r;
	}
	return 0;
}

/* Point the entry @key (new host @host, slot @have now) at its slot. */
static void repoint(struct maps *m, const struct ovnmig_port_key *key,
		    const struct ovnmig_chassis_key *host, __u32 have)
{
	__u32 s = slot_get(m, host, false);
	struct ovnmig_chassis_key h;
	struct ovnmig_fwd f;

	if (s == have || bpf_map_lookup_elem(m->fwd_fd, key, &f))
		return;
	maps_chassis_key(&h, &f.new_host, f.flags & OVNMIG_F_IPV6);
	if (!host_eq(&h, host))
		return;		/* rewritten meanwhile, with its own slot */
	f.nh_slot = s;
	bpf_map_update_elem(m->fwd_fd, key, &f, BPF_EXIST);
}

static int repoint_cb(void *ctx, const struct policy_op *e)
{
	struct ovnmig_chassis_key h;

	maps_chassis_key(&h, &e->fwd.new_host, e->fwd.flags & OVNMIG_F_IPV6);
	repoint(ctx, &e->key, &h, e->fwd.nh_slot);
	return 0;
}

int maps_nexthop_repoint(struct maps *m)
{
	if (m->nexthop_fd < 0)
		return -ENODEV;
	return maps_foreach(m, POLICY_FWD, repoint_cb, m);
}

/* ---- the agent's watch ---- */

struct nexthop_watch {
	int fd;
	bool dirty;
	/* Neighbours and devices the last sync depended on. */
	int n;
	struct {
		struct ovnmig_ip via;
		bool v6;
		uint32_t ifindex;
	} dep[WATCH_MAX];
};

struct nexthop_watch *nexthop_watch_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE |
			     RTMGRP_IPV6_ROUTE,
	};
	struct nexthop_watch *w = xcalloc(1, sizeof(*w));

	w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       NETLINK_ROUTE);
	if (w->fd < 0 || bind(w->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		if (w->fd >= 0)
			close(w->fd);
		free(w);
		errno = e;
		return NULL;
	}
	w->dirty = true;
	return w;
}

void nexthop_watch_close(struct nexthop_watch *w)
{
	if (!w)
		return;
	close(w->fd);
	free(w);
}

int nexthop_watch_fd(const struct nexthop_watch *w)
{
	return w->fd;
}

bool nexthop_watch_dirty(const struct nexthop_watch *w)
{
	return w->dirty;
}

static bool watched_dev(const struct nexthop_watch *w, uint32_t ifindex)
{
	int i;

	for (i = 0; i < w->n; i++)
		if (w->dep[i].ifindex == ifindex)
			return true;
	return false;
}

static bool watched_neigh(const struct nexthop_watch *w,
			  const struct nlmsghdr *h)
{
	const struct ndmsg *nd = NLMSG_DATA(h);
	struct rtattr *tb[NDA_MAX + 1];
	bool v6 = nd->ndm_family == AF_INET6;
	int i;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)))
		return false;
	parse_attrs((struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd))),
		    h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)), tb, NDA_MAX);
	if (!tb[NDA_DST] ||
	    RTA_PAYLOAD(tb[NDA_DST]) != (unsigned int)addr_len(v6))
		return false;
	for (i = 0; i < w->n; i++)
		if (w->dep[i].v6 == v6 &&
		    w->dep[i].ifindex == (uint32_t)nd->ndm_ifindex &&
		    !memcmp(&w->dep[i].via, RTA_DATA(tb[NDA_DST]),
			    addr_len(v6)))
			return true;
	return false;
}

bool nexthop_watch_run(struct nexthop_watch *w)
{
	char buf[NL_BUF];
	bool hit = false;
	int loops, n;

	/* Bounded: a storm of events is one resync, not a stall. */
	for (loops = 0; loops < 64; loops++) {
		struct nlmsghdr *h;

		n = recv(w->fd, buf, sizeof(buf), 0);
		if (n < 0) {
			/* Events were lost: look at everything again. */
			if (errno == ENOBUFS)
				hit = true;
			break;
		}
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			switch (h->nlmsg_type) {
			case RTM_NEWROUTE:
			case RTM_DELROUTE:
				hit |= w->n > 0;
				break;
			case RTM_NEWNEIGH:
			case RTM_DELNEIGH:
				hit |= watched_neigh(w, h);
				break;
			case RTM_NEWLINK:
			case RTM_DELLINK:
				if (h->nlmsg_len >=
				    NLMSG_LENGTH(sizeof(struct ifinfomsg)))
					hit |= watched_dev(w,
						((struct ifinfomsg *)
						 NLMSG_DATA(h))->ifi_index);
				break;
			}
		}
	}
	w->dirty |= hit;
	return hit;
}

/* ---- sync ---- */

/* The forwarding entries: their new hosts, and each entry's slot. */
struct want {
	struct ovnmig_chassis_key *k;
	int n, cap;
	struct fwd_ref {
		struct ovnmig_port_key key;
		struct ovnmig_chassis_key host;
		__u32 slot;
	} *f;
	int nf, fcap;
};

static int want_cb(void *ctx, const struct policy_op *e)
{
	struct want *w = ctx;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->k = xrealloc(w->k, w->cap * sizeof(*w->k));
		w->f = xrealloc(w->f, w->cap * sizeof(*w->f));
	}
	maps_chassis_key(&w->k[w->n], &e->fwd.new_host,
			 e->fwd.flags & OVNMIG_F_IPV6);
	w->f[w->nf].key = e->key;
	w->f[w->nf].host = w->k[w->n];
	w->f[w->nf++].slot = e->fwd.nh_slot;
	w->n++;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct ovnmig_chassis_key));
}

int nexthop_sync(struct nexthop_watch *w, struct maps *m,
		 uint32_t generation, uint64_t now_ns, int *written,
		 int *removed)
{
	struct want want = {};
	struct ovnmig_nexthop old;
	int i, err = 0;
	__u32 s;

	*written = *removed = 0;
	if (m->nexthop_fd < 0)
		return -ENODEV;
	if (w) {
		w->dirty = false;
		w->n = 0;
	}
	maps_foreach(m, POLICY_FWD, want_cb, &want);
	if (want.n)
		want.n = maps_chassis_normalize(want.k, want.n);
	for (i = 0; i < want.n; i++) {
		const struct ovnmig_chassis_key *k = &want.k[i];
		struct ovnmig_nexthop v = { .host = *k };
		struct nexthop_res r;
		bool have;
		int e;

		s = slot_get(m, k, true);
		if (!s)
			continue;	/* no slot free: the FIB for it */
		e = nexthop_resolve(&k->addr, k->flags & OVNMIG_F_IPV6, true,
				    &r);
		if (w && r.ifindex && w->n < WATCH_MAX) {
			w->dep[w->n].via = r.via;
			w->dep[w->n].v6 = r.via_v6;
			w->dep[w->n].ifindex = r.ifindex;
			w->n++;
		}
		have = !bpf_map_lookup_elem(m->nexthop_fd, &s, &old) &&
		       host_eq(&old.host, k) && old.ifindex;
		if (e) {
			/* Not usable now: bounce asks the FIB meanwhile. */
			if (have && !slot_write(m, s, &v))
				(*removed)++;
			continue;
		}
		v.ifindex = r.ifindex;
		memcpy(v.dmac, r.dmac, 6);
		memcpy(v.smac, r.smac, 6);
		v.expires_ns = now_ns + NEXTHOP_LIFETIME_NS;
		v.generation = generation;
		e = slot_write(m, s, &v);
		if (e)
			err = e;
		else if (!have || old.ifindex != v.ifindex ||
			 memcmp(old.dmac, v.dmac, 6) ||
			 memcmp(old.smac, v.smac, 6))
			(*written)++;
	}
	/* Entries written without their slot (by hand, or in a race). */
	for (i = 0; i < want.nf; i++)
		repoint(m, &want.f[i].key, &want.f[i].host, want.f[i].slot);
	/* Slots of hosts no entry points to any more: free. */
	for (s = 1; s < m->nh_top; s++) {
		struct ovnmig_nexthop zero = {};

		if (bpf_map_lookup_elem(m->nexthop_fd, &s, &old) ||
		    host_free(&old.host) ||
		    (want.n && bsearch(&old.host, want.k, want.n,
				       sizeof(*want.k), key_cmp)))
			continue;
		if (!slot_write(m, s, &zero) && old.ifindex)
			(*removed)++;
	}
	free(want.f);
	free(want.k);
	return err;
}
