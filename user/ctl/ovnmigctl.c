// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovnmigctl: look at and change what ovnmig does on this host.  Talks to
 * ovnmigd over its control socket; when the agent is down, the map
 * commands (status, steer, bounce, stats, metrics) work on the pinned
 * maps directly.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "ctl.h"
#include "ctl_migrations.h"
#include "lib/log.h"
#include "lib/maps.h"
#include "lib/maps_attach.h"
#include "lib/metrics.h"

static bool json_out, pretty, no_agent, prometheus, create_maps;
static const char *sock_path = CTL_DEFAULT_SOCKET;
static const char *bpffs = MAPS_DEFAULT_BPFFS;
static int timeout_ms = 5000;
static long ev_count = -1;
static int ev_timeout_ms = -1;
static const char *mig_port;		/* migrations --port */
static uint64_t mig_since;		/* migrations --since, ns */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: ovnmigctl [OPTIONS] COMMAND [ARGS...]\n"
"\n"
"Commands (prefixes are accepted, e.g. 'st l' for 'steer list'):\n"
"  status                     agent, DB and map state\n"
"  ports                      ports with entries, by logical port (agent)\n"
"  steer list                 steering entries\n"
"  steer add DP PORT OLD NEW [SECONDS] [drop]\n"
"                             steer PORT's packets sent to OLD to NEW\n"
"  steer del DP PORT          remove one steering entry\n"
"  steer flush                remove every steering entry\n"
"  bounce list                forwarding pointers\n"
"  bounce add DP PORT NEW-HOST [SECONDS]\n"
"  bounce del DP PORT\n"
"  bounce flush\n"
"  chassis list               tunnel endpoints bounce accepts senders from\n"
"  chassis add|del ADDRESS    by hand (the agent keeps it equal to the SB)\n"
"  nexthop list               bounce's next hops (new host: device, MACs)\n"
"  nexthop resolve ADDRESS [SECONDS]  look up route and neighbour, write it\n"
"  nexthop del ADDRESS        remove one (bounce then asks the FIB)\n"
"  underlay list              NICs whose MAC bounce accepts (ifindex, MAC)\n"
"  underlay set DEV           write DEV's MAC (for bounce loaded by ip)\n"
"  stats                      datapath packet counters per outcome\n"
"  metrics [--prometheus]     all counters and the reaction latency\n"
"  events [-n N] [--wait SEC] follow the agent's decisions (agent)\n"
"  migrations [--port P] [--since T]\n"
"                             migration records: repoint lag, packets\n"
"                             (agent; T: N[s|m|h|d] before now)\n"
"  attach [--genev DEV] [--underlay DEV] [--xdp-skb] [--replace-xdp]\n"
"                             load steer (TC egress of DEV, default\n"
"                             genev_sys_6081) and bounce (XDP); idempotent;\n"
"                             refuses to replace an XDP program not ovnmig's\n"
"                             unless --replace-xdp\n"
"  detach [--genev DEV] [--underlay DEV]\n"
"                             remove ovnmig's programs, nothing else\n"
"  list-commands              commands the agent serves\n"
"  version                    the agent's version\n"
"  call METHOD [ARGS...]      send any control command\n"
"\n"
"Options:\n"
"  -j, --json        JSON output ({\"error\": ...} on failure)\n"
"  -p, --pretty      indented JSON (implies -j)\n"
"  -s, --socket PATH agent control socket (default %s)\n"
"  -b, --bpffs DIR   bpffs for the pinned maps (default %s)\n"
"  -m, --maps        do not ask the agent, use the pinned maps\n"
"  -c, --create      with -m: create and pin the maps when missing\n"
"  -t, --timeout SEC reply timeout (default 5)\n"
"  -h, --help        this text\n"
"  -V, --version     print ovnmigctl's version\n"
"\n"
"DP is a datapath tunnel key (VNI), PORT a port tunnel key (< 32768).\n"
"Exit status: 0 success, 1 failure, 2 usage error, 4 attach refused\n"
"(a program that is not ovnmig's is attached).\n",
		CTL_DEFAULT_SOCKET, MAPS_DEFAULT_BPFFS);
}

