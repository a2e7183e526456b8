/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The client's RFC 6081 Symmetric NAT Support on a fake clock: the NAT
 * test through the secondary server address (RFC 4380 5.2.1, RFC 6081
 * 5.3.3, 5.4.3) and the nonce trailers of bubbles (RFC 6081 5.2).
 */

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
static uint32_t		server, server2, mapped, peer_ip, other_ip;
static const uint16_t	mport = 40000, lport = 50000, peer_port = 5555;

/* Random-port sockets (RFC 6081 5.4, 5.5): ids 1.., ports 50100.. */
static int		rports;		/* give the core open_udp */
static int		nsock, nclosed;
static int		sock_of[FAKE_MAX];	/* of f.udp[i], 0: main */

static int
t_open_udp(void *arg, uint16_t *port)
{
	(void)arg;
	nsock++;
	*port = (uint16_t)(50000 + 100 * nsock);
	return nsock;
}

static void
t_send_udp_from(void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct fake_pkt	*d;

	(void)arg;
	if (f.nudp >= FAKE_MAX || len > FAKE_PKT)
		return;
	sock_of[f.nudp] = sock;
	d = &f.udp[f.nudp++];
	d->ip = ip;
	d->port = port;
	d->len = len;
	memcpy(d->buf, buf, len);
}

static void
t_close_udp(void *arg, int sock)
{
	(void)arg;
	(void)sock;
	nclosed++;
}

static void
clear(void)
{
	fake_clear(&f);
	memset(sock_of, 0, sizeof(sock_of));
}

static struct core *
client_new(int sns, uint16_t local_port)
{
	struct core_config	cfg;
	struct core_io		io;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_CLIENT;
	cfg.peer_max = 64;
	cfg.queue_bytes = 65536;
	cfg.sns = sns;
	cfg.local_port = local_port;
	fake_init(&f, &io, 99);
	memset(sock_of, 0, sizeof(sock_of));
	nsock = nclosed = 0;
	if (rports) {
		io.open_udp = t_open_udp;
		io.send_udp_from = t_send_udp_from;
		io.close_udp = t_close_udp;
	}
	return core_new(&cfg, &io, 0);
}

/* The nonce of the last RS sent to ip (0), or -1. */
static int
last_rs_to(uint32_t ip, uint8_t nonce[8])
{
	struct teredo_packet	tp;
	unsigned int		i;

	for (i = f.nudp; i-- > 0;)
		if (f.udp[i].ip == ip && f.udp[i].port == TEREDO_PORT &&
		    teredo_parse(&tp, f.udp[i].buf, f.udp[i].len) == 0 &&
		    tp.has_auth && parse_rs(tp.ip6, tp.ip6_len)) {
			memcpy(nonce, tp.nonce, 8);
			return 0;
		}
	return -1;
}

/* The server at `from` answers the last RS to it with mapping mip:mp. */
static void
answer(struct core *c, uint64_t now, uint32_t from, uint32_t mip,
    uint16_t mp, int spoil)
{
	struct in6_addr	src = fake_ip6("fe80::8000:f227:bec4:53ed");
	uint8_t		nonce[8], buf[256];
	size_t		n;

	CHECK(last_rs_to(from, nonce) == 0);
	nonce[0] ^= spoil;
	n = build_auth(buf, sizeof(buf), nonce, 0);
	n += build_origin(buf + n, sizeof(buf) - n, mip, mp);
	n += build_ra(buf + n, sizeof(buf) - n, &src, &teredo_ll_client,
	    TEREDO_PREFIX, server, 0);
	core_udp_input(c, now, from, TEREDO_PORT, buf, n);
}

static struct core *
qualified(int sns, uint16_t local_port)
{
	struct core	*c = client_new(sns, local_port);

	core_set_server(c, 0, server, 0);
	answer(c, 0, server, mapped, mport, 0);
	CHECK(f.ups == 1);
	return c;
}

/*
 * RFC 4380 5.2.1: once qualified, one RS to the secondary address; the
 * mapping in its answer tells a symmetric NAT.  RFC 6081 5.4.3: the
 * mapped port against the local one tells a port-preserving NAT.
 */
