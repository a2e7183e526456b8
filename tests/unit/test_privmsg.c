/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "privmsg.h"
#include "t.h"
#include "tprivmsg.h"

static const struct privmsg_policy pol = { 7, 0x20010000u, PRIVMSG_ROLE_CLIENT };

static int
check(const void *m, size_t len)
{
	const char *why = NULL;
	int t;

	t = privmsg_check(m, len, &pol, &why);
	CHECK((t == -1) == (why != NULL));
	return t;
}

static void
test_addr(void)
{
	struct privmsg_addr m;
	unsigned char big[sizeof(m) + 1];

	m = maddr(PRIV_MSG_ADDR_ADD, 7, "2001:0:c000:201:8000:cfc6:3fff:fd74",
	    32);
	CHECK(check(&m, sizeof(m)) == PRIV_MSG_ADDR_ADD);
	m.type = PRIV_MSG_ADDR_DEL;
	CHECK(check(&m, sizeof(m)) == PRIV_MSG_ADDR_DEL);
	/* exact length only */
	CHECK(check(&m, sizeof(m) - 1) == -1);
	memset(big, 0, sizeof(big));
	memcpy(big, &m, sizeof(m));
	CHECK(check(big, sizeof(big)) == -1);
	CHECK(check(&m, 0) == -1);
	CHECK(check(&m, 3) == -1);
	/* another interface */
	m = maddr(PRIV_MSG_ADDR_ADD, 8, "2001:0:c000:201::1", 32);
	CHECK(check(&m, sizeof(m)) == -1);
	m = maddr(PRIV_MSG_ADDR_ADD, 0, "2001:0:c000:201::1", 32);
	CHECK(check(&m, sizeof(m)) == -1);
	/* outside the prefix */
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "2001:db8::1", 32),
	    check(&m, sizeof(m))) == -1);
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "2001:1::1", 32),
	    check(&m, sizeof(m))) == -1);
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "::1", 32),
	    check(&m, sizeof(m))) == -1);
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "ff02::1", 32),
	    check(&m, sizeof(m))) == -1);
	/* prefix lengths from the allow-list */
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "2001:0::5", 64),
	    check(&m, sizeof(m))) == -1);
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "2001:0::5", 128),
	    check(&m, sizeof(m))) == -1);
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "2001:0::5", 0xffffffffu),
	    check(&m, sizeof(m))) == -1);
	/* only the one link-local, /64 */
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "fe80::ffff:ffff:ffff", 64),
	    check(&m, sizeof(m))) == PRIV_MSG_ADDR_ADD);
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "fe80::ffff:ffff:ffff", 32),
	    check(&m, sizeof(m))) == -1);
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "fe80::1", 64),
	    check(&m, sizeof(m))) == -1);
	CHECK((m = maddr(PRIV_MSG_ADDR_ADD, 7, "fe80::ffff:ffff", 64),
	    check(&m, sizeof(m))) == -1);
}

/*
 * A client's policy (prefix 0): its prefix comes from its server's RA, so
 * any global unicast /32 address, still nothing else, and only the
 * default route (no prefix route).
 */
static void
test_client_policy(void)
{
	static const struct privmsg_policy cp = { 7, 0, PRIVMSG_ROLE_CLIENT };
	struct privmsg_addr m;
	struct privmsg_route r;
	const char *why;

	m = maddr(PRIV_MSG_ADDR_ADD, 7, "2001:db8:c000:201::1", 32);
	CHECK(privmsg_check(&m, sizeof(m), &cp, &why) == PRIV_MSG_ADDR_ADD);
	m = maddr(PRIV_MSG_ADDR_ADD, 7, "3ffe:831f:c000:201::1", 32);
	CHECK(privmsg_check(&m, sizeof(m), &cp, &why) == PRIV_MSG_ADDR_ADD);
	m = maddr(PRIV_MSG_ADDR_ADD, 7, "fd00::1", 32);
	CHECK(privmsg_check(&m, sizeof(m), &cp, &why) == -1);
	m = maddr(PRIV_MSG_ADDR_ADD, 7, "ff02::1", 32);
	CHECK(privmsg_check(&m, sizeof(m), &cp, &why) == -1);
	m = maddr(PRIV_MSG_ADDR_ADD, 7, "::1", 32);
	CHECK(privmsg_check(&m, sizeof(m), &cp, &why) == -1);
	m = maddr(PRIV_MSG_ADDR_ADD, 7, "2001:db8::1", 64);
	CHECK(privmsg_check(&m, sizeof(m), &cp, &why) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "::", 0, PRIVMSG_CLIENT_METRIC);
	CHECK(privmsg_check(&r, sizeof(r), &cp, &why) == PRIV_MSG_ROUTE_ADD);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "::", 32, PRIVMSG_CLIENT_METRIC);
	CHECK(privmsg_check(&r, sizeof(r), &cp, &why) == -1);
}

