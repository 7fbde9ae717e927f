// SPDX-License-Identifier: GPL-2.0-only
/*
 * The agent's control commands: one table (agent_commands, name, usage,
 * argument counts, handler, flags) served by ctl.c, and the handlers.
 * The map commands are ctl_maps.c's; what the agent does after one of
 * them is said by its flags (ctl.h), not by its name.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "ctl/ctl.h"
#include "lib/clock.h"
#include "lib/maps.h"
#include "lib/metrics.h"
#include "sb/sbview.h"
#include "agent.h"
#include "migrations.h"
#include "policy.h"

/* The lease as the datapath sees it, plus what this agent does with it. */
/* bounce's attachment (--bounce-attach): how, whether, how often. */
static json_t *bounce_json(struct agent *a)
{
	json_t *o = json_pack("{s:s, s:s, s:b, s:I, s:I}", "dev",
			      a->opt.underlay_dev, "attach",
			      a->bh ? "on-demand" : "always", "attached",
			      a->bh ? a->bounce_on : true, "attaches",
			      (json_int_t)a->bounce_attaches, "detaches",
			      (json_int_t)a->bounce_detaches);

	if (o && a->bounce_attaches)
		json_object_set_new(o, "last_attach_ms",
				    json_real(a->bounce_attach_ns / 1e6));
	if (o && a->bounce_err[0])
		json_object_set_new(o, "error", json_string(a->bounce_err));
	return o;
}

static json_t *lease_json(struct agent *a, const struct ovnmig_config *cfg)
{
	json_t *o = ctlmaps_lease_json(cfg);

	json_object_set_new(o, "configured_s",
			    json_integer(a->opt.lease_ns / 1000000000));
	json_object_set_new(o, "renewing", json_boolean(a->reconciled));
	json_object_set_new(o, "renewals", json_integer(a->lease_renewals));
	json_object_set_new(o, "failures", json_integer(a->lease_failures));
	return o;
}

static json_t *ctl_json(const struct ctl_server *s)
{
	struct ctl_stats cs;

	ctl_server_stats(s, &cs);
	return json_pack("{s:i, s:i, s:I, s:I, s:I}", "connections", cs.conns,
			 "subscribers", cs.subscribers,
			 "queued_bytes", (json_int_t)cs.queued,
			 "dropped_slow", (json_int_t)cs.dropped_slow,
			 "dropped_long", (json_int_t)cs.dropped_long);
}

static int h_status(void *ctx, struct ctl_conn *c, const char *method,
		    json_t *params, json_t **result, char **error)
{
	struct agent *a = ctx;
	const struct sbview_local *l = agent_local(a);
	struct sbview_status st;
	struct ovnmig_config cfg;

	(void)c, (void)method, (void)params, (void)error;
	sbview_get_status(a->v, &st);
	maps_config_get(&a->m, &cfg);
	*result = json_pack("{s:b, s:s, s:i, s:I, s:s, s:i, s:I, s:b, s:s?, s:I, "
			    "s:{s:b, s:s, s:s, s:I, s:I, s:I, s:I}, "
			    "s:{s:b, s:I}, "
			    "s:{s:s, s:i, s:i, s:b, s:b}, s:i, s:i}",
			    "agent", 1, "version", OVNMIG_VERSION,
			    "pid", (int)getpid(),
			    "uptime_s", (json_int_t)((mono_ns() -
						      a->start_ns) / 1000000000),
			    "system_id", l ? l->system_id : "",
			    "generation", (int)a->generation,
			    "max_age_s", (json_int_t)(a->opt.max_age_ns / 1000000000),
			    "reconciled", a->reconciled,
			    "steer_refused", a->steer_refused[0] ?
					     a->steer_refused : NULL,
			    "steer_refusals", (json_int_t)a->steer_refusals,
			    "sb", "connected", st.sb_connected,
			    "remote", st.sb_remote, "txn_id", st.sb_txn_id,
			    "reconnects", (json_int_t)st.sb_reconnects,
			    "updates", (json_int_t)st.sb_updates,
			    "resumes", (json_int_t)st.sb_resumes,
			    "errors", (json_int_t)st.errors,
			    "local", "connected", st.local_connected,
			    "reconnects", (json_int_t)st.local_reconnects,
			    "maps", "pin_dir", a->m.dir,
			    "steer_entries", a->m.n_steer,
			    "fwd_entries", a->m.n_fwd,
			    "steer_active", cfg.steer_active != 0,
			    "fwd_active", cfg.fwd_active != 0,
			    "bindings", (int)sbview_n_bindings(a->v),
			    "chassis", (int)sbview_n_chassis(a->v));
	if (*result) {
		json_t *sb = json_object_get(*result, "sb");

		ctlmaps_vni_status(&a->m, &cfg,
				   json_object_get(*result, "maps"));
		ctlmaps_bounce_status(&a->m, json_object_get(*result, "maps"));
		json_object_set_new(sb, "rows_skipped",
				    json_integer(st.rows_skipped));
		json_object_set_new(sb, "index", json_integer(st.sb_index));
		json_object_set_new(sb, "model", json_string(st.sb_model));
		json_object_set_new(sb, "stale_refused",
				    json_integer(st.sb_stale_refused));
		json_object_set_new(*result, "ctl", ctl_json(a->ctl));
		json_object_set_new(*result, "lease", lease_json(a, &cfg));
		if (a->opt.attach && a->opt.underlay_dev)
			json_object_set_new(*result, "bounce",
					    bounce_json(a));
	}
	return 0;
}