static void fail_msg(const char *what, const char *why)
{
	if (json_out) {
		json_t *e = json_pack("{s:s}", "error", why);
		char *s;

		/* @why may quote an argument that is not UTF-8. */
		if (!e)
			e = json_pack("{s:s}", "error", "an argument is not "
				      "valid UTF-8");
		s = json_dumps(e, pretty ? JSON_INDENT(2) : JSON_COMPACT);
		printf("%s\n", s ? s : "{}");
		free(s);
		json_decref(e);
	}
	fprintf(stderr, "ovnmigctl: %s: %s\n", what, why);
}

/* A whole decimal number in [min, max], or a message and -EINVAL. */
static int parse_num(const char *what, const char *s, long min, long max,
		     long *v)
{
	char why[128], *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (!*s || *end || errno || *v < min || *v > max) {
		snprintf(why, sizeof(why), "'%.32s': expected a number %ld..%ld",
			 s, min, max);
		fail_msg(what, why);
		return -EINVAL;
	}
	return 0;
}

/*
 * Every command's argument count, checked here so that both modes (the
 * agent, which checks too, and -m) refuse the same way: the map
 * commands' from their shared table, the rest take none.
 */
static int check_nargs(const char *method, size_t n)
{
	const struct ctl_command *c;
	char why[256];

	for (c = ctlmaps_commands; c->name; c++) {
		if (strcmp(c->name, method))
			continue;
		if ((int)n >= c->min_args && (int)n <= c->max_args)
			return 0;
		snprintf(why, sizeof(why), "wrong number of arguments (usage: "
			 "%s%s%s)", method, *c->usage ? " " : "", c->usage);
		fail_msg(method, why);
		return -EINVAL;
	}
	if (!n)
		return 0;
	fail_msg(method, "takes no arguments");
	return -EINVAL;
}

static void print_json(json_t *r)
{
	char *s = json_dumps(r, JSON_ENCODE_ANY |
			     (pretty ? JSON_INDENT(2) : JSON_COMPACT));

	printf("%s\n", s ? s : "null");
	free(s);
}

