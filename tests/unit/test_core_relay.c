/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/* The Teredo relay state machine on a fake clock (RFC 4380 5.4). */

#include "config.h"

#include <string.h>

#include "core.h"
#include "core_fake.h"
#include "core_impl.h"
#include "packet.h"
#include "teredo.h"
#include "t.h"

#define RELAY_SRC	"2001:db8:20::10"

static struct fake	f;
static uint32_t		server, me, cl_ip;
static const uint16_t	cl_port = 5555;
static struct in6_addr	native;

static struct core *
role_new(enum core_role role, int cone, unsigned int peer_max)
{
	struct core_config	cfg;
	struct core_io		io;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = role;
	cfg.cone = cone;
	cfg.prefix = TEREDO_PREFIX;
	cfg.mtu = 1280;
	cfg.peer_max = peer_max;
	cfg.queue_bytes = 65536;
	cfg.local_ip = me;
	cfg.relay_src = fake_ip6(RELAY_SRC);
	fake_init(&f, &io, 3);
	return core_new(&cfg, &io, 0);
}

static struct core *
relay_new(int cone, unsigned int peer_max)
{
	return role_new(CORE_RELAY, cone, peer_max);
}

static size_t
pkt(uint8_t *buf, size_t sz, const struct in6_addr *src,
    const struct in6_addr *dst, uint16_t seq)
{
	return build_echo(buf, sz, 0, src, dst, 1, seq, "abc", 3);
}

static void
test_tun_rules(void)
{
	struct core		*c = relay_new(0, 64);
	struct core_status	 st;
	struct in6_addr		 a;
	uint8_t			 buf[256];
	size_t			 n;

	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_RELAY);
	/* Loops: our own IPv4 as the server or the client. */
	a = fake_teredo(me, cl_ip, cl_port);
	n = pkt(buf, sizeof(buf), &native, &a, 1);
	core_tun_input(c, 0, buf, n);
	a = fake_teredo(server, me, cl_port);
	n = pkt(buf, sizeof(buf), &native, &a, 1);
	core_tun_input(c, 0, buf, n);
	CHECK(fake_drop(c, DROP_LOOP) == 2 && f.nudp == 0);
	/* Non-global embedded client. */
	a = fake_teredo(server, fake_ip("10.1.2.3"), cl_port);
	n = pkt(buf, sizeof(buf), &native, &a, 1);
	core_tun_input(c, 0, buf, n);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 1 && f.nudp == 0);
	/* Not Teredo: unreachable back, from the relay itself (RFC 4443). */
	a = fake_ip6("2001:db8::5");
	n = pkt(buf, sizeof(buf), &native, &a, 1);
	core_tun_input(c, 0, buf, n);
	CHECK(fake_drop(c, DROP_BAD_DEST) == 1 && f.ntun == 1);
	CHECK(f.tun[0].buf[IP6_HDR_LEN] == ICMP6_DST_UNREACH);
	a = fake_ip6(RELAY_SRC);
	CHECK(memcmp(ip6_src(f.tun[0].buf), &a, 16) == 0 &&
	    memcmp(ip6_dst(f.tun[0].buf), &native, 16) == 0 &&
	    icmp6_cksum_ok(f.tun[0].buf, f.tun[0].len));
	/* Garbage from the tunnel. */
	memset(buf, 0, 60);
	core_tun_input(c, 0, buf, 60);
	CHECK(fake_drop(c, DROP_BAD_TUN) == 1);
	core_free(c);
}

static void
test_bubbles_cone(void)
{
	struct core	*c;
	struct in6_addr	 a = fake_teredo(server, cl_ip, cl_port);
	uint8_t		 buf[256];
	size_t		 n;

	/* A restricted relay sends a direct and an indirect bubble. */
	c = relay_new(0, 64);
	n = pkt(buf, sizeof(buf), &native, &a, 1);
	core_tun_input(c, 0, buf, n);
	CHECK(f.nudp == 2 && fake_count_to(&f, cl_ip, cl_port) == 1 &&
	    fake_count_to(&f, server, TEREDO_PORT) == 1);
	core_free(c);
	/* A cone relay only the indirect one. */
	c = relay_new(1, 64);
	core_tun_input(c, 0, buf, n);
	CHECK(f.nudp == 1 && fake_count_to(&f, server, TEREDO_PORT) == 1);
	core_free(c);
}

