/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Peer list scenarios (expiry after 30 s without reception, LRU eviction
 * at the cap) and the relay's drop rules (RFC 4380 5.4.2, CVE-2006-6264),
 * each checked on the relay's counters and on the native network.
 */

#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <string.h>

#include "packet.h"
#include "scen.h"
#include "teredo.h"

/*
 * A peer is trusted while its last reception is less than 30 s old:
 * within that, packets go straight out; after it, bubbles first.  An
 * entry nobody uses is forgotten.
 */
void
scen_peer_expiry(void)
{
	struct sim		*s;
	struct sim_client	*a, *b;
	struct core_status	 st;
	uint64_t		 t1;

	scen_name = "peer-expiry";
	s = scen_world(SIM_NAT_FULL_CONE, 1, SIM_NAT_FULL_CONE);
	a = &s->client[0];
	b = &s->client[1];
	b->echo_reply = 1;
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	SCHECK(sim_run_until_up(s, 1, s->now + 5000));
	sim_client_ping(s, 0, &b->addr, 5, 1, 56);
	sim_run(s, s->now + 3000);
	SCHECK(sim_tun_find_echo(a, 1, 5, 1) >= 0);
	/* 20 s later: still valid, no bubble. */
	sim_run(s, s->now + 20000);
	t1 = s->now;
	sim_client_ping(s, 0, &b->addr, 5, 2, 56);
	sim_run(s, s->now + 1000);
	SCHECK(scen_count_bubbles(s, a->ep, &b->addr, 0, t1, s->now) == 0);
	SCHECK(sim_tun_find_echo(a, 1, 5, 2) >= 0);
	/* 31 s after the last reception: bubbles again before data. */
	sim_run(s, s->now + 31000);
	t1 = s->now;
	sim_client_ping(s, 0, &b->addr, 5, 3, 56);
	sim_run(s, s->now + 3000);
	SCHECK(scen_count_bubbles(s, a->ep, &b->addr, 0, t1, s->now) >= 1);
	SCHECK(sim_tun_find_echo(b, 0, 5, 3) >= 0);
	SCHECK(sim_tun_find_echo(a, 1, 5, 3) >= 0);
	/* Idle long enough, the entry goes. */
	sim_status(s, 0, &st);
	SCHECK(st.peers >= 1);
	sim_run(s, s->now + 301000);
	sim_status(s, 0, &st);
	SCHECK(st.peers == 0);
	sim_free(s);
}

/* Inject from the Internet an echo request from a Teredo source. */
static void
scen_inject(struct sim *s, const struct in6_addr *src,
    const struct in6_addr *dst, uint32_t sip, uint16_t sport, int bubble)
{
	uint8_t	buf[256];
	size_t	n;

	if (bubble)
		n = build_bubble(buf, sizeof(buf), src, dst);
	else
		n = build_echo(buf, sizeof(buf), 0, src, dst, 0x5555, 1,
		    "x", 1);
	sim_udp_raw(s, sip, sport, sim_ip(SIM_RELAY_IP), SIM_RELAY_PORT, buf,
	    n);
	sim_run(s, s->now + 100);
}

/*
 * The relay's table is capped: a flood of valid-looking Teredo sources
 * evicts the least recently used, memory stays bounded, and a real
 * client still gets through.  The same cap holds in a client.
 */
void
scen_eviction(void)
{
	struct sim		*s;
	struct sim_client	*c;
	struct core_config	 cfg;
	struct core_status	 st;
	struct in6_addr		 src;
	char			 ip[32];
	int			 i;

	scen_name = "eviction";
	s = sim_new();
	sim_add_server(s);
	sim_add_relay(s, 8);
	sim_add_host(s);
	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_CLIENT;
	cfg.peer_max = 4;
	i = sim_add_nat(s, SIM_NAT_FULL_CONE, sim_ip(SIM_NAT_IP0),
	    SIM_NAT_TIMEOUT);
	sim_add_client(s, i, sim_ip("198.18.0.2"), 0x3333, &cfg);
	c = &s->client[0];
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	/*
	 * 5.4.2: sources the relay never sent to are dropped: no entry,
	 * nothing evicted, nothing delivered.
	 */
	for (i = 0; i < 40; i++) {
		(void)snprintf(ip, sizeof(ip), "203.0.113.%d", 100 + i);
		scen_teredo_addr(s, ip, 7000, &src);
		scen_inject(s, &src, &s->host.addr, sim_ip(ip), 7000, 0);
	}
	sim_status(s, -1, &st);
	SCHECK(st.counters.drop[DROP_UNKNOWN_PEER] == 40);
	SCHECK(st.peers == 0 && st.counters.peers_evicted == 0);
	SCHECK(s->host.requests == 0);
	/* Destinations from the native side do fill the table, to its cap. */
	for (i = 0; i < 40; i++) {
		(void)snprintf(ip, sizeof(ip), "203.0.113.%d", 100 + i);
		scen_teredo_addr(s, ip, 7000, &src);
		sim_host_ping(s, &src, 2, (uint16_t)i, 8);
		sim_run(s, s->now + 10);
	}
	sim_status(s, -1, &st);
	SCHECK(st.peers == 8);
	SCHECK(st.counters.peers_evicted == 32);
	/* A legitimate client still gets through the relay. */
	sim_client_ping(s, 0, &s->host.addr, 6, 1, 56);
	sim_run(s, s->now + 3000);
	SCHECK(sim_tun_find_echo(c, 1, 6, 1) >= 0);
	/* The client's own list: 6 peers, cap 4. */
	for (i = 0; i < 6; i++) {
		(void)snprintf(ip, sizeof(ip), "203.0.113.%d", 200 + i);
		scen_teredo_addr(s, ip, 7000, &src);
		sim_client_ping(s, 0, &src, 7, (uint16_t)i, 8);
		sim_run(s, s->now + 100);
	}
	sim_status(s, 0, &st);
	SCHECK(st.peers == 4);
	SCHECK(st.counters.peers_evicted >= 2);
	sim_free(s);
}

