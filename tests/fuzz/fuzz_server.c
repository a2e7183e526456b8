/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "server.h"
#include "teredo.h"

/*
 * libFuzzer harness: the Teredo server core (common/server.h) with both
 * sockets.  One server lives across inputs (its rate limiter carries
 * state).  An input is a sequence of datagrams, each:
 *	op(1) [ip(4) port(2) if source 7] len(2) payload
 * op bit 0: the socket; bits 1-3: the source (fuzz_server_src); bit 4:
 * inner source := the Teredo address of the outer ip:port under our
 * server; bit 5: recompute the inner ICMPv6 checksum; bits 6-7: the
 * clock moves 0, 10, 1000 or 60000 ms first.
 */

#define FS_SELF		0x10
#define FS_FIX		0x20
#define FS_ICMP_MAX	88

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server	*srv;
static uint32_t		 own[2];
static uint32_t		 src_ip[8];
static uint16_t		 src_port[8];
static uint64_t		 now = 1000000;
/* The datagram being processed: outputs are checked against it. */
static uint32_t		 in_ip;
static uint16_t		 in_port;
static size_t		 in_len;
static unsigned int	 outputs;
static uint8_t		 buf[TEREDO_UDP_MAX];

/* Say which property broke (the stack says where), then crash. */
static void
fs_fail(const char *what)
{
	fprintf(stderr, "fuzz_server: %s\n", what);
	abort();
}

static uint32_t
fs_ip(const char *s)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

/* An RA goes back to the solicitor; anything else to a client of ours. */
static void
fs_send_udp(void *arg, int sock, uint32_t ip, uint16_t port,
    const void *b, size_t len)
{
	struct teredo_packet	tp;
	struct teredo_addr	ta;
	uint32_t		pfx, server;
	unsigned int		mtu;

	(void)arg;
	outputs++;
	if ((sock != 0 && sock != 1) || port == 0 || !ipv4_is_global(ip) ||
	    ip == own[0] || ip == own[1] || len < IP6_HDR_LEN ||
	    len > TEREDO_UDP_MAX || teredo_parse(&tp, b, len) == -1 ||
	    !tp.has_origin || len > in_len + 64)
		fs_fail("send_udp: bad socket, destination or datagram");
	/* A link-local source: our RA, or a peer's challenge bubble. */
	if (*(const uint8_t *)ip6_src(tp.ip6) == 0xfe &&
	    !ip6_is_bubble(tp.ip6, tp.ip6_len)) {
		/* Our RA (5.3.1), to the solicitor. */
		if (parse_ra(tp.ip6, tp.ip6_len, &pfx, &server, &mtu) == -1 ||
		    ip != in_ip || port != in_port || server != own[0] ||
		    tp.origin_ip != in_ip || tp.origin_port != in_port)
			fs_fail("RA not for the solicitor or not from us");
		return;
	}
	/* 5.3.1: forwarded from the primary address to the mapping. */
	teredo_addr_decode(ip6_dst(tp.ip6), &ta);
	if (sock != 0 || tp.has_auth || ta.server != own[0] ||
	    ta.client != ip || ta.port != port || tp.origin_ip != in_ip ||
	    tp.origin_port != in_port)
		fs_fail("forwarded, not to a client's mapping");
}

/* Only small ICMPv6 from our own clients to native hosts. */
static void
fs_send_ipv6(void *arg, const void *pkt, size_t len)
{
	const uint8_t		*b = pkt;
	struct teredo_addr	 ta;

	(void)arg;
	outputs++;
	if (len < IP6_HDR_LEN || b[0] >> 4 != 6 ||
	    ((size_t)b[4] << 8 | b[5]) + IP6_HDR_LEN != len ||
	    ip6_nxt(pkt) != IP6_NXT_ICMP6 ||
	    len - IP6_HDR_LEN > FS_ICMP_MAX || !icmp6_cksum_ok(pkt, len) ||
	    !teredo_addr_in_prefix(ip6_src(pkt), TEREDO_PREFIX) ||
	    teredo_addr_in_prefix(ip6_dst(pkt), TEREDO_PREFIX) ||
	    (*(const uint8_t *)ip6_dst(pkt) & 0xe0) != 0x20)
		fs_fail("send_ipv6: not a small Teredo-to-native ICMPv6");
	teredo_addr_decode(ip6_src(pkt), &ta);
	if (ta.server != own[0] || ta.client != in_ip || ta.port != in_port)
		fs_fail("send_ipv6: source is not the client that sent it");
}

