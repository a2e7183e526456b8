/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Bubbles (RFC 4380 5.2.6) and the direct IPv6 connectivity test (5.2.9).
 *
 * Authenticated bubbles, for peers behind symmetric NATs: every bubble we
 * send to a Teredo peer P has the source fe80::H, where H is a SipHash of
 * P's address under our secret key (the two "u/g" bits cleared, as in a
 * modified EUI-64).  The direct bubble goes to the mapping embedded in P,
 * the indirect one through P's server, which delivers it to wherever P
 * really is.  P answers a bubble by swapping source and destination (what
 * miredo and our client do for bubbles that come through the server), so
 * its answer reaches us with destination fe80::H from P's real mapping
 * for us, which a symmetric NAT makes different from the mapping in P's
 * address.  Only someone who received our bubble knows H: a matching
 * answer proves that P is at the outer ip:port it came from, and we trust
 * P there.  Nothing is stored per challenge; miredo uses the same
 * scheme, so either implementation can verify the other's answers.
 * Unlike miredo, the hash also covers a 5-minute epoch (the current or
 * the previous one is accepted), so an answer seen once cannot be
 * replayed forever.
 *
 * RFC 6081 Symmetric NAT Support (5.2), when on: each probe also sends
 * an indirect bubble from our Teredo address with a Nonce trailer (a
 * fresh 4-byte nonce kept in the peer entry); a peer answers it with a
 * direct bubble carrying the same nonce, which proves the mapping it
 * came from (5.2.4.4), and, when it cannot trust us yet, with an
 * indirect bubble of its own through our server (RFC 6081 3.1, second
 * case): our direct answer to that one comes from the mapping our NAT
 * uses toward the peer.  Windows' clients speak only this scheme; the
 * keyed link-local bubble stays for miredo's.
 */

#include "config.h"

#include <string.h>

#include "core_impl.h"

/* A bubble with Nonce and Random Port trailers; one with an ND Option. */
#define BUBBLE_TR_MAX	(IP6_HDR_LEN + 4 + TRAILER_NONCE_LEN + \
			    TRAILER_PORT_LEN + BUBBLE_ALT_MAX)
/* An Alternate Address trailer of ours (hairpin.c). */
#define BUBBLE_ALT_MAX	(2 + 2 + 6 * CORE_HAIRPIN_ENTRIES)
#define BUBBLE_ND_MAX	(IP6_HDR_LEN + 2 + TRAILER_ND_LEN_RFC)

void
bubble_src(const struct core *c, uint64_t epoch,
    const struct in6_addr *peer, struct in6_addr *src)
{
	uint8_t		in[8 + sizeof(*peer)];
	uint64_t	h;
	int		i;

	for (i = 0; i < 8; i++)
		in[i] = (epoch >> (56 - 8 * i)) & 0xff;
	memcpy(in + 8, peer, sizeof(*peer));
	h = siphash24(c->key, in, sizeof(in));
	memset(src, 0, sizeof(*src));
	src->s6_addr[0] = 0xfe;
	src->s6_addr[1] = 0x80;
	for (i = 0; i < 8; i++)
		src->s6_addr[8 + i] = (h >> (56 - 8 * i)) & 0xff;
	src->s6_addr[8] &= 0xfc;
}

/* Whether a bubble's destination is our hash for its source. */
int
bubble_check(const struct core *c, uint64_t now, const void *ip6)
{
	struct in6_addr	want;
	uint64_t	epoch = now / CORE_EPOCH_MS;

	bubble_src(c, epoch, ip6_src(ip6), &want);
	if (memcmp(&want, ip6_dst(ip6), sizeof(want)) == 0)
		return 1;
	if (epoch == 0)
		return 0;
	bubble_src(c, epoch - 1, ip6_src(ip6), &want);
	return memcmp(&want, ip6_dst(ip6), sizeof(want)) == 0;
}

/* The slot of ip:port in a target table. */
static size_t
bubble_slot(const struct core *c, uint32_t ip, uint16_t port)
{
	uint8_t		in[6];

	memcpy(in, &ip, 4);
	in[4] = port >> 8;
	in[5] = port & 0xff;
	return siphash24(c->key, in, sizeof(in)) % CORE_TARGETS;
}

int
bubble_reply_ok(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    struct core_rate *global, unsigned int max)
{
	struct core_target	*t = &c->reply[bubble_slot(c, ip, port)];
	int			 fresh;

	fresh = !t->used || t->ip != ip || t->port != port ||
	    now - t->window >= CORE_BUBBLE_WINDOW_MS;
	if (!fresh && (now - t->last < CORE_PROBE_MS ||
	    t->count >= CORE_PROBE_MAX))
		return 0;
	if (!core_rate_ok(global, now, max))
		return 0;
	if (fresh) {
		memset(t, 0, sizeof(*t));
		t->used = 1;
		t->ip = ip;
		t->port = port;
		t->window = now;
	}
	t->count++;
	t->last = now;
	return 1;
}

