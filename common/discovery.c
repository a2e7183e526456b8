/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Local client discovery (RFC 4380 5.2.8, with 5.2.3 cases 4 and 5 and
 * 5.2.4 case 3): two clients behind the same NAT find each other on their
 * link and talk directly, where the NAT would not hairpin their packets.
 *
 * A qualified client sends a discovery bubble (IPv6 source its Teredo
 * address, destination ff02::1, hop limit 1) from its Teredo port to
 * 224.0.0.253:3544 with IPv4 TTL 1 (the daemon sets that and turns
 * multicast loop off), at once when it has a new address and then every
 * 200 to 300 s.  What it receives there is trusted only as far as the
 * link goes:
 *  - only from the discovery socket (a bubble to ff02::1 that comes to
 *    the unicast socket is dropped, inbound.c), only from an IPv4 source
 *    on one of our subnets, only a plain bubble from a well-formed
 *    Teredo address whose mapped IPv4 is our own (the RFC's optional
 *    check: the peer is behind our NAT), never our own;
 *  - it makes the peer "local" for 600 s at that ip:port, not trusted:
 *    we answer with one unicast bubble (at most one per 2 s per peer);
 *  - only a unicast packet that then comes from that same ip:port with
 *    the peer's Teredo source trusts the peer there (5.2.3 case 5), for
 *    30 s after each such packet.  That trust lets us send to, and
 *    accept from, that local ip:port only; it never changes what we
 *    trust for the peer's mapping, and the peer entry stays on the
 *    untrusted LRU list (evicted first).
 * Sources that are not global IPv4 (192.168/16 and the like) are
 * accepted for that last case only (core.c, inbound.c).  Floods: at most
 * CORE_DISC_RX_PER_SEC discovery bubbles are handled a second, the rest
 * counted and dropped; we send at most one discovery bubble a second
 * whatever asks for it.
 *
 * Beyond the RFC: a discovery bubble from a peer not yet local to us is
 * answered with one of ours too (within that limit), so that a client
 * that starts after us learns us at once rather than in 200 to 300 s.
 */

#include "config.h"

#include <arpa/inet.h>

#include <string.h>

#include "core_impl.h"

/* ff02::1, the all-nodes on-link multicast address. */
static const struct in6_addr discovery_all_nodes = {{{
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
}}};

#define IP6_OFF_HLIM	7

static int
discovery_on(const struct core *c)
{
	return core_is_client(c) && c->cfg.local_discovery &&
	    c->st.state == CORE_STATE_QUALIFIED;
}

/* One discovery bubble, unless one went out within CORE_DISC_GAP_MS. */
static void
discovery_send(struct core *c, uint64_t now)
{
	uint8_t	buf[IP6_HDR_LEN];
	size_t	n;

	if (!discovery_on(c) ||
	    (c->disc.sent && now - c->disc.last < CORE_DISC_GAP_MS))
		return;
	if ((n = build_bubble(buf, sizeof(buf), &c->st.addr,
	    &discovery_all_nodes)) == 0)
		return;
	buf[IP6_OFF_HLIM] = 1;
	c->disc.sent = 1;
	c->disc.last = now;
	c->st.counters.disc_sent++;
	core_send_udp(c, htonl(CORE_DISC_ADDR), TEREDO_PORT, buf, n);
}

void
discovery_start(struct core *c, uint64_t now)
{
	c->disc.next = now;
	discovery_timer(c, now);
}

void
discovery_stop(struct core *c)
{
	c->disc.next = UINT64_MAX;
}

void
discovery_timer(struct core *c, uint64_t now)
{
	uint32_t	r;

	if (c->disc.next > now)
		return;
	if (!discovery_on(c)) {
		c->disc.next = UINT64_MAX;
		return;
	}
	discovery_send(c, now);
	/* 5.2.8: uniformly distributed between 200 and 300 s. */
	c->io.random(c->io.arg, &r, sizeof(r));
	c->disc.next = now + CORE_DISC_MIN_MS + r % (CORE_DISC_SPAN_MS + 1);
}

int
discovery_onlink(const struct core *c, uint32_t ip)
{
	const struct core_net	*n;
	unsigned int		 i;

	for (i = 0; i < c->cfg.nlocal_nets && i < CORE_LOCAL_NETS; i++) {
		n = &c->cfg.local_nets[i];
		/* A /0 "subnet" would make the whole Internet our link. */
		if (n->mask == 0 || (ip & n->mask) != n->net)
			continue;
		/* Not the subnet's own or broadcast address (below /31). */
		if (ntohl(n->mask) < 0xfffffffeu &&
		    ((ip & ~n->mask) == 0 || (ip | n->mask) == 0xffffffffu))
			continue;
		return 1;
	}
	return 0;
}

