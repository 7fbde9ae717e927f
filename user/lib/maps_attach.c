// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attach and detach the datapath programs (build/bpf skeletons): steer on
 * TC egress of the Geneve device, bounce as XDP on the underlay NIC.
 * Maps are pinned by name under <bpffs>/tc/globals, so what ip/tc, an
 * earlier run or ovnmigd pinned is reused, never replaced.
 *
 * Ownership: a program is ovnmig's when its name is steer or bounce and
 * it uses a map named ovnmig_steer or ovnmig_fwd (what the skeletons
 * load, whichever run loaded them).  Attaching replaces ovnmig's own
 * programs atomically (TC: our fixed handle/priority with replace; XDP:
 * XDP_FLAGS_REPLACE with the old program's fd), so an agent restart
 * re-attaches without a gap.  Anything else in the way (an operator's
 * XDP program, a foreign filter on our TC handle) is refused with its id
 * and name (-EEXIST), unless the caller asks to replace a foreign XDP
 * program.  Detaching removes only ovnmig's programs, again checked
 * against the id it found, and leaves anything else attached.
 */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "maps.h"
#include "maps_attach.h"
#include "util.h"

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

/* Name and "is it ovnmig's" of program @id (see the top comment). */
static bool prog_is_ours(uint32_t id, const char *want_name,
			 const char *want_map, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	uint32_t ids[64], i, ilen = sizeof(info);
	bool ours = false;
	int fd;

	snprintf(name, len, "?");
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return false;
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
		close(fd);
		return false;
	}
	close(fd);
	snprintf(name, len, "%s", info.name[0] ? info.name : "(no name)");
	if (strcmp(info.name, want_name))
		return false;
	for (i = 0; !ours && i < info.nr_map_ids &&
		    i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct bpf_map_info mi = {};
		uint32_t mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(mfd, &mi, &mlen) &&
		    !strcmp(mi.name, want_map))
			ours = true;
		close(mfd);
	}
	return ours;
}

/* The XDP program on @ifi (any mode): its id, 0 for none. */
static uint32_t xdp_prog_id(int ifi, uint32_t *mode_flags)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	*mode_flags = 0;
	if (bpf_xdp_query(ifi, 0, &q) || q.attach_mode == XDP_ATTACHED_NONE)
		return 0;
	if (q.attach_mode == XDP_ATTACHED_SKB)
		*mode_flags = XDP_FLAGS_SKB_MODE;
	else if (q.attach_mode == XDP_ATTACHED_DRV)
		*mode_flags = XDP_FLAGS_DRV_MODE;
	else if (q.attach_mode == XDP_ATTACHED_HW)
		*mode_flags = XDP_FLAGS_HW_MODE;
	/* Several modes at once (multi): the one that runs first. */
	return q.prog_id ? q.prog_id : q.hw_prog_id ? q.hw_prog_id :
	       q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
}

/* The program on our TC handle/priority of @hook: its id, 0 for none. */
static uint32_t tc_prog_id(struct bpf_tc_hook *hook)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = ATTACH_TC_HANDLE,
			    .priority = ATTACH_TC_PRIO);
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	int r = bpf_tc_query(hook, &q);

	libbpf_set_print(old);
	return r ? 0 : q.prog_id;
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

/* -EEXIST if our TC handle on @hook holds a program that is not ours. */
static int tc_foreign(const struct attach_opts *o, struct bpf_tc_hook *hook,
		      char *err, size_t len)
{
	char name[BPF_OBJ_NAME_LEN + 16];
	uint32_t id = tc_prog_id(hook);

	if (!id || prog_is_ours(id, "steer", OVNMIG_MAP_STEER, name,
				sizeof(name)))
		return 0;
	return fail(err, len, "%s: tc egress handle 0x%x priority 0x%x holds "
		    "program %u (%s), not ovnmig's steer: not replacing it",
		    o->genev_dev, ATTACH_TC_HANDLE, ATTACH_TC_PRIO, id, name),
	       -EEXIST;
}

/* -EEXIST if @ifi runs an XDP program that is not ours (and may not be
 * replaced). */
static int xdp_foreign(const struct attach_opts *o, int ifi, char *err,
		       size_t len)
{
	char name[BPF_OBJ_NAME_LEN + 16];
	uint32_t mode, id = xdp_prog_id(ifi, &mode);

	if (!id || o->replace_xdp ||
	    prog_is_ours(id, "bounce", OVNMIG_MAP_FWD, name, sizeof(name)))
		return 0;
	return fail(err, len, "%s: XDP program %u (%s) is attached and is not "
		    "ovnmig's bounce: not replacing it (--replace-xdp replaces "
		    "it)", o->underlay_dev, id, name), -EEXIST;
}

/* Both hooks, before attach touches anything. */
static int precheck(const struct attach_opts *o, char *err, size_t len)
{
	int ifi, ret;

	/* A device that is not there: attach reports it. */
	ifi = o->genev_dev && *o->genev_dev ? if_nametoindex(o->genev_dev) : 0;
	if (ifi) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifi,
				    .attach_point = BPF_TC_EGRESS);

		ret = tc_foreign(o, &hook, err, len);
		if (ret)
			return ret;
	}
	ifi = o->underlay_dev && *o->underlay_dev ?
	      if_nametoindex(o->underlay_dev) : 0;
	return ifi ? xdp_foreign(o, ifi, err, len) : 0;
}

