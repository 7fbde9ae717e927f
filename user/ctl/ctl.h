/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl: ovnmigd's control socket, in the manner of OVS unixctl: commands
 * registered with name, usage and argument counts; built-in
 * "list-commands" and "version"; one JSON-RPC reply per request.
 *
 * Wire format: one JSON object per line (newline-delimited JSON-RPC 1.0).
 *   request:      {"method": "steer/list", "params": ["..."], "id": 1}
 *   reply:        {"result": <any>, "error": null, "id": 1}
 *                 {"result": null, "error": "why", "id": 1}
 *   notification: {"method": "event", "params": [{...}], "id": null}
 *                 (sent to connections that called "events")
 * The socket is created mode 0600 and every peer's uid is checked to be
 * 0 (SO_PEERCRED): root only.
 *
 * ctlmaps_*: the map commands (steer, bounce, stats, status) that work
 * on the pinned maps directly; ovnmigd serves them and ovnmigctl runs
 * them itself when the agent is down.
 */
#ifndef OVNMIG_CTL_H
#define OVNMIG_CTL_H

#include <poll.h>
#include <jansson.h>
#include "lib/maps.h"

#define CTL_DEFAULT_SOCKET	"/run/ovnmig/ovnmigd.ctl"
#define CTL_MAX_CONNS		16
#ifndef OVNMIG_VERSION
#error "OVNMIG_VERSION comes from the file VERSION (see Makefile)"
#endif
/* A request line, with its newline; a longer one gets an error reply and
 * the connection is closed. */
#define CTL_REQ_MAX		(64 * 1024)
/*
 * Output queued per connection: requests are read only below
 * CTL_OUT_LOW; events beyond CTL_OUT_MAX drop the subscriber.  The
 * events of one batch are all queued before any is sent (after the map
 * write), so CTL_OUT_MAX must hold the largest batch: 1 MiB is some
 * 10,000 events of ~100 bytes, ten evacuations of 1,000 ports, on top of
 * the ~200 KiB the kernel's socket buffer takes.  16 connections hold
 * 16 MiB at most.
 */
#define CTL_OUT_LOW		(64 * 1024)
#define CTL_OUT_MAX		(1u << 20)

struct ctl_server;
struct ctl_conn;

/* Fills *result (owned by the server) or *error (malloc'd); 0 or -errno. */
typedef int (*ctl_handler)(void *ctx, struct ctl_conn *c, const char *method,
			   json_t *params, json_t **result, char **error);

/* What a command does, for the server's owner to act on (ovnmigd). */
#define CTL_F_WRITE	(1u << 0)	/* changes the maps: an event */
#define CTL_F_HAND	(1u << 1)	/* adds entries by hand (the operator's) */
#define CTL_F_FLUSH	(1u << 2)	/* empties a map */

/* One command: name, usage of its arguments, how many, handler, flags. */
struct ctl_command {
	const char *name;
	const char *usage;
	int min_args, max_args;
	ctl_handler fn;
	unsigned int flags;		/* CTL_F_* */
};

/* The command @name of the NULL-terminated @cmds, or NULL. */
const struct ctl_command *ctl_command_find(const struct ctl_command *cmds,
					   const char *name);

struct ctl_server *ctl_server_create(const char *path,
				     const struct ctl_command *cmds,
				     void *ctx, int *err);
void ctl_server_destroy(struct ctl_server *s);	/* NULL is fine */
/* Fills up to @max pollfds; returns how many. */
int ctl_server_fds(const struct ctl_server *s, struct pollfd *pfd, int max);
/* Accept, read and answer whatever is ready (never blocks long). */
void ctl_server_run(struct ctl_server *s);
/* Mark a connection as an event subscriber. */
void ctl_conn_subscribe(struct ctl_conn *c);
int ctl_server_n_subscribers(const struct ctl_server *s);
/*
 * Queue an event for every subscriber (takes a reference of @ev).  Never
 * sends and never frees a connection: ctl_server_run() sends, so an
 * event made while the policy decides goes out after the map write.
 */
void ctl_server_broadcast(struct ctl_server *s, json_t *ev);