int
bubble_sent_to(const struct core *c, uint64_t now, uint32_t ip)
{
	const struct core_target *t = &c->sent[bubble_slot(c, ip, 0)];

	return t->used && t->ip == ip && now - t->last < CORE_BUBBLE_WINDOW_MS;
}

void
bubble_send(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const struct in6_addr *src, const struct in6_addr *dst)
{
	bubble_send_tr(c, now, 0, ip, port, src, dst, NULL, 0);
}

void
bubble_send_nonce(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *nonce)
{
	bubble_send_tr(c, now, 0, ip, port, src, dst, nonce, 0);
}

/*
 * A bubble leaves: ip is one we sent a bubble to (bubble_sent_to()), from
 * our socket (sock 0) or a random-port one.
 */
static void
bubble_emit(struct core *c, uint64_t now, int sock, uint32_t ip,
    uint16_t port, const void *buf, size_t n)
{
	struct core_target	*t = &c->sent[bubble_slot(c, ip, 0)];

	t->used = 1;
	t->ip = ip;
	t->last = now;
	c->st.counters.bubbles_sent++;
	c->st.counters.tx_udp++;
	c->st.counters.tx_udp_bytes += n;
	if (sock == 0)
		c->io.send_udp(c->io.arg, ip, port, buf, n);
	else
		c->io.send_udp_from(c->io.arg, sock, ip, port, buf, n);
}

static void
bubble_send_alt(struct core *c, uint64_t now, int sock, uint32_t ip,
    uint16_t port, const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *nonce, uint16_t rport, const struct peer *alt)
{
	uint8_t			 buf[BUBBLE_TR_MAX];
	uint8_t			 rp[2];
	size_t			 n, k = 0;

	if ((n = build_bubble(buf, sizeof(buf), src, dst)) == 0)
		return;
	/* RFC 6081 5.6.4.1: our local address(es) for a peer behind our NAT. */
	if (alt != NULL)
		n += hairpin_trailer(c, alt, now, buf + n, sizeof(buf) - n);
	if (nonce != NULL && (k = build_trailer(buf + n, sizeof(buf) - n,
	    TRAILER_NONCE, nonce, TRAILER_NONCE_LEN)) == 0)
		return;
	n += k;
	if (rport != 0) {
		rp[0] = rport >> 8;
		rp[1] = rport & 0xff;
		if ((k = build_trailer(buf + n, sizeof(buf) - n,
		    TRAILER_RANDOM_PORT, rp, sizeof(rp))) == 0)
			return;
		n += k;
	}
	bubble_emit(c, now, sock, ip, port, buf, n);
}

void
bubble_send_tr(struct core *c, uint64_t now, int sock, uint32_t ip,
    uint16_t port, const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *nonce, uint16_t rport)
{
	bubble_send_alt(c, now, sock, ip, port, src, dst, nonce, rport, NULL);
}

void
bubble_send_nd(struct core *c, uint64_t now, int sock, uint32_t ip,
    uint16_t port, const struct in6_addr *dst, uint8_t type)
{
	uint8_t			 buf[BUBBLE_ND_MAX];
	uint8_t			 v[TRAILER_ND_LEN_RFC];
	size_t			 n, k;

	memset(v, 0, sizeof(v));
	v[0] = type;

	/* RFC 6081 4.4: DiscoveryType, 3 reserved bytes. */
	if ((n = build_bubble(buf, sizeof(buf), &c->st.addr, dst)) == 0 ||
	    (k = build_trailer(buf + n, sizeof(buf) - n, TRAILER_ND_OPTION,
	    v, sizeof(v))) == 0)
		return;
	n += k;
	bubble_emit(c, now, sock, ip, port, buf, n);
}

void
bubble_nd_answer(struct core *c, uint64_t now, struct peer *p, uint32_t ip,
    uint16_t port, const struct teredo_packet *tp)
{
	if (!c->st.sns || !tp->tr.has_nd || tp->tr.nd_type != 0)
		return;
	/* 5.2.6 per target and a global rate: the source may be forged. */
	if (!bubble_reply_ok(c, now, ip, port, &c->reply_rate,
	    CORE_REPLY_PER_SEC)) {
		core_drop(c, DROP_RATE_LIMIT);
		return;
	}
	bubble_send_nd(c, now, c->in_sock, ip, port, &p->addr, 1);
}

