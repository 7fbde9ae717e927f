/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Geneve (RFC 8926) as steer and bounce read it: the header and the one
 * walker over its options that both use, steer on the copy that
 * bpf_skb_get_tunnel_opt() makes on its stack, bounce on the packet.
 */
#ifndef OVNMIG_BPF_GENEVE_H
#define OVNMIG_BPF_GENEVE_H

#include <linux/bpf.h>
#include <ovnmig/abi.h>

#define GENEVE_HLEN		8
/* At most 63 words of options after the header (opt_len is 6 bits). */
#define GENEVE_OPTS_MAX		252
#define GENEVE_OPTS_ITER	63

struct geneve_hdr {
	__u8 ver_optlen;	/* ver:2, opt_len:6 (4-byte words) */
	__u8 flags;		/* O, C, 6 reserved (loop mark here) */
	__be16 proto;
	__u8 vni[3];
	__u8 rsvd;
};

/*
 * @off & 0xff, masked in asm: the bound check and the read must use the
 * same register, which clang does not keep for a plain mask it can prove
 * redundant (the verifier then rejects steer's stack read).  A no-op for
 * every offset the checks below let through.
 */
static __always_inline __u64 geneve_off_bound(__u64 off)
{
	asm volatile("%[o] &= 0xff" : [o] "+r"(off));
	return off;
}

/*
 * Offset of the first option of OVN's class and type at or after @off
 * in the @len bytes of options at @opts (a multiple of 4, at most
 * GENEVE_OPTS_MAX), or -1.  With @want_len only one of OVN's length
 * counts (steer: another is not OVN's option); without, the caller
 * checks the length of the one found (bounce: the first decides).
 *
 * Nothing is read at or beyond @limit: the packet's end for bounce (the
 * check the verifier needs for packet pointers), the end of the buffer
 * for steer (where the bound on @off keeps the stack reads in range).
 *
 * *@step counts the options looked at (start it at 0): a second call
 * that goes on after the first one's find continues the count, so that
 * both together take at most GENEVE_OPTS_ITER steps and the verifier's
 * work stays linear in them.  Every option is at least 4 bytes, so that
 * many steps cover any @len.
 */
static __always_inline int geneve_ovn_opt(const __u8 *opts, __u32 len,
					  const void *limit, __u32 off,
					  const bool want_len, int *step)
{
	const __u8 *p;
	__u32 olen;

	for (; *step < GENEVE_OPTS_ITER; (*step)++) {
		__u64 o = geneve_off_bound(off);

		if (o > GENEVE_OPTS_MAX - 4 || off + 4 > len)
			return -1;
		p = opts + o;
		if ((const void *)(p + 4) > limit)
			return -1;
		olen = (p[3] & 0x1f) * 4;
		if (p[0] == (OVNMIG_OVN_OPT_CLASS >> 8) &&
		    p[1] == (OVNMIG_OVN_OPT_CLASS & 0xff) &&
		    p[2] == OVNMIG_OVN_OPT_TYPE &&
		    (!want_len || olen == OVNMIG_OVN_OPT_LEN))
			return off;
		off += 4 + olen;
	}
	return -1;
}

/*
 * The egress port key in OVN's option at @off (as geneve_ovn_opt()
 * returned it), or -1 when that option does not have OVN's length or
 * does not fit in @len bytes or before @limit.
 */
static __always_inline int geneve_ovn_egress(const __u8 *opts, __u32 len,
					     const void *limit, int off)
{
	__u64 o = geneve_off_bound(off);
	const __u8 *p;

	if (off < 0 || o > GENEVE_OPTS_MAX - 8 || (__u32)off + 8 > len)
		return -1;
	p = opts + o;
	if ((const void *)(p + 8) > limit ||
	    (p[3] & 0x1f) * 4 != OVNMIG_OVN_OPT_LEN)
		return -1;
	return (p[6] << 8) | p[7];
}

#endif /* OVNMIG_BPF_GENEVE_H */
