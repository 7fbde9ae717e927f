// SPDX-License-Identifier: GPL-2.0-only
/*
 * geneve-udp: Geneve-shaped UDP traffic for the live datapath tests.
 * The sender writes UDP header and checksum itself on a raw socket, as a
 * NIC would put them on the wire (an ordinary UDP socket on veth leaves a
 * partial, offloaded checksum that only becomes valid at the peer); the
 * receiver is an ordinary UDP socket, so the kernel checks the checksum
 * and a received datagram had a valid one.
 *
 *   geneve-udp send DST COUNT VNI PORT        (one every 2 ms)
 *   geneve-udp recv COUNT TIMEOUT_MS VNI PORT READYFILE
 *       prints "received N marked M from ADDR"; exits 0 when it saw
 *       COUNT matching datagrams, 1 on timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <ovnmig/abi.h>

#include "lib/clock.h"
#include "pkt.h"	/* csum_add() */

#define PROG "geneve-udp"

static size_t build(unsigned char *b, unsigned vni, unsigned port, unsigned n)
{
	size_t i;

	b[0] = 2;		/* ver 0, 2 words of options */
	b[1] = 0x40;		/* C, as OVS sets it for OVN's option */
	b[2] = OVNMIG_GENEVE_PROTO_ETH >> 8;
	b[3] = OVNMIG_GENEVE_PROTO_ETH & 0xff;
	b[4] = vni >> 16; b[5] = vni >> 8; b[6] = vni; b[7] = 0;
	b[8] = OVNMIG_OVN_OPT_CLASS >> 8;
	b[9] = OVNMIG_OVN_OPT_CLASS & 0xff;
	b[10] = OVNMIG_OVN_OPT_TYPE;
	b[11] = 1;
	b[12] = 0; b[13] = 3; b[14] = port >> 8; b[15] = port;
	for (i = 16; i < 16 + 64; i++)
		b[i] = i;
	memcpy(b + 16 + 20, &n, sizeof(n));	/* sequence, for humans */
	return 16 + 64;
}

static int parse_dst(const char *s, struct sockaddr_storage *ss,
		     socklen_t *len)
{
	struct sockaddr_in *s4 = (void *)ss;
	struct sockaddr_in6 *s6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(OVNMIG_GENEVE_UDP_PORT);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(OVNMIG_GENEVE_UDP_PORT);
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

static int do_send(char **argv)
{
	struct sockaddr_storage dst, src;
	struct timespec gap = { 0, 2000000 };
	unsigned char buf[256];
	unsigned count = atoi(argv[1]), i;
	socklen_t dlen, slen = sizeof(src);
	int fd, probe;

	if (parse_dst(argv[0], &dst, &dlen)) {
		fprintf(stderr, PROG ": %s: not an address\n", argv[0]);
		return 2;
	}
	/* The source address the kernel will use, for the pseudo-header. */
	probe = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (probe < 0 || connect(probe, (void *)&dst, dlen) ||
	    getsockname(probe, (void *)&src, &slen)) {
		fprintf(stderr, PROG ": route to %s: %s\n", argv[0],
			strerror(errno));
		return 1;
	}
	close(probe);
	fd = socket(dst.ss_family, SOCK_RAW, IPPROTO_UDP);
	if (fd < 0) {
		fprintf(stderr, PROG ": socket: %s\n", strerror(errno));
		return 1;
	}
	if (dst.ss_family == AF_INET)
		((struct sockaddr_in *)&dst)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&dst)->sin6_port = 0;
	for (i = 0; i < count; i++) {
		size_t n = build(buf + 8, strtoul(argv[2], NULL, 0),
				 strtoul(argv[3], NULL, 0), i) + 8;
		uint32_t sum = 0;
		uint16_t c;

		buf[0] = 33000 >> 8; buf[1] = 33000 & 0xff;
		buf[2] = OVNMIG_GENEVE_UDP_PORT >> 8;
		buf[3] = OVNMIG_GENEVE_UDP_PORT & 0xff;
		buf[4] = n >> 8; buf[5] = n; buf[6] = 0; buf[7] = 0;
		if (dst.ss_family == AF_INET) {
			sum = csum_add(sum, (void *)&((struct sockaddr_in *)&src)->sin_addr, 4);
			sum = csum_add(sum, (void *)&((struct sockaddr_in *)&dst)->sin_addr, 4);
		} else {
			sum = csum_add(sum, (void *)&((struct sockaddr_in6 *)&src)->sin6_addr, 16);
			sum = csum_add(sum, (void *)&((struct sockaddr_in6 *)&dst)->sin6_addr, 16);
		}
		sum += IPPROTO_UDP + n;
		sum = csum_add(sum, buf, n);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		c = ~sum;
		if (!c)
			c = 0xffff;
		buf[6] = c >> 8;
		buf[7] = c;
		if (sendto(fd, buf, n, 0, (void *)&dst, dlen) < 0) {
			fprintf(stderr, PROG ": sendto: %s\n", strerror(errno));
			return 1;
		}
		nanosleep(&gap, NULL);
	}
	close(fd);
	return 0;
}

static int do_recv(char **argv)
{
	unsigned count = atoi(argv[0]), got = 0, marked = 0;
	long long deadline = (long long)mono_ms() + atoi(argv[1]);
	unsigned vni = strtoul(argv[2], NULL, 0);
	unsigned port = strtoul(argv[3], NULL, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons(OVNMIG_GENEVE_UDP_PORT) };
	char from[INET6_ADDRSTRLEN] = "-";
	int fd, off = 0;
	FILE *f;

	/* One dual-stack socket takes IPv4 (mapped) and IPv6. */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
	    bind(fd, (void *)&a, sizeof(a))) {
		fprintf(stderr, PROG ": bind: %s\n", strerror(errno));
		return 1;
	}
	f = fopen(argv[4], "w");
	if (f)
		fclose(f);
	while (got < count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		unsigned char b[2048];
		struct sockaddr_in6 src;
		socklen_t sl = sizeof(src);
		long long left = deadline - (long long)mono_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		n = recvfrom(fd, b, sizeof(b), 0, (void *)&src, &sl);
		if (n < 16 || (b[0] >> 6) != 0 || (b[0] & 0x3f) != 2 ||
		    ((unsigned)b[4] << 16 | b[5] << 8 | b[6]) != vni ||
		    b[8] != 0x01 || b[9] != 0x02 || b[10] != 0x80 ||
		    ((unsigned)b[14] << 8 | b[15]) != port)
			continue;
		got++;
		if (b[1] & OVNMIG_GENEVE_MARK)
			marked++;
		if (IN6_IS_ADDR_V4MAPPED(&src.sin6_addr))
			inet_ntop(AF_INET, &src.sin6_addr.s6_addr[12], from,
				  sizeof(from));
		else
			inet_ntop(AF_INET6, &src.sin6_addr, from, sizeof(from));
	}
	printf("received %u marked %u from %s\n", got, marked, from);
	return got == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "send"))
		return do_send(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "recv"))
		return do_recv(argv + 2);
	fprintf(stderr, "usage: " PROG " send DST COUNT VNI PORT | "
		"recv COUNT TIMEOUT_MS VNI PORT READYFILE\n");
	return 2;
}
