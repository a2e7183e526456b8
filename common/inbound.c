/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * From UDP to the tunnel (RFC 4380 5.2.3 for the client, 5.4.2 for the
 * relay).  A packet reaches the tunnel only when its outer ip:port is
 * known to belong to its inner source: the mapping embedded in a Teredo
 * address, a mapping proven by an authenticated bubble exchange (see
 * bubble.c), or the relay a connectivity test found for a native source.
 */

#include "config.h"

#include <string.h>

#include "core_impl.h"

/* A valid packet from a trusted source. */
static void
inbound_accept(struct core *c, uint64_t now, struct peer *p, uint32_t ip,
    uint16_t port, const struct teredo_packet *tp)
{
	outbound_trust(c, now, p, ip, port);
	if (tp->tr.has_nonce || tp->tr.has_random_port || tp->tr.has_nd)
		p->x6081 = 1;
	if (ip6_is_bubble(tp->ip6, tp->ip6_len)) {
		c->st.counters.bubbles_rcvd++;
		bubble_nd_answer(c, now, p, ip, port, tp);
		return;
	}
	core_send_tun(c, tp->ip6, tp->ip6_len);
}

/*
 * RFC 6081 5.2 (sns on): an indirect bubble from a Teredo address with a
 * Nonce trailer comes from a peer that speaks the extension.  Our direct
 * answer carries its nonce (5.2.4.2) and goes to the mapping we trust
 * for it, if any (RFC 6081 6.1 step 10), else to the origin.  A peer we
 * cannot trust yet also gets an indirect bubble of ours (3.1, second
 * case), through the peer's own probe, under its 5.2.6 limits.  NULL if
 * the bubble is not such a bubble.
 */
static struct peer *
inbound_sns_peer(struct core *c, uint64_t now, const struct teredo_packet *tp)
{
	const struct in6_addr	*src = ip6_src(tp->ip6);
	struct teredo_addr	 ta;
	struct peer		*p;

	if (!c->st.sns || !tp->tr.has_nonce ||
	    !ip6_is_bubble(tp->ip6, tp->ip6_len) ||
	    !teredo_addr_in_prefix(src, c->cfg.prefix))
		return NULL;
	teredo_addr_decode(src, &ta);
	if (!ipv4_is_global(ta.client) || !ipv4_is_global(ta.server) ||
	    ta.port == 0 || (ta.client == c->st.mapped_ip &&
	    ta.port == c->st.mapped_port))
		return NULL;
	if ((p = peer_find(c->peers, src, now)) == NULL &&
	    (p = peer_add(c->peers, src, now)) != NULL) {
		p->ip = ta.client;
		p->port = ta.port;
	}
	return p;
}

/*
 * The direct bubble that answers a packet from our server: to its origin,
 * source and destination swapped; for an RFC 6081 peer p, with its nonce,
 * to the mapping we trust for it if any, and through the random ports.
 */
static void
inbound_origin_reply(struct core *c, uint64_t now, struct peer *p,
    uint32_t oip, uint16_t oport, const struct teredo_packet *tp)
{
	const uint8_t	*ip6 = tp->ip6;
	int		 local = 0;

	/* A proven local address first, as outbound.c (hairpin.c). */
	if (p != NULL && core_is_client(c) && discovery_fresh(p, now)) {
		oip = p->local_ip;
		oport = p->local_port;
		local = 1;
	} else if (p != NULL && p->trusted) {
		oip = p->ip;
		oport = p->port;
	}
	if ((!local && !ipv4_is_global(oip)) || oport == 0)
		return;
	if (!bubble_reply_ok(c, now, oip, oport, &c->origin_rate,
	    CORE_ORIGIN_PER_SEC)) {
		/* 5.2.6 per target, and a cap on forged indications. */
		core_drop(c, DROP_RATE_LIMIT);
		return;
	}
	if (p == NULL) {
		bubble_send(c, now, oip, oport, ip6_dst(ip6), ip6_src(ip6));
		return;
	}
	bubble_send_nonce(c, now, oip, oport, ip6_dst(ip6), ip6_src(ip6),
	    tp->tr.nonce);
	/* RFC 6081 5.4.4.3: and through the random ports. */
	rport_direct(c, now, p, oip, oport, tp->tr.nonce);
}

/*
 * Client, 5.2.3: through our server come indirect bubbles with an origin
 * indication; answer with a direct bubble to the origin, source and
 * destination swapped, to open our NAT to the peer (and to echo the
 * peer's hash, bubble.c).  1 if the packet was consumed.
 */