/* One row of "ports": an entry of @e, what it is, until when. */
static json_t *port_json(const struct policy_entry_info *e, const char *entry,
			 uint64_t until_ns)
{
	return json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:I}",
			 "port", e->port, "dp_key", (int)e->key.dp_key,
			 "port_key", (int)e->key.port_key, "entry", entry,
			 "from", e->old_chassis, "to", e->new_chassis,
			 "expires_in_ms", (json_int_t)mono_ms_until(until_ns));
}

static void port_cb(void *ctx, const struct policy_entry_info *e)
{
	json_t *arr = ctx, *o;

	if (e->has_steer)
		json_array_append_new(arr, port_json(e,
			e->steer.flags & OVNMIG_F_DROP ? "drop" : "steer",
			e->steer.expires_ns));
	if (e->has_fwd)
		json_array_append_new(arr, port_json(e,
			e->vif_down ? "fwd-vif" : "fwd", e->fwd.expires_ns));
	/* VIF down, nothing written yet: the pointer waits for the move. */
	if (e->armed) {
		o = port_json(e, "armed", e->armed_until_ns);
		json_object_set_new(o, "armed_at_ns",
				    json_integer((json_int_t)e->armed_at_ns));
		json_array_append_new(arr, o);
	}
}

static int h_ports(void *ctx, struct ctl_conn *c, const char *method,
		   json_t *params, json_t **result, char **error)
{
	struct agent *a = ctx;

	(void)c, (void)method, (void)params, (void)error;
	*result = json_array();
	policy_foreach(a->p, port_cb, *result);
	return 0;
}

static int h_metrics(void *ctx, struct ctl_conn *c, const char *method,
		     json_t *params, json_t **result, char **error)
{
	const struct policy_counters *pc;
	struct agent *a = ctx;
	struct ovnmig_config cfg;
	struct sbview_status st;
	json_t *dp = NULL, *pol;
	const struct sbview_local *l = agent_local(a);
	int err;

	(void)c, (void)method;
	err = ctlmaps_call(&a->m, "stats", params, &dp, error);
	if (err)
		return err;
	pc = policy_counters(a->p);
	maps_config_get(&a->m, &cfg);
	pol = json_object();
#define PC_JSON(f, name) json_object_set_new(pol, name, json_integer(pc->f));
	POLICY_COUNTERS(PC_JSON)
#undef PC_JSON
	sbview_get_status(a->v, &st);
	*result = json_pack("{s:o, s:o, s:{s:i, s:i}, s:{s:I, s:I, s:I, s:I, "
			    "s:I, s:b, s:b}, s:o}",
			    "datapath", dp, "policy", pol,
			    "entries", "steer", a->m.n_steer, "fwd",
			    a->m.n_fwd,
			    "db", "sb_reconnects", (json_int_t)st.sb_reconnects,
			    "local_reconnects",
			    (json_int_t)st.local_reconnects,
			    "sb_updates", (json_int_t)st.sb_updates,
			    "sb_resumes", (json_int_t)st.sb_resumes,
			    "errors", (json_int_t)st.errors,
			    "sb_connected", st.sb_connected,
			    "local_connected", st.local_connected,
			    "reaction_latency", metrics_latency_json(&a->lat.hist));
	json_object_set_new(*result, "build",
			    json_pack("{s:s, s:s}", "version", OVNMIG_VERSION,
				      "chassis", l ? l->system_id : ""));
	json_object_set_new(*result, "largest_batch",
			    json_pack("{s:i, s:f, s:f, s:f, s:f}",
				      "changes", a->lat.big_n, "ms", a->lat.big_ns / 1e6,
				      "db_ms", a->lat.big_db_ns / 1e6,
				      "policy_ms", a->lat.big_policy_ns / 1e6,
				      "write_ms", a->lat.big_write_ns / 1e6));
	json_object_set_new(json_object_get(*result, "db"), "sb_rows_skipped",
			    json_integer(st.rows_skipped));
	json_object_set_new(json_object_get(*result, "db"), "sb_stale_refused",
			    json_integer(st.sb_stale_refused));
	json_object_set_new(*result, "last_batch",
			    json_pack("{s:i, s:I, s:I}", "changes", a->last_n,
				      "written_ns",
				      (json_int_t)a->last_write_ns, "woke_ns",
				      (json_int_t)a->last_wake_ns));
	json_object_set_new(*result, "synced_after_ms",
			    json_real(a->lat.synced_ns / 1e6));
	json_object_set_new(*result, "ctl", ctl_json(a->ctl));
	json_object_set_new(*result, "lease", lease_json(a, &cfg));
	if (a->mig)
		json_object_set_new(*result, "migrations",
				    migrations_metrics_json(a->mig));
	return 0;
}

