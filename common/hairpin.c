/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The RFC 6081 Hairpinning Extension (5.6): two clients behind the same
 * NAT that does not hairpin, on different links (local discovery's
 * multicast does not cross the router between them), talk directly.
 *
 * Sending (5.6.4.1): while we have no working path to a peer, our
 * nonce-bearing indirect bubble (bubble.c) also carries an Alternate
 * Address trailer with our local address(es) (the first two of our
 * links', but our mapped address: then there is no NAT) and our local
 * port.  The UPnP mapping the RFC
 * also lists is not sent.
 *
 * Receiving (5.6.4.2), stricter than the RFC, which would bubble to any
 * address a trailer names: only an indirect bubble through our server,
 * with a Nonce trailer, from a peer whose mapped IPv4 is ours (behind our
 * NAT: the alternate address is in our private address space) and with
 * whom we have no working path.  Its usable entries (unicast, not
 * loopback or link-local, not our own address nor our NAT's outside one,
 * with a port) are taken in turn, one per indirect bubble, as the peer
 * retries: the first, then the next while the last is not proven, so
 * that each is bubbled (the RFC bubbles each at once; one address per
 * peer is what the table keeps).  The entry taken becomes the peer's
 * local address (the fields local discovery uses, peer.h), not trusted,
 * and gets one direct bubble with the peer's nonce, under 5.2.6 per
 * address (one per 2 s, at most CORE_PROBE_MAX per 300 s), one per 2 s
 * per peer, and at most CORE_HAIRPIN_PER_SEC a second in all; an address
 * not in the list of the last bubble only 30 s after the last one was
 * taken.  A bubble whose Alternate Address trailer is malformed is
 * dropped (5.6.4.2 SHOULD; core.c).
 * Nothing else is ever sent there before the proof.
 *
 * Proof (5.6.4.3): a packet from a non-global source is dropped (core.c)
 * unless it comes from exactly a peer's local address with that peer's
 * Teredo source (inbound_onlink; from a global one, inbound_data takes
 * the same path for that peer alone); for an address learnt here (not a
 * local-discovery one on our link), the first packet must moreover be a
 * direct bubble carrying the nonce of our last indirect bubble to that
 * peer.  Then the peer is talked to at that address only, as a proven
 * local peer (30 s after each packet from there), its mapping's trust
 * untouched.  Needs SymmetricNATSupport (the Nonce trailer).
 */

#include "config.h"

#include <arpa/inet.h>

#include <string.h>

#include "core_impl.h"

#define ALT_ENTRY	6	/* IPv4 address, port */
#define ALT_RESERVED	2

int
hairpin_on(const struct core *c)
{
	return core_is_client(c) && c->st.hairpin &&
	    c->st.state == CORE_STATE_QUALIFIED;
}

/* Ours, from the links' list. */
static int
hairpin_ours(const struct core *c, uint32_t ip)
{
	unsigned int	i;

	for (i = 0; i < c->cfg.nlocal_nets && i < CORE_LOCAL_NETS; i++)
		if (c->cfg.local_nets[i].addr == ip)
			return 1;
	return 0;
}

/*
 * An alternate address we may bubble to: unicast, not "this network",
 * loopback, link-local, multicast, broadcast or reserved, not ours nor
 * our NAT's outside address.  Private ones are the point; global ones
 * are the RFC's UPnP case (and our test beds' 198.18/15, which the core
 * counts as global, as miredo does).
 */
static int
hairpin_usable(const struct core *c, uint32_t ip, uint16_t port)
{
	uint32_t	h = ntohl(ip);

	if (port == 0 || ip == c->st.mapped_ip || hairpin_ours(c, ip))
		return 0;
	return (h >> 24) != 0 && (h >> 24) != 127 &&
	    (h >> 16) != 0xa9fe && h < 0xe0000000u;
}

size_t
hairpin_trailer(const struct core *c, const struct peer *p, uint64_t now,
    uint8_t *buf, size_t len)
{
	uint8_t		v[ALT_RESERVED + CORE_HAIRPIN_ENTRIES * ALT_ENTRY];
	size_t		n = ALT_RESERVED;
	unsigned int	i;
	uint32_t	a;

	if (!hairpin_on(c) || c->cfg.local_port == 0 || p->trusted ||
	    discovery_fresh(p, now))
		return 0;
	memset(v, 0, sizeof(v));
	for (i = 0; i < c->cfg.nlocal_nets && i < CORE_LOCAL_NETS &&
	    n < sizeof(v); i++) {
		a = c->cfg.local_nets[i].addr;
		if (a == 0 || a == c->st.mapped_ip)
			continue;
		memcpy(v + n, &a, 4);
		v[n + 4] = c->cfg.local_port >> 8;
		v[n + 5] = c->cfg.local_port & 0xff;
		n += ALT_ENTRY;
	}
	if (n == ALT_RESERVED)
		return 0;
	return build_trailer(buf, len, TRAILER_ALT_ADDR, v, n);
}

int
hairpin_origin(const struct core *c, const struct peer *p)
{
	return p->local_ip != 0 && !(c->cfg.local_discovery &&
	    discovery_onlink(c, p->local_ip));
}

/*
 * The entry to try next, 0 if none; *turn is 1 if it is the next of the
 * peer's own list after the address we tried last (not proven), which
 * the 30 s rule does not hold back: every usable entry gets its turn,
 * one per indirect bubble (at most one per 2 s, the caller).
 */
static unsigned int
hairpin_pick(const struct core *c, const struct peer *p,
    const struct teredo_trailer *tr, int *turn)
{
	unsigned int	i, n, first = 0, cur = 0;

	n = tr->alt_count < TRAILER_ALT_ENTRIES ? tr->alt_count :
	    TRAILER_ALT_ENTRIES;
	*turn = 0;
	for (i = 0; i < n; i++) {
		if (!hairpin_usable(c, tr->alt_ip[i], tr->alt_port[i]))
			continue;
		if (first == 0)
			first = i + 1;
		if (cur != 0) {
			*turn = 1;
			return i + 1;
		}
		if (tr->alt_ip[i] == p->local_ip &&
		    tr->alt_port[i] == p->local_port && !p->local_trusted)
			cur = i + 1;
	}
	*turn = cur != 0 && first != cur;
	return first;
}

/*
 * Whether the peer's local address may become ip:port now: 0 no, 1 it is
 * already, 2 it has just become it.
 */
static int
hairpin_move(struct core *c, uint64_t now, struct peer *p, uint32_t ip,
    uint16_t port, int turn)
{
	if (p->local_ip == ip && p->local_port == port)
		return 1;
	/* Another address: the next in turn, or 30 s after the last. */
	if (p->local_ip != 0 && peer_age(p->local_reply, now) <
	    (turn ? CORE_PROBE_MS : PEER_VALID_MS)) {
		if (turn)
			core_drop(c, DROP_RATE_LIMIT);
		else
			c->st.counters.hairpin_dropped++;
		return 0;
	}
	p->local_ip = ip;
	p->local_port = port;
	p->local_trusted = 0;
	return 2;
}

void
hairpin_learn(struct core *c, uint64_t now, struct peer *p,
    const struct teredo_packet *tp)
{
	struct teredo_addr	ta;
	unsigned int		k;
	int			turn, moved;
	uint32_t		ip;
	uint16_t		port;

	if (tp->tr.alt_count == 0 || !hairpin_on(c) || !tp->tr.has_nonce)
		return;
	teredo_addr_decode(&p->addr, &ta);
	/* A working path already (the answer goes there, inbound.c). */
	if (p->trusted || discovery_fresh(p, now))
		return;
	/* Behind our NAT, not found on our link already, a usable entry. */
	if (ta.client != c->st.mapped_ip ||
	    (discovery_is_local(p, now) && !hairpin_origin(c, p)) ||
	    (k = hairpin_pick(c, p, &tp->tr, &turn)) == 0) {
		c->st.counters.hairpin_dropped++;
		return;
	}
	ip = tp->tr.alt_ip[k - 1];
	port = tp->tr.alt_port[k - 1];
	if ((moved = hairpin_move(c, now, p, ip, port, turn)) == 0)
		return;
	if (moved == 1 && peer_age(p->local_reply, now) < CORE_PROBE_MS) {
		/* The same: one bubble per 2 s per peer (5.2.6). */
		p->local_seen = peer_stamp(now);
		core_drop(c, DROP_RATE_LIMIT);
		return;
	}
	c->st.counters.hairpin_rcvd++;
	p->local_seen = peer_stamp(now);
	p->local_reply = peer_stamp(now);
	if (!bubble_reply_ok(c, now, ip, port, &c->hairpin_rate,
	    CORE_HAIRPIN_PER_SEC)) {
		core_drop(c, DROP_RATE_LIMIT);
		return;
	}
	c->st.counters.hairpin_sent++;
	bubble_send_nonce(c, now, ip, port, &c->st.addr, &p->addr,
	    tp->tr.nonce);
}

int
hairpin_source(const struct core *c, uint32_t ip, uint16_t port)
{
	(void)ip;
	return port != 0 && hairpin_on(c);
}

int
hairpin_proof(struct core *c, const struct peer *p,
    const struct teredo_packet *tp)
{
	if (!hairpin_origin(c, p) || p->local_trusted)
		return 1;
	if (!hairpin_on(c) || !bubble_nonce_ok(c, p, tp))
		return 0;
	return 1;
}
