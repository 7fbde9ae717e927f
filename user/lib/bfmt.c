// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deferred printf (bfmt.h).  The record is the format's pointer and the
 * arguments in the order the format takes them: integers and pointers
 * as 8 bytes (already narrowed as their length modifier says), doubles
 * as 8 bytes, strings as their bytes and a NUL.  Formatting walks the
 * format again and hands each conversion, widened to "ll" for integers,
 * to snprintf: the text is printf's own.
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "bfmt.h"

enum len { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_J, LEN_Z, LEN_T };
enum arg { ARG_PCT, ARG_INT, ARG_UINT, ARG_CHAR, ARG_DBL, ARG_PTR, ARG_STR };

struct spec {
	const char *start;	/* the '%' */
	size_t n_head;		/* '%', flags, width, precision */
	enum len len;
	enum arg arg;
	char conv;
};

/* Flags, width and precision longer than this: formatted at once. */
#define HEAD_MAX	16

/* The conversion at p ('%'): its end, or NULL when bfmt does not keep
 * it (then the caller formats at once). */
static const char *parse_spec(const char *p, struct spec *s)
{
	const char *q = p + 1;

	s->start = p;
	while (*q == '-' || *q == '+' || *q == ' ' || *q == '#' ||
	       *q == '0' || *q == '\'')
		q++;
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '.')
		for (q++; *q >= '0' && *q <= '9'; q++)
			;
	s->n_head = q - p;
	if (s->n_head > HEAD_MAX)
		return NULL;
	s->len = LEN_NONE;
	switch (*q) {
	case 'h':
		s->len = q[1] == 'h' ? LEN_HH : LEN_H;
		q += s->len == LEN_HH ? 2 : 1;
		break;
	case 'l':
		s->len = q[1] == 'l' ? LEN_LL : LEN_L;
		q += s->len == LEN_LL ? 2 : 1;
		break;
	case 'j':
		s->len = LEN_J, q++;
		break;
	case 'z':
		s->len = LEN_Z, q++;
		break;
	case 't':
		s->len = LEN_T, q++;
		break;
	}
	s->conv = *q;
	switch (*q) {
	case 'd': case 'i':
		s->arg = ARG_INT;
		break;
	case 'o': case 'u': case 'x': case 'X':
		s->arg = ARG_UINT;
		break;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
	case 'a': case 'A':
		if (s->len != LEN_NONE && s->len != LEN_L)
			return NULL;
		s->arg = ARG_DBL;
		break;
	case 'c': case 's': case 'p': case '%':
		if (s->len != LEN_NONE)
			return NULL;
		s->arg = *q == 'c' ? ARG_CHAR : *q == 's' ? ARG_STR :
			 *q == 'p' ? ARG_PTR : ARG_PCT;
		break;
	default:		/* %n, '*', %m, positional, L, the end */
		return NULL;
	}
	return q + 1;
}

