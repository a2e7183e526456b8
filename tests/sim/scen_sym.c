/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Symmetric NATs and RFC 6081: what the client learns of its NAT during
 * qualification (the secondary server address, the local port), and the
 * Symmetric NAT Support Extension (RFC 6081 3.1, 5.2) between two of our
 * clients, with it and without it; its random ports (5.4, 5.5) and the
 * Server Load Reduction (5.7).
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "packet.h"
#include "scen.h"
#include "teredo.h"

static char	scen_sym_buf[128];

/* Two clients (or one) with the extension on or off. */
static struct sim *
scen_sym_world(enum sim_nat_kind k0, int two, enum sim_nat_kind k1, int sns)
{
	struct sim		*s = sim_new();
	struct core_config	 cfg;
	int			 n;

	/* sns 2: with the random-port sockets of RFC 6081 5.4, 5.5. */
	s->client_rports = sns == 2;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_CLIENT;
	cfg.sns = sns;
	sim_add_server(s);
	sim_add_relay(s, 0);
	sim_add_host(s);
	n = sim_add_nat(s, k0, sim_ip(SIM_NAT_IP0), SIM_NAT_TIMEOUT);
	sim_add_client(s, n, sim_ip("198.18.0.2"), 0x1111, &cfg);
	if (two) {
		n = sim_add_nat(s, k1, sim_ip(SIM_NAT_IP1), SIM_NAT_TIMEOUT);
		sim_add_client(s, n, sim_ip("198.18.1.2"), 0x2222, &cfg);
	}
	return s;
}

/*
 * RFC 4380 5.2.1 / RFC 6081 5.3.3: an RS to the secondary address after
 * the primary's RA; a different mapping means a symmetric NAT.  RFC 6081
 * 5.4.3: the mapped port equal to the local port means port-preserving.
 * Without the extension no second RS goes out and nothing is known.
 */
static void
scen_nat_detect(enum sim_nat_kind k, int sns, enum core_nat want, int pp)
{
	struct sim		*s;
	struct core_status	 st;

	(void)snprintf(scen_sym_buf, sizeof(scen_sym_buf), "nat-detect/%s/%s",
	    sim_nat_name(k), sns ? "sns" : "no-sns");
	scen_name = scen_sym_buf;
	s = scen_sym_world(k, 0, k, sns);
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	sim_run(s, s->now + 1000);
	sim_status(s, 0, &st);
	SCHECK(st.state == CORE_STATE_QUALIFIED);
	SCHECK(st.sns == sns);
	SCHECK(st.nat == want);
	SCHECK(st.port_preserving == pp);
	SCHECK(st.counters.rs_sent == (sns ? 2u : 1u));
	SCHECK(st.counters.ra_rcvd == (sns ? 2u : 1u));
	if (want == CORE_NAT_SYMMETRIC)
		SCHECK(st.mapped_ip2 == st.mapped_ip &&
		    st.mapped_port2 != st.mapped_port);
	if (want == CORE_NAT_NOT_SYMMETRIC)
		SCHECK(st.mapped_port2 == st.mapped_port);
	/* A refresh does not test again once the answer is known. */
	sim_run(s, s->now + 31000);
	sim_status(s, 0, &st);
	SCHECK(st.nat == want);
	SCHECK(st.counters.rs_sent == (sns ? 3u : 2u));
	sim_free(s);
}

/* One ping from client `from` to `to`; 1 if request and reply got through. */
static int
scen_sym_ping(struct sim *s, int from, int to, uint16_t seq)
{
	struct sim_client	*a = &s->client[from], *b = &s->client[to];

	b->echo_reply = 1;
	sim_client_ping(s, from, &b->addr, 0x6081, seq, 56);
	sim_run(s, s->now + 12000);
	return sim_tun_find_echo(b, 0, 0x6081, seq) >= 0 &&
	    sim_tun_find_echo(a, 1, 0x6081, seq) >= 0;
}

/*
 * RFC 6081 3.1, second case: a client behind a symmetric NAT (A) pings
 * one behind a cone NAT (B).  Without the extension A's packets reach B
 * from a mapping that is not in A's address and are dropped until B has
 * sent to A first.  With it, B answers A's nonce-bearing indirect bubble
 * with one of its own through A's server; A's direct answer carries B's
 * nonce from the mapping A's NAT uses toward B, which B then trusts.
 * sns 2 adds the random ports (RFC 6081 3.3, 3.4): toward a peer behind
 * a port-restricted NAT only the port our NAT uses toward it can be
 * opened, and the Random Port trailer tells the peer which.  The first
 * packet may be lost there (it can reach the peer before the peer has
 * proved our mapping): the second must pass.
 */
