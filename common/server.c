/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The sans-I/O Teredo server (RFC 4380 5.3): answers router solicitations
 * and relays bubbles and small ICMPv6 packets of its own clients.  It
 * keeps no per-client state; the only memory is a fixed-size rate-limit
 * table, so a flood of spoofed sources costs bounded memory.
 *
 * What the rate limit is for: no source may make us an amplifier, and no
 * destination may be flooded through us.  So it counts per source IPv4
 * what we answer or emit on a source's behalf alone (RAs, larger than the
 * RS, and packets forwarded to native IPv6), and per destination client
 * what we forward to a client (bubbles, small ICMPv6): forwarding is no
 * amplification (8 bytes of origin indication), and a relay's indirect
 * bubbles to many clients come from one source in bursts that a
 * per-source limit would cut (5.4.1; the hostile tests showed it), while
 * a per-destination limit still caps what any one mapping receives.
 * Everything else is dropped without an answer.
 */

#include "config.h"
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "server.h"
#include "siphash.h"
#include "teredo.h"

#define RL_WAYS			4	/* slots searched per source */
#define RL_DEFAULT_SOURCES	SERVER_RATE_SOURCES
#define RL_MILLI		1000	/* tokens are kept in 1/1000 packet */
#define IP6_OFF_SRC		8
#define IP6_OFF_DST		24

/* A slot's key: the IPv4 address and what it is counted as. */
#define RL_SOURCE		0
#define RL_DEST			1
/*
 * Packets forwarded to native IPv6, all sources together: rate and burst
 * are this many times the per-source ones.  Spoofed sources each get a
 * fresh bucket, and a client's source is easy to forge, so without a
 * global cap there would be none toward one IPv6 destination (L7 of the
 * security review).
 */
#define RL_FWD_GLOBAL		10

struct rl_slot {
	uint64_t	key;		/* ip | kind << 32 */
	int		used;
	uint64_t	last;		/* ms */
	uint64_t	tokens;		/* milli-packets */
};

struct server {
	struct server_config	cfg;
	struct server_io	io;
	struct server_counters	cnt;
	struct in6_addr		ll;	/* our link-local, source of RAs */
	struct in6_addr		src, dst;	/* of the packet in hand */
	uint64_t		now;		/* its arrival, ms */
	uint8_t			key[SIPHASH_KEY_LEN];
	struct rl_slot		*rl;
	size_t			rl_len;
	struct rl_slot		fwd_all;	/* RL_FWD_GLOBAL */
	uint8_t			out[TEREDO_AUTH_MIN + TEREDO_ORIGIN_LEN +
				    TEREDO_UDP_MAX];
};

static const char *const drop_names[SDROP_MAX] = {
	"malformed",
	"own-address",
	"bad-source",
	"bad-destination",
	"non-global",
	"not-allowed",
	"rate-limit",
	"bad-rs",
	"bad-trailer",
};

const char *
server_drop_name(enum server_drop d)
{
	if ((unsigned int)d >= SDROP_MAX)
		return "unknown";
	return drop_names[d];
}

/*
 * The server's link-local address: the interface identifier of a Teredo
 * address of the server itself (cone flag, port 3544 and its IPv4, both
 * obfuscated, RFC 4380 4), which is also what miredo sends.
 */
static void
server_make_ll(struct in6_addr *ll, uint32_t ip)
{
	uint32_t	 obf = ~ip;
	uint16_t	 port = (uint16_t)~TEREDO_PORT;

	memset(ll, 0, sizeof(*ll));
	ll->s6_addr[0] = 0xfe;
	ll->s6_addr[1] = 0x80;
	ll->s6_addr[8] = TEREDO_FLAG_CONE >> 8;
	ll->s6_addr[10] = port >> 8;
	ll->s6_addr[11] = port & 0xff;
	memcpy(&ll->s6_addr[12], &obf, 4);
}

void
server_config_rate(struct server_config *sc, unsigned int pps)
{
	sc->rate_pps = pps;
	sc->rate_burst = pps * SERVER_RATE_BURST_S;
	sc->rate_sources = SERVER_RATE_SOURCES;
}

