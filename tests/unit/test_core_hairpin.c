/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The RFC 6081 Hairpinning Extension (5.6, hairpin.c) on a fake clock:
 * the Alternate Address trailer we send, which trailers make us bubble to
 * a private address and how often, what proves a peer there, and two
 * clients on two subnets behind one NAT that does not hairpin.
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
static uint32_t		server, mapped, lan_a, lan_b, other_lan;
static const uint16_t	mport_a = 40000, mport_b = 40001;
static const uint16_t	lport_a = 50000, lport_b = 50001;

static struct core *
client_new(struct fake *fk, uint32_t lan, uint16_t lport, int sns, int hp)
{
	struct core_config	cfg;
	struct core_io		io;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_CLIENT;
	cfg.prefix = TEREDO_PREFIX;
	cfg.peer_max = 64;
	cfg.queue_bytes = 65536;
	cfg.refresh_interval = 3600;
	cfg.local_discovery = 1;
	cfg.sns = sns;
	cfg.hairpinning = hp;
	cfg.local_port = lport;
	cfg.nlocal_nets = 1;
	cfg.local_nets[0].mask = fake_ip("255.255.255.0");
	cfg.local_nets[0].net = lan & cfg.local_nets[0].mask;
	cfg.local_nets[0].addr = lan;
	fake_init(fk, &io, lport);
	return core_new(&cfg, &io, 0);
}

/* Qualified with mapping mapped:mport (the server answers its RS). */
static struct core *
qualified(struct fake *fk, uint32_t lan, uint16_t lport, uint16_t mport,
    int sns, int hp)
{
	struct core		*c = client_new(fk, lan, lport, sns, hp);
	struct in6_addr		 src = fake_ip6("fe80::8000:f227:bec4:53ed");
	struct teredo_packet	 tp;
	uint8_t			 buf[256];
	size_t			 n;

	core_set_server(c, 0, server, 0);
	CHECK(fk->nudp == 1 &&
	    teredo_parse(&tp, fk->udp[0].buf, fk->udp[0].len) == 0);
	n = build_auth(buf, sizeof(buf), tp.nonce, 0);
	n += build_origin(buf + n, sizeof(buf) - n, mapped, mport);
	n += build_ra(buf + n, sizeof(buf) - n, &src, &teredo_ll_client,
	    TEREDO_PREFIX, server, 0);
	core_udp_input(c, 0, server, TEREDO_PORT, buf, n);
	CHECK(fk->ups == 1);
	fake_clear(fk);
	return c;
}

static struct in6_addr
addr_b(void)
{
	return fake_teredo(server, mapped, mport_b);
}

/* An entry of an Alternate Address trailer's value. */
static size_t
alt_entry(uint8_t *v, uint32_t ip, uint16_t port)
{
	memcpy(v, &ip, 4);
	v[4] = port >> 8;
	v[5] = port & 0xff;
	return 6;
}

/*
 * B's indirect bubble to A through the server (origin B's mapping), with
 * a nonce (if nonce) and the alternate entries ips/ports (n of them).
 */
static void
indirect_b(struct core *c, uint64_t now, const uint8_t *nonce,
    const uint32_t *ips, const uint16_t *ports, unsigned int cnt,
    const struct in6_addr *dst)
{
	struct in6_addr	pb = addr_b();
	uint8_t		buf[256], v[26];
	size_t		n, k = 2;
	unsigned int	i;

	memset(v, 0, sizeof(v));
	for (i = 0; i < cnt; i++)
		k += alt_entry(v + k, ips[i], ports[i]);
	n = build_origin(buf, sizeof(buf), mapped, mport_b);
	n += build_bubble(buf + n, sizeof(buf) - n, &pb, dst);
	if (nonce != NULL)
		n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_NONCE,
		    nonce, 4);
	if (cnt > 0)
		n += build_trailer(buf + n, sizeof(buf) - n,
		    TRAILER_ALT_ADDR, v, k);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
}

