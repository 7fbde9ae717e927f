// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table decoders of the Southbound view (view.h): for each table, its
 * columns, how a column value sets a row, and copy, free, equal, link.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

/* ---- string helpers ---- */

static char *xstrdup_or_null(const char *s)
{
	char *d;

	if (!s || !*s)
		return NULL;
	d = xstrdup(s);
	return d;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup_or_null(s);
}

bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static int want_string(const struct jv *val, size_t max, const char **s,
		       struct ovsdb_err *e)
{
	return ovsdb_atom_string(val, max, s, e);
}

/*
 * An optional (0..1) column.  OVSDB treats a column of at most one value
 * as a single value, also in update2 "modify": the diff is simply the
 * new value (checked against ovsdb-server 3.1).  Returns the number of
 * atoms (0 or 1), the atom in *atom.
 */
static int opt_value(const struct jv *val, const struct jv **atom,
		     struct ovsdb_err *e)
{
	const struct jv *atoms[2];
	size_t n;

	if (ovsdb_set(val, 2, atoms, &n, e))
		return -EPROTO;
	if (n > 1) {
		snprintf(e->why, sizeof(e->why), "two values in an optional column");
		return -EPROTO;
	}
	*atom = n ? atoms[0] : NULL;
	return n;
}

/* ---- Datapath_Binding ---- */

static const char *const dp_cols[] = { "tunnel_key", NULL };

static int dp_set(struct sbview *v, struct row *r, const char *col,
		  const struct jv *val, bool diff, struct ovsdb_err *e)
{
	struct dp_row *d = (struct dp_row *)r;
	int64_t k;

	(void)v;
	(void)diff;
	if (strcmp(col, "tunnel_key"))
		return 0;
	/* 24 bits: it becomes the Geneve VNI. */
	if (ovsdb_atom_int(val, 1, 0xffffff, &k, e))
		return -EPROTO;
	d->key = k;
	return 0;
}

static void dp_copy(struct row *dst, const struct row *src)
{
	((struct dp_row *)dst)->key = ((const struct dp_row *)src)->key;
}

static void dp_free(struct row *r)
{
	free(r);
}

static bool dp_equal(const struct row *a, const struct row *b)
{
	return ((const struct dp_row *)a)->key == ((const struct dp_row *)b)->key;
}

/* ---- Encap ---- */

static const char *const encap_cols[] = { "type", "ip", NULL };

static void encap_refresh(struct encap_row *en, const char *type,
			  const char *ip)
{
	if (type)
		snprintf(en->e.type, sizeof(en->e.type), "%s", type);
	if (!ip)
		return;
	en->valid = true;
	if (inet_pton(AF_INET, ip, &en->e.v4) == 1) {
		en->e.family = AF_INET;
	} else if (inet_pton(AF_INET6, ip, &en->e.v6) == 1) {
		en->e.family = AF_INET6;
	} else {
		/* Not an address we can steer to: the chassis simply
		 * has no usable encap. */
		en->valid = false;
		memset(&en->e.v6, 0, sizeof(en->e.v6));
		en->e.family = 0;
	}
}

static int encap_set(struct sbview *v, struct row *r, const char *col,
		     const struct jv *val, bool diff, struct ovsdb_err *e)
{
	struct encap_row *en = (struct encap_row *)r;
	const char *s;

	(void)v;
	(void)diff;
	if (!strcmp(col, "type")) {
		/* Longer than any type we know: kept cut short, it is
		 * not "geneve" either way. */
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		encap_refresh(en, s, NULL);
	} else if (!strcmp(col, "ip")) {
		/* Not an address (whatever its length): no usable encap. */
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		encap_refresh(en, NULL, s);
	}
	return 0;
}

static void encap_copy(struct row *dst, const struct row *src)
{
	struct encap_row *d = (struct encap_row *)dst;
	const struct encap_row *s = (const struct encap_row *)src;

	d->valid = s->valid;
	d->e = s->e;
}

static bool encap_equal(const struct row *a, const struct row *b)
{
	const struct encap_row *x = (const struct encap_row *)a;
	const struct encap_row *y = (const struct encap_row *)b;

	return x->valid == y->valid && !memcmp(&x->e, &y->e, sizeof(x->e));
}

/* ---- Chassis ---- */

static const char *const ch_cols[] = { "name", "encaps", NULL };

