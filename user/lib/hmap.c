// SPDX-License-Identifier: GPL-2.0-only
/* hmap: see hmap.h. */
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "util.h"

uint32_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *s = p;
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ *s++) * 16777619u;
	return h ^ (h >> 15);
}

uint32_t hash_str(const char *s)
{
	return hash_bytes(s, strlen(s));
}

uint32_t hash_u64(uint64_t k)
{
	/* murmur3's finaliser: every key bit reaches the low bits. */
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (uint32_t)k;
}

uint32_t hash_16(const void *p)
{
	uint64_t a, b;

	memcpy(&a, p, 8);
	memcpy(&b, (const char *)p + 8, 8);
	return hash_u64(a ^ (b * 0x9e3779b97f4a7c15ull));
}

static void hmap_grow(struct hmap *m)
{
	size_t nmask = m->b ? m->mask * 2 + 1 : 63, i;
	struct hnode **nb = xcalloc(nmask + 1, sizeof(*nb));

	for (i = 0; m->b && i <= m->mask; i++) {
		struct hnode *h = m->b[i], *next;

		for (; h; h = next) {
			next = h->next;
			h->next = nb[h->hash & nmask];
			nb[h->hash & nmask] = h;
		}
	}
	free(m->b);
	m->b = nb;
	m->mask = nmask;
}

void hmap_insert(struct hmap *m, struct hnode *h, uint32_t hash)
{
	if (!m->b || m->n >= m->mask)
		hmap_grow(m);
	h->hash = hash;
	h->next = m->b[hash & m->mask];
	m->b[hash & m->mask] = h;
	m->n++;
}

void hmap_remove(struct hmap *m, struct hnode *h)
{
	struct hnode **pp;

	if (!m->b)
		return;
	for (pp = &m->b[h->hash & m->mask]; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			m->n--;
			return;
		}
	}
}

void hmap_clear(struct hmap *m)
{
	if (m->n)
		memset(m->b, 0, (m->mask + 1) * sizeof(*m->b));
	m->n = 0;
}

void hmap_destroy(struct hmap *m)
{
	free(m->b);
	memset(m, 0, sizeof(*m));
}

struct hnode *hmap_first(const struct hmap *m, uint32_t hash)
{
	struct hnode *h;

	if (!m->b)
		return NULL;
	for (h = m->b[hash & m->mask]; h && h->hash != hash; h = h->next)
		;
	return h;
}

struct hnode *hmap_next(const struct hnode *h)
{
	uint32_t hash = h->hash;

	for (h = h->next; h && h->hash != hash; h = h->next)
		;
	return (struct hnode *)h;
}
