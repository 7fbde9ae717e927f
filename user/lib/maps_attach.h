/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef OVNMIG_MAPS_ATTACH_H
#define OVNMIG_MAPS_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bounce_hold;

struct attach_opts {
	const char *bpffs;		/* NULL: /sys/fs/bpf */
	const char *genev_dev;		/* steer on its TC egress; NULL: skip */
	const char *underlay_dev;	/* bounce as XDP; NULL: skip */
	uint32_t max_entries;		/* 0: the ABI default */
	uint32_t xdp_flags;		/* XDP_FLAGS_* (e.g. SKB mode) */
	bool replace_xdp;		/* replace a foreign XDP program */
	/*
	 * Non-NULL: bounce on demand.  maps_attach loads it, pins its maps
	 * and writes the NIC's MAC, but attaches it only over an ovnmig
	 * bounce already there (a restart); *hold gets the loaded program
	 * for bounce_hold_set.  Why: XDP on a virtual NIC (veth, generic
	 * mode) costs every packet the NIC receives, migrating or not
	 * (docs/datapath.md, "What attaching costs").
	 */
	struct bounce_hold **hold;
};

/*
 * 0 or -errno with a "what: why" message in @err.  maps_attach: -EEXIST
 * when a program that is not ovnmig's is in the way (the message names
 * it: id and name) and was left alone.  maps_detach removes ovnmig's
 * programs only; on success @err is empty or says what it left alone.
 */
int maps_attach(const struct attach_opts *o, char *err, size_t len);
int maps_detach(const struct attach_opts *o, char *err, size_t len);

/*
 * Attach (@on) or detach the held bounce on its NIC: 0 or -errno with a
 * message in @err, -EEXIST when a program that is not ovnmig's is in
 * the way (left alone).  Attaching over ovnmig's own bounce is a no-op.
 */
int bounce_hold_set(struct bounce_hold *h, bool on, char *err, size_t len);
/* ovnmig's bounce is attached on the held NIC now (asks the kernel). */
bool bounce_hold_attached(const struct bounce_hold *h);
/* Drops the held program; an attachment stays (the kernel holds it). */
void bounce_hold_free(struct bounce_hold *h);

/*
 * The kind of @dev's root qdisc ("noqueue", "pfifo_fast", ...) into
 * @kind; 0 or -errno (-ENOENT: none reported).
 */
int attach_root_qdisc(const char *dev, char *kind, size_t len);

#endif /* OVNMIG_MAPS_ATTACH_H */
