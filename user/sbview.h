/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sbview: the typed view of the OVN Southbound and local OVS databases
 * that ovnmigd's policy works from.  The OVSDB client (ovsdb.c) keeps it
 * up to date from monitor updates; the policy (policy.c) only reads it
 * and gets told what changed.
 *
 * Contract between the follower (producer) and the policy (consumer):
 * - Every monitor update (one JSON-RPC "update"/"update2"/"update3", or
 *   the initial reply) is delivered as: begin(), then one call per
 *   changed row, then end().  The policy batches its map writes and
 *   commits them in end(): many changes in one update, one map write.
 * - Row pointers passed to a callback are valid only during the call;
 *   "old" is the row before the update (NULL: inserted), "new" after
 *   (NULL: deleted).
 * - Lookups (sbview_chassis_*, sbview_datapath_key) reflect the state
 *   after the whole update, so policy code may resolve references in end().
 */
#ifndef OVNMIG_SBVIEW_H
#define OVNMIG_SBVIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#define SBVIEW_UUID_LEN		36	/* textual UUID, without NUL */
#define SBVIEW_NAME_MAX		256
#define SBVIEW_MAX_ENCAPS	4
#define SBVIEW_MAX_ADDL		4	/* additional_chassis per binding */

struct sbview_uuid {
	char s[SBVIEW_UUID_LEN + 1];	/* "" when unset */
};

struct sbview_encap {
	int family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
	char type[16];			/* "geneve", "vxlan", ... */
};

struct sbview_chassis {
	struct sbview_uuid uuid;
	char name[SBVIEW_NAME_MAX];	/* Chassis.name == system-id */
	int n_encaps;
	struct sbview_encap encaps[SBVIEW_MAX_ENCAPS];
};

struct sbview_binding {
	struct sbview_uuid uuid;
	char logical_port[SBVIEW_NAME_MAX];
	char type[32];			/* "" for a VIF */
	uint32_t dp_key;		/* Datapath_Binding.tunnel_key, 0 unknown */
	uint32_t port_key;		/* Port_Binding.tunnel_key */
	struct sbview_uuid datapath;
	struct sbview_uuid chassis;	/* main chassis, "" when unbound */
	int n_additional;
	struct sbview_uuid additional[SBVIEW_MAX_ADDL];
	/* requested_chassis column (a Chassis uuid) and
	 * options:requested-chassis (comma-separated names). */
	struct sbview_uuid requested_chassis;
	char requested_opt[SBVIEW_NAME_MAX];
	/* options:additional-chassis-activated (comma-separated names). */
	char activated_opt[SBVIEW_NAME_MAX];
	bool up;
};

/* Local Open vSwitch DB: this host. */
struct sbview_local {
	char system_id[SBVIEW_NAME_MAX];	/* external_ids:system-id */
	int n_encaps;
	struct sbview_encap encaps[SBVIEW_MAX_ENCAPS];	/* ovn-encap-ip */
};

/* Local OVS Interface with external_ids:iface-id. */
struct sbview_iface {
	struct sbview_uuid uuid;
	char name[SBVIEW_NAME_MAX];
	char iface_id[SBVIEW_NAME_MAX];
	int64_t ofport;			/* -1 when not attached */
	bool link_up;			/* link_state == "up" */
};

struct sbview_ops {
	void (*begin)(void *ctx);
	void (*chassis)(void *ctx, const struct sbview_chassis *old,
			const struct sbview_chassis *new);
	void (*binding)(void *ctx, const struct sbview_binding *old,
			const struct sbview_binding *new);
	void (*local)(void *ctx, const struct sbview_local *old,
		      const struct sbview_local *new);
	void (*iface)(void *ctx, const struct sbview_iface *old,
		      const struct sbview_iface *new);
	void (*end)(void *ctx);
	/* The connection to a DB was lost (rows stay as they were until
	 * the resync's update says otherwise) or resynced. */
	void (*connection)(void *ctx, const char *db, bool connected);
};

struct sbview;

/* Lookups into the current state; NULL when unknown. */
const struct sbview_chassis *sbview_chassis_by_uuid(const struct sbview *v,
						     const char *uuid);
const struct sbview_chassis *sbview_chassis_by_name(const struct sbview *v,
						     const char *name);
const struct sbview_binding *sbview_binding_by_port(const struct sbview *v,
						     const char *logical_port);
const struct sbview_local *sbview_local(const struct sbview *v);

#endif /* OVNMIG_SBVIEW_H */