/* A packet from src (a bubble with nonce if nonce, else data) from ip:port. */
static void
from(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *nonce)
{
	uint8_t	buf[256];
	size_t	n;

	if (nonce != NULL) {
		n = build_bubble(buf, sizeof(buf), src, dst);
		n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_NONCE,
		    nonce, 4);
	} else
		n = build_echo(buf, sizeof(buf), 0, src, dst, 7, 1, "hi", 2);
	core_udp_input(c, now, ip, port, buf, n);
}

/* The trailer of datagram i of fk, or -1. */
static int
trailer_of(const struct fake *fk, unsigned int i, struct teredo_trailer *tr)
{
	struct teredo_packet	tp;

	if (i >= fk->nudp ||
	    teredo_parse(&tp, fk->udp[i].buf, fk->udp[i].len) == -1)
		return -1;
	*tr = tp.tr;
	return 0;
}

/* The index of the first datagram to ip:port, or -1. */
static int
first_to(const struct fake *fk, uint32_t ip, uint16_t port)
{
	unsigned int	i;

	for (i = 0; i < fk->nudp; i++)
		if (fk->udp[i].ip == ip && fk->udp[i].port == port)
			return (int)i;
	return -1;
}

static struct core_status
status(const struct core *c)
{
	struct core_status	st;

	core_get_status(c, &st);
	return st;
}

/* Our nonce indirect bubble to B (A has a packet for it): its trailer. */
static int
probe_b(struct core *c, uint64_t now, struct teredo_trailer *tr)
{
	struct in6_addr	pb = addr_b();
	uint8_t		buf[128];
	size_t		n;
	unsigned int	i;

	fake_clear(&f);
	n = build_echo(buf, sizeof(buf), 0, &f.addr, &pb, 7, 1, "x", 1);
	core_tun_input(c, now, buf, n);
	for (i = 0; i < f.nudp; i++)
		if (f.udp[i].ip == server && trailer_of(&f, i, tr) == 0 &&
		    tr->has_nonce)
			return 0;
	return -1;
}

/* 5.6.4.1: what our indirect bubble carries. */
static void
test_send(void)
{
	struct teredo_trailer	 tr;
	struct core		*c;

	c = qualified(&f, lan_a, lport_a, mport_a, 1, 1);
	CHECK(status(c).hairpin == 1);
	CHECK(probe_b(c, 100, &tr) == 0);
	CHECK(tr.alt_count == 1 && tr.alt_ip[0] == lan_a &&
	    tr.alt_port[0] == lport_a);
	/* Only in the indirect bubble (4.3): not in the direct one. */
	CHECK(trailer_of(&f, 0, &tr) == 0 && f.udp[0].ip == mapped &&
	    tr.alt_count == 0);
	core_free(c);
	/* Hairpinning no: a nonce, no alternate address. */
	c = qualified(&f, lan_a, lport_a, mport_a, 1, 0);
	CHECK(status(c).hairpin == 0);
	CHECK(probe_b(c, 100, &tr) == 0 && tr.alt_count == 0);
	core_free(c);
	/* SymmetricNATSupport no: no nonce bubble at all, so no hairpin. */
	c = qualified(&f, lan_a, lport_a, mport_a, 0, 1);
	CHECK(status(c).hairpin == 0);
	CHECK(probe_b(c, 100, &tr) == -1);
	core_free(c);
	/* Our local address is our mapped one (no NAT): not sent. */
	c = qualified(&f, mapped, lport_a, mport_a, 1, 1);
	CHECK(probe_b(c, 100, &tr) == 0 && tr.alt_count == 0);
	core_free(c);
}

