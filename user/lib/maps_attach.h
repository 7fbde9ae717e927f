/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef OVNMIG_MAPS_ATTACH_H
#define OVNMIG_MAPS_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct attach_opts {
	const char *bpffs;		/* NULL: /sys/fs/bpf */
	const char *genev_dev;		/* steer on its TC egress; NULL: skip */
	const char *underlay_dev;	/* bounce as XDP; NULL: skip */
	uint32_t max_entries;		/* 0: the ABI default */
	uint32_t xdp_flags;		/* XDP_FLAGS_* (e.g. SKB mode) */
	bool replace_xdp;		/* replace a foreign XDP program */
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
 * The kind of @dev's root qdisc ("noqueue", "pfifo_fast", ...) into
 * @kind; 0 or -errno (-ENOENT: none reported).
 */
int attach_root_qdisc(const char *dev, char *kind, size_t len);

#endif /* OVNMIG_MAPS_ATTACH_H */
