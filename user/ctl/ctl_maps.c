// SPDX-License-Identifier: GPL-2.0-only
/*
 * The map commands of the control socket (steer, bounce, stats, maps
 * status), run by ovnmigd for its clients and by ovnmigctl itself when
 * the agent is down.  Arguments are strings, checked strictly.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "ctl.h"
#include "lib/clock.h"
#include "lib/nexthop.h"

const struct ctl_command ctlmaps_commands[] = {
	CTL_MAPS_COMMANDS(NULL),
	{ NULL, NULL, 0, 0, NULL, 0 },
};

static const char *arg(json_t *params, size_t i)
{
	return json_string_value(json_array_get(params, i));
}

static int parse_u(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	/* Decimal digits only: no sign, blanks, hex or octal (010 would
	 * be 8). */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || *v > max)
		return -EINVAL;
	return 0;
}

static int parse_key(json_t *params, struct ovnmig_port_key *k,
		     char **error)
{
	unsigned long dp, port;

	memset(k, 0, sizeof(*k));
	if (parse_u(arg(params, 0), OVNMIG_VNI_MASK, &dp) || !dp) {
		*error = strdup("DP: a datapath tunnel key, 1..16777215");
		return -EINVAL;
	}
	if (parse_u(arg(params, 1), OVNMIG_OVN_MCAST_MIN - 1, &port) ||
	    !port) {
		*error = strdup("PORT: a unicast port tunnel key, 1..32767");
		return -EINVAL;
	}
	k->dp_key = dp;
	k->port_key = port;
	return 0;
}

static int parse_expiry(const char *s, __u64 *exp, char **error)
{
	unsigned long sec = 30;

	if (s && (parse_u(s, 86400, &sec) || !sec)) {
		*error = strdup("SECONDS: 1..86400");
		return -EINVAL;
	}
	*exp = mono_ns() + sec * 1000000000ull;
	return 0;
}

static json_t *key_json(const struct ovnmig_port_key *k)
{
	return json_pack("{s:i, s:i}", "dp_key", (json_int_t)k->dp_key,
			 "port_key", (json_int_t)k->port_key);
}

/* One entry of steer/list or bounce/list. */
static int list_cb(void *ctx, const struct policy_op *e)
{
	uint32_t flags = POLICY_OP_FIELD(e, flags);
	bool v6 = flags & OVNMIG_F_IPV6;
	const struct ovnmig_evidence *ev;
	json_int_t exp_ms;
	json_t *o = key_json(&e->key);
	char a[64], b[64];

	if (e->kind == POLICY_STEER) {
		maps_fmt_ip(&e->steer.old_remote, v6, a, sizeof(a));
		maps_fmt_ip(&e->steer.new_remote, v6, b, sizeof(b));
		json_object_set_new(o, "old_remote", json_string(a));
		json_object_set_new(o, "new_remote", json_string(b));
		json_object_set_new(o, "action",
				    json_string(flags & OVNMIG_F_DROP ?
						"drop" : "steer"));
		ev = &e->steer.ev;
	} else {
		maps_fmt_ip(&e->fwd.new_host, v6, a, sizeof(a));
		json_object_set_new(o, "new_host", json_string(a));
		/* Its new host's next-hop slot (abi.h; 0: none). */
		json_object_set_new(o, "nexthop_slot",
				    json_integer(e->fwd.nh_slot));
		ev = &e->fwd.ev;
	}
	json_object_set_new(o, "manual", json_boolean(flags & OVNMIG_F_MANUAL));
	exp_ms = mono_ms_until(POLICY_OP_FIELD(e, expires_ns));
	json_object_set_new(o, "expires_in_ms", json_integer(exp_ms));
	json_object_set_new(o, "generation",
			    json_integer(POLICY_OP_FIELD(e, generation)));
	json_object_set_new(o, "flags", json_integer(flags));
	/* The datapath's evidence of the entry (abi.h): CLOCK_MONOTONIC ns. */
	json_object_set_new(o, "packets", json_integer(ev->packets));
	json_object_set_new(o, "first_ns", ev->packets ?
			    json_integer(ev->first_ns) : json_null());
	json_object_set_new(o, "last_ns", ev->packets ?
			    json_integer(ev->last_ns) : json_null());
	if (e->kind == POLICY_FWD && ev->packets) {
		maps_fmt_ip(&e->fwd.last_src, v6, a, sizeof(a));
		json_object_set_new(o, "last_sender", json_string(a));
	}
	json_array_append_new(ctx, o);
	return 0;
}

