// SPDX-License-Identifier: GPL-2.0-only
/*
 * geneve-cap: capture Geneve packets on an interface (AF_PACKET) for the
 * VM steering test, one line per packet:
 *
 *   SRC DST vni=N flags=XX opts=HEX csum=ok|partial-ok|zero|bad
 *
 *   geneve-cap IFNAME TIMEOUT_MS READYFILE [PORT]
 *
 * PORT: the UDP destination port of the packets to show (default 6081).
 *
 * csum: "ok" when the UDP checksum verifies over the bytes seen;
 * "partial-ok" when the kernel hands the packet over with the checksum
 * still to be completed by the device (TP_STATUS_CSUMNOTREADY, as on veth)
 * and the seed in the header is the pseudo-header sum of the addresses the
 * packet carries, i.e. the completed checksum will be valid.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <ovnmig/abi.h>

#include "lib/clock.h"
#include "pkt.h"	/* csum_add() */

#define PROG "geneve-cap"

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static unsigned int port = OVNMIG_GENEVE_UDP_PORT;

static void one(const uint8_t *p, size_t n, int partial)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const uint8_t *l3 = p + 14, *u, *g;
	uint16_t proto = p[12] << 8 | p[13], ulen, check;
	uint32_t ps;
	size_t i, ol;
	const char *cs;

	if (n < 14)
		return;
	if (proto == ETH_P_8021Q) {
		l3 += 4;
		proto = p[16] << 8 | p[17];
	}
	if (proto == ETH_P_IP) {
		if (l3 + 20 > p + n || l3[9] != 17)
			return;
		u = l3 + (l3[0] & 0xf) * 4;
		inet_ntop(AF_INET, l3 + 12, src, sizeof(src));
		inet_ntop(AF_INET, l3 + 16, dst, sizeof(dst));
		ps = csum_add(csum_add(0, l3 + 12, 4), l3 + 16, 4);
	} else if (proto == ETH_P_IPV6) {
		if (l3 + 40 > p + n || l3[6] != 17)
			return;
		u = l3 + 40;
		inet_ntop(AF_INET6, l3 + 8, src, sizeof(src));
		inet_ntop(AF_INET6, l3 + 24, dst, sizeof(dst));
		ps = csum_add(csum_add(0, l3 + 8, 16), l3 + 24, 16);
	} else {
		return;
	}
	if (u + 16 > p + n || (unsigned int)(u[2] << 8 | u[3]) != port)
		return;
	ulen = u[4] << 8 | u[5];
	if (u + ulen > p + n)
		return;
	check = u[6] << 8 | u[7];
	ps += 17 + ulen;
	if (!check)
		cs = "zero";
	else if (partial)
		cs = fold(ps) == check ? "partial-ok" : "bad";
	else
		cs = fold(csum_add(ps, u, ulen)) == 0xffff ? "ok" : "bad";
	g = u + 8;
	ol = (g[0] & 0x3f) * 4;
	printf("%s %s vni=%u flags=%02x opts=", src, dst,
	       g[4] << 16 | g[5] << 8 | g[6], g[1]);
	for (i = 0; i < ol && g + 8 + i < p + n; i++)
		printf("%02x", g[8 + i]);
	printf(" csum=%s\n", cs);
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	long long deadline;
	int fd, on = 1;
	FILE *f;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: " PROG " IFNAME TIMEOUT_MS READYFILE [PORT]\n");
		return 2;
	}
	if (argc == 5) {
		char *end;

		port = strtoul(argv[4], &end, 10);
		if (*end || !port || port > 65535) {
			fprintf(stderr, PROG ": %s: not a UDP port\n", argv[4]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sll.sll_ifindex = if_nametoindex(argv[1]);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (!sll.sll_ifindex || fd < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof(on)) ||
	    bind(fd, (void *)&sll, sizeof(sll))) {
		fprintf(stderr, PROG ": %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	f = fopen(argv[3], "w");
	if (f)
		fclose(f);
	deadline = (long long)mono_ms() + atoi(argv[2]);
	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		long long left = deadline - (long long)mono_ms();
		uint8_t buf[4096];
		char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c;
		int partial = 0;
		ssize_t n;

		if (left <= 0 || poll(&pf, 1, left) <= 0)
			break;
		n = recvmsg(fd, &m, 0);
		if (n <= 0)
			continue;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			struct tpacket_auxdata *a = (void *)CMSG_DATA(c);

			if (c->cmsg_level == SOL_PACKET &&
			    c->cmsg_type == PACKET_AUXDATA)
				partial = !!(a->tp_status & TP_STATUS_CSUMNOTREADY);
		}
		one(buf, n, partial);
	}
	return 0;
}
