/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Client qualification and maintenance (RFC 4380 5.2.1, 5.2.5).
 *
 * A round sends up to qualify_retries router solicitations, each with a
 * fresh nonce and qualify_timeout s apart; a failed round waits out a
 * back-off (30 s doubling to 300 s) and starts again: we never give up.
 * Only the non-cone solicitation is sent (RFC 5991: clients should not
 * try the cone test).  Once qualified, a refresh RS goes out at a random
 * 75-100 % of the refresh interval; qualify_retries refresh attempts
 * without an acceptable RA mean the server is lost.
 *
 * With the Symmetric NAT Support Extension on (RFC 6081 3.1), each
 * acceptable RA is followed by one RS to the secondary server address,
 * until that address has answered once for this mapping: the mapping it
 * sees tells a symmetric NAT (RFC 4380 5.2.1, RFC 6081 5.3.3).  Unlike
 * RFC 4380, a client behind a symmetric NAT stays qualified (as miredo
 * and RFC 6081 do).  Whether the mapped port is our local port tells a
 * port-preserving NAT (RFC 6081 5.4.3).
 */

#include "config.h"

#include <string.h>

#include "core_impl.h"

static void
qualify_send_rs(struct core *c, uint64_t now)
{
	uint8_t	buf[128];
	size_t	n, m;

	/* 5.2.1: an unpredictable nonce per solicitation. */
	c->io.random(c->io.arg, c->q.nonce, sizeof(c->q.nonce));
	c->q.rs_pending = 1;
	c->q.tries++;
	c->q.deadline = now + (uint64_t)c->cfg.qualify_timeout * 1000;
	n = build_auth(buf, sizeof(buf), c->q.nonce, 0);
	m = build_rs(buf + n, sizeof(buf) - n, &teredo_ll_client);
	if (n == 0 || m == 0)
		return;
	c->st.counters.rs_sent++;
	core_send_udp(c, c->st.server, TEREDO_PORT, buf, n + m);
}

/* RFC 4380 5.2.1: the same RS, to the secondary server address. */
static void
qualify_send_rs2(struct core *c)
{
	uint8_t	buf[128];
	size_t	n, m;

	c->io.random(c->io.arg, c->q.nonce2, sizeof(c->q.nonce2));
	n = build_auth(buf, sizeof(buf), c->q.nonce2, 0);
	m = build_rs(buf + n, sizeof(buf) - n, &teredo_ll_client);
	if (n == 0 || m == 0)
		return;
	c->q.rs2_pending = 1;
	c->st.counters.rs_sent++;
	core_send_udp(c, core_server2(c), TEREDO_PORT, buf, n + m);
}

/* Forget what was learnt of the NAT (a new mapping, or no server). */
static void
qualify_nat_reset(struct core *c)
{
	c->q.rs2_pending = 0;
	c->st.nat = CORE_NAT_UNKNOWN;
	c->st.port_preserving = 0;
	c->st.mapped_ip2 = 0;
	c->st.mapped_port2 = 0;
}

static void
qualify_backoff(struct core *c, uint64_t now)
{
	c->q.rs_pending = 0;
	c->q.backoff_wait = 1;
	c->q.deadline = now + c->q.backoff_ms;
	c->q.backoff_ms *= 2;
	if (c->q.backoff_ms > CORE_BACKOFF_MAX_MS)
		c->q.backoff_ms = CORE_BACKOFF_MAX_MS;
}

void
qualify_start(struct core *c, uint64_t now)
{
	memset(&c->q, 0, sizeof(c->q));
	c->q.backoff_ms = CORE_BACKOFF_MIN_MS;
	c->st.state = CORE_STATE_QUALIFYING;
	if (c->cfg.portmap_wait_ms != 0 && c->st.portmap_ip == 0) {
		/* The first RS after the mapping, or the wait (core_portmap). */
		c->q.portmap_wait = 1;
		c->q.backoff_wait = 1;
		c->q.deadline = now + c->cfg.portmap_wait_ms;
		return;
	}
	qualify_send_rs(c, now);
}

/* Lose the qualification: tunnel down, peers forgotten. */
static void
qualify_down(struct core *c)
{
	if (c->st.state == CORE_STATE_QUALIFIED)
		c->io.down(c->io.arg);
	rport_close_all(c);
	peer_table_clear(c->peers);
	memset(&c->st.addr, 0, sizeof(c->st.addr));
	discovery_stop(c);
	c->st.mapped_ip = 0;
	c->st.mapped_port = 0;
	qualify_nat_reset(c);
	c->st.state = CORE_STATE_QUALIFYING;
}

