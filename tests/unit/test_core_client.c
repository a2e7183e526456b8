/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/* The Teredo client state machine on a fake clock (RFC 4380 5.2). */

#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "core.h"
#include "core_fake.h"
#include "packet.h"
#include "teredo.h"
#include "t.h"

static struct fake	f;
static uint32_t		server, mapped, peer_ip, relay_ip;
static const uint16_t	mport = 40000, peer_port = 5555, relay_port = 3544;

static struct core *
client_new(uint64_t now, uint64_t seed)
{
	struct core_config	cfg;
	struct core_io		io;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_CLIENT;
	cfg.prefix = TEREDO_PREFIX;
	cfg.refresh_interval = 30;
	cfg.qualify_timeout = 4;
	cfg.qualify_retries = 3;
	cfg.peer_max = 64;
	cfg.queue_bytes = 65536;
	fake_init(&f, &io, seed);
	return core_new(&cfg, &io, now);
}

/* Check that d is an authenticated RS to the server; copy its nonce. */
static int
rs_nonce(const struct fake_pkt *d, uint8_t nonce[8])
{
	struct teredo_packet	tp;

	if (d->ip != server || d->port != TEREDO_PORT ||
	    teredo_parse(&tp, d->buf, d->len) == -1)
		return -1;
	if (!tp.has_auth || tp.confirmation != 0 || tp.has_origin)
		return -1;
	if (!parse_rs(tp.ip6, tp.ip6_len) ||
	    memcmp(ip6_src(tp.ip6), &teredo_ll_client, 16) != 0)
		return -1;
	memcpy(nonce, tp.nonce, 8);
	return 0;
}

static size_t
make_ra(uint8_t *buf, size_t sz, const uint8_t nonce[8], uint8_t conf,
    uint32_t mip, uint16_t mp, uint32_t srv, unsigned int mtu)
{
	struct in6_addr	src = fake_ip6("fe80::8000:f227:bec4:53ed");
	size_t		n;

	n = build_auth(buf, sz, nonce, conf);
	n += build_origin(buf + n, sz - n, mip, mp);
	n += build_ra(buf + n, sz - n, &src, &teredo_ll_client,
	    TEREDO_PREFIX, srv, mtu);
	return n;
}

static void
answer_rs(struct core *c, uint64_t now, uint32_t mip, uint16_t mp,
    unsigned int mtu)
{
	uint8_t	nonce[8], buf[256];
	size_t	n;

	CHECK(f.nudp > 0 && rs_nonce(&f.udp[f.nudp - 1], nonce) == 0);
	n = make_ra(buf, sizeof(buf), nonce, 0, mip, mp, server, mtu);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
}

static struct core *
qualified(uint64_t *now)
{
	struct core	*c = client_new(*now, 42);

	core_set_server(c, *now, server, 0);
	answer_rs(c, *now, mapped, mport, 0);
	CHECK(f.ups == 1);
	fake_clear(&f);
	return c;
}

static void
test_qualify(void)
{
	uint64_t		 now = 1000;
	struct core		*c = client_new(now, 7);
	struct core_status	 st;
	struct teredo_addr	 ta;
	uint8_t			 nonce[8], buf[256];
	size_t			 n;

	/* Nothing before a server is known; nothing accepted either. */
	CHECK(core_next_timer(c) == UINT64_MAX);
	core_set_server(c, now, server, 0);
	CHECK(f.nudp == 1 && rs_nonce(&f.udp[0], nonce) == 0);
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFYING && st.counters.rs_sent == 1);
	/* Wrong nonce, confirmation, source, server field: all refused. */
	nonce[0] ^= 1;
	n = make_ra(buf, sizeof(buf), nonce, 0, mapped, mport, server, 0);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	nonce[0] ^= 1;
	n = make_ra(buf, sizeof(buf), nonce, 1, mapped, mport, server, 0);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	n = make_ra(buf, sizeof(buf), nonce, 0, mapped, mport, server, 0);
	core_udp_input(c, now, fake_ip("192.0.2.77"), TEREDO_PORT, buf, n);
	core_udp_input(c, now, server, 3545, buf, n);
	n = make_ra(buf, sizeof(buf), nonce, 0, mapped, mport,
	    fake_ip("192.0.2.9"), 0);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	CHECK(f.ups == 0 && fake_drop(c, DROP_BAD_RA) == 5);
	/* Other traffic before qualification is dropped and counted. */
	n = build_bubble(buf, sizeof(buf), &teredo_ll_cone, &teredo_ll_client);
	core_udp_input(c, now, peer_ip, peer_port, buf, n);
	CHECK(fake_drop(c, DROP_UNQUALIFIED) == 1);
	/* The good one. */
	n = make_ra(buf, sizeof(buf), nonce, 0, mapped, mport, server, 1400);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	CHECK(f.ups == 1 && f.mtu == 1400);
	teredo_addr_decode(&f.addr, &ta);
	CHECK(ta.prefix == TEREDO_PREFIX && ta.server == server);
	CHECK(ta.client == mapped && ta.port == mport);
	CHECK((ta.flags & ~TEREDO_FLAG_RANDOM) == 0);
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFIED && st.mapped_ip == mapped);
	CHECK(memcmp(&st.addr, &f.addr, 16) == 0 && st.counters.ra_rcvd == 1);
	/* A replayed RA is refused: the nonce was used. */
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	CHECK(fake_drop(c, DROP_BAD_RA) == 6 && f.ups == 1);
	core_free(c);
}

