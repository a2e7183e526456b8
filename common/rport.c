/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * RFC 6081 5.4 (Port-Preserving Symmetric NAT) and 5.5 (Sequential
 * Port-Symmetric NAT), for a client whose NAT test found a symmetric NAT
 * and whose daemon can open sockets (core_io.open_udp).
 *
 * A symmetric NAT gives each destination its own mapping, so the mapping
 * in our Teredo address is useless to a peer behind a port-restricted
 * NAT: only a port we send to the peer from is open to it.  For each
 * peer we cannot trust yet we open a socket on a random local port and
 * predict the external port our NAT gives it toward the peer: the local
 * port itself behind a port-preserving NAT (5.4.4.2), or, behind any
 * other symmetric NAT (assumed sequential, RFC 6081 3.4), the middle of
 * the ports the primary and secondary server addresses see for an RS
 * sent from that socket just before and just after a direct bubble to
 * the peer (the echo test, 5.5.4.1.1).  The prediction travels in a
 * Random Port trailer of our indirect bubble; the peer sends its direct
 * bubbles there too, which opens its NAT to exactly the port our NAT
 * uses, and we talk to the peer from that socket once it answered on it.
 *
 * Each socket belongs to one peer (by address: a peer entry evicted or
 * forgotten leaves its socket to the next clean-up); at most
 * CORE_RPORT_MAX are open.  Simplified from the RFC, and said so: the
 * echo test's failover waits for the next probe (2 s) rather than 1 s,
 * the Peer Refresh Timer (5.4.2) is not kept, and a peer trusted through
 * its random port stays there (5.4.4.5, third case, is not followed).
 */

#include "config.h"

#include <string.h>

#include "core_impl.h"

static int
rport_on(const struct core *c)
{
	return c->st.sns && c->st.nat == CORE_NAT_SYMMETRIC &&
	    c->io.open_udp != NULL && c->io.send_udp_from != NULL &&
	    c->io.close_udp != NULL;
}

int
rport_active(const struct core *c, const struct peer *p)
{
	return core_is_client(c) && rport_on(c) && !p->trusted;
}

static void
rport_close(struct core *c, struct core_rport *r)
{
	c->io.close_udp(c->io.arg, r->sock);
	memset(r, 0, sizeof(*r));
	c->st.rports--;
}

void
rport_close_all(struct core *c)
{
	int	i;

	for (i = 0; i < CORE_RPORT_MAX; i++)
		if (c->rport[i].sock != 0)
			rport_close(c, &c->rport[i]);
}

/* The socket's slot, or NULL. */
static struct core_rport *
rport_slot(struct core *c, int sock)
{
	int	i;

	for (i = 0; sock != 0 && i < CORE_RPORT_MAX; i++)
		if (c->rport[i].sock == sock)
			return &c->rport[i];
	return NULL;
}

/* Close the sockets whose peer is gone or uses another one. */
static void
rport_gc(struct core *c, uint64_t now)
{
	struct peer	*p;
	int		 i;

	for (i = 0; i < CORE_RPORT_MAX; i++) {
		if (c->rport[i].sock == 0)
			continue;
		p = peer_find(c->peers, &c->rport[i].peer, now);
		if (p == NULL || p->rsock != c->rport[i].sock)
			rport_close(c, &c->rport[i]);
	}
}

static void
rport_release(struct core *c, struct peer *p)
{
	struct core_rport	*r = rport_slot(c, p->rsock);

	if (r != NULL)
		rport_close(c, r);
	p->rsock = 0;
	p->rport = 0;
	p->rx_random = 0;
}

