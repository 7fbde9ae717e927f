/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ovnmig.ko internals shared by its source files.  The user-visible
 * contract (family, commands, attributes, kinds) is include/ovnmig/genl.h.
 */
#ifndef _OVNMIG_H
#define _OVNMIG_H

#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <ovnmig/genl.h>

/* From the file VERSION at the top of the tree (kmod/Kbuild). */
#ifndef OVNMIG_MODULE_VERSION
#error "OVNMIG_MODULE_VERSION is set by kmod/Kbuild from VERSION"
#endif

enum ovnmig_mcgrp {
	OVNMIG_MCGRP_EVENTS_IDX,
};

/* Per netns: events and their sequence numbers never cross a netns. */
struct ovnmig_net {
	atomic64_t seq;
	atomic64_t events;
	atomic64_t sent;
	atomic64_t no_listener;
	atomic64_t nobufs;
	atomic64_t alloc_fail;
};

extern unsigned int ovnmig_net_id;
extern struct genl_family ovnmig_genl_family;

static inline struct ovnmig_net *ovnmig_pernet(const struct net *net)
{
	return net_generic(net, ovnmig_net_id);
}

/* An Open vSwitch port: linked under a datapath, or an OVS internal dev. */
static inline bool ovnmig_is_ovs_port(const struct net_device *dev)
{
	return netif_is_ovs_port(dev) || netif_is_ovs_master(dev);
}

size_t ovnmig_port_msg_size(void);
int ovnmig_fill_port(struct sk_buff *skb, const struct net_device *dev,
		     u8 cmd, u32 kind, u64 ts, u64 seq,
		     struct netlink_callback *cb);
void ovnmig_event(struct net_device *dev, u32 kind);

int ovnmig_genl_init(void);
void ovnmig_genl_exit(void);
int ovnmig_notify_init(void);
void ovnmig_notify_exit(void);

#endif /* _OVNMIG_H */