void
qualify_stop(struct core *c)
{
	qualify_down(c);
	c->st.state = CORE_STATE_OFF;
	c->q.rs_pending = 0;
	c->q.deadline = UINT64_MAX;
}

static void
qualify_schedule_refresh(struct core *c, uint64_t now)
{
	uint16_t	r;
	uint64_t	ival = (uint64_t)c->cfg.refresh_interval * 1000;

	/* 5.2.5: a random 75 % to 100 % of the refresh interval. */
	c->io.random(c->io.arg, &r, sizeof(r));
	c->q.deadline = now + ival * (750 + r % 251) / 1000;
	c->q.refreshing = 0;
	c->q.tries = 0;
}

void
qualify_timer(struct core *c, uint64_t now)
{
	if (c->st.state == CORE_STATE_QUALIFIED) {
		if (c->q.refreshing && c->q.tries >= c->cfg.qualify_retries) {
			/* The server is gone: down, and back off. */
			qualify_down(c);
			c->q.refreshing = 0;
			c->q.tries = 0;
			qualify_backoff(c, now);
			return;
		}
		c->q.refreshing = 1;
		qualify_send_rs(c, now);
		return;
	}
	if (c->q.backoff_wait) {
		c->q.backoff_wait = 0;
		c->q.portmap_wait = 0;
		c->q.tries = 0;
		qualify_send_rs(c, now);
	} else if (c->q.tries < c->cfg.qualify_retries)
		qualify_send_rs(c, now);
	else
		qualify_backoff(c, now);
}

void
qualify_netchange(struct core *c, uint64_t now)
{
	/* Ask the server at once; a new mapping gives a new address. */
	if (c->q.portmap_wait)
		return;		/* not before the mapping, or the wait */
	c->q.backoff_wait = 0;
	c->q.tries = 0;
	c->q.backoff_ms = CORE_BACKOFF_MIN_MS;
	if (c->st.state == CORE_STATE_QUALIFIED)
		c->q.refreshing = 1;
	qualify_send_rs(c, now);
}

/*
 * The RA checks of SPEC 3 / RFC 4380 5.2.1; 0 if acceptable, with the
 * prefix the server advertises in *prefix.
 */
static int
qualify_check_ra(struct core *c, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp, unsigned int *mtu, uint32_t *prefix)
{
	uint32_t	server;

	if (port != TEREDO_PORT ||
	    (ip != c->st.server && ip != core_server2(c)))
		return -1;
	if (!c->q.rs_pending || !tp->has_auth || tp->confirmation != 0 ||
	    memcmp(tp->nonce, c->q.nonce, TEREDO_NONCE_LEN) != 0)
		return -1;
	if (!tp->has_origin || !ipv4_is_global(tp->origin_ip) ||
	    tp->origin_port == 0)
		return -1;
	/* 5.2.1: to the link-local address of our solicitation. */
	if (memcmp(ip6_dst(tp->ip6), &teredo_ll_client,
	    sizeof(teredo_ll_client)) != 0)
		return -1;
	if (parse_ra(tp->ip6, tp->ip6_len, prefix, &server, mtu) == -1)
		return -1;
	/*
	 * 5.2.1: the prefix is the server's to choose (it "should" be
	 * 2001::/32): any global unicast /32 (2000::/3), then our server.
	 */
	if ((*prefix >> 29) != 1 || server != c->st.server)
		return -1;
	if (*mtu == 0)
		*mtu = TEREDO_MTU;
	/* Larger packets could not be sent in one UDP datagram. */
	if (*mtu > TEREDO_UDP_MAX)
		*mtu = TEREDO_UDP_MAX;
	return 0;
}

