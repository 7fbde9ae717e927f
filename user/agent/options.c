// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovnmigd's command line: one table, an entry per option (its name, its
 * argument, the setter and what that checks), read by getopt_long in
 * agent_parse_args().  Bad values exit with status 2 and
 * "ovnmigd: --OPTION: VALUE: what is accepted".
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "ovsdb/jsonrpc.h"
#include "agent.h"
#include "metrics_http.h"

#define NS_PER_S	1000000000ull
#define XDP_FLAGS_SKB	2	/* <linux/if_link.h> XDP_FLAGS_SKB_MODE */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ovnmigd [OPTIONS]\n"
"Follow OVN Southbound and the local Open vSwitch DB; program ovnmig's\n"
"steering and forwarding maps.\n"
"\n"
"  --sb REMOTES          Southbound remote(s), comma-separated tcp:IP:PORT,\n"
"                        ssl:IP:PORT, unix:PATH (default\n"
"                        unix:/var/run/ovn/ovnsb_db.sock)\n"
"  --ovs REMOTE          local Open vSwitch DB, or 'none' (default\n"
"                        unix:/var/run/openvswitch/db.sock)\n"
"  --private-key FILE, --certificate FILE, --ca-cert FILE\n"
"                        SSL files for ssl: remotes\n"
"  --system-id NAME      this chassis (default: the OVS DB's\n"
"                        external_ids:system-id)\n"
"  --encap-ip IP         this chassis' tunnel address (default: the OVS\n"
"                        DB's external_ids:ovn-encap-ip)\n"
"  --bpffs DIR           bpffs of the pinned maps (default /sys/fs/bpf)\n"
"  --ctl PATH            control socket (default %s)\n"
"  --max-age SEC         maximum age of an entry; it lasts while the SB\n"
"                        shows its move, at most this long (default 900)\n"
"  --lease SEC           the datapath honours the agent's entries for SEC\n"
"                        after each renewal (every second; default 10)\n"
"  --expiry SEC          deprecated: the old fixed lifetime, now --max-age\n"
"  --max-entries N       size of new steer/fwd maps (default %d)\n"
"  --attach              load and attach the datapath programs\n"
"  --genev DEV           Geneve device for steer (default genev_sys_6081)\n"
"  --underlay DEV        underlay NIC for bounce (XDP); default none\n"
"  --xdp-skb             attach bounce in generic (skb) mode\n"
"  --bounce-attach WHEN  always, on-demand (only while forwarding entries\n"
"                        exist, and 30 s after) or auto: on-demand on a\n"
"                        virtual NIC or with --xdp-skb (default auto)\n"
"  --bounce-keep SEC     on demand: detach SEC after the last forwarding\n"
"                        entry went (default 30)\n"
"  --migrations N        keep the last N closed migration records\n"
"                        (default 256)\n"
"  --migration-quiet SEC close a migration record when its entry had no\n"
"                        packet for SEC (the entry stays; default 10)\n"
"  --replace-xdp         let --attach replace an XDP program that is not\n"
"                        ovnmig's (default: refuse, exit status 4)\n"
"  --vif-events SRC      auto, kmod, rtnl or none (default auto)\n"
"  --no-vni-filter       leave steer's per-VNI prefilter off (the agent\n"
"                        still keeps its bitmap)\n"
"  --metrics-listen [ADDR:]PORT\n"
"                        serve Prometheus metrics on http://ADDR:PORT/metrics\n"
"                        (ADDR default 127.0.0.1; [ADDR6]:PORT; default off)\n"
"  --db-max-message MIB  largest DB message accepted (default %u; the\n"
"                        first sync of 100,000 bindings is ~27 MB)\n"
"  -v, --verbose         log every decision\n"
"  -h, --help, -V, --version\n",
		CTL_DEFAULT_SOCKET, OVNMIG_STEER_MAX_ENTRIES,
		JSONRPC_MAX_MSG >> 20);
}

struct opt;
/* Apply @arg (NULL for a flag); 0, or the exit status. */
typedef int opt_set_fn(struct agent_opts *o, const struct opt *d,
		       const char *arg);

struct opt {
	const char *name;
	char short_name;	/* or 0 */
	bool arg;		/* takes an argument */
	opt_set_fn *set;
	size_t field;		/* in struct agent_opts, for the generic setters */
	long min, max;		/* the accepted range, for the numbers */
	const char *unit;	/* in the error: " seconds" */
};

#define FIELD(f)	offsetof(struct agent_opts, f)

/* ---- generic setters: a string, a flag, a number in a range ---- */