/* The endpoint's view: the same object as "ovnmigctl metrics". */
json_t *agent_metrics_json(void *ctx)
{
	json_t *params = json_array(), *result = NULL;
	char *error = NULL;

	h_metrics(ctx, NULL, "metrics", params, &result, &error);
	json_decref(params);
	free(error);
	return result;
}

static int h_migrations(void *ctx, struct ctl_conn *c, const char *method,
			json_t *params, json_t **result, char **error)
{
	struct agent *a = ctx;
	uint64_t now = mono_ns();

	(void)c, (void)method, (void)params, (void)error;
	/* Fresh evidence for the open records, not the last second's. */
	migrations_poll(a->mig, &a->m, now);
	*result = migrations_json(a->mig, now);
	return 0;
}

static int h_events(void *ctx, struct ctl_conn *c, const char *method,
		    json_t *params, json_t **result, char **error)
{
	struct agent *a = ctx;
	unsigned int i, first;

	(void)method, (void)params, (void)error;
	ctl_conn_subscribe(c);
	*result = json_array();
	first = a->ring_next > EVENT_RING ? a->ring_next - EVENT_RING : 0;
	for (i = first; i < a->ring_next; i++)
		json_array_append_new(*result,
				      agent_event_json(&a->ring[i % EVENT_RING]));
	return 0;
}

static int h_maps(void *ctx, struct ctl_conn *c, const char *method,
		  json_t *params, json_t **result, char **error)
{
	const struct ctl_command *cmd = ctl_command_find(ctlmaps_commands,
							 method);
	unsigned int flags = cmd ? cmd->flags : 0;
	struct agent *a = ctx;
	int err;

	(void)c;
	err = ctlmaps_call(&a->m, method, params, result, error);
	if (err)
		return err;
	/* Entries added by hand are the operator's: the policy leaves them
	 * to their expiry.  After a flush it forgets what it had. */
	if (flags & CTL_F_FLUSH) {
		migrations_flush(a->mig, mono_ns());
		policy_clear(a->p);
		maps_recount(&a->m);
	}
	if (flags & CTL_F_HAND)
		a->strays = true;
	if (flags & CTL_F_WRITE)
		agent_note(a, "", method);
	return 0;
}

/*
 * Every command of the control socket (ovnmigctl(8)): the agent's own,
 * then the map commands it shares with "ovnmigctl -m"; list-commands
 * and version are the server's (ctl.c).
 */
const struct ctl_command agent_commands[] = {
	{ "status", "", 0, 0, h_status, 0 },
	{ "ports", "", 0, 0, h_ports, 0 },
	{ "metrics", "", 0, 0, h_metrics, 0 },
	{ "events", "", 0, 0, h_events, 0 },
	{ "migrations", "", 0, 0, h_migrations, 0 },
	CTL_MAPS_COMMANDS(h_maps),
	{ NULL, NULL, 0, 0, NULL, 0 },
};