static int
inbound_from_server(struct core *c, uint64_t now,
    const struct teredo_packet *tp)
{
	const uint8_t	*ip6 = tp->ip6;
	int		 bubble = ip6_is_bubble(ip6, tp->ip6_len);
	struct teredo_addr ta;
	struct peer	*p = NULL;
	uint32_t	 oip = tp->origin_ip;
	uint16_t	 oport = tp->origin_port;

	if (!tp->has_origin && bubble &&
	    teredo_addr_in_prefix(ip6_src(ip6), c->cfg.prefix)) {
		/* No origin indication: guess it from the address. */
		teredo_addr_decode(ip6_src(ip6), &ta);
		oip = ta.client;
		oport = ta.port;
	} else if (!tp->has_origin)
		return 0;
	if (memcmp(ip6_dst(ip6), &c->st.addr, sizeof(c->st.addr)) != 0) {
		core_drop(c, DROP_BAD_DEST);
		return 1;
	}
	if ((p = inbound_sns_peer(c, now, tp)) != NULL) {
		p->x6081 = 1;
		rport_learn(c, now, p, tp);
		/* RFC 6081 5.6.4.2: its alternate addresses (hairpin.c). */
		hairpin_learn(c, now, p, tp);
	}
	inbound_origin_reply(c, now, p, oip, oport, tp);
	/* Like a test started by inbound: a global cap (forged origins). */
	if (p != NULL && !p->trusted && !p->on_timer &&
	    core_rate_ok(&c->test_rate, now, CORE_TEST_PER_SEC))
		outbound_probe(c, now, p);
	if (!bubble)
		return 0;
	c->st.counters.bubbles_rcvd++;
	return 1;
}

/*
 * A bubble with a link-local source is a peer's challenge (bubble.c):
 * the client swaps it back so that the peer can trust our mapping for it.
 * Only to an IPv4 address we sent a bubble to in the last 300 s (the
 * peer we are opening a path with: a symmetric NAT gives it another port
 * than the one our bubble went to), never to arbitrary sources, and
 * under the 5.2.6 limits per ip:port and a global rate: the outer source
 * may be forged.
 */
static void
inbound_challenge(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp)
{
	const uint8_t	*ip6 = tp->ip6;

	c->st.counters.bubbles_rcvd++;
	if (!core_is_client(c) ||
	    memcmp(ip6_dst(ip6), &c->st.addr, sizeof(c->st.addr)) != 0)
		return;
	if (!bubble_sent_to(c, now, ip)) {
		core_drop(c, DROP_BAD_SOURCE);
		return;
	}
	if (!bubble_reply_ok(c, now, ip, port, &c->reply_rate,
	    CORE_REPLY_PER_SEC)) {
		core_drop(c, DROP_RATE_LIMIT);
		return;
	}
	bubble_send(c, now, ip, port, ip6_dst(ip6), ip6_src(ip6));
}

/*
 * Client, 5.2.3 item 6: a native source through an unknown relay.  The
 * packet waits while a connectivity test finds the source's relay; it is
 * delivered only if the answer comes through this same ip:port.  Tests
 * started this way are rate-limited globally (CVE-2006-6266: a forged
 * source must not turn us into a ping cannon).
 */
static void
inbound_unknown_relay(struct core *c, uint64_t now, struct peer *p,
    uint32_t ip, uint16_t port, const struct teredo_packet *tp)
{
	const struct in6_addr	*src = ip6_src(tp->ip6);

	if (p != NULL && p->on_timer) {
		if (peer_enqueue(c->peers, p, tp->ip6, tp->ip6_len, 1, ip,
		    port) == -1)
			core_drop(c, DROP_QUEUE_FULL);
		return;
	}
	/* Before any entry is made: a flood makes no entries either. */
	if (!core_rate_ok(&c->test_rate, now, CORE_TEST_PER_SEC)) {
		core_drop(c, DROP_RATE_LIMIT);
		return;
	}
	if (p == NULL && (p = peer_add(c->peers, src, now)) == NULL) {
		core_drop(c, DROP_OTHER);
		return;
	}
	if (peer_enqueue(c->peers, p, tp->ip6, tp->ip6_len, 1, ip, port) == -1)
		core_drop(c, DROP_QUEUE_FULL);
	outbound_probe(c, now, p);
}

/* Teredo source checks common to client and relay; 0 if it may go on. */
static int
inbound_check_teredo(struct core *c, const struct in6_addr *src,
    struct teredo_addr *ta)
{
	teredo_addr_decode(src, ta);
	/* CVE-2006-6264: nothing from a Teredo address that is not global. */
	if (!ipv4_is_global(ta->client) || !ipv4_is_global(ta->server)) {
		core_drop(c, DROP_NON_GLOBAL);
		return -1;
	}
	return 0;
}

/* Whether the destination may be handed to the tunnel at all. */
static int
inbound_check_dst(struct core *c, const struct teredo_packet *tp)
{
	const struct in6_addr	*dst = ip6_dst(tp->ip6);

	if (ip6_is_bubble(tp->ip6, tp->ip6_len))
		return 0;
	if (core_is_mcast(dst) || core_is_ll(dst)) {
		core_drop(c, DROP_BAD_DEST);
		return -1;
	}
	/* A relay must not bounce Teredo traffic back into Teredo. */
	if (!core_is_client(c) && teredo_addr_in_prefix(dst, c->cfg.prefix)) {
		core_drop(c, DROP_LOOP);
		return -1;
	}
	if (core_is_client(c) &&
	    memcmp(dst, &c->st.addr, sizeof(c->st.addr)) != 0) {
		core_drop(c, DROP_BAD_DEST);
		return -1;
	}
	return 0;
}

