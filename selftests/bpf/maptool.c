// SPDX-License-Identifier: GPL-2.0-only
/*
 * maptool: write and read ovnmig's pinned maps from shell tests (the
 * agent's CLI is a separate part; tests must not depend on it).
 *
 *   maptool DIR config [v4=ADDR] [v6=ADDR] [steer=N] [fwd=N] [vnifilter=0|1]
 *                      [lease=SEC]   (the agent's lease: SEC from now;
 *                                     0: run out)
 *   maptool DIR vni VNI 0|1        (the VNI's bit in the steer prefilter)
 *   maptool DIR fwd VNI PORT HOST [TTL_SEC]
 *   maptool DIR steer VNI PORT OLD NEW [drop] [TTL_SEC]
 *   maptool DIR chassis ADDR [del] (bounce's known chassis endpoints)
 *   maptool DIR ifmac IFINDEX MAC  (the NIC's MAC bounce accepts)
 *   maptool DIR stat NAME          (prints packets, summed over CPUs)
 *   maptool DIR stats              (every non-zero counter: NAME=N ...)
 *   maptool DIR sim VNI PORT DST [COUNT [MS]]
 *                                  (run steer's decision, steer_sim on
 *                                   the pinned maps, COUNT times (1) every
 *                                   MS ms (10) for a packet of VNI/PORT
 *                                   encapsulated toward DST (IPv4); print
 *                                   the outcomes: NAME=N ...)
 *   maptool DIR simt VNI PORT DST COUNT MS
 *                                  (sim, and the windows on CLOCK_MONOTONIC
 *                                   of the first and last packet steer
 *                                   steered or dropped, from clock reads
 *                                   around each run: first=LO,HI
 *                                   last=LO,HI; with MAPTOOL_READY=FILE
 *                                   it creates FILE once loaded)
 *   maptool DIR now                (CLOCK_MONOTONIC ns, the datapath's clock)
 *   maptool DIR lease              (config lease_ns and lease_renewed_ns)
 *   maptool DIR skel               (load steer and bounce by their
 *                                   skeletons with pin_root_path DIR, as
 *                                   the agent does; print the map ids
 *                                   they got: NAME=ID ...)
 *
 * DIR is the directory holding the pins (<bpffs>/tc/globals).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ovnmig/abi.h>
#include <unistd.h>
#include "steer.skel.h"
#include "steer_sim.skel.h"
#include "bounce.skel.h"
#include "sim.h"
#include "statsum.h"
#include "lib/clock.h"

#define PROG "maptool"

static const char *const stat_names[] = {
#define N(id, name) name,
	OVNMIG_STATS(N)
#undef N
};

static int open_map(const char *dir, const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
	return fd;
}

/* Parse an address; returns 4 or 6, 0 on error. */
static int parse_ip(const char *s, struct ovnmig_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, &ip->v4) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, ip->v6) == 1)
		return 6;
	fprintf(stderr, PROG ": %s: not an IP address\n", s);
	return 0;
}

static __u64 expiry(const char *ttl)
{
	return mono_ns() + strtoull(ttl ? ttl : "3600", NULL, 0) * 1000000000ull;
}