static void
test_retries_backoff(void)
{
	uint64_t	 now = 0;
	struct core	*c = client_new(now, 9);
	uint8_t		 n1[8], n2[8];

	core_set_server(c, now, server, 0);
	CHECK(rs_nonce(&f.udp[0], n1) == 0);
	fake_run(c, &now, 3999);
	CHECK(f.nudp == 1);
	fake_run(c, &now, 4000);
	CHECK(f.nudp == 2 && rs_nonce(&f.udp[1], n2) == 0);
	CHECK(memcmp(n1, n2, 8) != 0);
	fake_run(c, &now, 8000);
	CHECK(f.nudp == 3);
	/* Three tries, then a back-off (30 s), never giving up. */
	fake_run(c, &now, 12000 + 29999);
	CHECK(f.nudp == 3);
	fake_run(c, &now, 12000 + 30000);
	CHECK(f.nudp == 4);
	fake_run(c, &now, 12000 + 30000 + 8000);
	CHECK(f.nudp == 6);
	/* The next back-off doubles. */
	fake_run(c, &now, 54000 + 59999);
	CHECK(f.nudp == 6);
	fake_run(c, &now, 54000 + 60000);
	CHECK(f.nudp == 7);
	/* And it still qualifies afterwards. */
	answer_rs(c, now, mapped, mport, 0);
	CHECK(f.ups == 1);
	core_free(c);
}

static void
test_refresh_jitter(void)
{
	uint64_t	 lo = UINT64_MAX, hi = 0, d;
	int		 i;

	for (i = 1; i <= 200; i++) {
		uint64_t	 now = 5000;
		struct core	*c = client_new(now, (uint64_t)i * 7919);

		core_set_server(c, now, server, 0);
		answer_rs(c, now, mapped, mport, 0);
		d = core_next_timer(c) - now;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		/* The refresh RS goes out at that time. */
		fake_clear(&f);
		fake_run(c, &now, now + d);
		CHECK(f.nudp == 1 && f.udp[0].ip == server);
		core_free(c);
	}
	CHECK(lo >= 22500 && hi <= 30000);
	/* Spread over the range, not stuck at one end. */
	CHECK(lo < 24000 && hi > 28500);
}

static void
test_mapping_change(void)
{
	uint64_t		 now = 0;
	struct core		*c = qualified(&now);
	struct in6_addr		 old = f.addr;
	struct core_status	 st;
	uint8_t			 pkt[128];
	struct in6_addr		 dst = fake_ip6("2001:db8::1");
	size_t			 n;

	/* A peer exists before the change... */
	n = build_echo(pkt, sizeof(pkt), 0, &old, &dst, 1, 1, "x", 1);
	core_tun_input(c, now, pkt, n);
	core_get_status(c, &st);
	CHECK(st.peers == 1);
	fake_run(c, &now, 30000);
	answer_rs(c, now, mapped, mport + 1, 0);
	CHECK(f.downs == 1 && f.ups == 2);
	CHECK(memcmp(&old, &f.addr, 16) != 0);
	core_get_status(c, &st);
	CHECK(st.mapped_port == mport + 1 && st.peers == 0);
	/* The same mapping again changes nothing. */
	fake_run(c, &now, now + 30000);
	answer_rs(c, now, mapped, mport + 1, 0);
	CHECK(f.downs == 1 && f.ups == 2);
	core_free(c);
}

static void
test_server_loss(void)
{
	uint64_t		 now = 0, t;
	struct core		*c = qualified(&now);
	struct core_status	 st;

	t = core_next_timer(c);
	fake_run(c, &now, t);
	CHECK(f.nudp == 1);
	/* Three refresh attempts, 4 s apart, then down. */
	fake_run(c, &now, t + 8000);
	CHECK(f.nudp == 3 && f.downs == 0);
	fake_run(c, &now, t + 12000);
	CHECK(f.downs == 1);
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFYING);
	/* Back-off, then qualification again: recovery. */
	fake_run(c, &now, t + 12000 + 30000);
	CHECK(f.nudp == 4);
	answer_rs(c, now, mapped, mport, 0);
	CHECK(f.ups == 2);
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFIED);
	/* A network change asks the server at once. */
	fake_clear(&f);
	core_netchange(c, now + 1);
	CHECK(f.nudp == 1 && f.udp[0].ip == server);
	core_free(c);
}