/*
 * bounce on @ifi: over nothing (XDP_FLAGS_UPDATE_IF_NOEXIST), over our
 * own or, when asked, a foreign program (XDP_FLAGS_REPLACE with the fd
 * of the one found: the kernel swaps atomically and fails if it changed
 * meanwhile).
 */
static int attach_xdp(const struct attach_opts *o, int ifi, int prog_fd,
		      char *err, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, xo);
	uint32_t mode, id = xdp_prog_id(ifi, &mode);
	uint32_t flags = o->xdp_flags;
	int old_fd = -1, ret;

	if (id) {
		ret = xdp_foreign(o, ifi, err, len);
		if (ret)
			return ret;
		old_fd = bpf_prog_get_fd_by_id(id);
		if (old_fd < 0)
			return fail(err, len, "%s: XDP program %u: %s",
				    o->underlay_dev, id, strerror(errno)),
			       -errno;
		xo.old_prog_fd = old_fd;
		flags |= XDP_FLAGS_REPLACE;
	} else {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	}
	ret = bpf_xdp_attach(ifi, prog_fd, flags, &xo);
	if (old_fd >= 0)
		close(old_fd);
	if (ret == -EBUSY || ret == -EEXIST)
		return fail(err, len, "%s: xdp attach: %s%u changed meanwhile "
			    "or is attached in another XDP mode: not replaced",
			    o->underlay_dev, id ? "program " : "no program ",
			    id), -EEXIST;
	if (ret)
		return fail(err, len, "%s: xdp attach: %s", o->underlay_dev,
			    strerror(-ret)), ret;
	return 0;
}

/* bounce's ovnmig_ifmac entry for @dev (abi.h). */
static int ifmac_write(struct bounce *bo, const char *dev)
{
	uint8_t mac[6];
	uint32_t ifi;
	int ret = maps_ifmac_get_dev(dev, &ifi, mac);

	if (ret)
		return ret;
	ret = maps_ifmac_write(bpf_map__fd(bo->maps.ovnmig_ifmac), ifi, mac);
	return ret < 0 ? ret : 0;
}

static int detach_xdp(const struct attach_opts *o, int ifi, char *err,
		      size_t len);

/* bounce loaded but attached only on demand (maps_attach.h). */
struct bounce_hold {
	struct bounce *bo;
	struct attach_opts o;
	char dev[IF_NAMESIZE];
};

static int hold_new(const struct attach_opts *o, struct bounce **bo)
{
	struct bounce_hold *h = xcalloc(1, sizeof(*h));

	h->o = *o;
	h->o.hold = NULL;
	h->o.genev_dev = NULL;
	snprintf(h->dev, sizeof(h->dev), "%s", o->underlay_dev);
	h->o.underlay_dev = h->dev;
	h->bo = *bo;
	*bo = NULL;
	*o->hold = h;
	return 0;
}

bool bounce_hold_attached(const struct bounce_hold *h)
{
	char name[BPF_OBJ_NAME_LEN + 16];
	int ifi = if_nametoindex(h->dev);
	uint32_t mode, id = ifi ? xdp_prog_id(ifi, &mode) : 0;

	return id && prog_is_ours(id, "bounce", OVNMIG_MAP_FWD, name,
				  sizeof(name));
}

int bounce_hold_set(struct bounce_hold *h, bool on, char *err, size_t len)
{
	int ifi = if_nametoindex(h->dev);

	*err = 0;
	if (!ifi)
		return fail(err, len, "%s: %s", h->dev, strerror(errno)),
		       -ENODEV;
	if (!on)
		return detach_xdp(&h->o, ifi, err, len);
	if (bounce_hold_attached(h))
		return 0;
	return attach_xdp(&h->o, ifi, bpf_program__fd(h->bo->progs.bounce),
			  err, len);
}

void bounce_hold_free(struct bounce_hold *h)
{
	if (!h)
		return;
	bounce__destroy(h->bo);
	free(h);
}

int maps_attach(const struct attach_opts *o, char *err, size_t len)
{
	struct steer *st = NULL;
	struct bounce *bo = NULL;
	struct maps m;
	int ret = 0, ifi;

	/* Refuse before anything is loaded, pinned or attached. */
	ret = precheck(o, err, len);
	if (ret)
		return ret;
	/* The maps first, so both objects reuse the same pins. */
	ret = maps_open(&m, o->bpffs, true, o->max_entries);
	if (ret == -EEXIST)	/* -EEXIST means a foreign program */
		ret = -EIO;
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
		ret = tc_foreign(o, &hook, err, len);
		if (ret)
			goto out;
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
			     o->underlay_dev, ret == -EADDRINUSE ?
			     "another NIC running bounce has its ovnmig_ifmac slot (ifindex % 1024)" :
			     strerror(-ret));
			goto out;
		}
		/* On demand: kept loaded for bounce_hold_set; an ovnmig
		 * bounce already attached (a restart) is replaced by this
		 * build's, as below, and detached when it has no work. */
		if (!o->hold || xdp_prog_id(ifi, &(uint32_t){ 0 }))
			ret = attach_xdp(o, ifi, bpf_program__fd(bo->progs.bounce),
					 err, len);
		if (!ret && o->hold)
			ret = hold_new(o, &bo);
	}