static void
test_route(void)
{
	struct privmsg_route r;

	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "::", 0, PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == PRIV_MSG_ROUTE_ADD);
	r.type = PRIV_MSG_ROUTE_DEL;
	CHECK(check(&r, sizeof(r)) == PRIV_MSG_ROUTE_DEL);
	CHECK(check(&r, sizeof(r) + 1) == -1);
	CHECK(check(&r, sizeof(r) - 4) == -1);
	/* anything else is out of policy, the Teredo prefix too */
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "2001::", 32, PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 9, "::", 0, PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "::", 0, 0);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "::", 0, 1);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "2001:db8::", 32,
	    PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "::", 1, PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "2000::", 3, PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "8000::", 0, PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "2001::1", 32,
	    PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == -1);
	r = mroute(PRIV_MSG_ROUTE_ADD, 7, "2001::", 128,
	    PRIVMSG_CLIENT_METRIC);
	CHECK(check(&r, sizeof(r)) == -1);
}

static void
test_mtu_link(void)
{
	struct privmsg_mtu m = { PRIV_MSG_MTU, 7, 1280 };
	struct privmsg_link l = { PRIV_MSG_LINK, 7, 1 };

	CHECK(check(&m, sizeof(m)) == PRIV_MSG_MTU);
	m.mtu = 65535;
	CHECK(check(&m, sizeof(m)) == PRIV_MSG_MTU);
	m.mtu = 1279;
	CHECK(check(&m, sizeof(m)) == -1);
	m.mtu = 65536;
	CHECK(check(&m, sizeof(m)) == -1);
	m.mtu = 0;
	CHECK(check(&m, sizeof(m)) == -1);
	m.mtu = 1400;
	m.ifindex = 6;
	CHECK(check(&m, sizeof(m)) == -1);
	m.ifindex = 7;
	CHECK(check(&m, sizeof(m) + 4) == -1);
	CHECK(check(&l, sizeof(l)) == PRIV_MSG_LINK);
	l.up = 0;
	CHECK(check(&l, sizeof(l)) == PRIV_MSG_LINK);
	l.up = 2;
	CHECK(check(&l, sizeof(l)) == -1);
	l.up = 1;
	l.ifindex = 1;
	CHECK(check(&l, sizeof(l)) == -1);
	l.ifindex = 7;
	CHECK(check(&l, sizeof(l) - 1) == -1);
}

static void
test_state(void)
{
	struct privmsg_state s;

	memset(&s, 0, sizeof(s));
	s.type = PRIV_MSG_STATE;
	s.ifindex = 7;
	CHECK(check(&s, sizeof(s)) == PRIV_MSG_STATE);	/* down */
	s.mtu = 1280;
	CHECK(check(&s, sizeof(s)) == -1);		/* down with an MTU */
	s.up = 1;
	s.addr = a6("2001:0:c000:201::1");
	CHECK(check(&s, sizeof(s)) == PRIV_MSG_STATE);
	s.mtu = 1279;
	CHECK(check(&s, sizeof(s)) == -1);
	s.mtu = 1280;
	s.addr = a6("2001:db8::1");
	CHECK(check(&s, sizeof(s)) == -1);
	s.addr = a6("2001:0:c000:201::1");
	s.up = 3;
	CHECK(check(&s, sizeof(s)) == -1);
	s.up = 1;
	s.ifindex = 8;
	CHECK(check(&s, sizeof(s)) == -1);
}

