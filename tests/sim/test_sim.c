/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The simulation's scenarios on the data path, for each NAT kind:
 * qualification, native host pings both ways through the relay, and
 * client to client across two NATs.  The other scenarios are in
 * scen_maint.c (refresh, mapping change, server loss), scen_limits.c
 * (bubble limits, connectivity test retries) and scen_relay.c (peer
 * expiry, eviction, the relay's drop rules).
 */

#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "scen.h"
#include "teredo.h"

int		 scen_failed, scen_checks;
const char	*scen_name = "";
static char	 scen_buf[128];

void
scen_begin(const char *what, enum sim_nat_kind k)
{
	(void)snprintf(scen_buf, sizeof(scen_buf), "%s/%s", what,
	    sim_nat_name(k));
	scen_name = scen_buf;
}

struct sim *
scen_world(enum sim_nat_kind k0, int two, enum sim_nat_kind k1)
{
	struct sim	*s = sim_new();
	int		 n;

	sim_add_server(s);
	sim_add_relay(s, 0);
	sim_add_host(s);
	n = sim_add_nat(s, k0, sim_ip(SIM_NAT_IP0), SIM_NAT_TIMEOUT);
	sim_add_client(s, n, sim_ip("198.18.0.2"), 0x1111, NULL);
	if (two) {
		n = sim_add_nat(s, k1, sim_ip(SIM_NAT_IP1), SIM_NAT_TIMEOUT);
		sim_add_client(s, n, sim_ip("198.18.1.2"), 0x2222, NULL);
	}
	return s;
}

unsigned int
scen_count_bubbles(const struct sim *s, int from_ep,
    const struct in6_addr *dst, int indirect, uint64_t from, uint64_t to)
{
	const struct sim_trace	*t;
	unsigned int		 i, n = 0;
	int			 via_server;

	for (i = 0; i < s->ntrace; i++) {
		t = &s->trace[i];
		if (t->from_ep != from_ep || !t->bubble || t->t < from ||
		    t->t >= to || memcmp(&t->dst6, dst, sizeof(*dst)) != 0)
			continue;
		via_server = t->dport == TEREDO_PORT &&
		    (t->dip == s->server.addr[0] ||
		    t->dip == s->server.addr[1]);
		if (via_server == indirect)
			n++;
	}
	return n;
}

/* Datagrams from an endpoint to dip carrying ICMPv6 of this type. */
static unsigned int
scen_count_echo(const struct sim *s, int from_ep, uint32_t dip,
    uint8_t type)
{
	unsigned int	i, n = 0;

	for (i = 0; i < s->ntrace; i++)
		if (s->trace[i].from_ep == from_ep && s->trace[i].dip == dip &&
		    s->trace[i].parsed && s->trace[i].nxt == IP6_NXT_ICMP6 &&
		    s->trace[i].icmp_type == type)
			n++;
	return n;
}

static void
scen_qualify(enum sim_nat_kind k)
{
	struct sim		*s;
	struct sim_client	*c;
	struct teredo_addr	 ta;
	struct core_status	 st;
	uint64_t		 t0;
	uint16_t		 port;

	scen_begin("qualify", k);
	s = scen_world(k, 0, k);
	c = &s->client[0];
	t0 = s->now;
	SCHECK(sim_run_until_up(s, 0, t0 + 5000));
	/* One RS/RA round trip through the NAT. */
	SCHECK(c->up_at - t0 <= 4 * SIM_LATENCY_MS);
	SCHECK(c->ups == 1 && c->downs == 0 && c->mtu == TEREDO_MTU);
	port = sim_nat_port(s, 0, c->ep, s->server.addr[0], TEREDO_PORT);
	teredo_addr_decode(&c->addr, &ta);
	SCHECK(ta.prefix == TEREDO_PREFIX);
	SCHECK(ta.server == s->server.addr[0]);
	SCHECK(ta.client == sim_ip(SIM_NAT_IP0));
	SCHECK(port != 0 && ta.port == port);
	SCHECK((ta.flags & (TEREDO_FLAG_CONE | TEREDO_FLAG_R |
	    TEREDO_FLAG_U | TEREDO_FLAG_G)) == 0);
	sim_status(s, 0, &st);
	SCHECK(st.state == CORE_STATE_QUALIFIED);
	SCHECK(memcmp(&st.addr, &c->addr, sizeof(st.addr)) == 0);
	SCHECK(st.mapped_ip == ta.client && st.mapped_port == ta.port);
	SCHECK(st.counters.rs_sent == 1 && st.counters.ra_rcvd == 1);
	sim_free(s);
}

/*
 * Client to native host: the direct connectivity test goes through the
 * server (5.2.9); the host's answer comes back through the relay, which
 * opens the client's NAT with bubbles (5.4.1), and the relay that
 * answered carries the rest.  Behind a port-restricted or symmetric NAT
 * only the indirect bubble, from a link-local source, through the server
 * opens the path: the server must forward it (an earlier server.c sent
 * every link-local source to its RS code and dropped it as bad-rs).
 */
static void
scen_to_native(enum sim_nat_kind k)
{
	struct sim		*s;
	struct sim_client	*c;
	struct server_counters	 sc;
	int			 i;

	scen_begin("client-to-native", k);
	s = scen_world(k, 0, k);
	c = &s->client[0];
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	sim_client_ping(s, 0, &s->host.addr, 0x1234, 1, 56);
	sim_run(s, s->now + 3000);
	server_get_counters(s->server.srv, &sc);
	SCHECK(sc.fwd_ipv6 >= 1);
	/* Answered at once: no retry of the test. */
	SCHECK(sc.fwd_ipv6 == 1 && scen_count_echo(s, c->ep,
	    s->server.addr[0], ICMP6_ECHO_REQUEST) == 1);
	/* The real request went through the relay and reached the host. */
	i = sim_host_find(s, 0, 0x1234, 1);
	SCHECK(i >= 0);
	SCHECK(i >= 0 && memcmp(&s->host.log[i].src, &c->addr,
	    sizeof(c->addr)) == 0);
	SCHECK(scen_count_echo(s, c->ep, sim_ip(SIM_RELAY_IP),
	    ICMP6_ECHO_REQUEST) == 1);
	SCHECK(sim_tun_find_echo(c, 1, 0x1234, 1) >= 0);
	/* The next one, 1200 bytes, goes straight to the known relay. */
	sim_client_ping(s, 0, &s->host.addr, 0x1234, 2, 1200);
	sim_run(s, s->now + 1000);
	SCHECK(sim_host_find(s, 0, 0x1234, 2) >= 0);
	SCHECK(sim_tun_find_echo(c, 1, 0x1234, 2) >= 0);
	server_get_counters(s->server.srv, &sc);
	SCHECK(sc.fwd_ipv6 == 1);
	sim_free(s);
}

/* Native host to client first: the relay opens the path with bubbles. */
static void
scen_from_native(enum sim_nat_kind k)
{
	struct sim		*s;
	struct sim_client	*c;

	scen_begin("native-to-client", k);
	s = scen_world(k, 0, k);
	c = &s->client[0];
	c->echo_reply = 1;
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	sim_host_ping(s, &c->addr, 0x4321, 1, 56);
	sim_run(s, s->now + 10000);
	SCHECK(sim_tun_find_echo(c, 0, 0x4321, 1) >= 0);
	SCHECK(sim_host_find(s, 1, 0x4321, 1) >= 0);
	sim_host_ping(s, &c->addr, 0x4321, 2, 1200);
	sim_run(s, s->now + 1000);
	SCHECK(sim_tun_find_echo(c, 0, 0x4321, 2) >= 0);
	SCHECK(sim_host_find(s, 1, 0x4321, 2) >= 0);
	sim_free(s);
}

/* What two clients behind two NATs can do (A pings B first). */
enum scen_c2c {
	C2C_DIRECT,	/* A to B at once, directly */
	C2C_REVERSE,	/* only once B has sent to A */
	C2C_NEVER
};

/* One ping from client `from` to `to`; 1 if request and reply got through. */
static int
scen_c2c_ping(struct sim *s, int from, int to, uint16_t seq)
{
	struct sim_client	*a = &s->client[from], *b = &s->client[to];

	b->echo_reply = 1;
	sim_client_ping(s, from, &b->addr, 0x7777, seq, 56);
	sim_run(s, s->now + 10000);
	return sim_tun_find_echo(b, 0, 0x7777, seq) >= 0 &&
	    sim_tun_find_echo(a, 1, 0x7777, seq) >= 0;
}

/*
 * RFC 4380 only serves cone NATs; our core, like miredo, also trusts a
 * symmetric NAT's real mapping once its client has answered one of our
 * bubbles (bubble.c).  So: cone and restricted pairs work directly.  A
 * symmetric client's packets reach a cone peer from a mapping that is not
 * in its address, so they are dropped (bad-source) until the peer has
 * sent to it and proved that mapping.  Two symmetric NATs, or symmetric
 * with port-restricted, never work: each NAT filters the mapping the
 * other one really uses, and no third party relays data between clients.
 */
static void
scen_c2c(enum sim_nat_kind ka, enum sim_nat_kind kb, enum scen_c2c expect)
{
	struct sim		*s;
	struct core_status	 st;
	int			 ok;

	scen_begin("client-to-client", kb);
	(void)snprintf(scen_buf, sizeof(scen_buf), "client-to-client/%s+%s",
	    sim_nat_name(ka), sim_nat_name(kb));
	s = scen_world(ka, 1, kb);
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	SCHECK(sim_run_until_up(s, 1, s->now + 5000));
	ok = scen_c2c_ping(s, 0, 1, 1);
	switch (expect) {
	case C2C_DIRECT:
		SCHECK(ok);
		/* Direct: data never went through the server. */
		SCHECK(scen_count_echo(s, s->client[0].ep,
		    sim_ip(SIM_NAT_IP1), ICMP6_ECHO_REQUEST) >= 1);
		SCHECK(scen_count_echo(s, s->client[0].ep, s->server.addr[0],
		    ICMP6_ECHO_REQUEST) == 0);
		break;
	case C2C_REVERSE:
		SCHECK(!ok);
		sim_status(s, 1, &st);
		SCHECK(st.counters.drop[DROP_BAD_SOURCE] >= 1);
		SCHECK(scen_c2c_ping(s, 1, 0, 2));
		SCHECK(scen_c2c_ping(s, 0, 1, 3));
		break;
	case C2C_NEVER:
		SCHECK(!ok);
		SCHECK(sim_tun_find_echo(&s->client[1], 0, 0x7777, 1) == -1);
		/* 4 bubbles unanswered, then destination unreachable. */
		SCHECK(sim_tun_find_error(&s->client[0], ICMP6_DST_UNREACH,
		    ICMP6_DST_UNREACH_ADDR) >= 0);
		SCHECK(!scen_c2c_ping(s, 1, 0, 2));
		break;
	}
	sim_free(s);
}

int
main(void)
{
	static const enum sim_nat_kind kinds[] = { SIM_NAT_FULL_CONE,
	    SIM_NAT_RESTRICTED, SIM_NAT_SYMMETRIC };
	size_t	i;

	for (i = 0; i < 3; i++) {
		scen_qualify(kinds[i]);
		scen_to_native(kinds[i]);
		scen_from_native(kinds[i]);
		scen_c2c(kinds[i], kinds[i], kinds[i] == SIM_NAT_SYMMETRIC ?
		    C2C_NEVER : C2C_DIRECT);
	}
	scen_c2c(SIM_NAT_FULL_CONE, SIM_NAT_RESTRICTED, C2C_DIRECT);
	scen_c2c(SIM_NAT_FULL_CONE, SIM_NAT_SYMMETRIC, C2C_DIRECT);
	scen_c2c(SIM_NAT_SYMMETRIC, SIM_NAT_FULL_CONE, C2C_REVERSE);
	scen_c2c(SIM_NAT_SYMMETRIC, SIM_NAT_RESTRICTED, C2C_NEVER);
	for (i = 0; i < 3; i++) {
		scen_refresh(kinds[i]);
		scen_mapping_change(kinds[i]);
		scen_server_loss(kinds[i]);
	}
	scen_qualify_retry();
	scen_server_cone();
	scen_bubble_limits();
	scen_ping_retries();
	scen_peer_expiry();
	scen_eviction();
	scen_relay_drops();
	scen_sym();
	fprintf(stderr, "%d checks, %d failed\n", scen_checks, scen_failed);
	return scen_failed != 0;
}
