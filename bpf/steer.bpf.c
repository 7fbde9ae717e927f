// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * steer: TC egress on genev_sys_6081.  Packets that OVN still encapsulates
 * toward a port's old chassis are sent to its new chassis instead, while
 * the entry lives (the agent removes it when the SB moves the port again,
 * at the latest at its maximum age) and the agent's lease is fresh; OVN's
 * own flows, once caught up, no longer send there.  Only the outer
 * destination changes; VNI, options, TOS, TTL, label and flags stay.
 */
#include "steer.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int steer(struct __sk_buff *skb)
{
	struct ovnmig_config *cfg = ovnmig_config_get();
	struct bpf_tunnel_key tk;
	__u8 opts[STEER_OPTS_BUF];
	__u64 set_flags = 0;
	__u32 stat;
	bool v6 = false;
	int ret, len;

	/* Idle: no migration anywhere, not even a hash lookup. */
	if (!cfg || !cfg->steer_active) {
		ovnmig_count(OVNMIG_STAT_STEER_IDLE, skb->len);
		return TC_ACT_OK;
	}

	/*
	 * The helper answers for one family per call (-EPROTO for the
	 * other).  Ask this host's underlay family first: IPv6 when it has
	 * no IPv4 underlay address (ovnmig_config), so an IPv6 underlay
	 * pays one call, not two; the other family still works, with a
	 * second call.
	 */
	v6 = !cfg->local_v4 && (cfg->local_v6[0] | cfg->local_v6[1] |
				cfg->local_v6[2] | cfg->local_v6[3]);
	ret = bpf_skb_get_tunnel_key(skb, &tk, sizeof(tk), BPF_F_TUNINFO_FLAGS |
				     (v6 ? BPF_F_TUNINFO_IPV6 : 0));
	if (ret == -STEER_EPROTO) {
		v6 = !v6;
		ret = bpf_skb_get_tunnel_key(skb, &tk, sizeof(tk),
					     BPF_F_TUNINFO_FLAGS |
					     (v6 ? BPF_F_TUNINFO_IPV6 : 0));
	}
	if (ret < 0) {
		ovnmig_count(OVNMIG_STAT_STEER_NOT_OVN, skb->len);
		return TC_ACT_OK;
	}
	if (!steer_vni_may_match(cfg, tk.tunnel_id)) {
		ovnmig_count(OVNMIG_STAT_STEER_MISS, skb->len);
		return TC_ACT_OK;
	}
	len = bpf_skb_get_tunnel_opt(skb, opts, STEER_OPTS_SMALL);
	if (len == -STEER_ENOMEM)
		len = bpf_skb_get_tunnel_opt(skb, opts, sizeof(opts));
	if (len <= 0 || len > STEER_OPTS_MAX) {
		ovnmig_count(OVNMIG_STAT_STEER_NOT_OVN, skb->len);
		return TC_ACT_OK;
	}

	ret = steer_decide(cfg, &tk, v6, opts, len, &set_flags, &stat);
	if (ret == STEER_DROP) {
		ovnmig_count(stat, skb->len);
		return TC_ACT_SHOT;
	}
	if (ret == STEER_REWRITE) {
		/* Fails only before touching anything: pass as it was. */
		if (bpf_skb_set_tunnel_key(skb, &tk, sizeof(tk), set_flags)) {
			ovnmig_count(OVNMIG_STAT_STEER_ERROR, skb->len);
			return TC_ACT_OK;
		}
		/*
		 * set_tunnel_key replaced the options too: put them back.  If
		 * that failed, the packet would reach the new chassis without
		 * OVN's option, which it cannot deliver: drop it (counted).
		 */
		/* The verifier lost len's bounds across the calls. */
		asm volatile("" : "+r"(len));
		if (len <= 0 || len > STEER_OPTS_MAX ||
		    bpf_skb_set_tunnel_opt(skb, opts, len)) {
			ovnmig_count(OVNMIG_STAT_STEER_ERROR, skb->len);
			return TC_ACT_SHOT;
		}
	}
	ovnmig_count(stat, skb->len);
	return TC_ACT_OK;
}
