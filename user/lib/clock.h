/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock: the one "now" of the project's C code.  Header-only, so that
 * the single-file test and benchmark programs (selftests/bpf/, tools/)
 * use it as well as user/: they include "lib/clock.h" with -I user.
 *
 * CLOCK_MONOTONIC is the clock of every expiry, lease and timestamp in
 * the pinned maps (include/ovnmig/abi.h): steer and bounce read it with
 * bpf_ktime_get_coarse_ns(), the same clock at tick resolution.
 */
#ifndef OVNMIG_CLOCK_H
#define OVNMIG_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLK in ns (CLOCK_THREAD_CPUTIME_ID for CPU time, say). */
static inline uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline uint64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static inline uint64_t mono_ms(void)
{
	return mono_ns() / 1000000;
}

/* ms from now to the CLOCK_MONOTONIC time @at_ns; 0 once it passed. */
static inline uint64_t mono_ms_until(uint64_t at_ns)
{
	uint64_t now = mono_ns();

	return at_ns > now ? (at_ns - now) / 1000000 : 0;
}

#endif /* OVNMIG_CLOCK_H */