static void
test_udp_rules(void)
{
	struct core	*c = relay_new(1, 64);
	struct in6_addr	 a = fake_teredo(server, cl_ip, cl_port), b;
	uint8_t		 buf[256];
	size_t		 n;

	/*
	 * 5.4.2: a client we never sent to is dropped, even from the
	 * mapping in its address: no entry, nothing to the tunnel.
	 */
	n = pkt(buf, sizeof(buf), &a, &native, 1);
	core_udp_input(c, 0, cl_ip, cl_port, buf, n);
	CHECK(f.ntun == 0 && fake_drop(c, DROP_UNKNOWN_PEER) == 1);
	/* Once we sent to it (indirect bubble), its matching mapping. */
	n = pkt(buf, sizeof(buf), &native, &a, 2);
	core_tun_input(c, 0, buf, n);
	CHECK(f.nudp == 1 && f.udp[0].ip == server);
	n = pkt(buf, sizeof(buf), &a, &native, 1);
	core_udp_input(c, 0, cl_ip, cl_port, buf, n);
	CHECK(f.ntun == 1 && memcmp(f.tun[0].buf, buf, n) == 0);
	/* The queued packet went with the answer: trusted now. */
	CHECK(f.nudp == 2 && f.udp[1].ip == cl_ip && f.udp[1].port == cl_port);
	/* RFC 6081 trailer after a data packet: the packet alone goes on. */
	memcpy(buf + n, "\x01\x04\xde\xad\xbe\xef", 6);
	core_udp_input(c, 0, cl_ip, cl_port, buf, n + 6);
	CHECK(f.ntun == 2 && f.tun[1].len == n &&
	    memcmp(f.tun[1].buf, buf, n) == 0);
	/* A malformed one: counted, the packet still goes on. */
	memcpy(buf + n, "\x01\x09\xde\xad\xbe\xef", 6);
	core_udp_input(c, 0, cl_ip, cl_port, buf, n + 6);
	CHECK(f.ntun == 3 && f.tun[2].len == n &&
	    fake_drop(c, DROP_BAD_TRAILER) == 1);
	fake_clear(&f);
	n = pkt(buf, sizeof(buf), &native, &a, 2);
	core_tun_input(c, 0, buf, n);
	CHECK(f.nudp == 1 && f.udp[0].ip == cl_ip && f.udp[0].port == cl_port);
	n = pkt(buf, sizeof(buf), &a, &native, 1);
	/* Spoofed mapping. */
	core_udp_input(c, 0, cl_ip, cl_port + 1, buf, n);
	core_udp_input(c, 0, fake_ip("203.0.113.66"), cl_port, buf, n);
	CHECK(f.ntun == 0 && fake_drop(c, DROP_BAD_SOURCE) == 2);
	/* Non-Teredo source. */
	b = fake_ip6("2001:db8::77");
	n = pkt(buf, sizeof(buf), &b, &native, 1);
	core_udp_input(c, 0, cl_ip, cl_port, buf, n);
	CHECK(fake_drop(c, DROP_NOT_TEREDO) == 1);
	/* CVE-2006-6264: non-global embedded IPv4, even if it matches. */
	b = fake_teredo(server, fake_ip("192.168.1.1"), cl_port);
	n = pkt(buf, sizeof(buf), &b, &native, 1);
	core_udp_input(c, 0, fake_ip("192.168.1.1"), cl_port, buf, n);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 1);
	/* Nothing is learnt from a non-global outer source (fuzz finding). */
	n = pkt(buf, sizeof(buf), &a, &native, 1);
	core_udp_input(c, 0, fake_ip("10.1.2.3"), 1234, buf, n);
	core_udp_input(c, 0, 0, 0, buf, n);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 3 && f.ntun == 0 &&
	    f.nudp == 1);
	/* Teredo to Teredo through us would loop. */
	n = pkt(buf, sizeof(buf), &a, &b, 1);
	core_udp_input(c, 0, cl_ip, cl_port, buf, n);
	CHECK(fake_drop(c, DROP_LOOP) == 1);
	/* Truncated. */
	core_udp_input(c, 0, cl_ip, cl_port, buf, 30);
	CHECK(fake_drop(c, DROP_MALFORMED) == 1 && f.ntun == 0);
	core_free(c);
}