/* 5.4.4.2, 5.5.4.1: "select a random port number, begin listening". */
static int
rport_open(struct core *c, uint64_t now, struct peer *p)
{
	struct core_rport	*r;
	uint16_t		 port = 0;
	int			 sock;

	rport_gc(c, now);
	for (r = c->rport; r < c->rport + CORE_RPORT_MAX; r++)
		if (r->sock == 0)
			break;
	if (r == c->rport + CORE_RPORT_MAX)
		return -1;
	if ((sock = c->io.open_udp(c->io.arg, &port)) <= 0 || port == 0) {
		if (sock > 0)
			c->io.close_udp(c->io.arg, sock);
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->sock = sock;
	r->peer = p->addr;
	c->st.rports++;
	p->rsock = sock;
	p->rx_random = 0;
	/* Port-preserving: the NAT keeps our port (5.4.4.2). */
	p->rport = c->st.port_preserving ? port : 0;
	return 0;
}

static void
rport_send_rs(struct core *c, int sock, uint32_t ip, uint8_t nonce[8])
{
	uint8_t	buf[128];
	size_t	n, m;

	c->io.random(c->io.arg, nonce, PEER_NONCE_LEN);
	n = build_auth(buf, sizeof(buf), nonce, 0);
	m = build_rs(buf + n, sizeof(buf) - n, &teredo_ll_client);
	if (n == 0 || m == 0)
		return;
	c->st.counters.rs_sent++;
	c->st.counters.tx_udp++;
	c->st.counters.tx_udp_bytes += n + m;
	c->io.send_udp_from(c->io.arg, sock, ip, TEREDO_PORT, buf, n + m);
}

/* 5.5.4.1.1: RS to the server, direct bubble, RS to the secondary. */
static void
rport_echo(struct core *c, uint64_t now, struct peer *p,
    struct core_rport *r)
{
	r->echo_tries++;
	r->echo_lo = r->echo_hi = 0;
	c->st.counters.echo_tests++;
	rport_send_rs(c, p->rsock, c->st.server, r->echo_nonce1);
	bubble_send_tr(c, now, p->rsock, p->ip, p->port, &c->st.addr,
	    &p->addr, NULL, 0);
	rport_send_rs(c, p->rsock, core_server2(c), r->echo_nonce2);
}

int
rport_probe(struct core *c, uint64_t now, struct peer *p)
{
	struct core_rport	*r;

	if (p->rsock == 0 && rport_open(c, now, p) == -1)
		return 1;
	if (c->st.port_preserving || p->rport != 0 ||
	    (r = rport_slot(c, p->rsock)) == NULL)
		return 1;
	/* 5.5.2.2: two echo tests, then the indirect bubble anyway. */
	if (r->echo_tries >= 2)
		return 1;
	rport_echo(c, now, p, r);
	return 0;
}

void
rport_direct(struct core *c, uint64_t now, struct peer *p, uint32_t ip,
    uint16_t port, const uint8_t *nonce)
{
	uint16_t	to = p->peer_rport != 0 ? p->peer_rport : port;

	if (p->rsock != 0 && p->rport != 0)
		/* 5.4.4.3: from our random port, with its trailer. */
		bubble_send_tr(c, now, p->rsock, ip, to, &c->st.addr,
		    &p->addr, nonce, p->rport);
	else if (p->peer_rport != 0)
		/* The peer's random port opens our NAT to its NAT's. */
		bubble_send_tr(c, now, 0, ip, to, &c->st.addr, &p->addr,
		    nonce, 0);
}

void
rport_learn(struct core *c, uint64_t now, struct peer *p,
    const struct teredo_packet *tp)
{
	(void)c;
	if (!tp->tr.has_random_port || tp->tr.random_port == 0)
		return;
	/*
	 * 5.4.4.4: a new port replaces the old one only if nothing was
	 * exchanged with the peer in the last 30 s.
	 */
	if (p->peer_rport == 0 || !p->trusted ||
	    peer_age(p->last_rx, now) >= PEER_VALID_MS)
		p->peer_rport = tp->tr.random_port;
}

/* 5.5.4.4: an RA to an echo test's RS; 0 if it is not one. */
static int
rport_echo_ra(struct core *c, uint64_t now, struct peer *p, uint32_t ip,
    const struct teredo_packet *tp)
{
	struct core_rport *r = rport_slot(c, p->rsock);
	uint32_t	prefix, server;
	unsigned int	mtu;

	if (r == NULL || !tp->has_auth || !tp->has_origin ||
	    tp->confirmation != 0 ||
	    parse_ra(tp->ip6, tp->ip6_len, &prefix, &server, &mtu) == -1)
		return 0;
	if (ip == c->st.server && r->echo_lo == 0 &&
	    memcmp(tp->nonce, r->echo_nonce1, PEER_NONCE_LEN) == 0)
		r->echo_lo = tp->origin_port;
	else if (ip == core_server2(c) && r->echo_hi == 0 &&
	    memcmp(tp->nonce, r->echo_nonce2, PEER_NONCE_LEN) == 0)
		r->echo_hi = tp->origin_port;
	else
		return 0;
	c->st.counters.ra_rcvd++;
	if (r->echo_lo != 0 && r->echo_hi != 0 && p->rport == 0) {
		/*
		 * The direct bubble went out between the two: the middle
		 * port (RFC 6081 5.5.4.4 writes "(EchoTestUpperPort +
		 * EchoTestUpperPort)/2", a typo for lower + upper).
		 */
		p->rport = (uint16_t)(((unsigned int)r->echo_lo +
		    r->echo_hi) / 2);
		bubble_indirect(c, now, p);
	}
	return 1;
}

int
rport_input(struct core *c, uint64_t now, int sock, uint32_t ip,
    uint16_t port, const struct teredo_packet *tp)
{
	struct core_rport	*r = rport_slot(c, sock);
	struct peer		*p;

	if (r == NULL || (p = peer_find(c->peers, &r->peer, now)) == NULL ||
	    p->rsock != sock || c->st.state != CORE_STATE_QUALIFIED) {
		core_drop(c, DROP_OTHER);
		return 1;
	}
	if (port == TEREDO_PORT && ip6_nxt(tp->ip6) == IP6_NXT_ICMP6 &&
	    tp->ip6_len > IP6_HDR_LEN &&
	    tp->ip6[IP6_HDR_LEN] == ND_ROUTER_ADVERT) {
		if (!rport_echo_ra(c, now, p, ip, tp))
			core_drop(c, DROP_BAD_RA);
		return 1;
	}
	/* Only the peer this socket was opened for talks on it. */
	if (memcmp(ip6_src(tp->ip6), &p->addr, sizeof(p->addr)) != 0) {
		core_drop(c, DROP_BAD_SOURCE);
		return 1;
	}
	return 0;
}

void
rport_trusted(struct core *c, struct peer *p)
{
	if (p->rsock == 0)
		return;
	if (c->in_sock == p->rsock)
		p->rx_random = 1;
	else if (c->in_sock == 0 && !p->rx_random)
		/* 5.4.4.5: the peer reached our main port: no need. */
		rport_release(c, p);
}

void
rport_send(struct core *c, struct peer *p, const void *buf, size_t len)
{
	if (p->rsock == 0 || !p->rx_random) {
		core_send_udp(c, p->ip, p->port, buf, len);
		return;
	}
	c->st.counters.tx_udp++;
	c->st.counters.tx_udp_bytes += len;
	c->io.send_udp_from(c->io.arg, p->rsock, p->ip, p->port, buf, len);
}
