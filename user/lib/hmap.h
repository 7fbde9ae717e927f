/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hmap: an intrusive chained hash map, the one the Southbound view and
 * the policy both use.  The node lives in its owner (container_of);
 * the map stores each node's full hash and the caller compares keys:
 *
 *	HMAP_FOR_EACH_HASH(h, &m, hash)
 *		if (key_eq(container_of(h, struct row, hn), key)) ...
 *
 * Inserting never fails: the buckets grow with xcalloc (util.h, out of
 * memory ends the agent).  Zero-initialised is empty; hmap_destroy frees
 * the buckets, not the nodes.
 */
#ifndef OVNMIG_HMAP_H
#define OVNMIG_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hnode {
	struct hnode *next;
	uint32_t hash;
};

struct hmap {
	struct hnode **b;
	size_t mask, n;		/* buckets - 1 (when b), nodes */
};

uint32_t hash_bytes(const void *p, size_t n);
uint32_t hash_str(const char *s);
uint32_t hash_u64(uint64_t k);
/* 16 bytes (a uuid): both halves, a multiply each, where hash_bytes()
 * takes one per byte (every row the Southbound sends is looked up by
 * its uuid). */
uint32_t hash_16(const void *p);

void hmap_insert(struct hmap *m, struct hnode *h, uint32_t hash);
void hmap_remove(struct hmap *m, struct hnode *h);
/* Empties the map, keeping its buckets; the nodes are the caller's. */
void hmap_clear(struct hmap *m);
void hmap_destroy(struct hmap *m);

struct hnode *hmap_first(const struct hmap *m, uint32_t hash);
struct hnode *hmap_next(const struct hnode *h);

/* The nodes whose full hash is @hash; the caller compares the keys. */
#define HMAP_FOR_EACH_HASH(h, m, hash) \
	for (h = hmap_first(m, hash); h; h = hmap_next(h))

/* Every node; @nx makes removing or freeing @h safe; @i a size_t. */
#define HMAP_FOR_EACH_SAFE(h, nx, i, m)					\
	for (i = 0; (m)->b && i <= (m)->mask; i++)			\
		for (h = (m)->b[i]; h && ((nx = (h)->next), 1); h = nx)

#endif /* OVNMIG_HMAP_H */
