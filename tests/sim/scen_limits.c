/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Limits seen on the wire: bubble rate limits (RFC 4380 5.2.6), the
 * direct connectivity test's retries (5.2.9), peer expiry and LRU
 * eviction.  The relay's drop rules are in scen_relay.c.
 */

#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "scen.h"
#include "teredo.h"

/* A Teredo address of our server for ip:port (nobody may be there). */
void
scen_teredo_addr(const struct sim *s, const char *ip, uint16_t port,
    struct in6_addr *a)
{
	struct teredo_addr	ta;

	ta.prefix = TEREDO_PREFIX;
	ta.server = s->server.addr[0];
	ta.flags = 0;
	ta.port = port;
	ta.client = sim_ip(ip);
	teredo_addr_build(a, &ta);
}

/*
 * 5.2.6 on the wire: not more than one bubble per 2 s to a peer, and
 * not more than 4 in 300 s without an answer; checked separately for
 * direct and indirect bubbles of one sender.
 */
static void
scen_check_bubbles(const struct sim *s, int ep, const struct in6_addr *dst,
    int indirect, uint64_t from, uint64_t to)
{
	const struct sim_trace	*t;
	uint64_t		 when[256];
	unsigned int		 i, j, n = 0, gap_bad = 0, win_bad = 0, w;

	for (i = 0; i < s->ntrace && n < 256; i++) {
		t = &s->trace[i];
		if (t->from_ep == ep && t->bubble && t->t >= from &&
		    t->t < to && memcmp(&t->dst6, dst, sizeof(*dst)) == 0 &&
		    (t->dport == TEREDO_PORT) == indirect)
			when[n++] = t->t;
	}
	for (i = 1; i < n; i++)
		if (when[i] - when[i - 1] < 2000)
			gap_bad++;
	for (i = 0; i < n; i++) {
		for (j = i, w = 0; j < n && when[j] < when[i] + 300000; j++)
			w++;
		if (w > 4)
			win_bad++;
	}
	SCHECK(n >= 4);
	/* A new window opens after 300 s: bubbles start again. */
	SCHECK(n >= 8);
	SCHECK(gap_bad == 0);
	SCHECK(win_bad == 0);
	SCHECK(n <= 4 * ((to - from) / 300000 + 1));
}

void
scen_bubble_limits(void)
{
	struct sim		*s;
	struct sim_client	*c;
	struct core_status	 st;
	struct in6_addr		 peer;
	uint64_t		 t0;
	uint16_t		 seq;

	scen_name = "bubble-limits/client";
	s = scen_world(SIM_NAT_FULL_CONE, 0, SIM_NAT_FULL_CONE);
	c = &s->client[0];
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	scen_teredo_addr(s, "203.0.113.99", 4000, &peer);
	t0 = s->now;
	/* A packet every 500 ms for 620 s to a peer that never answers. */
	for (seq = 0; seq < 1240; seq++) {
		sim_client_ping(s, 0, &peer, 9, seq, 8);
		sim_run(s, s->now + 500);
	}
	scen_check_bubbles(s, c->ep, &peer, 0, t0, s->now);
	scen_check_bubbles(s, c->ep, &peer, 1, t0, s->now);
	SCHECK(sim_tun_find_error(c, ICMP6_DST_UNREACH,
	    ICMP6_DST_UNREACH_ADDR) >= 0);
	sim_status(s, 0, &st);
	SCHECK(st.counters.drop[DROP_UNREACHABLE] > 0);

	/* The relay, asked by the host to reach a client that is gone. */
	scen_name = "bubble-limits/relay";
	t0 = s->now;
	for (seq = 0; seq < 1240; seq++) {
		sim_host_ping(s, &peer, 10, seq, 8);
		sim_run(s, s->now + 500);
	}
	scen_check_bubbles(s, s->relay.ep, &peer, 0, t0, s->now);
	scen_check_bubbles(s, s->relay.ep, &peer, 1, t0, s->now);
	sim_status(s, -1, &st);
	SCHECK(st.counters.drop[DROP_UNREACHABLE] > 0);
	sim_free(s);
}

/*
 * 5.2.9: a test to a native host that does not answer: one echo request
 * through the server and 3 retries 2 s apart, all with the same nonce of
 * at least 64 bits, then ICMPv6 address unreachable into the tunnel.
 */
void
scen_ping_retries(void)
{
	struct sim		*s;
	struct sim_client	*c;
	const struct sim_trace	*t, *first = NULL;
	struct in6_addr		 gone;
	uint64_t		 when[16];
	unsigned int		 i, n = 0, same = 0;
	int			 e;

	scen_name = "ping-retries";
	s = scen_world(SIM_NAT_RESTRICTED, 0, SIM_NAT_RESTRICTED);
	c = &s->client[0];
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	(void)inet_pton(AF_INET6, "2001:db8:1::99", &gone);
	sim_client_ping(s, 0, &gone, 3, 1, 56);
	sim_run(s, s->now + 20000);
	for (i = 0; i < s->ntrace && n < 16; i++) {
		t = &s->trace[i];
		if (t->from_ep != c->ep || t->icmp_type != ICMP6_ECHO_REQUEST ||
		    memcmp(&t->dst6, &gone, sizeof(gone)) != 0)
			continue;
		/* Every test goes to the server, never elsewhere. */
		SCHECK(t->dip == s->server.addr[0] && t->dport == TEREDO_PORT);
		SCHECK(t->len - IP6_HDR_LEN - 8 >= 8);
		if (first == NULL)
			first = t;
		else if (memcmp(first->payload, t->payload, 8) == 0)
			same++;
		when[n++] = t->t;
	}
	SCHECK(n == 4);
	SCHECK(same == 3);
	for (i = 1; i < n; i++)
		SCHECK(when[i] - when[i - 1] == 2000);
	e = sim_tun_find_error(c, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADDR);
	SCHECK(e >= 0);
	if (e >= 0 && n == 4) {
		SCHECK(c->tun[e].t - when[3] == 2000);
		/* It quotes our packet: its destination is the lost host. */
		SCHECK(c->tun[e].len >= 2 * IP6_HDR_LEN + 8);
		SCHECK(memcmp(ip6_dst(c->tun[e].buf + IP6_HDR_LEN + 8), &gone,
		    sizeof(gone)) == 0);
	}
	SCHECK(s->host.nlog == 0);
	sim_free(s);
}
