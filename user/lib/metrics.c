// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "util.h"

const uint32_t metrics_le_us[METRICS_LAT_BUCKETS] = {
	10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000,
	1000000, 10000000,
};

void metrics_observe(struct metrics *m, uint64_t ns)
{
	int i;

	for (i = 0; i < METRICS_LAT_BUCKETS; i++)
		if (ns <= (uint64_t)metrics_le_us[i] * 1000)
			break;
	m->counts[i]++;
	m->count++;
	m->sum_ns += ns;
	if (ns > m->max_ns)
		m->max_ns = ns;
}

uint64_t metrics_quantile_us(const struct metrics *m, double q)
{
	uint64_t want, seen = 0;
	int i;

	if (!m->count)
		return 0;
	want = (uint64_t)(q * m->count + 0.999999);
	if (!want)
		want = 1;
	for (i = 0; i < METRICS_LAT_BUCKETS; i++) {
		seen += m->counts[i];
		if (seen >= want)
			return metrics_le_us[i];
	}
	return m->max_ns / 1000;
}

json_t *metrics_latency_json(const struct metrics *m)
{
	json_t *le = json_array(), *c = json_array();
	int i;

	for (i = 0; i < METRICS_LAT_BUCKETS; i++) {
		json_array_append_new(le, json_integer(metrics_le_us[i]));
		json_array_append_new(c, json_integer(m->counts[i]));
	}
	json_array_append_new(c, json_integer(m->counts[i]));
	return json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I}",
			 "le_us", le, "counts", c,
			 "count", (json_int_t)m->count,
			 "sum_ns", (json_int_t)m->sum_ns,
			 "max_ns", (json_int_t)m->max_ns,
			 "p50_us", (json_int_t)metrics_quantile_us(m, 0.5),
			 "p99_us", (json_int_t)metrics_quantile_us(m, 0.99));
}

struct buf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL,
			      b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && b->len + n < b->cap) {
			b->len += n;
			return;
		}
		b->cap = (b->cap + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
}

static json_int_t ival(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_boolean(v))
		return json_is_true(v);
	return json_integer_value(v);
}

/* A label value as the exposition format wants it: \\, \" and \n. */
static void blabel(struct buf *b, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			bprintf(b, "\\%c", *v);
		else if (*v == '\n')
			bprintf(b, "\\n");
		else
			bprintf(b, "%c", *v);
	}
}

/*
 * The migration records (user/agent/migrations.c): how many closed and
 * how, the packets their entries acted on, and this chassis' OVN
 * repoint lag per datapath outcome.
 */
static void prom_migrations(struct buf *b, json_t *o)
{
	json_t *v, *le = json_object_get(o, "lag_le_ms");
	const char *k;
	size_t i;

	if (!o)
		return;
	bprintf(b, "# HELP ovnmig_migrations_total Migration records closed, by how (quiet, expired, replaced, removed).\n"
		"# TYPE ovnmig_migrations_total counter\n");
	json_object_foreach(json_object_get(o, "closed"), k, v)
		bprintf(b, "ovnmig_migrations_total{closed=\"%s\"} %lld\n", k,
			(long long)json_integer_value(v));
	bprintf(b, "# HELP ovnmig_migrations_open Migration records open.\n"
		"# TYPE ovnmig_migrations_open gauge\n"
		"ovnmig_migrations_open %lld\n", (long long)ival(o, "open"));
	bprintf(b, "# HELP ovnmig_migration_packets_total Packets the migrations' entries steered, dropped or forwarded.\n"
		"# TYPE ovnmig_migration_packets_total counter\n");
	json_object_foreach(json_object_get(o, "packets"), k, v)
		bprintf(b, "ovnmig_migration_packets_total{outcome=\"%s\"} %lld\n",
			k, (long long)json_integer_value(v));
	bprintf(b, "# HELP ovnmig_ovn_repoint_lag_seconds This chassis' OVN repoint lag per closed migration: its last packet toward the old chassis minus the SB update.\n"
		"# TYPE ovnmig_ovn_repoint_lag_seconds histogram\n");
	json_object_foreach(json_object_get(o, "lag"), k, v) {
		json_t *cnt = json_object_get(v, "counts");
		json_int_t cum = 0;

		for (i = 0; i < json_array_size(le); i++) {
			cum += json_integer_value(json_array_get(cnt, i));
			bprintf(b, "ovnmig_ovn_repoint_lag_seconds_bucket{outcome=\"%s\",le=\"%g\"} %lld\n",
				k, json_integer_value(json_array_get(le, i)) / 1e3,
				(long long)cum);
		}
		bprintf(b, "ovnmig_ovn_repoint_lag_seconds_bucket{outcome=\"%s\",le=\"+Inf\"} %lld\n"
			"ovnmig_ovn_repoint_lag_seconds_sum{outcome=\"%s\"} %.9f\n"
			"ovnmig_ovn_repoint_lag_seconds_count{outcome=\"%s\"} %lld\n",
			k, (long long)ival(v, "count"), k,
			ival(v, "sum_ns") / 1e9, k, (long long)ival(v, "count"));
	}
}