static int errout(char **error, const char *what, int err)
{
	if (asprintf(error, "%s: %s", what, strerror(-err)) < 0)
		*error = NULL;
	return err;
}

static int steer_add(struct maps *m, json_t *params, char **error)
{
	struct ovnmig_steer v = {};
	struct ovnmig_port_key k;
	struct policy_op op = { .kind = POLICY_STEER };
	bool v6a, v6b;
	size_t n = json_array_size(params);
	const char *sec = NULL;
	size_t i;

	if (parse_key(params, &k, error))
		return -EINVAL;
	if (maps_parse_ip(arg(params, 2), &v.old_remote, &v6a) ||
	    maps_parse_ip(arg(params, 3), &v.new_remote, &v6b) || v6a != v6b) {
		*error = strdup("OLD-REMOTE, NEW-REMOTE: two addresses of one "
				"family");
		return -EINVAL;
	}
	for (i = 4; i < n; i++) {
		if (!strcmp(arg(params, i), "drop"))
			v.flags |= OVNMIG_F_DROP;
		else if (!sec)
			sec = arg(params, i);
		else {
			*error = strdup("unexpected argument");
			return -EINVAL;
		}
	}
	if (parse_expiry(sec, &v.expires_ns, error))
		return -EINVAL;
	/* The operator's: its own expiry, not the agent's lease (abi.h). */
	v.flags |= OVNMIG_F_MANUAL | (v6a ? OVNMIG_F_IPV6 : 0);
	op.key = k;
	op.steer = v;
	return maps_apply(m, &op, 1, -1, -1);
}

static int bounce_add(struct maps *m, json_t *params, char **error)
{
	struct policy_op op = { .kind = POLICY_FWD };
	bool v6;

	if (parse_key(params, &op.key, error))
		return -EINVAL;
	if (maps_parse_ip(arg(params, 2), &op.fwd.new_host, &v6)) {
		*error = strdup("NEW-HOST: an IPv4 or IPv6 address");
		return -EINVAL;
	}
	if (parse_expiry(arg(params, 3), &op.fwd.expires_ns, error))
		return -EINVAL;
	op.fwd.flags = OVNMIG_F_MANUAL | (v6 ? OVNMIG_F_IPV6 : 0);
	return maps_apply(m, &op, 1, -1, -1);
}

static int del(struct maps *m, json_t *params, enum policy_op_kind kind,
	       char **error)
{
	struct policy_op op = { .kind = kind, .del = true };
	struct ovnmig_steer sv;
	struct ovnmig_fwd fv;
	int fd = kind == POLICY_STEER ? m->steer_fd : m->fwd_fd;

	if (parse_key(params, &op.key, error))
		return -EINVAL;
	if (bpf_map_lookup_elem(fd, &op.key, kind == POLICY_STEER ?
				(void *)&sv : (void *)&fv)) {
		*error = strdup("no such entry");
		return -ENOENT;
	}
	return maps_apply(m, &op, 1, -1, -1);
}

static int chassis_cb(void *ctx, const struct ovnmig_chassis_key *k,
		      const struct ovnmig_chassis *v)
{
	char a[64];

	json_array_append_new(ctx, json_pack(
		"{s:s, s:i}", "address",
		maps_fmt_ip(&k->addr, k->flags & OVNMIG_F_IPV6, a, sizeof(a)),
		"generation", (json_int_t)v->generation));
	return 0;
}

