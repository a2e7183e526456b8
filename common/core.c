/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The sans-I/O Teredo client and relay: entry points, output helpers,
 * timers and status.  The protocol work is in qualify.c, outbound.c,
 * inbound.c and bubble.c (see core_impl.h).
 */

#include "config.h"

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "core_impl.h"

/* PeerMax's defaults (conf.h): a client's, a public relay's. */
#define CORE_PEER_MAX_CLIENT	4096
#define CORE_PEER_MAX_RELAY	1048576
#define CORE_QUEUE_BYTES_DEF	1048576

static const char *const core_drop_names[DROP_MAX] = {
	[DROP_MALFORMED] = "malformed",
	[DROP_UNQUALIFIED] = "unqualified",
	[DROP_BAD_SOURCE] = "bad-source",
	[DROP_NOT_TEREDO] = "not-teredo",
	[DROP_NON_GLOBAL] = "non-global",
	[DROP_LOOP] = "loop",
	[DROP_LINK_LOCAL] = "link-local",
	[DROP_BAD_RA] = "bad-ra",
	[DROP_BAD_DEST] = "bad-destination",
	[DROP_QUEUE_FULL] = "queue-full",
	[DROP_RATE_LIMIT] = "rate-limit",
	[DROP_UNREACHABLE] = "unreachable",
	[DROP_BAD_TUN] = "bad-tunnel-packet",
	[DROP_OTHER] = "other",
	[DROP_BAD_TRAILER] = "bad-trailer",
	[DROP_UNKNOWN_PEER] = "unknown-peer",
};

static void
core_defaults(struct core_config *cfg)
{
	if (cfg->prefix == 0)
		cfg->prefix = TEREDO_PREFIX;
	if (cfg->mtu < TEREDO_MTU || cfg->mtu > TEREDO_UDP_MAX)
		cfg->mtu = TEREDO_MTU;
	if (cfg->refresh_interval == 0)
		cfg->refresh_interval = 30;
	if (cfg->qualify_timeout == 0)
		cfg->qualify_timeout = 4;
	if (cfg->qualify_retries == 0)
		cfg->qualify_retries = 3;
	if (cfg->peer_max == 0)
		cfg->peer_max = cfg->role == CORE_RELAY ?
		    CORE_PEER_MAX_RELAY : CORE_PEER_MAX_CLIENT;
	if (cfg->queue_bytes == 0)
		cfg->queue_bytes = CORE_QUEUE_BYTES_DEF;
}

struct core *
core_new(const struct core_config *cfg, const struct core_io *io,
    uint64_t now)
{
	struct core	*c;
	uint8_t		 tkey[SIPHASH_KEY_LEN];

	(void)now;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->cfg = *cfg;
	c->io = *io;
	core_defaults(&c->cfg);
	/* Secret keys: the hash table's and the bubble/ping hash's. */
	c->io.random(c->io.arg, tkey, sizeof(tkey));
	c->io.random(c->io.arg, c->key, sizeof(c->key));
	c->io.random(c->io.arg, &c->echo_id, sizeof(c->echo_id));
	c->peers = peer_table_new(c->cfg.peer_max, c->cfg.queue_bytes, tkey);
	if (c->peers == NULL) {
		free(c);
		return NULL;
	}
	c->st.mtu = c->cfg.mtu;
	c->st.cone = c->cfg.role == CORE_RELAY && c->cfg.cone;
	if (c->cfg.role == CORE_RELAY)
		c->st.nat = CORE_NAT_CONE;
	c->st.sns = c->cfg.role == CORE_CLIENT && c->cfg.sns;
	c->st.hairpin = c->st.sns && c->cfg.hairpinning;
	c->st.state = c->cfg.role == CORE_RELAY ? CORE_STATE_RELAY :
	    CORE_STATE_OFF;
	c->q.deadline = UINT64_MAX;
	c->disc.next = UINT64_MAX;
	return c;
}

void
core_free(struct core *c)
{
	if (c == NULL)
		return;
	rport_close_all(c);
	peer_table_free(c->peers);
	free(c);
}

int
core_is_client(const struct core *c)
{
	return c->cfg.role == CORE_CLIENT;
}

void
core_drop(struct core *c, enum core_drop why)
{
	c->st.counters.drop[why]++;
}

void
core_send_udp(struct core *c, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	c->st.counters.tx_udp++;
	c->st.counters.tx_udp_bytes += len;
	c->io.send_udp(c->io.arg, ip, port, buf, len);
}

void
core_send_tun(struct core *c, const void *pkt, size_t len)
{
	c->st.counters.tx_tun++;
	c->io.send_tun(c->io.arg, pkt, len);
}

int
core_rate_ok(struct core_rate *r, uint64_t now, unsigned int max)
{
	if (now / 1000 != r->sec) {
		r->sec = now / 1000;
		r->used = 0;
	}
	if (r->used >= max)
		return 0;
	r->used++;
	return 1;
}

/*
 * Addresses inside packets may be misaligned (the Teredo indicators have
 * odd lengths): look at their bytes, never through struct members.
 */