/* 5.6.4.2: which trailers make us bubble to a private address. */
static void
test_receive(void)
{
	const uint8_t	 theirs[4] = { 9, 8, 7, 6 };
	struct teredo_trailer tr;
	struct core	*c;
	uint32_t	 ips[4];
	uint16_t	 ports[4];
	int		 i;

	c = qualified(&f, lan_a, lport_a, mport_a, 1, 1);
	ips[0] = lan_b;
	ports[0] = lport_b;
	indirect_b(c, 100, theirs, ips, ports, 1, &f.addr);
	i = first_to(&f, lan_b, lport_b);
	CHECK(i >= 0 && fake_count_to(&f, lan_b, lport_b) == 1);
	/* A direct bubble from us to B with B's nonce. */
	CHECK(i >= 0 && trailer_of(&f, (unsigned int)i, &tr) == 0 &&
	    tr.has_nonce && memcmp(tr.nonce, theirs, 4) == 0 &&
	    tr.alt_count == 0);
	CHECK(status(c).counters.hairpin_sent == 1 &&
	    status(c).counters.hairpin_rcvd == 1);
	/* And the mapping, and our own probe with our alternate address. */
	CHECK(fake_count_to(&f, mapped, mport_b) >= 1);
	/* 5.2.6: not again within 2 s, at most 4 in 300 s per address. */
	fake_clear(&f);
	indirect_b(c, 1000, theirs, ips, ports, 1, &f.addr);
	CHECK(fake_count_to(&f, lan_b, lport_b) == 0);
	for (i = 1; i <= 20; i++)
		indirect_b(c, 100 + 2100 * (uint64_t)i, theirs, ips, ports, 1,
		    &f.addr);
	CHECK(fake_count_to(&f, lan_b, lport_b) == 3);
	CHECK(status(c).counters.hairpin_sent == 4);
	/* Another address: only 30 s after the last one was taken. */
	ips[1] = other_lan;
	ports[1] = 4444;
	fake_clear(&f);
	indirect_b(c, 100 + 2100 * 21, theirs, ips + 1, ports + 1, 1, &f.addr);
	CHECK(fake_count_to(&f, other_lan, 4444) == 0);
	CHECK(status(c).counters.hairpin_dropped == 1);
	indirect_b(c, 100 + 2100 * 20 + 30000, theirs, ips + 1, ports + 1, 1,
	    &f.addr);
	CHECK(fake_count_to(&f, other_lan, 4444) == 1);
	core_free(c);

	/* Not from behind our NAT: the trailer is not used. */
	c = qualified(&f, lan_a, lport_a, mport_a, 1, 1);
	{
		struct in6_addr	pb = fake_teredo(server,
		    fake_ip("198.51.100.77"), mport_b);
		uint8_t		buf[256], v[8];
		size_t		n;

		memset(v, 0, sizeof(v));
		alt_entry(v + 2, lan_b, lport_b);
		n = build_origin(buf, sizeof(buf), fake_ip("198.51.100.77"),
		    mport_b);
		n += build_bubble(buf + n, sizeof(buf) - n, &pb, &f.addr);
		n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_NONCE,
		    theirs, 4);
		n += build_trailer(buf + n, sizeof(buf) - n,
		    TRAILER_ALT_ADDR, v, sizeof(v));
		core_udp_input(c, 100, server, TEREDO_PORT, buf, n);
	}
	CHECK(fake_count_to(&f, lan_b, lport_b) == 0);
	CHECK(status(c).counters.hairpin_dropped == 1 &&
	    status(c).counters.hairpin_sent == 0);
	/* Without a nonce (5.6.4.1: it must have one): nothing. */
	indirect_b(c, 200, NULL, ips, ports, 1, &f.addr);
	CHECK(fake_count_to(&f, lan_b, lport_b) == 0);
	/* Unusable entries are skipped, the first usable one is used. */
	ips[0] = mapped;			/* the NAT's outside */
	ports[0] = lport_b;
	ips[1] = lan_a;				/* ours */
	ports[1] = lport_b;
	ips[2] = fake_ip("127.0.0.1");
	ports[2] = lport_b;
	ips[3] = other_lan;
	ports[3] = 0;				/* no port */
	fake_clear(&f);
	indirect_b(c, 300, theirs, ips, ports, 4, &f.addr);
	CHECK(f.nudp > 0 && fake_count_to(&f, ips[0], lport_b) == 0 &&
	    fake_count_to(&f, lan_a, lport_b) == 0 &&
	    fake_count_to(&f, ips[2], lport_b) == 0 &&
	    fake_count_to(&f, other_lan, 0) == 0);
	CHECK(status(c).counters.hairpin_sent == 0 &&
	    status(c).counters.hairpin_dropped == 2);
	ips[0] = fake_ip("224.0.0.1");		/* multicast */
	ips[1] = fake_ip("169.254.1.1");	/* link-local */
	ips[2] = other_lan;
	ports[2] = 4444;
	fake_clear(&f);
	indirect_b(c, 400, theirs, ips, ports, 3, &f.addr);
	CHECK(f.nudp > 0 && fake_count_to(&f, other_lan, 4444) == 1 &&
	    fake_count_to(&f, ips[0], lport_b) == 0 &&
	    fake_count_to(&f, ips[1], lport_b) == 0);
	core_free(c);

	/* Hairpinning no: nothing sent there. */
	c = qualified(&f, lan_a, lport_a, mport_a, 1, 0);
	ips[0] = lan_b;
	ports[0] = lport_b;
	indirect_b(c, 100, theirs, ips, ports, 1, &f.addr);
	CHECK(f.nudp > 0 && fake_count_to(&f, lan_b, lport_b) == 0);
	CHECK(status(c).counters.hairpin_sent == 0);
	core_free(c);
}

