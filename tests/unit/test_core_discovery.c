/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Local client discovery (RFC 4380 5.2.8, 5.2.3 cases 4 and 5, 5.2.4
 * case 3) on a fake clock: what is sent, what is accepted from where,
 * the limits, and two clients behind one NAT that does not hairpin.
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

static uint32_t		server, mapped, lan_a, lan_b, disc_ip;
static const uint16_t	mport_a = 40000, mport_b = 40001;
static const uint16_t	lport_a = 50000, lport_b = 50001;
static int		zero_mask;	/* the link's mask is /0 */

static struct core *
client_new(struct fake *f, uint64_t now, uint64_t seed, int on)
{
	struct core_config	cfg;
	struct core_io		io;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_CLIENT;
	cfg.prefix = TEREDO_PREFIX;
	cfg.peer_max = 64;
	cfg.queue_bytes = 65536;
	/* No refresh in the periods tested: no server answers here. */
	cfg.refresh_interval = 3600;
	cfg.local_discovery = on;
	cfg.nlocal_nets = 1;
	cfg.local_nets[0].net = zero_mask ? 0 : fake_ip("192.168.1.0");
	cfg.local_nets[0].mask = zero_mask ? 0 : fake_ip("255.255.255.0");
	fake_init(f, &io, seed);
	return core_new(&cfg, &io, now);
}

/* Qualify c with mapping mapped:mport (answers its RS). */
static void
qualify(struct core *c, struct fake *f, uint64_t now, uint16_t mport)
{
	struct teredo_packet	tp;
	struct in6_addr		src = fake_ip6("fe80::8000:f227:bec4:53ed");
	uint8_t			buf[256];
	size_t			n;

	core_set_server(c, now, server, 0);
	CHECK(f->nudp == 1 &&
	    teredo_parse(&tp, f->udp[0].buf, f->udp[0].len) == 0);
	n = build_auth(buf, sizeof(buf), tp.nonce, 0);
	n += build_origin(buf + n, sizeof(buf) - n, mapped, mport);
	n += build_ra(buf + n, sizeof(buf) - n, &src, &teredo_ll_client,
	    TEREDO_PREFIX, server, 0);
	core_udp_input(c, now, server, TEREDO_PORT, buf, n);
	CHECK(f->ups == 1);
}

/* Whether d is a discovery bubble from addr (5.2.8's format). */
static int
is_discovery(const struct fake_pkt *d, const struct in6_addr *addr)
{
	struct in6_addr	all = fake_ip6("ff02::1");

	return d->ip == disc_ip && d->port == TEREDO_PORT &&
	    d->len == 40 && ip6_is_bubble(d->buf, d->len) &&
	    d->buf[7] == 1 && memcmp(ip6_src(d->buf), addr, 16) == 0 &&
	    memcmp(ip6_dst(d->buf), &all, 16) == 0;
}

/* A unicast bubble from src to dst sent to ip:port. */
static int
is_bubble_to(const struct fake_pkt *d, uint32_t ip, uint16_t port,
    const struct in6_addr *src, const struct in6_addr *dst)
{
	return d->ip == ip && d->port == port &&
	    ip6_is_bubble(d->buf, d->len) &&
	    memcmp(ip6_src(d->buf), src, 16) == 0 &&
	    memcmp(ip6_dst(d->buf), dst, 16) == 0;
}

static unsigned int
count_discovery(const struct fake *f)
{
	unsigned int	i, n = 0;

	for (i = 0; i < f->nudp; i++)
		n += f->udp[i].ip == disc_ip;
	return n;
}

static size_t
disc_bubble(uint8_t *buf, size_t sz, const struct in6_addr *src)
{
	struct in6_addr	all = fake_ip6("ff02::1");
	size_t		n = build_bubble(buf, sz, src, &all);

	buf[7] = 1;
	return n;
}

static struct core_status
status(const struct core *c)
{
	struct core_status	st;

	core_get_status(c, &st);
	return st;
}

