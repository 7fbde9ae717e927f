// SPDX-License-Identifier: GPL-2.0-only
/*
 * announce: send the RARP announcements QEMU sends when a guest resumes
 * after a live migration (qemu_announce_self: broadcast RARP "request
 * reverse" with the guest's MAC as sender and target, no IP), so the lab's
 * migration model looks to OVN exactly like a real one.  OVN's
 * activation-strategy=rarp waits for precisely this frame.
 *
 * Usage: announce IFACE [--count N] [--initial-ms MS] [--step-ms MS] [--mac MAC]
 *                       [--trigger]
 * Defaults follow QEMU: 5 frames, 50 ms after the first, +100 ms each.
 * --trigger: set everything up, then send the first frame as soon as a
 * byte arrives on stdin, so a script's resume path starts no process.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define ETH_P_RARP_	0x8035
#define RARP_REQUEST_REVERSE 3

static int parse_mac(const char *s, uint8_t mac[6])
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
		      &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count", 1, NULL, 'c' }, { "initial-ms", 1, NULL, 'i' },
		{ "step-ms", 1, NULL, 's' }, { "mac", 1, NULL, 'm' },
		{ "trigger", 0, NULL, 't' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 }
	};
	int count = 5, initial = 50, step = 100, c, fd, i, delay;
	uint8_t mac[6], frame[60] = { 0 };
	bool have_mac = false, trigger = false;
	struct sockaddr_ll sll = { 0 };
	struct ifreq ifr = { 0 };
	const char *ifname;

	while ((c = getopt_long(argc, argv, "c:m:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': count = atoi(optarg); break;
		case 'i': initial = atoi(optarg); break;
		case 's': step = atoi(optarg); break;
		case 'm':
			if (parse_mac(optarg, mac)) {
				fprintf(stderr, "announce: --mac %s: not a MAC address\n", optarg);
				return 2;
			}
			have_mac = true;
			break;
		case 't': trigger = true; break;
		case 'h':
			printf("Usage: announce IFACE [--count N] [--initial-ms MS] [--step-ms MS] [--mac MAC] [--trigger]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || count < 1 || count > 100 || initial < 0 || step < 0) {
		fprintf(stderr, "announce: usage: announce IFACE [--count 1..100] [--initial-ms MS] [--step-ms MS] [--mac MAC]\n");
		return 2;
	}
	ifname = argv[optind];
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_RARP_));
	if (fd < 0) {
		fprintf(stderr, "announce: socket: %s\n", strerror(errno));
		return 1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr)) {
		fprintf(stderr, "announce: %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifr.ifr_ifindex;
	sll.sll_protocol = htons(ETH_P_RARP_);
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	if (!have_mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
			fprintf(stderr, "announce: %s: %s\n", ifname, strerror(errno));
			return 1;
		}
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}

	/* Ethernet: broadcast, from the guest's MAC, RARP. */
	memset(frame, 0xff, 6);
	memcpy(frame + 6, mac, 6);
	frame[12] = ETH_P_RARP_ >> 8;
	frame[13] = ETH_P_RARP_ & 0xff;
	/* RARP: Ethernet/IPv4, reverse request, sha = tha = MAC, no IPs. */
	frame[14] = 0; frame[15] = 1;
	frame[16] = 0x08; frame[17] = 0x00;
	frame[18] = 6; frame[19] = 4;
	frame[20] = 0; frame[21] = RARP_REQUEST_REVERSE;
	memcpy(frame + 22, mac, 6);
	memcpy(frame + 32, mac, 6);

	if (trigger) {
		char b;

		if (read(0, &b, 1) != 1)
			return 0;	/* no trigger: the migration was called off */
	}
	delay = initial;
	for (i = 0; i < count; i++) {
		if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			fprintf(stderr, "announce: send on %s: %s\n", ifname, strerror(errno));
			return 1;
		}
		if (i + 1 < count) {
			usleep(delay * 1000);
			delay += step;
		}
	}
	close(fd);
	return 0;
}