int
core_is_ll(const void *a)
{
	const uint8_t	*b = a;

	return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

int
core_is_mcast(const void *a)
{
	return *(const uint8_t *)a == 0xff;
}

/* Whether an ICMPv6 error may answer this packet (RFC 4443 2.4 (e)). */
static int
core_may_answer(const uint8_t *pkt, size_t len)
{
	const struct in6_addr	*src = ip6_src(pkt);
	static const struct in6_addr any;

	if (core_is_mcast(src) || core_is_mcast(ip6_dst(pkt)) ||
	    memcmp(src, &any, sizeof(any)) == 0)
		return 0;
	/* Never about an error: ICMPv6 types below 128. */
	if (ip6_nxt(pkt) == IP6_NXT_ICMP6 &&
	    (len <= IP6_HDR_LEN || pkt[IP6_HDR_LEN] < 128))
		return 0;
	return 1;
}

/*
 * Destination unreachable back into the tunnel.  RFC 4443 2.2: the source
 * is an address of the node that sends the error, so a relay uses its
 * native address (the kernel forwards the error, and a BCP 38 filter
 * upstream would drop a 2001:: source).  A client's error is delivered
 * locally, where its own address would look like a martian: it claims
 * to come from the unreachable destination, as does a relay that could
 * not learn its address.
 */
void
core_unreach(struct core *c, uint64_t now, uint8_t code, const void *pkt,
    size_t len)
{
	static const struct in6_addr any;
	struct in6_addr	dst;
	size_t		n;

	if (!core_may_answer(pkt, len))
		return;
	if (!core_rate_ok(&c->icmp_rate, now, CORE_ICMP_PER_SEC)) {
		core_drop(c, DROP_RATE_LIMIT);
		return;
	}
	if (!core_is_client(c) &&
	    memcmp(&c->cfg.relay_src, &any, sizeof(any)) != 0)
		dst = c->cfg.relay_src;
	else
		memcpy(&dst, ip6_dst(pkt), sizeof(dst));
	n = build_icmp6_error(c->ebuf, sizeof(c->ebuf), ICMP6_DST_UNREACH,
	    code, 0, &dst, pkt, len);
	if (n == 0)
		return;
	c->st.counters.icmp_sent++;
	core_send_tun(c, c->ebuf, n);
}

uint32_t
core_server2(const struct core *c)
{
	if (c->st.server2 != 0)
		return c->st.server2;
	return htonl(ntohl(c->st.server) + 1);
}

void
core_udp_input(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	core_udp_input_from(c, now, 0, ip, port, buf, len);
}

void
core_udp_input_from(struct core *c, uint64_t now, int sock, uint32_t ip,
    uint16_t port, const void *buf, size_t len)
{
	struct teredo_packet	tp;
	int			onlink;

	c->st.counters.rx_udp++;
	c->st.counters.rx_udp_bytes += len;
	/*
	 * Teredo never uses non-global IPv4 (RFC 4380 2.7, RFC 6890): a
	 * peer, relay or server behind such a source could never be
	 * trusted with a mapping, so drop before anything is learnt.
	 */
	onlink = port != 0 && !ipv4_is_global(ip) && core_is_client(c) &&
	    ((c->cfg.local_discovery && discovery_onlink(c, ip)) ||
	    hairpin_source(c, ip, port));
	if ((!ipv4_is_global(ip) && !onlink) || port == 0) {
		core_drop(c, DROP_NON_GLOBAL);
		return;
	}
	if (teredo_parse(&tp, buf, len) == -1) {
		core_drop(c, DROP_MALFORMED);
		return;
	}
	/* RFC 6081 trailers: tp.tr (the client's nonces, bubble.c). */
	if (tp.trailer_bad) {
		core_drop(c, DROP_BAD_TRAILER);
		/* RFC 6081 5.6.4.2: not a bubble whose Alternate Address is. */
		if (tp.alt_bad && ip6_is_bubble(tp.ip6, tp.ip6_len))
			return;
	}
	/*
	 * 5.2.8: a discovery bubble (to ff02::1) counts only from the
	 * discovery socket, never from a unicast one.
	 */
	if (core_is_client(c) && ip6_is_bubble(tp.ip6, tp.ip6_len) &&
	    core_is_mcast(ip6_dst(tp.ip6))) {
		c->st.counters.disc_dropped++;
		return;
	}
	/*
	 * On-link, not global: only a local peer (RFC 4380 5.2.8), or one
	 * at the private address RFC 6081 hairpinning bubbled to (hairpin.c).
	 */
	if (onlink) {
		inbound_onlink(c, now, ip, port, &tp);
		return;
	}
	if (sock != 0 && rport_input(c, now, sock, ip, port, &tp))
		return;
	c->in_sock = sock;
	inbound_packet(c, now, ip, port, &tp);
	c->in_sock = 0;
}

void
core_discovery_input(struct core *c, uint64_t now, uint32_t ip,
    uint16_t port, const void *buf, size_t len)
{
	c->st.counters.rx_udp++;
	c->st.counters.rx_udp_bytes += len;
	discovery_input(c, now, ip, port, buf, len);
}

void
core_tun_input(struct core *c, uint64_t now, const void *pkt, size_t len)
{
	struct teredo_packet	tp;

	c->st.counters.rx_tun++;
	/* A bare IPv6 packet that fits in one UDP datagram. */
	if (len > TEREDO_UDP_MAX || teredo_parse(&tp, pkt, len) == -1 ||
	    tp.ip6 != pkt || tp.ip6_len != len) {
		core_drop(c, DROP_BAD_TUN);
		return;
	}
	outbound_packet(c, now, pkt, len);
}

/*
 * Retries and idle expiry in bounded steps (CORE_TIMER_BATCH peers of
 * each per call): 10^6 peers idle since the same flood, or on the retry
 * list at once, are handled over several calls, and the engine reads
 * its sockets in between, rather than in one pass that would hold every
 * live peer's packets for the whole of it.
 */
void
core_timer(struct core *c, uint64_t now)
{
	struct peer	*p;
	unsigned int	 n = 0;

	if (core_is_client(c) && c->q.deadline <= now)
		qualify_timer(c, now);
	if (c->disc.next <= now)
		discovery_timer(c, now);
	while (n < CORE_TIMER_BATCH &&
	    (p = peer_timer_due(c->peers, now)) != NULL) {
		outbound_timer(c, now, p);
		n++;
	}
	c->backlog = n == CORE_TIMER_BATCH;
	/* The LRU head is the longest unused peer: forget idle ones. */
	if (peer_expire(c->peers, now, CORE_PEER_IDLE_MS,
	    CORE_TIMER_BATCH) == CORE_TIMER_BATCH)
		c->backlog = 1;
}

uint64_t
core_next_timer(const struct core *c)
{
	uint64_t	next = UINT64_MAX, t;

	if (core_is_client(c))
		next = c->q.deadline;
	if (c->disc.next < next)
		next = c->disc.next;
	if ((t = peer_timer_next(c->peers)) < next)
		next = t;
	if ((t = peer_expire_next(c->peers, CORE_PEER_IDLE_MS)) < next)
		next = t;
	/* Work left over: the next step soon, after a look at the sockets. */
	if (c->backlog && next <= peer_clock(c->peers))
		next = peer_clock(c->peers) + 1;
	return next;
}

void
core_set_server(struct core *c, uint64_t now, uint32_t server,
    uint32_t server2)
{
	if (!core_is_client(c) || server == 0)
		return;
	if (c->st.state != CORE_STATE_OFF && server == c->st.server &&
	    server2 == c->st.server2)
		return;
	qualify_stop(c);
	c->st.server = server;
	c->st.server2 = server2;
	qualify_start(c, now);
}

void
core_netchange(struct core *c, uint64_t now)
{
	if (core_is_client(c) && c->st.state != CORE_STATE_OFF)
		qualify_netchange(c, now);
}

void
core_get_status(const struct core *c, struct core_status *st)
{
	*st = c->st;
	st->peers = peer_count(c->peers);
	st->pp = st->seq = 0;
	if (st->sns && st->nat == CORE_NAT_SYMMETRIC &&
	    c->io.open_udp != NULL) {
		st->pp = st->port_preserving;
		st->seq = !st->port_preserving;
	}
	st->counters.peers_evicted = peer_evictions(c->peers);
}

size_t
core_peer_bytes(const struct core *c)
{
	return peer_table_bytes(c->peers);
}

enum core_state
core_state(const struct core *c)
{
	return c->st.state;
}

const char *
core_drop_name(enum core_drop d)
{
	if ((unsigned int)d >= DROP_MAX)
		return "unknown";
	return core_drop_names[d];
}

struct core_walk {
	uint64_t	 now;
	const struct peer_table *peers;
	core_peer_fn	*fn;
	void		*arg;
};

static void
core_walk_one(void *arg, const struct peer *p)
{
	struct core_walk *w = arg;
	struct core_peer cp;

	memset(&cp, 0, sizeof(cp));
	cp.addr = p->addr;
	cp.ip = p->ip;
	cp.port = p->port;
	cp.trusted = p->trusted;
	if (discovery_is_local(p, w->now)) {
		cp.local = discovery_fresh(p, w->now) ? 2 : 1;
		cp.local_ip = p->local_ip;
		cp.local_port = p->local_port;
	}
	cp.rx_ago = !p->has_rx ? -1 : (int64_t)peer_age(p->last_rx, w->now);
	cp.tx_ago = !p->has_tx ? -1 : (int64_t)peer_age(p->last_tx, w->now);
	cp.queued = peer_queue_len(w->peers, p);
	w->fn(w->arg, &cp);
}

uint64_t
core_peer_page(struct core *c, uint64_t now, uint64_t cursor,
    unsigned int max, core_peer_fn *fn, void *arg)
{
	struct core_walk w = { now, c->peers, fn, arg };

	return peer_walk(c->peers, cursor, max, core_walk_one, &w);
}
