/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps of abi.h, declared once for every ovnmig BPF program.  All are
 * pinned by name, so steer (tc), bounce (ip link ... xdp) and the agent
 * find the same maps under <bpffs>/tc/globals/.
 */
#ifndef OVNMIG_BPF_MAPS_H
#define OVNMIG_BPF_MAPS_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <ovnmig/abi.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVNMIG_STEER_MAX_ENTRIES);
	__type(key, struct ovnmig_port_key);
	__type(value, struct ovnmig_steer);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovnmig_steer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVNMIG_FWD_MAX_ENTRIES);
	__type(key, struct ovnmig_port_key);
	__type(value, struct ovnmig_fwd);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovnmig_fwd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OVNMIG_STAT_MAX);
	__type(key, __u32);
	__type(value, struct ovnmig_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovnmig_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ovnmig_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovnmig_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OVNMIG_STEER_FILTER_WORDS);	/* both parts */
	__uint(map_flags, BPF_F_MMAPABLE);	/* agent sets bits atomically */
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovnmig_steer_vnis SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVNMIG_CHASSIS_MAX_ENTRIES);
	__type(key, struct ovnmig_chassis_key);
	__type(value, struct ovnmig_chassis);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovnmig_chassis SEC(".maps");

/* Arrays: a hit looks them up inlined, without hashing (abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OVNMIG_IFMAC_SLOTS);
	__type(key, __u32);
	__type(value, struct ovnmig_ifmac);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovnmig_ifmac SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OVNMIG_NEXTHOP_MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct ovnmig_nexthop);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovnmig_nexthop SEC(".maps");

/* Count one exit of a program; every exit goes through here exactly once. */
static __always_inline void ovnmig_count(__u32 stat, __u64 bytes)
{
	struct ovnmig_counter *c = bpf_map_lookup_elem(&ovnmig_stats, &stat);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

/*
 * One packet an entry acted on (abi.h, struct ovnmig_evidence): the
 * count always, atomically (CPUs share the entry); the times only when
 * they moved by the grain, so the entry's cache line is not written per
 * packet beyond the count.  Racing CPUs may both write a time: both
 * are right within the grain.
 */
static __always_inline bool ovnmig_evidence(struct ovnmig_evidence *ev,
					    __u64 now)
{
	__sync_fetch_and_add(&ev->packets, 1);
	if (now - ev->last_ns < OVNMIG_EVIDENCE_GRAIN_NS)
		return false;
	if (!ev->first_ns)
		ev->first_ns = now;
	ev->last_ns = now;
	return true;
}

static __always_inline struct ovnmig_config *ovnmig_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ovnmig_config, &zero);
}

#endif /* OVNMIG_BPF_MAPS_H */
