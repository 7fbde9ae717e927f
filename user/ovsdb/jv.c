// SPDX-License-Identifier: GPL-2.0-only
/* jv: a strict JSON value parser into reused arrays (jv.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jv.h"
#include "lib/util.h"

#define NO_KEY	SIZE_MAX

struct jp {
	struct jv_doc *d;
	const char *p, *end;
};

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' ||
				 *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static long new_node(struct jp *j, enum jv_type t)
{
	struct jv_doc *d = j->d;
	struct jv *v;

	if (d->n >= JV_MAX_NODES)
		return -1;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	v = &d->v[d->n];
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->key_off = NO_KEY;
	return (long)d->n++;
}

static void str_reserve(struct jv_doc *d, size_t more)
{
	if (d->scap - d->slen >= more)
		return;
	while (d->scap - d->slen < more)
		d->scap = d->scap ? d->scap * 2 : 4096;
	d->str = xrealloc(d->str, d->scap);
}

/* Length of the valid UTF-8 sequence at p (not ASCII), or 0. */
static int utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned int c = p[0], cp;
	int n, i;

	if (c < 0xc2)
		return 0;		/* a continuation, or overlong */
	if (c < 0xe0)
		n = 2, cp = c & 0x1f;
	else if (c < 0xf0)
		n = 3, cp = c & 0x0f;
	else if (c < 0xf5)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (end - p < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		*o++ = cp;
	} else if (cp < 0x800) {
		*o++ = 0xc0 | cp >> 6;
		*o++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*o++ = 0xe0 | cp >> 12;
		*o++ = 0x80 | ((cp >> 6) & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	} else {
		*o++ = 0xf0 | cp >> 18;
		*o++ = 0x80 | ((cp >> 12) & 0x3f);
		*o++ = 0x80 | ((cp >> 6) & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	}
	return o;
}

/* The string at j->p (its opening quote): decoded into d->str, with a
 * NUL after it; its offset and length.  0 or -EPROTO. */
static int parse_string(struct jp *j, size_t *off, size_t *len)
{
	const char *s = j->p + 1, *q = s, *end = j->end;
	struct jv_doc *d = j->d;
	bool plain = true;
	char *o;

	/* Find the end first (the decoded text is never longer); eight
	 * plain bytes at a time while there are no quote, backslash,
	 * control or non-ASCII byte among them. */
	while (end - q >= 8) {
		const uint64_t ones = 0x0101010101010101ull;
		const uint64_t high = 0x8080808080808080ull;
		uint64_t x;

		memcpy(&x, q, 8);
		if ((x | (x - 0x20 * ones) | ((x ^ 0x22 * ones) - ones) |
		     ((x ^ 0x5c * ones) - ones)) & high)
			break;
		q += 8;
	}
	while (q < end && *q != '"') {
		unsigned char c = *q;

		if (c == '\\') {
			plain = false;
			q += 2;
			continue;
		}
		if (c < 0x20)
			return -EPROTO;	/* raw control character */
		if (c >= 0x80)
			plain = false;
		q++;
	}
	if (q >= end)
		return -EPROTO;
	str_reserve(d, q - s + 1);
	*off = d->slen;
	o = d->str + d->slen;
	if (plain) {
		memcpy(o, s, q - s);
		o += q - s;
	} else {
		const char *p = s;

		while (p < q) {
			unsigned char c = *p;
			unsigned int cp, lo;
			int n;

			if (c >= 0x80) {
				n = utf8_seq((const unsigned char *)p,
					     (const unsigned char *)q);
				if (!n)
					return -EPROTO;
				memcpy(o, p, n);
				o += n;
				p += n;
				continue;
			}
			if (c != '\\') {
				*o++ = c;
				p++;
				continue;
			}
			switch (p[1]) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '/': *o++ = '/'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u':
				if (q - p < 6 || hex4(p + 2, &cp))
					return -EPROTO;
				p += 4;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return -EPROTO;	/* lone low half */
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (q - p < 8 || p[2] != '\\' ||
					    p[3] != 'u' || hex4(p + 4, &lo) ||
					    lo < 0xdc00 || lo > 0xdfff)
						return -EPROTO;
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
					p += 6;
				}
				/* No NUL inside a string (jansson without
				 * JSON_ALLOW_NUL refuses it too). */
				if (!cp)
					return -EPROTO;
				o = put_utf8(o, cp);
				break;
			default:
				return -EPROTO;
			}
			p += 2;
		}
	}
	*o++ = '\0';
	*len = o - 1 - (d->str + *off);
	d->slen = o - d->str;
	j->p = q + 1;
	return 0;
}

static bool digit(const struct jp *j)
{
	return j->p < j->end && *j->p >= '0' && *j->p <= '9';
}