static void
test_send(void)
{
	struct fake	 f;
	uint64_t	 now = 1000, lo = UINT64_MAX, hi = 0, t0, d;
	struct core	*c;
	unsigned int	 i, before;
	int		 seed;

	/* At once with a new address, then every 200 to 300 s. */
	for (seed = 1; seed <= 50; seed++) {
		now = 1000;
		c = client_new(&f, now, (uint64_t)seed * 7919, 1);
		qualify(c, &f, now, mport_a);
		CHECK(f.nudp == 2 && is_discovery(&f.udp[1], &f.addr));
		CHECK(status(c).counters.disc_sent == 1);
		for (i = 0; i < 3; i++) {
			t0 = now;
			before = count_discovery(&f);
			while (count_discovery(&f) == before &&
			    now < t0 + 400000)
				fake_run(c, &now, now + 1000);
			d = now - t0;
			CHECK(d >= 200000 && d <= 301000);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
			CHECK(is_discovery(&f.udp[f.nudp - 1], &f.addr));
		}
		core_free(c);
	}
	CHECK(lo < 220000 && hi > 280000);
	/* Off: never. */
	now = 1000;
	c = client_new(&f, now, 3, 0);
	qualify(c, &f, now, mport_a);
	fake_run(c, &now, now + 1000000);
	CHECK(count_discovery(&f) == 0 && status(c).counters.disc_sent == 0);
	core_free(c);
}

/* A client with a discovered peer B at lan_b:lport_b; fa cleared. */
static struct core *
with_peer(struct fake *fa, uint64_t *now, struct in6_addr *b)
{
	struct core	*a = client_new(fa, *now, 11, 1);
	uint8_t		 buf[64];
	size_t		 n;

	qualify(a, fa, *now, mport_a);
	*b = fake_teredo(server, mapped, mport_b);
	fake_clear(fa);
	*now += 5000;
	n = disc_bubble(buf, sizeof(buf), b);
	core_discovery_input(a, *now, lan_b, lport_b, buf, n);
	return a;
}

static void
peer_state(void *arg, const struct core_peer *p)
{
	*(struct core_peer *)arg = *p;
}

static struct core_peer
the_peer(struct core *c, uint64_t now)
{
	struct core_peer	p;

	memset(&p, 0, sizeof(p));
	p.local = -1;
	(void)core_peer_page(c, now, 0, 1, peer_state, &p);
	return p;
}

static void
test_exchange(void)
{
	struct fake	 fa;
	uint64_t	 now = 1000;
	struct in6_addr	 b;
	struct core	*a = with_peer(&fa, &now, &b);
	uint8_t		 pkt[128], buf[64];
	size_t		 n, m;
	uint64_t	 t;

	/* 5.2.3 case 4: a unicast bubble back; ours, as B is new to us. */
	CHECK(fa.nudp == 2);
	CHECK(is_bubble_to(&fa.udp[0], lan_b, lport_b, &fa.addr, &b));
	CHECK(is_discovery(&fa.udp[1], &fa.addr));
	CHECK(status(a).counters.disc_rcvd == 1);
	CHECK(the_peer(a, now).local == 1 && !the_peer(a, now).trusted);
	CHECK(the_peer(a, now).local_ip == lan_b);
	/* 5.2.4 case 3: data waits; a bubble to the local address. */
	fake_clear(&fa);
	n = build_echo(pkt, sizeof(pkt), 0, &fa.addr, &b, 1, 1, "x", 1);
	core_tun_input(a, now + 3000, pkt, n);
	CHECK(fa.nudp == 2 && fa.ntun == 0);
	CHECK(is_bubble_to(&fa.udp[0], lan_b, lport_b, &fa.addr, &b));
	CHECK(is_discovery(&fa.udp[1], &fa.addr));
	/* 5.2.3 case 5: B answers from its local address: sent there. */
	fake_clear(&fa);
	m = build_bubble(buf, sizeof(buf), &b, &fa.addr);
	core_udp_input(a, now + 3100, lan_b, lport_b, buf, m);
	CHECK(fa.nudp == 1 && fa.udp[0].ip == lan_b &&
	    fa.udp[0].port == lport_b && fa.udp[0].len == n);
	CHECK(the_peer(a, now + 3100).local == 2);
	/* Never trusted beyond the link: the mapping is not. */
	CHECK(!the_peer(a, now + 3100).trusted);
	core_tun_input(a, now + 3200, pkt, n);
	CHECK(fa.nudp == 2 && fa.udp[1].ip == lan_b);
	/* B's data from there is accepted; from elsewhere it is not. */
	n = build_echo(pkt, sizeof(pkt), 1, &b, &fa.addr, 1, 1, "x", 1);
	core_udp_input(a, now + 3300, lan_b, lport_b, pkt, n);
	CHECK(fa.ntun == 1);
	core_udp_input(a, now + 3400, lan_b, lport_b + 1, pkt, n);
	core_udp_input(a, now + 3400, fake_ip("192.168.1.30"), lport_b, pkt,
	    n);
	core_udp_input(a, now + 3400, fake_ip("203.0.113.9"), lport_b, pkt,
	    n);
	CHECK(fa.ntun == 1);
	/* 30 s without a word from B: bubbles again before sending. */
	fake_clear(&fa);
	n = build_echo(pkt, sizeof(pkt), 0, &fa.addr, &b, 1, 2, "x", 1);
	core_tun_input(a, now + 3300 + 30000, pkt, n);
	CHECK(fa.nudp >= 1 &&
	    is_bubble_to(&fa.udp[0], lan_b, lport_b, &fa.addr, &b));
	/*
	 * B goes on talking from its local address but sends no discovery
	 * bubble: 600 s after its last one, B is not local any more.
	 */
	m = build_echo(buf, sizeof(buf), 1, &b, &fa.addr, 1, 3, "y", 1);
	for (t = now + 23300; t < now + 599000; t += 20000)
		core_udp_input(a, t, lan_b, lport_b, buf, m);
	fake_clear(&fa);
	core_udp_input(a, now + 599999, lan_b, lport_b, buf, m);
	CHECK(fa.ntun == 1);
	core_udp_input(a, now + 600000, lan_b, lport_b, buf, m);
	CHECK(fa.ntun == 1);
	core_tun_input(a, now + 600000, pkt, n);
	CHECK(the_peer(a, now + 600000).local == 0);
	CHECK(fake_count_to(&fa, lan_b, lport_b) == 0);
	CHECK(fake_count_to(&fa, mapped, mport_b) == 1);
	core_free(a);
}

