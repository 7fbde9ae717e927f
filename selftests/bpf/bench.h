/* SPDX-License-Identifier: GPL-2.0-only */
/* What every benchmark driver prints beside its figures. */
#ifndef OVNMIG_BENCH_H
#define OVNMIG_BENCH_H

#include <stdio.h>

/* The host's 1-minute load average (-1 if unknown): a run's figures are
 * only as good as the host was quiet. */
static inline double load_avg(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

#endif /* OVNMIG_BENCH_H */
