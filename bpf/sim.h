/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet format of steer_sim (tests and benchmark only): this header, then
 * opts_len bytes of Geneve options as the kernel stores them.
 */
#ifndef OVNMIG_BPF_SIM_H
#define OVNMIG_BPF_SIM_H

#include <linux/bpf.h>

struct ovnmig_steer_sim {
	struct bpf_tunnel_key key;	/* in: as get_tunnel_key gives it */
	/*
	 * out: as set_tunnel_key would get it; written only on a rewrite,
	 * so repeated runs see the same input.
	 */
	struct bpf_tunnel_key out;
	__u32 get_flags;		/* in: BPF_F_TUNINFO_IPV6 or 0 */
	__u32 set_flags;		/* out: flags for set_tunnel_key */
	__u32 opts_len;			/* in: bytes of options that follow */
	__u32 pad;
};

#endif /* OVNMIG_BPF_SIM_H */
