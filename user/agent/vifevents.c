// SPDX-License-Identifier: GPL-2.0-only
/*
 * VIF event source for the agent: ovnmig.ko's generic-netlink events
 * when the module is there, rtnetlink link messages otherwise.  The
 * rtnetlink path keeps a small table of links so that it can turn link
 * snapshots into the same transitions the module reports.  The module
 * may be unloaded and loaded again under a running agent: the kmod
 * source follows the generic-netlink controller's family notifications
 * and joins the new family's group when it comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "lib/util.h"
#include "vifevents.h"

#define VE_RCVBUF	(4 << 20)	/* room for bursts of port flaps */
#define VE_BUFSZ	(64 << 10)

struct ve_link {
	uint32_t ifindex;
	uint32_t master;
	bool up, carrier, internal, port;
};

struct vif_events {
	enum vif_source src;
	struct mnl_socket *nl;
	vif_event_cb cb;
	void *ctx;
	uint16_t family;	/* kmod: genl family id, 0 while unloaded */
	uint32_t mcgrp;
	uint64_t unloads;	/* kmod: times the family went away */
	bool have_seq;
	uint64_t overruns;	/* kmod: ENOBUFS not yet matched to a gap */
	uint64_t last_seq, lost, local_seq;
	/* rtnl: known links, resized as needed */
	struct ve_link *links;
	size_t nlinks, caplinks;
	bool quiet;		/* rtnl: initial dump or resync, no events */
	int delivered;
	char buf[VE_BUFSZ];
};

static const char *const kind_names[] = {
	[OVNMIG_EV_NONE] = "none",
	[OVNMIG_EV_ATTACH] = "attach",
	[OVNMIG_EV_GOING_DOWN] = "going-down",
	[OVNMIG_EV_DOWN] = "down",
	[OVNMIG_EV_UP] = "up",
	[OVNMIG_EV_CARRIER_LOST] = "carrier-lost",
	[OVNMIG_EV_CARRIER_ON] = "carrier-on",
	[OVNMIG_EV_DETACH] = "detach",
	[OVNMIG_EV_UNREGISTER] = "unregister",
	[OVNMIG_EV_DUMP] = "port",
};

const char *vif_event_kind_name(uint32_t kind)
{
	if (kind < sizeof(kind_names) / sizeof(kind_names[0]) &&
	    kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

const char *vif_source_name(enum vif_source src)
{
	switch (src) {
	case VIF_SRC_KMOD: return "kmod";
	case VIF_SRC_RTNL: return "rtnl";
	default: return "auto";
	}
}

/* NLMSG_ERROR and NLMSG_DONE of nl_request(), as libmnl's own do. */
static int nl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	(void)data;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	errno = e->error < 0 ? -e->error : e->error;
	return e->error ? MNL_CB_ERROR : MNL_CB_STOP;
}

struct nl_req {
	mnl_cb_t cb;
	void *data;
	bool intr;
};

static int nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *r = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = true;
	return MNL_CB_STOP;
}

static int nl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_req *r = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = true;
	return r->cb(nlh, r->data);
}

/*
 * One request on a private blocking socket, every reply through cb:
 * keeps request/response traffic out of the event socket's stream.
 * -EINTR: a dump whose kernel side saw the list change under it
 * (NLM_F_DUMP_INTR, on any message or the NLMSG_DONE); dump again.
 */
static int nl_request(int bus, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char buf[VE_BUFSZ];
	struct nl_req r = { cb, data, false };
	mnl_cb_t ctl[NLMSG_DONE + 1] = {
		[NLMSG_ERROR] = nl_error_cb,
		[NLMSG_DONE] = nl_done_cb,
	};
	struct mnl_socket *nl;
	unsigned int portid;
	int ret, err = 0;

	nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			err = -errno;
			break;
		}
		ret = mnl_cb_run2(buf, ret, nlh->nlmsg_seq, portid, nl_data_cb,
				  &r, ctl, NLMSG_DONE + 1);
		if (ret < 0) {
			err = errno ? -errno : -EIO;
			break;
		}
		if (ret == MNL_CB_STOP)
			break;
	}
out:
	mnl_socket_close(nl);
	if (!err && r.intr)
		err = -EINTR;
	return err;
}