static int set_str(struct agent_opts *o, const struct opt *d, const char *arg)
{
	*(const char **)((char *)o + d->field) = arg;
	return 0;
}

static int set_true(struct agent_opts *o, const struct opt *d,
		    const char *arg)
{
	(void)arg;
	*(bool *)((char *)o + d->field) = true;
	return 0;
}

static int range(const struct opt *d, const char *arg, long *v)
{
	char *end;

	*v = strtol(arg, &end, 10);
	if (!*arg || *end || *v < d->min || *v > d->max) {
		log_err("--%s: %s: %ld..%ld%s", d->name, arg, d->min, d->max,
			d->unit);
		return 2;
	}
	return 0;
}

/* Seconds in a range, kept in ns. */
static int set_secs(struct agent_opts *o, const struct opt *d,
		    const char *arg)
{
	long v;

	if (range(d, arg, &v))
		return 2;
	*(uint64_t *)((char *)o + d->field) = v * NS_PER_S;
	return 0;
}

/* ---- the others ---- */

/* A count in a range, kept in an unsigned int or a uint32_t. */
static int set_count(struct agent_opts *o, const struct opt *d,
		     const char *arg)
{
	long v;

	if (range(d, arg, &v))
		return 2;
	*(unsigned int *)((char *)o + d->field) = v;
	return 0;
}
_Static_assert(sizeof(((struct agent_opts *)0)->max_entries) ==
	       sizeof(unsigned int), "set_count writes an unsigned int");
_Static_assert(sizeof(((struct agent_opts *)0)->migrations_ring) ==
	       sizeof(unsigned int), "set_count writes an unsigned int");

/* Entries no longer end at a fixed time: the old option bounds them, as
 * --max-age does. */
static int set_expiry(struct agent_opts *o, const struct opt *d,
		      const char *arg)
{
	if (set_secs(o, d, arg))
		return 2;
	log_warn("--expiry is deprecated: entries last while the SB shows "
		 "their move, at most --max-age; taking it as --max-age %llu",
		 (unsigned long long)(o->max_age_ns / NS_PER_S));
	return 0;
}

static int set_system_id(struct agent_opts *o, const struct opt *d,
			 const char *arg)
{
	(void)d;
	o->local_override.system_id = arg;
	o->have_override = true;
	return 0;
}

static int set_encap_ip(struct agent_opts *o, const struct opt *d,
			const char *arg)
{
	struct sbview_encap *en = &o->local_override.encaps[0];
	struct ovnmig_ip ip;
	bool v6;

	(void)d;
	if (maps_parse_ip(arg, &ip, &v6)) {
		log_err("--encap-ip: %s: not an address", arg);
		return 2;
	}
	o->local_override.n_encaps = 1;
	en->family = v6 ? AF_INET6 : AF_INET;
	if (v6)
		memcpy(&en->v6, ip.v6, 16);
	else
		en->v4.s_addr = ip.v4;
	strcpy(en->type, "geneve");
	return 0;
}

static int set_xdp_skb(struct agent_opts *o, const struct opt *d,
		       const char *arg)
{
	(void)d;
	(void)arg;
	o->xdp_flags = XDP_FLAGS_SKB;
	return 0;
}

static int set_bounce_attach(struct agent_opts *o, const struct opt *d,
			     const char *arg)
{
	(void)d;
	if (strcmp(arg, "always") && strcmp(arg, "on-demand") &&
	    strcmp(arg, "auto")) {
		log_err("--bounce-attach: %s: always, on-demand or auto", arg);
		return 2;
	}
	o->bounce_attach = arg;
	return 0;
}

static int set_metrics_listen(struct agent_opts *o, const struct opt *d,
			      const char *arg)
{
	struct sockaddr_storage ss;
	char why[128];

	(void)d;
	if (metrics_http_parse(arg, &ss, why, sizeof(why))) {
		log_err("--metrics-listen: %s", why);
		return 2;
	}
	o->metrics_listen = arg;
	return 0;
}

static int set_db_max(struct agent_opts *o, const struct opt *d,
		      const char *arg)
{
	long v;

	(void)o;
	if (range(d, arg, &v))
		return 2;
	jsonrpc_set_limits((size_t)v << 20, 0);
	return 0;
}

static int set_verbose(struct agent_opts *o, const struct opt *d,
		       const char *arg)
{
	(void)o;
	(void)d;
	(void)arg;
	log_set_level(LOG_LVL_DBG);
	return 0;
}

