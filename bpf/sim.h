/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet format of steer_sim (tests and benchmark only): this header, then
 * opts_len bytes of Geneve options as the kernel stores them.
 */
#ifndef OVNMIG_BPF_SIM_H
#define OVNMIG_BPF_SIM_H

#include <linux/bpf.h>

struct ovnmig_steer_sim {
	/* in: what steer gets from get_tunnel_key and get_tunnel_opt */
	struct bpf_tunnel_key key;	/* as get_tunnel_key gives it */
	__u32 get_flags;		/* BPF_F_TUNINFO_IPV6 or 0 */
	__u32 opts_len;			/* bytes of options after this */
	/*
	 * out: what steer would pass to set_tunnel_key; written only on a
	 * rewrite, so repeated runs see the same input.
	 */
	struct bpf_tunnel_key out;
	__u32 set_flags;
	__u32 pad;
};

#define OVNMIG_SIM_IN_LEN	__builtin_offsetof(struct ovnmig_steer_sim, out)

#endif /* OVNMIG_BPF_SIM_H */