static int uuid_set_diff(const struct jv *val, bool diff, uint8_t (**arr)[16],
			 size_t *n, size_t max, struct ovsdb_err *e)
{
	static const struct jv *atoms[MAX_SET];
	uint8_t (*out)[16];
	size_t na, i, j, no;

	if (ovsdb_set(val, MAX_SET, atoms, &na, e))
		return -EPROTO;
	out = xmalloc((*n + na + 1) * 16);
	no = 0;
	if (diff && *n) {
		memcpy(out, *arr, *n * 16);
		no = *n;
	}
	for (i = 0; i < na; i++) {
		uint8_t u[16];

		if (ovsdb_atom_uuid(atoms[i], u, e)) {
			free(out);
			return -EPROTO;
		}
		for (j = 0; j < no && memcmp(out[j], u, 16); j++)
			;
		if (j < no) {
			if (!diff) {
				free(out);
				snprintf(e->why, sizeof(e->why),
					 "duplicate set element");
				return -EPROTO;
			}
			memmove(out[j], out[j + 1], (no - j - 1) * 16);
			no--;
		} else {
			memcpy(out[no++], u, 16);
		}
	}
	if (no > max) {
		free(out);
		snprintf(e->why, sizeof(e->why), "set of %zu uuids, at most %zu",
			 no, max);
		return -EPROTO;
	}
	free(*arr);
	*arr = out;
	*n = no;
	return 0;
}

static int ch_set(struct sbview *v, struct row *r, const char *col,
		  const struct jv *val, bool diff, struct ovsdb_err *e)
{
	struct ch_row *c = (struct ch_row *)r;
	const char *s;

	(void)v;
	if (!strcmp(col, "name")) {
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		set_str(&c->name, s);
	} else if (!strcmp(col, "encaps")) {
		return uuid_set_diff(val, diff, &c->encaps, &c->n_encaps, 64, e);
	}
	return 0;
}

static void ch_copy(struct row *dst, const struct row *src)
{
	struct ch_row *d = (struct ch_row *)dst;
	const struct ch_row *s = (const struct ch_row *)src;

	d->name = xstrdup_or_null(s->name);
	d->n_encaps = s->n_encaps;
	d->encaps = NULL;
	if (s->n_encaps) {
		d->encaps = xmalloc(s->n_encaps * 16);
		memcpy(d->encaps, s->encaps, s->n_encaps * 16);
	}
	d->pub = s->pub;
	d->pub.name = d->name ? d->name : "";
}

static void ch_free(struct row *r)
{
	struct ch_row *c = (struct ch_row *)r;

	free(c->name);
	free(c->encaps);
	free(c);
}

static bool ch_equal(const struct row *a, const struct row *b)
{
	const struct ch_row *x = (const struct ch_row *)a;
	const struct ch_row *y = (const struct ch_row *)b;

	return str_eq(x->name, y->name) && x->n_encaps == y->n_encaps &&
	       (!x->n_encaps || !memcmp(x->encaps, y->encaps, x->n_encaps * 16));
}

static void ch_link(struct sbview *v, struct row *r)
{
	struct ch_row *c = (struct ch_row *)r;

	hmap_insert(&v->ch_by_name, &c->by_name, hash_str(c->name ? c->name : ""));
}

static void ch_unlink(struct sbview *v, struct row *r)
{
	hmap_remove(&v->ch_by_name, &((struct ch_row *)r)->by_name);
}

/* ---- Port_Binding ---- */

static const char *const pb_cols[] = {
	"logical_port", "type", "tunnel_key", "datapath", "chassis",
	"additional_chassis", "requested_chassis", "options", "up", NULL
};

struct opt_ctx {
	struct pb_row *p;
	bool diff;
	struct ovsdb_err *e;
};

static int pb_opt_cb(void *arg, const char *k, const char *val)
{
	struct opt_ctx *o = arg;
	char **slot;

	if (!strcmp(k, "requested-chassis"))
		slot = &o->p->req_opt;
	else if (!strcmp(k, "additional-chassis-activated"))
		slot = &o->p->act_opt;
	else
		return 0;	/* other options are not ours to keep */
	/* Map diff: same key and value removes it, else it is set. */
	if (o->diff && *slot && !strcmp(*slot, val))
		set_str(slot, NULL);
	else
		set_str(slot, val);
	return 0;
}

static int opt_uuid(const struct jv *val, bool *has, uint8_t u[16],
		    struct ovsdb_err *e)
{
	const struct jv *a;
	int n = opt_value(val, &a, e);

