/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Client maintenance scenarios (RFC 4380 5.2.5): refresh with jitter,
 * a NAT mapping change, the loss and the return of the server.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "scen.h"
#include "teredo.h"

/* The times at which the client sent router solicitations. */
static unsigned int
scen_rs_times(const struct sim *s, int ep, uint64_t from, uint64_t *t,
    unsigned int max)
{
	unsigned int	i, n = 0;

	for (i = 0; i < s->ntrace && n < max; i++)
		if (s->trace[i].from_ep == ep && s->trace[i].t >= from &&
		    s->trace[i].parsed && s->trace[i].has_auth &&
		    s->trace[i].icmp_type == ND_ROUTER_SOLICIT)
			t[n++] = s->trace[i].t;
	return n;
}

/*
 * 5.2.5 / SPEC 3: a refresh RS goes out at a random 75-100 % of the
 * interval (30 s) after the last RA, which arrives one round trip after
 * its RS.
 */
void
scen_refresh(enum sim_nat_kind k)
{
	struct sim		*s;
	struct sim_client	*c;
	struct in6_addr		 addr;
	uint64_t		 t[64], d, lo = UINT64_MAX, hi = 0;
	unsigned int		 n, i, bad = 0;

	scen_begin("refresh", k);
	s = scen_world(k, 0, k);
	c = &s->client[0];
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	addr = c->addr;
	sim_run(s, s->now + 20 * 30000);
	n = scen_rs_times(s, c->ep, 0, t, 64);
	SCHECK(n >= 21);
	for (i = 1; i < n; i++) {
		d = t[i] - (t[i - 1] + 2 * SIM_LATENCY_MS);
		if (d < 22500 || d > 30000) {
			fprintf(stderr, "[%s] refresh after %llu ms\n",
			    scen_name, (unsigned long long)d);
			bad++;
		}
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	SCHECK(bad == 0);
	/* Jitter: the delays really vary over the allowed range. */
	SCHECK(hi - lo >= 2500);
	/* The NAT kept the mapping: same address, never down. */
	SCHECK(c->ups == 1 && c->downs == 0);
	SCHECK(memcmp(&addr, &c->addr, sizeof(addr)) == 0);
	SCHECK(s->nat[0].expired == 0);
	sim_free(s);
}

/*
 * The NAT loses its mappings: the next refresh comes out of a new public
 * port, the RA's origin differs, the client goes down and up with an
 * address for the new mapping, and its peers are forgotten.
 */
void
scen_mapping_change(enum sim_nat_kind k)
{
	struct sim		*s;
	struct sim_client	*c;
	struct teredo_addr	 ta_old, ta;
	struct core_status	 st;
	uint64_t		 t0;
	uint16_t		 port;

	scen_begin("mapping-change", k);
	s = scen_world(k, 0, k);
	c = &s->client[0];
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	teredo_addr_decode(&c->addr, &ta_old);
	/* A peer in the list (the test to the host leaves one). */
	sim_client_ping(s, 0, &s->host.addr, 1, 1, 56);
	sim_run(s, s->now + 1000);
	sim_status(s, 0, &st);
	SCHECK(st.peers >= 1);
	t0 = s->now;
	sim_nat_flush(s, 0);
	while (c->ups < 2 && s->now < t0 + 35000)
		sim_run(s, s->now + 10);
	SCHECK(c->downs == 1 && c->ups == 2);
	SCHECK(c->is_up && c->down_at <= c->up_at);
	SCHECK(c->up_at - t0 <= 30000 + 4 * SIM_LATENCY_MS);
	teredo_addr_decode(&c->addr, &ta);
	port = sim_nat_port(s, 0, c->ep, s->server.addr[0], TEREDO_PORT);
	SCHECK(port != 0 && ta.port == port && ta.port != ta_old.port);
	SCHECK(ta.client == sim_ip(SIM_NAT_IP0));
	sim_status(s, 0, &st);
	SCHECK(st.state == CORE_STATE_QUALIFIED);
	SCHECK(memcmp(&st.addr, &c->addr, sizeof(st.addr)) == 0);
	SCHECK(st.mapped_port == port);
	SCHECK(st.peers == 0);
	/* The new address works as well as the old one did. */
	sim_run(s, s->now + 60000);
	SCHECK(c->ups == 2 && c->downs == 1);
	sim_free(s);
}

static void
scen_server_set(struct sim *s, int down)
{
	s->ep[s->server.ep[0]].down = down;
	s->ep[s->server.ep[1]].down = down;
}

/*
 * The server stops answering: after the refresh and its retries
 * (qualify_retries RSs, qualify_timeout s apart) the client goes down;
 * it keeps trying with back-off and comes back up once the server does.
 */
void
scen_server_loss(enum sim_nat_kind k)
{
	struct sim		*s;
	struct sim_client	*c;
	struct core_status	 st;
	uint64_t		 t0, t[64], back;
	unsigned int		 n, i;

	scen_begin("server-loss", k);
	s = scen_world(k, 0, k);
	c = &s->client[0];
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	t0 = s->now;
	scen_server_set(s, 1);
	while (c->is_up && s->now < t0 + 60000)
		sim_run(s, s->now + 10);
	SCHECK(!c->is_up && c->downs == 1);
	/* At most one refresh interval, then 3 tries 4 s apart. */
	SCHECK(c->down_at - t0 <= 30000 + 3 * 4000);
	n = scen_rs_times(s, c->ep, t0, t, 64);
	SCHECK(n >= 3);
	for (i = 1; i < 3 && i < n; i++)
		SCHECK(t[i] - t[i - 1] == 4000);
	sim_status(s, 0, &st);
	SCHECK(st.state == CORE_STATE_QUALIFYING);
	/* Down: the tunnel answers with unreachable. */
	sim_client_ping(s, 0, &s->host.addr, 2, 1, 56);
	SCHECK(sim_tun_find_error(c, ICMP6_DST_UNREACH,
	    ICMP6_DST_UNREACH_ADDR) >= 0);
	/* Still trying, with back-off, while the server is away. */
	sim_run(s, c->down_at + 200000);
	n = scen_rs_times(s, c->ep, c->down_at, t, 64);
	SCHECK(n >= 3 && n < 40);
	SCHECK(!c->is_up);
	back = s->now;
	scen_server_set(s, 0);
	/* Back within the longest back-off and one round of tries. */
	SCHECK(sim_run_until_up(s, 0, back + 300000 + 3 * 4000 + 1000));
	SCHECK(c->ups == 2 && c->downs == 1);
	sim_status(s, 0, &st);
	SCHECK(st.state == CORE_STATE_QUALIFIED);
	sim_free(s);
}

/*
 * No server at start: RSs qualify_timeout (4 s) apart, qualify_retries
 * (3) per round, then a back-off, and never giving up; qualified as soon
 * as the server answers.
 */
void
scen_qualify_retry(void)
{
	struct sim		*s;
	struct sim_client	*c;
	uint64_t		 t[64], t0;
	unsigned int		 n;

	scen_name = "qualify-retry";
	s = scen_world(SIM_NAT_RESTRICTED, 0, SIM_NAT_RESTRICTED);
	c = &s->client[0];
	scen_server_set(s, 1);
	t0 = s->now;
	sim_run(s, t0 + 120000);
	SCHECK(!c->is_up && c->ups == 0);
	n = scen_rs_times(s, c->ep, 0, t, 64);
	SCHECK(n >= 6);
	if (n >= 6) {
		SCHECK(t[1] - t[0] == 4000 && t[2] - t[1] == 4000);
		/* The round timed out 4 s after its last RS, then back-off. */
		SCHECK(t[3] - t[2] >= 4000 + 30000);
		SCHECK(t[4] - t[3] == 4000 && t[5] - t[4] == 4000);
	}
	scen_server_set(s, 0);
	SCHECK(sim_run_until_up(s, 0, s->now + 300000 + 3 * 4000 + 1000));
	sim_free(s);
}

/*
 * The server's two addresses (5.2.1): an RS whose link-local has the
 * cone bit is answered from the other address, a plain one from the
 * address it came to.
 */
void
scen_server_cone(void)
{
	struct sim		*s;
	const struct sim_trace	*t;
	uint8_t			 buf[128], nonce[TEREDO_NONCE_LEN] = { 1 };
	uint32_t		 ip = sim_ip("203.0.113.77");
	size_t			 n;
	unsigned int		 i, from[2] = { 0, 0 };
	int			 cone;

	scen_name = "server-cone-rs";
	s = sim_new();
	sim_add_server(s);
	for (cone = 0; cone < 2; cone++) {
		n = build_auth(buf, sizeof(buf), nonce, 0);
		n += build_rs(buf + n, sizeof(buf) - n, cone ?
		    &teredo_ll_cone : &teredo_ll_client);
		sim_udp_raw(s, ip, (uint16_t)(5000 + cone),
		    s->server.addr[0], TEREDO_PORT, buf, n);
	}
	sim_run(s, s->now + 100);
	for (i = 0; i < s->ntrace; i++) {
		t = &s->trace[i];
		if (t->dip != ip || t->icmp_type != ND_ROUTER_ADVERT)
			continue;
		cone = t->dport == 5001;
		SCHECK(t->sip == s->server.addr[cone] &&
		    t->sport == TEREDO_PORT);
		from[cone]++;
	}
	SCHECK(from[0] == 1 && from[1] == 1);
	sim_free(s);
}