/*
 * The relay's only datagram so far, its indirect bubble: s and d are its
 * destination and source, the addresses of the answer.
 */
static void
first_bubble(struct in6_addr *s, struct in6_addr *d)
{
	struct teredo_packet	 tp;

	CHECK(f.nudp == 1 && teredo_parse(&tp, f.udp[0].buf,
	    f.udp[0].len) == 0);
	memcpy(s, ip6_dst(tp.ip6), 16);
	memcpy(d, ip6_src(tp.ip6), 16);
}

/* The client behind a symmetric NAT answers our indirect bubble. */
static void
test_symmetric(void)
{
	struct core		*c = relay_new(1, 64);
	struct in6_addr		 a = fake_teredo(server, cl_ip, cl_port);
	struct in6_addr		 s, d;
	uint32_t		 nat = fake_ip("203.0.113.8");
	uint8_t			 buf[256];
	size_t			 n;
	int			 i;

	for (i = 1; i <= 2; i++) {
		n = pkt(buf, sizeof(buf), &native, &a, i);
		core_tun_input(c, 0, buf, n);
	}
	first_bubble(&s, &d);
	CHECK(d.s6_addr[0] == 0xfe && d.s6_addr[1] == 0x80);
	/* Answer from another mapping: the hash proves it. */
	n = build_bubble(buf, sizeof(buf), &s, &d);
	core_udp_input(c, 10, nat, 7777, buf, n);
	CHECK(f.nudp == 3 && f.udp[1].ip == nat && f.udp[2].port == 7777);
	CHECK(f.ntun == 0);
	/* Its data from there is accepted now, and traffic goes there. */
	n = pkt(buf, sizeof(buf), &a, &native, 5);
	core_udp_input(c, 20, nat, 7777, buf, n);
	CHECK(f.ntun == 1);
	n = pkt(buf, sizeof(buf), &native, &a, 6);
	core_tun_input(c, 30, buf, n);
	CHECK(f.nudp == 4 && f.udp[3].ip == nat);
	/* A forged hash from a third mapping is not. */
	d.s6_addr[9] ^= 1;
	n = build_bubble(buf, sizeof(buf), &s, &d);
	core_udp_input(c, 40, nat, 7778, buf, n);
	CHECK(fake_drop(c, DROP_BAD_SOURCE) == 1);
	core_free(c);
}

/* An answer is good in its hash epoch and the next, not later. */
static void
test_epoch(void)
{
	struct core		*c = relay_new(1, 64);
	struct in6_addr		 a = fake_teredo(server, cl_ip, cl_port);
	struct in6_addr		 s, d;
	uint32_t		 nat = fake_ip("203.0.113.8");
	uint8_t			 buf[256];
	size_t			 n;

	n = pkt(buf, sizeof(buf), &native, &a, 1);
	core_tun_input(c, 1000, buf, n);
	first_bubble(&s, &d);
	n = build_bubble(buf, sizeof(buf), &s, &d);
	core_udp_input(c, 650000, nat, 7777, buf, n);
	CHECK(fake_drop(c, DROP_BAD_SOURCE) == 1);
	core_udp_input(c, 350000, nat, 7777, buf, n);
	CHECK(fake_drop(c, DROP_BAD_SOURCE) == 1);
	core_free(c);
}

/*
 * 5.4.2: 1,000 datagrams from forged Teredo sources (each from the
 * mapping in its address) neither reach the tunnel nor evict a trusted
 * peer from a 100-peer table: its next packet leaves at once.
 */
