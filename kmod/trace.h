/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoint ovnmig:ovnmig_event, one per event the module generates,
 * whether or not anybody listens on the netlink group, so that perf,
 * bpftrace and trace-cmd see the same timeline as the agent.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ovnmig

#if !defined(_OVNMIG_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _OVNMIG_TRACE_H

#include <linux/netdevice.h>
#include <linux/tracepoint.h>
#include <linux/version.h>

/*
 * Linux 6.10 dropped __assign_str()'s source argument: the string is
 * copied from what __string() recorded.  Debian 12 (6.1) needs the old
 * form, Debian 13 (6.12) the new one.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define ovnmig_assign_str(dst, src) __assign_str(dst)
#else
#define ovnmig_assign_str(dst, src) __assign_str(dst, src)
#endif

TRACE_EVENT(ovnmig_event,
	    TP_PROTO(const struct net_device *dev, u32 kind, u64 seq, u64 ts),
	    TP_ARGS(dev, kind, seq, ts),
	    TP_STRUCT__entry(__string(name, dev->name)
			     __field(int, ifindex)
			     __field(u32, kind)
			     __field(u8, operstate)
			     __field(bool, carrier)
			     __field(u64, seq)
			     __field(u64, ts)),
	    TP_fast_assign(ovnmig_assign_str(name, dev->name);
			   __entry->ifindex = dev->ifindex;
			   __entry->kind = kind;
			   __entry->operstate = READ_ONCE(dev->operstate);
			   __entry->carrier = netif_carrier_ok(dev);
			   __entry->seq = seq;
			   __entry->ts = ts;),
	    TP_printk("dev=%s ifindex=%d kind=%u operstate=%u carrier=%d seq=%llu ts=%llu",
		      __get_str(name), __entry->ifindex, __entry->kind,
		      __entry->operstate, __entry->carrier, __entry->seq,
		      __entry->ts)
);

#endif /* _OVNMIG_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
