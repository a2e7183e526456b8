/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/stat.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_core.h"
#include "packet.h"
#include "privmsg.h"
#include "teredo.h"

/*
 * Writes the seed corpora of the event-driven harnesses (client, relay,
 * tun, server, privmsg) under DIR/<harness>/, built with the codec's own
 * builders, and from the codec's vectors (real packets, some captured
 * from miredo 1.2.6).  `make fuzz-seeds` runs it on the tree's corpus.
 * Usage: mkseeds DIR PACKETS.TXT
 */

#define S_SERVER_IP	"198.51.100.10"		/* fuzz_server.c's */

static uint8_t		 seed[65536];
static size_t		 slen;
static uint8_t		 pkt[4096];
static const char	*outdir;

static uint32_t
ip4(const char *s)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1)
		errx(1, "bad address %s", s);
	return a.s_addr;
}

static struct in6_addr
ip6(const char *s)
{
	struct in6_addr	a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		errx(1, "bad address %s", s);
	return a;
}

static struct in6_addr
teredo(const char *srv, const char *cl, uint16_t port, uint16_t flags)
{
	struct teredo_addr	ta;
	struct in6_addr		a;

	ta.prefix = TEREDO_PREFIX;
	ta.server = ip4(srv);
	ta.flags = flags;
	ta.port = port;
	ta.client = ip4(cl);
	teredo_addr_build(&a, &ta);
	return a;
}

static void
put(const void *b, size_t n)
{
	if (slen + n > sizeof(seed))
		errx(1, "seed too big");
	memcpy(seed + slen, b, n);
	slen += n;
}

static void
put8(unsigned int v)
{
	uint8_t	b = v;

	put(&b, 1);
}

static void
put16(unsigned int v)
{
	put8(v >> 8);
	put8(v & 0xff);
}

/* Event with a length-prefixed payload (FZ_UDP, FZ_TUN). */
static void
ev(unsigned int op, const void *b, size_t n)
{
	put8(op);
	put16(n);
	put(b, n);
}

/* The clock moves ms (rounded down to what the encoding can say). */
static void
ev_time(unsigned long ms)
{
	unsigned int	shift = 0;

	while ((ms >> shift) > 0xffff && shift < 7)
		shift++;
	put8(FZ_TIME | FZ_ARG(shift));
	put16(ms >> shift);
}

static void
ev_ra(const char *ip, uint16_t port, unsigned int mtu)
{
	uint32_t	a = ip4(ip);

	put8(FZ_RA);
	put(&a, 4);
	put16(port);
	put16(mtu);
}

static void
save(const char *dir, const char *name)
{
	char	 path[1024];
	FILE	*fp;

	(void)mkdir(outdir, 0755);
	(void)snprintf(path, sizeof(path), "%s/%s", outdir, dir);
	(void)mkdir(path, 0755);
	(void)snprintf(path, sizeof(path), "%s/%s/%s", outdir, dir, name);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(seed, 1, slen, fp) != slen || fclose(fp) != 0)
		err(1, "%s", path);
	slen = 0;
}

static size_t
echo(int reply, const struct in6_addr *src, const struct in6_addr *dst,
    size_t datalen)
{
	static const uint8_t	data[1200];

	return build_echo(pkt, sizeof(pkt), reply, src, dst, 0x4d52, 1, data,
	    datalen);
}