static void
test_spoof_flood(void)
{
	struct core		*c = relay_new(1, 100);
	struct core_status	 st;
	struct in6_addr		 a = fake_teredo(server, cl_ip, cl_port);
	uint8_t			 buf[256];
	size_t			 n;
	uint32_t		 i, ip;

	n = pkt(buf, sizeof(buf), &native, &a, 1);
	core_tun_input(c, 0, buf, n);
	n = pkt(buf, sizeof(buf), &a, &native, 1);
	core_udp_input(c, 10, cl_ip, cl_port, buf, n);
	CHECK(f.ntun == 1 && f.nudp == 2);
	/* 99 more peers we talk to: the table is full. */
	for (i = 0; i < 99; i++) {
		struct in6_addr b = fake_teredo(server, cl_ip,
		    (uint16_t)(20000 + i));

		n = pkt(buf, sizeof(buf), &native, &b, 1);
		core_tun_input(c, 20, buf, n);
	}
	core_get_status(c, &st);
	CHECK(st.peers == 100);
	fake_clear(&f);
	for (i = 0; i < 1000; i++) {
		struct in6_addr b;

		ip = htonl(0xcb007100u + (i % 200));	/* 203.0.113.x */
		b = fake_teredo(server, ip, (uint16_t)(1000 + i));
		n = pkt(buf, sizeof(buf), &b, &native, 1);
		core_udp_input(c, 30, ip, (uint16_t)(1000 + i), buf, n);
	}
	core_get_status(c, &st);
	CHECK(f.ntun == 0 && st.peers == 100 &&
	    st.counters.peers_evicted == 0 &&
	    fake_drop(c, DROP_UNKNOWN_PEER) == 1000);
	/* The trusted peer is still trusted: no bubble, straight to it. */
	n = pkt(buf, sizeof(buf), &native, &a, 2);
	core_tun_input(c, 40, buf, n);
	CHECK(f.nudp == 1 && f.udp[0].ip == cl_ip &&
	    f.udp[0].port == cl_port && f.udp[0].len == n);
	core_free(c);
}

static void
test_flood(void)
{
	struct core		*c = relay_new(1, 100);
	struct core_status	 st;
	uint8_t			 buf[256];
	size_t			 n;
	uint32_t		 i;
	uint64_t		 now = 0;

	/* 10000 different destinations: the table stays at its cap. */
	for (i = 0; i < 10000; i++) {
		struct in6_addr a = fake_teredo(server, cl_ip,
		    (uint16_t)(1000 + i));

		n = pkt(buf, sizeof(buf), &native, &a, 1);
		core_tun_input(c, now, buf, n);
	}
	core_get_status(c, &st);
	CHECK(st.peers == 100 && st.counters.peers_evicted == 9900);
	/* ICMPv6 errors are rate-limited. */
	fake_clear(&f);
	for (i = 0; i < 100; i++) {
		struct in6_addr a = fake_ip6("2001:db8::9");

		n = pkt(buf, sizeof(buf), &native, &a, 1);
		core_tun_input(c, 5000, buf, n);
	}
	CHECK(f.ntun == 10 && fake_drop(c, DROP_RATE_LIMIT) == 90);
	/* Idle peers are forgotten. */
	fake_run(c, &now, 1000000);
	core_get_status(c, &st);
	CHECK(st.peers == 0);
	core_free(c);
}

/*
 * Mass expiry in steps: 3000 peers idle since the same instant go
 * CORE_TIMER_BATCH per core_timer() call, and while some are left the
 * next call is due 1 ms later (the engine reads its sockets in between),
 * not at once, nor 5 minutes later.
 */
static void
test_expiry_steps(void)
{
	struct core		*c = relay_new(1, 4096);
	struct core_status	 st;
	uint8_t			 buf[256];
	size_t			 n;
	uint32_t		 i;
	uint64_t		 now = 0, at;

	for (i = 0; i < 3000; i++) {
		struct in6_addr a = fake_teredo(server, cl_ip,
		    (uint16_t)(1000 + i));

		n = pkt(buf, sizeof(buf), &native, &a, 1);
		core_tun_input(c, now, buf, n);
	}
	/* Their connectivity tests fail, then they idle. */
	fake_run(c, &now, 200000);
	core_get_status(c, &st);
	CHECK(st.peers == 3000);
	at = core_next_timer(c);
	CHECK(at == CORE_PEER_IDLE_MS);
	core_timer(c, at);
	core_get_status(c, &st);
	CHECK(st.peers == 3000 - CORE_TIMER_BATCH);
	CHECK(core_next_timer(c) == at + 1);
	core_timer(c, at + 1);
	core_get_status(c, &st);
	CHECK(st.peers == 3000 - 2 * CORE_TIMER_BATCH);
	CHECK(core_next_timer(c) == at + 2);
	core_timer(c, at + 2);
	core_get_status(c, &st);
	CHECK(st.peers == 0 && core_next_timer(c) == UINT64_MAX);
	core_free(c);
}