struct ctl_stats {
	int conns, subscribers;		/* now */
	unsigned long long queued;	/* bytes queued now, all connections */
	unsigned long long dropped_slow;	/* subscribers over CTL_OUT_MAX */
	unsigned long long dropped_long;	/* requests over CTL_REQ_MAX */
};
void ctl_server_stats(const struct ctl_server *s, struct ctl_stats *st);

/* Client side.  0 or -errno. */
int ctl_client_connect(const char *path);
int ctl_client_call(int fd, const char *method, json_t *params,
		    json_t **result, char **error, int timeout_ms);
/* Next notification from the agent; 0, -ETIMEDOUT or -errno. */
int ctl_client_next(int fd, json_t **msg, int timeout_ms);

/* Map commands, shared by agent and CLI; -ENOSYS for an unknown one. */
int ctlmaps_call(struct maps *m, const char *method, json_t *params,
		 json_t **result, char **error);
/*
 * The steer prefilter's state into status object @o: "vni_filter" (the
 * datapath uses it), "vni_filter_map" (the map is there), "steer_vnis"
 * (VNIs whose bit is set) and "steer_vni_list" (the first 64 of them).
 */
void ctlmaps_vni_status(struct maps *m, const struct ovnmig_config *c,
			json_t *o);
/* bounce's maps into @o: "chassis_entries", "underlay_macs",
 * "nexthop_entries" (-1 when the map is absent). */
void ctlmaps_bounce_status(struct maps *m, json_t *o);
/*
 * The datapath lease as the config shows it (abi.h): "fresh" (the
 * agent's entries apply), "expires_in_ms", "age_ms" (since the last
 * renewal) and "s" (its length); the last two null if never renewed.
 */
json_t *ctlmaps_lease_json(const struct ovnmig_config *c);
/*
 * The map commands, served by ovnmigd and, when it is down, by ovnmigctl
 * straight on the pinned maps: one list for both, with the server's
 * handler (NULL in ovnmigctl's copy).
 */
#define CTL_MAPS_COMMANDS(fn)						\
	{ "steer/list", "", 0, 0, fn, 0 },				\
	{ "steer/add", "DP PORT OLD-REMOTE NEW-REMOTE [SECONDS] [drop]",	\
	  4, 6, fn, CTL_F_WRITE | CTL_F_HAND },				\
	{ "steer/del", "DP PORT", 2, 2, fn, CTL_F_WRITE },		\
	{ "steer/flush", "", 0, 0, fn, CTL_F_WRITE | CTL_F_FLUSH },	\
	{ "bounce/list", "", 0, 0, fn, 0 },				\
	{ "bounce/add", "DP PORT NEW-HOST [SECONDS]", 3, 4, fn,		\
	  CTL_F_WRITE | CTL_F_HAND },					\
	{ "bounce/del", "DP PORT", 2, 2, fn, CTL_F_WRITE },		\
	{ "bounce/flush", "", 0, 0, fn, CTL_F_WRITE | CTL_F_FLUSH },	\
	{ "chassis/list", "", 0, 0, fn, 0 },				\
	{ "chassis/add", "ADDRESS", 1, 1, fn, CTL_F_WRITE | CTL_F_HAND }, \
	{ "chassis/del", "ADDRESS", 1, 1, fn, CTL_F_WRITE },		\
	{ "nexthop/list", "", 0, 0, fn, 0 },				\
	{ "nexthop/resolve", "ADDRESS [SECONDS]", 1, 2, fn, CTL_F_WRITE }, \
	{ "nexthop/del", "ADDRESS", 1, 1, fn, CTL_F_WRITE },		\
	{ "underlay/list", "", 0, 0, fn, 0 },				\
	{ "underlay/set", "DEV", 1, 1, fn, CTL_F_WRITE },		\
	{ "stats", "", 0, 0, fn, 0 },					\
	{ "maps/status", "", 0, 0, fn, 0 }

extern const struct ctl_command ctlmaps_commands[];	/* fn == NULL */

#endif /* OVNMIG_CTL_H */