/* ---- generic netlink (ovnmig.ko) ---- */

struct family_res {
	const char *grp_name;	/* the multicast group wanted */
	uint16_t id;
	int64_t grp;
	char name[GENL_NAMSIZ];	/* the family's, from the message */
};

static int grp_cb(const struct nlattr *a, struct family_res *res)
{
	struct nlattr *g;
	const char *name = NULL;
	int64_t id = -1;

	mnl_attr_for_each_nested(g, a) {
		if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(g, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(g);
		else if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(g, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(g);
	}
	if (name && id >= 0 && strcmp(name, res->grp_name) == 0)
		res->grp = id;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_res *res = data;
	struct nlattr *a, *g;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				res->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_FAMILY_NAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(res->name, sizeof(res->name), "%s",
					 mnl_attr_get_str(a));
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a)
				grp_cb(g, res);
			break;
		}
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *genl_msg(char *buf, uint16_t type, uint16_t flags,
				 uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* The id of family NAME and of its multicast group GRP_NAME. */
static int resolve_family(const char *name, const char *grp_name,
			  uint16_t *id, uint32_t *grp)
{
	char buf[256];
	struct family_res res = { .grp_name = grp_name, .grp = -1 };
	struct nlmsghdr *nlh;
	int err;

	nlh = genl_msg(buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_request(NETLINK_GENERIC, nlh, family_cb, &res);
	if (err)
		return err;	/* -ENOENT: module not loaded */
	if (!res.id || res.grp < 0)
		return -EPROTO;
	*id = res.id;
	*grp = (uint32_t)res.grp;
	return 0;
}

static int kmod_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= OVNMIG_A_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static uint32_t a_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

static uint8_t a_u8(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

static uint64_t a_u64(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 8 ? mnl_attr_get_u64(a) : 0;
}

static void kmod_parse(const struct nlmsghdr *nlh, struct vif_event *ev)
{
	const struct nlattr *tb[OVNMIG_A_MAX + 1] = { NULL };
	const struct nlattr *a;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), kmod_attr_cb, tb);
	memset(ev, 0, sizeof(*ev));
	ev->source = VIF_SRC_KMOD;
	ev->recv_ns = mono_ns();
	ev->ts_ns = a_u64(tb[OVNMIG_A_TIMESTAMP_NS]);
	ev->seq = a_u64(tb[OVNMIG_A_SEQ]);
	ev->kind = a_u32(tb[OVNMIG_A_KIND]);
	ev->ifindex = a_u32(tb[OVNMIG_A_IFINDEX]);
	ev->master_ifindex = a_u32(tb[OVNMIG_A_MASTER_IFINDEX]);
	ev->netns_ino = a_u32(tb[OVNMIG_A_NETNS_INO]);
	ev->operstate = a_u8(tb[OVNMIG_A_OPERSTATE]);
	ev->carrier = a_u8(tb[OVNMIG_A_CARRIER]);
	ev->admin_up = a_u8(tb[OVNMIG_A_ADMIN_UP]);
	a = tb[OVNMIG_A_MAC];
	if (a && mnl_attr_get_payload_len(a) <= sizeof(ev->mac)) {
		ev->mac_len = mnl_attr_get_payload_len(a);
		memcpy(ev->mac, mnl_attr_get_payload(a), ev->mac_len);
	}
	a = tb[OVNMIG_A_IFNAME];
	if (a)
		strncpy(ev->name, mnl_attr_get_str(a), sizeof(ev->name) - 1);
}

static int kmod_join(struct vif_events *ve, uint16_t family, uint32_t grp)
{
	int g = (int)grp;

	/* Refused with EPERM without CAP_NET_ADMIN: the group is gated. */
	if (mnl_socket_setsockopt(ve->nl, NETLINK_ADD_MEMBERSHIP, &g,
				  sizeof(g)) < 0)
		return -errno;
	ve->family = family;
	ve->mcgrp = grp;
	return 0;
}

/*
 * The module's family came back (CTRL_CMD_NEWFAMILY, or found again
 * after an overrun): join its events group, whose id may have changed.
 * Its per-netns sequence starts again at 1, so the events of this
 * netns sent before we joined count as lost.
 */
static int kmod_rejoin(struct vif_events *ve, uint16_t family, uint32_t grp)
{
	int err;

	err = kmod_join(ve, family, grp);
	if (err)
		return err;
	ve->have_seq = true;
	ve->last_seq = 0;
	ve->overruns = 0;
	return 0;
}

static void kmod_gone(struct vif_events *ve)
{
	ve->family = 0;
	ve->unloads++;
}

static int kmod_recheck(struct vif_events *ve);

/* A generic-netlink controller notification: is it about our family? */
static int kmod_ctrl_cb(struct vif_events *ve, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct family_res res = { .grp_name = OVNMIG_GENL_MCGRP_EVENTS,
				  .grp = -1 };

	if (g->cmd != CTRL_CMD_NEWFAMILY && g->cmd != CTRL_CMD_DELFAMILY)
		return 0;
	family_cb(nlh, &res);
	if (strcmp(res.name, OVNMIG_GENL_NAME))
		return 0;
	if (g->cmd == CTRL_CMD_DELFAMILY) {
		if (ve->family)
			kmod_gone(ve);
		return 0;
	}
	return kmod_recheck(ve);
}

/* After an overrun the notifications may be lost: ask the controller. */
static int kmod_recheck(struct vif_events *ve)
{
	uint16_t id;
	uint32_t grp;
	int err;

	err = resolve_family(OVNMIG_GENL_NAME, OVNMIG_GENL_MCGRP_EVENTS,
			     &id, &grp);
	if (err == -ENOENT) {
		if (ve->family)
			kmod_gone(ve);
		return 0;
	}
	if (err)
		return err;
	if (ve->family == id && ve->mcgrp == grp)
		return 0;
	/* Unloaded and loaded again while we were not reading. */
	if (ve->family)
		kmod_gone(ve);
	return kmod_rejoin(ve, id, grp);
}

static int kmod_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vif_events *ve = data;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct vif_event ev;
	int err;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)))
		return MNL_CB_OK;
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		err = kmod_ctrl_cb(ve, nlh);
		if (err) {
			errno = -err;
			return MNL_CB_ERROR;
		}
		return MNL_CB_OK;
	}
	if (!ve->family || nlh->nlmsg_type != ve->family ||
	    g->cmd != OVNMIG_CMD_EVENT)
		return MNL_CB_OK;
	kmod_parse(nlh, &ev);
	if (ve->have_seq && ev.seq > ve->last_seq + 1) {
		uint64_t gap = ev.seq - ve->last_seq - 1;

		/*
		 * The overruns reported since the last event we read are
		 * this gap's losses, already counted one each.
		 */
		ve->lost += gap - (ve->overruns < gap ? ve->overruns : gap);
		ve->overruns = 0;
	}
	ve->have_seq = true;
	ve->last_seq = ev.seq;
	ve->delivered++;
	ve->cb(ve->ctx, &ev);
	return MNL_CB_OK;
}