/* A discovery bubble that must be dropped, sending nothing. */
static void
refused(struct core *c, struct fake *f, uint64_t now, uint32_t ip,
    uint16_t port, const void *buf, size_t n)
{
	struct core_status	st = status(c);
	unsigned int		peers = st.peers;

	fake_clear(f);
	core_discovery_input(c, now, ip, port, buf, n);
	CHECK(f->nudp == 0 && f->ntun == 0);
	CHECK(status(c).counters.disc_dropped == st.counters.disc_dropped + 1);
	CHECK(status(c).counters.disc_rcvd == st.counters.disc_rcvd);
	CHECK(status(c).peers == peers);
}

static void
test_refused(void)
{
	struct fake	 f;
	uint64_t	 now = 1000;
	struct core	*c = client_new(&f, now, 5, 1);
	struct in6_addr	 b = fake_teredo(server, mapped, mport_b);
	struct in6_addr	 other = fake_teredo(server, fake_ip("203.0.113.50"),
	    mport_b);
	struct in6_addr	 all = fake_ip6("ff02::1");
	uint8_t		 buf[128];
	size_t		 n;

	n = disc_bubble(buf, sizeof(buf), &b);
	refused(c, &f, now, lan_b, lport_b, buf, n);	/* not qualified */
	qualify(c, &f, now, mport_a);
	now += 5000;
	refused(c, &f, now, fake_ip("192.168.2.5"), lport_b, buf, n);
	refused(c, &f, now, fake_ip("192.168.1.255"), lport_b, buf, n);
	refused(c, &f, now, fake_ip("203.0.113.5"), lport_b, buf, n);
	refused(c, &f, now, lan_b, 0, buf, n);
	refused(c, &f, now, lan_b, lport_b, buf, n - 1);
	/* Not behind our NAT, ourselves, not Teredo, not ff02::1. */
	n = disc_bubble(buf, sizeof(buf), &other);
	refused(c, &f, now, lan_b, lport_b, buf, n);
	n = disc_bubble(buf, sizeof(buf), &f.addr);
	refused(c, &f, now, lan_b, lport_b, buf, n);
	other = fake_ip6("2001:db8::5");
	n = disc_bubble(buf, sizeof(buf), &other);
	refused(c, &f, now, lan_b, lport_b, buf, n);
	n = build_bubble(buf, sizeof(buf), &b, &f.addr);
	refused(c, &f, now, lan_b, lport_b, buf, n);
	/* Not a bubble; with an origin indication. */
	n = build_echo(buf, sizeof(buf), 0, &b, &all, 1, 1, "x", 1);
	refused(c, &f, now, lan_b, lport_b, buf, n);
	n = build_origin(buf, sizeof(buf), mapped, mport_b);
	n += disc_bubble(buf + n, sizeof(buf) - n, &b);
	refused(c, &f, now, lan_b, lport_b, buf, n);
	/* A discovery bubble on the unicast socket is not one. */
	n = disc_bubble(buf, sizeof(buf), &b);
	fake_clear(&f);
	core_udp_input(c, now, lan_b, lport_b, buf, n);
	core_udp_input(c, now, fake_ip("203.0.113.5"), lport_b, buf, n);
	CHECK(f.nudp == 0 && status(c).peers == 0);
	CHECK(status(c).counters.disc_dropped == 14);
	CHECK(status(c).counters.disc_rcvd == 0);
	core_free(c);
	/* A link with a /0 mask is no subnet: nothing is on it. */
	zero_mask = 1;
	c = client_new(&f, now, 5, 1);
	zero_mask = 0;
	qualify(c, &f, now, mport_a);
	n = disc_bubble(buf, sizeof(buf), &b);
	refused(c, &f, now + 1, lan_b, lport_b, buf, n);
	core_free(c);
	/* Off: refused too, and private sources stay dropped. */
	c = client_new(&f, now, 5, 0);
	qualify(c, &f, now, mport_a);
	n = disc_bubble(buf, sizeof(buf), &b);
	refused(c, &f, now + 1, lan_b, lport_b, buf, n);
	core_udp_input(c, now + 1, lan_b, lport_b, buf, n);
	CHECK(fake_drop(c, DROP_NON_GLOBAL) == 1);
	core_free(c);
}