static void
qualify_new_address(struct core *c, const struct teredo_packet *tp)
{
	struct teredo_addr	ta, old;
	uint8_t			rnd[2];

	ta.prefix = c->cfg.prefix;
	ta.server = c->st.server;
	ta.port = tp->origin_port;
	ta.client = tp->origin_ip;
	/*
	 * The server back with the same mapping: the same address, or the
	 * host is renumbered for nothing.  RFC 5991 asks for random bits
	 * when an address is formed, not at every qualification.
	 */
	teredo_addr_decode(&c->last_addr, &old);
	if (old.prefix == ta.prefix && old.server == ta.server &&
	    old.port == ta.port && old.client == ta.client &&
	    ta.client != 0) {
		c->st.addr = c->last_addr;
	} else {
		/* RFC 5991: 12 fresh random bits for every new address. */
		c->io.random(c->io.arg, rnd, sizeof(rnd));
		ta.flags = teredo_flags(0, rnd);
		teredo_addr_build(&c->st.addr, &ta);
		c->last_addr = c->st.addr;
	}
	c->st.mapped_ip = tp->origin_ip;
	c->st.mapped_port = tp->origin_port;
}

static void
qualify_accept(struct core *c, uint64_t now, const struct teredo_packet *tp,
    unsigned int mtu, uint32_t prefix)
{
	int	changed;

	c->st.counters.ra_rcvd++;
	c->q.rs_pending = 0;
	c->q.backoff_ms = CORE_BACKOFF_MIN_MS;
	changed = tp->origin_ip != c->st.mapped_ip ||
	    tp->origin_port != c->st.mapped_port || prefix != c->cfg.prefix;
	if (c->st.state == CORE_STATE_QUALIFIED && changed)
		/* 5.2.5: the mapping changed; old address and peers go. */
		qualify_down(c);
	if (c->st.state != CORE_STATE_QUALIFIED) {
		/* The client's prefix is its server's, everywhere. */
		c->cfg.prefix = prefix;
		qualify_new_address(c, tp);
		c->st.mtu = mtu;
		c->st.state = CORE_STATE_QUALIFIED;
		c->io.up(c->io.arg, &c->st.addr, mtu);
		/* 5.2.8: tell the link about the new address at once. */
		discovery_start(c, now);
	} else if (mtu != c->st.mtu) {
		c->st.mtu = mtu;
		c->io.up(c->io.arg, &c->st.addr, mtu);
	}
	qualify_schedule_refresh(c, now);
	/* RFC 6081 5.4.3: the origin's port against our local port. */
	c->st.port_preserving = c->cfg.local_port != 0 &&
	    tp->origin_port == c->cfg.local_port;
	if (c->cfg.sns && c->st.nat == CORE_NAT_UNKNOWN)
		qualify_send_rs2(c);
}

/*
 * The secondary address's answer to the NAT test: same nonce rules as
 * the primary's, but it only tells the NAT kind.  1 if it was that RA.
 */
static int
qualify_input2(struct core *c, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp)
{
	uint32_t	prefix, server;
	unsigned int	mtu;

	if (!c->q.rs2_pending || ip != core_server2(c) ||
	    port != TEREDO_PORT || !tp->has_auth || tp->confirmation != 0 ||
	    memcmp(tp->nonce, c->q.nonce2, TEREDO_NONCE_LEN) != 0)
		return 0;
	c->q.rs2_pending = 0;
	if (!tp->has_origin || c->st.state != CORE_STATE_QUALIFIED ||
	    parse_ra(tp->ip6, tp->ip6_len, &prefix, &server, &mtu) == -1) {
		core_drop(c, DROP_BAD_RA);
		return 1;
	}
	c->st.counters.ra_rcvd++;
	c->st.mapped_ip2 = tp->origin_ip;
	c->st.mapped_port2 = tp->origin_port;
	c->st.nat = tp->origin_ip == c->st.mapped_ip &&
	    tp->origin_port == c->st.mapped_port ? CORE_NAT_NOT_SYMMETRIC :
	    CORE_NAT_SYMMETRIC;
	return 1;
}

int
qualify_input(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp)
{
	unsigned int	mtu;
	uint32_t	prefix;

	if (ip6_nxt(tp->ip6) != IP6_NXT_ICMP6 || tp->ip6_len <= IP6_HDR_LEN ||
	    tp->ip6[IP6_HDR_LEN] != ND_ROUTER_ADVERT)
		return 0;
	if (qualify_input2(c, ip, port, tp))
		return 1;
	if (qualify_check_ra(c, ip, port, tp, &mtu, &prefix) == -1) {
		core_drop(c, DROP_BAD_RA);
		return 1;
	}
	qualify_accept(c, now, tp, mtu, prefix);
	return 1;
}