static int kmod_open(struct vif_events *ve)
{
	uint32_t ctrl_grp, grp;
	uint16_t ctrl, family;
	int one = 1, err;

	err = resolve_family(OVNMIG_GENL_NAME, OVNMIG_GENL_MCGRP_EVENTS,
			     &family, &grp);
	if (err)
		return err;
	err = resolve_family("nlctrl", "notify", &ctrl, &ctrl_grp);
	if (err)
		return err;
	ve->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!ve->nl)
		return -errno;
	if (mnl_socket_bind(ve->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	/*
	 * Ask the kernel to report our overruns to the sender, so that the
	 * module's nobufs counter counts the events this listener missed.
	 */
	mnl_socket_setsockopt(ve->nl, NETLINK_BROADCAST_ERROR, &one, sizeof(one));
	/*
	 * The controller's notifications (unprivileged) tell when the
	 * module is unloaded, which silently ends our group membership,
	 * and when it is back with a new family and group id.  Joined
	 * before our group so that no reload falls between.
	 */
	err = (int)ctrl_grp;
	if (mnl_socket_setsockopt(ve->nl, NETLINK_ADD_MEMBERSHIP, &err,
				  sizeof(err)) < 0)
		return -errno;
	err = kmod_join(ve, family, grp);
	if (err)
		return err;
	/* The module may have been reloaded between resolving and joining. */
	return kmod_recheck(ve);
}

/* A dump's entries, kept until the dump is known consistent. */
struct dump_ctx {
	struct vif_event *ev;
	int n, cap;
};

static int dump_add(struct dump_ctx *d, const struct vif_event *ev)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->ev = xrealloc(d->ev, d->cap * sizeof(*d->ev));
	}
	d->ev[d->n++] = *ev;
	return MNL_CB_OK;
}