/* Private on-link sources: only a local peer at its local address. */
static void
test_onlink_scope(void)
{
	struct fake	 fa;
	uint64_t	 now = 1000;
	struct in6_addr	 b, c6 = fake_teredo(server, mapped, 40002);
	struct core	*a = with_peer(&fa, &now, &b);
	uint8_t		 pkt[128];
	size_t		 n;
	uint64_t	 ng = fake_drop(a, DROP_NON_GLOBAL);

	fake_clear(&fa);
	/* Another Teredo host (not discovered) from the LAN. */
	n = build_echo(pkt, sizeof(pkt), 0, &c6, &fa.addr, 1, 1, "x", 1);
	core_udp_input(a, now, fake_ip("192.168.1.30"), 1234, pkt, n);
	/* A native source from the LAN: no connectivity test either. */
	c6 = fake_ip6("2001:db8::7");
	n = build_echo(pkt, sizeof(pkt), 0, &c6, &fa.addr, 1, 1, "x", 1);
	core_udp_input(a, now, fake_ip("192.168.1.30"), 1234, pkt, n);
	/* B's address from another LAN host. */
	n = build_echo(pkt, sizeof(pkt), 0, &b, &fa.addr, 1, 1, "x", 1);
	core_udp_input(a, now, fake_ip("192.168.1.30"), lport_b, pkt, n);
	/* B from a private address off our link. */
	core_udp_input(a, now, fake_ip("10.1.2.3"), lport_b, pkt, n);
	CHECK(fa.ntun == 0 && fa.nudp == 0);
	CHECK(fake_drop(a, DROP_NON_GLOBAL) == ng + 4);
	/* B's own, from its local address: case 5, delivered. */
	core_udp_input(a, now, lan_b, lport_b, pkt, n);
	CHECK(fa.ntun == 1);
	core_free(a);
}

static void
test_flood(void)
{
	struct fake	 f;
	uint64_t	 now = 1000;
	struct core	*c = client_new(&f, now, 8, 1);
	struct in6_addr	 b;
	struct core_status st;
	uint8_t		 buf[64];
	size_t		 n;
	unsigned int	 i;

	qualify(c, &f, now, mport_a);
	fake_clear(&f);
	now = 10000;
	for (i = 0; i < 200; i++) {
		b = fake_teredo(server, mapped, (uint16_t)(41000 + i));
		n = disc_bubble(buf, sizeof(buf), &b);
		core_discovery_input(c, now + i, lan_b, (uint16_t)(2000 + i),
		    buf, n);
	}
	st = status(c);
	CHECK(st.counters.disc_rcvd == 20 && st.counters.disc_dropped == 180);
	CHECK(st.peers == 20);
	/* 20 replies, and one discovery bubble of ours in that second. */
	CHECK(f.nudp == 21 && count_discovery(&f) == 1);
	/* The same peer again and again: one reply per 2 s. */
	fake_clear(&f);
	now = 20000;
	for (i = 0; i < 10; i++) {
		n = disc_bubble(buf, sizeof(buf), &b);
		core_discovery_input(c, now + i * 1000, lan_b, 2199, buf, n);
	}
	CHECK(fake_count_to(&f, lan_b, 2199) == 5);
	core_free(c);
}