char *metrics_prometheus(json_t *mx)
{
	struct buf b = {};
	json_t *o, *v, *lat, *le, *cnt;
	const char *k;
	json_int_t cum = 0;
	size_t i;

	/* The agent's version and chassis (not the renderer's: ovnmigctl
	 * may be another build). */
	o = json_object_get(mx, "build");
	if (o) {
		bprintf(&b, "# HELP ovnmig_build_info The agent's version and chassis.\n"
			"# TYPE ovnmig_build_info gauge\n"
			"ovnmig_build_info{version=\"");
		blabel(&b, json_string_value(json_object_get(o, "version")));
		bprintf(&b, "\",chassis=\"");
		blabel(&b, json_string_value(json_object_get(o, "chassis")));
		bprintf(&b, "\"} 1\n");
	}
	o = json_object_get(mx, "datapath");
	bprintf(&b, "# HELP ovnmig_datapath_packets_total Packets per datapath outcome.\n"
		"# TYPE ovnmig_datapath_packets_total counter\n");
	json_object_foreach(o, k, v)
		bprintf(&b, "ovnmig_datapath_packets_total{outcome=\"%s\"} %lld\n",
			k, (long long)ival(v, "packets"));
	bprintf(&b, "# HELP ovnmig_datapath_bytes_total Bytes per datapath outcome.\n"
		"# TYPE ovnmig_datapath_bytes_total counter\n");
	json_object_foreach(o, k, v)
		bprintf(&b, "ovnmig_datapath_bytes_total{outcome=\"%s\"} %lld\n",
			k, (long long)ival(v, "bytes"));
	o = json_object_get(mx, "policy");
	if (o) {
		bprintf(&b, "# HELP ovnmig_policy_total Agent policy decisions.\n"
			"# TYPE ovnmig_policy_total counter\n");
		json_object_foreach(o, k, v)
			bprintf(&b, "ovnmig_policy_total{event=\"%s\"} %lld\n",
				k, (long long)json_integer_value(v));
	}
	o = json_object_get(mx, "entries");
	if (o) {
		bprintf(&b, "# HELP ovnmig_entries Entries in the pinned maps.\n"
			"# TYPE ovnmig_entries gauge\n");
		json_object_foreach(o, k, v)
			bprintf(&b, "ovnmig_entries{map=\"%s\"} %lld\n", k,
				(long long)json_integer_value(v));
	}
	o = json_object_get(mx, "db");
	if (o) {
		bprintf(&b, "# HELP ovnmig_db_reconnects_total Connections to a DB lost or dropped.\n"
			"# TYPE ovnmig_db_reconnects_total counter\n"
			"ovnmig_db_reconnects_total{db=\"sb\"} %lld\n"
			"ovnmig_db_reconnects_total{db=\"local\"} %lld\n",
			(long long)ival(o, "sb_reconnects"),
			(long long)ival(o, "local_reconnects"));
		bprintf(&b, "# HELP ovnmig_db_updates_total Southbound updates applied.\n"
			"# TYPE ovnmig_db_updates_total counter\n"
			"ovnmig_db_updates_total %lld\n"
			"# HELP ovnmig_db_errors_total Malformed DB messages dropped.\n"
			"# TYPE ovnmig_db_errors_total counter\n"
			"ovnmig_db_errors_total %lld\n"
			"# HELP ovnmig_db_connected Whether the DB is followed.\n"
			"# TYPE ovnmig_db_connected gauge\n"
			"ovnmig_db_connected{db=\"sb\"} %lld\n"
			"ovnmig_db_connected{db=\"local\"} %lld\n",
			(long long)ival(o, "sb_updates"),
			(long long)ival(o, "errors"),
			(long long)ival(o, "sb_connected"),
			(long long)ival(o, "local_connected"));
		bprintf(&b, "# HELP ovnmig_db_rows_skipped_total DB rows kept but not usable.\n"
			"# TYPE ovnmig_db_rows_skipped_total counter\n"
			"ovnmig_db_rows_skipped_total %lld\n"
			"# HELP ovnmig_db_stale_refused_total SB servers refused as stale: raft index behind one seen, or a relay behind a transaction applied.\n"
			"# TYPE ovnmig_db_stale_refused_total counter\n"
			"ovnmig_db_stale_refused_total %lld\n",
			(long long)ival(o, "sb_rows_skipped"),
			(long long)ival(o, "sb_stale_refused"));
	}
	o = json_object_get(mx, "lease");
	if (o) {
		json_t *age = json_object_get(o, "age_ms");

		bprintf(&b, "# HELP ovnmig_lease_fresh Whether the datapath honours the agent's entries (its lease has not run out).\n"
			"# TYPE ovnmig_lease_fresh gauge\n"
			"ovnmig_lease_fresh %lld\n"
			"# HELP ovnmig_lease_expires_in_seconds Time left on the agent's lease.\n"
			"# TYPE ovnmig_lease_expires_in_seconds gauge\n"
			"ovnmig_lease_expires_in_seconds %.3f\n",
			(long long)ival(o, "fresh"),
			ival(o, "expires_in_ms") / 1e3);
		/* Never renewed: no age and no length to show. */
		if (json_is_integer(age))
			bprintf(&b, "# HELP ovnmig_lease_age_seconds Time since the agent last renewed its lease.\n"
				"# TYPE ovnmig_lease_age_seconds gauge\n"
				"ovnmig_lease_age_seconds %.3f\n"
				"# HELP ovnmig_lease_seconds Length of the lease at its last renewal.\n"
				"# TYPE ovnmig_lease_seconds gauge\n"
				"ovnmig_lease_seconds %lld\n",
				json_integer_value(age) / 1e3,
				(long long)ival(o, "s"));
	}
	o = json_object_get(mx, "ctl");
	if (o)
		bprintf(&b, "# HELP ovnmig_ctl_dropped_total Control connections dropped (event subscriber not reading, request too long).\n"
			"# TYPE ovnmig_ctl_dropped_total counter\n"
			"ovnmig_ctl_dropped_total{reason=\"slow_subscriber\"} %lld\n"
			"ovnmig_ctl_dropped_total{reason=\"request_too_long\"} %lld\n",
			(long long)ival(o, "dropped_slow"),
			(long long)ival(o, "dropped_long"));
	lat = json_object_get(mx, "reaction_latency");
	le = json_object_get(lat, "le_us");
	cnt = json_object_get(lat, "counts");
	if (lat && json_is_array(le) && json_is_array(cnt)) {
		bprintf(&b, "# HELP ovnmig_reaction_latency_seconds DB update received to map written.\n"
			"# TYPE ovnmig_reaction_latency_seconds histogram\n");
		for (i = 0; i < json_array_size(le); i++) {
			cum += json_integer_value(json_array_get(cnt, i));
			bprintf(&b, "ovnmig_reaction_latency_seconds_bucket{le=\"%g\"} %lld\n",
				json_integer_value(json_array_get(le, i)) / 1e6,
				(long long)cum);
		}
		bprintf(&b, "ovnmig_reaction_latency_seconds_bucket{le=\"+Inf\"} %lld\n"
			"ovnmig_reaction_latency_seconds_sum %.9f\n"
			"ovnmig_reaction_latency_seconds_count %lld\n",
			(long long)ival(lat, "count"),
			ival(lat, "sum_ns") / 1e9,
			(long long)ival(lat, "count"));
	}
	prom_migrations(&b, json_object_get(mx, "migrations"));
	return b.s ? b.s : xstrdup("");
}
