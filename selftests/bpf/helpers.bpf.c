// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The benchmark's floor: each program calls one helper (or one map
 * lookup) the datapath calls, and nothing else, so bench-datapath can
 * report beside each case what its helpers cost alone in the same run.
 * The tunnel helpers need tunnel info on the skb, which test_run does
 * not give: set_tunnel_key makes it, so its partners are timed as
 * set_tunnel_key plus the helper, minus set_tunnel_key alone.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <ovnmig/abi.h>
#include "sim.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET	2

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ovnmig_config);
} h_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OVNMIG_STAT_MAX);
	__type(key, __u32);
	__type(value, struct ovnmig_counter);
} h_percpu SEC(".maps");

/* As ovnmig_fwd (the bench fills it like the datapath's maps). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVNMIG_FWD_MAX_ENTRIES);
	__type(key, struct ovnmig_port_key);
	__type(value, struct ovnmig_fwd);
} h_hash SEC(".maps");

static __always_inline void use(const void *p)
{
	asm volatile("" : : "r"(p) : "memory");
}

SEC("xdp")
int x_array(struct xdp_md *ctx)
{
	__u32 zero = 0;

	(void)ctx;
	use(bpf_map_lookup_elem(&h_array, &zero));
	return XDP_PASS;
}

/* A lookup and the increment: what ovnmig_count() does. */
SEC("xdp")
int x_count(struct xdp_md *ctx)
{
	__u32 k = OVNMIG_STAT_BOUNCE_MISS;
	struct ovnmig_counter *c = bpf_map_lookup_elem(&h_percpu, &k);

	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return XDP_PASS;
}

SEC("xdp")
int x_hash_hit(struct xdp_md *ctx)
{
	struct ovnmig_port_key k = { .dp_key = 0x123456, .port_key = 7 };

	(void)ctx;
	use(bpf_map_lookup_elem(&h_hash, &k));
	return XDP_PASS;
}

SEC("xdp")
int x_hash_miss(struct xdp_md *ctx)
{
	struct ovnmig_port_key k = { .dp_key = 0x123456, .port_key = 8 };

	(void)ctx;
	use(bpf_map_lookup_elem(&h_hash, &k));
	return XDP_PASS;
}

SEC("xdp")
int x_ktime(struct xdp_md *ctx)
{
	/* The clock the hits read (bounce.bpf.c, steer.h). */
	__u64 t = bpf_ktime_get_ns();

	(void)ctx;
	use(&t);
	return XDP_PASS;
}

/* What bounce asks without a cached next hop: 198.18.0.2 via veth0. */
SEC("xdp")
int x_fib(struct xdp_md *ctx)
{
	struct bpf_fib_lookup fib = {};

	fib.family = AF_INET;
	fib.ifindex = ctx->ingress_ifindex;
	fib.l4_protocol = 17;
	fib.tot_len = 100;
	fib.ipv4_src = __builtin_bswap32(0xc6120001);
	fib.ipv4_dst = __builtin_bswap32(0xc6120002);
	return bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) ==
	       BPF_FIB_LKUP_RET_SUCCESS ? XDP_PASS : XDP_DROP;
}

/* steer_sim's stand-ins for the tunnel getters and setter. */
SEC("tc")
int t_load_key(struct __sk_buff *skb)
{
	struct ovnmig_steer_sim h;

	bpf_skb_load_bytes(skb, 0, &h, OVNMIG_SIM_IN_LEN);
	use(&h);
	return TC_ACT_OK;
}

SEC("tc")
int t_load_opt(struct __sk_buff *skb)
{
	__u8 o[8];

	bpf_skb_load_bytes(skb, sizeof(struct ovnmig_steer_sim), o, sizeof(o));
	use(o);
	return TC_ACT_OK;
}

SEC("tc")
int t_store(struct __sk_buff *skb)
{
	struct ovnmig_steer_sim h = {};

	bpf_skb_store_bytes(skb, OVNMIG_SIM_IN_LEN, &h.out,
			    sizeof(h) - OVNMIG_SIM_IN_LEN, 0);
	return TC_ACT_OK;
}

/* The real steer's four tunnel helpers, as steer.bpf.c calls them. */
static __always_inline int set_key(struct __sk_buff *skb)
{
	struct bpf_tunnel_key tk = {};

	tk.tunnel_id = 0x123456;
	tk.remote_ipv4 = 0xc6120002;
	tk.tunnel_ttl = 64;
	return bpf_skb_set_tunnel_key(skb, &tk, sizeof(tk),
				      BPF_F_ZERO_CSUM_TX);
}

static const __u8 ovn_opt[8] = { 0x01, 0x02, 0x80, 0x01, 0, 1, 0, 7 };

SEC("tc")
int t_set_key(struct __sk_buff *skb)
{
	return set_key(skb) ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tc")
int t_set_key_get_key(struct __sk_buff *skb)
{
	struct bpf_tunnel_key tk;

	if (set_key(skb) ||
	    bpf_skb_get_tunnel_key(skb, &tk, sizeof(tk), BPF_F_TUNINFO_FLAGS))
		return TC_ACT_SHOT;
	use(&tk);
	return TC_ACT_OK;
}

SEC("tc")
int t_set_key_set_opt(struct __sk_buff *skb)
{
	__u8 o[8];

	__builtin_memcpy(o, ovn_opt, sizeof(o));
	if (set_key(skb) || bpf_skb_set_tunnel_opt(skb, o, sizeof(o)))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("tc")
int t_set_key_set_opt_get_opt(struct __sk_buff *skb)
{
	__u8 o[8];

	__builtin_memcpy(o, ovn_opt, sizeof(o));
	if (set_key(skb) || bpf_skb_set_tunnel_opt(skb, o, sizeof(o)) ||
	    bpf_skb_get_tunnel_opt(skb, o, sizeof(o)) != sizeof(o))
		return TC_ACT_SHOT;
	use(o);
	return TC_ACT_OK;
}