static int kmod_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vif_event ev;

	kmod_parse(nlh, &ev);
	return dump_add(data, &ev);
}

static int kmod_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[OVNMIG_A_MAX + 1] = { NULL };
	struct vif_stats *st = data;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), kmod_attr_cb, tb);
	st->seq = a_u64(tb[OVNMIG_A_SEQ]);
	st->events = a_u64(tb[OVNMIG_A_STAT_EVENTS]);
	st->sent = a_u64(tb[OVNMIG_A_STAT_SENT]);
	st->no_listener = a_u64(tb[OVNMIG_A_STAT_NO_LISTENER]);
	st->nobufs = a_u64(tb[OVNMIG_A_STAT_NOBUFS]);
	st->alloc_fail = a_u64(tb[OVNMIG_A_STAT_ALLOC_FAIL]);
	st->ports = a_u64(tb[OVNMIG_A_STAT_PORTS]);
	return MNL_CB_OK;
}

/* ---- rtnetlink fallback ---- */

struct rt_link {
	struct ve_link l;
	struct vif_event ev;
	bool slave_ovs;
};

static int rt_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= IFLA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static void rt_parse(const struct nlmsghdr *nlh, struct rt_link *r)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { NULL };
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *n;

	memset(r, 0, sizeof(*r));
	mnl_attr_parse(nlh, sizeof(*ifi), rt_attr_cb, tb);
	r->l.ifindex = ifi->ifi_index;
	r->l.up = ifi->ifi_flags & IFF_UP;
	r->l.carrier = ifi->ifi_flags & IFF_LOWER_UP;
	r->l.master = a_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINKINFO]) {
		mnl_attr_for_each_nested(n, tb[IFLA_LINKINFO]) {
			if (mnl_attr_validate(n, MNL_TYPE_NUL_STRING) < 0)
				continue;
			if (mnl_attr_get_type(n) == IFLA_INFO_KIND &&
			    !strcmp(mnl_attr_get_str(n), "openvswitch"))
				r->l.internal = true;
			if (mnl_attr_get_type(n) == IFLA_INFO_SLAVE_KIND &&
			    !strcmp(mnl_attr_get_str(n), "openvswitch"))
				r->slave_ovs = true;
		}
	}
	r->l.port = r->l.internal || (r->l.master && r->slave_ovs);

	r->ev.source = VIF_SRC_RTNL;
	r->ev.recv_ns = mono_ns();
	r->ev.ts_ns = r->ev.recv_ns;
	r->ev.ifindex = r->l.ifindex;
	r->ev.master_ifindex = r->l.master;
	r->ev.admin_up = r->l.up;
	r->ev.carrier = r->l.carrier;
	r->ev.operstate = a_u8(tb[IFLA_OPERSTATE]);
	a = tb[IFLA_ADDRESS];
	if (a && mnl_attr_get_payload_len(a) <= sizeof(r->ev.mac)) {
		r->ev.mac_len = mnl_attr_get_payload_len(a);
		memcpy(r->ev.mac, mnl_attr_get_payload(a), r->ev.mac_len);
	}
	a = tb[IFLA_IFNAME];
	if (a)
		strncpy(r->ev.name, mnl_attr_get_str(a), sizeof(r->ev.name) - 1);
}

static struct ve_link *rt_find(struct vif_events *ve, uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < ve->nlinks; i++)
		if (ve->links[i].ifindex == ifindex)
			return &ve->links[i];
	return NULL;
}

static struct ve_link *rt_add(struct vif_events *ve, uint32_t ifindex)
{
	struct ve_link *l;