static int chassis_addr(json_t *params, struct ovnmig_chassis_key *k,
			char **error)
{
	struct ovnmig_ip ip;
	bool v6;

	if (maps_parse_ip(arg(params, 0), &ip, &v6)) {
		*error = strdup("ADDRESS: an IPv4 or IPv6 address");
		return -EINVAL;
	}
	maps_chassis_key(k, &ip, v6);
	return 0;
}

static void fmt_mac(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static int nexthop_cb(void *ctx, uint32_t slot,
		      const struct ovnmig_nexthop *v)
{
	const struct ovnmig_chassis_key *k = &v->host;
	char a[64], name[IF_NAMESIZE] = "", d[18], s[18];

	if_indextoname(v->ifindex, name);
	fmt_mac(v->dmac, d, sizeof(d));
	fmt_mac(v->smac, s, sizeof(s));
	json_array_append_new(ctx, json_pack(
		"{s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "address",
		maps_fmt_ip(&k->addr, k->flags & OVNMIG_F_IPV6, a, sizeof(a)),
		"ifindex", (json_int_t)v->ifindex, "dev", name, "dmac", d,
		"smac", s,
		"expires_in_ms", (json_int_t)mono_ms_until(v->expires_ns),
		"generation", (json_int_t)v->generation,
		"slot", (json_int_t)slot));
	return 0;
}

/*
 * One lookup, written for SECONDS (default 30) when it resolves.  It
 * does not wait: an unknown neighbour is asked to resolve and the
 * command says so (run it again).
 */
static int nexthop_resolve_cmd(struct maps *m, json_t *params,
			       json_t **result, char **error)
{
	struct ovnmig_chassis_key k;
	struct ovnmig_nexthop v = {};
	struct nexthop_res r;
	int err;

	err = chassis_addr(params, &k, error);
	if (err)
		return err;
	if (parse_expiry(arg(params, 1), &v.expires_ns, error))
		return -EINVAL;
	if (m->nexthop_fd < 0)
		return -ENODEV;
	err = nexthop_resolve(&k.addr, k.flags & OVNMIG_F_IPV6, true, &r);
	if (err == -EAGAIN) {
		*error = strdup("neighbour not resolved yet (resolution asked "
				"for): run again");
		return err;
	}
	if (err == -ENETUNREACH) {
		*error = strdup("no unicast route to it");
		return err;
	}
	if (err)
		return errout(error, arg(params, 0), err);
	v.host = k;
	v.ifindex = r.ifindex;
	memcpy(v.dmac, r.dmac, 6);
	memcpy(v.smac, r.smac, 6);
	err = maps_nexthop_set(m, &k, &v);
	/* Entries written without it (by maptool) point at it now too. */
	if (!err)
		maps_nexthop_repoint(m);
	if (err == -ENOSPC)
		*error = strdup("no next-hop slot free");
	if (!err) {
		*result = json_array();
		nexthop_cb(*result, maps_nexthop_slot_of(m, &k), &v);
	}
	return err;
}

static int ifmac_cb(void *ctx, uint32_t ifindex, const struct ovnmig_ifmac *v)
{
	char name[IF_NAMESIZE] = "", mac[18];

	if_indextoname(ifindex, name);
	fmt_mac(v->mac, mac, sizeof(mac));
	json_array_append_new(ctx, json_pack("{s:i, s:s, s:s}", "ifindex",
					     (json_int_t)ifindex, "dev", name,
					     "mac", mac));
	return 0;
}

static int nh_count_cb(void *ctx, uint32_t slot,
		       const struct ovnmig_nexthop *v)
{
	(void)slot, (void)v;
	++*(int *)ctx;
	return 0;
}

static int nexthop_count(struct maps *m)
{
	int n = 0;

	return maps_foreach_nexthop(m, nh_count_cb, &n) ? -1 : n;
}

static int count_cb(void *ctx, uint32_t ifindex, const struct ovnmig_ifmac *v)
{
	(void)ifindex, (void)v;
	++*(int *)ctx;
	return 0;
}

void ctlmaps_bounce_status(struct maps *m, json_t *o)
{
	int n_mac = 0;

	if (maps_foreach_ifmac(m, count_cb, &n_mac))
		n_mac = -1;
	json_object_set_new(o, "chassis_entries",
			    json_integer(m->chassis_fd < 0 ? -1 :
					 maps_chassis_count(m)));
	json_object_set_new(o, "underlay_macs", json_integer(n_mac));
	json_object_set_new(o, "nexthop_entries",
			    json_integer(nexthop_count(m)));
}

json_t *ctlmaps_lease_json(const struct ovnmig_config *c)
{
	uint64_t now = mono_ns();
	bool renewed = c->lease_renewed_ns && c->lease_ns > c->lease_renewed_ns;

	return json_pack("{s:b, s:I, s:o, s:o}",
			 "fresh", c->lease_ns > now,
			 "expires_in_ms", (json_int_t)mono_ms_until(c->lease_ns),
			 "age_ms", renewed && now >= c->lease_renewed_ns ?
				   json_integer((now - c->lease_renewed_ns) /
						1000000) : json_null(),
			 "s", renewed ?
			      json_integer((c->lease_ns - c->lease_renewed_ns) /
					   1000000000) : json_null());
}

#define VNI_LIST_MAX	64

void ctlmaps_vni_status(struct maps *m, const struct ovnmig_config *c,
			json_t *o)
{
	uint32_t vnis[VNI_LIST_MAX];
	json_t *list = json_array();
	int n = maps_vni_list(m, vnis, VNI_LIST_MAX), i;

	for (i = 0; i < n && i < VNI_LIST_MAX; i++)
		json_array_append_new(list, json_integer(vnis[i]));
	json_object_set_new(o, "vni_filter",
			    json_boolean(c->flags &
					 OVNMIG_CFG_STEER_VNI_FILTER));
	json_object_set_new(o, "vni_filter_map", json_boolean(m->vnis));
	json_object_set_new(o, "steer_vnis", json_integer(n));
	json_object_set_new(o, "steer_vni_list", list);
}

/*
 * The arguments against the command's table entry: its count, and
 * strings only.  The agent's dispatcher checks the count too; ovnmigctl
 * -m comes here directly, so this is the check both share.
 */
static int check_args(const char *method, json_t *params, char **error)
{
	const struct ctl_command *c;
	size_t i, n = json_array_size(params);

	for (c = ctlmaps_commands; c->name; c++)
		if (!strcmp(c->name, method))
			break;
	if (!c->name)
		return -ENOSYS;
	if (params && !json_is_array(params)) {
		*error = strdup("params: not an array");
		return -EINVAL;
	}
	if ((int)n < c->min_args || (int)n > c->max_args) {
		if (asprintf(error, "%s: wrong number of arguments (usage: "
			     "%s %s)", method, method, c->usage) < 0)
			*error = NULL;
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!json_is_string(json_array_get(params, i))) {
			if (asprintf(error, "argument %zu: not a string",
				     i + 1) < 0)
				*error = NULL;
			return -EINVAL;
		}
	}
	return 0;
}

