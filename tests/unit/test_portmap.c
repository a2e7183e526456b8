/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Port mapping on the NAT: the child's message (portmap_msg.c), its
 * relay to the engine (PRIV_MSG_PORTMAP) and what the core does with it
 * (core_portmap.c).
 */

#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "core.h"
#include "core_fake.h"
#include "packet.h"
#include "portmap.h"
#include "privmsg.h"
#include "teredo.h"
#include "t.h"

static int
parse(const uint8_t *b, size_t len, struct portmap_msg *m)
{
	const char *why = (const char *)1;
	int rc;

	rc = portmap_msg_parse(b, len, m, &why);
	CHECK((rc == -1) == (why != NULL));
	return rc;
}

static void
test_msg(void)
{
	struct portmap_msg m, o;
	uint8_t b[PORTMAP_MSG_LEN + 1];
	static const uint8_t wire[PORTMAP_MSG_LEN] = {
		1, 1, 0x0d, 0xd8, 198, 51, 100, 1, 0, 0, 0x0e, 0x10, 0, 0, 0, 0
	};

	memset(&m, 0, sizeof(m));
	m.method = PORTMAP_UPNP;
	m.ext_ip = inet_addr("198.51.100.1");
	m.ext_port = 3544;
	m.lifetime = 3600;
	portmap_msg_encode(&m, b);
	/* The layout of portmap.h, byte for byte. */
	CHECK(memcmp(b, wire, sizeof(wire)) == 0);
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == 0);
	CHECK(o.method == PORTMAP_UPNP && o.ext_ip == m.ext_ip &&
	    o.ext_port == 3544 && o.lifetime == 3600);
	/* Exact length only. */
	CHECK(parse(b, PORTMAP_MSG_LEN - 1, &o) == -1);
	b[PORTMAP_MSG_LEN] = 0;
	CHECK(parse(b, PORTMAP_MSG_LEN + 1, &o) == -1);
	CHECK(parse(b, 0, &o) == -1);
	/* Version, method, reserved bytes. */
	b[0] = 2;
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	b[0] = 1;
	b[1] = PORTMAP_METHOD_MAX;
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	b[1] = 0xff;
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	b[1] = PORTMAP_NATPMP;
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == 0 && o.method == PORTMAP_NATPMP);
	b[1] = PORTMAP_PCP;		/* 3, the last one */
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == 0 && o.method == PORTMAP_PCP);
	b[1] = 4;
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	b[1] = PORTMAP_NATPMP;
	b[15] = 1;
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	b[15] = 0;
	/* A mapping needs an address, a port and a lifetime. */
	m.ext_port = 0;
	portmap_msg_encode(&m, b);
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	m.ext_port = 1;
	m.lifetime = 0;
	portmap_msg_encode(&m, b);
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	m.lifetime = 1;
	m.ext_ip = 0;
	portmap_msg_encode(&m, b);
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	/* "None" carries nothing. */
	memset(&m, 0, sizeof(m));
	portmap_msg_encode(&m, b);
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == 0 && o.method == PORTMAP_NONE);
	m.ext_port = 5;
	portmap_msg_encode(&m, b);
	CHECK(parse(b, PORTMAP_MSG_LEN, &o) == -1);
	CHECK(strcmp(portmap_method_name(PORTMAP_UPNP), "UPnP") == 0);
	CHECK(strcmp(portmap_method_name(PORTMAP_NATPMP), "NAT-PMP") == 0);
	CHECK(strcmp(portmap_method_name(PORTMAP_PCP), "PCP") == 0);
	CHECK(strcmp(portmap_method_name(PORTMAP_NONE), "none") == 0);
}

static void
test_privmsg(void)
{
	struct privmsg_portmap pm;
	const char *why;

	memset(&pm, 0, sizeof(pm));
	pm.type = PRIV_MSG_PORTMAP;
	pm.method = PORTMAP_UPNP;
	pm.ext_ip = inet_addr("198.51.100.1");
	pm.ext_port = 3544;
	pm.lifetime = 3600;
	CHECK(privmsg_check_engine(&pm, sizeof(pm), &why) == PRIV_MSG_PORTMAP);
	CHECK(privmsg_check_engine(&pm, sizeof(pm) - 1, &why) == -1);
	pm.ext_port = 65536;
	CHECK(privmsg_check_engine(&pm, sizeof(pm), &why) == -1);
}

/* The core: a client qualified through a random port, then mapped. */
static struct fake f;

static struct core *
client_new_wait(uint64_t now, unsigned int wait_ms)
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
	cfg.portmap_wait_ms = wait_ms;
	fake_init(&f, &io, 7);
	return core_new(&cfg, &io, now);
}

static struct core *
client_new(uint64_t now)
{
	return client_new_wait(now, 0);
}

/* Answer the last RS with an RA whose origin is mip:mp. */
static void
answer(struct core *c, uint64_t now, uint32_t srv, uint32_t mip, uint16_t mp)
{
	struct in6_addr		src = fake_ip6("fe80::8000:f227:bec4:53ed");
	struct teredo_packet	tp;
	uint8_t			buf[256];
	size_t			n;

	CHECK(f.nudp > 0 && teredo_parse(&tp, f.udp[f.nudp - 1].buf,
	    f.udp[f.nudp - 1].len) == 0 && tp.has_auth);
	n = build_auth(buf, sizeof(buf), tp.nonce, 0);
	n += build_origin(buf + n, sizeof(buf) - n, mip, mp);
	n += build_ra(buf + n, sizeof(buf) - n, &src, &teredo_ll_client,
	    TEREDO_PREFIX, srv, 0);
	core_udp_input(c, now, srv, TEREDO_PORT, buf, n);
}