static void
test_nat_test(void)
{
	struct core		*c;
	struct core_status	 st;
	uint8_t			 nonce[8];

	/* Off: RFC 4380 as miredo, no second RS, nothing known. */
	c = qualified(0, mport);
	CHECK(f.nudp == 1 && last_rs_to(server2, nonce) == -1);
	core_get_status(c, &st);
	CHECK(st.nat == CORE_NAT_UNKNOWN && !st.sns);
	CHECK(st.port_preserving == 1);
	core_free(c);
	/* On, behind a symmetric NAT. */
	c = qualified(1, lport);
	CHECK(f.nudp == 2 && last_rs_to(server2, nonce) == 0);
	/* A wrong nonce teaches nothing. */
	answer(c, 10, server2, mapped, mport + 1, 1);
	core_get_status(c, &st);
	CHECK(st.nat == CORE_NAT_UNKNOWN && st.sns);
	CHECK(fake_drop(c, DROP_BAD_RA) == 1);
	answer(c, 20, server2, mapped, mport + 1, 0);
	core_get_status(c, &st);
	CHECK(st.nat == CORE_NAT_SYMMETRIC && st.port_preserving == 0);
	CHECK(st.mapped_ip2 == mapped && st.mapped_port2 == mport + 1);
	CHECK(st.state == CORE_STATE_QUALIFIED && f.ups == 1);
	/* Answered once: a replay is not the NAT test any more. */
	answer(c, 30, server2, mapped, mport, 0);
	core_get_status(c, &st);
	CHECK(st.nat == CORE_NAT_SYMMETRIC && f.ups == 1);
	core_free(c);
	/* Same mapping from both addresses, port preserved. */
	c = qualified(1, mport);
	answer(c, 20, server2, mapped, mport, 0);
	core_get_status(c, &st);
	CHECK(st.nat == CORE_NAT_NOT_SYMMETRIC && st.port_preserving == 1);
	core_free(c);
}

static struct in6_addr
peer_addr(void)
{
	return fake_teredo(server, peer_ip, peer_port);
}

/* The nonce trailer of datagram i, or -1. */
static int
trailer_nonce(unsigned int i, uint8_t nonce[4], struct in6_addr *src)
{
	struct teredo_packet	tp;

	if (i >= f.nudp || teredo_parse(&tp, f.udp[i].buf, f.udp[i].len) ||
	    !ip6_is_bubble(tp.ip6, tp.ip6_len) || !tp.tr.has_nonce)
		return -1;
	memcpy(nonce, tp.tr.nonce, 4);
	memcpy(src, ip6_src(tp.ip6), 16);
	return 0;
}

/* A direct bubble from the peer (from ip:port) with a nonce trailer. */
static void
peer_bubble(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const uint8_t nonce[4], const struct in6_addr *dst, int origin)
{
	struct in6_addr	pa = peer_addr();
	uint8_t		buf[128];
	size_t		n = 0;

	if (origin)
		n = build_origin(buf, sizeof(buf), peer_ip, peer_port);
	n += build_bubble(buf + n, sizeof(buf) - n, &pa, dst);
	n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_NONCE, nonce, 4);
	core_udp_input(c, now, ip, port, buf, n);
}

/*
 * RFC 6081 5.2.4.1 and 5.2.4.4: our indirect bubble carries a nonce; a
 * direct bubble with it is trusted at whatever mapping it came from.
 */
static void
test_nonce_trust(int sns)
{
	struct core		*c = qualified(sns, lport);
	struct in6_addr		 pa = peer_addr(), src;
	struct core_status	 st;
	uint8_t			 buf[256], nonce[4], bad[4];
	size_t			 n;

	fake_clear(&f);
	n = build_echo(buf, sizeof(buf), 0, &f.addr, &pa, 7, 1, "data", 4);
	core_tun_input(c, 100, buf, n);
	/* Direct, then (on) the nonce indirect, then the keyed indirect. */
	CHECK(f.nudp == (sns ? 3u : 2u));
	CHECK(f.udp[0].ip == peer_ip && f.udp[0].port == peer_port);
	CHECK(fake_count_to(&f, server, TEREDO_PORT) == (sns ? 2u : 1u));
	CHECK((trailer_nonce(1, nonce, &src) == 0) == sns);
	if (!sns)
		memset(nonce, 0x5a, sizeof(nonce));
	else
		CHECK(memcmp(&src, &f.addr, 16) == 0);
	memcpy(bad, nonce, 4);
	bad[3] ^= 0x80;
	/* Another nonce, from another mapping: refused. */
	peer_bubble(c, 200, other_ip, 6000, bad, &f.addr, 0);
	CHECK(fake_drop(c, DROP_BAD_SOURCE) == 1 && f.nudp == (sns ? 3u : 2u));
	/* Ours: trusted there, the queued packet goes to that mapping. */
	peer_bubble(c, 300, other_ip, 6000, nonce, &f.addr, 0);
	core_get_status(c, &st);
	if (sns) {
		CHECK(st.counters.nonce_ok == 1 && st.counters.nonce_sent == 1);
		CHECK(f.nudp == 4 && f.udp[3].ip == other_ip &&
		    f.udp[3].port == 6000);
	} else
		CHECK(fake_drop(c, DROP_BAD_SOURCE) == 2 && f.nudp == 2);
	core_free(c);
}