int
discovery_is_local(const struct peer *p, uint64_t now)
{
	return p->local_ip != 0 && peer_age(p->local_seen, now) < CORE_LOCAL_MS;
}

int
discovery_fresh(const struct peer *p, uint64_t now)
{
	return discovery_is_local(p, now) && p->local_trusted &&
	    peer_age(p->local_rx, now) < PEER_VALID_MS;
}

int
discovery_match(const struct peer *p, uint64_t now, uint32_t ip,
    uint16_t port)
{
	return p != NULL && discovery_is_local(p, now) &&
	    p->local_ip == ip && p->local_port == port;
}

/* Queued packets go to the local address once it is proven. */
static void
discovery_flush_one(void *arg, struct peer *p, const void *pkt, size_t len,
    int inbound, uint32_t ip, uint16_t port)
{
	struct core	*c = arg;

	(void)ip;
	(void)port;
	if (inbound) {
		core_drop(c, DROP_BAD_SOURCE);
		return;
	}
	p->last_tx = p->local_rx;
	p->has_tx = 1;
	core_send_udp(c, p->local_ip, p->local_port, pkt, len);
}

void
discovery_accept(struct core *c, uint64_t now, struct peer *p,
    const struct teredo_packet *tp)
{
	p->local_trusted = 1;
	p->local_rx = peer_stamp(now);
	p->probes = 0;
	peer_timer_clear(c->peers, p);
	if (p->queue != 0)
		peer_flush(c->peers, p, discovery_flush_one, c);
	if (ip6_is_bubble(tp->ip6, tp->ip6_len)) {
		c->st.counters.bubbles_rcvd++;
		return;
	}
	core_send_tun(c, tp->ip6, tp->ip6_len);
}

void
discovery_probe(struct core *c, uint64_t now, struct peer *p)
{
	bubble_send(c, now, p->local_ip, p->local_port, &c->st.addr,
	    &p->addr);
	discovery_send(c, now);
}

/* The checks of 5.2.8 on a discovery bubble; 0 if acceptable. */
static int
discovery_check(struct core *c, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp)
{
	const struct in6_addr	*src = ip6_src(tp->ip6);
	struct teredo_addr	 ta;

	if (port == 0 || !discovery_onlink(c, ip))
		return -1;
	if (tp->has_auth || tp->has_origin ||
	    !ip6_is_bubble(tp->ip6, tp->ip6_len) ||
	    memcmp(ip6_dst(tp->ip6), &discovery_all_nodes,
	    sizeof(discovery_all_nodes)) != 0)
		return -1;
	if (!teredo_addr_in_prefix(src, c->cfg.prefix) ||
	    memcmp(src, &c->st.addr, sizeof(c->st.addr)) == 0)
		return -1;
	teredo_addr_decode(src, &ta);
	if (!ipv4_is_global(ta.server) || ta.client != c->st.mapped_ip ||
	    ta.port == c->st.mapped_port || ta.port == 0)
		return -1;
	return 0;
}

/* The peer entry of a discovery bubble's source, made if need be. */
static struct peer *
discovery_peer(struct core *c, uint64_t now, const struct in6_addr *src)
{
	struct teredo_addr	 ta;
	struct peer		*p;

	if ((p = peer_find(c->peers, src, now)) != NULL)
		return p;
	if ((p = peer_add(c->peers, src, now)) == NULL)
		return NULL;
	teredo_addr_decode(src, &ta);
	p->ip = ta.client;
	p->port = ta.port;
	return p;
}

void
discovery_input(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct teredo_packet	 tp;
	const struct in6_addr	*src;
	struct peer		*p;
	int			 known;

	if (!discovery_on(c) ||
	    !core_rate_ok(&c->disc.rx_rate, now, CORE_DISC_RX_PER_SEC) ||
	    teredo_parse(&tp, buf, len) == -1 ||
	    discovery_check(c, ip, port, &tp) == -1) {
		c->st.counters.disc_dropped++;
		return;
	}
	src = ip6_src(tp.ip6);
	if ((p = discovery_peer(c, now, src)) == NULL) {
		c->st.counters.disc_dropped++;
		return;
	}
	c->st.counters.disc_rcvd++;
	known = discovery_is_local(p, now);
	if (p->local_ip != ip || p->local_port != port) {
		/* Moved (or new): not proven at the new address yet. */
		p->local_ip = ip;
		p->local_port = port;
		p->local_trusted = 0;
	}
	p->local_seen = peer_stamp(now);
	/* 5.2.3 case 4: answer with a unicast bubble, one per 2 s. */
	if (!known || peer_age(p->local_reply, now) >= CORE_PROBE_MS) {
		p->local_reply = peer_stamp(now);
		bubble_send(c, now, ip, port, &c->st.addr, src);
	}
	if (!known)
		discovery_send(c, now);
}