/* Qualify a client with the RA its RS asks for. */
static void
garbage_qualify(struct core *c)
{
	struct teredo_packet	tp;
	struct in6_addr		src = fake_ip6("fe80::8000:f227:1");
	uint8_t			buf[256];
	size_t			n;

	core_set_server(c, 0, server, 0);
	CHECK(f.nudp == 1 && teredo_parse(&tp, f.udp[0].buf,
	    f.udp[0].len) == 0 && tp.has_auth);
	n = build_auth(buf, sizeof(buf), tp.nonce, 0);
	n += build_origin(buf + n, sizeof(buf) - n, fake_ip("198.51.100.7"),
	    4000);
	n += build_ra(buf + n, sizeof(buf) - n, &src, &teredo_ll_client,
	    TEREDO_PREFIX, server, 0);
	core_udp_input(c, 0, server, TEREDO_PORT, buf, n);
	CHECK(f.ups == 1);
}

/*
 * Mutated valid datagrams and tunnel packets, in both roles, with time
 * moving on: nothing may crash (the sanitizer build checks the memory),
 * and the table stays within its cap.
 */
static void
garbage_run(struct core *c, uint8_t base[][256], const size_t *blen)
{
	struct core_status	 st;
	uint8_t			 buf[256];
	size_t			 n;
	uint64_t		 now = 0, r = 88172645463325252ull;
	int			 i;

	for (i = 0; i < 20000; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		n = blen[r % 4];
		memcpy(buf, base[r % 4], n);
		buf[(r >> 8) % n] ^= (uint8_t)(r >> 16);
		if ((r >> 24) % 3 == 0)
			n = (r >> 32) % (n + 1);
		if ((r >> 40) % 2)
			core_udp_input(c, now, (r >> 44) % 2 ? server : cl_ip,
			    (uint16_t)(cl_port + r % 3), buf, n);
		else
			core_tun_input(c, now, buf, n);
		now += (r >> 48) % 500;
		core_timer(c, now);
		fake_clear(&f);
	}
	core_get_status(c, &st);
	CHECK(st.peers <= 16);
}

static void
test_garbage(void)
{
	struct in6_addr	 a = fake_teredo(server, cl_ip, cl_port), ll, me6;
	struct core	*c;
	uint8_t		 base[4][256];
	size_t		 blen[4];
	int		 role;

	ll = fake_ip6("fe80::1");
	for (role = 0; role < 2; role++) {
		c = role_new(role == 0 ? CORE_CLIENT : CORE_RELAY, role, 16);
		me6 = native;
		if (role == 0) {
			garbage_qualify(c);
			me6 = f.addr;
		}
		blen[0] = build_origin(base[0], 256, cl_ip, cl_port);
		blen[0] += build_bubble(base[0] + blen[0], 200, &a, &me6);
		blen[1] = pkt(base[1], 256, &a, &me6, 3);
		blen[2] = pkt(base[2], 256, &me6, &a, 3);
		blen[3] = build_bubble(base[3], 256, &ll, &a);
		garbage_run(c, base, blen);
		core_free(c);
	}
}

int
main(void)
{
	server = fake_ip("192.0.2.1");
	me = fake_ip("198.51.100.1");
	cl_ip = fake_ip("203.0.113.5");
	native = fake_ip6("2001:db8:1::1");
	test_tun_rules();
	test_bubbles_cone();
	test_udp_rules();
	test_symmetric();
	test_epoch();
	test_flood();
	test_expiry_steps();
	test_spoof_flood();
	test_garbage();
	return T_DONE();
}
