// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "ovnmig" generic-netlink family: the events multicast group
 * (CAP_NET_ADMIN in the netns' user namespace to join), a dump of the
 * Open vSwitch ports of the caller's netns and a stats command.  Every
 * command is read-only; netns-aware, so each netns sees its own ports,
 * events and counters.
 */
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "ovnmig.h"

size_t ovnmig_port_msg_size(void)
{
	return nla_total_size(sizeof(u32))		/* IFINDEX */
	     + nla_total_size(IFNAMSIZ)			/* IFNAME */
	     + nla_total_size(MAX_ADDR_LEN)		/* MAC */
	     + nla_total_size(sizeof(u32))		/* NETNS_INO */
	     + nla_total_size(sizeof(u32))		/* KIND */
	     + nla_total_size(sizeof(u8)) * 3		/* OPERSTATE, CARRIER, ADMIN_UP */
	     + nla_total_size(sizeof(u32))		/* MASTER_IFINDEX */
	     + nla_total_size_64bit(sizeof(u64)) * 2	/* TIMESTAMP_NS, SEQ */
	     + nla_total_size(sizeof(u32));		/* PORT_TYPE */
}

/*
 * Caller holds RTNL (for the master lookup and a stable name).  @cb is
 * the dump being answered, NULL for an event.
 */
int ovnmig_fill_port(struct sk_buff *skb, const struct net_device *dev,
		     u8 cmd, u32 kind, u64 ts, u64 seq,
		     struct netlink_callback *cb)
{
	struct net_device *master;
	void *hdr;

	ASSERT_RTNL();
	if (cb)
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ovnmig_genl_family,
				  NLM_F_MULTI, cmd);
	else
		hdr = genlmsg_put(skb, 0, 0, &ovnmig_genl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	master = netdev_master_upper_dev_get((struct net_device *)dev);
	if (nla_put_u32(skb, OVNMIG_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, OVNMIG_A_IFNAME, dev->name) ||
	    (dev->addr_len &&
	     nla_put(skb, OVNMIG_A_MAC, dev->addr_len, dev->dev_addr)) ||
	    nla_put_u32(skb, OVNMIG_A_NETNS_INO, dev_net(dev)->ns.inum) ||
	    nla_put_u32(skb, OVNMIG_A_KIND, kind) ||
	    nla_put_u8(skb, OVNMIG_A_OPERSTATE, READ_ONCE(dev->operstate)) ||
	    nla_put_u8(skb, OVNMIG_A_CARRIER, netif_carrier_ok(dev)) ||
	    nla_put_u8(skb, OVNMIG_A_ADMIN_UP, !!(dev->flags & IFF_UP)) ||
	    nla_put_u32(skb, OVNMIG_A_MASTER_IFINDEX,
			master ? master->ifindex : 0) ||
	    nla_put_u64_64bit(skb, OVNMIG_A_TIMESTAMP_NS, ts, OVNMIG_A_PAD) ||
	    nla_put_u64_64bit(skb, OVNMIG_A_SEQ, seq, OVNMIG_A_PAD) ||
	    nla_put_u32(skb, OVNMIG_A_PORT_TYPE,
			netif_is_ovs_master(dev) ? OVNMIG_PORT_INTERNAL :
						   OVNMIG_PORT_NETDEV))
		goto cancel;

	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Dump cursor: cb->args[0] is the ifindex of the last port sent, 0 at
 * the start.  Each call resumes right after that device in the netns'
 * device list (found by a hash lookup), so a dump costs one pass over
 * the list in all, not a rescan from the head under RTNL per chunk.
 *
 * RTNL is dropped between calls.  cb->seq is the netns' dev_base_seq,
 * which changes whenever a device is listed or unlisted (registered,
 * unregistered, moved between netns), as in rtnetlink's link dump: a
 * change between two calls marks the next message, or the NLMSG_DONE,
 * NLM_F_DUMP_INTR and the reader dumps again.  If the cursor's device
 * itself went away, its place in the list is lost and the dump ends
 * there, marked interrupted.  Ports that join or leave a datapath
 * mid-dump do not change dev_base_seq; their events say so.
 */
static int ovnmig_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct ovnmig_net *on = ovnmig_pernet(net);
	int last = cb->args[0];
	struct net_device *dev = NULL;
	u64 ts, seq;
	int err = 0;

	rtnl_lock();
	cb->seq = net->dev_base_seq;
	ts = ktime_get_ns();
	/* The sequence number lets a listener line the dump up with events. */
	seq = atomic64_read(&on->seq);
	if (last) {
		dev = __dev_get_by_index(net, last);
		if (!dev)
			goto out;
	}
	dev = list_prepare_entry(dev, &net->dev_base_head, dev_list);
	for_each_netdev_continue(net, dev) {
		if (!ovnmig_is_ovs_port(dev))
			continue;
		err = ovnmig_fill_port(skb, dev, OVNMIG_CMD_GET_PORT,
				       OVNMIG_EV_DUMP, ts, seq, cb);
		if (err)
			break;	/* did not fit: first one of the next call */
		cb->args[0] = dev->ifindex;
	}
out:
	rtnl_unlock();
	/* A port that does not fit in an empty skb never will. */
	if (err && !skb->len)
		return err;
	/* Non-zero: call again for the rest; zero: the dump is complete. */
	return skb->len;
}

static int ovnmig_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct ovnmig_net *on = ovnmig_pernet(net);
	struct net_device *dev;
	struct sk_buff *msg;
	u64 ports = 0;
	void *hdr;

	rcu_read_lock();
	for_each_netdev_rcu(net, dev)
		ports += ovnmig_is_ovs_port(dev);
	rcu_read_unlock();

	msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)) * 8, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ovnmig_genl_family, 0,
				OVNMIG_CMD_GET_STATS);
	if (!hdr)
		goto nospace;
	if (nla_put_u64_64bit(msg, OVNMIG_A_SEQ, atomic64_read(&on->seq),
			      OVNMIG_A_PAD) ||
	    nla_put_u64_64bit(msg, OVNMIG_A_STAT_EVENTS,
			      atomic64_read(&on->events), OVNMIG_A_PAD) ||
	    nla_put_u64_64bit(msg, OVNMIG_A_STAT_SENT,
			      atomic64_read(&on->sent), OVNMIG_A_PAD) ||
	    nla_put_u64_64bit(msg, OVNMIG_A_STAT_NO_LISTENER,
			      atomic64_read(&on->no_listener), OVNMIG_A_PAD) ||
	    nla_put_u64_64bit(msg, OVNMIG_A_STAT_NOBUFS,
			      atomic64_read(&on->nobufs), OVNMIG_A_PAD) ||
	    nla_put_u64_64bit(msg, OVNMIG_A_STAT_ALLOC_FAIL,
			      atomic64_read(&on->alloc_fail), OVNMIG_A_PAD) ||
	    nla_put_u64_64bit(msg, OVNMIG_A_STAT_PORTS, ports, OVNMIG_A_PAD))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * Both commands are read-only and take no attributes: with
 * resv_start_op past every command, the core rejects any attribute and
 * any non-zero reserved header field (strict validation).
 *
 * Neither needs a capability, as OVS_VPORT_CMD_GET and OVS_DP_CMD_GET
 * ("OK for unprivileged users") and psample's group dump do not: they
 * tell the caller about its own netns only, and nothing that rtnetlink
 * does not already give any process there (RTM_GETLINK shows every
 * link with its name, MAC, flags, operstate and master; RTNLGRP_LINK
 * reports each change).  The event stream, with its kernel timestamps,
 * is the part that needs CAP_NET_ADMIN.  docs/kmod.md says the same.
 */