/*
 * Two clients behind one NAT that does not hairpin: only the LAN
 * carries packets between them (the multicast group and unicast).
 */
struct lan {
	struct core	*a, *b;
	struct fake	 fa, fb;
	uint64_t	 lost;		/* sent to the NAT or server */
};

static void
lan_carry(struct lan *l, struct fake *from, struct core *to,
    uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    struct fake_pkt *q, unsigned int *nq, uint64_t now)
{
	unsigned int	i;

	for (i = 0; i < *nq; i++) {
		if (q[i].ip == disc_ip)
			core_discovery_input(to, now, src, sport, q[i].buf,
			    q[i].len);
		else if (q[i].ip == dst && q[i].port == dport)
			core_udp_input(to, now, src, sport, q[i].buf,
			    q[i].len);
		else
			l->lost++;
	}
	(void)from;
	*nq = 0;
}

static void
lan_step(struct lan *l, uint64_t now)
{
	static struct fake_pkt	qa[FAKE_MAX], qb[FAKE_MAX];
	unsigned int		na, nb;

	core_timer(l->a, now);
	core_timer(l->b, now);
	/* Copy the queues first: delivering makes new packets. */
	na = l->fa.nudp;
	nb = l->fb.nudp;
	memcpy(qa, l->fa.udp, na * sizeof(qa[0]));
	memcpy(qb, l->fb.udp, nb * sizeof(qb[0]));
	l->fa.nudp = l->fb.nudp = 0;
	lan_carry(l, &l->fa, l->b, lan_a, lport_a, lan_b, lport_b, qa, &na,
	    now);
	lan_carry(l, &l->fb, l->a, lan_b, lport_b, lan_a, lport_a, qb, &nb,
	    now);
}

static void
test_two_clients(int on)
{
	struct lan	 l;
	uint64_t	 now = 1000;
	uint8_t		 pkt[128];
	size_t		 n;
	int		 i;

	memset(&l, 0, sizeof(l));
	l.a = client_new(&l.fa, now, 21, on);
	qualify(l.a, &l.fa, now, mport_a);
	/* A's first discovery bubble goes out before B listens. */
	l.fa.nudp = 0;
	now += 7000;
	l.b = client_new(&l.fb, now, 22, on);
	qualify(l.b, &l.fb, now, mport_b);
	l.fb.nudp = 1;
	l.fb.udp[0] = l.fb.udp[1];	/* B's discovery bubble only */
	for (i = 0; i < 10; i++)
		lan_step(&l, now += 10);
	/* B pings A; A answers. */
	n = build_echo(pkt, sizeof(pkt), 0, &l.fb.addr, &l.fa.addr, 9, 1,
	    "ping", 4);
	core_tun_input(l.b, now, pkt, n);
	for (i = 0; i < 100 && l.fa.ntun == 0; i++)
		lan_step(&l, now += 100);
	CHECK((l.fa.ntun == 1) == on);
	if (on) {
		CHECK(l.fa.tun[0].len == n &&
		    memcmp(l.fa.tun[0].buf, pkt, n) == 0);
		/* Under 5 s, well within the first probe round. */
		CHECK(i < 50);
		n = build_echo(pkt, sizeof(pkt), 1, &l.fa.addr, &l.fb.addr,
		    9, 1, "ping", 4);
		core_tun_input(l.a, now, pkt, n);
		lan_step(&l, now += 10);
		CHECK(l.fb.ntun == 1);
		CHECK(status(l.a).counters.disc_rcvd >= 1 &&
		    status(l.b).counters.disc_rcvd >= 1);
	}
	core_free(l.a);
	core_free(l.b);
}

int
main(void)
{
	server = fake_ip("192.0.2.1");
	mapped = fake_ip("198.51.100.7");
	lan_a = fake_ip("192.168.1.10");
	lan_b = fake_ip("192.168.1.20");
	disc_ip = fake_ip("224.0.0.253");
	test_send();
	test_exchange();
	test_refused();
	test_onlink_scope();
	test_flood();
	test_two_clients(1);
	test_two_clients(0);
	return T_DONE();
}
