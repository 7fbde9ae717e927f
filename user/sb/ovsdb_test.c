// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovsdb-test: the sbview follower against real ovsdb-server processes
 * that this program starts (OVN's Southbound schema, OVS's vswitch
 * schema).  Prints TAP.  Every assertion compares what the follower
 * reported, or what its view holds, with what the database says.
 *
 *   ovsdb-test sb       standalone SB over unix: sync, moves, rollback,
 *                       multichassis, deletes, batches, restart/resync
 *   ovsdb-test cluster  3-member clustered SB over tcp: (run it inside
 *                       a netns with 198.18.0.1-3 on lo): kill the
 *                       leader, keep following; follower restart
 *   ovsdb-test liar     a server that lies: every malformed reply is a
 *                       clean error and a reconnect, nothing applied
 *   ovsdb-test ssl DIR  the same over ssl: (certificates in DIR; netns)
 *   ovsdb-test old-schema FILE  an SB schema without some columns
 *   ovsdb-test local    local Open_vSwitch DB: system-id, encap ip,
 *                       interfaces with iface-id
 *   ovsdb-test bench N  initial sync of N bindings and 1,000 single
 *                       moves, JSON on stdout
 *   ovsdb-test jv       the row parser (ovsdb/jv.h) on texts RFC 8259
 *                       allows or forbids, beside jansson
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "ovsdb/jsonrpc.h"
#include "ovsdb/jv.h"
#include "ovsdb/ovsdb.h"
#include "ovsdb/stream.h"
#include "sbview.h"
#include "tap.h"

/*
 * The installed schemas, or another stack's (OVNMIG_SB_SCHEMA,
 * OVNMIG_OVS_SCHEMA: selftests/lib/stack.sh points them at Debian 13's).
 */
static const char *schema(const char *env, const char *dflt)
{
	const char *s = getenv(env);

	return s && *s ? s : dflt;
}

#define SB_SCHEMA	schema("OVNMIG_SB_SCHEMA", "/usr/share/ovn/ovn-sb.ovsschema")
#define OVS_SCHEMA	schema("OVNMIG_OVS_SCHEMA", "/usr/share/openvswitch/vswitch.ovsschema")
#define MAX_SRV		3

/* TAP: selftests/lib/tap.h; ok() and skip() are this suite's names. */
#define ok		tap_result
#define skip		tap_skip_one

/* ---- servers we start (and always stop) ---- */

static char tmpdir[256];
static pid_t srv_pid[MAX_SRV];
static const char *srv_extra[5];	/* more ovsdb-server options */
static const char *srv_netns[MAX_SRV];	/* run server i in this netns */

