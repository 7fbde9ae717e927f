// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * steer_sim: the steering decision of steer.bpf.c, driven from packet data
 * instead of tunnel metadata, for BPF_PROG_TEST_RUN (tests and benchmark):
 * skbs made by test_run have no tunnel info.  Input and output is one
 * struct ovnmig_steer_sim (sim.h) at offset 0; the verdict is what steer
 * would return, the "out" key what steer would pass to set_tunnel_key.
 * It copies the key and the options into stack buffers with one helper call
 * each, as get_tunnel_key/get_tunnel_opt do (two calls for more options
 * than OVN's own, as steer makes), so its cost is a fair stand-in for the
 * real program's.
 */
#include "steer.h"
#include "sim.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int steer_sim(struct __sk_buff *skb)
{
	struct ovnmig_config *cfg = ovnmig_config_get();
	struct ovnmig_steer_sim hdr;
	__u8 opts[STEER_OPTS_BUF];
	__u64 set_flags = 0;
	__u32 stat, len;
	int ret;

	if (!cfg || !cfg->steer_active) {
		ovnmig_count(OVNMIG_STAT_STEER_IDLE, skb->len);
		return TC_ACT_OK;
	}
	/* Only the input part, as get_tunnel_key copies only the key. */
	if (bpf_skb_load_bytes(skb, 0, &hdr, OVNMIG_SIM_IN_LEN)) {
		ovnmig_count(OVNMIG_STAT_STEER_NOT_OVN, skb->len);
		return TC_ACT_OK;
	}
	if (!steer_vni_may_match(cfg, hdr.key.tunnel_id)) {
		ovnmig_count(OVNMIG_STAT_STEER_MISS, skb->len);
		return TC_ACT_OK;
	}
	len = hdr.opts_len;
	/* steer's first, too small get_tunnel_opt for more options. */
	if (len > STEER_OPTS_SMALL)
		bpf_skb_load_bytes(skb, sizeof(hdr), opts, STEER_OPTS_SMALL);
	if (len < 4 || len > STEER_OPTS_MAX ||
	    bpf_skb_load_bytes(skb, sizeof(hdr), opts, len)) {
		ovnmig_count(OVNMIG_STAT_STEER_NOT_OVN, skb->len);
		return TC_ACT_OK;
	}

	ret = steer_decide(cfg, &hdr.key, hdr.get_flags & BPF_F_TUNINFO_IPV6,
			   opts, len, &set_flags, &stat);
	if (ret == STEER_REWRITE) {
		hdr.out = hdr.key;
		hdr.set_flags = set_flags;
		hdr.pad = 0;
		if (bpf_skb_store_bytes(skb, OVNMIG_SIM_IN_LEN, &hdr.out,
					sizeof(hdr) - OVNMIG_SIM_IN_LEN, 0)) {
			ovnmig_count(OVNMIG_STAT_STEER_ERROR, skb->len);
			return TC_ACT_OK;
		}
	}
	ovnmig_count(stat, skb->len);
	return ret == STEER_DROP ? TC_ACT_SHOT : TC_ACT_OK;
}