	if (n < 0)
		return n;
	if (n == 0) {
		*has = false;
		memset(u, 0, 16);
		return 0;
	}
	if (ovsdb_atom_uuid(a, u, e))
		return -EPROTO;
	*has = true;
	return 0;
}

static int pb_set(struct sbview *v, struct row *r, const char *col,
		  const struct jv *val, bool diff, struct ovsdb_err *e)
{
	struct pb_row *p = (struct pb_row *)r;
	const char *s;
	int64_t k;

	if (!strcmp(col, "logical_port")) {
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		set_str(&p->lport, s);
	} else if (!strcmp(col, "type")) {
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		set_str(&p->type, s);
	} else if (!strcmp(col, "tunnel_key")) {
		/* 16 bits on the wire; OVN keeps unicast keys below 32768
		 * and the schema says so: anything else is a lie. */
		if (ovsdb_atom_int(val, 1, 32767, &k, e))
			return -EPROTO;
		p->port_key = k;
	} else if (!strcmp(col, "datapath")) {
		if (ovsdb_atom_uuid(val, p->dp, e))
			return -EPROTO;
	} else if (!strcmp(col, "chassis")) {
		return opt_uuid(val, &p->has_chassis, p->chassis, e);
	} else if (!strcmp(col, "requested_chassis")) {
		return opt_uuid(val, &p->has_req, p->req, e);
	} else if (!strcmp(col, "additional_chassis")) {
		size_t n = p->n_addl_all;
		int err = uuid_set_diff(val, diff, &p->addl, &n, MAX_SET, e);

		if (err)
			return err;
		p->n_addl_all = n;
		if (n > SBVIEW_MAX_ADDL) {
			/* More than the view can show: keep the first ones;
			 * "has additional chassis" stays true, which is
			 * what the policy decides on. */
			if (!v->warned_addl)
				ovsdb_log("%s: %zu additional chassis, keeping %d",
					  p->lport ? p->lport : "?", n,
					  SBVIEW_MAX_ADDL);
			v->warned_addl = true;
			n = SBVIEW_MAX_ADDL;
		}
		p->n_addl = n;
	} else if (!strcmp(col, "options")) {
		struct opt_ctx o = { p, diff, e };

		if (!diff) {
			set_str(&p->req_opt, NULL);
			set_str(&p->act_opt, NULL);
		}
		return ovsdb_map_strings(val, ANY_LEN, ANY_LEN, pb_opt_cb,
					 &o, e);
	} else if (!strcmp(col, "up")) {
		const struct jv *a;
		int n = opt_value(val, &a, e);

		/* "up" is optional; empty counts as down, as for
		 * ovn-controller. */
		if (n < 0)
			return n;
		if (n == 0) {
			p->up = p->has_up = false;
		} else if (n == 1) {
			if (ovsdb_atom_bool(a, &p->up, e))
				return -EPROTO;
			p->has_up = true;
		}
	}
	return 0;
}

static void pb_copy(struct row *dst, const struct row *src)
{
	struct pb_row *d = (struct pb_row *)dst;
	const struct pb_row *s = (const struct pb_row *)src;

	memcpy((char *)d + sizeof(d->r), (const char *)s + sizeof(s->r),
	       sizeof(*d) - sizeof(d->r));
	memset(&d->by_port, 0, sizeof(d->by_port));
	d->lport = xstrdup_or_null(s->lport);
	d->type = xstrdup_or_null(s->type);
	d->req_opt = xstrdup_or_null(s->req_opt);
	d->act_opt = xstrdup_or_null(s->act_opt);
	d->addl = NULL;
	if (s->n_addl_all) {
		d->addl = xmalloc(s->n_addl_all * 16);
		memcpy(d->addl, s->addl, s->n_addl_all * 16);
	}
}

static void pb_free(struct row *r)
{
	struct pb_row *p = (struct pb_row *)r;

	free(p->lport);
	free(p->type);
	free(p->req_opt);
	free(p->act_opt);
	free(p->addl);
	free(p);
}

static bool pb_equal(const struct row *a, const struct row *b)
{
	const struct pb_row *x = (const struct pb_row *)a;
	const struct pb_row *y = (const struct pb_row *)b;

	return str_eq(x->lport, y->lport) && str_eq(x->type, y->type) &&
	       str_eq(x->req_opt, y->req_opt) &&
	       str_eq(x->act_opt, y->act_opt) &&
	       !memcmp(x->dp, y->dp, 16) &&
	       x->has_chassis == y->has_chassis &&
	       !memcmp(x->chassis, y->chassis, 16) &&
	       x->has_req == y->has_req && !memcmp(x->req, y->req, 16) &&
	       x->port_key == y->port_key && x->up == y->up &&
	       x->has_up == y->has_up && x->n_addl_all == y->n_addl_all &&
	       (!x->n_addl_all ||
		!memcmp(x->addl, y->addl, x->n_addl_all * 16));
}