static int help(struct agent_opts *o, const struct opt *d, const char *arg)
{
	(void)o;
	(void)d;
	(void)arg;
	usage(stdout);
	exit(0);
}

static int version(struct agent_opts *o, const struct opt *d,
		   const char *arg)
{
	(void)o;
	(void)d;
	(void)arg;
	printf("ovnmigd " OVNMIG_VERSION "\n");
	exit(0);
}

#define STR(n, f)	{ .name = n, .arg = true, .set = set_str, .field = FIELD(f) }
#define FLAG(n, f)	{ .name = n, .set = set_true, .field = FIELD(f) }
#define SECS(n, f, lo, hi) \
	{ .name = n, .arg = true, .set = set_secs, .field = FIELD(f), \
	  .min = lo, .max = hi, .unit = " seconds" }

static const struct opt opts[] = {
	/* Where the databases are. */
	STR("sb", sb_remote),
	STR("ovs", ovs_remote),
	STR("private-key", ssl.private_key),
	STR("certificate", ssl.certificate),
	STR("ca-cert", ssl.ca_cert),
	{ .name = "system-id", .arg = true, .set = set_system_id },
	{ .name = "encap-ip", .arg = true, .set = set_encap_ip },
	/* The maps and the control socket. */
	STR("bpffs", bpffs),
	STR("ctl", ctl_path),
	{ .name = "expiry", .arg = true, .set = set_expiry,
	  .field = FIELD(max_age_ns), .min = 1, .max = 86400,
	  .unit = " seconds" },
	SECS("max-age", max_age_ns, 1, 86400),
	SECS("lease", lease_ns, 3, 3600),
	{ .name = "max-entries", .arg = true, .set = set_count,
	  .field = FIELD(max_entries), .min = 16, .max = 1 << 24, .unit = "" },
	/* The datapath programs. */
	FLAG("attach", attach),
	STR("genev", genev_dev),
	STR("underlay", underlay_dev),
	{ .name = "xdp-skb", .set = set_xdp_skb },
	FLAG("replace-xdp", replace_xdp),
	{ .name = "bounce-attach", .arg = true, .set = set_bounce_attach },
	SECS("bounce-keep", bounce_keep_ns, 0, 86400),
	/* The migration records. */
	{ .name = "migrations", .arg = true, .set = set_count,
	  .field = FIELD(migrations_ring), .min = 1, .max = 1000000,
	  .unit = " records" },
	SECS("migration-quiet", migration_quiet_ns, 1, 86400),
	STR("vif-events", vif_source),
	FLAG("no-vni-filter", no_vni_filter),
	/* The rest. */
	{ .name = "metrics-listen", .arg = true, .set = set_metrics_listen },
	{ .name = "db-max-message", .arg = true, .set = set_db_max,
	  .min = 1, .max = 2048, .unit = " MiB" },
	{ .name = "verbose", .short_name = 'v', .set = set_verbose },
	{ .name = "help", .short_name = 'h', .set = help },
	{ .name = "version", .short_name = 'V', .set = version },
};

#define N_OPTS	(sizeof(opts) / sizeof(opts[0]))
#define OPT_VAL	256	/* getopt's value for opts[i]: OPT_VAL + i */

static const struct opt *find(int val)
{
	size_t i;

	if (val >= OPT_VAL && val < OPT_VAL + (int)N_OPTS)
		return &opts[val - OPT_VAL];
	for (i = 0; i < N_OPTS; i++)
		if (opts[i].short_name && opts[i].short_name == val)
			return &opts[i];
	return NULL;
}

int agent_parse_args(struct agent_opts *o, int argc, char **argv)
{
	struct option lo[N_OPTS + 1] = {};
	char shorts[N_OPTS + 1] = "";
	const struct opt *d;
	size_t i, ns = 0;
	int val, err;

	for (i = 0; i < N_OPTS; i++) {
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].arg ? required_argument : no_argument;
		lo[i].val = OPT_VAL + i;
		if (opts[i].short_name)
			shorts[ns++] = opts[i].short_name;
	}
	while ((val = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		d = find(val);
		if (!d) {
			usage(stderr);
			return 2;
		}
		err = d->set(o, d, d->arg ? optarg : NULL);
		if (err)
			return err;
	}
	if (optind < argc) {
		log_err("%s: unexpected argument", argv[optind]);
		return 2;
	}
	if (o->local_override.n_encaps &&
	    (!o->local_override.system_id ||
	     !o->local_override.system_id[0])) {
		log_err("--encap-ip needs --system-id");
		return 2;
	}
	return 0;
}