static const struct genl_small_ops ovnmig_genl_ops[] = {
	{
		.cmd = OVNMIG_CMD_GET_PORT,
		.dumpit = ovnmig_port_dump,
	},
	{
		.cmd = OVNMIG_CMD_GET_STATS,
		.doit = ovnmig_stats_doit,
	},
};

static const struct genl_multicast_group ovnmig_mcgrps[] = {
	[OVNMIG_MCGRP_EVENTS_IDX] = {
		.name = OVNMIG_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family ovnmig_genl_family __ro_after_init = {
	.name = OVNMIG_GENL_NAME,
	.version = OVNMIG_GENL_VERSION,
	.maxattr = OVNMIG_A_MAX,
	.netnsok = true,
	.parallel_ops = true,	/* all state is atomics or under RTNL */
	.module = THIS_MODULE,
	.small_ops = ovnmig_genl_ops,
	.n_small_ops = ARRAY_SIZE(ovnmig_genl_ops),
	.resv_start_op = __OVNMIG_CMD_MAX,
	.mcgrps = ovnmig_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ovnmig_mcgrps),
};

int ovnmig_genl_init(void)
{
	return genl_register_family(&ovnmig_genl_family);
}

void ovnmig_genl_exit(void)
{
	genl_unregister_family(&ovnmig_genl_family);
}