/* An RA with any prefix, to any destination (5.2.1 checks). */
static size_t
make_ra_to(uint8_t *buf, size_t sz, const uint8_t nonce[8], uint32_t prefix,
    const struct in6_addr *dst)
{
	struct in6_addr	src = fake_ip6("fe80::8000:f227:bec4:53ed");
	size_t		n;

	n = build_auth(buf, sz, nonce, 0);
	n += build_origin(buf + n, sz - n, mapped, mport);
	n += build_ra(buf + n, sz - n, &src, dst, prefix, server, 0);
	return n;
}

/*
 * 5.2.1: the prefix is the server's (any global unicast /32), and the RA
 * must be addressed to the link-local source of our RS.
 */
static void
test_ra_prefix(void)
{
	uint64_t		 now = 0;
	struct core		*c = client_new(now, 11);
	struct core_status	 st;
	struct in6_addr		 other = fake_ip6("fe80::1234"), dst;
	struct teredo_addr	 ta;
	uint8_t			 nonce[8], buf[256];
	size_t			 n;

	core_set_server(c, now, server, 0);
	CHECK(rs_nonce(&f.udp[0], nonce) == 0);
	/* Not to our RS's link-local address. */
	n = make_ra_to(buf, sizeof(buf), nonce, TEREDO_PREFIX, &other);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	/* Not a global unicast prefix: multicast, ULA, ::. */
	n = make_ra_to(buf, sizeof(buf), nonce, 0xff020000u, &teredo_ll_client);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	n = make_ra_to(buf, sizeof(buf), nonce, 0xfd000000u, &teredo_ll_client);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	n = make_ra_to(buf, sizeof(buf), nonce, 0, &teredo_ll_client);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFYING &&
	    fake_drop(c, DROP_BAD_RA) == 4 && f.ups == 0);
	/* A server with its own prefix (2001:db8::/32): we take it. */
	n = make_ra_to(buf, sizeof(buf), nonce, 0x20010db8u, &teredo_ll_client);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFIED && f.ups == 1);
	teredo_addr_decode(&f.addr, &ta);
	CHECK(ta.prefix == 0x20010db8u && ta.server == server &&
	    ta.client == mapped && ta.port == mport);
	/* And uses it: a peer under that prefix is a Teredo peer. */
	fake_clear(&f);
	dst = fake_teredo(server, peer_ip, peer_port);
	dst.s6_addr[2] = 0x0d;
	dst.s6_addr[3] = 0xb8;
	n = build_echo(buf, sizeof(buf), 0, &st.addr, &dst, 7, 1, "d", 1);
	core_tun_input(c, now, buf, n);
	CHECK(fake_count_to(&f, peer_ip, peer_port) == 1 &&
	    fake_count_to(&f, server, TEREDO_PORT) == 1);
	core_free(c);
}

/*
 * The server lost and back with the same mapping: the same address
 * (no renumbering); with another mapping, a new one.
 */
static void
test_server_back(void)
{
	uint64_t		 now = 0, t;
	struct core		*c = qualified(&now);
	struct in6_addr		 old = f.addr;

	t = core_next_timer(c);
	fake_run(c, &now, t + 12000);
	CHECK(f.downs == 1);
	fake_run(c, &now, t + 12000 + 30000);
	answer_rs(c, now, mapped, mport, 0);
	CHECK(f.ups == 2 && memcmp(&old, &f.addr, 16) == 0);
	t = core_next_timer(c);
	fake_run(c, &now, t + 12000);
	CHECK(f.downs == 2);
	fake_run(c, &now, t + 12000 + 30000);
	answer_rs(c, now, mapped, mport + 7, 0);
	CHECK(f.ups == 3 && memcmp(&old, &f.addr, 16) != 0);
	core_free(c);
}

/* The qualification back-off doubles from 30 s and stops at 300 s. */
static void
test_backoff_cap(void)
{
	uint64_t	 now = 0, last = 0, gap, max = 0;
	struct core	*c = client_new(now, 13);
	unsigned int	 seen = 0, i;

	core_set_server(c, now, server, 0);
	/* 20 rounds of 3 RSs: look at the gaps between RSs. */
	for (i = 0; i < 60; i++) {
		now = core_next_timer(c);
		fake_run(c, &now, now);
		if (f.nudp == seen)
			continue;
		seen = f.nudp;
		gap = now - last;
		last = now;
		if (gap > max)
			max = gap;
	}
	/* 4 s between RSs, back-offs 30, 60, 120, 240, then 300 s: + 8 s. */
	CHECK(max == 300000 + 4000);
	core_free(c);
}

