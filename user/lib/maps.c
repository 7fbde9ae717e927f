// SPDX-License-Identifier: GPL-2.0-only
/*
 * maps: pinned map access for ovnmigd and ovnmigctl (see maps.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "maps.h"
#include "nexthop.h"
#include "maps_evidence.h"
#include "util.h"

/* Both parts of the prefilter (abi.h): per VNI, per (VNI, port). */
#define VNI_BYTES	((size_t)OVNMIG_STEER_FILTER_WORDS * sizeof(uint64_t))

const char *const maps_stat_names[OVNMIG_STAT_MAX] = {
#define MAPS_STAT_NAME(id, name) [OVNMIG_STAT_##id] = name,
	OVNMIG_STATS(MAPS_STAT_NAME)
#undef MAPS_STAT_NAME
};

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX], *s;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Open one pinned map, or create and pin it (layout of bpf/maps.h). */
static int open_one(struct maps *m, const char *name, bool create,
		    enum bpf_map_type type, uint32_t ksz, uint32_t vsz,
		    uint32_t max, uint32_t flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, co, .map_flags = flags);
	char path[PATH_MAX + 64];
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", m->dir, name);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		/* Refuse a map of another layout: writing it would be
		 * garbage for the datapath. */
		if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
		    info.type != type || info.key_size != ksz ||
		    info.value_size != vsz ||
		    (info.map_flags & flags) != flags ||
		    (flags && info.max_entries != max)) {
			close(fd);
			return -EPROTO;
		}
		return fd;
	}
	if (errno != ENOENT || !create)
		return -errno;
	fd = bpf_map_create(type, name, ksz, vsz, max, &co);
	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		close(fd);
		/* Lost a race with another loader: take theirs. */
		if (err == -EEXIST)
			return open_one(m, name, false, type, ksz, vsz, max,
					flags);
		return err;
	}
	m->created = true;
	return fd;
}

/*
 * The prefilter is optional: maps pinned by an older datapath lack it,
 * and then steer never consults it either.  Without it (or without
 * mmap) nothing is maintained and the filter is never switched on.
 */
static void vnis_open(struct maps *m, bool create)
{
	void *p;

	m->vnis_fd = open_one(m, OVNMIG_MAP_STEER_VNIS, create,
			      BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u64),
			      OVNMIG_STEER_FILTER_WORDS, BPF_F_MMAPABLE);
	if (m->vnis_fd < 0) {
		m->vnis_fd = -1;
		return;
	}
	/* Mapped: setting a bit is one atomic OR, no syscall. */
	p = mmap(NULL, VNI_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
		 m->vnis_fd, 0);
	if (p == MAP_FAILED) {
		close(m->vnis_fd);
		m->vnis_fd = -1;
		return;
	}
	m->vnis = p;
}

