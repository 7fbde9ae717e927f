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
 */
#include <linux/bpf.h>
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