	if (ve->nlinks == ve->caplinks) {
		ve->caplinks = ve->caplinks ? ve->caplinks * 2 : 64;
		ve->links = xrealloc(ve->links,
				     ve->caplinks * sizeof(*ve->links));
	}
	l = &ve->links[ve->nlinks++];
	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	return l;
}

static void rt_emit(struct vif_events *ve, struct rt_link *r, uint32_t kind)
{
	if (ve->quiet)
		return;
	r->ev.kind = kind;
	r->ev.seq = ++ve->local_seq;
	ve->delivered++;
	ve->cb(ve->ctx, &r->ev);
}

static int rt_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vif_events *ve = data;
	struct ve_link *o;
	struct rt_link r;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	rt_parse(nlh, &r);
	o = rt_find(ve, r.l.ifindex);
	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (o && o->port) {
			if (!o->internal)
				rt_emit(ve, &r, OVNMIG_EV_DETACH);
			rt_emit(ve, &r, OVNMIG_EV_UNREGISTER);
		}
		if (o)
			*o = ve->links[--ve->nlinks];
		return MNL_CB_OK;
	}
	/* A slave's master may be known only as an internal device. */
	if (!r.l.port && r.l.master) {
		struct ve_link *m = rt_find(ve, r.l.master);

		r.l.port = m && m->internal;
	}
	if (!o) {
		o = rt_add(ve, r.l.ifindex);
		*o = r.l;
		if (r.l.port)
			rt_emit(ve, &r, OVNMIG_EV_ATTACH);
		return MNL_CB_OK;
	}
	if (!o->port && r.l.port)
		rt_emit(ve, &r, OVNMIG_EV_ATTACH);
	else if (o->port && !r.l.port)
		rt_emit(ve, &r, OVNMIG_EV_DETACH);
	if (o->port || r.l.port) {
		if (o->up && !r.l.up)
			rt_emit(ve, &r, OVNMIG_EV_DOWN);
		else if (!o->up && r.l.up)
			rt_emit(ve, &r, OVNMIG_EV_UP);
		/* Like the module: carrier changes only of a running device. */
		if (r.l.up && o->carrier != r.l.carrier)
			rt_emit(ve, &r, r.l.carrier ? OVNMIG_EV_CARRIER_ON :
						      OVNMIG_EV_CARRIER_LOST);
	}
	*o = r.l;
	return MNL_CB_OK;
}

static struct nlmsghdr *rt_getlink_msg(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return nlh;
}

/* Learn (or relearn after an overrun) every link; events only on resync. */
static int rt_sync(struct vif_events *ve, bool quiet)
{
	char buf[256];
	int err;

	ve->quiet = quiet;
	err = nl_request(NETLINK_ROUTE, rt_getlink_msg(buf), rt_event_cb, ve);
	ve->quiet = false;
	return err;
}

static int rtnl_open(struct vif_events *ve)
{
	int err;

	ve->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!ve->nl)
		return -errno;
	/* Subscribe before the initial dump so that nothing falls between. */
	if (mnl_socket_bind(ve->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	err = rt_sync(ve, true);
	return err;
}

static int rt_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rt_link r;

	rt_parse(nlh, &r);
	if (!r.l.port)
		return MNL_CB_OK;
	r.ev.kind = OVNMIG_EV_DUMP;
	return dump_add(data, &r.ev);
}

/* ---- public ---- */

