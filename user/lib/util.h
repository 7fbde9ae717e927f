/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util: what every part of user/ needs and should not write twice.
 *
 * Out of memory: one rule for the whole agent.  An allocation whose size
 * a peer chooses (a DB message, a control request) is bounded by its
 * limit and, should it still fail, drops that peer only.  Every other
 * allocation (rows, policy records, hash buckets, batches) goes through
 * x*alloc, which ends the program with "PROG: out of memory" and abort():
 * a half-applied update is worse than a restart, systemd restarts the
 * agent (ovnmigd.service), the pinned entries survive and the first sync
 * reconciles them.
 */
#ifndef OVNMIG_UTIL_H
#define OVNMIG_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"	/* mono_ns(), mono_ms() */

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

void out_of_memory(void) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Copy @src into @dst of @size bytes, cut to fit and NUL-terminated
 * (snprintf's "%s" without parsing a format on every call). */
void str_copy(char *dst, const char *src, size_t size);
/* Give the whole pages inside [start, end) of a malloc'ed buffer back to
 * the kernel (MADV_DONTNEED): they read as zeros afterwards.  For text
 * already parsed that its buffer's owner will not read again. */
void mem_drop(const void *start, const void *end);

#endif /* OVNMIG_UTIL_H */