/*
 * A binding without a logical_port ("" is the default, so update2 simply
 * leaves it out) is legal OVSDB but nothing the policy can act on or
 * look up: the row is kept (a later modify or delete names it), but it
 * is not indexed, walked or reported, and it is counted as skipped.
 */
bool pb_usable(const struct row *r)
{
	return r && ((const struct pb_row *)r)->lport;
}

static void pb_link(struct sbview *v, struct row *r)
{
	struct pb_row *p = (struct pb_row *)r;

	if (!pb_usable(r))
		return;
	hmap_insert(&v->pb_by_port, &p->by_port,
		    hash_str(p->lport ? p->lport : ""));
}

static void pb_unlink(struct sbview *v, struct row *r)
{
	if (!pb_usable(r))
		return;
	hmap_remove(&v->pb_by_port, &((struct pb_row *)r)->by_port);
}

/* ---- Open_vSwitch (local) ---- */

static const char *const ovs_cols[] = { "external_ids", NULL };

struct ext_ctx {
	char **keys[3];
	const char *names[3];
	bool diff;
};

static int ext_cb(void *arg, const char *k, const char *val)
{
	struct ext_ctx *x = arg;
	int i;

	for (i = 0; i < 3 && x->names[i]; i++) {
		if (strcmp(k, x->names[i]))
			continue;
		if (x->diff && *x->keys[i] && !strcmp(*x->keys[i], val))
			set_str(x->keys[i], NULL);
		else
			set_str(x->keys[i], val);
	}
	return 0;
}

static int ovs_set(struct sbview *v, struct row *r, const char *col,
		   const struct jv *val, bool diff, struct ovsdb_err *e)
{
	struct ovs_row *o = (struct ovs_row *)r;
	struct ext_ctx x = {
		{ &o->system_id, &o->encap_ip, &o->encap_type },
		{ "system-id", "ovn-encap-ip", "ovn-encap-type" }, diff
	};

	(void)v;
	if (strcmp(col, "external_ids"))
		return 0;
	if (!diff) {
		set_str(&o->system_id, NULL);
		set_str(&o->encap_ip, NULL);
		set_str(&o->encap_type, NULL);
	}
	return ovsdb_map_strings(val, ANY_LEN, ANY_LEN, ext_cb, &x, e);
}

static void ovs_copy(struct row *dst, const struct row *src)
{
	struct ovs_row *d = (struct ovs_row *)dst;
	const struct ovs_row *s = (const struct ovs_row *)src;

	d->system_id = xstrdup_or_null(s->system_id);
	d->encap_ip = xstrdup_or_null(s->encap_ip);
	d->encap_type = xstrdup_or_null(s->encap_type);
}

static void ovs_free(struct row *r)
{
	struct ovs_row *o = (struct ovs_row *)r;

	free(o->system_id);
	free(o->encap_ip);
	free(o->encap_type);
	free(o);
}

static bool ovs_equal(const struct row *a, const struct row *b)
{
	const struct ovs_row *x = (const struct ovs_row *)a;
	const struct ovs_row *y = (const struct ovs_row *)b;

	return str_eq(x->system_id, y->system_id) &&
	       str_eq(x->encap_ip, y->encap_ip) &&
	       str_eq(x->encap_type, y->encap_type);
}

/* ---- Interface (local) ---- */

static const char *const if_cols[] = {
	"name", "external_ids", "ofport", "link_state", NULL
};