struct vif_events *vif_events_open(enum vif_source src, vif_event_cb cb,
				   void *ctx)
{
	struct vif_events *ve;
	int err = -EINVAL, rcvbuf = VE_RCVBUF;

	if (!cb)
		goto fail;
	ve = xcalloc(1, sizeof(*ve));
	ve->cb = cb;
	ve->ctx = ctx;
	if (src == VIF_SRC_KMOD || src == VIF_SRC_AUTO) {
		err = kmod_open(ve);
		if (!err) {
			ve->src = VIF_SRC_KMOD;
		} else if (src == VIF_SRC_AUTO) {
			if (ve->nl)
				mnl_socket_close(ve->nl);
			ve->nl = NULL;
			src = VIF_SRC_RTNL;
		}
	}
	if (src == VIF_SRC_RTNL) {
		err = rtnl_open(ve);
		ve->src = VIF_SRC_RTNL;
	}
	if (err) {
		vif_events_close(ve);
		goto fail;
	}
	/* Best effort: a larger buffer makes overruns rarer, not impossible. */
	if (setsockopt(mnl_socket_get_fd(ve->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(mnl_socket_get_fd(ve->nl), SOL_SOCKET, SO_RCVBUF,
			   &rcvbuf, sizeof(rcvbuf));
	return ve;
fail:
	errno = -err;
	return NULL;
}

void vif_events_close(struct vif_events *ve)
{
	if (!ve)
		return;
	if (ve->nl)
		mnl_socket_close(ve->nl);
	free(ve->links);
	free(ve);
}

int vif_events_fd(const struct vif_events *ve)
{
	return mnl_socket_get_fd(ve->nl);
}

enum vif_source vif_events_source(const struct vif_events *ve)
{
	return ve->src;
}

uint64_t vif_events_lost(const struct vif_events *ve)
{
	return ve->lost;
}

uint64_t vif_events_unloads(const struct vif_events *ve)
{
	return ve->unloads;
}

bool vif_events_present(const struct vif_events *ve)
{
	return ve->src != VIF_SRC_KMOD || ve->family;
}

int vif_events_run(struct vif_events *ve)
{
	mnl_cb_t cb = ve->src == VIF_SRC_KMOD ? kmod_event_cb : rt_event_cb;
	int ret, err;

	ve->delivered = 0;
	for (;;) {
		ret = mnl_socket_recvfrom(ve->nl, ve->buf, sizeof(ve->buf));
		if (ret < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			if (errno != ENOBUFS)
				return -errno;
			/*
			 * Overrun: at least one event lost.  kmod: the next
			 * sequence gap tells how many more; rtnl: resync from
			 * a dump, which reports what changed meanwhile.
			 */
			ve->lost++;
			if (ve->src == VIF_SRC_KMOD) {
				ve->overruns++;
				err = kmod_recheck(ve);
				if (err)
					return err;
			} else {
				err = rt_sync(ve, false);
				if (err)
					return err;
			}
			continue;
		}
		ret = mnl_cb_run(ve->buf, ret, 0, 0, cb, ve);
		if (ret < 0)
			return -errno;
	}
	return ve->delivered;
}

/*
 * The kernel drops its locks between dump chunks and marks a dump
 * NLM_F_DUMP_INTR when the device list changed meanwhile (a port may
 * be missing or twice): dump again, a bounded number of times, and
 * hand out only a consistent one.
 */
#define VE_DUMP_TRIES	8

int vif_events_dump(struct vif_events *ve, vif_event_cb cb, void *ctx)
{
	struct dump_ctx d = { NULL, 0, 0 };
	char buf[256];
	int i, err = -EINTR;

	if (ve->src == VIF_SRC_KMOD && !ve->family)
		return -ENOENT;	/* unloaded; its return is followed */
	for (i = 0; i < VE_DUMP_TRIES && err == -EINTR; i++) {
		d.n = 0;
		if (ve->src == VIF_SRC_KMOD)
			err = nl_request(NETLINK_GENERIC,
					 genl_msg(buf, ve->family, NLM_F_DUMP,
						  OVNMIG_CMD_GET_PORT,
						  OVNMIG_GENL_VERSION),
					 kmod_dump_cb, &d);
		else
			err = nl_request(NETLINK_ROUTE, rt_getlink_msg(buf),
					 rt_dump_cb, &d);
	}
	if (!err)
		for (i = 0; i < d.n; i++)
			cb(ctx, &d.ev[i]);
	free(d.ev);
	return err ? err : d.n;
}

int vif_events_stats(struct vif_events *ve, struct vif_stats *st)
{
	char buf[256];

	if (ve->src != VIF_SRC_KMOD)
		return -EOPNOTSUPP;
	if (!ve->family)
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	return nl_request(NETLINK_GENERIC,
			  genl_msg(buf, ve->family, NLM_F_ACK,
				   OVNMIG_CMD_GET_STATS, OVNMIG_GENL_VERSION),
			  kmod_stats_cb, st);
}