int ctlmaps_call(struct maps *m, const char *method, json_t *params,
		 json_t **result, char **error)
{
	int err;

	*result = NULL;
	*error = NULL;
	err = check_args(method, params, error);
	if (err)
		return err;
	if (!strcmp(method, "steer/list")) {
		*result = json_array();
		maps_foreach(m, POLICY_STEER, list_cb, *result);
	} else if (!strcmp(method, "bounce/list")) {
		*result = json_array();
		maps_foreach(m, POLICY_FWD, list_cb, *result);
	} else if (!strcmp(method, "steer/add")) {
		err = steer_add(m, params, error);
	} else if (!strcmp(method, "bounce/add")) {
		err = bounce_add(m, params, error);
	} else if (!strcmp(method, "steer/del")) {
		err = del(m, params, POLICY_STEER, error);
	} else if (!strcmp(method, "bounce/del")) {
		err = del(m, params, POLICY_FWD, error);
	} else if (!strcmp(method, "steer/flush") ||
		   !strcmp(method, "bounce/flush")) {
		int n = maps_flush(m, method[0] == 's');

		*result = json_pack("{s:i}", "removed", n);
	} else if (!strcmp(method, "chassis/list")) {
		*result = json_array();
		err = maps_foreach_chassis(m, chassis_cb, *result);
	} else if (!strcmp(method, "chassis/add") ||
		   !strcmp(method, "chassis/del")) {
		struct ovnmig_chassis_key k;

		err = chassis_addr(params, &k, error);
		if (!err && method[8] == 'a')
			err = maps_chassis_add(m, &k, 0);
		else if (!err)
			err = maps_chassis_del(m, &k);
		if (err == -ENOENT)
			*error = strdup("no such entry");
	} else if (!strcmp(method, "nexthop/list")) {
		*result = json_array();
		err = maps_foreach_nexthop(m, nexthop_cb, *result);
	} else if (!strcmp(method, "nexthop/resolve")) {
		err = nexthop_resolve_cmd(m, params, result, error);
	} else if (!strcmp(method, "nexthop/del")) {
		struct ovnmig_chassis_key k;

		err = chassis_addr(params, &k, error);
		if (!err)
			err = maps_nexthop_del(m, &k);
		if (err == -ENOENT)
			*error = strdup("no such entry");
	} else if (!strcmp(method, "underlay/list")) {
		*result = json_array();
		err = maps_foreach_ifmac(m, ifmac_cb, *result);
	} else if (!strcmp(method, "underlay/set")) {
		err = maps_ifmac_set(m, arg(params, 0));
		if (err >= 0)
			*result = json_pack("{s:b}", "written", err > 0);
		else if (err == -EAFNOSUPPORT || err == -EADDRNOTAVAIL)
			*error = strdup(err == -EAFNOSUPPORT ?
					"DEV: not an Ethernet device" :
					"DEV: its address is not unicast");
		else if (err == -EADDRINUSE)
			*error = strdup("DEV: another NIC running bounce has "
					"its ovnmig_ifmac slot (ifindex % 1024)");
		else if (asprintf(error, "%s: %s", arg(params, 0),
				  strerror(-err)) < 0)
			*error = NULL;
		err = err < 0 ? err : 0;
	} else if (!strcmp(method, "stats")) {
		struct ovnmig_counter c[OVNMIG_STAT_MAX];
		int i;

		err = maps_stats(m, c);
		if (!err) {
			*result = json_object();
			for (i = 0; i < OVNMIG_STAT_MAX; i++)
				json_object_set_new(*result,
						    maps_stat_names[i],
						    json_pack("{s:I, s:I}",
							      "packets",
							      (json_int_t)c[i].packets,
							      "bytes",
							      (json_int_t)c[i].bytes));
		}
	} else if (!strcmp(method, "maps/status")) {
		struct ovnmig_config c;
		char a[64];

		maps_recount(m);
		err = maps_config_get(m, &c);
		if (!err)
			*result = json_pack("{s:s, s:i, s:i, s:b, s:b, s:s}",
					    "pin_dir", m->dir,
					    "steer_entries", m->n_steer,
					    "fwd_entries", m->n_fwd,
					    "steer_active", c.steer_active != 0,
					    "fwd_active", c.fwd_active != 0,
					    "local_v4",
					    maps_fmt_ip(&(struct ovnmig_ip){
							.v4 = c.local_v4 },
							false, a, sizeof(a)));
		if (*result) {
			ctlmaps_vni_status(m, &c, *result);
			ctlmaps_bounce_status(m, *result);
			json_object_set_new(*result, "lease",
					    ctlmaps_lease_json(&c));
		}
	} else {
		return -ENOSYS;
	}
	if (err && !*error)
		errout(error, method, err);
	return err;
}
