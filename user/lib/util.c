// SPDX-License-Identifier: GPL-2.0-only
/* util: see util.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "util.h"

extern const char *program_invocation_short_name;

void out_of_memory(void)
{
	static const char msg[] = ": out of memory\n";
	const char *p = program_invocation_short_name;

	/* No stdio: it may want memory too. */
	if (write(2, p, strlen(p)) < 0 || write(2, msg, sizeof(msg) - 1) < 0)
		abort();
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		out_of_memory();
	return d;
}

void str_copy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (!size)
		return;
	n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void mem_drop(const void *start, const void *end)
{
	static uintptr_t pg;
	uintptr_t s, e;

	if (!pg)
		pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	s = ((uintptr_t)start + pg - 1) & ~(pg - 1);
	e = (uintptr_t)end & ~(pg - 1);
	if (e > s)
		madvise((void *)s, e - s, MADV_DONTNEED);
}
