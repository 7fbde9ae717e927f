/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers shared by the datapath test programs (TAP output). */
#ifndef OVNMIG_BPFTEST_H
#define OVNMIG_BPFTEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_fail, tap_pass, tap_skip;

static inline void tap_result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (ok) {
		tap_pass++;
		printf("ok %d %s\n", tap_n, name);
		return;
	}
	tap_fail++;
	printf("not ok %d %s # ", tap_n, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void tap_skip_one(const char *name, const char *why)
{
	tap_n++;
	tap_skip++;
	printf("ok %d %s # SKIP %s\n", tap_n, name, why);
}

static inline int tap_finish(void)
{
	printf("1..%d\n", tap_n);
	if (tap_fail)
		return 1;
	return !tap_pass && tap_skip ? 4 : 0;
}

#endif /* OVNMIG_BPFTEST_H */