static void cleanup(void)
{
	char cmd[300];
	int i;

	for (i = 0; i < MAX_SRV; i++) {
		if (srv_pid[i] > 0) {
			kill(srv_pid[i], SIGKILL);
			waitpid(srv_pid[i], NULL, 0);
			srv_pid[i] = 0;
		}
	}
	if (tmpdir[0] && !getenv("OVSDB_TEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			fprintf(stderr, "ovsdb-test: could not remove %s\n", tmpdir);
	}
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int run(const char *const argv[])
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Starts ovsdb-server i on db with a unix socket (and tcp remote). */
static int start_server(int i, const char *db, const char *tcp)
{
	char sock[300], ctl[320], log[320], rem[320], tcprem[100];
	const char *argv[24];
	int n = 0;
	pid_t p;

	snprintf(sock, sizeof(sock), "punix:%s/db%d.sock", tmpdir, i);
	if (srv_netns[i]) {	/* ip netns exec execs: the pid stays */
		argv[n++] = "ip";
		argv[n++] = "netns";
		argv[n++] = "exec";
		argv[n++] = srv_netns[i];
	}
	snprintf(ctl, sizeof(ctl), "--unixctl=%s/db%d.ctl", tmpdir, i);
	snprintf(log, sizeof(log), "--log-file=%s/db%d.log", tmpdir, i);
	snprintf(rem, sizeof(rem), "--remote=%s", sock);
	argv[n++] = "ovsdb-server";
	argv[n++] = rem;
	if (tcp) {
		snprintf(tcprem, sizeof(tcprem), "--remote=p%s", tcp);
		argv[n++] = tcprem;
	}
	argv[n++] = ctl;
	argv[n++] = log;
	for (int k = 0; k < 4 && srv_extra[k]; k++)
		argv[n++] = srv_extra[k];
	argv[n++] = "--no-chdir";
	argv[n++] = db;
	argv[n] = NULL;
	p = fork();
	if (p == 0) {
		int fd = open("/dev/null", O_RDWR);

		/* Dies with us, even if we crash. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (p < 0)
		return -1;
	srv_pid[i] = p;
	/* Ready when its socket accepts. */
	snprintf(sock, sizeof(sock), "%s/db%d.sock", tmpdir, i);
	for (int t = 0; t < 200; t++) {
		struct stat stt;

		if (!stat(sock, &stt))
			return 0;
		usleep(20000);
	}
	return -1;
}

static void stop_server(int i)
{
	if (srv_pid[i] > 0) {
		kill(srv_pid[i], SIGKILL);
		waitpid(srv_pid[i], NULL, 0);
		srv_pid[i] = 0;
	}
	char sock[300];

	snprintf(sock, sizeof(sock), "%s/db%d.sock", tmpdir, i);
	unlink(sock);
}

/* ---- a blocking JSON-RPC call (the test's own "ovn-sbctl") ---- */

static json_t *rpc_call(const char *remotes, const char *method,
			json_t *params, int timeout_ms)
{
	char list[1024], *tok, *save = NULL;
	json_t *res = NULL;

	snprintf(list, sizeof(list), "%s", remotes);
	for (tok = strtok_r(list, ",", &save); tok && !res;
	     tok = strtok_r(NULL, ",", &save)) {
		struct stream *s;
		struct jsonrpc *rpc;
		uint64_t end = ovsdb_now_ms() + timeout_ms;

		if (stream_open(tok, NULL, &s))
			continue;
		while (stream_connect(s) == -EAGAIN && ovsdb_now_ms() < end)
			usleep(1000);
		rpc = jsonrpc_open(s);
		if (jsonrpc_send(rpc, jsonrpc_request(method,
						      json_incref(params), 7))) {
			jsonrpc_close(rpc);
			continue;
		}
		while (ovsdb_now_ms() < end) {
			struct pollfd p = { .fd = stream_fd(s),
					    .events = POLLIN };
			char why[200];
			json_t *m;
			int err;

			jsonrpc_flush(rpc);
			err = jsonrpc_recv(rpc, &m, why, sizeof(why));
			if (err == -EAGAIN) {
				poll(&p, 1, 50);
				continue;
			}
			if (err)
				break;
			if (json_integer_value(json_object_get(m, "id")) == 7) {
				json_t *e = json_object_get(m, "error");

				if (!e || json_is_null(e))
					res = json_incref(json_object_get(m, "result"));
				json_decref(m);
				break;
			}
			json_decref(m);
		}
		jsonrpc_close(rpc);
	}
	json_decref(params);
	return res;
}

static const char *g_remotes;
static const char *g_db = "OVN_Southbound";

/* Runs a transaction given as a JSON array of operations (printf
 * format); returns the result array or NULL when anything failed. */
static json_t *txn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *txn(const char *fmt, ...)
{
	static char buf[16 << 20];
	json_error_t jerr;
	json_t *ops, *res, *r;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ops = json_loads(buf, 0, &jerr);
	if (!ops) {
		fprintf(stderr, "ovsdb-test: bad txn JSON: %s\n", jerr.text);
		return NULL;
	}
	json_array_insert_new(ops, 0, json_string(g_db));
	res = rpc_call(g_remotes, "transact", ops, 5000);
	if (!res)
		return NULL;
	json_array_foreach(res, i, r) {
		if (json_object_get(r, "error")) {
			char *d = json_dumps(r, 0);

			fprintf(stderr, "ovsdb-test: txn error: %s\n", d);
			free(d);
			json_decref(res);
			return NULL;
		}
	}
	return res;
}

static bool txn_ok(json_t *r)
{
	bool ok = r != NULL;

	json_decref(r);
	return ok;
}

/* uuid of the i-th insert in a result */
static const char *res_uuid(json_t *res, size_t i)
{
	return json_string_value(json_array_get(json_object_get(
		json_array_get(res, i), "uuid"), 1));
}

/* ---- what the follower tells us ---- */

struct ev {
	bool has_old, has_new;
	struct sbview_binding old, new;
};

static struct sbview *view;
static struct ev *evs;
static size_t n_evs, cap_evs;
static int n_begin, n_end, n_ch_ev, n_conn_up, n_conn_down, n_local, n_if;
static bool in_update, nested;
static struct sbview_chassis last_ch_old, last_ch_new;
static bool last_ch_has_old, last_ch_has_new;
static struct sbview_local last_local;
static struct sbview_iface last_if;
static bool last_if_has_new;
static uint64_t first_ev_ns;
static int max_batch, cur_batch;
static bool lookups_ok = true;
static bool record_evs = true;

/* The view's strings live as long as its rows; what the checks look at
 * after the callback is copied here (kept reachable until exit). */
static const char *keep(const char *s)
{
	static char **kept;
	static size_t n_kept, cap_kept;

	if (n_kept == cap_kept) {
		cap_kept = cap_kept ? cap_kept * 2 : 1024;
		kept = realloc(kept, cap_kept * sizeof(*kept));
		if (!kept)
			abort();
	}
	kept[n_kept] = strdup(s);
	if (!kept[n_kept])
		abort();
	return kept[n_kept++];
}

static void keep_binding(struct sbview_binding *b)
{
	b->logical_port = keep(b->logical_port);
	b->type = keep(b->type);
	b->requested_opt = keep(b->requested_opt);
	b->activated_opt = keep(b->activated_opt);
}

static void cb_begin(void *ctx)
{
	(void)ctx;
	if (in_update)
		nested = true;
	in_update = true;
	n_begin++;
	cur_batch = 0;
}

static void cb_end(void *ctx)
{
	(void)ctx;
	in_update = false;
	n_end++;
	if (cur_batch > max_batch)
		max_batch = cur_batch;
}

static void cb_chassis(void *ctx, const struct sbview_chassis *o,
		       const struct sbview_chassis *n)
{
	(void)ctx;
	n_ch_ev++;
	last_ch_has_old = o;
	last_ch_has_new = n;
	if (o) {
		last_ch_old = *o;
		last_ch_old.name = keep(o->name);
	}
	if (n) {
		last_ch_new = *n;
		last_ch_new.name = keep(n->name);
	}
}

static void cb_binding(void *ctx, const struct sbview_binding *o,
		       const struct sbview_binding *n)
{
	struct ev *e;

	(void)ctx;
	if (!n_evs)
		first_ev_ns = mono_ns();
	cur_batch++;
	if (!record_evs) {	/* benchmarks: count only */
		n_evs++;
		return;
	}
	if (n_evs == cap_evs) {
		cap_evs = cap_evs ? cap_evs * 2 : 1024;
		evs = realloc(evs, cap_evs * sizeof(*evs));
		if (!evs)
			abort();
	}
	e = &evs[n_evs++];
	e->has_old = o;
	e->has_new = n;
	if (o) {
		e->old = *o;
		keep_binding(&e->old);
	}
	if (n) {
		e->new = *n;
		keep_binding(&e->new);
	}
	/* The contract: lookups already show the state after the update. */
	if (n && n->chassis.s[0] && !sbview_chassis_by_uuid(view, n->chassis.s))
		lookups_ok = false;
	if (n && !sbview_binding_by_port(view, n->logical_port))
		lookups_ok = false;
}

static void cb_local(void *ctx, const struct sbview_local *o,
		     const struct sbview_local *n)
{
	(void)ctx;
	(void)o;
	n_local++;
	memset(&last_local, 0, sizeof(last_local));
	last_local.system_id = "";
	if (n) {
		last_local = *n;
		last_local.system_id = keep(n->system_id);
	}
}

static void cb_iface(void *ctx, const struct sbview_iface *o,
		     const struct sbview_iface *n)
{
	(void)ctx;
	(void)o;
	n_if++;
	last_if_has_new = n;
	if (n)
		last_if = *n;
	else if (o)
		last_if = *o;
	last_if.name = keep(last_if.name);
	last_if.iface_id = keep(last_if.iface_id);
}

static void cb_conn(void *ctx, const char *db, bool up)
{
	(void)ctx;
	(void)db;
	if (up)
		n_conn_up++;
	else
		n_conn_down++;
}

static const struct sbview_ops ops = {
	.begin = cb_begin, .chassis = cb_chassis, .binding = cb_binding,
	.local = cb_local, .iface = cb_iface, .end = cb_end,
	.connection = cb_conn,
};

static void reset_evs(void)
{
	n_evs = 0;
	n_begin = n_end = n_ch_ev = n_local = n_if = 0;
	max_batch = 0;
}

/* Runs the view until cond() or timeout; true if cond() held. */
static bool wait_for(bool (*cond)(void *), void *arg, int timeout_ms)
{
	uint64_t end = ovsdb_now_ms() + timeout_ms;

	while (!cond(arg)) {
		if (ovsdb_now_ms() >= end)
			return false;
		sbview_run(view, 5);
	}
	return true;
}

static bool have_evs(void *arg)
{
	return n_evs >= (size_t)(uintptr_t)arg && !in_update;
}

static bool is_synced(void *arg)
{
	struct sbview_status st;

	(void)arg;
	sbview_get_status(view, &st);
	return st.sb_connected;
}

static bool local_synced(void *arg)
{
	struct sbview_status st;

	(void)arg;
	sbview_get_status(view, &st);
	return st.local_connected;
}

static bool have_ch_evs(void *arg)
{
	return n_ch_ev >= (int)(uintptr_t)arg;
}

/* Lets pending updates arrive, for "nothing else happened" checks. */
static void settle(int ms)
{
	uint64_t end = ovsdb_now_ms() + ms;

	while (ovsdb_now_ms() < end)
		sbview_run(view, 5);
}

static const struct ev *ev_for(const char *port)
{
	size_t i;

	for (i = n_evs; i-- > 0;) {
		const struct sbview_binding *b = evs[i].has_new ? &evs[i].new :
						 &evs[i].old;

		if (!strcmp(b->logical_port, port))
			return &evs[i];
	}
	return NULL;
}

/* ---- the view against the database ---- */

static const char *uuid_or_empty(json_t *d)
{
	/* ["uuid", U] or ["set", []] */
	if (!strcmp(json_string_value(json_array_get(d, 0)), "uuid"))
		return json_string_value(json_array_get(d, 1));
	return "";
}

/* Compares every Port_Binding in the DB with the view. */
static bool view_matches_db(char *why, size_t n)
{
	json_t *res = txn("[{\"op\":\"select\",\"table\":\"Port_Binding\",\"where\":[],"
			  "\"columns\":[\"logical_port\",\"chassis\",\"tunnel_key\",\"additional_chassis\",\"up\"]}]");
	json_t *rows, *r;
	size_t i, bad = 0;

	if (!res) {
		snprintf(why, n, "select failed");
		return false;
	}
	rows = json_object_get(json_array_get(res, 0), "rows");
	if (json_array_size(rows) != sbview_n_bindings(view)) {
		snprintf(why, n, "db has %zu bindings, view %u",
			 json_array_size(rows), sbview_n_bindings(view));
		json_decref(res);
		return false;
	}
	json_array_foreach(rows, i, r) {
		const char *lp = json_string_value(json_object_get(r, "logical_port"));
		const char *ch = uuid_or_empty(json_object_get(r, "chassis"));
		json_t *ad = json_object_get(r, "additional_chassis");
		json_t *up = json_object_get(r, "up");
		size_t nad = strcmp(json_string_value(json_array_get(ad, 0)), "set") ?
			     1 : json_array_size(json_array_get(ad, 1));
		struct sbview_binding b;

		if (!sbview_binding_get(view, lp, &b) || strcmp(b.chassis.s, ch) ||
		    b.port_key != json_integer_value(json_object_get(r, "tunnel_key")) ||
		    (size_t)b.n_additional != (nad > 4 ? 4 : nad) ||
		    b.up != json_is_true(up)) {
			if (!bad++)
				snprintf(why, n, "%s differs (view chassis %s, db %s)",
					 lp, b.chassis.s, ch);
		}
	}
	json_decref(res);
	return !bad;
}

/* ---- SB fixtures ---- */

static char ch_uuid[4][40];	/* ch1..ch3 */
static char dp_uuid[40];

static bool add_chassis(int i, const char *ip)
{
	json_t *r = txn("[{\"op\":\"insert\",\"table\":\"Encap\",\"uuid-name\":\"e\","
			"\"row\":{\"type\":\"geneve\",\"ip\":\"%s\",\"chassis_name\":\"ch%d\"}},"
			"{\"op\":\"insert\",\"table\":\"Chassis\",\"uuid-name\":\"c\","
			"\"row\":{\"name\":\"ch%d\",\"hostname\":\"ch%d\",\"encaps\":[\"named-uuid\",\"e\"]}}]",
			ip, i, i, i);

	if (!r)
		return false;
	snprintf(ch_uuid[i], sizeof(ch_uuid[i]), "%s", res_uuid(r, 1));
	json_decref(r);
	return true;
}

/* n bindings p<first>..p<first+n-1> on datapath dp with tunnel keys
 * from key, unbound. */
static bool add_ports_dp(int first, int n, const char *dp, int key)
{
	size_t cap = (size_t)n * 200 + 100, o = 0;
	char *buf = malloc(cap);
	json_t *r;
	int i;

	o += snprintf(buf + o, cap - o, "[");
	for (i = 0; i < n; i++)
		o += snprintf(buf + o, cap - o,
			      "%s{\"op\":\"insert\",\"table\":\"Port_Binding\",\"row\":{"
			      "\"logical_port\":\"p%d\",\"tunnel_key\":%d,"
			      "\"datapath\":[\"uuid\",\"%s\"]}}",
			      i ? "," : "", first + i, key + i, dp);
	snprintf(buf + o, cap - o, "]");
	r = txn("%s", buf);
	free(buf);
	return txn_ok(r);
}

static bool add_ports(int first, int n)
{
	return add_ports_dp(first, n, dp_uuid, first);
}

static bool setup_sb_db(int idx, const char *tcp)
{
	char db[300];
	const char *argv[] = { "ovsdb-tool", "create", db, SB_SCHEMA, NULL };

	snprintf(db, sizeof(db), "%s/sb%d.db", tmpdir, idx);
	if (run(argv))
		return false;
	return !start_server(idx, db, tcp);
}

static bool add_base(void)
{
	json_t *r;

	if (!add_chassis(1, "198.18.0.11") || !add_chassis(2, "198.18.0.12") ||
	    !add_chassis(3, "198.18.0.13"))
		return false;
	r = txn("[{\"op\":\"insert\",\"table\":\"Datapath_Binding\",\"row\":{\"tunnel_key\":5}}]");
	if (!r)
		return false;
	snprintf(dp_uuid, sizeof(dp_uuid), "%s", res_uuid(r, 0));
	json_decref(r);
	return true;
}

static json_t *move(const char *port, int ch)
{
	return txn("[{\"op\":\"update\",\"table\":\"Port_Binding\","
		   "\"where\":[[\"logical_port\",\"==\",\"%s\"]],"
		   "\"row\":{\"chassis\":[\"uuid\",\"%s\"]}}]", port, ch_uuid[ch]);
}

/* ---- the SB test ---- */

static void test_sb(void)
{
	char why[256], sock[300];
	const struct ev *e;
	uint64_t t0;
	json_t *r;
	int i;

	snprintf(sock, sizeof(sock), "unix:%s/db0.sock", tmpdir);
	g_remotes = sock;
	if (!setup_sb_db(0, NULL) || !add_base() || !add_ports(1, 100)) {
		ok(false, "sb: start ovsdb-server with the SB schema", "setup failed");
		return;
	}
	/* Bind the first 50 to ch1 before the follower connects. */
	for (i = 1; i <= 50; i++) {
		snprintf(why, sizeof(why), "p%d", i);
		json_decref(move(why, 1));
	}

	view = sbview_create(&ops, NULL);
	sbview_connect_sb(view, sock, NULL);
	ok(wait_for(is_synced, NULL, 5000), "sb: initial sync", "not synced in 5 s");
	ok(n_evs == 100 && n_begin == 1 && n_end == 1 && n_ch_ev == 3,
	   "sb: initial sync is one update with every row",
	   "%zu binding, %d chassis callbacks in %d updates", n_evs, n_ch_ev,
	   n_end);
	{
		const struct sbview_binding *b = sbview_binding_by_port(view, "p7");
		const struct sbview_chassis *c = sbview_chassis_by_name(view, "ch1");

		ok(b && b->dp_key == 5 && b->port_key == 7 && c &&
		   !strcmp(b->chassis.s, c->uuid.s) && !b->type[0] &&
		   c->n_encaps == 1 && c->encaps[0].family == AF_INET &&
		   c->encaps[0].v4.s_addr == htonl(0xc612000b),
		   "sb: binding and chassis fields after sync",
		   "p7 %s", b ? b->chassis.s : "missing");
	}
	ok(view_matches_db(why, sizeof(why)), "sb: view equals the DB after sync",
	   "%s", why);

	/* A move A -> B: one update, one callback, old and new. */
	reset_evs();
	t0 = mono_ns();
	r = move("p1", 2);
	ok(r && wait_for(have_evs, (void *)1, 2000) && n_evs == 1 &&
	   evs[0].has_old && evs[0].has_new &&
	   !strcmp(evs[0].old.chassis.s, ch_uuid[1]) &&
	   !strcmp(evs[0].new.chassis.s, ch_uuid[2]),
	   "sb: move A->B reports old and new chassis", "%zu events", n_evs);
	json_decref(r);
	printf("# move -> callback: %.3f ms (includes the server's commit)\n",
	       n_evs ? (first_ev_ns - t0) / 1e6 : -1.0);
	settle(50);
	ok(n_evs == 1, "sb: nothing else reported for one move", "%zu", n_evs);

	/* Rollback B -> A. */
	reset_evs();
	r = move("p1", 1);
	ok(r && wait_for(have_evs, (void *)1, 2000) &&
	   !strcmp(evs[0].old.chassis.s, ch_uuid[2]) &&
	   !strcmp(evs[0].new.chassis.s, ch_uuid[1]),
	   "sb: rollback B->A", "%zu events", n_evs);
	json_decref(r);

	/* Multichassis: requested-chassis=ch1,ch2, additional_chassis=ch2,
	 * then activation and the final move. */
	reset_evs();
	r = txn("[{\"op\":\"update\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p2\"]],"
		"\"row\":{\"additional_chassis\":[\"uuid\",\"%s\"],\"requested_chassis\":[\"uuid\",\"%s\"],"
		"\"options\":[\"map\",[[\"requested-chassis\",\"ch1,ch2\"],[\"activation-strategy\",\"rarp\"]]]}}]",
		ch_uuid[2], ch_uuid[1]);
	e = NULL;
	if (r && wait_for(have_evs, (void *)1, 2000))
		e = ev_for("p2");
	ok(e && e->new.n_additional == 1 &&
	   !strcmp(e->new.additional[0].s, ch_uuid[2]) &&
	   !strcmp(e->new.requested_chassis.s, ch_uuid[1]) &&
	   !strcmp(e->new.requested_opt, "ch1,ch2") && !e->new.activated_opt[0],
	   "sb: multichassis binding (additional, requested, options)",
	   "%s", e ? e->new.requested_opt : "no event");
	json_decref(r);
	reset_evs();
	r = txn("[{\"op\":\"mutate\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p2\"]],"
		"\"mutations\":[[\"options\",\"insert\",[\"map\",[[\"additional-chassis-activated\",\"ch2\"]]]]]}]");
	e = NULL;
	if (r && wait_for(have_evs, (void *)1, 2000))
		e = ev_for("p2");
	ok(e && !strcmp(e->new.activated_opt, "ch2") &&
	   !strcmp(e->new.requested_opt, "ch1,ch2") && e->new.n_additional == 1,
	   "sb: options map diff (one key added, others kept)",
	   "%s", e ? e->new.activated_opt : "no event");
	json_decref(r);
	reset_evs();
	r = txn("[{\"op\":\"update\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p2\"]],"
		"\"row\":{\"chassis\":[\"uuid\",\"%s\"],\"additional_chassis\":[\"set\",[]],"
		"\"requested_chassis\":[\"uuid\",\"%s\"],\"options\":[\"map\",[[\"requested-chassis\",\"ch2\"]]]}}]",
		ch_uuid[2], ch_uuid[2]);
	e = NULL;
	if (r && wait_for(have_evs, (void *)1, 2000))
		e = ev_for("p2");
	ok(e && e->old.n_additional == 1 && e->new.n_additional == 0 &&
	   !strcmp(e->old.chassis.s, ch_uuid[1]) &&
	   !strcmp(e->new.chassis.s, ch_uuid[2]) &&
	   !strcmp(e->new.requested_opt, "ch2") && !e->new.activated_opt[0],
	   "sb: multichassis move shows what the port had before",
	   "no or wrong event");
	json_decref(r);

	/* Set diffs: {} -> {ch2, ch3} -> {ch3} -> {ch1, ch2}. */
	{
		static const int steps[3][2] = { { 2, 3 }, { 3, 0 }, { 1, 2 } };
		bool good = true;

		for (i = 0; i < 3 && good; i++) {
			const int *st = steps[i];

			reset_evs();
			if (st[1])
				r = txn("[{\"op\":\"update\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p8\"]],"
					"\"row\":{\"additional_chassis\":[\"set\",[[\"uuid\",\"%s\"],[\"uuid\",\"%s\"]]]}}]",
					ch_uuid[st[0]], ch_uuid[st[1]]);
			else
				r = txn("[{\"op\":\"update\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p8\"]],"
					"\"row\":{\"additional_chassis\":[\"uuid\",\"%s\"]}}]",
					ch_uuid[st[0]]);
			e = NULL;
			if (r && wait_for(have_evs, (void *)1, 2000))
				e = ev_for("p8");
			json_decref(r);
			if (!e || e->new.n_additional != (st[1] ? 2 : 1)) {
				good = false;
				break;
			}
			for (int k = 0; k < (st[1] ? 2 : 1); k++) {
				bool found = false;

				for (int m = 0; m < e->new.n_additional; m++)
					found |= !strcmp(e->new.additional[m].s,
							 ch_uuid[st[k]]);
				good &= found;
			}
		}
		ok(good, "sb: additional_chassis set diffs (add two, drop one, swap)",
		   "step %d wrong", i);
	}

	/* up and unbinding (set -> empty) */
	reset_evs();
	r = txn("[{\"op\":\"update\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p3\"]],"
		"\"row\":{\"up\":true}}]");
	ok(r && wait_for(have_evs, (void *)1, 2000) && evs[0].new.up &&
	   !evs[0].old.up, "sb: up false -> true", "no event");
	json_decref(r);
	reset_evs();
	r = txn("[{\"op\":\"update\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p3\"]],"
		"\"row\":{\"chassis\":[\"set\",[]]}}]");
	ok(r && wait_for(have_evs, (void *)1, 2000) && !evs[0].new.chassis.s[0] &&
	   !strcmp(evs[0].old.chassis.s, ch_uuid[1]),
	   "sb: unbind (chassis cleared)", "no event");
	json_decref(r);

	/* Delete a port. */
	reset_evs();
	r = txn("[{\"op\":\"delete\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p4\"]]}]");
	ok(r && wait_for(have_evs, (void *)1, 2000) && evs[0].has_old &&
	   !evs[0].has_new && !strcmp(evs[0].old.logical_port, "p4") &&
	   !sbview_binding_by_port(view, "p4"),
	   "sb: delete reported and gone from the view", "no event");
	json_decref(r);

	/* A batch of 1,000 moves in one transaction: one update. */
	if (!add_ports(1001, 1000)) {
		ok(false, "sb: batch of 1,000 moves in one update", "insert failed");
	} else {
		size_t cap = 1000 * 220, o = 0;
		char *buf = malloc(cap);

		wait_for(have_evs, (void *)1000, 5000);
		reset_evs();
		o += snprintf(buf + o, cap - o, "[");
		for (i = 0; i < 1000; i++)
			o += snprintf(buf + o, cap - o,
				      "%s{\"op\":\"update\",\"table\":\"Port_Binding\","
				      "\"where\":[[\"logical_port\",\"==\",\"p%d\"]],"
				      "\"row\":{\"chassis\":[\"uuid\",\"%s\"]}}",
				      i ? "," : "", 1001 + i, ch_uuid[3]);
		snprintf(buf + o, cap - o, "]");
		t0 = mono_ns();
		r = txn("%s", buf);
		free(buf);
		ok(r && wait_for(have_evs, (void *)1000, 5000) && n_evs == 1000 &&
		   n_begin == 1 && max_batch == 1000,
		   "sb: batch of 1,000 moves in one update",
		   "%zu events in %d updates", n_evs, n_end);
		printf("# 1,000 moves -> last callback: %.3f ms\n",
		       (mono_ns() - t0) / 1e6);
		json_decref(r);
	}

	/* Datapath tunnel key change: every binding on it is reported. */
	reset_evs();
	r = txn("[{\"op\":\"update\",\"table\":\"Datapath_Binding\",\"where\":[],"
		"\"row\":{\"tunnel_key\":77}}]");
	ok(r && wait_for(have_evs, (void *)1099, 5000) && n_evs == 1099 &&
	   evs[0].old.dp_key == 5 && evs[0].new.dp_key == 77 &&
	   sbview_binding_by_port(view, "p9")->dp_key == 77,
	   "sb: datapath tunnel_key change re-reports its bindings",
	   "%zu events", n_evs);
	json_decref(r);

	/* Encap address change: the chassis is reported. */
	reset_evs();
	r = txn("[{\"op\":\"update\",\"table\":\"Encap\",\"where\":[[\"chassis_name\",\"==\",\"ch3\"]],"
		"\"row\":{\"ip\":\"2001:db8::13\"}}]");
	ok(r && wait_for(have_ch_evs, (void *)1, 2000) && last_ch_has_old &&
	   last_ch_has_new && last_ch_new.encaps[0].family == AF_INET6 &&
	   last_ch_old.encaps[0].family == AF_INET &&
	   !strcmp(last_ch_new.name, "ch3"),
	   "sb: encap ip change re-reports the chassis", "%d chassis events",
	   n_ch_ev);
	json_decref(r);

	/* Chassis delete: weak references in bindings go too. */
	reset_evs();
	r = txn("[{\"op\":\"delete\",\"table\":\"Chassis\",\"where\":[[\"name\",\"==\",\"ch3\"]]}]");
	ok(r && wait_for(have_evs, (void *)1000, 5000) && n_ch_ev == 1 &&
	   !last_ch_has_new && !sbview_chassis_by_name(view, "ch3") &&
	   !evs[0].new.chassis.s[0],
	   "sb: chassis delete reported, its bindings unbound",
	   "%d chassis, %zu binding events", n_ch_ev, n_evs);
	json_decref(r);
	ok(view_matches_db(why, sizeof(why)), "sb: view equals the DB after the changes",
	   "%s", why);

	/* The server restarts; changes made while we are away arrive as
	 * exactly those changes (the resync is diffed). */
	{
		struct sbview_status st;
		char db[300];

		stop_server(0);
		settle(300);
		sbview_get_status(view, &st);
		ok(!st.sb_connected && n_conn_down == 1,
		   "sb: connection loss noticed", "down=%d", n_conn_down);
		snprintf(db, sizeof(db), "%s/sb0.db", tmpdir);
		start_server(0, db, NULL);
		reset_evs();
		r = move("p5", 2);
		json_decref(txn("[{\"op\":\"delete\",\"table\":\"Port_Binding\",\"where\":[[\"logical_port\",\"==\",\"p6\"]]}]"));
		ok(r && wait_for(is_synced, NULL, 5000) && n_evs == 2 &&
		   ev_for("p5") && !strcmp(ev_for("p5")->new.chassis.s, ch_uuid[2]) &&
		   ev_for("p6") && !ev_for("p6")->has_new,
		   "sb: restart of the server, resync reports only the changes",
		   "%zu events", n_evs);
		json_decref(r);
		ok(view_matches_db(why, sizeof(why)), "sb: view equals the DB after resync",
		   "%s", why);
	}
	ok(!nested && lookups_ok && n_begin == n_end,
	   "sb: begin/end paired, lookups current inside callbacks",
	   "nested=%d lookups=%d", nested, lookups_ok);
	sbview_destroy(view);
	view = NULL;
}

/* ---- an older SB schema (no additional_chassis, requested_chassis) ---- */

static void test_old_schema(const char *schema)
{
	char sock[300], db[300];
	const char *argv[] = { "ovsdb-tool", "create", db, schema, NULL };

	snprintf(db, sizeof(db), "%s/sb0.db", tmpdir);
	snprintf(sock, sizeof(sock), "unix:%s/db0.sock", tmpdir);
	g_remotes = sock;
	if (run(argv) || start_server(0, db, NULL) || !add_base() ||
	    !add_ports(1, 20)) {
		ok(false, "old schema: set up", "failed");
		return;
	}
	json_decref(move("p1", 1));
	view = sbview_create(&ops, NULL);
	sbview_connect_sb(view, sock, NULL);
	ok(wait_for(is_synced, NULL, 5000) && sbview_n_bindings(view) == 20,
	   "old schema: columns the server lacks are left out of the monitor",
	   "%u bindings", sbview_n_bindings(view));
	{
		const struct sbview_binding *b = sbview_binding_by_port(view, "p1");

		ok(b && !strcmp(b->chassis.s, ch_uuid[1]) && !b->n_additional &&
		   !b->requested_chassis.s[0],
		   "old schema: bindings complete, missing columns empty", "p1 %s",
		   b ? b->chassis.s : "missing");
	}
	sbview_destroy(view);
	view = NULL;
}

/* ---- the clustered SB ---- */

static const char *cl_addr[3] = { "198.18.0.1", "198.18.0.2", "198.18.0.3" };

/* Role of member i ("leader", ...) and whether it has joined. */
static int leader_or_joined(bool joined_check);

static int leader_of(void)
{
	return leader_or_joined(false);
}

/* True when every running member says it is a cluster member: only
 * then does killing one leave a quorum. */
static bool all_joined(void)
{
	return leader_or_joined(true) == 3;
}

static int leader_or_joined(bool joined_check)
{
	int joined = 0;

	for (int i = 0; i < 3; i++) {
		char ctl[300], cmd[400], out[4096] = "";
		FILE *f;

		if (srv_pid[i] <= 0)
			continue;
		snprintf(ctl, sizeof(ctl), "%s/db%d.ctl", tmpdir, i);
		snprintf(cmd, sizeof(cmd),
			 "ovs-appctl --timeout=5 -t %s cluster/status OVN_Southbound 2>/dev/null", ctl);
		f = popen(cmd, "r");
		if (!f)
			continue;
		size_t n = fread(out, 1, sizeof(out) - 1, f);

		out[n] = '\0';
		pclose(f);
		if (joined_check)
			joined += strstr(out, "Status: cluster member") != NULL;
		else if (strstr(out, "Role: leader"))
			return i;
	}
	return joined_check ? joined : -1;
}

/* election_ms: the raft election timer (0: ovsdb-tool's default). */
static bool start_cluster(int election_ms)
{
	char db[3][300], raft[3][64], tcp[64], et[40];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(db[i], sizeof(db[i]), "%s/sb%d.db", tmpdir, i);
		snprintf(raft[i], sizeof(raft[i]), "tcp:%s:6643", cl_addr[i]);
	}
	{
		const char *a[8];
		int n = 0;

		a[n++] = "ovsdb-tool";
		if (election_ms) {
			snprintf(et, sizeof(et), "--election-timer=%d",
				 election_ms);
			a[n++] = et;
		}
		a[n++] = "create-cluster";
		a[n++] = db[0];
		a[n++] = SB_SCHEMA;
		a[n++] = raft[0];
		a[n] = NULL;
		if (run(a))
			return false;
	}
	for (i = 1; i < 3; i++) {
		const char *a[] = { "ovsdb-tool", "join-cluster", db[i],
				    "OVN_Southbound", raft[i], raft[0], NULL };

		if (run(a))
			return false;
	}
	for (i = 0; i < 3; i++) {
		snprintf(tcp, sizeof(tcp), "tcp:6642:%s", cl_addr[i]);
		if (start_server(i, db[i], tcp))
			return false;
	}
	/* Wait for a leader and for every member to have joined. */
	uint64_t end = ovsdb_now_ms() + 30000;

	while (ovsdb_now_ms() < end) {
		if (leader_of() >= 0 && all_joined() && txn_ok(txn("[]")))
			return true;
		usleep(50000);
	}
	return false;
}

static void test_cluster(void)
{
	static char remotes[256];
	char why[256];
	int i, leader, moved = 0;
	json_t *r;

	snprintf(remotes, sizeof(remotes), "tcp:%s:6642,tcp:%s:6642,tcp:%s:6642",
		 cl_addr[0], cl_addr[1], cl_addr[2]);
	g_remotes = remotes;
	if (!start_cluster(0)) {
		ok(false, "cluster: 3-member clustered SB comes up", "no leader");
		return;
	}
	ok(true, "cluster: 3-member clustered SB comes up", "%s", "");
	if (!add_base() || !add_ports(1, 200)) {
		ok(false, "cluster: populate", "txn failed");
		return;
	}
	leader = leader_of();
	/* Make the follower talk to the leader first, so killing it
	 * really takes our connection away. */
	{
		static char order[256];

		snprintf(order, sizeof(order), "tcp:%s:6642,tcp:%s:6642,tcp:%s:6642",
			 cl_addr[leader], cl_addr[(leader + 1) % 3],
			 cl_addr[(leader + 2) % 3]);
		view = sbview_create(&ops, NULL);
		sbview_set_probe(view, 1000);
		sbview_connect_sb(view, order, NULL);
	}
	ok(wait_for(is_synced, NULL, 10000) && sbview_n_bindings(view) == 200,
	   "cluster: initial sync from the leader", "%u bindings",
	   sbview_n_bindings(view));

	/* Moves while the leader dies (the whole phase bounded). */
	reset_evs();
	uint64_t phase_end = ovsdb_now_ms() + 90000;

	for (i = 1; i <= 20 && ovsdb_now_ms() < phase_end; i++) {
		char p[16];

		snprintf(p, sizeof(p), "p%d", i);
		if (i == 10) {
			stop_server(leader);
			printf("# killed leader db%d\n", leader);
		}
		/* The transaction may need the new leader: retry. */
		for (int t = 0; t < 100 && ovsdb_now_ms() < phase_end; t++) {
			if ((r = move(p, 2))) {
				moved++;
				json_decref(r);
				break;
			}
			sbview_run(view, 100);
		}
	}
	ok(moved == 20, "cluster: transactions go on after the leader died",
	   "%d of 20", moved);
	{
		uint64_t end = ovsdb_now_ms() + 15000;

		while (ovsdb_now_ms() < end &&
		       (!is_synced(NULL) || !view_matches_db(why, sizeof(why))))
			sbview_run(view, 50);
	}
	{
		struct sbview_status st;

		sbview_get_status(view, &st);
		ok(view_matches_db(why, sizeof(why)),
		   "cluster: the view follows through the leader's death",
		   "%s", why);
		ok(st.sb_reconnects >= 1 && n_conn_down >= 1,
		   "cluster: failover to another member", "reconnects=%llu",
		   (unsigned long long)st.sb_reconnects);
		printf("# after failover: remote %s, resumed by txn id %llu time(s)\n",
		       st.sb_remote, (unsigned long long)st.sb_resumes);
		ok(st.sb_resumes >= 1, "cluster: resync resumed from the last txn id (monitor_cond_since)",
		   "full resync instead");
	}

	/* "Restart the agent mid-stream": a new follower while moves go on;
	 * in the end its view must equal the DB. */
	sbview_destroy(view);
	view = NULL;
	reset_evs();
	for (i = 21; i <= 60; i++) {
		char p[16];

		snprintf(p, sizeof(p), "p%d", i);
		json_decref(move(p, 3));
		if (i == 40) {
			view = sbview_create(&ops, NULL);
			sbview_connect_sb(view, remotes, NULL);
		}
		if (view)
			sbview_run(view, 0);
	}
	{
		uint64_t end = ovsdb_now_ms() + 10000;

		while (ovsdb_now_ms() < end &&
		       (!is_synced(NULL) || !view_matches_db(why, sizeof(why))))
			sbview_run(view, 50);
	}
	ok(view_matches_db(why, sizeof(why)),
	   "cluster: a follower restarted mid-stream ends equal to the DB", "%s", why);

	/* Down to one member: it has no quorum and says so in _Server; the
	 * follower must stop trusting it (its rows may go stale). */
	{
		struct sbview_status st;
		uint64_t end;
		int victim = -1;

		for (i = 0; i < 3; i++)
			if (srv_pid[i] > 0)
				victim = i;
		stop_server(victim);
		printf("# killed db%d, one member left\n", victim);
		end = ovsdb_now_ms() + 15000;
		do {
			sbview_run(view, 50);
			sbview_get_status(view, &st);
		} while (st.sb_connected && ovsdb_now_ms() < end);
		ok(!st.sb_connected,
		   "cluster: a member without quorum is not followed (_Server connected=false)",
		   "still following %s", st.sb_remote);
		ok(sbview_n_bindings(view) == 200,
		   "cluster: the view keeps its rows while no member is usable",
		   "%u bindings", sbview_n_bindings(view));
	}
	sbview_destroy(view);
	view = NULL;
}

/* ---- the local OVS DB ---- */

static void test_local(void)
{
	char sock[300], db[300];
	const char *argv[] = { "ovsdb-tool", "create", db, OVS_SCHEMA, NULL };
	json_t *r;

	snprintf(db, sizeof(db), "%s/ovs.db", tmpdir);
	snprintf(sock, sizeof(sock), "unix:%s/db0.sock", tmpdir);
	g_remotes = sock;
	g_db = "Open_vSwitch";
	if (run(argv) || start_server(0, db, NULL)) {
		ok(false, "local: start ovsdb-server with the vswitch schema", "failed");
		return;
	}
	r = txn("[{\"op\":\"insert\",\"table\":\"Interface\",\"uuid-name\":\"i1\","
		"\"row\":{\"name\":\"tap1\",\"external_ids\":[\"map\",[[\"iface-id\",\"p1\"]]],"
		"\"ofport\":5,\"link_state\":\"up\"}},"
		"{\"op\":\"insert\",\"table\":\"Interface\",\"uuid-name\":\"i2\","
		"\"row\":{\"name\":\"br-int\"}},"
		"{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"po1\","
		"\"row\":{\"name\":\"tap1\",\"interfaces\":[\"named-uuid\",\"i1\"]}},"
		"{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"po2\","
		"\"row\":{\"name\":\"br-int\",\"interfaces\":[\"named-uuid\",\"i2\"]}},"
		"{\"op\":\"insert\",\"table\":\"Bridge\",\"uuid-name\":\"b\","
		"\"row\":{\"name\":\"br-int\",\"ports\":[\"set\",[[\"named-uuid\",\"po1\"],[\"named-uuid\",\"po2\"]]]}},"
		"{\"op\":\"insert\",\"table\":\"Open_vSwitch\",\"row\":{\"bridges\":[\"named-uuid\",\"b\"],"
		"\"external_ids\":[\"map\",[[\"system-id\",\"ch1\"],[\"ovn-encap-ip\",\"198.18.0.11\"],"
		"[\"ovn-encap-type\",\"geneve\"],[\"hostname\",\"h1\"]]]}}]");
	if (!r) {
		ok(false, "local: populate", "txn failed");
		return;
	}
	json_decref(r);
	view = sbview_create(&ops, NULL);
	sbview_connect_local(view, sock);
	ok(wait_for(local_synced, NULL, 5000), "local: sync", "not synced");
	{
		const struct sbview_local *l = sbview_local(view);
		const struct sbview_iface *i = sbview_iface_by_id(view, "p1");

		ok(l && !strcmp(l->system_id, "ch1") && l->n_encaps == 1 &&
		   l->encaps[0].family == AF_INET &&
		   l->encaps[0].v4.s_addr == htonl(0xc612000b) &&
		   !strcmp(l->encaps[0].type, "geneve") && n_local == 1,
		   "local: system-id and ovn-encap-ip", "%s",
		   l ? l->system_id : "none");
		ok(i && !strcmp(i->name, "tap1") && i->ofport == 5 && i->link_up &&
		   n_if == 1, "local: interface with iface-id (only that one)",
		   "%d iface events", n_if);
	}
	reset_evs();
	r = txn("[{\"op\":\"update\",\"table\":\"Interface\",\"where\":[[\"name\",\"==\",\"tap1\"]],"
		"\"row\":{\"link_state\":\"down\"}}]");
	{
		uint64_t end = ovsdb_now_ms() + 2000;

		while (!n_if && ovsdb_now_ms() < end)
			sbview_run(view, 5);
	}
	ok(r && n_if == 1 && last_if_has_new && !last_if.link_up &&
	   !strcmp(last_if.iface_id, "p1"),
	   "local: link down reported", "%d events", n_if);
	json_decref(r);
	reset_evs();
	r = txn("[{\"op\":\"mutate\",\"table\":\"Interface\",\"where\":[[\"name\",\"==\",\"tap1\"]],"
		"\"mutations\":[[\"external_ids\",\"delete\",[\"set\",[\"iface-id\"]]]]}]");
	{
		uint64_t end = ovsdb_now_ms() + 2000;

		while (!n_if && ovsdb_now_ms() < end)
			sbview_run(view, 5);
	}
	ok(r && n_if == 1 && !last_if_has_new && !sbview_iface_by_id(view, "p1"),
	   "local: losing iface-id removes the interface", "%d events", n_if);
	json_decref(r);
	reset_evs();
	/* No ofport yet (OVS has not attached it): the column is the empty
	 * set, which an update2 insert leaves out; sbview.h says -1. */
	r = txn("[{\"op\":\"insert\",\"table\":\"Interface\",\"uuid-name\":\"i3\","
		"\"row\":{\"name\":\"tap2\",\"external_ids\":[\"map\",[[\"iface-id\",\"p2\"]]]}},"
		"{\"op\":\"insert\",\"table\":\"Port\",\"uuid-name\":\"po3\","
		"\"row\":{\"name\":\"tap2\",\"interfaces\":[\"named-uuid\",\"i3\"]}},"
		"{\"op\":\"mutate\",\"table\":\"Bridge\",\"where\":[],"
		"\"mutations\":[[\"ports\",\"insert\",[\"named-uuid\",\"po3\"]]]}]");
	{
		uint64_t end = ovsdb_now_ms() + 2000;

		while (!n_if && ovsdb_now_ms() < end)
			sbview_run(view, 5);
	}
	{
		const struct sbview_iface *i = sbview_iface_by_id(view, "p2");

		ok(r && n_if == 1 && i && i->ofport == -1,
		   "local: an interface without ofport has ofport -1",
		   "%d events, ofport %lld", n_if,
		   i ? (long long)i->ofport : 0ll);
	}
	json_decref(r);
	reset_evs();
	r = txn("[{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],"
		"\"mutations\":[[\"external_ids\",\"insert\",[\"map\",[[\"x\",\"y\"]]]]]},"
		"{\"op\":\"update\",\"table\":\"Open_vSwitch\",\"where\":[],"
		"\"row\":{\"external_ids\":[\"map\",[[\"system-id\",\"ch1\"],[\"ovn-encap-ip\",\"198.18.0.21,2001:db8::21\"]]]}}]");
	{
		uint64_t end = ovsdb_now_ms() + 2000;

		while (!n_local && ovsdb_now_ms() < end)
			sbview_run(view, 5);
	}
	ok(r && n_local == 1 && last_local.n_encaps == 2 &&
	   last_local.encaps[1].family == AF_INET6,
	   "local: encap ip list change", "%d events, %d encaps", n_local,
	   last_local.n_encaps);
	json_decref(r);
	sbview_destroy(view);
	view = NULL;
}

/* ---- SSL ---- */

/* dir holds ca.pem, other-ca.pem and {server,client}-{key,cert}.pem;
 * run inside a netns with 198.18.0.1 on lo. */
static void test_ssl(const char *dir)
{
	static char sock[300], pk[320], ce[320], sca[320];
	char ck[300], cc[300], oca[300], ca[300];
	struct ovsdb_ssl_opts good = { ck, cc, ca }, bad = { ck, cc, oca };
	struct sbview_status st;
	json_t *r;

	snprintf(pk, sizeof(pk), "--private-key=%s/server-key.pem", dir);
	snprintf(ce, sizeof(ce), "--certificate=%s/server-cert.pem", dir);
	snprintf(sca, sizeof(sca), "--ca-cert=%s/ca.pem", dir);
	srv_extra[0] = pk;
	srv_extra[1] = ce;
	srv_extra[2] = sca;
	/* and plain tcp over IPv6, for the [addr]:port syntax */
	srv_extra[3] = "--remote=ptcp:6643:[2001:db8::1]";
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(ck, sizeof(ck), "%s/client-key.pem", dir);
	snprintf(cc, sizeof(cc), "%s/client-cert.pem", dir);
	snprintf(oca, sizeof(oca), "%s/other-ca.pem", dir);
	snprintf(sock, sizeof(sock), "unix:%s/db0.sock", tmpdir);
	g_remotes = sock;
	if (!setup_sb_db(0, "ssl:6642:198.18.0.1") || !add_base() ||
	    !add_ports(1, 10)) {
		ok(false, "ssl: ovsdb-server with pssl:", "setup failed");
		return;
	}
	view = sbview_create(&ops, NULL);
	sbview_connect_sb(view, "ssl:198.18.0.1:6642", &good);
	ok(wait_for(is_synced, NULL, 10000) && sbview_n_bindings(view) == 10,
	   "ssl: sync over TLS with key, certificate and CA", "%u bindings",
	   sbview_n_bindings(view));
	reset_evs();
	r = move("p3", 2);
	ok(r && wait_for(have_evs, (void *)1, 3000) &&
	   !strcmp(evs[0].new.chassis.s, ch_uuid[2]),
	   "ssl: updates over TLS", "%zu events", n_evs);
	json_decref(r);
	sbview_destroy(view);

	/* A server whose certificate our CA did not sign is refused. */
	view = sbview_create(&ops, NULL);
	sbview_connect_sb(view, "ssl:198.18.0.1:6642", &bad);
	settle(1500);
	sbview_get_status(view, &st);
	ok(!st.sb_connected && sbview_n_bindings(view) == 0,
	   "ssl: a server certificate from another CA is refused",
	   "connected anyway");
	sbview_destroy(view);
	view = sbview_create(&ops, NULL);
	sbview_connect_sb(view, "tcp:[2001:db8::1]:6643", NULL);
	ok(wait_for(is_synced, NULL, 10000) && sbview_n_bindings(view) == 10,
	   "tcp: over IPv6 ([2001:db8::1]:6643)", "%u bindings",
	   sbview_n_bindings(view));
	sbview_destroy(view);
	view = sbview_create(&ops, NULL);
	ok(sbview_connect_sb(view, "ssl:198.18.0.1:6642", NULL) < 0,
	   "ssl: ssl: without key, certificate and CA is a clean error",
	   "accepted");
	sbview_destroy(view);
	view = NULL;
}

/*
 * A member kept behind (section "3." of docs/agent.md): the follower has
 * seen raft index N through the leader; a member that froze before N
 * comes back alone and still says connected=true (with a long election
 * timer it keeps its old leader and stays "connected" for minutes, so
 * nothing here races a timer), but its index is below N.  Following it
 * would apply its older snapshot: the moves would go back.  It must be
 * refused, and nothing of it applied.
 */
static bool stale_seen(void *arg)
{
	struct sbview_status st;

	(void)arg;
	sbview_get_status(view, &st);
	/* Refused twice (it was retried), or (wrongly) followed. */
	return st.sb_stale_refused >= 2 ||
	       (st.sb_connected && !strcmp(st.sb_remote, (const char *)arg));
}

static bool index_reached(void *arg)
{
	struct sbview_status st;

	sbview_get_status(view, &st);
	return st.sb_index >= *(uint64_t *)arg;
}

static bool five_moved(void *arg)
{
	int i;

	(void)arg;
	for (i = 1; i <= 5; i++) {
		char p[16];
		const struct sbview_binding *b;

		snprintf(p, sizeof(p), "p%d", i);
		b = sbview_binding_by_port(view, p);
		if (!b || strcmp(b->chassis.s, ch_uuid[2]))
			return false;
	}
	return true;
}

static void test_cluster_stale(const char *peer_ns)
{
	static char all[256], live[256], order[600], lone[300];
	const char *cut[] = { "ip", "netns", "exec", peer_ns, "ip", "link",
			      "set", "dev", "vs1", "down", NULL };
	struct sbview_status st;
	int leader, fol, stale, i;
	uint64_t idx0, want;
	json_t *r, *row;
	size_t ev0;
	bool conn;
	json_int_t sidx;

	snprintf(all, sizeof(all), "tcp:%s:6642,tcp:%s:6642,tcp:%s:6642",
		 cl_addr[0], cl_addr[1], cl_addr[2]);
	g_remotes = all;
	/* Member 2 lives in a netns of its own behind a veth (the script
	 * sets it up), so its raft traffic can be cut for good; the
	 * follower reaches it through its unix socket.  The longest timer
	 * raft allows: cut off, it keeps its leader (and "connected") for
	 * 10 minutes, far beyond this test, and nobody else elects. */
	srv_netns[2] = peer_ns;
	if (!start_cluster(600000)) {
		ok(false, "stale: 3-member clustered SB comes up", "no leader");
		return;
	}
	if (!add_base() || !add_ports(1, 10)) {
		ok(false, "stale: populate", "txn failed");
		return;
	}
	leader = leader_of();
	stale = 2;
	fol = leader == 0 ? 1 : 0;
	if (leader == stale || leader < 0) {
		ok(false, "stale: member 2 is a follower", "leader is db%d", leader);
		return;
	}
	snprintf(lone, sizeof(lone), "unix:%s/db%d.sock", tmpdir, stale);
	snprintf(order, sizeof(order), "tcp:%s:6642,tcp:%s:6642,%s",
		 cl_addr[leader], cl_addr[fol], lone);
	snprintf(live, sizeof(live), "tcp:%s:6642,tcp:%s:6642",
		 cl_addr[leader], cl_addr[fol]);
	view = sbview_create(&ops, NULL);
	sbview_set_probe(view, 1000);
	sbview_connect_sb(view, order, NULL);
	sbview_set_backoff(view, 10, 200);
	ok(wait_for(is_synced, NULL, 10000) && sbview_n_bindings(view) == 10,
	   "stale: initial sync from the leader", "%u bindings",
	   sbview_n_bindings(view));
	sbview_get_status(view, &st);
	idx0 = st.sb_index;
	ok(idx0 > 0, "stale: the raft index is learnt from _Server", "index 0");

	/* Cut one follower off (a frozen process would not do: what the
	 * leader sent would wait in its socket buffers); five moves commit
	 * on the other two. */
	if (run(cut)) {
		ok(false, "stale: cut member 2 off", "ip link set down failed");
		return;
	}
	g_remotes = live;
	for (i = 1; i <= 5; i++) {
		char p[16];

		snprintf(p, sizeof(p), "p%d", i);
		if (!txn_ok(move(p, 2)))
			break;
	}
	want = idx0 + 5;
	ok(i == 6 && wait_for(five_moved, NULL, 10000) &&
	   wait_for(index_reached, &want, 10000),
	   "stale: five moves committed without the cut-off member, seen with their index",
	   "moves %d, index %llu -> %llu", i - 1, (unsigned long long)idx0,
	   (unsigned long long)(sbview_get_status(view, &st), st.sb_index));

	/* Only the stale member is left. */
	stop_server(leader);
	stop_server(fol);
	printf("# killed db%d and db%d; db%d (cut off before the moves) is left\n",
	       leader, fol, stale);
	/* What it says of itself: connected, and behind. */
	r = rpc_call(lone, "transact", json_pack(
		"[s, {s:s, s:s, s:[[s, s, s]], s:[s, s]}]", "_Server", "op",
		"select", "table", "Database", "where", "name", "==",
		"OVN_Southbound", "columns", "connected", "index"), 5000);
	row = json_array_get(json_object_get(json_array_get(r, 0), "rows"), 0);
	conn = json_is_true(json_object_get(row, "connected"));
	sidx = json_integer_value(json_object_get(row, "index"));
	sbview_get_status(view, &st);
	ok(conn && sidx > 0 && (uint64_t)sidx < st.sb_index,
	   "stale: the lone member says connected=true, with an older index",
	   "connected=%d index %lld, seen %llu", conn, (long long)sidx,
	   (unsigned long long)st.sb_index);
	json_decref(r);

	ev0 = n_evs;
	wait_for(stale_seen, lone, 20000);
	sbview_get_status(view, &st);
	ok(st.sb_stale_refused >= 1 && !st.sb_connected,
	   "stale: a member behind the index seen is refused (and left)",
	   "refused %llu, connected=%d to %s", (unsigned long long)st.sb_stale_refused,
	   st.sb_connected, st.sb_remote);
	ok(n_evs == ev0 && five_moved(NULL),
	   "stale: nothing of its older snapshot applied (the moves stay)",
	   "%zu binding events", n_evs - ev0);
	stop_server(stale);
	sbview_destroy(view);
	view = NULL;
}

/* ---- a server that lies ---- */

#define U_CH	"11111111-1111-4111-8111-111111111111"
#define U_EN	"22222222-2222-4222-8222-222222222222"
#define U_DP	"33333333-3333-4333-8333-333333333333"
#define U_P1	"44444444-4444-4444-8444-444444444444"
#define U_EVIL	"55555555-5555-4555-8555-555555555555"
#define U_TXN	"66666666-6666-4666-8666-666666666666"
#define U_ZERO	"00000000-0000-0000-0000-000000000000"

/* A valid SB snapshot: one chassis, one datapath, port p1 on ch1. */
#define GOOD_TABLES							\
	"{\"Encap\":{\"" U_EN "\":{\"initial\":{\"type\":\"geneve\",\"ip\":\"198.18.0.11\"}}},"	\
	"\"Chassis\":{\"" U_CH "\":{\"initial\":{\"name\":\"ch1\",\"encaps\":[\"uuid\",\"" U_EN "\"]}}}," \
	"\"Datapath_Binding\":{\"" U_DP "\":{\"initial\":{\"tunnel_key\":5}}},"	\
	"\"Port_Binding\":{\"" U_P1 "\":{\"initial\":{\"logical_port\":\"p1\",\"tunnel_key\":1," \
	"\"datapath\":[\"uuid\",\"" U_DP "\"],\"chassis\":[\"uuid\",\"" U_CH "\"]}}}}"

/* An "evil" row to put next to a lie: it must never be seen. */
#define EVIL_ROW(cols)							\
	"\"" U_EVIL "\":{\"initial\":{\"logical_port\":\"evil\",\"tunnel_key\":2," \
	"\"datapath\":[\"uuid\",\"" U_DP "\"]" cols "}}"

struct lie {
	const char *name;
	bool after_sync;	/* send a good snapshot first, lie in update3 */
	const char *fmt;	/* %d: request id (reply lies only) */
	bool close_after;	/* server hangs up after sending */
};

static const struct lie lies[] = {
	{ "not JSON at all", false, "hello, world", false },
	{ "top level is an array", false, "[1,2,3]", false },
	{ "result of the wrong type", false, "{\"id\":%d,\"result\":\"oops\",\"error\":null}", false },
	{ "result array too short", false, "{\"id\":%d,\"result\":[true],\"error\":null}", false },
	{ "bad transaction id", false, "{\"id\":%d,\"result\":[false,\"not-a-uuid\"," GOOD_TABLES "],\"error\":null}", false },
	{ "unknown table", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Evil\":{\"" U_EVIL "\":{\"initial\":{}}}}],\"error\":null}", false },
	{ "integer beyond 64 bits", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Port_Binding\":{\"" U_P1 "\":{\"initial\":{\"tunnel_key\":999999999999999999999999}}}}],\"error\":null}", false },
	{ "port tunnel_key over 15 bits", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Datapath_Binding\":{\"" U_DP "\":{\"initial\":{\"tunnel_key\":5}}},\"Port_Binding\":{" EVIL_ROW(",\"up\":true") ",\"" U_P1 "\":{\"initial\":{\"logical_port\":\"p1\",\"tunnel_key\":70000,\"datapath\":[\"uuid\",\"" U_DP "\"]}}}}],\"error\":null}", false },
	{ "datapath tunnel_key over 24 bits", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Datapath_Binding\":{\"" U_DP "\":{\"initial\":{\"tunnel_key\":16777216}}}}],\"error\":null}", false },
	{ "negative tunnel_key", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Datapath_Binding\":{\"" U_DP "\":{\"initial\":{\"tunnel_key\":-5}}}}],\"error\":null}", false },
	{ "real number for an integer", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Datapath_Binding\":{\"" U_DP "\":{\"initial\":{\"tunnel_key\":5.5}}}}],\"error\":null}", false },
	{ "logical_port is a number", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Port_Binding\":{\"" U_P1 "\":{\"initial\":{\"logical_port\":42}}}}],\"error\":null}", false },
	{ "uuid atom of the wrong type", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Port_Binding\":{" EVIL_ROW(",\"chassis\":[\"uuid\",5]") "}}],\"error\":null}", false },
	{ "row key is not a uuid", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Datapath_Binding\":{\"xyz\":{\"initial\":{\"tunnel_key\":5}}}}],\"error\":null}", false },
	{ "two operations in one row update", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Datapath_Binding\":{\"" U_DP "\":{\"initial\":{},\"insert\":{}}}}],\"error\":null}", false },
	{ "two values in an optional column", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Datapath_Binding\":{\"" U_DP "\":{\"initial\":{\"tunnel_key\":5}}},\"Port_Binding\":{" EVIL_ROW(",\"chassis\":[\"set\",[[\"uuid\",\"" U_CH "\"],[\"uuid\",\"" U_EN "\"]]]") "}}],\"error\":null}", false },
	{ "duplicate key in an object", false, "{\"id\":%d,\"id\":%d,\"result\":[],\"error\":null}", false },
	{ "NUL escaped in a string", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Port_Binding\":{\"" U_P1 "\":{\"initial\":{\"logical_port\":\"p\\u0000x\"}}}}],\"error\":null}", false },
	{ "invalid UTF-8", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Port_Binding\":{\"" U_P1 "\":{\"initial\":{\"logical_port\":\"\xff\xfe\"}}}}],\"error\":null}", false },
	{ "truncated JSON, then hang up", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Port_Binding\":{\"" U_P1 "\":{\"ini", true },
	{ "every monitor method refused", false, NULL, false },
	{ "good rows with one bad row: nothing applied", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{" EVIL_ROW("") ",\"" U_P1 "\":{\"modify\":{\"tunnel_key\":\"seven\"}}}}]}", false },
	{ "modify of an unknown row", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{\"" U_EVIL "\":{\"modify\":{\"up\":true}}}}]}", false },
	{ "delete of an unknown row", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{\"" U_EVIL "\":{\"delete\":null}}}]}", false },
	{ "insert of an existing row", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{\"" U_P1 "\":{\"insert\":{\"logical_port\":\"evil\"}}}}]}", false },
	/* JSON allows a key twice; one uuid twice would be two rows (and a
	 * ghost after its delete). */
	{ "same new row twice in a snapshot", false, "{\"id\":%d,\"result\":[false,\"" U_ZERO "\",{\"Datapath_Binding\":{\"" U_DP "\":{\"initial\":{\"tunnel_key\":5}}},\"Port_Binding\":{" EVIL_ROW("") "," EVIL_ROW("") "}}],\"error\":null}", false },
	{ "same new row twice in one update", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{" EVIL_ROW("") "," EVIL_ROW("") "}}]}", false },
	{ "same row twice: insert, then modify", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{" EVIL_ROW("") ",\"" U_EVIL "\":{\"modify\":{\"up\":true}}}}]}", false },
	{ "update3 for another monitor", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"not-ours\",\"" U_TXN "\",{}]}", false },
	{ "update3 with a bad txn id", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"x\",{}]}", false },
	{ "update3 params not an array", true, "{\"id\":null,\"method\":\"update3\",\"params\":{}}", false },
	{ "map that is not a map", true, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{\"" U_P1 "\":{\"modify\":{\"options\":[\"set\",[]]}}}}]}", false },
	{ "nesting too deep", true, NULL, false },
	{ "set too large", true, NULL, false },
	{ "monitor canceled", true, "{\"id\":null,\"method\":\"monitor_canceled\",\"params\":[\"ovnmig-sb\"]}", false },
};

static int lfd = -1, cfd = -1;
static char lbuf[1 << 16];
static size_t llen;

static void liar_send(const char *buf, size_t len);

static bool liar_accept(int timeout_ms)
{
	uint64_t end = ovsdb_now_ms() + timeout_ms;

	while (ovsdb_now_ms() < end) {
		cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd >= 0) {
			llen = 0;
			return true;
		}
		sbview_run(view, 5);
	}
	return false;
}

/* Reads one request; returns its id and method. */
static bool liar_request(int *id, char *method, size_t mlen, int timeout_ms)
{
	uint64_t end = ovsdb_now_ms() + timeout_ms;

	while (ovsdb_now_ms() < end) {
		struct jsonrpc_scan sc = { 0 };
		size_t ml;
		ssize_t n;

		if (llen && jsonrpc_scan(&sc, lbuf, llen, &ml) == 1) {
			json_t *m = json_loadb(lbuf, ml, 0, NULL);

			memmove(lbuf, lbuf + ml, llen - ml);
			llen -= ml;
			if (!m)
				return false;
			*id = json_integer_value(json_object_get(m, "id"));
			snprintf(method, mlen, "%s",
				 json_string_value(json_object_get(m, "method")) ?: "");
			const char *db = json_string_value(json_array_get(
				json_object_get(m, "params"), 0));
			bool srv = db && !strcmp(db, "_Server");

			json_decref(m);
			if (!strcmp(method, "echo"))
				continue;
			if (!strcmp(method, "get_schema"))
				srv = true;	/* no schema either */
			if (srv) {
				/* We have no _Server: say so, as old
				 * servers do; the client goes on. */
				char r[128];

				snprintf(r, sizeof(r), "{\"id\":%d,\"result\":null,"
					 "\"error\":\"unknown database\"}", *id);
				liar_send(r, strlen(r));
				continue;
			}
			return true;
		}
		n = read(cfd, lbuf + llen, sizeof(lbuf) - llen);
		if (n > 0)
			llen += n;
		else if (n == 0)
			return false;
		sbview_run(view, 5);
	}
	return false;
}

static void liar_send(const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(cfd, buf + off, len - off);

		if (n > 0)
			off += n;
		else if (n < 0 && errno != EAGAIN)
			return;
		else
			sbview_run(view, 1);
	}
}

/* True when the client hung up on us within timeout. */
static bool liar_closed(int timeout_ms)
{
	uint64_t end = ovsdb_now_ms() + timeout_ms;

	while (ovsdb_now_ms() < end) {
		char b[4096];
		ssize_t n = read(cfd, b, sizeof(b));

		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			close(cfd);
			cfd = -1;
			return true;
		}
		sbview_run(view, 5);
	}
	return false;
}

static char *big_lie(int which)
{
	size_t cap = 2 << 20, o = 0;
	char *b = malloc(cap);
	int i;

	o += snprintf(b + o, cap - o, "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{\"" U_P1 "\":{\"modify\":{");
	/* (Long strings are no lie: OVSDB sets no limit, see
	 * selftests/host/agent-long-names.) */
	if (which == 1) {	/* 200 levels of arrays */
		o += snprintf(b + o, cap - o, "\"up\":");
		for (i = 0; i < 200; i++)
			b[o++] = '[';
		for (i = 0; i < 200; i++)
			b[o++] = ']';
	} else {		/* 5,000 additional chassis */
		o += snprintf(b + o, cap - o, "\"additional_chassis\":[\"set\",[");
		for (i = 0; i < 5000; i++)
			o += snprintf(b + o, cap - o, "%s[\"uuid\",\"%08x-1111-4111-8111-111111111111\"]",
				      i ? "," : "", i);
		o += snprintf(b + o, cap - o, "]]");
	}
	snprintf(b + o, cap - o, "}}}}]}");
	return b;
}

static bool liar_sync(int timeout_ms)
{
	char method[64], reply[4096];
	int id;

	if (!liar_accept(timeout_ms) ||
	    !liar_request(&id, method, sizeof(method), timeout_ms) ||
	    strcmp(method, "monitor_cond_since"))
		return false;
	snprintf(reply, sizeof(reply),
		 "{\"id\":%d,\"result\":[false,\"" U_TXN "\"," GOOD_TABLES "],\"error\":null}", id);
	liar_send(reply, strlen(reply));
	return wait_for(is_synced, NULL, timeout_ms);
}

/* An update of p1 to tunnel_key 9 padded with whitespace (valid JSON,
 * applicable) to @size bytes. */
static char *padded_update(size_t size)
{
	static const char head[] = "{\"id\":null,\"method\":\"update3\","
		"\"params\":[\"ovnmig-sb\",\"" U_TXN "\",{\"Port_Binding\":{\""
		U_P1 "\":{\"modify\":{\"tunnel_key\":9}}}}";
	char *b = malloc(size + 1);

	if (!b)
		return NULL;
	memcpy(b, head, sizeof(head) - 1);
	memset(b + sizeof(head) - 1, ' ', size - sizeof(head) - 1);
	memcpy(b + size - 2, "]}", 3);
	return b;
}

/*
 * The bounds of jsonrpc: a message over the size limit and a flood of
 * echo requests the server does not read the replies of are each one
 * clean error and a reconnect, with nothing applied.  Small limits so
 * the test moves megabytes, not the default 64 MiB and 4 MiB.
 */
static void test_liar_limits(void)
{
	struct sbview_status st0, st1;
	const struct sbview_binding *b;
	size_t evs0, big = 3 << 19;	/* 1.5 MiB */
	char *msg = padded_update(big);
	bool closed;

	if (!msg) {
		ok(false, "liar: limits", "out of memory");
		return;
	}
	/* Over the limit: dropped before any of it is parsed. */
	if (!liar_sync(3000)) {
		ok(false, "liar: message over the size limit", "no sync");
	} else {
		jsonrpc_set_limits(1 << 20, 0);
		sbview_get_status(view, &st0);
		evs0 = n_evs;
		liar_send(msg, big);
		closed = liar_closed(3000);
		sbview_get_status(view, &st1);
		b = sbview_binding_by_port(view, "p1");
		ok(closed && st1.errors == st0.errors + 1 && n_evs == evs0 &&
		   b && b->port_key == 1,
		   "liar: message over the size limit (1.5 MiB, limit 1 MiB) -> "
		   "clean error, reconnect, nothing applied",
		   "closed=%d errors %llu->%llu events %zu->%zu port_key %d",
		   closed, (unsigned long long)st0.errors,
		   (unsigned long long)st1.errors, evs0, n_evs,
		   b ? (int)b->port_key : -1);
	}
	if (cfd >= 0) {
		close(cfd);
		cfd = -1;
	}
	/* Control: the very same message under the default limit is
	 * followed, so it was refused for its size alone. */
	jsonrpc_set_limits(JSONRPC_MAX_MSG, 0);
	if (!liar_sync(3000)) {
		ok(false, "liar: the same message under the limit", "no sync");
	} else {
		evs0 = n_evs;
		liar_send(msg, big);
		wait_for(have_evs, (void *)(evs0 + 1), 3000);
		b = sbview_binding_by_port(view, "p1");
		ok(b && b->port_key == 9,
		   "liar: the same message under the default limit is applied",
		   "port_key %d", b ? (int)b->port_key : -1);
	}
	if (cfd >= 0) {
		close(cfd);
		cfd = -1;
	}
	free(msg);

	/* Echo flood: 2,000 requests with 4 KiB params (8 MiB of replies)
	 * that the server never reads; backlog limit 256 KiB. */
	if (!liar_sync(3000)) {
		ok(false, "liar: echo flood", "no sync");
	} else {
		char echo[4200];
		int i, sent = 0;

		jsonrpc_set_limits(0, 256 << 10);
		sbview_get_status(view, &st0);
		evs0 = n_evs;
		for (i = 0; i < 2000; i++) {
			size_t off = 0, len;

			len = snprintf(echo, sizeof(echo),
				       "{\"id\":%d,\"method\":\"echo\","
				       "\"params\":[\"%04096d\"]}", i, 0);
			while (off < len) {
				ssize_t n = write(cfd, echo + off, len - off);

				if (n > 0)
					off += n;
				else if (n < 0 && errno == EAGAIN)
					sbview_run(view, 1);
				else
					break;
			}
			if (off < len)
				break;	/* the client hung up */
			sent++;
			sbview_run(view, 0);
		}
		closed = liar_closed(3000);
		sbview_get_status(view, &st1);
		ok(closed && st1.errors == st0.errors + 1 && n_evs == evs0,
		   "liar: echo flood, replies never read -> output bounded, "
		   "clean error, reconnect",
		   "sent %d closed=%d errors %llu->%llu", sent, closed,
		   (unsigned long long)st0.errors,
		   (unsigned long long)st1.errors);
		jsonrpc_set_limits(0, JSONRPC_MAX_BACKLOG);
	}
	if (cfd >= 0) {
		close(cfd);
		cfd = -1;
	}
}

static void test_liar(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char remote[300], method[64], name[160];
	size_t i;

	if (strlen(tmpdir) + sizeof("/liar.sock") > sizeof(sun.sun_path)) {
		ok(false, "liar: listen", "path too long");
		return;
	}
	memcpy(sun.sun_path, tmpdir, strlen(tmpdir));
	strcat(sun.sun_path, "/liar.sock");
	snprintf(remote, sizeof(remote), "unix:%s", sun.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(lfd, 4)) {
		ok(false, "liar: listen", "%s", strerror(errno));
		return;
	}
	view = sbview_create(&ops, NULL);
	sbview_connect_sb(view, remote, NULL);
	sbview_set_backoff(view, 10, 50);
	for (i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		const struct lie *l = &lies[i];
		struct sbview_status st0, st1;
		size_t evs0;
		bool sent = false, closed;
		int id;

		snprintf(name, sizeof(name), "liar: %s -> clean error, reconnect, nothing applied",
			 l->name);
		if (l->after_sync && !liar_sync(3000)) {
			ok(false, name, "good sync before the lie failed");
			continue;
		}
		sbview_get_status(view, &st0);
		evs0 = n_evs;
		if (!l->after_sync &&
		    (!liar_accept(3000) ||
		     !liar_request(&id, method, sizeof(method), 3000))) {
			ok(false, name, "no request from the client");
			continue;
		}
		if (!l->fmt && !l->after_sync) {
			/* Refuse monitor_cond_since, monitor_cond and monitor. */
			char r[200];
			int k;

			for (k = 0; k < 3; k++) {
				snprintf(r, sizeof(r), "{\"id\":%d,\"result\":null,\"error\":{\"error\":\"unknown method\"}}", id);
				liar_send(r, strlen(r));
				if (k < 2 && !liar_request(&id, method, sizeof(method), 3000))
					break;
			}
			sent = k == 3;
		} else if (!l->fmt) {
			char *b = big_lie(!strcmp(l->name, "nesting too deep") ? 1 : 2);

			liar_send(b, strlen(b));
			free(b);
			sent = true;
		} else {
			char r[4096];

			snprintf(r, sizeof(r), l->fmt, id, id);
			liar_send(r, strlen(r));
			sent = true;
		}
		if (l->close_after && cfd >= 0) {
			close(cfd);
			cfd = -1;
			closed = true;
			settle(50);
		} else {
			closed = liar_closed(3000);
		}
		sbview_get_status(view, &st1);
		ok(sent && closed && !sbview_binding_by_port(view, "evil") &&
		   n_evs == evs0 && (l->close_after || st1.errors == st0.errors + 1) &&
		   (l->after_sync ? sbview_n_bindings(view) == 1 &&
		    sbview_binding_by_port(view, "p1")->port_key == 1 :
		    sbview_n_bindings(view) == evs0),
		   name, "sent=%d closed=%d errors %llu->%llu events %zu->%zu",
		   sent, closed, (unsigned long long)st0.errors,
		   (unsigned long long)st1.errors, evs0, n_evs);
		if (cfd >= 0) {
			close(cfd);
			cfd = -1;
		}
	}
	test_liar_limits();
	/* After all that, a server that tells the truth is followed. */
	ok(liar_sync(3000) && sbview_n_bindings(view) == 1 &&
	   sbview_chassis_by_name(view, "ch1") &&
	   sbview_binding_by_port(view, "p1")->dp_key == 5,
	   "liar: an honest server afterwards is followed", "not synced");
	{
		const char *up = "{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\","
			"{\"Port_Binding\":{\"" U_P1 "\":{\"modify\":{\"chassis\":[\"set\",[]]}}}}]}";
		size_t e0 = n_evs;

		liar_send(up, strlen(up));
		ok(wait_for(have_evs, (void *)(e0 + 1), 2000) &&
		   !evs[n_evs - 1].new.chassis.s[0],
		   "liar: and its updates applied", "no event");
	}
	/* The server's echo is answered with its params. */
	{
		const char *echo = "{\"id\":\"e1\",\"method\":\"echo\",\"params\":[\"x\",7]}";
		uint64_t end = ovsdb_now_ms() + 2000;
		bool got = false;

		liar_send(echo, strlen(echo));
		while (!got && ovsdb_now_ms() < end) {
			struct jsonrpc_scan sc = { 0 };
			size_t ml;
			ssize_t n = read(cfd, lbuf + llen, sizeof(lbuf) - llen);

			if (n > 0)
				llen += n;
			if (llen && jsonrpc_scan(&sc, lbuf, llen, &ml) == 1) {
				json_t *m = json_loadb(lbuf, ml, 0, NULL);
				json_t *want = json_pack("[si]", "x", 7);

				got = m && !strcmp(json_string_value(json_object_get(m, "id")) ?: "", "e1") &&
				      json_equal(json_object_get(m, "result"), want);
				json_decref(want);
				json_decref(m);
				memmove(lbuf, lbuf + ml, llen - ml);
				llen -= ml;
			}
			sbview_run(view, 5);
		}
		ok(got, "liar: the server's echo request is answered", "no reply");
	}
	/* A server that goes silent: echo after the probe interval, then
	 * a reconnect after as much again. */
	{
		uint64_t t0 = ovsdb_now_ms();
		int id;
		bool echoed;

		sbview_set_probe(view, 200);
		echoed = liar_request(&id, method, sizeof(method), 2000) ||
			 !strcmp(method, "echo");
		/* liar_request skips echoes; seeing EOF means the client
		 * gave up on us. */
		ok(liar_closed(3000) && ovsdb_now_ms() - t0 < 3000,
		   "liar: a silent server is dropped by the inactivity probe",
		   "still connected after %llu ms",
		   (unsigned long long)(ovsdb_now_ms() - t0));
		(void)echoed;
	}
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	sbview_destroy(view);
	view = NULL;
}

/* ---- bench: sync of N bindings, single-move latency ---- */

static long rss_kb(const char *what)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, what, strlen(what)))
			v = atol(line + strlen(what) + 1);
	if (f)
		fclose(f);
	return v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void bench(int n)
{
	record_evs = false;
	char sock[300];
	static uint64_t lat[1000];
	uint64_t t0, t_sync;
	long rss0;
	int i, done = 0;
	char dp[40] = "";

	snprintf(sock, sizeof(sock), "unix:%s/db0.sock", tmpdir);
	g_remotes = sock;
	if (!setup_sb_db(0, NULL) || !add_base()) {
		fprintf(stderr, "ovsdb-test: bench setup failed\n");
		return;
	}
	/* 30,000 ports per datapath: port keys are 15 bits. */
	for (i = 0; i < n; i += 10000) {
		json_t *r;

		if (i % 30000 == 0) {
			r = txn("[{\"op\":\"insert\",\"table\":\"Datapath_Binding\","
				"\"row\":{\"tunnel_key\":%d}}]", 100 + i / 30000);
			if (!r)
				return;
			snprintf(dp, sizeof(dp), "%s", res_uuid(r, 0));
			json_decref(r);
		}
		if (!add_ports_dp(i + 1, n - i < 10000 ? n - i : 10000, dp,
				  i % 30000 + 1))
			return;
	}
	rss0 = rss_kb("VmRSS");
	view = sbview_create(&ops, NULL);
	sbview_connect_sb(view, sock, NULL);
	t0 = mono_ns();
	if (!wait_for(is_synced, NULL, 60000))
		return;
	t_sync = mono_ns() - t0;
	long rss = rss_kb("VmRSS"), hwm = rss_kb("VmHWM");

	/* Moves by _uuid, which the server finds without a scan, so the
	 * time is the commit, the update and our callback. */
	static char pu[10][40];

	for (i = 0; i < 10; i++) {
		json_t *r = txn("[{\"op\":\"select\",\"table\":\"Port_Binding\","
				"\"where\":[[\"logical_port\",\"==\",\"p%d\"]],"
				"\"columns\":[\"_uuid\"]}]", i + 1);
		json_t *row = json_array_get(json_object_get(json_array_get(r, 0),
							     "rows"), 0);

		snprintf(pu[i], sizeof(pu[i]), "%s", json_string_value(
			json_array_get(json_object_get(row, "_uuid"), 1)) ?: "");
		json_decref(r);
	}
	for (i = 0; i < 1000; i++) {
		json_t *r;

		reset_evs();
		t0 = mono_ns();
		r = txn("[{\"op\":\"update\",\"table\":\"Port_Binding\","
			"\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
			"\"row\":{\"chassis\":[\"uuid\",\"%s\"]}}]",
			pu[i % 10], ch_uuid[1 + (i / 10) % 2]);
		if (r && wait_for(have_evs, (void *)1, 2000))
			lat[done++] = first_ev_ns - t0;
		json_decref(r);
	}
	qsort(lat, done, sizeof(lat[0]), cmp_u64);
	printf("{\"bindings\": %d, \"sync_s\": %.3f, \"rss_before_kib\": %ld, "
	       "\"rss_after_sync_kib\": %ld, \"rss_peak_kib\": %ld, "
	       "\"moves\": %d, \"move_p50_ms\": %.3f, \"move_p99_ms\": %.3f}\n",
	       n, t_sync / 1e9, rss0, rss, hwm, done,
	       done ? lat[done / 2] / 1e6 : -1, done ? lat[done * 99 / 100] / 1e6 : -1);
	sbview_destroy(view);
	view = NULL;
}

/* Our side of an initial sync alone: the reply ovsdb-server would send
 * for n bindings, built in memory, then parsed and applied. */
static void bench_client(int n)
{
	record_evs = false;
	size_t cap = (size_t)n * 330 + 4096, o = 0;
	char *buf = malloc(cap), why[256];
	long rss0, rss1;
	uint64_t t0, t1;
	int i, err;

	record_evs = false;
	rss0 = rss_kb("VmRSS");
	o += snprintf(buf + o, cap - o,
		      "{\"id\":1,\"error\":null,\"result\":[false,\"" U_TXN "\","
		      GOOD_TABLES);
	o--;	/* reopen the last table object: add the bindings */
	o--;
	for (i = 0; i < n; i++)
		o += snprintf(buf + o, cap - o,
			      ",\"%08x-4444-4444-8444-444444444444\":{\"initial\":{"
			      "\"logical_port\":\"port-%d\",\"tunnel_key\":%d,"
			      "\"datapath\":[\"uuid\",\"" U_DP "\"],"
			      "\"chassis\":[\"uuid\",\"" U_CH "\"],"
			      "\"options\":[\"map\",[[\"requested-chassis\",\"ch1\"]]],"
			      "\"up\":true}}", i + 16, i, i % 32767 + 1);
	o += snprintf(buf + o, cap - o, "}}]}");
	view = sbview_create(&ops, NULL);
	reset_evs();
	struct rusage ru0, ru1;

	getrusage(RUSAGE_SELF, &ru0);
	t0 = mono_ns();
	err = sbview_inject(view, 0, 0, buf, o, why, sizeof(why));
	t1 = mono_ns();
	getrusage(RUSAGE_SELF, &ru1);
	rss1 = rss_kb("VmRSS");
	free(buf);

	/* Then 1,000 single moves as update3 messages: our part of the
	 * reaction, from a whole message in the buffer to the callback. */
	static uint64_t lat[1000];
	char msg[512];

	for (i = 0; i < 1000; i++) {
		int len = snprintf(msg, sizeof(msg),
			"{\"id\":null,\"method\":\"update3\",\"params\":[\"ovnmig-sb\",\"" U_TXN "\","
			"{\"Port_Binding\":{\"%08x-4444-4444-8444-444444444444\":{\"modify\":"
			"{\"chassis\":%s}}}}]}", (i / 2 * 97) % n + 16,
			i % 2 ? "[\"uuid\",\"" U_CH "\"]" : "[\"set\",[]]");
		uint64_t a0 = mono_ns();

		sbview_inject(view, 0, 0, msg, len, why, sizeof(why));
		lat[i] = mono_ns() - a0;
	}
	qsort(lat, 1000, sizeof(lat[0]), cmp_u64);
	printf("{\"client_only_bindings\": %u, \"message_bytes\": %zu, "
	       "\"client_only_sync_s\": %.3f, \"client_only_cpu_s\": %.3f, "
	       "\"rss_before_kib\": %ld, "
	       "\"rss_after_kib_with_message\": %ld, \"rss_after_kib\": %ld, "
	       "\"rss_peak_kib\": %ld, \"callbacks\": %zu, "
	       "\"update_to_callback_p50_us\": %.1f, \"update_to_callback_p99_us\": %.1f, "
	       "\"error\": \"%s\"}\n",
	       sbview_n_bindings(view), o, (t1 - t0) / 1e9,
	       (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
		ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	       (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
		ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6, rss0, rss1,
	       rss_kb("VmRSS"), rss_kb("VmHWM"), n_evs, lat[500] / 1e3,
	       lat[990] / 1e3, err ? why : "");
	sbview_destroy(view);
	view = NULL;
}

/* ---- jv: the row parser ---- */

/*
 * Each text is a whole value: jv must accept it exactly when RFC 8259
 * (and the strictness jv.h promises: jansson's without JSON_ALLOW_NUL)
 * does; then a string reads as want (its decoded bytes) and an integer
 * as want_i.  jansson must agree on every text, or one of the two is
 * not the parser the view relies on.
 */
static const struct jv_case {
	const char *name, *text;
	size_t len;		/* 0: strlen(text) */
	bool ok;
	const char *want;	/* a string's bytes, NULL: not a string */
	size_t want_len;
	long long want_i;
} jv_cases[] = {
	{ "plain string", "\"abc\"", 0, true, "abc", 3, 0 },
	{ "a long plain string", "\"0123456789abcdef0123456789\"", 0, true,
	  "0123456789abcdef0123456789", 26, 0 },
	{ "escapes", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", 0, true,
	  "\"\\/\b\f\n\r\t", 8, 0 },
	{ "\\u escape, 1 byte", "\"\\u0041\"", 0, true, "A", 1, 0 },
	{ "\\u escape, 2 bytes", "\"\\u00e9\"", 0, true, "\xc3\xa9", 2, 0 },
	{ "\\u escape, 3 bytes", "\"\\u20AC\"", 0, true, "\xe2\x82\xac", 3, 0 },
	{ "surrogate pair", "\"\\ud83d\\ude00\"", 0, true,
	  "\xf0\x9f\x98\x80", 4, 0 },
	{ "raw UTF-8 kept", "\"x\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80y\"", 0,
	  true, "x\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80y", 11, 0 },
	{ "DEL is not a control character", "\"\x7f\"", 0, true, "\x7f", 1, 0 },
	{ "\\u0000 refused", "\"a\\u0000b\"", 0, false, NULL, 0, 0 },
	{ "lone high surrogate", "\"\\ud83d\"", 0, false, NULL, 0, 0 },
	{ "high surrogate, then not a low one", "\"\\ud83d\\u0041\"", 0, false,
	  NULL, 0, 0 },
	{ "lone low surrogate", "\"\\ude00\"", 0, false, NULL, 0, 0 },
	{ "bad escape letter", "\"\\x41\"", 0, false, NULL, 0, 0 },
	{ "short \\u escape", "\"\\u41\"", 0, false, NULL, 0, 0 },
	{ "raw newline in a string", "\"a\nb\"", 0, false, NULL, 0, 0 },
	{ "raw NUL in a string", "\"a\0b\"", 5, false, NULL, 0, 0 },
	{ "control byte after 8 plain ones", "\"01234567\x01\"", 0, false, NULL,
	  0, 0 },
	{ "control byte among 8", "\"0123\x01" "567890123\"", 0, false, NULL,
	  0, 0 },
	{ "bad UTF-8 among 8", "\"abcdefg\x85" "hij\"", 0, false, NULL, 0, 0 },
	{ "a quote among 8 ends the string", "[\"ab\",\"cdefghijk\"]", 0, true,
	  NULL, 0, 0 },
	{ "a backslash among 8", "\"ab\\\"cdefghijk\"", 0, true,
	  "ab\"cdefghijk", 12, 0 },
	{ "unterminated string", "\"abc", 0, false, NULL, 0, 0 },
	{ "backslash at the end", "\"abc\\", 0, false, NULL, 0, 0 },
	{ "continuation byte alone", "\"\x80\"", 0, false, NULL, 0, 0 },
	{ "overlong 2-byte form", "\"\xc0\xaf\"", 0, false, NULL, 0, 0 },
	{ "overlong 3-byte form", "\"\xe0\x80\xaf\"", 0, false, NULL, 0, 0 },
	{ "UTF-8 surrogate", "\"\xed\xa0\x80\"", 0, false, NULL, 0, 0 },
	{ "past U+10FFFF", "\"\xf4\x90\x80\x80\"", 0, false, NULL, 0, 0 },
	{ "truncated sequence", "\"\xe2\x82\"", 0, false, NULL, 0, 0 },
	{ "0xff byte", "\"\xff\"", 0, false, NULL, 0, 0 },
	{ "zero", "0", 0, true, NULL, 0, 0 },
	{ "minus zero", "-0", 0, true, NULL, 0, 0 },
	{ "int64 max", "9223372036854775807", 0, true, NULL, 0,
	  9223372036854775807LL },
	{ "int64 min", "-9223372036854775808", 0, true, NULL, 0,
	  -9223372036854775807LL - 1 },
	{ "int64 max + 1", "9223372036854775808", 0, false, NULL, 0, 0 },
	{ "int64 min - 1", "-9223372036854775809", 0, false, NULL, 0, 0 },
	{ "20 digits", "18446744073709551616", 0, false, NULL, 0, 0 },
	{ "leading zero", "01", 0, false, NULL, 0, 0 },
	{ "plus sign", "+1", 0, false, NULL, 0, 0 },
	{ "real", "-1.5e3", 0, true, NULL, 0, 0 },
	{ "real, capital E and sign", "2E+2", 0, true, NULL, 0, 0 },
	{ "real underflow is fine", "1e-400", 0, true, NULL, 0, 0 },
	{ "real overflow", "1e400", 0, false, NULL, 0, 0 },
	{ "no digit after the point", "1.", 0, false, NULL, 0, 0 },
	{ "no digit before the point", ".5", 0, false, NULL, 0, 0 },
	{ "no exponent digits", "1e+", 0, false, NULL, 0, 0 },
	{ "a lone minus", "-", 0, false, NULL, 0, 0 },
	{ "literals", "[true,false,null]", 0, true, NULL, 0, 0 },
	{ "a literal's prefix", "tru", 0, false, NULL, 0, 0 },
	{ "a literal run on", "[truex]", 0, false, NULL, 0, 0 },
	{ "nesting", " {\"a\" : [ 1 , { } , [ ] ] , \"b\":{\"c\":null}} ", 0,
	  true, NULL, 0, 0 },
	{ "duplicate key", "{\"a\":1,\"b\":2,\"a\":3}", 0, false, NULL, 0, 0 },
	{ "duplicate key, one escaped", "{\"a\":1,\"\\u0061\":2}", 0, false,
	  NULL, 0, 0 },
	{ "duplicate among many keys",
	  "{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,"
	  "\"i\":1,\"j\":1,\"e\":2}", 0, false, NULL, 0, 0 },
	{ "many distinct keys",
	  "{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,"
	  "\"i\":1,\"j\":1,\"ab\":2}", 0, true, NULL, 0, 0 },
	{ "trailing comma in an array", "[1,]", 0, false, NULL, 0, 0 },
	{ "trailing comma in an object", "{\"a\":1,}", 0, false, NULL, 0, 0 },
	{ "missing colon", "{\"a\" 1}", 0, false, NULL, 0, 0 },
	{ "non-string key", "{1:2}", 0, false, NULL, 0, 0 },
	{ "unclosed array", "[1,2", 0, false, NULL, 0, 0 },
	{ "unclosed object", "{\"a\":1", 0, false, NULL, 0, 0 },
	{ "empty text", "", 0, false, NULL, 0, 0 },
	{ "only whitespace", " \t\r\n", 0, false, NULL, 0, 0 },
	{ "two values", "1 2", 0, false, NULL, 0, 0 },
	{ "form feed is not whitespace", "\f1", 0, false, NULL, 0, 0 },
};

/*
 * The framer's record of the message's member values that are arrays or
 * objects (jsonrpc_recv_raw() splits "params" and "result" with it): a
 * message whose strings hold brackets, quotes and escapes, fed at once
 * and a byte at a time, and the spans a JSON reader sees.
 */
static void test_scan_spans(void)
{
	static const char msg[] =
		" {\"id\":null,\"method\":\"update3\",\"params\":[\"m]\","
		"{\"t\":{\"u\":[1,\"}\\\"[\"]}}],\"x\":{\"y\":\"]\"},\"n\":3}";
	static const char *const want[] = {
		"[\"m]\",{\"t\":{\"u\":[1,\"}\\\"[\"]}}]", "{\"y\":\"]\"}",
	};
	size_t len = strlen(msg), ml = 0, i, k;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		struct jsonrpc_scan sc = { 0 };
		bool good = true;
		int r = 0;

		/* pass 0: the whole message; 1: a byte more each call */
		for (i = pass ? 1 : len; i <= len && r == 0; i++)
			r = jsonrpc_scan(&sc, msg, i, &ml);
		good = r == 1 && ml == len && sc.n_val == 2;
		for (k = 0; good && k < 2; k++)
			good = sc.val_end[k] - sc.val_start[k] ==
			       strlen(want[k]) &&
			       !memcmp(msg + sc.val_start[k], want[k],
				       strlen(want[k]));
		ok(good, pass ? "jsonrpc_scan: member values' spans, a byte "
		   "at a time" : "jsonrpc_scan: member values' spans",
		   "r=%d len=%zu n_val=%u", r, ml, sc.n_val);
	}
}

static void test_jv(void)
{
	struct jv_doc d = { 0 };
	size_t i;
	int k;
	char deep[2 * 2050 + 1];

	for (i = 0; i < sizeof(jv_cases) / sizeof(jv_cases[0]); i++) {
		const struct jv_case *c = &jv_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		const char *stop, *e = c->text + len;
		const struct jv *v = jv_parse(&d, c->text, e, &stop, 2048);
		json_t *j = json_loadb(c->text, len, JSON_DECODE_ANY |
				       JSON_REJECT_DUPLICATES, NULL);
		bool got, good;
		char name[160];

		while (v && stop < e && strchr(" \t\r\n", *stop) && *stop)
			stop++;
		got = v && stop == e;
		good = got == c->ok;
		if (good && got && c->want)
			good = v->type == JV_STRING && v->n == c->want_len &&
			     !memcmp(v->s, c->want, c->want_len) &&
			     !v->s[v->n];
		else if (good && got && c->want_i)
			good = v->type == JV_INT && v->i == c->want_i;
		snprintf(name, sizeof(name), "jv: %s: %s", c->name,
			 c->ok ? "read" : "refused");
		ok(good, name, "jv %s it%s", got ? "accepts" : "refuses",
			   got && c->ok ? ", with another value" : "");
		snprintf(name, sizeof(name), "jv: %s: jansson agrees", c->name);
		ok(!j == !c->ok, name, "jansson %s it",
			   j ? "accepts" : "refuses");
		json_decref(j);
	}
	/* Nesting: as deep as asked, and not one level more. */
	for (k = 0; k < 2049; k++)
		deep[k] = '[';
	for (k = 0; k < 2049; k++)
		deep[2049 + k] = ']';
	deep[2 * 2049] = '\0';
	{
		const char *stop;
		bool at = jv_parse(&d, deep + 1, deep + 2 * 2049 - 1, &stop,
				   2048) != NULL;
		bool past = jv_parse(&d, deep, deep + 2 * 2049, &stop,
				     2048) != NULL;

		ok(at && !past, "jv: 2048 levels read, 2049 refused",
			   "2048: %s, 2049: %s", at ? "read" : "refused",
			   past ? "read" : "refused");
	}
	/* At most JV_MAX_NODES values: [0,0,...] of JV_MAX_NODES - 1 zeros
	 * is read, one zero more is refused (jansson reads both). */
	{
		size_t nz = JV_MAX_NODES, n = 2 * nz + 1;
		char *t = xmalloc(n + 1);
		const char *stop;
		bool at, past;

		t[0] = '[';
		for (i = 0; i < nz; i++) {
			t[1 + 2 * i] = '0';
			t[2 + 2 * i] = ',';
		}
		t[2 * nz] = ']';	/* replaces the last comma */
		t[n] = '\0';
		past = jv_parse(&d, t, t + 2 * nz + 1, &stop, 32) != NULL;
		t[2 * nz - 2] = ']';	/* one zero fewer */
		at = jv_parse(&d, t, t + 2 * nz - 1, &stop, 32) != NULL;
		free(t);
		ok(at && !past, "jv: at most JV_MAX_NODES values in one row",
		   "%u values: %s, one more: %s", JV_MAX_NODES,
		   at ? "read" : "refused", past ? "read" : "refused");
		jv_doc_trim(&d, 0);
	}
	/* A row of an update, as the view reads it. */
	{
		static const char row[] =
			"{\"modify\":{\"chassis\":[\"uuid\","
			"\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\"],"
			"\"up\":true}} ,";
		const char *stop;
		const struct jv *v = jv_parse(&d, row, row + sizeof(row) - 1,
					      &stop, 32);
		const struct jv *m = jv_get(v, "modify");
		const struct jv *ch = jv_get(m, "chassis"), *up = jv_get(m, "up");
		uint8_t u[16];
		struct ovsdb_err err;
		bool b = false;

		ok(v && *stop == ' ' && m && m->n == 2 && ch && up &&
			   !ovsdb_atom_uuid(ch, u, &err) && u[0] == 0x0a &&
			   u[15] == 0x4d && !ovsdb_atom_bool(up, &b, &err) && b &&
			   !jv_get(m, "chass"),
			   "jv: a row update read member by member",
			   "not read as written");
	}
	jv_doc_free(&d);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "sb";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "jv")) {
		test_jv();
		test_scan_spans();
		return tap_finish();
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ovsdb-test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("ovsdb-test: mkdtemp");
		return 1;
	}
	atexit(cleanup);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (run((const char *const[]){ "ovsdb-server", "--version", NULL })) {
		skip(mode, "ovsdb-server is not installed");
		return 4;
	}
	if (!strcmp(mode, "sb"))
		test_sb();
	else if (!strcmp(mode, "cluster"))
		test_cluster();
	else if (!strcmp(mode, "cluster-stale") && argc > 2)
		test_cluster_stale(argv[2]);
	else if (!strcmp(mode, "local"))
		test_local();
	else if (!strcmp(mode, "liar"))
		test_liar();
	else if (!strcmp(mode, "ssl") && argc > 2)
		test_ssl(argv[2]);
	else if (!strcmp(mode, "old-schema") && argc > 2)
		test_old_schema(argv[2]);
	else if (!strcmp(mode, "bench"))
		bench(argc > 2 ? atoi(argv[2]) : 100000);
	else if (!strcmp(mode, "bench-client"))
		bench_client(argc > 2 ? atoi(argv[2]) : 100000);
	else {
		fprintf(stderr, "usage: ovsdb-test sb|cluster|cluster-stale NETNS|liar|local|ssl DIR|bench [N]|bench-client [N]|jv\n");
		return 2;
	}
	if (strncmp(mode, "bench", 5))
		return tap_finish();
	return tap_fail ? 1 : 0;
}