static void
fs_init(void)
{
	static const char	*ips[7] = { "198.51.100.50", "203.0.113.9",
	    "198.51.100.99", "198.51.100.10", "198.51.100.11", "10.1.2.3",
	    "198.51.100.50" };
	static const uint16_t	 ports[7] = { 34310, 4000, 3544, 3544, 3544,
	    1234, 0 };
	struct server_config	 cfg;
	struct server_io	 io;
	unsigned int		 i;

	for (i = 0; i < 7; i++) {
		src_ip[i] = fs_ip(ips[i]);
		src_port[i] = ports[i];
	}
	own[0] = src_ip[3];
	own[1] = src_ip[4];
	memset(&cfg, 0, sizeof(cfg));
	cfg.prefix = TEREDO_PREFIX;
	cfg.addr[0] = own[0];
	cfg.addr[1] = own[1];
	cfg.mtu = TEREDO_MTU;
	cfg.icmp_max = FS_ICMP_MAX;
	cfg.rate_pps = 100;
	cfg.rate_burst = 20;
	cfg.rate_sources = 64;
	memset(&io, 0, sizeof(io));
	io.send_udp = fs_send_udp;
	io.send_ipv6 = fs_send_ipv6;
	if ((srv = server_new(&cfg, &io)) == NULL)
		abort();
}

static void
fs_patch(unsigned int op, uint32_t ip, uint16_t port, size_t len)
{
	struct teredo_packet	tp;
	struct teredo_addr	ta;
	struct in6_addr		a;
	uint8_t			*ip6;
	uint16_t		ck;

	if (teredo_parse(&tp, buf, len) == -1)
		return;
	ip6 = buf + (tp.ip6 - buf);
	if (op & FS_SELF) {
		ta.prefix = TEREDO_PREFIX;
		ta.server = own[0];
		ta.flags = 0;
		ta.port = port;
		ta.client = ip;
		teredo_addr_build(&a, &ta);
		memcpy(ip6 + 8, &a, sizeof(a));
	}
	if ((op & FS_FIX) && tp.ip6_len >= IP6_HDR_LEN + 4 &&
	    ip6_nxt(ip6) == IP6_NXT_ICMP6) {
		ip6[IP6_HDR_LEN + 2] = ip6[IP6_HDR_LEN + 3] = 0;
		ck = icmp6_cksum(ip6_src(ip6), ip6_dst(ip6), ip6 + IP6_HDR_LEN,
		    tp.ip6_len - IP6_HDR_LEN);
		memcpy(ip6 + IP6_HDR_LEN + 2, &ck, sizeof(ck));
	}
}

/* One datagram; returns the bytes consumed. */
static size_t
fs_datagram(const uint8_t *d, size_t n)
{
	static const uint64_t	steps[4] = { 0, 10, 1000, 60000 };
	unsigned int		op = d[0], a = (op >> 1) & 7;
	size_t			i = 1, len;

	now += steps[op >> 6];
	in_ip = src_ip[a];
	in_port = src_port[a];
	if (a == 7 && n >= i + 6) {
		memcpy(&in_ip, d + i, 4);
		in_port = (uint16_t)(d[i + 4] << 8 | d[i + 5]);
		i += 6;
	}
	len = n >= i + 2 ? (size_t)d[i] << 8 | d[i + 1] : 0;
	i = n >= i + 2 ? i + 2 : n;
	if (len > n - i)
		len = n - i;
	memcpy(buf, d + i, len);
	if (op & (FS_SELF | FS_FIX))
		fs_patch(op, in_ip, in_port, len);
	in_len = len;
	outputs = 0;
	server_udp_input(srv, now, op & 1, in_ip, in_port, buf, len);
	/* No amplification: at most one datagram out per datagram in. */
	if (outputs > 1)
		fs_fail("more than one datagram out for one in");
	return i + len;
}

/* FUZZ_VERBOSE: what the input did, to check that seeds do their job. */
static void
fs_report(void)
{
	struct server_counters	c;
	unsigned int		i;

	server_get_counters(srv, &c);
	fprintf(stderr, "rx %llu rs %llu ra %llu fwd_udp %llu fwd_ipv6 %llu "
	    "drops", (unsigned long long)c.rx, (unsigned long long)c.rs,
	    (unsigned long long)c.ra_sent, (unsigned long long)c.fwd_udp,
	    (unsigned long long)c.fwd_ipv6);
	for (i = 0; i < SDROP_MAX; i++)
		if (c.drop[i] != 0)
			fprintf(stderr, " %s=%llu", server_drop_name(i),
			    (unsigned long long)c.drop[i]);
	fprintf(stderr, "\n");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	i = 0;

	if (srv == NULL || getenv("FUZZ_FRESH") != NULL) {
		server_free(srv);
		fs_init();
	}
	while (i < size)
		i += fs_datagram(data + i, size - i);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fs_report();
	return 0;
}