static void
test_types(void)
{
	struct privmsg_resolved r = { PRIV_MSG_RESOLVED, 1, 0 };
	struct privmsg_netchange n = { PRIV_MSG_NETCHANGE };
	struct privmsg_ready y = { PRIV_MSG_READY };
	uint32_t raw[16];
	const char *why;
	uint32_t t;

	/* The engine may not send what only priv sends, nor unknown types. */
	CHECK(check(&r, sizeof(r)) == -1);
	CHECK(check(&n, sizeof(n)) == -1);
	/* READY: the engine's start-up report, exactly 4 bytes. */
	CHECK(check(&y, sizeof(y)) == PRIV_MSG_READY);
	memset(raw, 0, sizeof(raw));
	raw[0] = PRIV_MSG_READY;
	CHECK(check(raw, 8) == -1);
	CHECK(privmsg_check_engine(&y, sizeof(y), &why) == -1);
	for (t = 0; t < 1000; t++) {
		raw[0] = t;
		if (privmsg_size(t) == 0)
			CHECK(check(raw, sizeof(raw)) == -1);
	}
	raw[0] = 0xffffffffu;
	CHECK(check(raw, sizeof(raw)) == -1);
	CHECK(check(raw, 4) == -1);
	CHECK(strcmp(privmsg_name(PRIV_MSG_MTU), "PRIV_MSG_MTU") == 0);
	CHECK(strcmp(privmsg_name(12345), "unknown message") == 0);
	/* The engine's side */
	CHECK(privmsg_check_engine(&r, sizeof(r), &why) == PRIV_MSG_RESOLVED);
	CHECK(privmsg_check_engine(&n, sizeof(n), &why) ==
	    PRIV_MSG_NETCHANGE);
	CHECK(privmsg_check_engine(&r, sizeof(r) - 1, &why) == -1);
	CHECK(privmsg_check_engine(&n, sizeof(n) + 1, &why) == -1);
	CHECK(privmsg_check_engine(&n, 2, &why) == -1);
	raw[0] = PRIV_MSG_MTU;
	CHECK(privmsg_check_engine(raw, sizeof(struct privmsg_mtu), &why) ==
	    -1);
	CHECK(sizeof(union privmsg) <= PRIVMSG_MAX);
}

/* A relay engine may only say that it is ready (M1). */
static void
test_relay_role(void)
{
	static const struct privmsg_policy rp = { 7, 0x20010000u,
	    PRIVMSG_ROLE_RELAY };
	struct privmsg_addr a = maddr(PRIV_MSG_ADDR_ADD, 7,
	    "2001:0:c000:201:8000:cfc6:3fff:fd74", 32);
	struct privmsg_route r = mroute(PRIV_MSG_ROUTE_ADD, 7, "::", 0,
	    PRIVMSG_CLIENT_METRIC);
	struct privmsg_mtu m = { PRIV_MSG_MTU, 7, 1280 };
	struct privmsg_link l = { PRIV_MSG_LINK, 7, 1 };
	struct privmsg_state s;
	struct privmsg_ready y = { PRIV_MSG_READY };
	const char *why;

	memset(&s, 0, sizeof(s));
	s.type = PRIV_MSG_STATE;
	s.ifindex = 7;
	CHECK(privmsg_check(&y, sizeof(y), &rp, &why) == PRIV_MSG_READY);
	CHECK(privmsg_check(&a, sizeof(a), &rp, &why) == -1 && why != NULL);
	a.type = PRIV_MSG_ADDR_DEL;
	CHECK(privmsg_check(&a, sizeof(a), &rp, &why) == -1);
	CHECK(privmsg_check(&r, sizeof(r), &rp, &why) == -1);
	r.type = PRIV_MSG_ROUTE_DEL;
	CHECK(privmsg_check(&r, sizeof(r), &rp, &why) == -1);
	CHECK(privmsg_check(&m, sizeof(m), &rp, &why) == -1);
	CHECK(privmsg_check(&l, sizeof(l), &rp, &why) == -1);
	l.up = 0;
	CHECK(privmsg_check(&l, sizeof(l), &rp, &why) == -1);
	CHECK(privmsg_check(&s, sizeof(s), &rp, &why) == -1);
	/* the same messages are fine from a client */
	CHECK(check(&m, sizeof(m)) == PRIV_MSG_MTU);
	CHECK(check(&s, sizeof(s)) == PRIV_MSG_STATE);
}

int
main(void)
{
	test_relay_role();
	test_addr();
	test_route();
	test_client_policy();
	test_mtu_link();
	test_state();
	test_types();
	return T_DONE();
}