static void
seeds_client(void)
{
	struct in6_addr	 any = ip6("2001:db8::ff");
	struct in6_addr	 ta = teredo(FZ_SERVER, FZ_PEER_A, 5555, 0);
	struct in6_addr	 tb = teredo(FZ_SERVER, FZ_PEER_B, 40000, 0x8000);
	struct in6_addr	 nat = ip6("2001:db8::1");
	struct in6_addr	 ll = ip6("fe80::8000:1234:5678:9abc");
	size_t		 n;

	/* A Teredo peer writes from the mapping in its address. */
	ev(FZ_UDP | FZ_ARG(2) | FZ_SELF | FZ_FIX, pkt,
	    echo(0, &ta, &any, 56));
	save("client", "echo_from_peer");
	/* An indirect bubble through our server, with its origin. */
	n = build_origin(pkt, sizeof(pkt), ip4(FZ_PEER_B), 40000);
	n += build_bubble(pkt + n, sizeof(pkt) - n, &tb, &any);
	ev(FZ_UDP | FZ_ARG(0) | FZ_SELF, pkt, n);
	save("client", "indirect_bubble");
	/* To a Teredo peer: bubbles, its answer, the queue flushed. */
	ev(FZ_TUN | FZ_SELF | FZ_FIX, pkt, echo(0, &any, &ta, 56));
	ev_time(500);
	put8(FZ_BUB);
	ev(FZ_UDP | FZ_ARG(2) | FZ_SELF | FZ_FIX, pkt,
	    echo(1, &ta, &any, 56));
	save("client", "tun_to_teredo");
	/* To a native host: the echo test, the relay's answer (5.2.9). */
	ev(FZ_TUN | FZ_SELF | FZ_FIX, pkt, echo(0, &any, &nat, 1200));
	ev_time(2500);
	put8(FZ_PONG | FZ_ARG(4));
	ev(FZ_UDP | FZ_ARG(4) | FZ_SELF | FZ_FIX, pkt,
	    echo(1, &nat, &any, 1200));
	save("client", "tun_to_native");
	/* A native host through an unknown relay (5.2.3 item 6). */
	ev(FZ_UDP | FZ_ARG(4) | FZ_SELF | FZ_FIX, pkt,
	    echo(0, &nat, &any, 8));
	put8(FZ_PONG | FZ_ARG(4));
	save("client", "unknown_relay");
	/* A peer's challenge: a bubble from a link-local source. */
	ev(FZ_UDP | FZ_ARG(3) | FZ_SELF, pkt,
	    build_bubble(pkt, sizeof(pkt), &ll, &any));
	save("client", "challenge");
}

/* Client seeds about qualification and the peer table. */
static void
seeds_client_state(void)
{
	struct in6_addr	 any = ip6("2001:db8::ff");
	struct in6_addr	 ta;
	size_t		 i;

	/* Refresh, then a new mapping: a new address. */
	ev_time(31000);
	ev_ra(FZ_MAPPED, 40000, 0);
	ev_time(31000);
	ev_ra("203.0.113.201", 40001, 1400);
	save("client", "refresh_new_mapping");
	/* The server is lost, then the network changes and it answers. */
	for (i = 0; i < 6; i++)
		ev_time(240000);
	put8(FZ_NET);
	ev_ra(FZ_MAPPED, 40000, 1280);
	save("client", "server_loss");
	put8(FZ_NET | FZ_ARG(1));
	ev_ra(FZ_MAPPED, 40000, 1280);
	put8(FZ_NET | FZ_ARG(2));
	ev_ra(FZ_MAPPED, 40000, 1280);
	save("client", "new_server");
	/* Many peers: the table stays within its cap. */
	for (i = 0; i < 3 * FZ_PEER_MAX; i++) {
		char	a[16];

		(void)snprintf(a, sizeof(a), "203.0.113.%zu", 10 + i);
		ta = teredo(FZ_SERVER, a, 1000 + i, 0);
		ev(FZ_TUN | FZ_SELF | FZ_FIX, pkt, echo(0, &any, &ta, 100));
	}
	ev_time(3000);
	save("client", "many_peers");
}