/*
 * RFC 6081 5.2.4.2, 5.2.4.3 and 3.1 (second case): an indirect bubble
 * with a nonce is answered with a direct bubble with that nonce, and a
 * peer we cannot trust yet gets an indirect bubble of ours.
 */
static void
test_indirect_rx(void)
{
	struct core		*c = qualified(1, lport);
	struct in6_addr		 pa = peer_addr(), src;
	const uint8_t		 theirs[4] = { 1, 2, 3, 4 };
	uint8_t			 nonce[4];

	fake_clear(&f);
	peer_bubble(c, 100, server, TEREDO_PORT, theirs, &f.addr, 1);
	CHECK(f.nudp == 4);
	/* The answer to the origin, with their nonce. */
	CHECK(f.udp[0].ip == peer_ip && f.udp[0].port == peer_port);
	CHECK(trailer_nonce(0, nonce, &src) == 0 &&
	    memcmp(nonce, theirs, 4) == 0 && memcmp(&src, &f.addr, 16) == 0);
	/* Then our own probe: direct, nonce indirect, keyed indirect. */
	CHECK(f.udp[1].ip == peer_ip && trailer_nonce(1, nonce, &src) == -1);
	CHECK(f.udp[2].ip == server && trailer_nonce(2, nonce, &src) == 0 &&
	    memcmp(nonce, theirs, 4) != 0);
	CHECK(f.udp[3].ip == server);
	/* Once the peer is trusted, no more indirect bubbles. */
	peer_bubble(c, 200, other_ip, 6000, nonce, &f.addr, 0);
	fake_clear(&f);
	peer_bubble(c, 3000, server, TEREDO_PORT, theirs, &f.addr, 1);
	CHECK(f.nudp == 1 && fake_count_to(&f, server, TEREDO_PORT) == 0);
	/* And the answer goes to the mapping we trust (RFC 6081 6.1). */
	CHECK(f.udp[0].ip == other_ip && f.udp[0].port == 6000);
	core_free(c);
	/* Without a nonce trailer: RFC 4380 only, no indirect bubble. */
	c = qualified(1, lport);
	fake_clear(&f);
	{
		uint8_t	buf[128];
		size_t	n;

		n = build_origin(buf, sizeof(buf), peer_ip, peer_port);
		n += build_bubble(buf + n, sizeof(buf) - n, &pa, &f.addr);
		core_udp_input(c, 100, server, TEREDO_PORT, buf, n);
	}
	CHECK(f.nudp == 1 && f.udp[0].ip == peer_ip);
	CHECK(trailer_nonce(0, nonce, &src) == -1);
	core_free(c);
}

/* The Random Port trailer of datagram i, or 0. */
static uint16_t
trailer_rport(unsigned int i)
{
	struct teredo_packet	tp;

	if (i >= f.nudp || teredo_parse(&tp, f.udp[i].buf, f.udp[i].len) ||
	    !tp.tr.has_random_port)
		return 0;
	return tp.tr.random_port;
}

/* Qualified behind a symmetric NAT, port-preserving or not. */
static struct core *
symmetric(int pp)
{
	struct core	*c = qualified(1, pp ? mport : lport);

	answer(c, 10, server2, mapped, mport + 1, 0);
	clear();
	return c;
}

/*
 * RFC 6081 5.4.4.2, 5.4.4.3: behind a port-preserving symmetric NAT a
 * random-port socket for the peer, its port in Random Port trailers.
 */