static struct in6_addr
peer_addr(void)
{
	return fake_teredo(server, peer_ip, peer_port);
}

static size_t
tun_pkt(uint8_t *buf, size_t sz, const struct in6_addr *dst, uint16_t seq)
{
	return build_echo(buf, sz, 0, &f.addr, dst, 7, seq, "data", 4);
}

static void
test_bubbles(void)
{
	uint64_t		 now = 0;
	struct core		*c = qualified(&now);
	struct in6_addr		 pa = peer_addr();
	uint8_t			 buf[256];
	size_t			 n;
	struct teredo_packet	 tp;

	n = tun_pkt(buf, sizeof(buf), &pa, 1);
	core_tun_input(c, now, buf, n);
	/* Direct bubble to the mapping and indirect through its server. */
	CHECK(f.nudp == 2);
	CHECK(fake_count_to(&f, peer_ip, peer_port) == 1);
	CHECK(fake_count_to(&f, server, TEREDO_PORT) == 1);
	CHECK(teredo_parse(&tp, f.udp[0].buf, f.udp[0].len) == 0 &&
	    ip6_is_bubble(tp.ip6, tp.ip6_len));
	CHECK(tp.ip6[8] == 0xfe && tp.ip6[9] == 0x80);
	CHECK(memcmp(ip6_dst(tp.ip6), &pa, 16) == 0);
	/* More packets within 2 s: queued, no bubble. */
	core_tun_input(c, now + 500, buf, n);
	core_tun_input(c, now + 1999, buf, n);
	CHECK(f.nudp == 2);
	/* One pair every 2 s, 4 in all, then unreachable. */
	fake_run(c, &now, 2000);
	CHECK(f.nudp == 4);
	fake_run(c, &now, 6000);
	CHECK(f.nudp == 8 && f.ntun == 0);
	fake_run(c, &now, 7999);
	CHECK(f.ntun == 0);
	fake_run(c, &now, 8000);
	CHECK(f.nudp == 8 && f.ntun == 3);
	CHECK(f.tun[0].buf[IP6_HDR_LEN] == ICMP6_DST_UNREACH);
	CHECK(f.tun[0].buf[IP6_HDR_LEN + 1] == ICMP6_DST_UNREACH_ADDR);
	CHECK(fake_drop(c, DROP_UNREACHABLE) == 3);
	/* Within 300 s: no more bubbles, unreachable at once. */
	core_tun_input(c, now + 100000, buf, n);
	CHECK(f.nudp == 8 && f.ntun == 4);
	/* After 300 s, a new round. */
	now = 301000;
	core_tun_input(c, now, buf, n);
	CHECK(f.nudp == 10);
	core_free(c);
}

/* The peer answers our bubble with source and destination swapped. */
static void
answer_bubble(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    int forge)
{
	struct teredo_packet	tp;
	struct in6_addr		src, dst;
	uint8_t			buf[64];
	size_t			n;
	unsigned int		i;

	for (i = 0; i < f.nudp; i++)
		if (teredo_parse(&tp, f.udp[i].buf, f.udp[i].len) == 0 &&
		    ip6_is_bubble(tp.ip6, tp.ip6_len))
			break;
	CHECK(i < f.nudp);
	if (i == f.nudp)
		return;
	memcpy(&src, ip6_dst(tp.ip6), 16);
	memcpy(&dst, ip6_src(tp.ip6), 16);
	dst.s6_addr[15] ^= forge;
	n = build_bubble(buf, sizeof(buf), &src, &dst);
	core_udp_input(c, now, ip, port, buf, n);
}