/* One drop rule: the counter moves by one and nothing reaches the host. */
static void
scen_drop_one(struct sim *s, enum core_drop why, const struct in6_addr *src,
    const struct in6_addr *dst, uint32_t sip, uint16_t sport, int bubble)
{
	struct core_status	st0, st1;
	unsigned int		nlog = s->host.nlog;

	sim_status(s, -1, &st0);
	scen_inject(s, src, dst, sip, sport, bubble);
	sim_status(s, -1, &st1);
	SCHECK(st1.counters.drop[why] == st0.counters.drop[why] + 1);
	SCHECK(st1.counters.tx_tun == st0.counters.tx_tun);
	SCHECK(s->host.nlog == nlog);
}

void
scen_relay_drops(void)
{
	struct sim		*s;
	struct core_status	 st0, st1;
	struct in6_addr		 src, other, native;
	uint32_t		 ip = sim_ip("203.0.113.50");
	unsigned int		 nlog;

	scen_name = "relay-drops";
	s = sim_new();
	sim_add_server(s);
	sim_add_relay(s, 0);
	sim_add_host(s);
	scen_teredo_addr(s, "203.0.113.50", 6000, &src);
	/* 5.4.2: a client the relay never sent to, from its own mapping. */
	scen_drop_one(s, DROP_UNKNOWN_PEER, &src, &s->host.addr, ip, 6000, 0);
	/* Control: once the relay sent to it, accepted and delivered. */
	sim_host_ping(s, &src, 3, 1, 8);
	sim_run(s, s->now + 100);
	nlog = s->host.nlog;
	scen_inject(s, &src, &s->host.addr, ip, 6000, 0);
	SCHECK(s->host.nlog == nlog + 1 && s->host.requests == 1);
	/* Spoofed mapping: another port, or another address. */
	scen_drop_one(s, DROP_BAD_SOURCE, &src, &s->host.addr, ip, 6001, 0);
	scen_drop_one(s, DROP_BAD_SOURCE, &src, &s->host.addr,
	    sim_ip("203.0.113.52"), 6000, 0);
	/* A spoofed bubble does not prove anything either. */
	scen_drop_one(s, DROP_BAD_SOURCE, &src, &s->host.addr, ip, 6001, 1);
	/* Non-global IPv4 embedded (CVE-2006-6264), even from itself. */
	scen_teredo_addr(s, "10.1.2.3", 6000, &src);
	scen_drop_one(s, DROP_NON_GLOBAL, &src, &s->host.addr,
	    sim_ip("10.1.2.3"), 6000, 0);
	scen_teredo_addr(s, "127.0.0.1", 6000, &src);
	scen_drop_one(s, DROP_NON_GLOBAL, &src, &s->host.addr, ip, 6000, 0);
	/* Not a Teredo source. */
	(void)inet_pton(AF_INET6, "2001:db8:5::1", &native);
	scen_drop_one(s, DROP_NOT_TEREDO, &native, &s->host.addr, ip, 6000, 0);
	/* Loop: Teredo to Teredo through the relay. */
	scen_teredo_addr(s, "203.0.113.53", 6000, &src);
	scen_teredo_addr(s, "203.0.113.54", 6000, &other);
	scen_drop_one(s, DROP_LOOP, &src, &other, sim_ip("203.0.113.53"), 6000,
	    0);
	/* Loop from the tunnel side: a destination that embeds the relay. */
	scen_teredo_addr(s, SIM_RELAY_IP, 6000, &other);
	sim_status(s, -1, &st0);
	sim_host_ping(s, &other, 1, 1, 8);
	sim_run(s, s->now + 100);
	sim_status(s, -1, &st1);
	SCHECK(st1.counters.drop[DROP_LOOP] ==
	    st0.counters.drop[DROP_LOOP] + 1);
	SCHECK(st1.counters.tx_udp == st0.counters.tx_udp);
	sim_free(s);
}