static int cmd_config(const char *dir, int argc, char **argv)
{
	struct ovnmig_config c;
	struct ovnmig_ip ip;
	__u32 zero = 0;
	int fd = open_map(dir, OVNMIG_MAP_CONFIG), i;

	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, &c))
		return 1;
	for (i = 0; i < argc; i++) {
		char *v = strchr(argv[i], '=');

		if (!v) {
			fprintf(stderr, PROG ": config: %s: want key=value\n",
				argv[i]);
			return 2;
		}
		*v++ = 0;
		if (!strcmp(argv[i], "v4") && parse_ip(v, &ip) == 4)
			c.local_v4 = ip.v4;
		else if (!strcmp(argv[i], "v6") && parse_ip(v, &ip) == 6)
			memcpy(c.local_v6, ip.v6, 16);
		else if (!strcmp(argv[i], "steer"))
			c.steer_active = atoi(v);
		else if (!strcmp(argv[i], "fwd"))
			c.fwd_active = atoi(v);
		else if (!strcmp(argv[i], "lease"))	/* SEC from now */
			c.lease_ns = expiry(v);
		else if (!strcmp(argv[i], "vnifilter"))
			c.flags = atoi(v) ? c.flags | OVNMIG_CFG_STEER_VNI_FILTER :
				  c.flags & ~OVNMIG_CFG_STEER_VNI_FILTER;
		else {
			fprintf(stderr, PROG ": config: %s: unknown or bad\n",
				argv[i]);
			return 2;
		}
	}
	if (bpf_map_update_elem(fd, &zero, &c, BPF_ANY)) {
		fprintf(stderr, PROG ": config: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int cmd_vni(const char *dir, const char *vni_s, const char *on)
{
	__u32 vni = strtoul(vni_s, NULL, 0), idx = vni / 64;
	int fd = open_map(dir, OVNMIG_MAP_STEER_VNIS);
	__u64 w;

	if (fd < 0 || bpf_map_lookup_elem(fd, &idx, &w))
		return 1;
	if (atoi(on))
		w |= 1ull << (vni % 64);
	else
		w &= ~(1ull << (vni % 64));
	if (bpf_map_update_elem(fd, &idx, &w, BPF_ANY)) {
		fprintf(stderr, PROG ": vni: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int cmd_fwd(const char *dir, int argc, char **argv)
{
	struct ovnmig_port_key k = {};
	struct ovnmig_fwd v = { .generation = 1 };
	int fd, fam;

	if (argc < 3)
		return 2;
	k.dp_key = strtoul(argv[0], NULL, 0);
	k.port_key = strtoul(argv[1], NULL, 0);
	fam = parse_ip(argv[2], &v.new_host);
	if (!fam)
		return 2;
	v.flags = fam == 6 ? OVNMIG_F_IPV6 : 0;
	v.expires_ns = expiry(argc > 3 ? argv[3] : NULL);
	fd = open_map(dir, OVNMIG_MAP_FWD);
	if (fd < 0 || bpf_map_update_elem(fd, &k, &v, BPF_ANY)) {
		fprintf(stderr, PROG ": fwd: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int cmd_steer(const char *dir, int argc, char **argv)
{
	struct ovnmig_port_key k = {};
	struct ovnmig_steer v = { .generation = 1 };
	int fd, f1, f2, i = 4;

	if (argc < 4)
		return 2;
	k.dp_key = strtoul(argv[0], NULL, 0);
	k.port_key = strtoul(argv[1], NULL, 0);
	f1 = parse_ip(argv[2], &v.old_remote);
	f2 = parse_ip(argv[3], &v.new_remote);
	if (!f1 || f1 != f2)
		return 2;
	v.flags = f1 == 6 ? OVNMIG_F_IPV6 : 0;
	if (argc > i && !strcmp(argv[i], "drop")) {
		v.flags |= OVNMIG_F_DROP;
		i++;
	}
	v.expires_ns = expiry(argc > i ? argv[i] : NULL);
	fd = open_map(dir, OVNMIG_MAP_STEER);
	if (fd < 0 || bpf_map_update_elem(fd, &k, &v, BPF_ANY)) {
		fprintf(stderr, PROG ": steer: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static void print_ids(const char *who, struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(bpf_map__fd(m), &info, &len))
			printf("%s.%s=%u ", who, bpf_map__name(m), info.id);
	}
}

static int cmd_skel(const char *dir)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .pin_root_path = dir);
	struct steer *st = steer__open_opts(&o);
	struct bounce *bs = bounce__open_opts(&o);
	int rc = 1;

	if (!st || !bs || steer__load(st) || bounce__load(bs)) {
		fprintf(stderr, PROG ": skel: %s\n", strerror(errno));
		goto out;
	}
	print_ids("steer", st->obj);
	print_ids("bounce", bs->obj);
	printf("\n");
	rc = 0;
out:
	bounce__destroy(bs);
	steer__destroy(st);
	return rc;
}

static int cmd_chassis(const char *dir, int argc, char **argv)
{
	struct ovnmig_chassis_key k = {};
	struct ovnmig_chassis v = { .generation = 1 };
	int fd, fam, del = argc > 1 && !strcmp(argv[1], "del");

	if (argc < 1 || argc > 2 || (argc == 2 && !del))
		return 2;
	fam = parse_ip(argv[0], &k.addr);
	if (!fam)
		return 2;
	k.flags = fam == 6 ? OVNMIG_F_IPV6 : 0;
	fd = open_map(dir, OVNMIG_MAP_CHASSIS);
	if (fd < 0 || (del ? bpf_map_delete_elem(fd, &k) :
		       bpf_map_update_elem(fd, &k, &v, BPF_ANY))) {
		fprintf(stderr, PROG ": chassis: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int cmd_ifmac(const char *dir, const char *ifi_s, const char *mac_s)
{
	struct ovnmig_ifmac v = {};
	__u32 ifi = strtoul(ifi_s, NULL, 0), slot;
	unsigned int b[6];
	int fd, i;

	/* The NIC's slot, naming it (abi.h). */
	v.ifindex = ifi;
	slot = ifi % OVNMIG_IFMAC_SLOTS;
	if (!ifi || sscanf(mac_s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2],
			   &b[3], &b[4], &b[5]) != 6)
		return 2;
	for (i = 0; i < 6; i++)
		v.mac[i] = b[i];
	fd = open_map(dir, OVNMIG_MAP_IFMAC);
	if (fd < 0 || bpf_map_update_elem(fd, &slot, &v, BPF_ANY)) {
		fprintf(stderr, PROG ": ifmac: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int cmd_stats(const char *dir)
{
	int fd = open_map(dir, OVNMIG_MAP_STATS);
	uint64_t sum[OVNMIG_STAT_MAX];
	__u32 k;

	if (fd < 0 || stats_sum(fd, libbpf_num_possible_cpus(), sum))
		return 1;
	for (k = 0; k < OVNMIG_STAT_MAX; k++)
		if (sum[k])
			printf("%s=%llu ", stat_names[k],
			       (unsigned long long)sum[k]);
	printf("\n");
	return 0;
}

static int cmd_stat(const char *dir, const char *name)
{
	uint64_t sum[OVNMIG_STAT_MAX];
	__u32 k;
	int fd;

	for (k = 0; k < OVNMIG_STAT_MAX; k++)
		if (!strcmp(stat_names[k], name))
			break;
	if (k == OVNMIG_STAT_MAX) {
		fprintf(stderr, PROG ": stat: %s: no such counter\n", name);
		return 2;
	}
	fd = open_map(dir, OVNMIG_MAP_STATS);
	if (fd < 0 || stats_sum(fd, libbpf_num_possible_cpus(), sum))
		return 1;
	printf("%llu\n", (unsigned long long)sum[k]);
	return 0;
}

/*
 * steer's decision (steer.h, the code the TC program runs) through
 * steer_sim, loaded with the pins of DIR: what steer would do now with
 * the agent's maps, config and lease.  Counts in the pinned stats too.
 */
static int cmd_sim(const char *dir, int argc, char **argv, bool times)
{
	uint64_t t0, t1, first[2] = { 0 }, last[2] = { 0 };
	const char *ready = getenv("MAPTOOL_READY");
	LIBBPF_OPTS(bpf_object_open_opts, o, .pin_root_path = dir);
	struct { struct ovnmig_steer_sim h; __u8 opts[8]; } pkt = {};
	uint64_t a[OVNMIG_STAT_MAX], b[OVNMIG_STAT_MAX];
	unsigned long long seen[OVNMIG_STAT_MAX] = {};
	int ncpus = libbpf_num_possible_cpus();
	struct steer_sim *ss;
	struct ovnmig_ip dst;
	long i, count = argc > 3 ? atol(argv[3]) : 1;
	long ms = argc > 4 ? atol(argv[4]) : 10;
	int rc = 1, sfd;
	__u32 k;

	if (argc < 3 || argc > 5 || count < 1 || count > 100000 || ms < 0 ||
	    parse_ip(argv[2], &dst) != 4)
		return 2;
	pkt.h.key.tunnel_id = strtoul(argv[0], NULL, 0);
	pkt.h.key.tunnel_ttl = 64;
	pkt.h.key.tunnel_flags = htons(0x0001 | 0x0004 | 0x0100 | 0x0400 |
				       0x0800);
	pkt.h.key.local_ipv4 = ntohl(dst.v4);	/* on transmit: the dst */
	pkt.h.opts_len = 8;
	pkt.opts[0] = OVNMIG_OVN_OPT_CLASS >> 8;
	pkt.opts[1] = OVNMIG_OVN_OPT_CLASS & 0xff;
	pkt.opts[2] = OVNMIG_OVN_OPT_TYPE;
	pkt.opts[3] = OVNMIG_OVN_OPT_LEN / 4;
	pkt.opts[6] = strtoul(argv[1], NULL, 0) >> 8;
	pkt.opts[7] = strtoul(argv[1], NULL, 0) & 0xff;
	ss = steer_sim__open_opts(&o);
	if (!ss || steer_sim__load(ss)) {
		fprintf(stderr, PROG ": sim: %s\n", strerror(errno));
		goto out;
	}
	sfd = bpf_map__fd(ss->maps.ovnmig_stats);
	if (times && ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	for (i = 0; i < count; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = &pkt,
			    .data_size_in = sizeof(pkt), .repeat = 1);

		if (i && ms)
			usleep(ms * 1000);
		if (stats_sum(sfd, ncpus, a)) {
			fprintf(stderr, PROG ": sim: %s\n", strerror(errno));
			goto out;
		}
		t0 = mono_ns();
		if (bpf_prog_test_run_opts(bpf_program__fd(ss->progs.steer_sim),
					   &t)) {
			fprintf(stderr, PROG ": sim: %s\n", strerror(errno));
			goto out;
		}
		t1 = mono_ns();
		if (stats_sum(sfd, ncpus, b)) {
			fprintf(stderr, PROG ": sim: %s\n", strerror(errno));
			goto out;
		}
		if (b[OVNMIG_STAT_STEER_STEERED] != a[OVNMIG_STAT_STEER_STEERED] ||
		    b[OVNMIG_STAT_STEER_DROPPED_DUP] !=
		    a[OVNMIG_STAT_STEER_DROPPED_DUP]) {
			if (!first[0]) {
				first[0] = t0;
				first[1] = t1;
			}
			last[0] = t0;
			last[1] = t1;
		}
		for (k = 0; k < OVNMIG_STAT_MAX; k++)
			seen[k] += b[k] - a[k];
	}
	for (k = 0; k < OVNMIG_STAT_MAX; k++)
		if (seen[k])
			printf("%s=%llu ", stat_names[k], seen[k]);
	if (times)
		printf("first=%llu,%llu last=%llu,%llu ",
		       (unsigned long long)first[0],
		       (unsigned long long)first[1],
		       (unsigned long long)last[0], (unsigned long long)last[1]);
	printf("\n");
	rc = 0;
out:
	steer_sim__destroy(ss);
	return rc;
}

static int cmd_lease(const char *dir)
{
	int fd = open_map(dir, OVNMIG_MAP_CONFIG);
	struct ovnmig_config c;
	__u32 zero = 0;

	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, &c))
		return 1;
	printf("%llu %llu\n", (unsigned long long)c.lease_ns,
	       (unsigned long long)c.lease_renewed_ns);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc >= 3) {
		if (!strcmp(argv[2], "config"))
			rc = cmd_config(argv[1], argc - 3, argv + 3);
		else if (!strcmp(argv[2], "fwd"))
			rc = cmd_fwd(argv[1], argc - 3, argv + 3);
		else if (!strcmp(argv[2], "steer"))
			rc = cmd_steer(argv[1], argc - 3, argv + 3);
		else if (!strcmp(argv[2], "chassis"))
			rc = cmd_chassis(argv[1], argc - 3, argv + 3);
		else if (!strcmp(argv[2], "ifmac") && argc == 5)
			rc = cmd_ifmac(argv[1], argv[3], argv[4]);
		else if (!strcmp(argv[2], "skel") && argc == 3)
			rc = cmd_skel(argv[1]);
		else if (!strcmp(argv[2], "sim"))
			rc = cmd_sim(argv[1], argc - 3, argv + 3, false);
		else if (!strcmp(argv[2], "simt"))
			rc = cmd_sim(argv[1], argc - 3, argv + 3, true);
		else if (!strcmp(argv[2], "now") && argc == 3)
			rc = printf("%llu\n",
				    (unsigned long long)mono_ns()) < 0;
		else if (!strcmp(argv[2], "lease") && argc == 3)
			rc = cmd_lease(argv[1]);
		else if (!strcmp(argv[2], "stats") && argc == 3)
			rc = cmd_stats(argv[1]);
		else if (!strcmp(argv[2], "stat") && argc == 4)
			rc = cmd_stat(argv[1], argv[3]);
		else if (!strcmp(argv[2], "vni") && argc == 5)
			rc = cmd_vni(argv[1], argv[3], argv[4]);
	}
	if (rc == 2)
		fprintf(stderr, "usage: " PROG " DIR config|fwd|steer|chassis|ifmac|stat|vni ...\n");
	return rc;
}