/*
 * Every usable entry gets its turn (5.6.4.2 "each"): one per indirect
 * bubble while the last is not proven, and the proof from any of them.
 */
static void
test_each(void)
{
	const uint8_t	 theirs[4] = { 9, 8, 7, 6 };
	struct in6_addr	 pb = addr_b();
	struct teredo_trailer tr;
	struct core	*c;
	uint8_t		 ours[4];
	uint32_t	 ips[2];
	uint16_t	 ports[2];

	c = qualified(&f, lan_a, lport_a, mport_a, 1, 1);
	CHECK(probe_b(c, 100, &tr) == 0);
	memcpy(ours, tr.nonce, 4);
	ips[0] = other_lan;		/* B's other link: not reachable */
	ports[0] = 4444;
	ips[1] = lan_b;
	ports[1] = lport_b;
	fake_clear(&f);
	indirect_b(c, 200, theirs, ips, ports, 2, &f.addr);
	CHECK(fake_count_to(&f, other_lan, 4444) == 1 &&
	    fake_count_to(&f, lan_b, lport_b) == 0);
	/* B's retry within 2 s: nothing; after: the second entry. */
	fake_clear(&f);
	indirect_b(c, 1200, theirs, ips, ports, 2, &f.addr);
	CHECK(fake_count_to(&f, other_lan, 4444) == 0 &&
	    fake_count_to(&f, lan_b, lport_b) == 0);
	indirect_b(c, 2300, theirs, ips, ports, 2, &f.addr);
	CHECK(fake_count_to(&f, lan_b, lport_b) == 1 &&
	    fake_count_to(&f, other_lan, 4444) == 0);
	CHECK(status(c).counters.hairpin_sent == 2);
	/* B answers from there with our nonce: proven there. */
	from(c, 2400, lan_b, lport_b, &pb, &f.addr, ours);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 0 && f.ntun == 0);
	fake_clear(&f);
	from(c, 2500, lan_b, lport_b, &pb, &f.addr, NULL);
	CHECK(f.ntun == 1);
	/* Proven: later bubbles move nothing. */
	indirect_b(c, 5000, theirs, ips, ports, 2, &f.addr);
	CHECK(fake_count_to(&f, other_lan, 4444) == 0);
	core_free(c);

	/* The turn wraps round; a third address still waits 30 s. */
	c = qualified(&f, lan_a, lport_a, mport_a, 1, 1);
	fake_clear(&f);
	indirect_b(c, 100, theirs, ips, ports, 2, &f.addr);
	indirect_b(c, 2200, theirs, ips, ports, 2, &f.addr);
	indirect_b(c, 4300, theirs, ips, ports, 2, &f.addr);
	CHECK(fake_count_to(&f, other_lan, 4444) == 2 &&
	    fake_count_to(&f, lan_b, lport_b) == 1);
	ips[0] = fake_ip("10.9.9.9");
	indirect_b(c, 6400, theirs, ips, ports, 1, &f.addr);
	CHECK(fake_count_to(&f, ips[0], 4444) == 0 &&
	    status(c).counters.hairpin_dropped == 1);
	core_free(c);
}

