/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TAP writer of the C tests (the datapath's in selftests/bpf/, the
 * agent's policy-test and ovsdb-test); selftests/lib/ktap.sh is the
 * shell tests' one.  Every line is flushed: a test that crashes has its
 * results so far on stdout, and the runner counts the crash itself.
 *
 *	tap_result(cond, "name", "why %d", x);	ok / not ok N name # why
 *	tap_skip_one("name", "why");		ok N name # SKIP why
 *	return tap_finish();			1..N; 1 failed, 4 all skipped
 */
#ifndef OVNMIG_TAP_H
#define OVNMIG_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_fail, tap_pass, tap_skip;

static inline void tap_result(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void tap_result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (ok) {
		tap_pass++;
		printf("ok %d %s\n", tap_n, name);
	} else {
		tap_fail++;
		printf("not ok %d %s # ", tap_n, name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
}

static inline void tap_skip_one(const char *name, const char *why)
{
	tap_n++;
	tap_skip++;
	printf("ok %d %s # SKIP %s\n", tap_n, name, why);
	fflush(stdout);
}

static inline int tap_finish(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	if (tap_fail)
		return 1;
	return !tap_pass && tap_skip ? 4 : 0;
}

#endif /* OVNMIG_TAP_H */