static void
seeds_relay(void)
{
	struct in6_addr	 ta = teredo(FZ_SERVER, FZ_PEER_A, 5555, 0);
	struct in6_addr	 tb = teredo(FZ_SERVER, FZ_PEER_B, 40000, 0x8000);
	struct in6_addr	 loop = teredo(FZ_RELAY_IP, FZ_PEER_A, 5555, 0);
	struct in6_addr	 bad = teredo(FZ_SERVER, FZ_NONGLOBAL, 1234, 0);
	struct in6_addr	 nat = ip6("2001:db8::1");
	size_t		 i;

	/* A client to a native host, from its mapping. */
	ev(FZ_UDP | FZ_ARG(2) | FZ_SELF | FZ_FIX, pkt,
	    echo(0, &ta, &nat, 56));
	save("relay", "from_client");
	/* A native host to a client: bubbles, the answer, the flush. */
	ev(FZ_TUN | FZ_FIX, pkt, echo(0, &nat, &tb, 56));
	ev_time(500);
	put8(FZ_BUB);
	ev(FZ_UDP | FZ_ARG(3) | FZ_FIX, pkt, echo(1, &tb, &nat, 56));
	ev_time(2500);
	save("relay", "to_client");
	/* Loops, non-global and non-Teredo sources: dropped. */
	ev(FZ_TUN | FZ_FIX, pkt, echo(0, &nat, &loop, 56));
	ev(FZ_UDP | FZ_ARG(5) | FZ_FIX, pkt, echo(0, &bad, &nat, 56));
	ev(FZ_UDP | FZ_ARG(2) | FZ_FIX, pkt, echo(0, &nat, &nat, 56));
	ev(FZ_UDP | FZ_ARG(2) | FZ_FIX, pkt, echo(0, &ta, &tb, 56));
	save("relay", "drops");
	/* Unanswered bubbles: the queue fails with unreachable. */
	ev(FZ_TUN | FZ_FIX, pkt, echo(0, &nat, &ta, 56));
	for (i = 0; i < 6; i++)
		ev_time(2000);
	save("relay", "unreachable");
	/* A flood of sources, each from its own mapping. */
	for (i = 0; i < 3 * FZ_PEER_MAX; i++) {
		uint32_t	a = htonl(0xcb007100 + 10 + i);	/* 203.0.113 */

		put8(FZ_UDP | FZ_ARG(7) | FZ_SELF | FZ_FIX);
		put(&a, 4);
		put16(2000 + i);
		put16(echo(0, &ta, &nat, 16));
		put(pkt, echo(0, &ta, &nat, 16));
	}
	save("relay", "flood");
}

static void
seeds_tun(void)
{
	struct in6_addr	 any = ip6("2001:db8::ff");
	struct in6_addr	 ta = teredo(FZ_SERVER, FZ_PEER_A, 5555, 0);
	struct in6_addr	 nat = ip6("2001:db8::1");
	size_t		 n;

	put8(FZ_SELF | FZ_FIX | FZ_ARG(3));
	put(pkt, echo(0, &any, &ta, 56));
	save("tun", "client_to_teredo");
	put8(FZ_SELF | FZ_FIX | FZ_ARG(7));
	put(pkt, echo(0, &any, &nat, 56));
	save("tun", "client_to_native");
	put8(FZ_FIX);
	put(pkt, echo(0, &nat, &ta, 56));
	save("tun", "client_bad_source");
	put8(1 | FZ_FIX | FZ_ARG(3));
	put(pkt, echo(0, &nat, &ta, 56));
	save("tun", "relay_to_teredo");
	put8(1 | FZ_FIX);
	put(pkt, echo(0, &ta, &nat, 56));
	save("tun", "relay_to_native");
	/* A UDP packet: the core does not look past the IPv6 header. */
	n = echo(0, &any, &ta, 32);
	pkt[6] = IP6_NXT_UDP;
	put8(FZ_SELF);
	put(pkt, n);
	save("tun", "client_udp");
}