static void
test_trust_fifo(void)
{
	uint64_t		 now = 0;
	struct core		*c = qualified(&now);
	struct in6_addr		 pa = peer_addr();
	uint8_t			 buf[256];
	size_t			 n;
	int			 i;
	struct teredo_packet	 tp;
	uint16_t		 id, seq;
	const uint8_t		*d;
	size_t			 dl;
	int			 rep;

	for (i = 1; i <= 3; i++) {
		n = tun_pkt(buf, sizeof(buf), &pa, i);
		core_tun_input(c, now, buf, n);
	}
	answer_bubble(c, now + 100, peer_ip, peer_port, 0);
	/* The three queued packets go out in order, to the mapping. */
	CHECK(f.nudp == 5 && f.ntun == 0);
	for (i = 0; i < 3; i++) {
		CHECK(f.udp[2 + i].ip == peer_ip &&
		    f.udp[2 + i].port == peer_port);
		CHECK(teredo_parse(&tp, f.udp[2 + i].buf,
		    f.udp[2 + i].len) == 0);
		CHECK(parse_echo(tp.ip6, tp.ip6_len, &rep, &id, &seq, &d,
		    &dl) == 0 && seq == i + 1);
	}
	/* Trusted and fresh: direct. */
	core_tun_input(c, now + 200, buf, n);
	CHECK(f.nudp == 6 && f.udp[5].ip == peer_ip);
	/* Data from the peer's mapping reaches the tunnel. */
	n = build_echo(buf, sizeof(buf), 1, &pa, &f.addr, 7, 1, "r", 1);
	core_udp_input(c, now + 300, peer_ip, peer_port, buf, n);
	CHECK(f.ntun == 1);
	/* From elsewhere it does not. */
	core_udp_input(c, now + 300, peer_ip, peer_port + 1, buf, n);
	CHECK(f.ntun == 1 && fake_drop(c, DROP_BAD_SOURCE) == 1);
	/* 30 s without reception: no longer valid, bubbles again. */
	fake_clear(&f);
	n = tun_pkt(buf, sizeof(buf), &pa, 9);
	core_tun_input(c, now + 300 + 30000, buf, n);
	CHECK(f.nudp == 2 && fake_count_to(&f, server, TEREDO_PORT) == 1);
	core_free(c);
}

static void
test_symmetric(void)
{
	uint64_t	 now = 0;
	struct core	*c = qualified(&now);
	struct in6_addr	 pa = peer_addr();
	uint8_t		 buf[256];
	size_t		 n;
	uint32_t	 other = fake_ip("203.0.113.99");

	n = tun_pkt(buf, sizeof(buf), &pa, 1);
	core_tun_input(c, now, buf, n);
	/* A forged answer from another mapping is refused. */
	answer_bubble(c, now, other, 6000, 1);
	CHECK(fake_drop(c, DROP_BAD_SOURCE) == 1 && f.nudp == 2);
	/* The genuine one proves the peer's mapping behind its NAT. */
	answer_bubble(c, now, other, 6000, 0);
	CHECK(f.nudp == 3 && f.udp[2].ip == other && f.udp[2].port == 6000);
	n = build_echo(buf, sizeof(buf), 1, &pa, &f.addr, 7, 1, "r", 1);
	core_udp_input(c, now + 10, other, 6000, buf, n);
	CHECK(f.ntun == 1);
	core_free(c);
}

static void
test_server_bubbles(void)
{
	uint64_t	 now = 0;
	struct core	*c = qualified(&now);
	struct in6_addr	 pa = peer_addr(), ll = fake_ip6("fe80::1234");
	uint8_t		 buf[256];
	size_t		 n;
	struct teredo_packet tp;

	/* An indirect bubble with an origin indication: answer it there. */
	n = build_origin(buf, sizeof(buf), peer_ip, peer_port);
	n += build_bubble(buf + n, sizeof(buf) - n, &ll, &f.addr);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	CHECK(f.nudp == 1 && f.udp[0].ip == peer_ip &&
	    f.udp[0].port == peer_port && f.ntun == 0);
	CHECK(teredo_parse(&tp, f.udp[0].buf, f.udp[0].len) == 0);
	CHECK(memcmp(ip6_dst(tp.ip6), &ll, 16) == 0);
	CHECK(memcmp(ip6_src(tp.ip6), &f.addr, 16) == 0);
	/* Link-local sources never reach the tunnel. */
	n = build_echo(buf, sizeof(buf), 0, &ll, &f.addr, 1, 1, "x", 1);
	core_udp_input(c, now, peer_ip, peer_port, buf, n);
	CHECK(f.ntun == 0 && fake_drop(c, DROP_LINK_LOCAL) == 1);
	/* A bubble from the peer's own mapping is never written. */
	n = build_bubble(buf, sizeof(buf), &pa, &f.addr);
	core_udp_input(c, now, peer_ip, peer_port, buf, n);
	CHECK(f.ntun == 0);
	/* A peer's challenge (link-local source) comes back swapped. */
	fake_clear(&f);
	n = build_bubble(buf, sizeof(buf), &ll, &f.addr);
	core_udp_input(c, now, peer_ip, 7000, buf, n);
	CHECK(f.nudp == 1 && f.udp[0].ip == peer_ip && f.udp[0].port == 7000);
	CHECK(teredo_parse(&tp, f.udp[0].buf, f.udp[0].len) == 0 &&
	    memcmp(ip6_dst(tp.ip6), &ll, 16) == 0 && f.ntun == 0);
	CHECK(strcmp(core_drop_name(DROP_LINK_LOCAL), "link-local") == 0);
	core_free(c);
}