out:
	/* The attachments hold the programs; our handles can go. */
	steer__destroy(st);
	bounce__destroy(bo);
	return ret;
}

/* Add "; " and a note to @err (detach's "left alone" notes). */
__attribute__((format(printf, 3, 4)))
static void note(char *err, size_t len, const char *fmt, ...)
{
	size_t used = strlen(err);
	va_list ap;

	if (used && used + 2 < len) {
		memcpy(err + used, "; ", 3);
		used += 2;
	}
	if (used >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(err + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * Remove ovnmig's bounce from @ifi, in the mode it was attached in and
 * only if it is still the program looked at (XDP_FLAGS_REPLACE); a
 * foreign program is left alone with a note in @err.
 */
static int detach_xdp(const struct attach_opts *o, int ifi, char *err,
		      size_t len)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, xo);
	char name[BPF_OBJ_NAME_LEN + 16];
	uint32_t mode, id = xdp_prog_id(ifi, &mode);
	int fd, r;

	if (!id)
		return 0;
	if (!prog_is_ours(id, "bounce", OVNMIG_MAP_FWD, name, sizeof(name))) {
		note(err, len, "%s: XDP program %u (%s) is not ovnmig's: left "
		     "attached", o->underlay_dev, id, name);
		return 0;
	}
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0 && errno == ENOENT)	/* gone meanwhile */
		return 0;
	if (fd < 0)
		return fail(err, len, "%s: XDP program %u: %s",
			    o->underlay_dev, id, strerror(errno)), -errno;
	xo.old_prog_fd = fd;
	r = bpf_xdp_attach(ifi, -1, mode | XDP_FLAGS_REPLACE, &xo);
	close(fd);
	if (r && r != -ENOENT)
		return fail(err, len, "%s: xdp detach: %s", o->underlay_dev,
			    strerror(-r)), r;
	return 0;
}

int maps_detach(const struct attach_opts *o, char *err, size_t len)
{
	char name[BPF_OBJ_NAME_LEN + 16];
	uint32_t id;
	int ret = 0, r, ifi;

	*err = 0;
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
		id = tc_prog_id(&hook);
		if (id && !prog_is_ours(id, "steer", OVNMIG_MAP_STEER, name,
					sizeof(name))) {
			note(err, len, "%s: tc egress program %u (%s) is not "
			     "ovnmig's: left attached", o->genev_dev, id,
			     name);
			id = 0;
		}
		/* bpf_tc_detach takes no program to compare: a filter
		 * replaced between the query and here would go too.  Our
		 * handle is ovnmig's own, so only another ovnmig can. */
		r = id ? bpf_tc_detach(&hook, &tco) : 0;
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
		r = detach_xdp(o, ifi, err, len);
		ret = ret ? ret : r;
	}
	return ret;
}

/*
 * The root qdisc of @dev, by an RTM_GETQDISC dump (the kernel dumps every
 * device's; we keep @dev's root).  clsact, where steer sits, hangs off
 * ffff:fff1 and is never the root.
 */
int attach_root_qdisc(const char *dev, char *kind, size_t len)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETQDISC,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1 },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	/* A dump's messages come in skbs of up to 32 KiB: a smaller
	 * buffer would truncate them. */
	static union {
		char buf[32768];
		struct nlmsghdr align;
	} u;
	int fd, ifi, ret = -ENOENT, n;
	bool done = false;

	snprintf(kind, len, "?");
	ifi = if_nametoindex(dev);
	if (!ifi)
		return -errno;
	req.tc.tcm_family = AF_UNSPEC;
	req.tc.tcm_ifindex = ifi;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	while (!done) {
		struct nlmsghdr *nh;

		n = recv(fd, u.buf, sizeof(u.buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (!n)
			break;
		for (nh = &u.align; NLMSG_OK(nh, (unsigned int)n);
		     nh = NLMSG_NEXT(nh, n)) {
			struct tcmsg *tc = NLMSG_DATA(nh);
			struct rtattr *a;
			int alen;

			if (nh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				ret = e->error ? e->error : ret;
				done = true;
				break;
			}
			if (nh->nlmsg_type != RTM_NEWQDISC ||
			    tc->tcm_ifindex != ifi || tc->tcm_parent != TC_H_ROOT)
				continue;
			alen = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*tc));
			for (a = (struct rtattr *)((char *)tc +
						   NLMSG_ALIGN(sizeof(*tc)));
			     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type != TCA_KIND)
					continue;
				snprintf(kind, len, "%.*s",
					 (int)RTA_PAYLOAD(a),
					 (char *)RTA_DATA(a));
				ret = 0;
			}
		}
	}
out:
	close(fd);
	return ret;
}