int maps_open(struct maps *m, const char *bpffs, bool create,
	      uint32_t max_entries)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->steer_fd = m->fwd_fd = m->stats_fd = m->config_fd = -1;
	m->vnis_fd = m->lock_fd = -1;
	m->chassis_fd = m->ifmac_fd = m->nexthop_fd = -1;
	m->vni_filter = -1;
	m->max_entries = max_entries ? max_entries : OVNMIG_STEER_MAX_ENTRIES;
	snprintf(m->dir, sizeof(m->dir), "%s/%s",
		 bpffs ? bpffs : MAPS_DEFAULT_BPFFS, OVNMIG_PIN_SUBDIR);
	if (create) {
		err = mkdir_p(m->dir);
		if (err)
			return err;
	}
	m->steer_fd = open_one(m, OVNMIG_MAP_STEER, create, BPF_MAP_TYPE_HASH,
			       sizeof(struct ovnmig_port_key),
			       sizeof(struct ovnmig_steer), m->max_entries, 0);
	if (m->steer_fd < 0)
		goto fail;
	m->fwd_fd = open_one(m, OVNMIG_MAP_FWD, create, BPF_MAP_TYPE_HASH,
			     sizeof(struct ovnmig_port_key),
			     sizeof(struct ovnmig_fwd), m->max_entries, 0);
	if (m->fwd_fd < 0)
		goto fail;
	m->stats_fd = open_one(m, OVNMIG_MAP_STATS, create,
			       BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
			       sizeof(struct ovnmig_counter), OVNMIG_STAT_MAX,
			       0);
	if (m->stats_fd < 0)
		goto fail;
	m->config_fd = open_one(m, OVNMIG_MAP_CONFIG, create,
				BPF_MAP_TYPE_ARRAY, sizeof(__u32),
				sizeof(struct ovnmig_config), 1, 0);
	if (m->config_fd < 0)
		goto fail;
	m->lock_fd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->lock_fd < 0)
		goto fail;
	vnis_open(m, create);
	/* Without them (maps pinned by an older datapath) bounce's checks
	 * are not there either; the commands say -ENODEV. */
	m->chassis_fd = open_one(m, OVNMIG_MAP_CHASSIS, create,
				 BPF_MAP_TYPE_HASH,
				 sizeof(struct ovnmig_chassis_key),
				 sizeof(struct ovnmig_chassis),
				 OVNMIG_CHASSIS_MAX_ENTRIES, 0);
	if (m->chassis_fd < 0)
		m->chassis_fd = -1;
	m->ifmac_fd = open_one(m, OVNMIG_MAP_IFMAC, create, BPF_MAP_TYPE_ARRAY,
			       sizeof(__u32), sizeof(struct ovnmig_ifmac),
			       OVNMIG_IFMAC_SLOTS, 0);
	if (m->ifmac_fd < 0)
		m->ifmac_fd = -1;
	/* Without it bounce asks the FIB (an older datapath). */
	m->nexthop_fd = open_one(m, OVNMIG_MAP_NEXTHOP, create,
				 BPF_MAP_TYPE_ARRAY, sizeof(__u32),
				 sizeof(struct ovnmig_nexthop),
				 OVNMIG_NEXTHOP_MAX_ENTRIES, 0);
	if (m->nexthop_fd < 0)
		m->nexthop_fd = -1;
	maps_recount(m);
	return 0;
fail:
	err = m->steer_fd < 0 ? m->steer_fd : m->fwd_fd < 0 ? m->fwd_fd :
	      m->stats_fd < 0 ? m->stats_fd : m->config_fd < 0 ?
	      m->config_fd : -errno;
	maps_close(m);
	return err;
}

void maps_close(struct maps *m)
{
	int *fds[] = { &m->steer_fd, &m->fwd_fd, &m->stats_fd, &m->config_fd,
		       &m->vnis_fd, &m->lock_fd, &m->chassis_fd,
		       &m->ifmac_fd, &m->nexthop_fd };
	size_t i;

	if (m->vnis)
		munmap(m->vnis, VNI_BYTES);
	m->vnis = NULL;
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	free(m->buf);
	m->buf = NULL;
	m->buf_cap = 0;
	free(m->nh_host);
	m->nh_host = NULL;
	m->active_known = false;
}

int maps_config_get(struct maps *m, struct ovnmig_config *c)
{
	__u32 zero = 0;

	memset(c, 0, sizeof(*c));
	return bpf_map_lookup_elem(m->config_fd, &zero, c) ? -errno : 0;
}

int maps_config_set(struct maps *m, const struct ovnmig_config *c)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(m->config_fd, &zero, c, BPF_ANY)) {
		m->active_known = false;
		return -errno;
	}
	m->active_known = true;
	m->steer_on = c->steer_active;
	m->fwd_on = c->fwd_active;
	m->cfg_flags = c->flags;
	return 0;
}

/* config.flags as this writer wants them (vni_filter), from @flags. */
static uint32_t want_flags(const struct maps *m, uint32_t flags)
{
	const uint32_t both = OVNMIG_CFG_STEER_VNI_FILTER |
			      OVNMIG_CFG_STEER_PORT_FILTER;

	if (m->vni_filter > 0)
		return flags | both;
	if (!m->vni_filter)
		return flags & ~both;
	return flags;
}

static int set_active(struct maps *m, bool steer, bool fwd)
{
	struct ovnmig_config c;
	int err;

	steer = steer && !m->steer_hold;
	/* The common case, every batch: nothing to change, no syscall. */
	if (m->active_known && m->steer_on == steer && m->fwd_on == fwd &&
	    want_flags(m, m->cfg_flags) == m->cfg_flags)
		return 0;
	err = maps_config_get(m, &c);
	if (err)
		return err;
	m->active_known = true;
	m->steer_on = c.steer_active;
	m->fwd_on = c.fwd_active;
	m->cfg_flags = c.flags;
	if (c.steer_active == steer && c.fwd_active == fwd &&
	    want_flags(m, c.flags) == c.flags)
		return 0;
	c.steer_active = steer;
	c.fwd_active = fwd;
	c.flags = want_flags(m, c.flags);
	return maps_config_set(m, &c);
}

