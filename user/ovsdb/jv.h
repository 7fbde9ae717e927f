/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jv: one JSON value (RFC 8259) parsed into a flat array of nodes that
 * is reused from one value to the next.  The Southbound view parses every
 * row of an update with it: jansson builds a tree of separately allocated
 * objects, hash tables and strings for each row (most of the agent's
 * cost of a 1,000-port evacuation), this costs no allocation once the
 * arrays have grown to the largest row.
 *
 * As strict as jansson's parser without JSON_ALLOW_NUL (what the view
 * used before): UTF-8 checked (no overlong forms, surrogates or code
 * points past U+10FFFF), no raw control characters in strings, no \u0000,
 * surrogate escapes paired, the number grammar, integers that fit int64,
 * reals that are finite, no duplicate key in an object, nesting bounded.
 * One thing more: at most JV_MAX_NODES values in one parse (a row of an
 * update has a few dozen; a set is at most 4,096 atoms), so that a lying
 * server's 64 MiB row of tiny values cannot make us allocate gigabytes
 * of nodes.
 */
#ifndef OVNMIG_JV_H
#define OVNMIG_JV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JV_MAX_NODES	(1u << 20)	/* 80 MiB of nodes at most */

enum jv_type {
	JV_NULL, JV_FALSE, JV_TRUE, JV_INT, JV_REAL, JV_STRING, JV_ARRAY,
	JV_OBJECT,
};

struct jv {
	enum jv_type type;
	uint32_t n;		/* string: bytes; array, object: members */
	const char *key;	/* an object's member: its key (decoded) */
	size_t key_len;
	const char *s;		/* a string, decoded and NUL-terminated */
	int64_t i;		/* an integer */
	const struct jv *first;	/* array, object: first member, or NULL */
	const struct jv *next;	/* the next member of the parent, or NULL */
	/* while parsing: indices and string offsets */
	uint32_t first_i, next_i;
	size_t s_off, key_off;
};

/* The node and string arrays; zero-initialised is empty. */
struct jv_doc {
	struct jv *v;
	size_t n, cap;
	char *str;
	size_t slen, scap;
};

/*
 * Parses one value from [s, end) (leading whitespace skipped); on success
 * returns the root (valid until the next parse into d) and sets *stop just
 * past the value.  NULL on any error.  depth bounds the nesting of arrays
 * and objects.
 */
const struct jv *jv_parse(struct jv_doc *d, const char *s, const char *end,
			  const char **stop, int depth);
/* An object's member by key, or NULL. */
const struct jv *jv_get(const struct jv *obj, const char *key);
/* Frees the arrays if they grew past a large value (keep_bytes). */
void jv_doc_trim(struct jv_doc *d, size_t keep_bytes);
void jv_doc_free(struct jv_doc *d);

#endif /* OVNMIG_JV_H */
