// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for what a server can make the follower parse: the
 * JSON-RPC framing, the message shape checks and the monitor reply and
 * update parser of sbview, with state carried across the messages of one
 * input (a snapshot, then updates that modify and delete its rows).
 *
 * Input: byte 0 picks the database (bit 2) and the monitor method the
 * replies answer (bits 0-1); the rest is a byte stream of messages.
 * Every callback re-reads what it was given and the lookups, so the
 * sanitizers see any use of stale memory.
 *
 * Each message is also parsed by jv (the row parser of the view) and by
 * jansson: they must accept exactly the same texts and read the same
 * values, else the target aborts (jv.h promises jansson's strictness).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb/jsonrpc.h"
#include "ovsdb/jv.h"
#include "ovsdb/ovsdb.h"
#include "sb/sbview.h"

static struct sbview *view;
static volatile size_t sink;

static void touch(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i, s = 0;

	for (i = 0; i < n; i++)
		s += c[i];
	sink += s;
}

static void cb_chassis(void *ctx, const struct sbview_chassis *o,
		       const struct sbview_chassis *n)
{
	(void)ctx;
	if (o)
		touch(o, sizeof(*o));
	if (n) {
		touch(n, sizeof(*n));
		sink += !!sbview_chassis_by_name(view, n->name);
	}
}

static void cb_binding(void *ctx, const struct sbview_binding *o,
		       const struct sbview_binding *n)
{
	(void)ctx;
	if (o)
		touch(o, sizeof(*o));
	if (n) {
		const struct sbview_binding *b;

		touch(n, sizeof(*n));
		b = sbview_binding_by_port(view, n->logical_port);
		if (b)
			touch(b, sizeof(*b));
		sink += !!sbview_chassis_by_uuid(view, n->chassis.s);
		sink += sbview_datapath_key(view, n->datapath.s);
	}
}

static void cb_local(void *ctx, const struct sbview_local *o,
		     const struct sbview_local *n)
{
	(void)ctx;
	if (o)
		touch(o, sizeof(*o));
	if (n)
		touch(n, sizeof(*n));
}

static void cb_iface(void *ctx, const struct sbview_iface *o,
		     const struct sbview_iface *n)
{
	(void)ctx;
	if (o)
		touch(o, sizeof(*o));
	if (n) {
		touch(n, sizeof(*n));
		sink += !!sbview_iface_by_id(view, n->iface_id);
	}
}

static const struct sbview_ops ops = {
	.chassis = cb_chassis, .binding = cb_binding, .local = cb_local,
	.iface = cb_iface,
};

static int walk(void *arg, const struct sbview_binding *b)
{
	(void)arg;
	touch(b, sizeof(*b));
	return 0;
}

/* Does jv's value read as jansson's? */
static bool same(const struct jv *a, json_t *b)
{
	const struct jv *c;
	size_t i = 0;

	switch (a->type) {
	case JV_NULL:
		return json_is_null(b);
	case JV_TRUE:
		return json_is_true(b);
	case JV_FALSE:
		return json_is_false(b);
	case JV_INT:
		return json_is_integer(b) && json_integer_value(b) == a->i;
	case JV_REAL:
		return json_is_real(b);
	case JV_STRING:
		return json_is_string(b) && json_string_length(b) == a->n &&
		       !memcmp(json_string_value(b), a->s, a->n) && !a->s[a->n];
	case JV_ARRAY:
		if (!json_is_array(b) || json_array_size(b) != a->n)
			return false;
		for (c = a->first; c; c = c->next)
			if (!same(c, json_array_get(b, i++)))
				return false;
		return i == a->n;
	case JV_OBJECT:
		if (!json_is_object(b) || json_object_size(b) != a->n)
			return false;
		for (c = a->first; c; c = c->next, i++)
			if (strlen(c->key) != c->key_len ||
			    !same(c, json_object_get(b, c->key)))
				return false;
		return i == a->n;
	}
	return false;
}

/* One text through both parsers (any value, nothing but whitespace
 * after it); abort() on any difference. */
static void differential(struct jv_doc *d, const char *s, size_t n)
{
	const char *stop, *e = s + n;
	const struct jv *v = jv_parse(d, s, e, &stop, 2048);
	json_t *j;

	/*
	 * A raw NUL byte is never valid JSON (not whitespace, not a token,
	 * a control byte inside a string): jv must refuse it.  jansson is
	 * no oracle there: its stream takes a NUL in its buffer for "read
	 * more" and so skips raw NULs ("6\0 " loads as 6).
	 */
	if (memchr(s, 0, n)) {
		if (v && stop == e) {
			fprintf(stderr, "jv accepts a raw NUL byte\n");
			abort();
		}
		return;
	}
	j = json_loadb(s, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);

	while (v && stop < e && (*stop == ' ' || *stop == '\n' ||
				 *stop == '\r' || *stop == '\t'))
		stop++;
	if (v && stop != e)
		v = NULL;
	if (!v != !j || (v && !same(v, j))) {
		fprintf(stderr, "jv and jansson differ (jv %s, jansson %s) on "
			"%.*s\n", v ? "accepts" : "refuses",
			j ? "accepts" : "refuses", (int)(n > 400 ? 400 : n), s);
		abort();
	}
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonrpc_scan sc = { 0 };
	struct jv_doc jd = { 0 };
	const char *buf;
	size_t len, off = 0;
	int db, method;

	if (size < 1)
		return 0;
	/* The whole input as one value: any text, not only what the
	 * framer lets through. */
	differential(&jd, (const char *)data + 1, size - 1);
	db = (data[0] >> 2) & 1;
	method = data[0] & 3;
	buf = (const char *)data + 1;
	len = size - 1;
	view = sbview_create(&ops, NULL);
	while (off < len) {
		char why[256];
		size_t mlen;
		json_t *msg;
		int r = jsonrpc_scan(&sc, buf + off, len - off, &mlen);

		if (r != 1)
			break;	/* an error, or a message cut short */
		/* Both readers of a message: the tree (tools, tests) and
		 * the walker the follower uses. */
		if (!jsonrpc_parse(buf + off, mlen, &msg, why, sizeof(why)))
			json_decref(msg);
		differential(&jd, buf + off, mlen);
		sbview_inject(view, db, method, buf + off, mlen, why,
			      sizeof(why));
		off += mlen;
	}
	sbview_foreach_binding(view, walk, NULL);
	sink += sbview_n_bindings(view) + sbview_n_chassis(view);
	sink += !!sbview_local(view);
	sbview_destroy(view);
	view = NULL;
	jv_doc_free(&jd);
	return 0;
}