int maps_sync_active(struct maps *m)
{
	return set_active(m, m->n_steer > 0, m->n_fwd > 0);
}

int maps_recheck_active(struct maps *m)
{
	m->active_known = false;
	return maps_sync_active(m);
}

int maps_lease_renew(struct maps *m, uint64_t now_ns, uint64_t len_ns)
{
	struct ovnmig_config c;
	int err = maps_config_get(m, &c);

	if (err)
		return err;
	c.lease_ns = now_ns + len_ns;
	c.lease_renewed_ns = now_ns;
	return maps_config_set(m, &c);
}

int maps_set_local(struct maps *m, const struct ovnmig_ip *ip, bool v6)
{
	struct ovnmig_config c;
	int err = maps_config_get(m, &c);

	if (err)
		return err;
	if (v6)
		memcpy(c.local_v6, ip->v6, sizeof(c.local_v6));
	else
		c.local_v4 = ip->v4;
	return maps_config_set(m, &c);
}

static int count_map(int fd)
{
	struct ovnmig_port_key k, next;
	void *prev = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

int maps_recount(struct maps *m)
{
	m->n_steer = count_map(m->steer_fd);
	m->n_fwd = count_map(m->fwd_fd);
	return 0;
}

/* ---- the per-VNI steer prefilter (locking: see maps.h) ---- */

static int dir_lock(struct maps *m, int how)
{
	while (flock(m->lock_fd, how))
		if (errno != EINTR)
			return -errno;
	return 0;
}

static void dir_unlock(struct maps *m)
{
	flock(m->lock_fd, LOCK_UN);
}

/*
 * The prefilter's two bits of key @k (abi.h): word index and bit, per
 * VNI ([0]) and per (VNI, port) ([1]).
 */
static void key_bits(const struct ovnmig_port_key *k, uint32_t w[2],
		     uint64_t bit[2])
{
	uint32_t vni = k->dp_key & OVNMIG_VNI_MASK;
	uint32_t b = ovnmig_steer_port_bit(vni, k->port_key);

	w[0] = vni / 64;
	bit[0] = 1ull << (vni % 64);
	w[1] = OVNMIG_STEER_VNI_WORDS + b / 64;
	bit[1] = 1ull << (b % 64);
}

/*
 * Set the bits of @n keys, before their entries are written, under the
 * shared lock taken by the caller.  A bit already set costs a load.
 */
static void vni_mark(struct maps *m, const struct ovnmig_port_key *k,
		     uint32_t n)
{
	uint32_t i, j, w[2];
	uint64_t bit[2];

	for (i = 0; i < n; i++) {
		key_bits(&k[i], w, bit);
		for (j = 0; j < 2; j++)
			if (!(__atomic_load_n(&m->vnis[w[j]],
					      __ATOMIC_RELAXED) & bit[j]))
				__atomic_fetch_or(&m->vnis[w[j]], bit[j],
						  __ATOMIC_SEQ_CST);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct vni_want {
	uint32_t w;
	uint64_t bits;
};

static int cmp_want(const void *a, const void *b)
{
	uint32_t x = ((const struct vni_want *)a)->w;
	uint32_t y = ((const struct vni_want *)b)->w;

	return x < y ? -1 : x > y;
}

/*
 * Recompute bitmap words from the steer map's keys: the @nw words of
 * @words (sorted, unique), or every word (@words NULL).  What the keys
 * want is collected sparsely, two words per key, and merged: a 4 MiB
 * copy of the bitmap, zeroed for every full rebuild, stayed resident in
 * every agent (its peak RSS).  Returns how many words changed, or
 * -errno if the walk broke off (then nothing is written: an unseen
 * entry could lose its bit).
 */
static int vni_rebuild(struct maps *m, const uint32_t *words, size_t nw)
{
	struct ovnmig_port_key k, next;
	struct vni_want *want = NULL;
	size_t n = 0, cap = 0, i, j;
	void *prev = NULL;
	int err, changed = 0;

	if (!m->vnis)
		return -ENODEV;
	err = dir_lock(m, LOCK_EX);
	if (err)
		return err;
	for (;;) {
		uint32_t w[2];
		uint64_t bit[2];

		if (bpf_map_get_next_key(m->steer_fd, prev, &next)) {
			err = errno == ENOENT ? 0 : -errno;
			break;
		}
		key_bits(&next, w, bit);
		for (j = 0; j < 2; j++) {
			if (words &&
			    !bsearch(&w[j], words, nw, sizeof(w[j]), cmp_u32))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				want = xrealloc(want, cap * sizeof(*want));
			}
			want[n].w = w[j];
			want[n++].bits = bit[j];
		}
		k = next;
		prev = &k;
	}
	if (n)
		qsort(want, n, sizeof(*want), cmp_want);
	for (i = j = 0; i < n; i++) {
		if (j && want[j - 1].w == want[i].w)
			want[j - 1].bits |= want[i].bits;
		else
			want[j++] = want[i];
	}
	n = j;
	/* Only words that differ are written: the datapath reads the
	 * others undisturbed.  Both walks go up: one merge. */
	for (i = j = 0; !err && i < (words ? nw : OVNMIG_STEER_FILTER_WORDS);
	     i++) {
		uint32_t w = words ? words[i] : i;
		uint64_t v = 0;

		while (j < n && want[j].w < w)
			j++;
		if (j < n && want[j].w == w)
			v = want[j].bits;
		if (__atomic_load_n(&m->vnis[w], __ATOMIC_RELAXED) == v)
			continue;
		__atomic_store_n(&m->vnis[w], v, __ATOMIC_SEQ_CST);
		changed++;
	}
	dir_unlock(m);
	free(want);
	return err ? err : changed;
}

int maps_vni_rebuild(struct maps *m)
{
	return vni_rebuild(m, NULL, 0);
}

/*
 * After deleting @n keys: only their words can need a bit cleared, so
 * only those are recomputed (the walk is the same, the 4 MiB compare of
 * a full rebuild is saved on every batch).  @words: room for 2 * @n.
 */
static int vni_rebuild_keys(struct maps *m, const struct ovnmig_port_key *k,
			    uint32_t n, uint32_t *words)
{
	uint32_t i, nw = 0;
	uint64_t bit[2];

	for (i = 0; i < n; i++)
		key_bits(&k[i], &words[2 * i], bit);
	n *= 2;
	qsort(words, n, sizeof(*words), cmp_u32);
	for (i = 0; i < n; i++)
		if (!nw || words[nw - 1] != words[i])
			words[nw++] = words[i];
	return vni_rebuild(m, words, nw);
}

int maps_vni_filter(struct maps *m, bool on)
{
	int err;

	if (on) {
		/* Bits first (entries left by an earlier run, or written
		 * without this code), then the flag. */
		err = maps_vni_rebuild(m);
		if (err < 0)
			return err;
	}
	m->vni_filter = on;
	return maps_recheck_active(m);
}

bool maps_vni_isset(const struct maps *m, uint32_t vni)
{
	vni &= OVNMIG_VNI_MASK;
	return m->vnis &&
	       (__atomic_load_n(&m->vnis[vni / 64], __ATOMIC_RELAXED) >>
		(vni % 64)) & 1;
}

int maps_vni_list(const struct maps *m, uint32_t *out, int max)
{
	uint32_t i;
	int n = 0;

	for (i = 0; m->vnis && i < OVNMIG_STEER_VNI_WORDS; i++) {
		uint64_t w = __atomic_load_n(&m->vnis[i], __ATOMIC_RELAXED);

		while (w) {
			int b = __builtin_ctzll(w);

			if (out && n < max)
				out[n] = i * 64 + b;
			n++;
			w &= w - 1;
		}
	}
	return n;
}

/* Write @n keys/values in one syscall, or one by one where the kernel
 * has no batch op (or refuses part of it). */
static int update_batch(int fd, void *keys, void *vals, size_t vsz,
			uint32_t n)
{
	uint32_t cnt = n, i;
	int err = 0;

	if (!n)
		return 0;
	if (!bpf_map_update_batch(fd, keys, vals, &cnt, NULL) && cnt == n)
		return 0;
	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(fd, (char *)keys +
					i * sizeof(struct ovnmig_port_key),
					(char *)vals + i * vsz, BPF_ANY))
			err = -errno;
	}
	return err;
}