static void
inbound_teredo(struct core *c, uint64_t now, struct peer *p, uint32_t ip,
    uint16_t port, const struct teredo_packet *tp)
{
	const struct in6_addr	*src = ip6_src(tp->ip6);
	struct teredo_addr	 ta;
	int			 ok, proven;

	if (inbound_check_teredo(c, src, &ta) == -1)
		return;
	proven = ip6_is_bubble(tp->ip6, tp->ip6_len) &&
	    bubble_check(c, now, tp->ip6);
	/*
	 * 5.4.2: a relay takes packets only from clients it sent to (an
	 * entry exists) or an answer to its own bubble, as miredo.  Anyone
	 * who can forge IPv4 sources could otherwise inject any 2001::
	 * source into the native network, and each forgery would create a
	 * trusted entry that evicts the genuine ones.  A client must
	 * create the entry (5.2.3 item 3).
	 */
	if (!core_is_client(c) && p == NULL && !proven) {
		core_drop(c, DROP_UNKNOWN_PEER);
		return;
	}
	/*
	 * The embedded mapping, or a proven one (symmetric NATs): by our
	 * keyed bubble or by the RFC 6081 nonce (5.2.4.4).
	 */
	ok = (ta.client == ip && ta.port == port) || proven ||
	    bubble_nonce_ok(c, p, tp);
	if (!ok) {
		core_drop(c, DROP_BAD_SOURCE);
		return;
	}
	if (p == NULL && (p = peer_add(c->peers, src, now)) == NULL) {
		core_drop(c, DROP_OTHER);
		return;
	}
	inbound_accept(c, now, p, ip, port, tp);
}

static void
inbound_data(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp)
{
	const struct in6_addr	*src = ip6_src(tp->ip6);
	struct peer		*p;
	int			 teredo;

	teredo = teredo_addr_in_prefix(src, c->cfg.prefix);
	if (!teredo && !core_is_client(c)) {
		core_drop(c, DROP_NOT_TEREDO);
		return;
	}
	if (inbound_check_dst(c, tp) == -1)
		return;
	p = peer_find(c->peers, src, now);
	if (p != NULL && p->trusted && p->ip == ip && p->port == port) {
		inbound_accept(c, now, p, ip, port, tp);
		return;
	}
	/* 5.2.3 case 5: a local peer at its local address (discovery.c). */
	if (teredo && core_is_client(c) && discovery_match(p, now, ip, port) &&
	    hairpin_proof(c, p, tp)) {
		discovery_accept(c, now, p, tp);
		return;
	}
	if (teredo)
		inbound_teredo(c, now, p, ip, port, tp);
	else if (p != NULL && bubble_pong(c, p, tp->ip6, tp->ip6_len))
		/* Our connectivity test's answer: ip:port is the relay. */
		outbound_trust(c, now, p, ip, port);
	else if (ip6_is_bubble(tp->ip6, tp->ip6_len))
		core_drop(c, DROP_BAD_SOURCE);
	else
		inbound_unknown_relay(c, now, p, ip, port, tp);
}

void
inbound_packet(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp)
{
	int	from_server = 0;

	if (core_is_client(c)) {
		from_server = port == TEREDO_PORT && (ip == c->st.server ||
		    ip == core_server2(c));
		if (qualify_input(c, now, ip, port, tp))
			return;
		if (c->st.state != CORE_STATE_QUALIFIED) {
			core_drop(c, DROP_UNQUALIFIED);
			return;
		}
		if (from_server && inbound_from_server(c, now, tp))
			return;
	}
	if (core_is_ll(ip6_src(tp->ip6))) {
		if (ip6_is_bubble(tp->ip6, tp->ip6_len))
			inbound_challenge(c, now, ip, port, tp);
		else
			core_drop(c, DROP_LINK_LOCAL);
		return;
	}
	inbound_data(c, now, ip, port, tp);
}

void
inbound_onlink(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp)
{
	struct peer	*p;

	if (c->st.state != CORE_STATE_QUALIFIED) {
		core_drop(c, DROP_UNQUALIFIED);
		return;
	}
	if (inbound_check_dst(c, tp) == -1)
		return;
	p = peer_find(c->peers, ip6_src(tp->ip6), now);
	if (!discovery_match(p, now, ip, port)) {
		core_drop(c, DROP_NON_GLOBAL);
		return;
	}
	/* RFC 6081 5.6.4.3: a hairpin address proves with our nonce. */
	if (!hairpin_proof(c, p, tp)) {
		c->st.counters.hairpin_dropped++;
		core_drop(c, DROP_NON_GLOBAL);
		return;
	}
	discovery_accept(c, now, p, tp);
}