static int if_set(struct sbview *v, struct row *r, const char *col,
		  const struct jv *val, bool diff, struct ovsdb_err *e)
{
	struct if_row *i = (struct if_row *)r;
	const char *s;
	const struct jv *a;
	int n;

	(void)v;
	if (!strcmp(col, "name")) {
		if (want_string(val, ANY_LEN, &s, e))
			return -EPROTO;
		set_str(&i->name, s);
	} else if (!strcmp(col, "external_ids")) {
		char *dummy = NULL;
		struct ext_ctx x = {
			{ &i->iface_id, &dummy, &dummy },
			{ "iface-id", NULL, NULL }, diff
		};

		if (!diff)
			set_str(&i->iface_id, NULL);
		return ovsdb_map_strings(val, ANY_LEN, ANY_LEN, ext_cb,
					 &x, e);
	} else if (!strcmp(col, "ofport")) {
		n = opt_value(val, &a, e);
		if (n < 0)
			return n;
		if (n == 0) {
			i->ofport = -1;
			i->has_ofport = false;
		} else if (n == 1) {
			if (ovsdb_atom_int(a, -1, 65535, &i->ofport, e))
				return -EPROTO;
			i->has_ofport = true;
		}
	} else if (!strcmp(col, "link_state")) {
		/* Absent means unknown; only "up" counts as up. */
		n = opt_value(val, &a, e);
		if (n < 0)
			return n;
		if (n == 0) {
			i->link_up = i->has_link = false;
		} else if (n == 1) {
			if (want_string(a, 8, &s, e))
				return -EPROTO;
			if (strcmp(s, "up") && strcmp(s, "down")) {
				snprintf(e->why, sizeof(e->why),
					 "link_state neither up nor down");
				return -EPROTO;
			}
			i->link_up = !strcmp(s, "up");
			i->has_link = true;
		}
	}
	return 0;
}

/* An update2 insert omits ofport while it is the empty set. */
static void if_init(struct row *r)
{
	((struct if_row *)r)->ofport = -1;
}

static void if_copy(struct row *dst, const struct row *src)
{
	struct if_row *d = (struct if_row *)dst;
	const struct if_row *s = (const struct if_row *)src;

	d->name = xstrdup_or_null(s->name);
	d->iface_id = xstrdup_or_null(s->iface_id);
	d->ofport = s->ofport;
	d->has_ofport = s->has_ofport;
	d->has_link = s->has_link;
	d->link_up = s->link_up;
}

static void if_free(struct row *r)
{
	struct if_row *i = (struct if_row *)r;

	free(i->name);
	free(i->iface_id);
	free(i);
}

static bool if_equal(const struct row *a, const struct row *b)
{
	const struct if_row *x = (const struct if_row *)a;
	const struct if_row *y = (const struct if_row *)b;

	return str_eq(x->name, y->name) && str_eq(x->iface_id, y->iface_id) &&
	       x->ofport == y->ofport && x->link_up == y->link_up &&
	       x->has_ofport == y->has_ofport && x->has_link == y->has_link;
}

static void if_link(struct sbview *v, struct row *r)
{
	struct if_row *i = (struct if_row *)r;

	hmap_insert(&v->if_by_id, &i->by_id,
		    hash_str(i->iface_id ? i->iface_id : ""));
}

static void if_unlink(struct sbview *v, struct row *r)
{
	hmap_remove(&v->if_by_id, &((struct if_row *)r)->by_id);
}

static void free_plain(struct row *r)
{
	free(r);
}

#define TBL(db_, name_, cols_, type_, set_, copy_, free_, equal_)	\
	.name = name_, .db = db_, .cols = cols_, .size = sizeof(type_),	\
	.set = set_, .copy = copy_, .free = free_, .equal = equal_,	\
	.present = ~0u

const struct tbl tbl_defs[T_MAX] = {
	[T_DP] = { TBL(DB_SB, "Datapath_Binding", dp_cols, struct dp_row,
		       dp_set, dp_copy, dp_free, dp_equal) },
	[T_ENCAP] = { TBL(DB_SB, "Encap", encap_cols, struct encap_row,
			  encap_set, encap_copy, free_plain, encap_equal) },
	[T_CHASSIS] = { TBL(DB_SB, "Chassis", ch_cols, struct ch_row,
			    ch_set, ch_copy, ch_free, ch_equal),
			.link = ch_link, .unlink = ch_unlink },
	[T_PB] = { TBL(DB_SB, "Port_Binding", pb_cols, struct pb_row,
		       pb_set, pb_copy, pb_free, pb_equal),
		   .link = pb_link, .unlink = pb_unlink },
	[T_OVS] = { TBL(DB_LOCAL, "Open_vSwitch", ovs_cols, struct ovs_row,
			ovs_set, ovs_copy, ovs_free, ovs_equal) },
	[T_IFACE] = { TBL(DB_LOCAL, "Interface", if_cols, struct if_row,
			  if_set, if_copy, if_free, if_equal),
		      .link = if_link, .unlink = if_unlink, .init = if_init },
};