void
bubble_indirect(struct core *c, uint64_t now, struct peer *p)
{
	struct teredo_addr	ta;

	teredo_addr_decode(&p->addr, &ta);
	/* RFC 6081 5.2.4.1: a new nonce with every indirect bubble. */
	c->io.random(c->io.arg, p->nonce_sent, sizeof(p->nonce_sent));
	p->has_nonce_sent = 1;
	c->st.counters.nonce_sent++;
	/* 5.4.4.2, 5.5.4.2: and our predicted port, if we have one. */
	bubble_send_alt(c, now, 0, ta.server, TEREDO_PORT, &c->st.addr,
	    &p->addr, p->nonce_sent, p->rsock != 0 ? p->rport : 0, p);
}

/*
 * 5.2.4 / 5.4.1: a direct bubble to the peer's mapping opens our own NAT
 * (a cone relay needs none) and an indirect one through its server asks
 * it to answer.
 */
void
bubble_probe(struct core *c, uint64_t now, struct peer *p)
{
	struct teredo_addr	ta;
	struct in6_addr		src;
	int			indirect = 1;

	/*
	 * 5.2.4 case 3: a local peer (RFC 4380 5.2.8, discovery.c); one
	 * whose local address came from RFC 6081 hairpinning is probed the
	 * usual way (hairpin.c: it proves that address with our nonce).
	 */
	if (core_is_client(c) && discovery_is_local(p, now) &&
	    !hairpin_origin(c, p)) {
		discovery_probe(c, now, p);
		return;
	}
	teredo_addr_decode(&p->addr, &ta);
	bubble_src(c, now / CORE_EPOCH_MS, &p->addr, &src);
	/*
	 * RFC 6081 5.7 (Server Load Reduction): a path that worked and went
	 * quiet is first refreshed with direct bubbles that ask for an
	 * answer, three 2 s apart, before the server is bothered; only with
	 * a peer that showed it speaks RFC 6081 (miredo would not answer).
	 */
	if (c->st.sns && p->trusted && p->x6081 && p->probes < CORE_SLR_MAX) {
		bubble_send_nd(c, now, p->rx_random ? p->rsock : 0, p->ip,
		    p->port, &p->addr, 0);
		return;
	}
	if (core_is_client(c) || !c->cfg.cone)
		bubble_send(c, now, p->ip, p->port, &src, &p->addr);
	/* RFC 6081 5.4.4.3, 5.5.4.1: the random port, the echo test. */
	if (rport_active(c, p))
		indirect = rport_probe(c, now, p);
	if (indirect)
		rport_direct(c, now, p, p->ip, p->port, NULL);
	/*
	 * The nonce-bearing indirect bubble before the keyed one: the peer
	 * answers the first of the two (one reply per target per 2 s,
	 * 5.2.6), and either answer proves its mapping to us.
	 */
	if (c->st.sns && indirect)
		bubble_indirect(c, now, p);
	bubble_send(c, now, ta.server, TEREDO_PORT, &src, &p->addr);
}

int
bubble_nonce_ok(struct core *c, const struct peer *p,
    const struct teredo_packet *tp)
{
	if (!c->st.sns || p == NULL || !p->has_nonce_sent ||
	    !tp->tr.has_nonce || !ip6_is_bubble(tp->ip6, tp->ip6_len) ||
	    memcmp(tp->tr.nonce, p->nonce_sent, sizeof(p->nonce_sent)) != 0)
		return 0;
	c->st.counters.nonce_ok++;
	return 1;
}

/*
 * 5.2.9: an echo request from our Teredo address to the native peer,
 * through our server.  The 64-bit nonce is drawn when a test starts and
 * kept for its retries, so a late answer to an earlier one still counts.
 */
void
bubble_ping(struct core *c, struct peer *p)
{
	uint8_t	buf[IP6_HDR_LEN + 8 + PEER_NONCE_LEN];
	size_t	n;

	if (p->probes == 0)
		c->io.random(c->io.arg, p->nonce, sizeof(p->nonce));
	n = build_echo(buf, sizeof(buf), 0, &c->st.addr, &p->addr,
	    c->echo_id, p->probes, p->nonce, sizeof(p->nonce));
	if (n == 0)
		return;
	core_send_udp(c, c->st.server, TEREDO_PORT, buf, n);
}

/* Whether the packet is the echo reply to p's connectivity test. */
int
bubble_pong(const struct core *c, const struct peer *p, const void *ip6,
    size_t len)
{
	const uint8_t	*data;
	size_t		 datalen;
	uint16_t	 id, seq;
	int		 reply;

	if (p->probes == 0 || ip6_nxt(ip6) != IP6_NXT_ICMP6)
		return 0;
	if (parse_echo(ip6, len, &reply, &id, &seq, &data, &datalen) == -1)
		return 0;
	return reply && id == c->echo_id && datalen == sizeof(p->nonce) &&
	    memcmp(data, p->nonce, sizeof(p->nonce)) == 0 &&
	    memcmp(ip6_dst(ip6), &c->st.addr, sizeof(c->st.addr)) == 0;
}