static const char *sval(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static long long ival(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void fmt_ms(long long ms, char *buf, size_t len)
{
	snprintf(buf, len, "%lld.%03llds", ms / 1000, ms % 1000);
}

static void print_steer(json_t *r)
{
	char exp[32];
	json_t *e;
	size_t i;

	printf("%-8s %-6s %-39s %-39s %-6s %-10s %s\n", "DP", "PORT",
	       "OLD-REMOTE", "NEW-REMOTE", "ACTION", "EXPIRES", "GEN");
	json_array_foreach(r, i, e) {
		fmt_ms(ival(e, "expires_in_ms"), exp, sizeof(exp));
		printf("%-8lld %-6lld %-39s %-39s %-6s %-10s %lld\n",
		       ival(e, "dp_key"), ival(e, "port_key"),
		       sval(e, "old_remote"), sval(e, "new_remote"),
		       sval(e, "action"), exp, ival(e, "generation"));
	}
}

static void print_bounce(json_t *r)
{
	char exp[32];
	json_t *e;
	size_t i;

	printf("%-8s %-6s %-39s %-10s %s\n", "DP", "PORT", "NEW-HOST",
	       "EXPIRES", "GEN");
	json_array_foreach(r, i, e) {
		fmt_ms(ival(e, "expires_in_ms"), exp, sizeof(exp));
		printf("%-8lld %-6lld %-39s %-10s %lld\n", ival(e, "dp_key"),
		       ival(e, "port_key"), sval(e, "new_host"), exp,
		       ival(e, "generation"));
	}
}

static void print_stats(json_t *r)
{
	const char *k;
	json_t *v;

	printf("%-24s %14s %16s\n", "OUTCOME", "PACKETS", "BYTES");
	json_object_foreach(r, k, v)
		printf("%-24s %14lld %16lld\n", k, ival(v, "packets"),
		       ival(v, "bytes"));
}

static void print_ports(json_t *r)
{
	char exp[32];
	json_t *e;
	size_t i;

	printf("%-24s %-8s %-6s %-6s %-16s %-16s %s\n", "PORT", "DP", "KEY",
	       "ENTRY", "FROM", "TO", "EXPIRES");
	json_array_foreach(r, i, e) {
		fmt_ms(ival(e, "expires_in_ms"), exp, sizeof(exp));
		printf("%-24s %-8lld %-6lld %-6s %-16s %-16s %s\n",
		       sval(e, "port"), ival(e, "dp_key"), ival(e, "port_key"),
		       sval(e, "entry"), sval(e, "from"), sval(e, "to"), exp);
	}
}

/* Nested objects as "a.b: value" lines. */
static void print_flat(const char *prefix, json_t *r)
{
	char key[256];
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(r)) {
		json_object_foreach(r, k, v) {
			snprintf(key, sizeof(key), "%s%s%s", prefix,
				 *prefix ? "." : "", k);
			print_flat(key, v);
		}
	} else if (json_is_array(r) && json_array_size(r) &&
		   json_is_object(json_array_get(r, 0))) {
		json_array_foreach(r, i, v) {
			snprintf(key, sizeof(key), "%s[%zu]", prefix, i);
			print_flat(key, v);
		}
	} else {
		char *s = json_dumps(r, JSON_ENCODE_ANY | JSON_COMPACT);

		if (json_is_string(r))
			printf("%s: %s\n", prefix, json_string_value(r));
		else
			printf("%s%s%s\n", prefix, *prefix ? ": " : "",
			       s ? s : "");
		free(s);
	}
}

static void print_event(json_t *ev)
{
	printf("%.6f %-24s %s\n", ival(ev, "ts_ns") / 1e9, sval(ev, "port"),
	       sval(ev, "what"));
	fflush(stdout);
}

static void print_result(const char *method, json_t *r)
{
	if (json_out) {
		print_json(r);
		return;
	}
	if (!strcmp(method, "steer/list"))
		print_steer(r);
	else if (!strcmp(method, "bounce/list"))
		print_bounce(r);
	else if (!strcmp(method, "stats"))
		print_stats(r);
	else if (!strcmp(method, "ports"))
		print_ports(r);
	else if (!strcmp(method, "migrations"))
		ctl_migrations_print(r);
	else if (!strcmp(method, "list-commands")) {
		json_t *e;
		size_t i;

		json_array_foreach(r, i, e)
			printf("  %s %s\n", sval(e, "name"), sval(e, "usage"));
	} else if (!strcmp(method, "metrics") && prometheus) {
		char *s = metrics_prometheus(r);

		fputs(s, stdout);
		free(s);
	} else if (json_is_string(r)) {
		printf("%s\n", json_string_value(r));
	} else if (!json_is_null(r)) {
		print_flat("", r);
	}
}

/* Map a command line onto a control method (prefix matching). */
struct cmdmap {
	const char *word1, *word2, *method;
	bool agent_only;
};

static const struct cmdmap cmdmap[] = {
	{ "status", NULL, "status", false },
	{ "ports", NULL, "ports", true },
	{ "steer", "list", "steer/list", false },
	{ "steer", "add", "steer/add", false },
	{ "steer", "del", "steer/del", false },
	{ "steer", "flush", "steer/flush", false },
	{ "bounce", "list", "bounce/list", false },
	{ "bounce", "add", "bounce/add", false },
	{ "bounce", "del", "bounce/del", false },
	{ "bounce", "flush", "bounce/flush", false },
	{ "chassis", "list", "chassis/list", false },
	{ "chassis", "add", "chassis/add", false },
	{ "chassis", "del", "chassis/del", false },
	{ "nexthop", "list", "nexthop/list", false },
	{ "nexthop", "resolve", "nexthop/resolve", false },
	{ "nexthop", "del", "nexthop/del", false },
	{ "underlay", "list", "underlay/list", false },
	{ "underlay", "set", "underlay/set", false },
	{ "stats", NULL, "stats", false },
	{ "metrics", NULL, "metrics", false },
	{ "events", NULL, "events", true },
	{ "migrations", NULL, "migrations", true },
	{ "list-commands", NULL, "list-commands", true },
	{ "version", NULL, "version", true },
	{ NULL, NULL, NULL, false },
};

static bool prefix(const char *w, const char *full)
{
	return *w && !strncmp(w, full, strlen(w));
}

/* Unique prefix match of @w among @names (an exact match wins). */
static const char *pick(const char *w, const char *const *names, int n)
{
	const char *hit = NULL;
	int i, cnt = 0;

	for (i = 0; i < n; i++) {
		if (!strcmp(w, names[i]))
			return names[i];
		if (prefix(w, names[i]) && (!hit || strcmp(hit, names[i]))) {
			hit = names[i];
			cnt++;
		}
	}
	return cnt == 1 ? hit : NULL;
}

/* Returns the entry, or NULL with an error printed. */
static const struct cmdmap *lookup(int argc, char **argv, int *used)
{
	const char *names[32], *w1, *w2;
	const struct cmdmap *c;
	int n = 0;

	for (c = cmdmap; c->word1; c++)
		names[n++] = c->word1;
	w1 = pick(argv[0], names, n);
	if (!w1) {
		fail_msg(argv[0], "unknown or ambiguous command (see "
			 "ovnmigctl --help)");
		return NULL;
	}
	n = 0;
	for (c = cmdmap; c->word1; c++) {
		if (strcmp(c->word1, w1))
			continue;
		if (!c->word2) {
			*used = 1;
			return c;
		}
		names[n++] = c->word2;
	}
	w2 = pick(argc > 1 ? argv[1] : "list", names, n);
	for (c = cmdmap; w2 && c->word1; c++) {
		if (!strcmp(c->word1, w1) && !strcmp(c->word2, w2)) {
			*used = argc > 1 ? 2 : 1;
			return c;
		}
	}
	fail_msg(argc > 1 ? argv[1] : argv[0], "unknown or ambiguous "
		 "subcommand (see ovnmigctl --help)");
	return NULL;
}

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static int follow_events(int fd, json_t *history)
{
	struct sigaction sa = { .sa_handler = on_sig };
	json_t *msg, *ev;
	size_t i;
	long seen = 0;
	int err;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* What happened before we subscribed, then what happens next. */
	json_array_foreach(history, i, ev) {
		if (ev_count >= 0 && seen >= ev_count)
			return 0;
		if (json_out)
			print_json(ev), fflush(stdout);
		else
			print_event(ev);
		seen++;
	}
	while (!stop && (ev_count < 0 || seen < ev_count)) {
		err = ctl_client_next(fd, &msg, ev_timeout_ms);
		if (err == -ETIMEDOUT || err == -EINTR)
			break;
		if (err == -ECONNRESET) {
			/* The agent drops a follower that does not keep up. */
			fail_msg("events", "connection closed by the agent "
				 "(ovnmigctl status: ctl.dropped_slow)");
			return 1;
		}
		if (err) {
			fail_msg("events", strerror(-err));
			return 1;
		}
		json_array_foreach(json_object_get(msg, "params"), i, ev) {
			if (json_out)
				print_json(ev), fflush(stdout);
			else
				print_event(ev);
			seen++;
		}
		json_decref(msg);
	}
	return 0;
}

/* The agent is down: the commands the maps alone can answer. */
static int run_on_maps(const char *method, json_t *params)
{
	json_t *result = NULL;
	char *error = NULL;
	struct maps m;
	int err;

	err = maps_open(&m, bpffs, create_maps, 0);
	if (err) {
		char why[512];

		snprintf(why, sizeof(why), "agent not reachable and no pinned "
			 "maps under %s/%s: %s", bpffs, OVNMIG_PIN_SUBDIR,
			 strerror(-err));
		fail_msg(method, why);
		return 1;
	}
	if (!strcmp(method, "status")) {
		err = ctlmaps_call(&m, "maps/status", params, &result, &error);
		if (!err) {
			json_t *st = json_pack("{s:b, s:o}", "agent", 0, "maps",
					       result);

			/* Where the agent's status has it. */
			json_object_set(st, "lease",
					json_object_get(result, "lease"));
			result = st;
		}
	} else if (!strcmp(method, "metrics")) {
		struct ovnmig_config cfg;

		err = ctlmaps_call(&m, "stats", params, &result, &error);
		if (!err && !(err = maps_config_get(&m, &cfg)))
			result = json_pack("{s:o, s:{s:i, s:i}, s:o}",
					   "datapath", result, "entries",
					   "steer", m.n_steer, "fwd", m.n_fwd,
					   "lease", ctlmaps_lease_json(&cfg));
	} else {
		err = ctlmaps_call(&m, method, params, &result, &error);
	}
	maps_close(&m);
	if (err) {
		fail_msg(method, error ? error : strerror(-err));
		free(error);
		return 1;
	}
	print_result(method, result ? result : json_null());
	json_decref(result);
	return 0;
}

/* attach/detach: local, never through the agent. */
static int do_attach(bool attach, int argc, char **argv)
{
	struct attach_opts o = { .bpffs = bpffs,
				 .genev_dev = "genev_sys_6081" };
	char why[512] = "";
	int i, err;
	long v;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--genev") && i + 1 < argc)
			o.genev_dev = argv[++i];
		else if (!strcmp(argv[i], "--underlay") && i + 1 < argc)
			o.underlay_dev = argv[++i];
		else if (!strcmp(argv[i], "--xdp-skb"))
			o.xdp_flags = XDP_FLAGS_SKB_MODE;
		else if (!strcmp(argv[i], "--replace-xdp") && attach)
			o.replace_xdp = true;
		else if (!strcmp(argv[i], "--max-entries") && i + 1 < argc &&
			 attach) {
			if (parse_num(argv[i], argv[i + 1], 16, 1 << 24, &v))
				return 2;
			o.max_entries = v;
			i++;
		} else {
			fail_msg(argv[i], attach ? "usage: attach [--genev DEV] "
				 "[--underlay DEV] [--xdp-skb] [--replace-xdp] "
				 "[--max-entries N]" : "usage: detach "
				 "[--genev DEV] [--underlay DEV]");
			return 2;
		}
	}
	err = attach ? maps_attach(&o, why, sizeof(why)) :
		       maps_detach(&o, why, sizeof(why));
	if (err) {
		fail_msg(argv[0], why);
		/* A program that is not ours is in the way: 4, so scripts
		 * can tell it from a failure. */
		return err == -EEXIST ? 4 : 1;
	}
	if (*why)	/* detach: what it left alone */
		fprintf(stderr, "ovnmigctl: %s: %s\n", argv[0], why);
	if (json_out)
		printf("{\"%s\":true}\n", attach ? "attached" : "detached");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 's' },
		{ "bpffs", required_argument, NULL, 'b' },
		{ "maps", no_argument, NULL, 'm' },
		{ "create", no_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "prometheus", no_argument, NULL, 'P' },
		{ "count", required_argument, NULL, 'n' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmdmap *c;
	json_t *params, *result = NULL;
	const char *method;
	char *error = NULL;
	int opt, used = 0, fd, err, i, rc = 0;
	long v;

	log_init("ovnmigctl", LOG_LVL_WARN);
	while ((opt = getopt_long(argc, argv, "+jps:b:mct:n:hV", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'j': json_out = true; break;
		case 'p': json_out = pretty = true; break;
		case 's': sock_path = optarg; break;
		case 'b': bpffs = optarg; break;
		case 'm': no_agent = true; break;
		case 'c': create_maps = true; break;
		case 't':
			if (parse_num("--timeout", optarg, 1, 86400, &v))
				return 2;
			timeout_ms = v * 1000;
			break;
		case 'P': prometheus = true; break;
		case 'n':
			if (parse_num("--count", optarg, 0, 1000000000, &v))
				return 2;
			ev_count = v;
			break;
		case 'w':
			if (parse_num("--wait", optarg, 0, 86400, &v))
				return 2;
			ev_timeout_ms = v * 1000;
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("ovnmigctl " OVNMIG_VERSION "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[0], "attach") || !strcmp(argv[0], "detach"))
		return do_attach(argv[0][0] == 'a', argc, argv);
	if (!strcmp(argv[0], "call")) {
		if (argc < 2) {
			fail_msg("call", "needs a METHOD");
			return 2;
		}
		method = argv[1];
		used = 2;
		c = NULL;
	} else {
		c = lookup(argc, argv, &used);
		if (!c)
			return 2;
		method = c->method;
	}
	/* Options after the command (bpftool style): --prometheus, -n. */
	params = json_array();
	for (i = used; i < argc; i++) {
		if (!strcmp(argv[i], "--prometheus"))
			prometheus = true;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			if (parse_num("-n", argv[++i], 0, 1000000000, &v))
				goto usage;
			ev_count = v;
		} else if (!strcmp(argv[i], "--wait") && i + 1 < argc) {
			if (parse_num("--wait", argv[++i], 0, 86400, &v))
				goto usage;
			ev_timeout_ms = v * 1000;
		} else if (!strcmp(argv[i], "-j")) {
			json_out = true;
		} else if (!strcmp(method, "migrations") &&
			   !strcmp(argv[i], "--port") && i + 1 < argc) {
			mig_port = argv[++i];
		} else if (!strcmp(method, "migrations") &&
			   !strcmp(argv[i], "--since") && i + 1 < argc) {
			if (ctl_migrations_parse_since(argv[++i], &mig_since)) {
				fail_msg("--since", "a duration: N, Ns, Nm, Nh "
					 "or Nd");
				goto usage;
			}
		} else {
			/* JSON strings are UTF-8: anything else would be
			 * dropped (json_string() fails) and shift the rest. */
			json_t *a = json_string(argv[i]);

			if (!a) {
				fail_msg(argv[i], "not valid UTF-8");
				goto usage;
			}
			json_array_append_new(params, a);
		}
	}
	if (c && check_nargs(method, json_array_size(params)))
		goto usage;

	fd = no_agent ? -ENOENT : ctl_client_connect(sock_path);
	if (fd < 0) {
		if (c && c->agent_only) {
			char why[512];

			snprintf(why, sizeof(why), "needs the agent: %s: %s",
				 sock_path, strerror(-fd));
			fail_msg(argv[0], why);
			rc = 1;
		} else if (!c) {
			fail_msg(sock_path, strerror(-fd));
			rc = 1;
		} else {
			rc = run_on_maps(method, params);
		}
		json_decref(params);
		return rc;
	}
	err = ctl_client_call(fd, method, params, &result, &error, timeout_ms);
	if (err) {
		fail_msg(method, strerror(-err));
		rc = 1;
	} else if (error) {
		fail_msg(method, error);
		rc = 1;
	} else if (!strcmp(method, "events")) {
		rc = follow_events(fd, result);
	} else {
		if (!strcmp(method, "migrations"))
			ctl_migrations_filter(result, mig_port, mig_since);
		print_result(method, result);
	}
	free(error);
	json_decref(result);
	json_decref(params);
	close(fd);
	return rc;
usage:
	json_decref(params);
	return 2;
}
