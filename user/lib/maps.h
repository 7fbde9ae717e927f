/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * maps: the agent's and CLI's access to the pinned ovnmig maps of abi.h
 * (<bpffs>/tc/globals/ovnmig_*).  Opens what the datapath (ip, tc or a
 * skeleton) pinned, or creates and pins maps of exactly the layout of
 * bpf/maps.h so a later loader reuses them.  Writes are batched; the
 * config's steer_active/fwd_active follow the entry counts so the
 * datapath's idle path skips the lookups when nothing is installed.
 *
 * The per-VNI steer prefilter (ovnmig_steer_vnis, abi.h) is kept here
 * too, by every writer: maps_apply() sets a VNI's bit before the first
 * steer entry of that VNI is written; deletions (maps_apply, maps_sweep,
 * maps_flush) rebuild the bitmap from the steer map's contents
 * afterwards, which clears the bits of VNIs left without entries.  The
 * map's second half, one hashed bit per (VNI, egress port), is kept by
 * the same calls (abi.h: ovnmig_steer_port_bit()).
 *
 * Concurrency (ovnmigd and ovnmigctl -m may both write): an flock on the
 * pin directory.  Writers of steer entries hold it shared from setting
 * the bits to the end of the insert; a rebuild holds it exclusive from
 * the first key it reads to the last word it writes.  So no insert falls
 * between the rebuild's scan and its clear: an insert finished before
 * the scan is seen by it, one begun after the clear sets its bit again.
 * Deletions need no lock (a bit left set by a racing rebuild is only
 * slower, and the deleter's own rebuild clears it).  Tools that write
 * steer entries without this code (bpftool, tests' maptool) must set the
 * bits themselves or leave OVNMIG_CFG_STEER_VNI_FILTER and
 * OVNMIG_CFG_STEER_PORT_FILTER off.
 */
#ifndef OVNMIG_MAPS_H
#define OVNMIG_MAPS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <ovnmig/abi.h>

#define MAPS_DEFAULT_BPFFS	"/sys/fs/bpf"

/*
 * One map change, as the policy emits them in a batch and maps_apply()
 * writes them; del: remove the key, else write the value.
 */
enum policy_op_kind { POLICY_STEER, POLICY_FWD };

struct policy_op {
	enum policy_op_kind kind;
	bool del;
	/* A set the writer knows is the key's first entry: no counts of an
	 * earlier entry of the same move to carry (maps_apply()). */
	bool fresh;
	struct ovnmig_port_key key;
	union {
		struct ovnmig_steer steer;
		struct ovnmig_fwd fwd;
	};
};

/* A field both values have (expires_ns, generation, flags; abi.h). */
#define POLICY_OP_FIELD(o, f) \
	((o)->kind == POLICY_STEER ? (o)->steer.f : (o)->fwd.f)

struct maps {
	int steer_fd, fwd_fd, stats_fd, config_fd;
	int vnis_fd;			/* -1: no prefilter map */
	int chassis_fd, ifmac_fd;	/* -1: absent (an older datapath) */
	int nexthop_fd;			/* -1: absent (an older datapath) */
	int lock_fd;			/* the pin directory, for flock */
	uint64_t *vnis;			/* vnis_fd mmap'ed, or NULL */
	/*
	 * What the config's OVNMIG_CFG_STEER_VNI_FILTER should be: -1 leave
	 * it as it is (ovnmigctl), 0 off, 1 on (ovnmigd, after a rebuild).
	 * Re-asserted with the active flags.
	 */
	int vni_filter;
	char dir[PATH_MAX];		/* <bpffs>/tc/globals */
	uint32_t max_entries;
	bool created;			/* we created (some of) them */
	int n_steer, n_fwd;		/* as last counted or written */
	/*
	 * The config's active flags as last read or written, so a batch
	 * costs no config syscall unless a flag changes.  Someone else
	 * may write the config: maps_recheck_active() re-reads it.
	 */
	bool active_known, steer_on, fwd_on;
	/* The agent refuses to steer (see ovnmigd's qdisc check): keep
	 * steer_active off whatever the count. */
	bool steer_hold;
	uint32_t cfg_flags;		/* config.flags as last read/written */
	void *buf;			/* maps_apply's scratch, reused */
	size_t buf_cap;
	/* nexthop.c's copy of each next-hop slot's host, or NULL; the
	 * slots in use are below nh_top; nh_last was found last. */
	struct ovnmig_chassis_key *nh_host;
	uint32_t nh_top, nh_last;
};

/*
 * Open the pinned maps under @bpffs (NULL: /sys/fs/bpf).  With @create,
 * missing maps are created with @max_entries (0: the ABI default) and
 * pinned.  Returns 0 or -errno; fds are -1 for maps that are absent.
 */
int maps_open(struct maps *m, const char *bpffs, bool create,
	      uint32_t max_entries);
void maps_close(struct maps *m);

/* Apply one batch of policy ops.  Sets the active flags first when
 * entries appear and clears them last when a map empties.  The counts
 * after the batch come from the caller (-1: count the maps).  A set
 * carries the counts of an entry of the same move it replaces (one
 * lookup each), unless it is fresh and the caller gave the counts (it
 * knows every entry). */
int maps_apply(struct maps *m, const struct policy_op *ops, int n,
	       int n_steer_after, int n_fwd_after);

/* Recount the entries (after changes made by someone else). */
int maps_recount(struct maps *m);

int maps_config_get(struct maps *m, struct ovnmig_config *c);
int maps_config_set(struct maps *m, const struct ovnmig_config *c);
/* Set the config's active flags from the current counts. */
int maps_sync_active(struct maps *m);
/* The same, re-reading the config first (someone else may write it). */
int maps_recheck_active(struct maps *m);
/*
 * Renew the datapath lease (abi.h, struct ovnmig_config): entries not
 * written by hand apply until @now_ns + @len_ns.  Read-modify-write of
 * the config; a racing writer (ovnmigctl -m setting the active flags)
 * can undo one renewal, which the next one repairs.
 */
int maps_lease_renew(struct maps *m, uint64_t now_ns, uint64_t len_ns);
/* Set this host's underlay address in the config. */
int maps_set_local(struct maps *m, const struct ovnmig_ip *ip, bool v6);

/*
 * Walk the steer (@kind POLICY_STEER) or the forwarding map: @cb gets
 * each entry as the op that would write it (del false); a non-zero
 * return from @cb stops the walk.
 */
int maps_foreach(struct maps *m, enum policy_op_kind kind,
		 int (*cb)(void *ctx, const struct policy_op *e), void *ctx);

/*
 * The steer prefilter.  maps_vni_rebuild() sets exactly the bits of the
 * VNIs that have steer entries (see the locking above); returns how many
 * words changed or -errno (-ENODEV without the prefilter map).
 * maps_vni_filter() rebuilds, then switches the datapath's use of the
 * prefilter on (@on), or switches it off; it stays so (re-asserted by
 * maps_recheck_active).
 */
int maps_vni_rebuild(struct maps *m);
int maps_vni_filter(struct maps *m, bool on);
bool maps_vni_isset(const struct maps *m, uint32_t vni);
/* VNIs whose bit is set; the first @max of them into @out (may be NULL). */
int maps_vni_list(const struct maps *m, uint32_t *out, int max);

/*
 * Who may use a forwarding pointer (abi.h; user/lib/maps_chassis.c).
 * maps_chassis_sync() makes ovnmig_chassis hold exactly the @n keys of
 * @want (sorted and deduplicated in place: maps_chassis_normalize(),
 * which returns the new count), stamping @generation; it writes the new
 * keys before it removes the old, and returns how many keys it holds.  maps_ifmac_set()
 * writes @dev's MAC for its ifindex: 1 written, 0 already so, -errno
 * (-EAFNOSUPPORT: not Ethernet, -EADDRNOTAVAIL: not unicast).  All
 * return -ENODEV when the map is absent.
 */
void maps_chassis_key(struct ovnmig_chassis_key *k,
		      const struct ovnmig_ip *ip, bool v6);
int maps_chassis_normalize(struct ovnmig_chassis_key *k, int n);
int maps_chassis_sync(struct maps *m, struct ovnmig_chassis_key *want,
		      int n, uint32_t generation, int *added, int *removed);
int maps_chassis_add(struct maps *m, const struct ovnmig_chassis_key *k,
		     uint32_t generation);
int maps_chassis_del(struct maps *m, const struct ovnmig_chassis_key *k);
int maps_chassis_count(struct maps *m);
int maps_foreach_chassis(struct maps *m,
			 int (*cb)(void *ctx,
				   const struct ovnmig_chassis_key *k,
				   const struct ovnmig_chassis *v),
			 void *ctx);
int maps_ifmac_get_dev(const char *dev, uint32_t *ifindex, uint8_t mac[6]);
/* 1: written, 0: unchanged; -EADDRINUSE: the slot is another NIC's. */
int maps_ifmac_write(int fd, uint32_t ifindex, const uint8_t mac[6]);
int maps_ifmac_set(struct maps *m, const char *dev);
int maps_foreach_ifmac(struct maps *m,
		       int (*cb)(void *ctx, uint32_t ifindex,
				 const struct ovnmig_ifmac *v),
		       void *ctx);

/* Remove every entry whose expires_ns is past; returns how many. */
int maps_sweep(struct maps *m, uint64_t now_ns);
/* Remove every entry of one map (steer: true, fwd: false). */
int maps_flush(struct maps *m, bool steer);

/* Sum the per-CPU counters. */
int maps_stats(struct maps *m, struct ovnmig_counter out[OVNMIG_STAT_MAX]);

extern const char *const maps_stat_names[OVNMIG_STAT_MAX];

/* "198.18.0.1" or "2001:db8::1" -> ovnmig_ip; 0 or -EINVAL. */
int maps_parse_ip(const char *s, struct ovnmig_ip *ip, bool *v6);
const char *maps_fmt_ip(const struct ovnmig_ip *ip, bool v6, char *buf,
			size_t len);

#endif /* OVNMIG_MAPS_H */