static void
test_core(void)
{
	struct core_status	st;
	struct core		*c, *r;
	struct core_config	cfg;
	struct core_io		io;
	uint32_t		srv = fake_ip("192.0.2.1");
	uint32_t		ext = fake_ip("198.51.100.1");
	uint64_t		now = 1000;

	c = client_new(now);
	/* Before any server: learnt, but no RS yet. */
	core_portmap(c, now, PORTMAP_UPNP, ext, 3544, 3600);
	core_get_status(c, &st);
	CHECK(st.portmap_ip == ext && st.portmap_port == 3544 &&
	    st.portmap_method == PORTMAP_UPNP && st.portmap_lifetime == 3600);
	CHECK(f.nudp == 0);
	core_portmap(c, now, PORTMAP_NONE, 0, 0, 0);
	core_set_server(c, now, srv, 0);
	answer(c, now, srv, ext, 61000);	/* a symmetric NAT's port */
	CHECK(core_state(c) == CORE_STATE_QUALIFIED);
	fake_clear(&f);
	/* The mapping arrives: an RS goes out at once, through it. */
	core_portmap(c, now + 10, PORTMAP_UPNP, ext, 3544, 3600);
	CHECK(f.nudp == 1 && f.udp[0].ip == srv);
	answer(c, now + 10, srv, ext, 3544);
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFIED && st.mapped_port == 3544);
	CHECK(memcmp(&st.addr, &f.addr, sizeof(st.addr)) == 0);
	{
		struct teredo_addr t;

		teredo_addr_decode(&st.addr, &t);
		CHECK(t.client == ext && t.port == 3544);
	}
	/* A renewal of the same mapping sends nothing. */
	fake_clear(&f);
	core_portmap(c, now + 20, PORTMAP_UPNP, ext, 3544, 1800);
	CHECK(f.nudp == 0);
	core_get_status(c, &st);
	CHECK(st.portmap_lifetime == 1800);
	/* Lost: forgotten, the qualification stays. */
	core_portmap(c, now + 30, PORTMAP_NONE, 0, 0, 0);
	core_get_status(c, &st);
	CHECK(st.portmap_ip == 0 && st.portmap_port == 0 &&
	    st.portmap_lifetime == 0 && st.state == CORE_STATE_QUALIFIED);
	core_free(c);
	/* A relay ignores it. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_RELAY;
	cfg.prefix = TEREDO_PREFIX;
	cfg.mtu = 1280;
	cfg.peer_max = 64;
	cfg.queue_bytes = 65536;
	fake_init(&f, &io, 8);
	r = core_new(&cfg, &io, now);
	core_portmap(r, now, PORTMAP_UPNP, ext, 3544, 3600);
	core_get_status(r, &st);
	CHECK(st.portmap_ip == 0);
	core_free(r);
}

/*
 * The first RS waits for the mapping (CORE_PORTMAP_WAIT_MS): a NAT that
 * maps the port outward only for flows after the mapping would keep the
 * old translation of the flow to the server.
 */
static void
test_wait(void)
{
	struct core_status	st;
	struct core		*c;
	uint32_t		srv = fake_ip("192.0.2.1");
	uint32_t		ext = fake_ip("198.51.100.1");
	uint64_t		now = 1000;

	/* The mapping in time: the first RS at once after it. */
	c = client_new_wait(now, 1500);
	core_set_server(c, now, srv, 0);
	CHECK(f.nudp == 0 && core_next_timer(c) == now + 1500);
	core_netchange(c, now + 100);		/* not before either */
	core_timer(c, now + 1000);
	CHECK(f.nudp == 0);
	core_portmap(c, now + 1200, PORTMAP_UPNP, ext, 3544, 3600);
	CHECK(f.nudp == 1 && f.udp[0].ip == srv);
	answer(c, now + 1210, srv, ext, 3544);
	core_get_status(c, &st);
	CHECK(st.state == CORE_STATE_QUALIFIED && st.mapped_port == 3544);
	/* The deadline passed: no second RS of that round. */
	fake_clear(&f);
	core_timer(c, now + 1600);
	CHECK(f.nudp == 0);
	core_free(c);

	/* No mapping: the RS at the end of the wait, and only then. */
	c = client_new_wait(now, 1500);
	core_set_server(c, now, srv, 0);
	core_timer(c, now + 1499);
	CHECK(f.nudp == 0);
	core_timer(c, now + 1500);
	CHECK(f.nudp == 1 && f.udp[0].ip == srv);
	answer(c, now + 1510, srv, ext, 61000);
	CHECK(core_state(c) == CORE_STATE_QUALIFIED);
	/* A mapping later: through it at once, as without the wait. */
	fake_clear(&f);
	core_portmap(c, now + 5000, PORTMAP_UPNP, ext, 3544, 3600);
	CHECK(f.nudp == 1 && f.udp[0].ip == srv);
	core_free(c);

	/* Mapped before the server is known: no wait. */
	c = client_new_wait(now, 1500);
	core_portmap(c, now, PORTMAP_UPNP, ext, 3544, 3600);
	core_set_server(c, now, srv, 0);
	CHECK(f.nudp == 1);
	core_free(c);
}

int
main(void)
{
	test_msg();
	test_privmsg();
	test_core();
	test_wait();
	return T_DONE();
}