static void
test_pp(void)
{
	struct core		*c = symmetric(1);
	struct in6_addr		 pa = peer_addr(), src;
	struct core_status	 st;
	uint8_t			 buf[256], nonce[4];
	size_t			 n;

	n = build_echo(buf, sizeof(buf), 0, &f.addr, &pa, 7, 1, "data", 4);
	core_tun_input(c, 100, buf, n);
	CHECK(nsock == 1);
	core_get_status(c, &st);
	CHECK(st.pp == 1 && st.seq == 0 && st.rports == 1);
	/* Main direct, random-port direct, nonce indirect, keyed. */
	CHECK(f.nudp == 4);
	CHECK(sock_of[0] == 0 && f.udp[0].ip == peer_ip);
	CHECK(sock_of[1] == 1 && f.udp[1].ip == peer_ip &&
	    f.udp[1].port == peer_port && trailer_rport(1) == 50100);
	CHECK(sock_of[2] == 0 && f.udp[2].ip == server &&
	    trailer_rport(2) == 50100 && trailer_nonce(2, nonce, &src) == 0);
	CHECK(sock_of[3] == 0 && trailer_rport(3) == 0);
	/*
	 * Only the peer may talk on its socket, not even another peer
	 * from its own mapping.
	 */
	src = fake_teredo(server, other_ip, 6000);
	n = build_bubble(buf, sizeof(buf), &src, &f.addr);
	core_udp_input_from(c, 200, 1, other_ip, 6000, buf, n);
	CHECK(fake_drop(c, DROP_BAD_SOURCE) == 1);
	core_get_status(c, &st);
	CHECK(st.peers == 1);
	/* The peer answers on it: the queued packet leaves from it. */
	n = build_bubble(buf, sizeof(buf), &pa, &f.addr);
	core_udp_input_from(c, 300, 1, peer_ip, peer_port, buf, n);
	CHECK(f.nudp == 5 && sock_of[4] == 1 && f.udp[4].ip == peer_ip);
	core_free(c);
	CHECK(nclosed == 1);
}

/* RFC 6081 5.5.4.1.1, 5.5.4.4: the echo test predicts the port. */
static void
test_sequential(void)
{
	struct core		*c = symmetric(0);
	struct in6_addr		 pa = peer_addr(), src;
	struct core_status	 st;
	uint8_t			 buf[256], n1[8], n2[8], nonce[4];
	size_t			 n;

	n = build_echo(buf, sizeof(buf), 0, &f.addr, &pa, 7, 1, "data", 4);
	core_tun_input(c, 100, buf, n);
	core_get_status(c, &st);
	CHECK(st.pp == 0 && st.seq == 1 && st.counters.echo_tests == 1);
	/* Main direct, then RS, direct, RS from the socket, keyed. */
	CHECK(f.nudp == 5);
	CHECK(sock_of[1] == 1 && f.udp[1].ip == server);
	CHECK(sock_of[2] == 1 && f.udp[2].ip == peer_ip);
	CHECK(sock_of[3] == 1 && f.udp[3].ip == server2);
	CHECK(sock_of[4] == 0 && trailer_nonce(4, nonce, &src) == -1);
	CHECK(last_rs_to(server, n1) == 0 && last_rs_to(server2, n2) == 0);
	/* The answers, on the socket: 40010 and 40012. */
	{
		struct in6_addr	ll = fake_ip6("fe80::8000:1");
		uint8_t		ra[256];
		size_t		k;

		k = build_auth(ra, sizeof(ra), n1, 0);
		k += build_origin(ra + k, sizeof(ra) - k, mapped, 40010);
		k += build_ra(ra + k, sizeof(ra) - k, &ll, &teredo_ll_client,
		    TEREDO_PREFIX, server, 0);
		core_udp_input_from(c, 150, 1, server, TEREDO_PORT, ra, k);
		CHECK(f.nudp == 5);
		k = build_auth(ra, sizeof(ra), n2, 0);
		k += build_origin(ra + k, sizeof(ra) - k, mapped, 40012);
		k += build_ra(ra + k, sizeof(ra) - k, &ll, &teredo_ll_client,
		    TEREDO_PREFIX, server, 0);
		core_udp_input_from(c, 160, 1, server2, TEREDO_PORT, ra, k);
	}
	/* Now the indirect bubble, with the middle port. */
	CHECK(f.nudp == 6 && f.udp[5].ip == server && sock_of[5] == 0);
	CHECK(trailer_rport(5) == 40011 && trailer_nonce(5, nonce, &src) == 0);
	/* The qualification did not see those RAs. */
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFIED && st.mapped_port == mport);
	core_free(c);
}

/* RFC 6081 5.4.4.4: a peer's Random Port gets our direct bubbles too. */
static void
test_peer_rport(void)
{
	struct core	*c = qualified(1, lport);
	struct in6_addr	 pa = peer_addr();
	const uint8_t	 theirs[4] = { 9, 8, 7, 6 };
	uint8_t		 buf[128], rp[2] = { 0x9c, 0x41 };
	size_t		 n;

	/* rp: the peer's random port, 40001. */
	clear();
	n = build_origin(buf, sizeof(buf), peer_ip, peer_port);
	n += build_bubble(buf + n, sizeof(buf) - n, &pa, &f.addr);
	n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_NONCE, theirs, 4);
	n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_RANDOM_PORT, rp,
	    2);
	core_udp_input(c, 100, server, TEREDO_PORT, buf, n);
	CHECK(fake_count_to(&f, peer_ip, peer_port) >= 1);
	CHECK(fake_count_to(&f, peer_ip, 40001) >= 1);
	core_free(c);
}