static int delete_batch(int fd, void *keys, uint32_t n)
{
	uint32_t cnt = n, i;
	int err = 0;

	if (!n)
		return 0;
	if (!bpf_map_delete_batch(fd, keys, &cnt, NULL) && cnt == n)
		return 0;
	/* A missing key stops the batch: finish one by one. */
	for (i = 0; i < n; i++) {
		if (bpf_map_delete_elem(fd, (char *)keys +
					i * sizeof(struct ovnmig_port_key)) &&
		    errno != ENOENT)
			err = -errno;
	}
	return err;
}

int maps_apply(struct maps *m, const struct policy_op *ops, int n,
	       int n_steer_after, int n_fwd_after)
{
	struct ovnmig_port_key *sk_set, *sk_del, *fk_set, *fk_del;
	struct ovnmig_steer *sv;
	struct ovnmig_fwd *fv;
	uint32_t ns = 0, nsd = 0, nf = 0, nfd = 0, *vni_words;
	uint32_t ns_fresh = 0, nf_fresh = 0;
	bool trust = n_steer_after >= 0 && n_fwd_after >= 0;
	size_t per = 4 * sizeof(*sk_set) + sizeof(*sv) + sizeof(*fv) +
		     2 * sizeof(uint32_t);
	size_t cnt = n > 0 ? (size_t)n : 1;
	int i, err, e;

	/* One scratch area kept across batches: no allocation per batch. */
	if (m->buf_cap < cnt) {
		m->buf = xrealloc(m->buf, cnt * per);
		m->buf_cap = cnt;
	}
	/* Values first: their alignment is the strictest. */
	sv = m->buf;
	fv = (struct ovnmig_fwd *)(sv + cnt);
	sk_set = (struct ovnmig_port_key *)(fv + cnt);
	sk_del = sk_set + cnt;
	fk_set = sk_del + cnt;
	fk_del = fk_set + cnt;
	vni_words = (uint32_t *)(fk_del + cnt);
	for (i = 0; i < n; i++) {
		const struct policy_op *o = &ops[i];

		/* Fresh sets from the top of the arrays down, the others
		 * from the bottom up; joined below. */
		if (o->kind == POLICY_STEER && o->del) {
			sk_del[nsd++] = o->key;
		} else if (o->kind == POLICY_STEER && o->fresh && trust) {
			ns_fresh++;
			sk_set[cnt - ns_fresh] = o->key;
			sv[cnt - ns_fresh] = o->steer;
		} else if (o->kind == POLICY_STEER) {
			sk_set[ns] = o->key;
			sv[ns++] = o->steer;
		} else if (o->del) {
			fk_del[nfd++] = o->key;
		} else if (o->fresh && trust) {
			nf_fresh++;
			fk_set[cnt - nf_fresh] = o->key;
			fv[cnt - nf_fresh] = o->fwd;
		} else {
			fk_set[nf] = o->key;
			fv[nf] = o->fwd;
			/* The new host's next-hop slot (abi.h), given now. */
			fv[nf].nh_slot = maps_nexthop_slot(m, &o->fwd);
			fv[nf++].pad = 0;
		}
	}
	/* A rewrite of the same move keeps the datapath's counts: only
	 * the sets that are not fresh may have any (maps_evidence.h). */
	maps_evidence_carry_steer(m, sk_set, sv, ns);
	maps_evidence_carry_fwd(m, fk_set, fv, nf);
	memmove(sk_set + ns, sk_set + cnt - ns_fresh, ns_fresh * sizeof(*sk_set));
	memmove(sv + ns, sv + cnt - ns_fresh, ns_fresh * sizeof(*sv));
	ns += ns_fresh;
	memmove(fk_set + nf, fk_set + cnt - nf_fresh, nf_fresh * sizeof(*fk_set));
	memmove(fv + nf, fv + cnt - nf_fresh, nf_fresh * sizeof(*fv));
	nf += nf_fresh;
	/* Turn the lookups on before the first entry lands. */
	err = 0;
	if ((ns && !m->n_steer) || (nf && !m->n_fwd))
		err = set_active(m, m->n_steer || ns, m->n_fwd || nf);
	if (ns && m->vnis) {
		/* Held to the end of the insert: see maps.h. */
		e = dir_lock(m, LOCK_SH);
		if (e)
			return e;
		vni_mark(m, sk_set, ns);
	}
	e = update_batch(m->steer_fd, sk_set, sv, sizeof(*sv), ns);
	if (ns && m->vnis)
		dir_unlock(m);
	err = err ? err : e;
	e = update_batch(m->fwd_fd, fk_set, fv, sizeof(*fv), nf);
	err = err ? err : e;
	e = delete_batch(m->steer_fd, sk_del, nsd);
	err = err ? err : e;
	e = delete_batch(m->fwd_fd, fk_del, nfd);
	err = err ? err : e;
	/* Bits of VNIs left without entries go after the deletes. */
	if (nsd && m->vnis) {
		e = vni_rebuild_keys(m, sk_del, nsd, vni_words);
		err = err ? err : e < 0 ? e : 0;
	}
	/* The caller usually knows the counts; walking a big map after
	 * every batch would cost more than the batch. */
	if (err || n_steer_after < 0 || n_fwd_after < 0) {
		maps_recount(m);
	} else {
		m->n_steer = n_steer_after;
		m->n_fwd = n_fwd_after;
	}
	e = maps_sync_active(m);
	return err ? err : e;
}

