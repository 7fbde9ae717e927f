/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovnmig generic-netlink ABI: the one contract between ovnmig.ko
 * (kmod/) and the agent's event source (user/agent/vifevents.c).  Family name,
 * version, commands, attributes, multicast groups and event kinds are
 * defined here and nowhere else.  Values are ABI: only append.
 */
#ifndef OVNMIG_GENL_H
#define OVNMIG_GENL_H

#define OVNMIG_GENL_NAME	"ovnmig"
#define OVNMIG_GENL_VERSION	1
#define OVNMIG_GENL_MCGRP_EVENTS	"events"	/* needs CAP_NET_ADMIN */

/*
 * Commands.  EVENT is only ever sent by the kernel, to the "events"
 * group of the netns the device lives in.  GET_PORT is a dump of the
 * Open vSwitch ports of the caller's netns, GET_STATS a doit that
 * replies with the module's counters (for the caller's netns and global).
 */
enum ovnmig_genl_cmd {
	OVNMIG_CMD_UNSPEC,
	OVNMIG_CMD_EVENT,
	OVNMIG_CMD_GET_PORT,
	OVNMIG_CMD_GET_STATS,
	__OVNMIG_CMD_MAX,
};

#define OVNMIG_CMD_MAX (__OVNMIG_CMD_MAX - 1)

enum ovnmig_genl_attr {
	OVNMIG_A_UNSPEC,
	OVNMIG_A_PAD,
	OVNMIG_A_IFINDEX,		/* u32 */
	OVNMIG_A_IFNAME,		/* string, < IFNAMSIZ */
	OVNMIG_A_MAC,			/* binary, dev->addr_len bytes */
	OVNMIG_A_NETNS_INO,		/* u32: inode of /proc/PID/ns/net */
	OVNMIG_A_KIND,			/* u32: enum ovnmig_event_kind */
	OVNMIG_A_OPERSTATE,		/* u8: IF_OPER_* (RFC 2863) */
	OVNMIG_A_CARRIER,		/* u8: 0/1 */
	OVNMIG_A_ADMIN_UP,		/* u8: IFF_UP */
	OVNMIG_A_MASTER_IFINDEX,	/* u32: datapath device, 0 if none */
	OVNMIG_A_TIMESTAMP_NS,		/* u64: CLOCK_MONOTONIC ns */
	OVNMIG_A_SEQ,			/* u64: per netns, +1 per event */
	OVNMIG_A_PORT_TYPE,		/* u32: enum ovnmig_port_type */
	/* GET_STATS reply, all u64 */
	OVNMIG_A_STAT_EVENTS,		/* events generated (this netns) */
	OVNMIG_A_STAT_SENT,		/* delivered to every listener */
	OVNMIG_A_STAT_NO_LISTENER,	/* nobody subscribed: not built */
	OVNMIG_A_STAT_NOBUFS,		/* a listener's buffer was full; seen
					 * for listeners that set
					 * NETLINK_BROADCAST_ERROR (vifevents
					 * does)
					 */
	OVNMIG_A_STAT_ALLOC_FAIL,	/* no skb / message too small */
	OVNMIG_A_STAT_PORTS,		/* OVS ports in this netns now */
	OVNMIG_A_STAT_NOTIFIER_CALLS,	/* notifier calls (all devices) */
	__OVNMIG_A_MAX,
};

#define OVNMIG_A_MAX (__OVNMIG_A_MAX - 1)

/*
 * Event kinds.  ATTACH: the device became a datapath port (or an OVS
 * internal device was registered).  DETACH: it left the datapath
 * (ovs-vsctl del-port, or OVS unlinking a device that is being
 * unregistered).  UNREGISTER: the device is going away.  DUMP marks the
 * entries of a GET_PORT dump, which are states rather than events.
 * Invariant: events = sent + no_listener + nobufs + alloc_fail.
 */
enum ovnmig_event_kind {
	OVNMIG_EV_NONE,
	OVNMIG_EV_ATTACH,
	OVNMIG_EV_GOING_DOWN,
	OVNMIG_EV_DOWN,
	OVNMIG_EV_UP,
	OVNMIG_EV_CARRIER_LOST,
	OVNMIG_EV_CARRIER_ON,
	OVNMIG_EV_DETACH,
	OVNMIG_EV_UNREGISTER,
	OVNMIG_EV_DUMP,
	__OVNMIG_EV_MAX,
};

#define OVNMIG_EV_MAX (__OVNMIG_EV_MAX - 1)

/* Which kind of OVS port the device is. */
enum ovnmig_port_type {
	OVNMIG_PORT_NETDEV,	/* veth, tap, NIC linked under the datapath */
	OVNMIG_PORT_INTERNAL,	/* OVS internal device (bridge, type=internal) */
};

#endif /* OVNMIG_GENL_H */
