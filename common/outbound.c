/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * From the tunnel to UDP (RFC 4380 5.2.4 for the client, 5.4.1 for the
 * relay): packets to a trusted, fresh peer go straight to its mapping;
 * others wait in the peer's queue while bubbles (Teredo peers) or a
 * direct connectivity test (native peers, client only) open the path.
 */

#include "config.h"

#include <string.h>

#include "core_impl.h"

static int
outbound_is_teredo(const struct core *c, const struct peer *p)
{
	return teredo_addr_in_prefix(&p->addr, c->cfg.prefix);
}

static int
outbound_fresh(const struct peer *p, uint64_t now)
{
	/* trusted is only ever set with last_rx (outbound_trust()). */
	return p->trusted && peer_age(p->last_rx, now) < PEER_VALID_MS;
}

/* Send a queued packet once the peer is trusted, in FIFO order. */
static void
outbound_flush_one(void *arg, struct peer *p, const void *pkt, size_t len,
    int inbound, uint32_t ip, uint16_t port)
{
	struct core	*c = arg;

	if (!inbound) {
		p->last_tx = p->last_rx;	/* sent as the peer answered */
		p->has_tx = 1;
		rport_send(c, p, pkt, len);
	} else if (ip == p->ip && port == p->port)
		/* Held until the test proved this relay (5.2.3 item 6). */
		core_send_tun(c, pkt, len);
	else
		core_drop(c, DROP_BAD_SOURCE);
}

struct outbound_fail {
	struct core	*c;
	uint64_t	 now;
};

/* Nobody answered: fail the queue. */
static void
outbound_fail_one(void *arg, struct peer *p, const void *pkt, size_t len,
    int inbound, uint32_t ip, uint16_t port)
{
	struct outbound_fail	*f = arg;

	(void)p;
	(void)ip;
	(void)port;
	/* Now: the last probe's CORE_PROBE_MS ran out (its timer). */
	core_drop(f->c, DROP_UNREACHABLE);
	if (!inbound)
		core_unreach(f->c, f->now, ICMP6_DST_UNREACH_ADDR, pkt, len);
}

/* The peer answered (bubble, echo reply or any valid packet). */
void
outbound_trust(struct core *c, uint64_t now, struct peer *p, uint32_t ip,
    uint16_t port)
{
	p->ip = ip;
	p->port = port;
	peer_set_trusted(c->peers, p);
	rport_trusted(c, p);
	p->last_rx = peer_stamp(now);
	p->has_rx = 1;
	/* 5.2.6: the bubble count is "without an answer". */
	p->probes = 0;
	peer_timer_clear(c->peers, p);
	if (p->queue != 0)
		peer_flush(c->peers, p, outbound_flush_one, c);
}

static int
outbound_exhausted(const struct core *c, const struct peer *p,
    uint64_t now)
{
	uint64_t	win;

	win = outbound_is_teredo(c, p) ? CORE_BUBBLE_WINDOW_MS :
	    CORE_PING_WINDOW_MS;
	return p->probes >= CORE_PROBE_MAX && peer_age(p->window, now) < win;
}

/*
 * Send the next bubble pair or echo request if 5.2.6 allows it, and arm
 * the retry timer.  After the last one has had CORE_PROBE_MS to be
 * answered, the queue fails with ICMPv6 unreachable.
 */
void
outbound_probe(struct core *c, uint64_t now, struct peer *p)
{
	struct outbound_fail	f = { c, now };
	uint32_t		tx_age = peer_age(p->last_tx, now);

	if (!outbound_exhausted(c, p, now) && p->probes >= CORE_PROBE_MAX)
		p->probes = 0;		/* a new window */
	if (p->probes >= CORE_PROBE_MAX) {
		peer_timer_clear(c->peers, p);
		peer_flush(c->peers, p, outbound_fail_one, &f);
		return;
	}
	/* 5.2.6: no bubble within 2 s of the last transmission to it. */
	if (p->has_tx && tx_age < CORE_PROBE_MS) {
		peer_timer_set(c->peers, p, now - tx_age + CORE_PROBE_MS);
		return;
	}
	/*
	 * The first probe of a path goes at once; the repeats share a global
	 * budget (L6), past which they wait for the next second.
	 */
	if (p->probes > 0 &&
	    !core_rate_ok(&c->probe_rate, now, CORE_PROBE_PER_SEC)) {
		peer_timer_set(c->peers, p, (now / 1000 + 1) * 1000);
		return;
	}
	if (p->probes == 0)
		p->window = peer_stamp(now);
	if (outbound_is_teredo(c, p))
		bubble_probe(c, now, p);
	else
		bubble_ping(c, p);
	p->probes++;
	p->last_tx = peer_stamp(now);
	p->has_tx = 1;
	peer_timer_set(c->peers, p, now + CORE_PROBE_MS);
}