static int kind_fd(const struct maps *m, enum policy_op_kind kind)
{
	return kind == POLICY_STEER ? m->steer_fd : m->fwd_fd;
}

int maps_foreach(struct maps *m, enum policy_op_kind kind,
		 int (*cb)(void *ctx, const struct policy_op *e), void *ctx)
{
	struct policy_op e = { .kind = kind };
	void *val = kind == POLICY_STEER ? (void *)&e.steer : (void *)&e.fwd;
	struct ovnmig_port_key next;
	int fd = kind_fd(m, kind), r;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		e.key = next;
		prev = &e.key;
		if (bpf_map_lookup_elem(fd, &e.key, val))
			continue;	/* deleted meanwhile */
		r = cb(ctx, &e);
		if (r)
			return r;
	}
	return 0;
}

/* The keys a sweep removes: collected first, as deleting while walking
 * restarts the walk. */
struct sweep {
	uint64_t now;
	bool all;
	struct ovnmig_port_key *keys;
	size_t n, cap;
};

static int sweep_cb(void *ctx, const struct policy_op *e)
{
	struct sweep *s = ctx;

	if (!s->all && POLICY_OP_FIELD(e, expires_ns) > s->now)
		return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->keys = xrealloc(s->keys, s->cap * sizeof(*s->keys));
	}
	s->keys[s->n++] = e->key;
	return 0;
}

