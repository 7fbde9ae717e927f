// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attach and detach the datapath programs (build/bpf skeletons): steer on
 * TC egress of the Geneve device, bounce as XDP on the underlay NIC.
 * Maps are pinned by name under <bpffs>/tc/globals, so what ip/tc, an
 * earlier run or ovnmigd pinned is reused, never replaced.  Attaching is
 * idempotent (fixed TC handle/priority, replace); detaching removes only
 * what this code attaches (our TC handle, and XDP only if it is ours
 * or the caller says so).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "maps.h"
#include "maps_attach.h"

#ifndef OVNMIG_NO_SKEL
#include "steer.skel.h"
#include "bounce.skel.h"

#define ATTACH_TC_HANDLE	0x6081
#define ATTACH_TC_PRIO		0x6081

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int pin_maps(struct bpf_object *obj, const char *dir, uint32_t max)
{
	struct bpf_map *map;
	char path[PATH_MAX + 64];
	int err;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);

		if (strncmp(name, "ovnmig_", 7))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		err = bpf_map__set_pin_path(map, path);
		if (err)
			return err;
		if (max && (!strcmp(name, OVNMIG_MAP_STEER) ||
			    !strcmp(name, OVNMIG_MAP_FWD)))
			bpf_map__set_max_entries(map, max);
	}
	return 0;
}

/* bounce's ovnmig_ifmac entry for @dev (abi.h). */
static int ifmac_write(struct bounce *bo, const char *dev)
{
	struct ovnmig_ifmac v = {};
	uint32_t ifi;
	int ret = maps_ifmac_get_dev(dev, &ifi, v.mac);

	if (ret)
		return ret;
	if (bpf_map_update_elem(bpf_map__fd(bo->maps.ovnmig_ifmac), &ifi, &v,
				BPF_ANY))
		return -errno;
	return 0;
}

int maps_attach(const struct attach_opts *o, char *err, size_t len)
{
	struct steer *st = NULL;
	struct bounce *bo = NULL;
	struct maps m;
	int ret = 0, ifi;

	/* The maps first, so both objects reuse the same pins. */
	ret = maps_open(&m, o->bpffs, true, o->max_entries);
	if (ret)
		return fail(err, len, "maps under %s: %s", o->bpffs,
			    strerror(-ret)), ret;
	maps_close(&m);

	if (o->genev_dev && *o->genev_dev) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook,
				    .attach_point = BPF_TC_EGRESS);
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, tco,
				    .handle = ATTACH_TC_HANDLE,
				    .priority = ATTACH_TC_PRIO,
				    .flags = BPF_TC_F_REPLACE);

		ifi = if_nametoindex(o->genev_dev);
		if (!ifi) {
			ret = -errno;
			fail(err, len, "%s: %s", o->genev_dev, strerror(errno));
			goto out;
		}
		st = steer__open();
		if (!st) {
			ret = -errno;
			fail(err, len, "steer: open: %s", strerror(errno));
			goto out;
		}
		ret = pin_maps(st->obj, m.dir, o->max_entries);
		if (!ret)
			ret = steer__load(st);
		if (ret) {
			fail(err, len, "steer: load: %s", strerror(-ret));
			goto out;
		}
		hook.ifindex = ifi;
		/* An existing clsact (ours, or tc's) is fine: keep libbpf
		 * from printing the kernel's complaint about it. */
		{
			libbpf_print_fn_t old = libbpf_set_print(NULL);

			ret = bpf_tc_hook_create(&hook);
			libbpf_set_print(old);
		}
		if (ret && ret != -EEXIST) {
			fail(err, len, "%s: clsact: %s", o->genev_dev,
			     strerror(-ret));
			goto out;
		}
		tco.prog_fd = bpf_program__fd(st->progs.steer);
		ret = bpf_tc_attach(&hook, &tco);
		if (ret) {
			fail(err, len, "%s: tc egress attach: %s", o->genev_dev,
			     strerror(-ret));
			goto out;
		}
	}
	if (o->underlay_dev && *o->underlay_dev) {
		ifi = if_nametoindex(o->underlay_dev);
		if (!ifi) {
			ret = -errno;
			fail(err, len, "%s: %s", o->underlay_dev,
			     strerror(errno));
			goto out;
		}
		bo = bounce__open();
		if (!bo) {
			ret = -errno;
			fail(err, len, "bounce: open: %s", strerror(errno));
			goto out;
		}
		ret = pin_maps(bo->obj, m.dir, o->max_entries);
		if (!ret)
			ret = bounce__load(bo);
		if (ret) {
			fail(err, len, "bounce: load: %s", strerror(-ret));
			goto out;
		}
		/* The NIC's MAC first: bounce forwards nothing without. */
		ret = ifmac_write(bo, o->underlay_dev);
		if (ret) {
			fail(err, len, "%s: MAC for bounce: %s",
			     o->underlay_dev, strerror(-ret));
			goto out;
		}
		ret = bpf_xdp_attach(ifi, bpf_program__fd(bo->progs.bounce),
				     o->xdp_flags, NULL);
		if (ret) {
			fail(err, len, "%s: xdp attach: %s", o->underlay_dev,
			     strerror(-ret));
			goto out;
		}
	}
out:
	/* The attachments hold the programs; our handles can go. */
	steer__destroy(st);
	bounce__destroy(bo);
	return ret;
}

int maps_detach(const struct attach_opts *o, char *err, size_t len)
{
	int ret = 0, r, ifi;

	if (o->genev_dev && *o->genev_dev) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook,
				    .attach_point = BPF_TC_EGRESS);
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, tco,
				    .handle = ATTACH_TC_HANDLE,
				    .priority = ATTACH_TC_PRIO);

		ifi = if_nametoindex(o->genev_dev);
		if (!ifi)
			return fail(err, len, "%s: %s", o->genev_dev,
				    strerror(errno)), -ENODEV;
		hook.ifindex = ifi;
		r = bpf_tc_detach(&hook, &tco);
		if (r && r != -ENOENT) {
			fail(err, len, "%s: tc detach: %s", o->genev_dev,
			     strerror(-r));
			ret = r;
		}
	}
	if (o->underlay_dev && *o->underlay_dev) {
		ifi = if_nametoindex(o->underlay_dev);
		if (!ifi)
			return fail(err, len, "%s: %s", o->underlay_dev,
				    strerror(errno)), -ENODEV;
		LIBBPF_OPTS(bpf_xdp_query_opts, q);
		uint32_t flags = o->xdp_flags;

		/* Detach in the mode it was attached in (generic or
		 * native), whoever attached it. */
		if (!bpf_xdp_query(ifi, 0, &q)) {
			if (q.attach_mode == XDP_ATTACHED_NONE)
				return ret;
			if (q.attach_mode == XDP_ATTACHED_SKB)
				flags = XDP_FLAGS_SKB_MODE;
			else if (q.attach_mode == XDP_ATTACHED_DRV)
				flags = XDP_FLAGS_DRV_MODE;
		}
		r = bpf_xdp_detach(ifi, flags, NULL);
		if (r && r != -ENOENT) {
			fail(err, len, "%s: xdp detach: %s", o->underlay_dev,
			     strerror(-r));
			ret = r;
		}
	}
	return ret;
}

#else /* OVNMIG_NO_SKEL */

int maps_attach(const struct attach_opts *o, char *err, size_t len)
{
	(void)o;
	snprintf(err, len, "built without the datapath skeletons");
	return -EOPNOTSUPP;
}

int maps_detach(const struct attach_opts *o, char *err, size_t len)
{
	return maps_attach(o, err, len);
}

#endif