/*
 * 5.2.6, measured from the last transmission: a trusted peer we just
 * sent data to gets no bubble within 2 s of that data once it is stale.
 * Reply bubbles (to origin indications, to challenges) obey the same
 * limits per ip:port, and challenges from an address we never sent a
 * bubble to get no answer at all.
 */
static void
test_bubble_limits(void)
{
	uint64_t	 now = 0;
	struct core	*c = qualified(&now);
	struct in6_addr	 pa = peer_addr(), ll = fake_ip6("fe80::1234");
	uint32_t	 stranger = fake_ip("203.0.113.77");
	struct core_status st;
	uint64_t	 bubbles;
	uint8_t		 buf[256], b2[256];
	size_t		 n, m;
	unsigned int	 i;

	n = tun_pkt(buf, sizeof(buf), &pa, 1);
	core_tun_input(c, now, buf, n);
	answer_bubble(c, now, peer_ip, peer_port, 0);	/* trusted at 0 */
	fake_clear(&f);
	core_tun_input(c, 29999, buf, n);		/* fresh: data */
	CHECK(f.nudp == 1 && f.udp[0].ip == peer_ip);
	now = 29999;
	core_get_status(c, &st);
	bubbles = st.counters.bubbles_sent;
	core_tun_input(c, 30500, buf, n);		/* stale: held */
	fake_run(c, &now, 31998);
	core_get_status(c, &st);
	CHECK(fake_count_to(&f, peer_ip, peer_port) == 1 &&
	    st.counters.bubbles_sent == bubbles);
	fake_run(c, &now, 31999);
	core_get_status(c, &st);
	CHECK(fake_count_to(&f, peer_ip, peer_port) == 2 &&
	    st.counters.bubbles_sent == bubbles + 2);
	core_free(c);

	/* A challenge from an address we never sent a bubble to. */
	now = 0;
	c = qualified(&now);
	m = build_bubble(b2, sizeof(b2), &ll, &f.addr);
	core_udp_input(c, now, stranger, 7000, b2, m);
	CHECK(f.nudp == 0 && fake_drop(c, DROP_BAD_SOURCE) == 1);
	/* Origin indications: one answer per 2 s, 4 per 300 s per target. */
	n = build_origin(buf, sizeof(buf), stranger, 7000);
	n += build_bubble(buf + n, sizeof(buf) - n, &ll, &f.addr);
	for (i = 0; i < 300; i++)
		core_udp_input(c, now + i * 1000, server, TEREDO_PORT, buf, n);
	CHECK(f.nudp == 4);
	for (i = 1; i < 4; i++)
		CHECK(f.udp[i].ip == stranger &&
		    f.udp[i].port == 7000);
	/* A new window. */
	core_udp_input(c, now + 300000, server, TEREDO_PORT, buf, n);
	CHECK(f.nudp == 5);
	/* Now we did send to it: its challenges are answered, limited. */
	fake_clear(&f);
	for (i = 0; i < 10; i++)
		core_udp_input(c, now + 300000 + i * 500, stranger, 7001, b2,
		    m);
	CHECK(f.nudp == 3 && f.udp[0].port == 7001);
	/*
	 * The global rate: a forged flood of challenges from 200 ports of
	 * that address within one second (each ip:port fresh, so only the
	 * global limit holds it) gets 50 answers, and the rest are counted.
	 */
	fake_clear(&f);
	now += 306000;		/* after the last above, a second's start */
	core_get_status(c, &st);
	bubbles = st.counters.drop[DROP_RATE_LIMIT];
	for (i = 0; i < 200; i++)
		core_udp_input(c, now + i, stranger, (uint16_t)(20000 + i),
		    b2, m);
	core_get_status(c, &st);
	CHECK(f.nudp == 50);
	CHECK(st.counters.drop[DROP_RATE_LIMIT] - bubbles == 150);
	/* The next second: answered again. */
	core_udp_input(c, now + 1000, stranger, 30000, b2, m);
	CHECK(f.nudp == 51 && f.udp[50].port == 30000);
	core_free(c);
}

/*
 * Protections that had no test failing without them (issue 14):
 * CVE-2006-6264 on the server field of a source, a Teredo destination
 * with port 0, and CVE-2006-6266 (tests started by inbound packets).
 */
