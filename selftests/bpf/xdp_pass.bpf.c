// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Passes everything.  Attached to the switch side of a veth pair so that
 * frames sent back with XDP_TX by bounce are received there (veth needs an
 * XDP program or GRO on the peer to accept them).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}