/* 5.6.4.2: a malformed Alternate Address trailer costs the bubble. */
static void
test_malformed(void)
{
	const uint8_t	 theirs[4] = { 9, 8, 7, 6 };
	struct in6_addr	 pb = addr_b();
	struct core	*c;
	uint8_t		 buf[256], v[9];
	size_t		 n, i;

	for (i = 0; i < 2; i++) {
		c = qualified(&f, lan_a, lport_a, mport_a, 1, 1);
		memset(v, 0, sizeof(v));
		alt_entry(v + 2, lan_b, lport_b);
		n = build_origin(buf, sizeof(buf), mapped, mport_b);
		n += build_bubble(buf + n, sizeof(buf) - n, &pb, &f.addr);
		n += build_trailer(buf + n, sizeof(buf) - n, TRAILER_NONCE,
		    theirs, 4);
		/* i 0: 9 bytes, not 2 + 6k; i 1: a nonce of 3 bytes. */
		if (i == 0)
			n += build_trailer(buf + n, sizeof(buf) - n,
			    TRAILER_ALT_ADDR, v, 9);
		else
			n += build_trailer(buf + n, sizeof(buf) - n,
			    TRAILER_NONCE, theirs, 3);
		fake_clear(&f);
		core_udp_input(c, 100, server, TEREDO_PORT, buf, n);
		CHECK(fake_drop(c, DROP_BAD_TRAILER) == 1);
		CHECK(fake_count_to(&f, lan_b, lport_b) == 0);
		/* Dropped: no direct bubble to B's mapping either. */
		CHECK((fake_count_to(&f, mapped, mport_b) == 0) == (i == 0));
		core_free(c);
	}
}

/* 5.6.4.3 and core.c: what is accepted from a private off-link address. */
static void
test_proof(void)
{
	const uint8_t	 theirs[4] = { 9, 8, 7, 6 };
	struct in6_addr	 pb = addr_b(), px;
	struct teredo_trailer tr;
	struct core	*c;
	uint8_t		 ours[4], bad[4];
	uint32_t	 ips[1] = { 0 };
	uint16_t	 ports[1] = { 0 };
	int		 i;

	c = qualified(&f, lan_a, lport_a, mport_a, 1, 1);
	CHECK(probe_b(c, 100, &tr) == 0);
	memcpy(ours, tr.nonce, 4);
	memcpy(bad, ours, 4);
	bad[0] ^= 1;
	/* Before B's trailer: a private source off our link is dropped. */
	from(c, 200, lan_b, lport_b, &pb, &f.addr, ours);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 1 && f.ntun == 0);
	ips[0] = lan_b;
	ports[0] = lport_b;
	indirect_b(c, 300, theirs, ips, ports, 1, &f.addr);
	CHECK(fake_count_to(&f, lan_b, lport_b) == 1);
	/* Data, a wrong nonce, another port, another peer: dropped. */
	from(c, 2600, lan_b, lport_b, &pb, &f.addr, NULL);
	from(c, 2600, lan_b, lport_b, &pb, &f.addr, bad);
	from(c, 2600, lan_b, lport_b + 1, &pb, &f.addr, ours);
	px = fake_teredo(server, mapped, mport_b + 5);
	from(c, 2600, lan_b, lport_b, &px, &f.addr, ours);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 5 && f.ntun == 0);
	CHECK(status(c).counters.hairpin_dropped == 2);
	/* Our nonce from there: proven; the queued packets go there. */
	fake_clear(&f);
	from(c, 2700, lan_b, lport_b, &pb, &f.addr, ours);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 5);
	CHECK(fake_count_to(&f, lan_b, lport_b) == 1);
	/* Then data from there is taken, and ours goes there. */
	from(c, 2800, lan_b, lport_b, &pb, &f.addr, NULL);
	CHECK(f.ntun == 1);
	fake_clear(&f);
	{
		uint8_t	buf[128];
		size_t	n;

		n = build_echo(buf, sizeof(buf), 0, &f.addr, &pb, 7, 2, "y", 1);
		core_tun_input(c, 2900, buf, n);
	}
	CHECK(f.nudp == 1 && f.udp[0].ip == lan_b &&
	    f.udp[0].port == lport_b);
	/* Its mapping is not trusted by this (peer.h). */
	i = -1;
	{
		struct core_status st = status(c);

		i = (int)st.peers;
	}
	CHECK(i == 1);
	core_free(c);

	/* Hairpinning no: never from there. */
	c = qualified(&f, lan_a, lport_a, mport_a, 1, 0);
	CHECK(probe_b(c, 100, &tr) == 0);
	memcpy(ours, tr.nonce, 4);
	indirect_b(c, 300, theirs, ips, ports, 1, &f.addr);
	from(c, 400, lan_b, lport_b, &pb, &f.addr, ours);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 1 && f.ntun == 0);
	core_free(c);
}