/* Remove the entries of @kind that expired by @now (@all: every one). */
static int sweep_map(struct maps *m, enum policy_op_kind kind, uint64_t now,
		     bool all)
{
	struct sweep s = { .now = now, .all = all };
	int fd = kind_fd(m, kind), removed = 0;
	size_t i;

	maps_foreach(m, kind, sweep_cb, &s);
	for (i = 0; i < s.n; i++)
		if (!bpf_map_delete_elem(fd, &s.keys[i]))
			removed++;
	free(s.keys);
	return removed;
}

int maps_sweep(struct maps *m, uint64_t now_ns)
{
	int n = sweep_map(m, POLICY_STEER, now_ns, false);

	/* Expired entries of any VNI: the whole bitmap. */
	if (n && m->vnis)
		maps_vni_rebuild(m);
	n += sweep_map(m, POLICY_FWD, now_ns, false);
	if (n) {
		maps_recount(m);
		maps_sync_active(m);
	}
	return n;
}

int maps_flush(struct maps *m, bool steer)
{
	int n = sweep_map(m, steer ? POLICY_STEER : POLICY_FWD, 0, true);

	if (steer && m->vnis)
		maps_vni_rebuild(m);
	maps_recount(m);
	maps_sync_active(m);
	return n;
}

int maps_stats(struct maps *m, struct ovnmig_counter out[OVNMIG_STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct ovnmig_counter *per;
	__u32 i;

	memset(out, 0, sizeof(*out) * OVNMIG_STAT_MAX);
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	per = xcalloc(ncpu, sizeof(*per));
	for (i = 0; i < OVNMIG_STAT_MAX; i++) {
		if (bpf_map_lookup_elem(m->stats_fd, &i, per))
			continue;
		for (c = 0; c < ncpu; c++) {
			out[i].packets += per[c].packets;
			out[i].bytes += per[c].bytes;
		}
	}
	free(per);
	return 0;
}

int maps_parse_ip(const char *s, struct ovnmig_ip *ip, bool *v6)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, &ip->v4) == 1) {
		*v6 = false;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip->v6) == 1) {
		*v6 = true;
		return 0;
	}
	return -EINVAL;
}

const char *maps_fmt_ip(const struct ovnmig_ip *ip, bool v6, char *buf,
			size_t len)
{
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (const void *)ip->v6 :
		       (const void *)&ip->v4, buf, len))
		snprintf(buf, len, "?");
	return buf;
}
