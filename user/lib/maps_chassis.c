// SPDX-License-Identifier: GPL-2.0-only
/*
 * The maps that say who may use a forwarding pointer (abi.h): the other
 * chassis' tunnel endpoints (ovnmig_chassis) and the MAC of each NIC
 * bounce is attached to (ovnmig_ifmac).  See maps.h.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "maps.h"
#include "util.h"

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct ovnmig_chassis_key));
}

void maps_chassis_key(struct ovnmig_chassis_key *k,
		      const struct ovnmig_ip *ip, bool v6)
{
	memset(k, 0, sizeof(*k));
	if (v6) {
		memcpy(k->addr.v6, ip->v6, sizeof(k->addr.v6));
		k->flags = OVNMIG_F_IPV6;
	} else {
		k->addr.v4 = ip->v4;
	}
}

int maps_foreach_chassis(struct maps *m,
			 int (*cb)(void *ctx,
				   const struct ovnmig_chassis_key *k,
				   const struct ovnmig_chassis *v),
			 void *ctx)
{
	struct ovnmig_chassis_key k, next;
	struct ovnmig_chassis v;
	void *prev = NULL;
	int r;

	if (m->chassis_fd < 0)
		return -ENODEV;
	while (!bpf_map_get_next_key(m->chassis_fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(m->chassis_fd, &k, &v))
			continue;
		r = cb(ctx, &k, &v);
		if (r)
			return r;
	}
	return 0;
}

int maps_chassis_count(struct maps *m)
{
	struct ovnmig_chassis_key k, next;
	void *prev = NULL;
	int n = 0;

	if (m->chassis_fd < 0)
		return -ENODEV;
	while (!bpf_map_get_next_key(m->chassis_fd, prev, &next)) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

int maps_chassis_add(struct maps *m, const struct ovnmig_chassis_key *k,
		     uint32_t generation)
{
	struct ovnmig_chassis v = { .generation = generation };

	if (m->chassis_fd < 0)
		return -ENODEV;
	if (bpf_map_update_elem(m->chassis_fd, k, &v, BPF_ANY))
		return -errno;
	return 0;
}

int maps_chassis_del(struct maps *m, const struct ovnmig_chassis_key *k)
{
	if (m->chassis_fd < 0)
		return -ENODEV;
	if (bpf_map_delete_elem(m->chassis_fd, k))
		return -errno;
	return 0;
}

struct sync_ctx {
	const struct ovnmig_chassis_key *want;
	int n_want;
	struct ovnmig_chassis_key *stale;
	int n_stale, cap;
};

static int sync_cb(void *arg, const struct ovnmig_chassis_key *k,
		   const struct ovnmig_chassis *v)
{
	struct sync_ctx *s = arg;

	(void)v;
	if (bsearch(k, s->want, s->n_want, sizeof(*k), key_cmp))
		return 0;
	if (s->n_stale == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->stale = xrealloc(s->stale, s->cap * sizeof(*k));
	}
	s->stale[s->n_stale++] = *k;
	return 0;
}

int maps_chassis_normalize(struct ovnmig_chassis_key *k, int n)
{
	int i, j;

	qsort(k, n, sizeof(*k), key_cmp);
	/* Drop duplicates (two chassis rows, one address). */
	for (i = j = 0; i < n; i++)
		if (!j || key_cmp(&k[j - 1], &k[i]))
			k[j++] = k[i];
	return j;
}

/*
 * Wanted keys written first, the others removed after: a chassis that
 * stays is never missing for a moment.  A key already there with our
 * generation costs a lookup, not a write.
 */
int maps_chassis_sync(struct maps *m, struct ovnmig_chassis_key *want,
		      int n, uint32_t generation, int *added, int *removed)
{
	struct sync_ctx s = {};
	struct ovnmig_chassis v;
	int i, err = 0;

	*added = *removed = 0;
	if (m->chassis_fd < 0)
		return -ENODEV;
	n = maps_chassis_normalize(want, n);
	for (i = 0; i < n; i++) {
		if (!bpf_map_lookup_elem(m->chassis_fd, &want[i], &v) &&
		    v.generation == generation)
			continue;
		err = maps_chassis_add(m, &want[i], generation);
		if (err)
			return err;
		(*added)++;
	}
	s.want = want;
	s.n_want = n;
	maps_foreach_chassis(m, sync_cb, &s);
	for (i = 0; i < s.n_stale; i++)
		if (!maps_chassis_del(m, &s.stale[i]))
			(*removed)++;
	free(s.stale);
	return err ? err : n;
}

int maps_ifmac_get_dev(const char *dev, uint32_t *ifindex, uint8_t mac[6])
{
	struct ifreq ifr = {};
	int fd, err = 0;

	if (!dev || strlen(dev) >= IFNAMSIZ)
		return -EINVAL;
	*ifindex = if_nametoindex(dev);
	if (!*ifindex)
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	close(fd);
	if (err)
		return err;
	/* bounce compares 6 bytes: only Ethernet-like devices. */
	if (ifr.ifr_hwaddr.sa_family != 1 /* ARPHRD_ETHER */)
		return -EAFNOSUPPORT;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (mac[0] & 1)
		return -EADDRNOTAVAIL;
	return 0;
}

/*
 * ovnmig_ifmac is an array indexed by ifindex % OVNMIG_IFMAC_SLOTS
 * (abi.h): a slot that names another NIC which still exists is not
 * taken from it.  1: written, 0: unchanged, or -errno.
 */
int maps_ifmac_write(int fd, uint32_t ifindex, const uint8_t mac[6])
{
	uint32_t slot = ifindex % OVNMIG_IFMAC_SLOTS;
	struct ovnmig_ifmac v = { .ifindex = ifindex }, old;
	char name[IF_NAMESIZE];

	memcpy(v.mac, mac, 6);
	if (!bpf_map_lookup_elem(fd, &slot, &old)) {
		if (!memcmp(&old, &v, sizeof(v)))
			return 0;
		if (old.ifindex && old.ifindex != ifindex &&
		    if_indextoname(old.ifindex, name))
			return -EADDRINUSE;
	}
	if (bpf_map_update_elem(fd, &slot, &v, BPF_ANY))
		return -errno;
	return 1;
}

int maps_ifmac_set(struct maps *m, const char *dev)
{
	uint8_t mac[6];
	uint32_t ifi;
	int err;

	if (m->ifmac_fd < 0)
		return -ENODEV;
	err = maps_ifmac_get_dev(dev, &ifi, mac);
	if (err)
		return err;
	return maps_ifmac_write(m->ifmac_fd, ifi, mac);
}

int maps_foreach_ifmac(struct maps *m,
		       int (*cb)(void *ctx, uint32_t ifindex,
				 const struct ovnmig_ifmac *v),
		       void *ctx)
{
	struct ovnmig_ifmac v;
	uint32_t i;
	int r;

	if (m->ifmac_fd < 0)
		return -ENODEV;
	for (i = 0; i < OVNMIG_IFMAC_SLOTS; i++) {
		if (bpf_map_lookup_elem(m->ifmac_fd, &i, &v) || !v.ifindex)
			continue;
		r = cb(ctx, v.ifindex, &v);
		if (r)
			return r;
	}
	return 0;
}
