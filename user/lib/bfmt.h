/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bfmt: a printf format and its arguments, kept as bytes and turned into
 * text only when someone reads it (the idea of the kernel's
 * vbin_printf()/bstr_printf() behind trace_printk()).  The agent's event
 * ring keeps the last EVENT_RING events of an evacuation of thousands of
 * ports; formatting each one as it happened cost more than deciding it.
 *
 * The format must outlive the record (a string literal).  Arguments are
 * copied (strings too), so the record does not point into anything that
 * changes after the call.  A conversion it does not keep (%n, '*', %m,
 * positional, long double) or arguments too big for the record: the text
 * is formatted at once instead, so the result is always printf's.
 */
#ifndef OVNMIG_BFMT_H
#define OVNMIG_BFMT_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>

#define BFMT_BYTES	192	/* the text is at most BFMT_BYTES - 1 too */

struct bfmt {
	const char *fmt;		/* NULL: buf holds the text */
	unsigned char buf[BFMT_BYTES];	/* the arguments, or the text */
};

/* Keep @fmt and its arguments in @r. */
void bfmt_vsave(struct bfmt *r, const char *fmt, va_list ap);
/* Keep a plain text (copied, truncated to BFMT_BYTES - 1). */
void bfmt_text(struct bfmt *r, const char *s);
/* The text, as snprintf(out, size, fmt, args...) makes it. */
void bfmt_format(const struct bfmt *r, char *out, size_t size);

#endif /* OVNMIG_BFMT_H */
