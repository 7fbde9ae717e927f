/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The underlay both datapath test programs (corpus, mutate) run bounce
 * and steer_sim against: a private netns with two veth pairs, fixed MACs,
 * forwarding on (bpf_fib_lookup answers only then) and permanent
 * neighbours, so the FIB's answers are exact and known to the tests.
 * Define PROG before including.
 */
#ifndef OVNMIG_TESTNET_H
#define OVNMIG_TESTNET_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <ovnmig/abi.h>

#include "lib/clock.h"

static const uint8_t mac_veth0[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
static const uint8_t mac_veth2[6] = { 0x02, 0, 0, 0, 0x02, 0x01 };
static const uint8_t mac_hostb[6] = { 0x02, 0, 0, 0, 0x00, 0x02 };
static const uint8_t mac_hostc[6] = { 0x02, 0, 0, 0, 0x00, 0x12 };
#define LOCAL_V4	"198.18.0.1"
#define HOSTB_V4	"198.18.0.2"	/* on veth0 */
#define HOSTC_V4	"198.18.1.2"	/* on veth2 */
#define NOROUTE_V4	"198.19.99.99"
#define LOCAL_V6	"2001:db8:ff::1"
#define HOSTB_V6	"2001:db8:ff::2"

static inline uint32_t v4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static inline void v6(const char *s, void *out)
{
	inet_pton(AF_INET6, s, out);
}

/* Write (add) or remove bounce's ovnmig_chassis key for addr (abi.h). */
static inline int chassis_key_put(int fd, const char *addr, int add)
{
	struct ovnmig_chassis_key k = {};
	struct ovnmig_chassis v = { .generation = 1 };

	if (strchr(addr, ':')) {
		v6(addr, k.addr.v6);
		k.flags = OVNMIG_F_IPV6;
	} else {
		k.addr.v4 = v4(addr);
	}
	return add ? bpf_map_update_elem(fd, &k, &v, BPF_ANY) :
		     bpf_map_delete_elem(fd, &k);
}

/* Enter a fresh netns and build the underlay; returns veth0's ifindex. */
static inline int setup_net(void)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add veth0 address 02:00:00:00:01:01 type veth peer name veth1 address 02:00:00:00:01:02",
		"ip link add veth2 address 02:00:00:00:02:01 type veth peer name veth3 address 02:00:00:00:02:02",
		"ip link set veth0 up", "ip link set veth1 up",
		"ip link set veth2 up", "ip link set veth3 up",
		"sysctl -qw net.ipv4.conf.all.forwarding=1",
		"sysctl -qw net.ipv6.conf.all.forwarding=1",
		"ip addr add " LOCAL_V4 "/24 dev veth0",
		"ip addr add " LOCAL_V6 "/64 dev veth0 nodad",
		"ip addr add 198.18.1.1/24 dev veth2",
		"ip neigh replace " HOSTB_V4 " lladdr 02:00:00:00:00:02 dev veth0 nud permanent",
		"ip neigh replace " HOSTB_V6 " lladdr 02:00:00:00:00:02 dev veth0 nud permanent",
		"ip neigh replace " HOSTC_V4 " lladdr 02:00:00:00:00:12 dev veth2 nud permanent",
	};
	unsigned int idx;
	size_t i;
	int rc;

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, PROG ": unshare: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		rc = system(cmds[i]);
		if (rc) {
			fprintf(stderr, PROG ": %s: exit %d\n", cmds[i], rc);
			return -1;
		}
	}
	idx = if_nametoindex("veth0");
	return idx ? (int)idx : -1;
}

#endif /* OVNMIG_TESTNET_H */
