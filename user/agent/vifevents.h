/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's VIF event source: state changes of Open vSwitch ports from
 * ovnmig.ko's generic-netlink family when the module is loaded, from
 * rtnetlink otherwise, delivered as one event type either way.
 *
 *	ve = vif_events_open(VIF_SRC_AUTO, cb, ctx);
 *	poll on vif_events_fd(ve) for POLLIN, then vif_events_run(ve);
 *	vif_events_close(ve);
 *
 * Functions return 0 or a negative errno (libbpf style); open returns
 * NULL with errno set.  Not thread-safe; one owner per handle.
 */
#ifndef OVNMIG_VIFEVENTS_H
#define OVNMIG_VIFEVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <ovnmig/genl.h>

enum vif_source {
	VIF_SRC_AUTO,	/* ovnmig.ko if available, else rtnetlink */
	VIF_SRC_KMOD,
	VIF_SRC_RTNL,
};

/* Event kinds are those of the kernel module (OVNMIG_EV_*). */
struct vif_event {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC: when it happened (kmod) or
				 * was received (rtnl) */
	uint64_t recv_ns;	/* CLOCK_MONOTONIC: when this process read it */
	uint64_t seq;		/* per source; kmod: per netns, gaps = drops */
	uint32_t kind;		/* enum ovnmig_event_kind */
	uint32_t ifindex;
	uint32_t master_ifindex;	/* OVS datapath device, 0 if none */
	uint32_t netns_ino;	/* 0 when unknown (rtnl) */
	uint8_t operstate;	/* IF_OPER_* */
	uint8_t carrier;
	uint8_t admin_up;
	uint8_t mac_len;
	uint8_t mac[32];
	char name[16];		/* IFNAMSIZ */
	enum vif_source source;	/* VIF_SRC_KMOD or VIF_SRC_RTNL */
};

struct vif_stats {
	uint64_t seq, events, sent, no_listener, nobufs, alloc_fail, ports;
};

typedef void (*vif_event_cb)(void *ctx, const struct vif_event *ev);

struct vif_events;

struct vif_events *vif_events_open(enum vif_source src, vif_event_cb cb,
				   void *ctx);
void vif_events_close(struct vif_events *ve);	/* accepts NULL */
int vif_events_fd(const struct vif_events *ve);
/* Read every pending message, calling cb per event; never blocks.
 * Returns the number of events delivered or a negative errno. */
int vif_events_run(struct vif_events *ve);
enum vif_source vif_events_source(const struct vif_events *ve);
/* Events known lost: sequence gaps (kmod) and socket overruns (each at
 * least one event; rtnl resyncs from a dump after one). */
uint64_t vif_events_lost(const struct vif_events *ve);
/* kmod: ovnmig.ko can be unloaded and loaded again under a running
 * source.  While it is away (vif_events_present() false) no kernel
 * event arrives; when it is back the source joins it again by itself
 * and the events it sent meanwhile count as lost.  unloads counts the
 * times it went away.  rtnl: always present, 0 unloads. */
bool vif_events_present(const struct vif_events *ve);
uint64_t vif_events_unloads(const struct vif_events *ve);
/* Current OVS ports of this netns, one cb per port (kind OVNMIG_EV_DUMP),
 * from a dump the kernel did not see the device list change under
 * (retried a few times, else -EINTR); -ENOENT while ovnmig.ko is away. */
int vif_events_dump(struct vif_events *ve, vif_event_cb cb, void *ctx);
/* The module's counters for this netns; -EOPNOTSUPP from rtnetlink. */
int vif_events_stats(struct vif_events *ve, struct vif_stats *st);

const char *vif_event_kind_name(uint32_t kind);
const char *vif_source_name(enum vif_source src);

#endif /* OVNMIG_VIFEVENTS_H */