/* Bubbles captured to ip, and of those, with an ND trailer of type nd. */
static unsigned int
bubbles_to(uint32_t ip, int nd)
{
	struct teredo_packet	tp;
	unsigned int		i, k = 0;

	for (i = 0; i < f.nudp; i++)
		if (f.udp[i].ip == ip &&
		    teredo_parse(&tp, f.udp[i].buf, f.udp[i].len) == 0 &&
		    ip6_is_bubble(tp.ip6, tp.ip6_len) &&
		    (nd == -1 || (tp.tr.has_nd && tp.tr.nd_type == nd)))
			k++;
	return k;
}

/* The ND trailer's DiscoveryType of datagram i, or -1. */
static int
trailer_nd(unsigned int i)
{
	struct teredo_packet	tp;

	if (i >= f.nudp || teredo_parse(&tp, f.udp[i].buf, f.udp[i].len) ||
	    !tp.tr.has_nd)
		return -1;
	return tp.tr.nd_type;
}

/*
 * RFC 6081 5.7 (Server Load Reduction): a direct bubble soliciting an
 * answer gets one; a quiet path to a peer that speaks RFC 6081 is
 * refreshed with three such bubbles before any indirect one.
 */
static void
test_slr(void)
{
	struct core	*c = qualified(1, lport);
	struct in6_addr	 pa = peer_addr(), src;
	uint8_t		 buf[256], nonce[4], sol[4] = { 0, 0, 0, 0 };
	uint64_t	 now = 100;
	size_t		 n;

	clear();
	n = build_echo(buf, sizeof(buf), 0, &f.addr, &pa, 7, 1, "data", 4);
	core_tun_input(c, now, buf, n);
	CHECK(trailer_nonce(1, nonce, &src) == 0);
	/* The peer answers with our nonce (an RFC 6081 peer), trusted. */
	peer_bubble(c, 200, peer_ip, peer_port, nonce, &f.addr, 0);
	CHECK(f.nudp == 4 && f.udp[3].ip == peer_ip);
	/* Its solicitation is answered with an advertisement. */
	clear();
	n = build_bubble(buf, sizeof(buf), &pa, &f.addr);
	n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_ND_OPTION, sol,
	    4);
	core_udp_input(c, 300, peer_ip, peer_port, buf, n);
	CHECK(f.nudp == 1 && f.udp[0].ip == peer_ip &&
	    f.udp[0].port == peer_port && trailer_nd(0) == 1);
	/* 40 s later the path is stale: solicitations, no indirect. */
	clear();
	now = 40300;
	n = build_echo(buf, sizeof(buf), 0, &f.addr, &pa, 7, 2, "data", 4);
	core_tun_input(c, now, buf, n);
	CHECK(f.nudp == 1 && f.udp[0].ip == peer_ip && trailer_nd(0) == 0);
	fake_run(c, &now, now + 4000);
	CHECK(bubbles_to(peer_ip, 0) == 3 && bubbles_to(server, -1) == 0);
	/* Three unanswered: the RFC 4380 bubbles, through the server. */
	fake_run(c, &now, now + 2000);
	CHECK(bubbles_to(server, -1) >= 1 && bubbles_to(peer_ip, 0) == 3);
	core_free(c);
	/* Off: a solicitation gets no answer. */
	c = qualified(0, lport);
	clear();
	n = build_bubble(buf, sizeof(buf), &pa, &f.addr);
	n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_ND_OPTION, sol,
	    4);
	core_udp_input(c, 300, peer_ip, peer_port, buf, n);
	CHECK(f.nudp == 0);
	core_free(c);
}

int
main(void)
{
	server = fake_ip("192.0.2.1");
	server2 = fake_ip("192.0.2.2");
	mapped = fake_ip("203.0.113.7");
	peer_ip = fake_ip("198.51.100.9");
	other_ip = fake_ip("198.51.100.99");
	test_nat_test();
	test_nonce_trust(1);
	test_nonce_trust(0);
	test_indirect_rx();
	test_slr();
	rports = 1;
	test_pp();
	test_sequential();
	test_peer_rport();
	/* Without sockets from the daemon: SNS only. */
	{
		struct core		*c;
		struct core_status	 st;

		rports = 0;
		c = symmetric(1);
		core_get_status(c, &st);
		CHECK(st.sns && st.pp == 0 && st.seq == 0);
		core_free(c);
	}
	return T_DONE();
}