struct server *
server_new(const struct server_config *cfg, const struct server_io *io)
{
	struct server	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = *cfg;
	s->io = *io;
	if (s->cfg.rate_pps != 0) {
		if (s->cfg.rate_burst == 0)
			s->cfg.rate_burst = s->cfg.rate_pps;
		if (s->cfg.rate_sources == 0)
			s->cfg.rate_sources = RL_DEFAULT_SOURCES;
		/* Whole buckets of RL_WAYS slots. */
		s->rl_len = (s->cfg.rate_sources + RL_WAYS - 1) / RL_WAYS *
		    RL_WAYS;
		if ((s->rl = calloc(s->rl_len, sizeof(*s->rl))) == NULL) {
			free(s);
			return NULL;
		}
	}
	/* Keyed so that nobody can aim spoofed sources at one bucket. */
	arc4random_buf(s->key, sizeof(s->key));
	server_make_ll(&s->ll, cfg->addr[0]);
	return s;
}

void
server_free(struct server *s)
{
	if (s == NULL)
		return;
	free(s->rl);
	free(s);
}

void
server_get_counters(const struct server *s, struct server_counters *c)
{
	*c = s->cnt;
}

/*
 * Refill the slot's bucket for the time elapsed since its last use, at
 * factor times the configured rate and burst.
 */
static void
rl_refill(const struct server *s, struct rl_slot *r, uint64_t now,
    unsigned int factor)
{
	uint64_t	 cap = (uint64_t)s->cfg.rate_burst * RL_MILLI * factor;
	uint64_t	 dt;

	dt = now > r->last ? now - r->last : 0;
	/* rate_pps per s is rate_pps milli-packets per ms; cap dt first. */
	if (dt >= cap)
		r->tokens = cap;
	else {
		r->tokens += dt * s->cfg.rate_pps * factor;
		if (r->tokens > cap)
			r->tokens = cap;
	}
	r->last = now;
}

/*
 * Find the slot of key, or take a free one or the least recently used one
 * of its bucket: the table never grows.
 */
static struct rl_slot *
rl_lookup(struct server *s, uint64_t key, uint64_t now)
{
	struct rl_slot	*b, *victim = NULL;
	size_t		 i, nb = s->rl_len / RL_WAYS;

	b = &s->rl[(siphash24(s->key, &key, sizeof(key)) % nb) * RL_WAYS];
	for (i = 0; i < RL_WAYS; i++) {
		if (b[i].used && b[i].key == key)
			return &b[i];
		if (victim == NULL || !b[i].used ||
		    (victim->used && b[i].last < victim->last))
			victim = &b[i];
	}
	victim->used = 1;
	victim->key = key;
	victim->last = now;
	victim->tokens = (uint64_t)s->cfg.rate_burst * RL_MILLI;
	return victim;
}

/*
 * Token bucket per IPv4 source or destination (kind): 1 if the packet
 * may be sent.
 */
static int
rl_allow(struct server *s, uint32_t ip, int kind)
{
	struct rl_slot	*r;

	if (s->rl == NULL)
		return 1;
	r = rl_lookup(s, ip | (uint64_t)kind << 32, s->now);
	rl_refill(s, r, s->now, 1);
	if (r->tokens < RL_MILLI)
		return 0;
	r->tokens -= RL_MILLI;
	return 1;
}

/* The global bucket of packets forwarded to native IPv6. */
static int
rl_allow_fwd(struct server *s)
{
	struct rl_slot	*r = &s->fwd_all;

	if (s->rl == NULL)
		return 1;
	if (!r->used) {
		r->used = 1;
		r->last = s->now;
		r->tokens = (uint64_t)s->cfg.rate_burst * RL_MILLI *
		    RL_FWD_GLOBAL;
	}
	rl_refill(s, r, s->now, RL_FWD_GLOBAL);
	if (r->tokens < RL_MILLI)
		return 0;
	r->tokens -= RL_MILLI;
	return 1;
}

static int
drop(struct server *s, enum server_drop why)
{
	s->cnt.drop[why]++;
	return -1;
}

