// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovsdb-follow: follow the Southbound (and optionally the local OVS DB)
 * with the sbview follower and print every callback as one line.  For
 * tests and for looking at what ovnmigd's policy would be told.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ovsdb/ovsdb.h"
#include "sbview.h"

static struct sbview *view;
static unsigned long n_updates;
static volatile sig_atomic_t stop;

static void encaps_str(const struct sbview_encap *e, int n, char *buf,
		       size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++) {
		char ip[INET6_ADDRSTRLEN];

		inet_ntop(e[i].family, &e[i].v6, ip, sizeof(ip));
		o += snprintf(buf + o, len - o, "%s%s:%s", i ? "," : "",
			      e[i].type, ip);
	}
}

static const char *ch_name(const char *uuid)
{
	const struct sbview_chassis *c;

	if (!uuid[0])
		return "-";
	c = sbview_chassis_by_uuid(view, uuid);
	return c ? c->name : uuid;
}

static const char *kind(const void *old, const void *new)
{
	return !old ? "add" : !new ? "del" : "mod";
}

static void cb_begin(void *ctx)
{
	(void)ctx;
	printf("begin\n");
}

static void cb_end(void *ctx)
{
	(void)ctx;
	n_updates++;
	printf("end %lu bindings=%u chassis=%u\n", n_updates,
	       sbview_n_bindings(view), sbview_n_chassis(view));
	fflush(stdout);
}

static void cb_chassis(void *ctx, const struct sbview_chassis *old,
		       const struct sbview_chassis *new)
{
	const struct sbview_chassis *c = new ? new : old;
	char enc[256];

	(void)ctx;
	encaps_str(c->encaps, c->n_encaps, enc, sizeof(enc));
	printf("chassis %s %s encaps=%s\n", kind(old, new), c->name, enc);
}

static void print_binding(const char *k, const struct sbview_binding *b)
{
	char addl[512] = "";
	size_t o = 0;
	int i;

	for (i = 0; i < b->n_additional; i++)
		o += snprintf(addl + o, sizeof(addl) - o, "%s%s", i ? "," : "",
			      ch_name(b->additional[i].s));
	printf("binding %s %s type=%s dp=%u port=%u chassis=%s addl=%s req=%s reqopt=%s act=%s up=%d\n",
	       k, b->logical_port, b->type[0] ? b->type : "vif", b->dp_key,
	       b->port_key, ch_name(b->chassis.s), o ? addl : "-",
	       ch_name(b->requested_chassis.s),
	       b->requested_opt[0] ? b->requested_opt : "-",
	       b->activated_opt[0] ? b->activated_opt : "-", b->up);
}

static void cb_binding(void *ctx, const struct sbview_binding *old,
		       const struct sbview_binding *new)
{
	(void)ctx;
	print_binding(kind(old, new), new ? new : old);
}

static void cb_local(void *ctx, const struct sbview_local *old,
		     const struct sbview_local *new)
{
	char enc[256] = "";

	(void)ctx;
	(void)old;
	if (new)
		encaps_str(new->encaps, new->n_encaps, enc, sizeof(enc));
	printf("local system-id=%s encaps=%s\n", new ? new->system_id : "-",
	       enc);
}

static void cb_iface(void *ctx, const struct sbview_iface *old,
		     const struct sbview_iface *new)
{
	const struct sbview_iface *i = new ? new : old;

	(void)ctx;
	printf("iface %s %s name=%s ofport=%lld link=%s\n", kind(old, new),
	       i->iface_id, i->name, (long long)i->ofport,
	       i->link_up ? "up" : "down");
}

static void cb_connection(void *ctx, const char *db, bool up)
{
	struct sbview_status st;

	(void)ctx;
	sbview_get_status(view, &st);
	printf("connection %s %s remote=%s resumes=%llu\n", db,
	       up ? "up" : "down", st.sb_remote,
	       (unsigned long long)st.sb_resumes);
	fflush(stdout);
}

static const struct sbview_ops ops = {
	.begin = cb_begin,
	.chassis = cb_chassis,
	.binding = cb_binding,
	.local = cb_local,
	.iface = cb_iface,
	.end = cb_end,
	.connection = cb_connection,
};

static int dump_binding(void *arg, const struct sbview_binding *b)
{
	(void)arg;
	print_binding("have", b);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: ovsdb-follow --sb REMOTES [--local REMOTE] [options]\n"
"  --sb REMOTES        tcp:IP:PORT,ssl:IP:PORT,unix:PATH (comma-separated)\n"
"  --local REMOTE      the local Open vSwitch DB, e.g. unix:/var/run/openvswitch/db.sock\n"
"  --private-key F --certificate F --ca-cert F   for ssl: remotes\n"
"  --probe MS          inactivity probe (default 5000, 0 off)\n"
"  --timeout SEC       exit after SEC seconds (status 0)\n"
"  --sync-exit         exit once every DB is synced, after --dump\n"
"  --dump              print every binding of the view at exit\n"
"  --quiet             print only connection, end and dump lines\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sb", required_argument, NULL, 's' },
		{ "local", required_argument, NULL, 'l' },
		{ "private-key", required_argument, NULL, 'k' },
		{ "certificate", required_argument, NULL, 'c' },
		{ "ca-cert", required_argument, NULL, 'C' },
		{ "probe", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "sync-exit", no_argument, NULL, 'x' },
		{ "dump", no_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ovsdb_ssl_opts ssl = { 0 };
	const char *sb = NULL, *local = NULL;
	int probe = 5000, opt, err;
	double timeout = 0;
	bool sync_exit = false, dump = false, quiet = false;
	struct sbview_ops o = ops;
	uint64_t deadline;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': sb = optarg; break;
		case 'l': local = optarg; break;
		case 'k': ssl.private_key = optarg; break;
		case 'c': ssl.certificate = optarg; break;
		case 'C': ssl.ca_cert = optarg; break;
		case 'p': probe = atoi(optarg); break;
		case 't': timeout = atof(optarg); break;
		case 'x': sync_exit = true; break;
		case 'd': dump = true; break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!sb && !local) {
		usage(stderr);
		return 2;
	}
	if (quiet) {
		o.begin = NULL;
		o.chassis = NULL;
		o.binding = NULL;
		o.local = NULL;
		o.iface = NULL;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	view = sbview_create(&o, NULL);
	if (!view)
		return 1;
	sbview_set_probe(view, probe);
	if ((sb && sbview_connect_sb(view, sb, &ssl)) ||
	    (local && sbview_connect_local(view, local))) {
		fprintf(stderr, "ovsdb-follow: bad remote\n");
		sbview_destroy(view);
		return 2;
	}
	deadline = timeout > 0 ? ovsdb_now_ms() + (uint64_t)(timeout * 1000) : 0;
	while (!stop) {
		struct sbview_status st;

		err = sbview_run(view, 100);
		if (err) {
			fprintf(stderr, "ovsdb-follow: poll: %s\n", strerror(-err));
			break;
		}
		sbview_get_status(view, &st);
		if (sync_exit && (!sb || st.sb_connected) &&
		    (!local || st.local_connected))
			break;
		if (deadline && ovsdb_now_ms() >= deadline)
			break;
	}
	if (dump) {
		sbview_foreach_binding(view, dump_binding, NULL);
		printf("dump bindings=%u chassis=%u\n", sbview_n_bindings(view),
		       sbview_n_chassis(view));
	}
	fflush(stdout);
	sbview_destroy(view);
	return 0;
}