static void
test_protections(void)
{
	uint64_t		 now = 0;
	struct core		*c = qualified(&now);
	struct core_status	 st;
	struct in6_addr		 src, dst;
	uint8_t			 buf[256];
	size_t			 n;
	unsigned int		 i, tests;

	/* A global mapping, from itself, but a private server field. */
	src = fake_teredo(fake_ip("10.0.0.1"), peer_ip, peer_port);
	n = build_echo(buf, sizeof(buf), 0, &src, &f.addr, 7, 1, "s", 1);
	core_udp_input(c, now, peer_ip, peer_port, buf, n);
	CHECK(f.ntun == 0 && fake_drop(c, DROP_NON_GLOBAL) == 1);
	/* The control: a global server field is accepted. */
	src = fake_teredo(server, peer_ip, peer_port);
	n = build_echo(buf, sizeof(buf), 0, &src, &f.addr, 7, 1, "s", 1);
	core_udp_input(c, now, peer_ip, peer_port, buf, n);
	CHECK(f.ntun == 1);
	/* A Teredo destination with port 0: nothing is sent. */
	fake_clear(&f);
	dst = fake_teredo(server, fake_ip("203.0.113.44"), 0);
	n = tun_pkt(buf, sizeof(buf), &dst, 1);
	core_tun_input(c, now, buf, n);
	CHECK(f.nudp == 0 && fake_drop(c, DROP_NON_GLOBAL) == 2);
	/* CVE-2006-6266: 100 native sources in 1 s start 10 tests. */
	fake_clear(&f);
	now = (now / 1000 + 1) * 1000;
	for (i = 0; i < 100; i++) {
		char	a[64];

		(void)snprintf(a, sizeof(a), "2001:db8:77::%x", i + 1);
		src = fake_ip6(a);
		n = build_echo(buf, sizeof(buf), 0, &src, &f.addr, 7, 1,
		    "t", 1);
		core_udp_input(c, now + i, relay_ip, relay_port, buf, n);
	}
	tests = fake_count_to(&f, server, TEREDO_PORT);
	core_get_status(c, &st);
	CHECK(tests == 10 && f.ntun == 0);
	CHECK(st.counters.drop[DROP_RATE_LIMIT] >= 90);
	/* The packets beyond the limit made no peer entries either. */
	CHECK(st.peers <= 10 + 2);
	core_free(c);
}

/* Our echo request's nonce, from a captured datagram to the server. */
static int
echo_of(const struct fake_pkt *d, const struct in6_addr *dst,
    uint8_t nonce[8], uint16_t *id, uint16_t *seq)
{
	struct teredo_packet	 tp;
	const uint8_t		*data;
	size_t			 dl;
	int			 rep;

	if (d->ip != server || d->port != TEREDO_PORT ||
	    teredo_parse(&tp, d->buf, d->len) == -1)
		return -1;
	if (parse_echo(tp.ip6, tp.ip6_len, &rep, id, seq, &data, &dl) == -1 ||
	    rep || dl != 8 || memcmp(ip6_dst(tp.ip6), dst, 16) != 0 ||
	    memcmp(ip6_src(tp.ip6), &f.addr, 16) != 0)
		return -1;
	memcpy(nonce, data, 8);
	return 0;
}

static void
pong(struct core *c, uint64_t now, const struct in6_addr *from,
    const struct fake_pkt *d, uint32_t ip, uint16_t port)
{
	uint8_t		nonce[8], buf[128];
	uint16_t	id, seq;
	size_t		n;

	CHECK(echo_of(d, from, nonce, &id, &seq) == 0);
	n = build_echo(buf, sizeof(buf), 1, from, &f.addr, id, seq, nonce, 8);
	core_udp_input(c, now, ip, port, buf, n);
}

static void
test_ping_fail(void)
{
	uint64_t	 now = 0;
	struct core	*c = qualified(&now);
	struct in6_addr	 nat = fake_ip6("2001:db8::1");
	uint8_t		 buf[256], n1[8], n2[8];
	uint16_t	 id, seq;
	size_t		 n;

	n = tun_pkt(buf, sizeof(buf), &nat, 1);
	core_tun_input(c, now, buf, n);
	CHECK(f.nudp == 1 && echo_of(&f.udp[0], &nat, n1, &id, &seq) == 0);
	/* Retries every 2 s, 3 of them, the nonce kept. */
	fake_run(c, &now, 1999);
	CHECK(f.nudp == 1);
	fake_run(c, &now, 6000);
	CHECK(f.nudp == 4 && echo_of(&f.udp[3], &nat, n2, &id, &seq) == 0);
	CHECK(memcmp(n1, n2, 8) == 0);
	fake_run(c, &now, 7999);
	CHECK(f.ntun == 0);
	fake_run(c, &now, 8000);
	CHECK(f.nudp == 4 && f.ntun == 1);
	CHECK(f.tun[0].buf[IP6_HDR_LEN] == ICMP6_DST_UNREACH &&
	    f.tun[0].buf[IP6_HDR_LEN + 1] == ICMP6_DST_UNREACH_ADDR);
	/* A non-Teredo source is refused (administratively). */
	{
		struct in6_addr other = fake_ip6("2001:db8::99");

		n = build_echo(buf, sizeof(buf), 0, &other, &nat, 1, 1, "x", 1);
		core_tun_input(c, now, buf, n);
		CHECK(f.ntun == 2 && f.tun[1].buf[IP6_HDR_LEN + 1] ==
		    ICMP6_DST_UNREACH_ADMIN);
	}
	core_free(c);
}