static int parse_number(struct jp *j, struct jv *v)
{
	const char *s = j->p;
	bool neg = false, real = false;
	uint64_t u = 0;

	if (*j->p == '-') {
		neg = true;
		j->p++;
	}
	if (!digit(j))
		return -EPROTO;
	if (*j->p == '0') {
		j->p++;
	} else {
		while (digit(j)) {
			unsigned int dg = *j->p++ - '0';

			if (u > (UINT64_MAX - dg) / 10)
				u = UINT64_MAX;	/* out of range below */
			else
				u = u * 10 + dg;
		}
	}
	if (j->p < j->end && *j->p == '.') {
		real = true;
		j->p++;
		if (!digit(j))
			return -EPROTO;
		while (digit(j))
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		real = true;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!digit(j))
			return -EPROTO;
		while (digit(j))
			j->p++;
	}
	if (real) {
		/* The value is never used; only that it is a finite
		 * double, as jansson checks. */
		size_t n = j->p - s;
		char buf[64], *t = n < sizeof(buf) ? buf : xmalloc(n + 1);
		double x;

		memcpy(t, s, n);
		t[n] = '\0';
		x = strtod(t, NULL);
		if (t != buf)
			free(t);
		if (isinf(x))
			return -EPROTO;
		v->type = JV_REAL;
		return 0;
	}
	if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
		return -EPROTO;
	v->i = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

static bool lit(struct jp *j, const char *w, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}

static int key_cmp(const void *a, const void *b, void *arg)
{
	const struct jv_doc *d = arg;
	const struct jv *x = &d->v[*(const uint32_t *)a];
	const struct jv *y = &d->v[*(const uint32_t *)b];

	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return memcmp(d->str + x->key_off, d->str + y->key_off, x->key_len);
}

/* Two members of one key (jansson's JSON_REJECT_DUPLICATES). */
static bool dup_keys(struct jv_doc *d, const struct jv *obj)
{
	uint32_t i, k, n = obj->n, *ix;
	bool dup = false;

	if (n < 2)
		return false;
	ix = xmalloc(n * sizeof(*ix));
	for (i = 0, k = obj->first_i; i < n; i++, k = d->v[k].next_i)
		ix[i] = k;
	if (n <= 8) {
		for (i = 0; i < n && !dup; i++)
			for (k = i + 1; k < n && !dup; k++)
				dup = !key_cmp(&ix[i], &ix[k], d);
	} else {
		qsort_r(ix, n, sizeof(*ix), key_cmp, d);
		for (i = 1; i < n && !dup; i++)
			dup = !key_cmp(&ix[i - 1], &ix[i], d);
	}
	free(ix);
	return dup;
}

static long parse_value(struct jp *j, int depth)
{
	long me, last = 0, c;
	bool obj;

	ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '"': {
		size_t off, len;

		me = new_node(j, JV_STRING);
		if (me < 0 || parse_string(j, &off, &len) || len > UINT32_MAX)
			return -1;
		j->d->v[me].s_off = off;
		j->d->v[me].n = len;
		return me;
	}
	case 't':
		return lit(j, "true", 4) ? new_node(j, JV_TRUE) : -1;
	case 'f':
		return lit(j, "false", 5) ? new_node(j, JV_FALSE) : -1;
	case 'n':
		return lit(j, "null", 4) ? new_node(j, JV_NULL) : -1;
	case '[':
	case '{':
		break;
	default:
		me = new_node(j, JV_INT);
		return me < 0 || parse_number(j, &j->d->v[me]) ? -1 : me;
	}
	if (depth <= 0)
		return -1;
	obj = *j->p == '{';
	me = new_node(j, obj ? JV_OBJECT : JV_ARRAY);
	if (me < 0)
		return -1;
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
		j->p++;
		return me;
	}
	for (;;) {
		size_t koff = NO_KEY, klen = 0;

		if (obj) {
			ws(j);
			if (j->p >= j->end || *j->p != '"' ||
			    parse_string(j, &koff, &klen))
				return -1;
			ws(j);
			if (j->p >= j->end || *j->p != ':')
				return -1;
			j->p++;
		}
		c = parse_value(j, depth - 1);
		if (c < 0)
			return -1;
		j->d->v[c].key_off = koff;
		j->d->v[c].key_len = klen;
		if (last)
			j->d->v[last].next_i = c;
		else
			j->d->v[me].first_i = c;
		last = c;
		if (++j->d->v[me].n == 0)
			return -1;
		ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != (obj ? '}' : ']'))
			return -1;
		j->p++;
		break;
	}
	if (obj && dup_keys(j->d, &j->d->v[me]))
		return -1;
	return me;
}

const struct jv *jv_parse(struct jv_doc *d, const char *s, const char *end,
			  const char **stop, int depth)
{
	struct jp j = { d, s, end };
	size_t i;

	d->n = 0;
	d->slen = 0;
	if (parse_value(&j, depth) != 0)
		return NULL;
	/* The arrays are final: indices and offsets become pointers. */
	for (i = 0; i < d->n; i++) {
		struct jv *v = &d->v[i];

		v->first = v->first_i ? &d->v[v->first_i] : NULL;
		v->next = v->next_i ? &d->v[v->next_i] : NULL;
		v->s = v->type == JV_STRING ? d->str + v->s_off : NULL;
		v->key = v->key_off != NO_KEY ? d->str + v->key_off : NULL;
	}
	*stop = j.p;
	return &d->v[0];
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
	const struct jv *c;
	size_t n = strlen(key);

	if (!obj || obj->type != JV_OBJECT)
		return NULL;
	for (c = obj->first; c; c = c->next)
		if (c->key_len == n && !memcmp(c->key, key, n))
			return c;
	return NULL;
}

void jv_doc_trim(struct jv_doc *d, size_t keep_bytes)
{
	if (d->cap * sizeof(*d->v) + d->scap > keep_bytes)
		jv_doc_free(d);
}

void jv_doc_free(struct jv_doc *d)
{
	free(d->v);
	free(d->str);
	memset(d, 0, sizeof(*d));
}