static long long get_int(const struct spec *s, va_list *ap)
{
	switch (s->len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_J: return va_arg(*ap, intmax_t);
	case LEN_Z: return va_arg(*ap, ssize_t);
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static unsigned long long get_uint(const struct spec *s, va_list *ap)
{
	switch (s->len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_J: return va_arg(*ap, uintmax_t);
	case LEN_Z: return va_arg(*ap, size_t);
	case LEN_T: return (size_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/*
 * The conversions of the formats seen, by the format's address: the
 * events come from a few dozen string literals, and walking the format
 * for each cost more than keeping the arguments.  Direct-mapped; the
 * agent is one thread.
 */
#define CACHE_N		64
#define CACHE_ARGS	10
struct fmt_args {
	const char *fmt;
	uint8_t n;
	struct spec s[CACHE_ARGS];	/* n_head, start unused */
};
static struct fmt_args cache[CACHE_N];

/* The conversions of @fmt, or NULL when it has one bfmt does not keep
 * or more than CACHE_ARGS. */
static const struct fmt_args *fmt_args(const char *fmt)
{
	struct fmt_args *c = &cache[((uintptr_t)fmt >> 3) % CACHE_N];
	const char *p = fmt;
	struct spec s;

	if (c->fmt == fmt)
		return c;
	c->fmt = NULL;
	c->n = 0;
	while ((p = strchr(p, '%'))) {
		p = parse_spec(p, &s);
		if (!p || c->n == CACHE_ARGS)
			return NULL;
		if (s.arg != ARG_PCT)
			c->s[c->n++] = s;
	}
	c->fmt = fmt;
	return c;
}

void bfmt_vsave(struct bfmt *r, const char *fmt, va_list ap)
{
	unsigned char *b = r->buf, *end = r->buf + sizeof(r->buf);
	const struct fmt_args *c = fmt_args(fmt);
	unsigned int i;
	va_list a;

	if (!c)
		goto now;
	va_copy(a, ap);
	for (i = 0; i < c->n; i++) {
		const struct spec s = c->s[i];
		unsigned long long u;
		const char *str;
		double d;
		void *ptr;
		size_t n;

		if (s.arg == ARG_STR) {
			str = va_arg(a, const char *);
			if (!str)
				str = "(null)";	/* glibc's text for it */
			/* Whole, or formatted at once: a cut copy under a
			 * width would pad differently than printf. */
			n = strnlen(str, BFMT_BYTES);
			if (n == BFMT_BYTES || (size_t)(end - b) < n + 1)
				goto full;
			memcpy(b, str, n);
			b[n] = '\0';
			b += n + 1;
			continue;
		}
		if (end - b < 8)
			goto full;
		if (s.arg == ARG_INT) {
			long long v = get_int(&s, &a);

			memcpy(b, &v, 8);
		} else if (s.arg == ARG_UINT) {
			u = get_uint(&s, &a);
			memcpy(b, &u, 8);
		} else if (s.arg == ARG_CHAR) {
			u = (unsigned char)va_arg(a, int);
			memcpy(b, &u, 8);
		} else if (s.arg == ARG_DBL) {
			d = va_arg(a, double);
			memcpy(b, &d, 8);
		} else {
			ptr = va_arg(a, void *);
			memcpy(b, &ptr, sizeof(ptr));
		}
		b += 8;
	}
	va_end(a);
	r->fmt = fmt;
	return;
full:
	va_end(a);
now:
	r->fmt = NULL;
	vsnprintf((char *)r->buf, sizeof(r->buf), fmt, ap);
}

void bfmt_text(struct bfmt *r, const char *s)
{
	size_t n = strnlen(s, BFMT_BYTES - 1);

	r->fmt = NULL;
	memcpy(r->buf, s, n);
	r->buf[n] = '\0';
}

void bfmt_format(const struct bfmt *r, char *out, size_t size)
{
	const unsigned char *b = r->buf;
	const char *p = r->fmt, *q;
	char spec[HEAD_MAX + 4];
	size_t pos = 0, n;
	struct spec s;
	int w = 0;

	if (!size)
		return;
	if (size > BFMT_BYTES)
		size = BFMT_BYTES;
	if (!p) {
		snprintf(out, size, "%s", (const char *)r->buf);
		return;
	}
	while (*p && pos + 1 < size) {
		q = strchr(p, '%');
		n = q ? (size_t)(q - p) : strlen(p);
		if (n > size - 1 - pos)
			n = size - 1 - pos;
		memcpy(out + pos, p, n);
		pos += n;
		if (!q || pos + 1 >= size)
			break;
		p = parse_spec(q, &s);	/* kept by bfmt_vsave(): not NULL */
		memcpy(spec, s.start, s.n_head);
		spec[s.n_head] = '\0';
		if (s.arg == ARG_INT || s.arg == ARG_UINT)
			strcat(spec, "ll");
		n = strlen(spec);
		spec[n] = s.conv;
		spec[n + 1] = '\0';
		switch (s.arg) {
		case ARG_PCT:
			out[pos] = '%';
			w = 1;
			break;
		case ARG_STR:
			w = snprintf(out + pos, size - pos, spec,
				     (const char *)b);
			b += strlen((const char *)b) + 1;
			break;
		case ARG_INT: {
			long long v;

			memcpy(&v, b, 8);
			w = snprintf(out + pos, size - pos, spec, v);
			b += 8;
			break;
		}
		case ARG_UINT: case ARG_CHAR: {
			unsigned long long v;

			memcpy(&v, b, 8);
			w = s.arg == ARG_CHAR ?
			    snprintf(out + pos, size - pos, spec, (int)v) :
			    snprintf(out + pos, size - pos, spec, v);
			b += 8;
			break;
		}
		case ARG_DBL: {
			double d;

			memcpy(&d, b, 8);
			w = snprintf(out + pos, size - pos, spec, d);
			b += 8;
			break;
		}
		case ARG_PTR: {
			void *ptr;

			memcpy(&ptr, b, sizeof(ptr));
			w = snprintf(out + pos, size - pos, spec, ptr);
			b += 8;
			break;
		}
		}
		if (w > 0)
			pos += (size_t)w < size - pos ? (size_t)w :
			       size - pos - 1;
	}
	out[pos] = '\0';
}
