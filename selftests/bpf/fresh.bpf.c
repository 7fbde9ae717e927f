// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench-datapath's fresh packet per repeat, for programs that change the
 * packet (bounce's hit: a forwarded packet carries the loop mark, and
 * BPF_PROG_TEST_RUN runs every repeat on the same buffer).
 *
 * fresh_call copies the original packet (fresh_pkt, written by the
 * bench) over the frame, then tail-calls fresh_progs[0]: the program
 * under test, or the empty one for the baseline, so the copy and the
 * tail call cancel out in the difference.  fresh_tx and fresh_drop are
 * the live-frame mode's baseline (XDP_TX alone) and the veth peer's
 * program (veth takes XDP frames only when its peer runs XDP).
 *
 * tun_call does for the real steer (TC) what test_run cannot: it gives
 * the skb the tunnel info OVS would (bpf_skb_set_tunnel_key and
 * bpf_skb_set_tunnel_opt from tun_in, written by the bench), then
 * tail-calls tun_progs[0]: steer, or the empty program for the
 * baseline.  Every repeat starts from that info again.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define FRESH_MAX	256	/* bytes restored; the bench's packets fit */

struct fresh {
	__u32 len;
	__u32 pad;
	__u8 data[FRESH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fresh);
} fresh_pkt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} fresh_progs SEC(".maps");

SEC("xdp")
int fresh_call(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 zero = 0;
	struct fresh *f = bpf_map_lookup_elem(&fresh_pkt, &zero);
	__u64 *d = data;
	const __u64 *s;
	int i;

	if (!f)
		return XDP_ABORTED;
	s = (const void *)f->data;
	/*
	 * Whole words: a tail of fewer than 8 bytes is payload, which no
	 * program here changes.  Bounded for the verifier by FRESH_MAX.
	 */
	for (i = 0; i < FRESH_MAX / 8; i++) {
		if ((void *)(d + i + 1) > end || i * 8 >= (int)f->len)
			break;
		d[i] = s[i];
	}
	bpf_tail_call(ctx, &fresh_progs, 0);
	return XDP_ABORTED;
}

SEC("xdp")
int fresh_tx(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_TX;
}

SEC("xdp")
int fresh_drop(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

/* What OVS's geneve encap would have set: key, destination, option. */
struct tun_in {
	struct bpf_tunnel_key key;
	__u8 opt[8];
	__u64 flags;		/* set_tunnel_key's: BPF_F_TUNINFO_IPV6 */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tun_in);
} tun_in SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tun_progs SEC(".maps");

SEC("tc")
int tun_call(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct tun_in *t = bpf_map_lookup_elem(&tun_in, &zero);
	struct bpf_tunnel_key k;
	__u8 o[8];

	if (!t)
		return TC_ACT_SHOT;
	__builtin_memcpy(&k, &t->key, sizeof(k));
	__builtin_memcpy(o, t->opt, sizeof(o));
	if (bpf_skb_set_tunnel_key(skb, &k, sizeof(k), BPF_F_ZERO_CSUM_TX |
				   (t->flags & BPF_F_TUNINFO_IPV6)) ||
	    bpf_skb_set_tunnel_opt(skb, o, sizeof(o)))
		return TC_ACT_SHOT;
	bpf_tail_call(skb, &tun_progs, 0);
	return TC_ACT_SHOT;
}