static int
in6_is_linklocal(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/* ff02::2, the link-local all-routers group (RFC 4291 2.7.1). */
static int
in6_is_allrouters(const struct in6_addr *a)
{
	static const uint8_t	 ar[16] = { 0xff, 0x02, [15] = 0x02 };

	return memcmp(a->s6_addr, ar, sizeof(ar)) == 0;
}

/* Global unicast, 2000::/3 (RFC 4291 2.4): no multicast, link-local... */
static int
in6_is_global(const struct in6_addr *a)
{
	return (a->s6_addr[0] & 0xe0) == 0x20;
}

static int
is_own(const struct server *s, uint32_t ip)
{
	return ip == s->cfg.addr[0] || ip == s->cfg.addr[1];
}

/*
 * RFC 4380 5.3.1: a router solicitation from a link-local source to
 * ff02::2 gets a router advertisement with our prefix, preceded by the
 * authentication encapsulation (only if the RS had one: the nonce echoed,
 * confirmation 0) and the origin indication of the RS.  A cone RS is
 * answered from the other address (5.2.1: that is how the client tests
 * for a cone NAT).
 */
static int
server_rs(struct server *s, int sock, uint32_t ip, uint16_t port,
    const struct teredo_packet *p)
{
	const uint8_t		*ip6 = p->ip6;
	const struct in6_addr	*src = &s->src;
	size_t			 n = 0, k;

	/* An RA is larger than the RS: an amplifier if unlimited. */
	if (!rl_allow(s, ip, RL_SOURCE))
		return drop(s, SDROP_RATE_LIMIT);
	if (ip6[7] != 255 ||
	    !parse_rs(ip6, p->ip6_len) ||
	    !icmp6_cksum_ok(ip6, p->ip6_len))
		return drop(s, SDROP_BAD_RS);
	s->cnt.rs++;
	if (p->has_auth) {
		n = build_auth(s->out, sizeof(s->out), p->nonce, 0);
		if (n == 0)
			return drop(s, SDROP_MALFORMED);
	}
	k = build_origin(s->out + n, sizeof(s->out) - n, ip, port);
	if (k == 0)
		return drop(s, SDROP_MALFORMED);
	n += k;
	k = build_ra(s->out + n, sizeof(s->out) - n, &s->ll, src,
	    s->cfg.prefix, s->cfg.addr[0], s->cfg.mtu);
	if (k == 0)
		return drop(s, SDROP_MALFORMED);
	n += k;
	if (teredo_ll_is_cone(src))
		sock = !sock;
	s->io.send_udp(s->io.arg, sock, ip, port, s->out, n);
	s->cnt.ra_sent++;
	return 0;
}

/*
 * 5.3.1: a packet from a Teredo address must come from the mapping in
 * that address; anything else must come from a global IPv6 address (a
 * relay's indirect bubble, 5.4.1).  1 if the source is a Teredo client
 * of ours, 0 if acceptable, -1 if not.
 */
static int
server_check_source(const struct server *s, uint32_t ip, uint16_t port)
{
	const struct in6_addr	*src = &s->src;
	struct teredo_addr	 t;

	if (!teredo_addr_in_prefix(src, s->cfg.prefix))
		return in6_is_global(src) &&
		    !teredo_addr_in_prefix(src, TEREDO_PREFIX) ? 0 : -1;
	teredo_addr_decode(src, &t);
	if (t.client != ip || t.port != port)
		return -1;
	return t.server == s->cfg.addr[0];
}

/*
 * What a server relays (as miredo): bubbles, to open NAT mappings
 * (5.2.4), and ICMPv6 no larger than icmp_max, for the direct
 * connectivity test (5.2.9).  -1 if not allowed, -2 if malformed.
 */
static int
server_check_kind(const struct server *s, const void *ip6, size_t len)
{
	if (ip6_is_bubble(ip6, len))
		return 0;
	if (ip6_nxt(ip6) != IP6_NXT_ICMP6 ||
	    len - IP6_HDR_LEN > s->cfg.icmp_max)
		return -1;
	if (!icmp6_cksum_ok(ip6, len))
		return -2;
	return 0;
}

/*
 * To a client of ours: UDP to its mapping, with the sender's origin.  A
 * bubble keeps its RFC 6081 trailer (as miredo's server, which forwards
 * the whole payload): the extensions of Windows clients ride on bubbles
 * (MS-TERE 2.2.2).  Other packets lose it: the ServerICMPMax rule is
 * about the whole forwarded datagram.
 */
static int
server_to_client(struct server *s, const struct teredo_packet *p,
    uint32_t ip, uint16_t port)
{
	struct teredo_addr	 t;
	size_t			 n, tl = 0;

	teredo_addr_decode(&s->dst, &t);
	if (t.server != s->cfg.addr[0])
		return drop(s, SDROP_BAD_DEST);
	if (is_own(s, t.client))
		return drop(s, SDROP_OWN_ADDRESS);
	if (!ipv4_is_global(t.client) || t.port == 0)
		return drop(s, SDROP_NON_GLOBAL);
	/* Per destination: many relays may talk to one client at once. */
	if (!rl_allow(s, t.client, RL_DEST))
		return drop(s, SDROP_RATE_LIMIT);
	if (ip6_is_bubble(p->ip6, p->ip6_len))
		tl = p->trailer_len;
	n = build_origin(s->out, sizeof(s->out), ip, port);
	if (n == 0 || p->ip6_len + tl > sizeof(s->out) - n)
		return drop(s, SDROP_MALFORMED);
	memcpy(s->out + n, p->ip6, p->ip6_len);
	if (tl > 0)
		memcpy(s->out + n + p->ip6_len, p->trailer, tl);
	/* From the primary address: the one the client keeps open. */
	s->io.send_udp(s->io.arg, 0, t.client, t.port, s->out,
	    n + p->ip6_len + tl);
	s->cnt.fwd_udp++;
	return 0;
}

/*
 * From a link-local source: a router solicitation, or a bubble for one of
 * our clients (miredo's relays and clients send their indirect bubbles
 * from a link-local address that carries a keyed hash of the mapping).
 */
static int
server_linklocal(struct server *s, int sock, uint32_t ip, uint16_t port,
    const struct teredo_packet *p)
{
	if (in6_is_allrouters(&s->dst))
		return server_rs(s, sock, ip, port, p);
	if (p->has_auth)
		return drop(s, SDROP_MALFORMED);
	if (!ip6_is_bubble(p->ip6, p->ip6_len))
		return drop(s, SDROP_BAD_SOURCE);
	if (!teredo_addr_in_prefix(&s->dst, s->cfg.prefix))
		return drop(s, SDROP_BAD_DEST);
	return server_to_client(s, p, ip, port);
}

static int
server_forward(struct server *s, const struct teredo_packet *p,
    uint32_t ip, uint16_t port)
{
	const struct in6_addr	*dst = &s->dst;
	int			 kind, ours;

	if ((ours = server_check_source(s, ip, port)) == -1)
		return drop(s, SDROP_BAD_SOURCE);
	kind = server_check_kind(s, p->ip6, p->ip6_len);
	if (kind == -2)
		return drop(s, SDROP_MALFORMED);
	if (kind != 0)
		return drop(s, SDROP_NOT_ALLOWED);
	if (!in6_is_global(dst))
		return drop(s, SDROP_NON_GLOBAL);
	if (teredo_addr_in_prefix(dst, s->cfg.prefix))
		return server_to_client(s, p, ip, port);
	/* A Teredo address under another prefix would loop through it. */
	if (teredo_addr_in_prefix(dst, TEREDO_PREFIX))
		return drop(s, SDROP_BAD_DEST);
	/* Native peer: only for our clients, never an open relay. */
	if (!ours)
		return drop(s, SDROP_BAD_SOURCE);
	/* Only the echo tests, not bubbles (5.2.9). */
	if (ip6_is_bubble(p->ip6, p->ip6_len))
		return drop(s, SDROP_NOT_ALLOWED);
	if (!rl_allow(s, ip, RL_SOURCE) || !rl_allow_fwd(s))
		return drop(s, SDROP_RATE_LIMIT);
	s->io.send_ipv6(s->io.arg, p->ip6, p->ip6_len);
	s->cnt.fwd_ipv6++;
	return 0;
}

void
server_udp_input(struct server *s, uint64_t now, int sock, uint32_t ip,
    uint16_t port, const void *buf, size_t len)
{
	struct teredo_packet	 p;

	s->cnt.rx++;
	s->cnt.rx_bytes += len;
	if (sock != 0 && sock != 1) {
		(void)drop(s, SDROP_MALFORMED);
		return;
	}
	/* Loop guard: we never talk to ourselves. */
	if (is_own(s, ip)) {
		(void)drop(s, SDROP_OWN_ADDRESS);
		return;
	}
	/* A mapping that is not global cannot form a usable address. */
	if (!ipv4_is_global(ip) || port == 0) {
		(void)drop(s, SDROP_NON_GLOBAL);
		return;
	}
	s->now = now;
	/* Only clients send to a server: an origin indication is forged. */
	if (teredo_parse(&p, buf, len) != 0 || p.has_origin) {
		(void)drop(s, SDROP_MALFORMED);
		return;
	}
	if (p.trailer_bad)
		(void)drop(s, SDROP_BAD_TRAILER);	/* the trailer only */
	/* Aligned copies: the packet may sit at any offset. */
	memcpy(&s->src, (const uint8_t *)p.ip6 + IP6_OFF_SRC, sizeof(s->src));
	memcpy(&s->dst, (const uint8_t *)p.ip6 + IP6_OFF_DST, sizeof(s->dst));
	if (in6_is_linklocal(&s->src))
		(void)server_linklocal(s, sock, ip, port, &p);
	else if (p.has_auth)
		/* 5.1.1: authentication goes with an RS only. */
		(void)drop(s, SDROP_MALFORMED);
	else
		(void)server_forward(s, &p, ip, port);
}
