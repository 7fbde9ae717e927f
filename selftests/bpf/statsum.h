/* SPDX-License-Identifier: GPL-2.0-only */
/* The datapath counters as the test programs read them. */
#ifndef OVNMIG_STATSUM_H
#define OVNMIG_STATSUM_H

#include <stdint.h>
#include <bpf/bpf.h>
#include <ovnmig/abi.h>

/* Each outcome's packets in the per-CPU stats map @fd, summed over
 * @ncpus CPUs, into @out[OVNMIG_STAT_MAX]; 0 or -1. */
static inline int stats_sum(int fd, int ncpus, uint64_t *out)
{
	struct ovnmig_counter vals[ncpus > 0 ? ncpus : 1];
	uint32_t k;
	int c;

	for (k = 0; k < OVNMIG_STAT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			return -1;
		out[k] = 0;
		for (c = 0; c < ncpus; c++)
			out[k] += vals[c].packets;
	}
	return 0;
}

#endif /* OVNMIG_STATSUM_H */