void
outbound_timer(struct core *c, uint64_t now, struct peer *p)
{
	peer_timer_clear(c->peers, p);
	if (p->queue != 0)
		outbound_probe(c, now, p);
}

/* Queue the packet and start opening the path. */
static void
outbound_hold(struct core *c, uint64_t now, struct peer *p,
    const void *pkt, size_t len)
{
	if (outbound_exhausted(c, p, now) && !p->on_timer) {
		/* 4 probes in the window went unanswered. */
		core_drop(c, DROP_UNREACHABLE);
		core_unreach(c, now, ICMP6_DST_UNREACH_ADDR, pkt, len);
		return;
	}
	if (peer_enqueue(c->peers, p, pkt, len, 0, 0, 0) == -1)
		core_drop(c, DROP_QUEUE_FULL);
	if (!p->on_timer)
		outbound_probe(c, now, p);
}

/* Checks on a Teredo destination; the drop reason, or -1 if usable. */
static int
outbound_check_teredo(const struct core *c, const struct in6_addr *dst)
{
	struct teredo_addr	ta;
	uint32_t		me = c->cfg.local_ip;

	teredo_addr_decode(dst, &ta);
	if (ta.server == 0 || !ipv4_is_global(ta.server) ||
	    !ipv4_is_global(ta.client) || ta.port == 0)
		return DROP_NON_GLOBAL;
	/* 5.4.1: never send to ourselves through the IPv4 Internet. */
	if (me != 0 && (ta.server == me || ta.client == me))
		return DROP_LOOP;
	if (core_is_client(c) && ta.client == c->st.mapped_ip &&
	    ta.port == c->st.mapped_port)
		return DROP_LOOP;
	return -1;
}

static void
outbound_to_peer(struct core *c, uint64_t now, const void *pkt,
    size_t len, int teredo)
{
	const struct in6_addr	*dst = ip6_dst(pkt);
	struct teredo_addr	 ta;
	struct peer		*p;

	if ((p = peer_find(c->peers, dst, now)) == NULL) {
		if ((p = peer_add(c->peers, dst, now)) == NULL) {
			core_drop(c, DROP_OTHER);
			return;
		}
		if (teredo) {
			teredo_addr_decode(dst, &ta);
			p->ip = ta.client;
			p->port = ta.port;
		}
	}
	/* 5.2.4 case 1 for a local peer proven at its local address. */
	if (core_is_client(c) && discovery_fresh(p, now)) {
		p->last_tx = peer_stamp(now);
		p->has_tx = 1;
		core_send_udp(c, p->local_ip, p->local_port, pkt, len);
	} else if (outbound_fresh(p, now)) {
		p->last_tx = peer_stamp(now);
		p->has_tx = 1;
		rport_send(c, p, pkt, len);
	} else
		outbound_hold(c, now, p, pkt, len);
}

/* The client's checks before a packet may leave the tunnel. */
static int
outbound_client_ok(struct core *c, uint64_t now, const uint8_t *pkt,
    size_t len, int teredo)
{
	if (c->st.state != CORE_STATE_QUALIFIED) {
		core_drop(c, DROP_UNQUALIFIED);
		core_unreach(c, now, ICMP6_DST_UNREACH_ADDR, pkt, len);
		return 0;
	}
	/* Relays and servers only take packets from our Teredo address. */
	if (!teredo && memcmp(ip6_src(pkt), &c->st.addr,
	    sizeof(c->st.addr)) != 0) {
		core_drop(c, DROP_BAD_DEST);
		core_unreach(c, now, ICMP6_DST_UNREACH_ADMIN, pkt, len);
		return 0;
	}
	return 1;
}

void
outbound_packet(struct core *c, uint64_t now, const void *pkt, size_t len)
{
	const struct in6_addr	*dst = ip6_dst(pkt);
	int			 teredo, why;

	/* Multicast and link-local (ND, MLD) have no Teredo meaning. */
	if (core_is_mcast(dst) || core_is_ll(dst)) {
		core_drop(c, DROP_BAD_DEST);
		return;
	}
	teredo = teredo_addr_in_prefix(dst, c->cfg.prefix);
	if (core_is_client(c) && !outbound_client_ok(c, now, pkt, len, teredo))
		return;
	if (!teredo && !core_is_client(c)) {
		/* A relay only serves the Teredo prefix. */
		core_drop(c, DROP_BAD_DEST);
		core_unreach(c, now, ICMP6_DST_UNREACH_ADDR, pkt, len);
		return;
	}
	if (teredo && (why = outbound_check_teredo(c, dst)) != -1) {
		core_drop(c, why);
		return;
	}
	outbound_to_peer(c, now, pkt, len, teredo);
}