static void
test_ping_relay(void)
{
	uint64_t	 now = 0;
	struct core	*c = qualified(&now);
	struct in6_addr	 nat = fake_ip6("2001:db8::1"), nat2;
	uint8_t		 buf[256];
	size_t		 n;

	n = tun_pkt(buf, sizeof(buf), &nat, 1);
	core_tun_input(c, now, buf, n);
	core_tun_input(c, now + 10, buf, n);
	/* A wrong nonce teaches nothing. */
	{
		uint8_t b2[128], z[8] = { 0 };

		size_t m = build_echo(b2, sizeof(b2), 1, &nat, &f.addr, 0, 0,
		    z, 8);
		core_udp_input(c, now + 20, relay_ip, relay_port, b2, m);
		CHECK(f.nudp == 1 && f.ntun == 0);
	}
	pong(c, now + 50, &nat, &f.udp[0], relay_ip, relay_port);
	/*
	 * The queue goes to the relay that answered; the wrong-nonce reply
	 * was held, and came through that relay: now it is delivered.
	 */
	CHECK(f.nudp == 3 && f.ntun == 1);
	CHECK(f.udp[1].ip == relay_ip && f.udp[2].port == relay_port);
	core_tun_input(c, now + 60, buf, n);
	CHECK(f.nudp == 4 && f.udp[3].ip == relay_ip);
	/* Packets from that host through that relay are accepted. */
	n = build_echo(buf, sizeof(buf), 1, &nat, &f.addr, 7, 1, "r", 1);
	core_udp_input(c, now + 70, relay_ip, relay_port, buf, n);
	CHECK(f.ntun == 2);
	/* A host we never talked to, through a relay: held, tested. */
	fake_clear(&f);
	nat2 = fake_ip6("2001:db8::2");
	n = build_echo(buf, sizeof(buf), 0, &nat2, &f.addr, 7, 1, "q", 1);
	core_udp_input(c, now + 80, relay_ip, relay_port + 1, buf, n);
	CHECK(f.ntun == 0 && f.nudp == 1);
	pong(c, now + 90, &nat2, &f.udp[0], relay_ip, relay_port + 1);
	CHECK(f.ntun == 1);
	core_free(c);
}
/*
 * A forged origin indication from "our server" must not make us a
 * bubble cannon: the answers are capped at 50 a second (hostile tests).
 */
static void
test_origin_rate(void)
{
	uint64_t	 now = 0;
	struct core	*c = qualified(&now);
	struct in6_addr	 ll = fake_ip6("fe80::1234");
	uint8_t		 buf[256];
	size_t		 n;
	unsigned int	 i;
	uint64_t	 rl;

	fake_clear(&f);
	now = (now / 1000 + 1) * 1000;
	rl = fake_drop(c, DROP_RATE_LIMIT);
	for (i = 0; i < 200; i++) {
		n = build_origin(buf, sizeof(buf), peer_ip + htonl(i),
		    peer_port);
		n += build_bubble(buf + n, sizeof(buf) - n, &ll, &f.addr);
		core_udp_input(c, now + i, server, TEREDO_PORT, buf, n);
	}
	CHECK(f.nudp == 50 && f.ntun == 0);
	CHECK(fake_drop(c, DROP_RATE_LIMIT) == rl + 150);
	/* The next second has a new allowance. */
	core_udp_input(c, now + 1000, server, TEREDO_PORT, buf, n);
	CHECK(f.nudp == 51);
	core_free(c);
}

int
main(void)
{
	server = fake_ip("192.0.2.1");
	mapped = fake_ip("198.51.100.7");
	peer_ip = fake_ip("203.0.113.5");
	relay_ip = fake_ip("198.51.100.200");
	test_qualify();
	test_retries_backoff();
	test_ra_prefix();
	test_server_back();
	test_backoff_cap();
	test_refresh_jitter();
	test_mapping_change();
	test_server_loss();
	test_bubbles();
	test_trust_fifo();
	test_symmetric();
	test_server_bubbles();
	test_bubble_limits();
	test_protections();
	test_origin_rate();
	test_ping_fail();
	test_ping_relay();
	return T_DONE();
}