static void
seeds_server(void)
{
	struct in6_addr	 ours = teredo(S_SERVER_IP, "203.0.113.9", 4000, 0);
	struct in6_addr	 other = teredo(FZ_SERVER, "203.0.113.9", 4000, 0);
	struct in6_addr	 nat = ip6("2001:db8::1");
	struct in6_addr	 any = ip6("2001:db8::ff");
	uint8_t		 nonce[TEREDO_NONCE_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t		 n, i;

	/* op: bit 0 socket, bits 1-3 source, 0x10 self, 0x20 fix. */
	n = build_auth(pkt, sizeof(pkt), nonce, 0);
	n += build_rs(pkt + n, sizeof(pkt) - n, &teredo_ll_client);
	ev(0x00, pkt, n);
	save("server", "rs_auth");
	n = build_rs(pkt, sizeof(pkt), &teredo_ll_cone);
	ev(0x00, pkt, n);
	save("server", "rs_cone");
	ev(0x10, pkt, build_bubble(pkt, sizeof(pkt), &any, &ours));
	save("server", "bubble_to_client");
	ev(0x30, pkt, echo(0, &any, &nat, 8));
	save("server", "echo_to_native");
	ev(0x04, pkt, build_bubble(pkt, sizeof(pkt), &nat, &ours));
	save("server", "relay_bubble");
	ev(0x30, pkt, echo(0, &any, &nat, 200));
	ev(0x30, pkt, echo(0, &any, &other, 8));
	ev(0x06, pkt, echo(0, &any, &nat, 8));
	ev(0x0a, pkt, echo(0, &any, &nat, 8));
	save("server", "drops");
	n = build_rs(pkt, sizeof(pkt), &teredo_ll_client);
	for (i = 0; i < 30; i++)
		ev(0x40, pkt, n);
	save("server", "rate_limit");
}

static void
privmsg(const void *m, size_t n, const char *name)
{
	put(m, n);
	save("privmsg", name);
}

static void
seeds_privmsg(void)
{
	struct privmsg_addr	a = { PRIV_MSG_ADDR_ADD, 7, {{{ 0 }}}, 32 };
	struct privmsg_route	r = { PRIV_MSG_ROUTE_ADD, 7, {{{ 0 }}}, 0,
	    PRIVMSG_CLIENT_METRIC };
	struct privmsg_mtu	m = { PRIV_MSG_MTU, 7, 1280 };
	struct privmsg_link	l = { PRIV_MSG_LINK, 7, 1 };
	struct privmsg_state	s = { PRIV_MSG_STATE, 7, 1, 1280, {{{ 0 }}} };
	struct privmsg_resolved	v = { PRIV_MSG_RESOLVED, 0, 0 };
	struct privmsg_netchange c = { PRIV_MSG_NETCHANGE };

	a.addr = teredo(FZ_SERVER, FZ_MAPPED, 40000, 0);
	privmsg(&a, sizeof(a), "addr_teredo");
	a.addr = ip6("fe80::ffff:ffff:ffff");
	a.plen = 64;
	privmsg(&a, sizeof(a), "addr_ll");
	privmsg(&r, sizeof(r), "route_default");
	r.dst = ip6("2001::");
	r.plen = 32;
	privmsg(&r, sizeof(r), "route_prefix");
	privmsg(&m, sizeof(m), "mtu");
	m.mtu = 1279;
	privmsg(&m, sizeof(m), "mtu_low");
	privmsg(&l, sizeof(l), "link");
	s.addr = a.addr = teredo(FZ_SERVER, FZ_MAPPED, 40000, 0);
	privmsg(&s, sizeof(s), "state_up");
	memset(&s.addr, 0, sizeof(s.addr));
	s.up = s.mtu = 0;
	privmsg(&s, sizeof(s), "state_down");
	v.server = ip4(FZ_SERVER);
	privmsg(&v, sizeof(v), "resolved");
	privmsg(&c, sizeof(c), "netchange");
	a.ifindex = 8;
	privmsg(&a, sizeof(a), "other_interface");
}

/* One vector of tests/data/packets.txt to each role. */
static void
seeds_vector(const char *name, const uint8_t *b, size_t n)
{
	char	f[128];

	(void)snprintf(f, sizeof(f), "vec_%s", name);
	ev(FZ_UDP | FZ_ARG(0), b, n);
	ev(FZ_UDP | FZ_ARG(2), b, n);
	save("client", f);
	ev(FZ_UDP | FZ_ARG(2), b, n);
	ev(FZ_UDP | FZ_ARG(3) | FZ_SELF, b, n);
	save("relay", f);
	ev(0x00, b, n);
	ev(0x11, b, n);
	save("server", f);
	if (n < 40 || b[0] >> 4 != 6)
		return;
	put8(0);
	put(b, n);
	save("tun", f);
}

static void
seeds_vectors(const char *path)
{
	FILE		*fp;
	char		 line[4096], name[64], hex[4000];
	size_t		 n;
	unsigned int	 v;

	if ((fp = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' ||
		    sscanf(line, "%63s %3999s", name, hex) != 2)
			continue;
		for (n = 0; hex[2 * n] != '\0' && n < sizeof(pkt); n++) {
			if (sscanf(hex + 2 * n, "%2x", &v) != 1)
				errx(1, "%s: bad hex for %s", path, name);
			pkt[n] = v;
		}
		seeds_vector(name, pkt, n);
	}
	(void)fclose(fp);
}

int
main(int argc, char *argv[])
{
	if (argc != 3)
		errx(2, "usage: mkseeds DIR PACKETS.TXT");
	outdir = argv[1];
	seeds_vectors(argv[2]);
	seeds_client();
	seeds_client_state();
	seeds_relay();
	seeds_tun();
	seeds_server();
	seeds_privmsg();
	return 0;
}