static void
scen_sns_c2c(enum sim_nat_kind ka, enum sim_nat_kind kb, int sns, int want)
{
	struct sim		*s;
	struct core_status	 st;
	int			 ok;

	(void)snprintf(scen_sym_buf, sizeof(scen_sym_buf),
	    "sns-c2c/%s+%s/%s", sim_nat_name(ka), sim_nat_name(kb),
	    sns == 2 ? "sns+rports" : sns ? "sns" : "no-sns");
	scen_name = scen_sym_buf;
	s = scen_sym_world(ka, 1, kb, sns);
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	SCHECK(sim_run_until_up(s, 1, s->now + 5000));
	sim_run(s, s->now + 1000);
	ok = scen_sym_ping(s, 0, 1, 1);
	if (sns == 2 && !ok)
		ok = scen_sym_ping(s, 0, 1, 2);
	SCHECK(ok == want);
	sim_status(s, 1, &st);
	if (want)
		/* B trusted A's real mapping through the nonce. */
		SCHECK(st.counters.nonce_ok >= 1);
	else
		SCHECK(st.counters.nonce_ok == 0);
	sim_status(s, 0, &st);
	SCHECK(st.pp == (sns == 2 && ka == SIM_NAT_SYM_PRESERVE));
	SCHECK(st.seq == (sns == 2 && ka == SIM_NAT_SYM_SEQUENTIAL));
	SCHECK((st.counters.echo_tests != 0) == (st.seq && want));
	if (sns && want) {
		/* And it keeps working both ways. */
		SCHECK(scen_sym_ping(s, 1, 0, 3));
		SCHECK(scen_sym_ping(s, 0, 1, 4));
		sim_status(s, 0, &st);
		SCHECK(st.rports == (sns == 2 ? 1u : 0u));
	}
	sim_free(s);
}

/*
 * RFC 6081 5.7 (Server Load Reduction): after 40 s of silence the path
 * between two clients is refreshed with direct bubbles that ask for an
 * answer, not through the server; without the extension the indirect
 * bubbles go through the server again.
 */
static void
scen_slr(int sns)
{
	struct sim	*s;
	uint64_t	 t1;
	unsigned int	 ind;

	(void)snprintf(scen_sym_buf, sizeof(scen_sym_buf), "slr/%s",
	    sns ? "sns" : "no-sns");
	scen_name = scen_sym_buf;
	s = scen_sym_world(SIM_NAT_RESTRICTED, 1, SIM_NAT_RESTRICTED, sns);
	SCHECK(sim_run_until_up(s, 0, s->now + 5000));
	SCHECK(sim_run_until_up(s, 1, s->now + 5000));
	SCHECK(scen_sym_ping(s, 0, 1, 1));
	sim_run(s, s->now + 40000);
	t1 = s->now;
	SCHECK(scen_sym_ping(s, 0, 1, 2));
	ind = scen_count_bubbles(s, s->client[0].ep, &s->client[1].addr, 1,
	    t1, s->now);
	SCHECK(sns ? ind == 0 : ind >= 1);
	sim_free(s);
}

void
scen_sym(void)
{
	scen_slr(1);
	scen_slr(0);
	scen_nat_detect(SIM_NAT_FULL_CONE, 1, CORE_NAT_NOT_SYMMETRIC, 0);
	scen_nat_detect(SIM_NAT_RESTRICTED, 1, CORE_NAT_NOT_SYMMETRIC, 0);
	scen_nat_detect(SIM_NAT_SYM_SEQUENTIAL, 1, CORE_NAT_SYMMETRIC, 0);
	scen_nat_detect(SIM_NAT_SYM_PRESERVE, 1, CORE_NAT_SYMMETRIC, 1);
	scen_nat_detect(SIM_NAT_SYM_PRESERVE, 0, CORE_NAT_UNKNOWN, 1);
	scen_sns_c2c(SIM_NAT_SYM_SEQUENTIAL, SIM_NAT_FULL_CONE, 1, 1);
	scen_sns_c2c(SIM_NAT_SYM_SEQUENTIAL, SIM_NAT_FULL_CONE, 0, 0);
	scen_sns_c2c(SIM_NAT_SYM_PRESERVE, SIM_NAT_FULL_CONE, 1, 1);
	/*
	 * RFC 6081 3.3, 3.4, Figure 1: behind a port-preserving or a
	 * sequential symmetric NAT, a port-restricted peer is reached with
	 * the random ports (SNS+PP, SNS+SS), not with SNS alone nor
	 * without the extensions.
	 */
	scen_sns_c2c(SIM_NAT_SYM_PRESERVE, SIM_NAT_RESTRICTED, 2, 1);
	scen_sns_c2c(SIM_NAT_SYM_SEQUENTIAL, SIM_NAT_RESTRICTED, 2, 1);
	scen_sns_c2c(SIM_NAT_SYM_PRESERVE, SIM_NAT_RESTRICTED, 1, 0);
	scen_sns_c2c(SIM_NAT_SYM_SEQUENTIAL, SIM_NAT_RESTRICTED, 1, 0);
	scen_sns_c2c(SIM_NAT_SYM_PRESERVE, SIM_NAT_RESTRICTED, 0, 0);
	scen_sns_c2c(SIM_NAT_SYM_SEQUENTIAL, SIM_NAT_RESTRICTED, 0, 0);
	/* The random ports change nothing toward a cone. */
	scen_sns_c2c(SIM_NAT_SYM_PRESERVE, SIM_NAT_FULL_CONE, 2, 1);
}