/*
 * Two clients on two subnets behind one NAT that does not hairpin: what
 * goes to the mapped address is lost, the server passes indirect bubbles
 * (with the sender's mapping as origin), the router passes LAN to LAN.
 */
struct side {
	struct core	*c;
	struct fake	*f;
	uint32_t	 lan;
	uint16_t	 lport, mport;
	unsigned int	 done;
};

static struct fake	fa, fb;

static void
deliver(struct side *s, struct side *o, uint64_t now, unsigned int *lan)
{
	struct teredo_packet	 tp;
	struct fake_pkt		*d;
	uint8_t			 buf[FAKE_PKT + 8];
	size_t			 n;

	for (; s->done < s->f->nudp; s->done++) {
		d = &s->f->udp[s->done];
		if (d->ip == o->lan && d->port == o->lport) {
			(*lan)++;
			core_udp_input(o->c, now, s->lan, s->lport, d->buf,
			    d->len);
		} else if (d->ip == server && teredo_parse(&tp, d->buf,
		    d->len) == 0 && !tp.has_auth &&
		    memcmp(ip6_dst(tp.ip6), &o->f->addr, 16) == 0) {
			n = build_origin(buf, sizeof(buf), mapped, s->mport);
			memcpy(buf + n, d->buf, d->len);
			core_udp_input(o->c, now, server, TEREDO_PORT, buf,
			    n + d->len);
		}
		/* Anything else (the NAT's outside address) is lost. */
	}
}

static unsigned int
two_clients(int hp)
{
	struct side	a, b;
	uint8_t		buf[128];
	size_t		n;
	uint64_t	now;
	unsigned int	lan = 0, ntun;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.c = qualified(&fa, lan_a, lport_a, mport_a, 1, hp);
	a.f = &fa;
	a.lan = lan_a;
	a.lport = lport_a;
	a.mport = mport_a;
	b.c = qualified(&fb, lan_b, lport_b, mport_b, 1, hp);
	b.f = &fb;
	b.lan = lan_b;
	b.lport = lport_b;
	b.mport = mport_b;
	for (now = 1000; now < 20000; now += 100) {
		if (now % 1000 == 0) {
			n = build_echo(buf, sizeof(buf), 0, &fa.addr,
			    &fb.addr, 7, (uint16_t)now, "ping", 4);
			core_tun_input(a.c, now, buf, n);
		}
		fake_run(a.c, &now, now);
		fake_run(b.c, &now, now);
		deliver(&a, &b, now, &lan);
		deliver(&b, &a, now, &lan);
	}
	ntun = fb.ntun;
	fprintf(stderr, "hairpin %d: %u pings arrived, %u datagrams LAN to LAN\n",
	    hp, ntun, lan);
	CHECK(hp || lan == 0);
	core_free(a.c);
	core_free(b.c);
	return ntun;
}

int
main(void)
{
	server = fake_ip("192.0.2.1");
	mapped = fake_ip("203.0.113.7");
	lan_a = fake_ip("192.168.77.2");
	lan_b = fake_ip("192.168.78.2");
	other_lan = fake_ip("10.1.2.3");
	test_send();
	test_receive();
	test_proof();
	test_each();
	test_malformed();
	/* Each second a ping: most arrive with it, none without. */
	CHECK(two_clients(1) >= 15);
	CHECK(two_clients(0) == 0);
	return T_DONE();
}
