// SPDX-License-Identifier: GPL-2.0-only
/*
 * The netdevice notifier: turns state changes of Open vSwitch ports into
 * ovnmig events.  Netdevice notifiers run in process context with RTNL
 * held; everything here only reads device state and allocates with
 * GFP_ATOMIC so that a slow allocation never stalls RTNL for everybody.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/timekeeping.h>

#include "ovnmig.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/*
 * register_netdevice_notifier() and its unregister counterpart replay
 * REGISTER/UP and DOWN/UNREGISTER for every existing device.  Those are
 * not state changes, so events are only generated while "live".
 * Written and read under RTNL.
 */
static bool ovnmig_live;

/*
 * OVS unlinks a non-internal port from its datapath from its own
 * NETDEV_UNREGISTER handler (dp_notify.c), which runs before ours, so by
 * the time we see NETDEV_UNREGISTER the device no longer looks like an
 * OVS port.  Remember the device OVS just unlinked while unregistering
 * it; it is only compared, never dereferenced.  Protected by RTNL.
 */
static const struct net_device *ovnmig_unlinked_dev;

void ovnmig_event(struct net_device *dev, u32 kind)
{
	struct net *net = dev_net(dev);
	struct ovnmig_net *on = ovnmig_pernet(net);
	struct sk_buff *skb;
	u64 ts, seq;
	int err;

	ts = ktime_get_ns();
	seq = atomic64_inc_return(&on->seq);
	atomic64_inc(&on->events);
	trace_ovnmig_event(dev, kind, seq, ts);

	if (!genl_has_listeners(&ovnmig_genl_family, net,
				OVNMIG_MCGRP_EVENTS_IDX)) {
		atomic64_inc(&on->no_listener);
		return;
	}

	skb = genlmsg_new(ovnmig_port_msg_size(), GFP_ATOMIC);
	if (!skb) {
		atomic64_inc(&on->alloc_fail);
		return;
	}
	err = ovnmig_fill_port(skb, dev, OVNMIG_CMD_EVENT, kind, ts, seq,
			       NULL);
	if (err) {
		nlmsg_free(skb);
		atomic64_inc(&on->alloc_fail);
		return;
	}

	err = genlmsg_multicast_netns(&ovnmig_genl_family, net, skb, 0,
				      OVNMIG_MCGRP_EVENTS_IDX, GFP_ATOMIC);
	if (!err)
		atomic64_inc(&on->sent);
	else if (err == -ESRCH)
		atomic64_inc(&on->no_listener);	/* last listener just left */
	else
		atomic64_inc(&on->nobufs);
}

static int ovnmig_changeupper(struct net_device *dev,
			      struct netdev_notifier_changeupper_info *info)
{
	if (!netif_is_ovs_master(info->upper_dev))
		return NOTIFY_DONE;

	if (info->linking) {
		ovnmig_event(dev, OVNMIG_EV_ATTACH);
		return NOTIFY_DONE;
	}
	if (dev->reg_state == NETREG_UNREGISTERING)
		ovnmig_unlinked_dev = dev;
	ovnmig_event(dev, OVNMIG_EV_DETACH);
	return NOTIFY_DONE;
}

static int ovnmig_netdev_event(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	u32 kind;

	if (!ovnmig_live)
		return NOTIFY_DONE;

	if (event == NETDEV_CHANGEUPPER)
		return ovnmig_changeupper(dev, ptr);

	if (event == NETDEV_UNREGISTER && dev == ovnmig_unlinked_dev) {
		ovnmig_unlinked_dev = NULL;
		ovnmig_event(dev, OVNMIG_EV_UNREGISTER);
		return NOTIFY_DONE;
	}

	/* The cheap test first: most devices are not OVS ports. */
	if (!ovnmig_is_ovs_port(dev))
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_REGISTER:
		/* Internal devices are born as ports; others attach later. */
		kind = OVNMIG_EV_ATTACH;
		break;
	case NETDEV_GOING_DOWN:
		kind = OVNMIG_EV_GOING_DOWN;
		break;
	case NETDEV_DOWN:
		kind = OVNMIG_EV_DOWN;
		break;
	case NETDEV_UP:
		kind = OVNMIG_EV_UP;
		break;
	case NETDEV_CHANGE:
		/*
		 * Carrier changes of a running device come here from
		 * linkwatch with no flag change; flag changes (arp, ...)
		 * carry flags_changed and are not carrier events.
		 */
		if (((struct netdev_notifier_change_info *)ptr)->flags_changed)
			return NOTIFY_DONE;
		kind = netif_carrier_ok(dev) ? OVNMIG_EV_CARRIER_ON :
					       OVNMIG_EV_CARRIER_LOST;
		break;
	case NETDEV_UNREGISTER:
		kind = OVNMIG_EV_UNREGISTER;
		break;
	default:
		return NOTIFY_DONE;
	}
	ovnmig_event(dev, kind);
	return NOTIFY_DONE;
}

static struct notifier_block ovnmig_netdev_notifier = {
	.notifier_call = ovnmig_netdev_event,
};

int ovnmig_notify_init(void)
{
	int err;

	err = register_netdevice_notifier(&ovnmig_netdev_notifier);
	if (err)
		return err;
	rtnl_lock();
	ovnmig_live = true;
	rtnl_unlock();
	return 0;
}

void ovnmig_notify_exit(void)
{
	rtnl_lock();
	ovnmig_live = false;
	ovnmig_unlinked_dev = NULL;
	rtnl_unlock();
	unregister_netdevice_notifier(&ovnmig_netdev_notifier);
}
