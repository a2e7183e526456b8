/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CORE_IMPL_H
#define CORE_IMPL_H

/*
 * Internals shared by the files of the engine core: core.c (entry points,
 * output helpers, timers), qualify.c (client maintenance, RFC 4380 5.2.1,
 * 5.2.5), outbound.c (tunnel to UDP, 5.2.4, 5.4.1), inbound.c (UDP to
 * tunnel, 5.2.3, 5.4.2) and bubble.c (bubbles and connectivity tests,
 * 5.2.6, 5.2.9).  Not part of the contract: only core.h is.
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core.h"
#include "packet.h"
#include "peer.h"
#include "siphash.h"
#include "teredo.h"

#define CORE_PROBE_MS		2000	/* 5.2.6: one bubble per 2 s */
#define CORE_PROBE_MAX		4	/* 4 bubbles; 1 + 3 echoes */
#define CORE_SLR_MAX		3	/* RFC 6081 5.7.2: solicitations */
#define CORE_BUBBLE_WINDOW_MS	300000	/* 5.2.6: 4 in 300 s */
/*
 * After a failed connectivity test, the native destination stays
 * unreachable for this long before a new test (our choice: the RFC gives
 * no figure for echoes and 300 s would be harsh for a native host).
 */
#define CORE_PING_WINDOW_MS	30000
#define CORE_EPOCH_MS		300000	/* bubble hash epoch */
#define CORE_PEER_IDLE_MS	300000	/* forget peers idle for 5 min */
/*
 * Peers expired, or retries run, per core_timer() call: 1024 deletions
 * from a table of 10^6 took 0.3-0.5 ms of CPU on average, 1.6 ms at
 * worst, on the loaded 2-core test machine (tests/bench/peers.sh).
 */
#define CORE_TIMER_BATCH	1024
#define CORE_BACKOFF_MIN_MS	30000	/* qualification back-off */
#define CORE_BACKOFF_MAX_MS	300000
#define CORE_ICMP_PER_SEC	10	/* as miredo: one per 100 ms */
#define CORE_REPLY_PER_SEC	50	/* bubble replies to challenges */
/*
 * Bubbles to an origin indication (5.2.3): the indication can be forged
 * in a packet that seems to come from our server, so the answers are
 * capped globally, or we would send bubbles anywhere on command.
 */
#define CORE_ORIGIN_PER_SEC	50
#define CORE_TEST_PER_SEC	10	/* tests started by inbound */
/*
 * Repeated bubbles and echo requests of the path tests (outbound_probe()),
 * all peers together: each test of a new Teredo destination sends up to
 * 4 pairs of bubbles to addresses the destination names, so without a
 * cap native traffic to made-up destinations is reflected, about 4x in
 * packets (L6 of the security review).  The first probe of each test is
 * not counted, so that a new path opens at once; past the budget a
 * repeat waits for the next second.
 */
#define CORE_PROBE_PER_SEC	200

struct core_rate {
	uint64_t	sec;
	unsigned int	used;
};

/*
 * Local client discovery (RFC 4380 5.2.8, discovery.c).  Discovery
 * bubbles go out at random intervals of 200 to 300 s, and at once when
 * an address is formed; whatever the reason, never two within
 * CORE_DISC_GAP_MS.  A peer is local for 600 s after its last discovery
 * bubble (5.2.4 case 3).  Received ones are handled at most
 * CORE_DISC_RX_PER_SEC a second (the rest are counted and dropped), and
 * each peer gets at most one unicast reply per CORE_PROBE_MS.
 */
#define CORE_DISC_MIN_MS	200000
#define CORE_DISC_SPAN_MS	100000
#define CORE_DISC_GAP_MS	1000
#define CORE_DISC_RX_PER_SEC	20
#define CORE_LOCAL_MS		600000
/*
 * RFC 6081 5.6 (hairpin.c): at most CORE_HAIRPIN_ENTRIES of a peer's
 * alternate addresses are tried (the RFC: SHOULD be at most 2), each
 * under 5.2.6 (one bubble per 2 s, CORE_PROBE_MAX per 300 s), and at
 * most CORE_HAIRPIN_PER_SEC such bubbles a second in all.
 */
#define CORE_HAIRPIN_ENTRIES	2
#define CORE_HAIRPIN_PER_SEC	10

struct core_disc {
	uint64_t	next;		/* periodic bubble, UINT64_MAX: none */
	uint64_t	last;		/* last one sent */
	int		sent;		/* last is set */
	struct core_rate rx_rate;
};

/*
 * Bubbles we send that no peer entry accounts for (answers to origin
 * indications and to challenges): a small table, indexed by a keyed
 * hash, of recent targets, each under the 5.2.6 limits (none within
 * 2 s of the last, at most 4 in 300 s).  A collision only forgets an
 * older target; the global rates stay as the backstop.
 */
#define CORE_TARGETS		256
struct core_target {
	uint32_t	ip;
	uint16_t	port;
	uint8_t		used;
	uint8_t		count;
	uint64_t	last;
	uint64_t	window;
};

struct core_qualify {
	uint8_t		nonce[TEREDO_NONCE_LEN];
	int		rs_pending;	/* nonce outstanding */
	int		backoff_wait;	/* waiting out the back-off */
	int		refreshing;	/* qualified, refresh RS sent */
	int		portmap_wait;	/* the first RS waits (core_portmap) */
	unsigned int	tries;		/* RSs in this round */
	uint64_t	deadline;
	uint64_t	backoff_ms;
	/* The NAT test's RS to the secondary server address (5.2.1). */
	uint8_t		nonce2[TEREDO_NONCE_LEN];
	int		rs2_pending;
};

/* RFC 6081 5.4, 5.5: random-port sockets, each owned by one peer. */
#define CORE_RPORT_MAX		16
struct core_rport {
	int		sock;		/* 0: free */
	struct in6_addr	peer;
	/* 5.5.4.1: the echo test of the peer it is lent to. */
	uint8_t		echo_tries;
	uint16_t	echo_lo, echo_hi;
	uint8_t		echo_nonce1[PEER_NONCE_LEN];
	uint8_t		echo_nonce2[PEER_NONCE_LEN];
};

struct core {
	struct core_config	 cfg;
	struct core_io		 io;
	struct peer_table	*peers;
	/* Secret key of the bubble and echo hashes (bubble.c). */
	uint8_t			 key[SIPHASH_KEY_LEN];
	struct core_status	 st;
	struct core_qualify	 q;
	struct core_disc	 disc;
	struct core_rate	 icmp_rate, reply_rate, test_rate;
	struct core_rate	 origin_rate, probe_rate, hairpin_rate;
	uint16_t		 echo_id;
	int			 backlog;	/* core_timer() left work */
	/* Reply bubbles per target, and IPv4s we sent a bubble to. */
	struct core_target	 reply[CORE_TARGETS];
	struct core_target	 sent[CORE_TARGETS];
	struct core_rport	 rport[CORE_RPORT_MAX];
	int			 in_sock;	/* socket of the datagram */
	/* Client: the last address formed, reused for the same mapping. */
	struct in6_addr		 last_addr;
	uint8_t			 ebuf[TEREDO_MTU];	/* ICMPv6 */
};

/* core.c */
/* Byte tests, safe on misaligned packets. */
int	core_is_ll(const void *a);
int	core_is_mcast(const void *a);
void	core_drop(struct core *c, enum core_drop why);
void	core_send_udp(struct core *c, uint32_t ip, uint16_t port,
	    const void *buf, size_t len);
void	core_send_tun(struct core *c, const void *pkt, size_t len);
void	core_unreach(struct core *c, uint64_t now, uint8_t code,
	    const void *pkt, size_t len);
int	core_rate_ok(struct core_rate *r, uint64_t now, unsigned int max);
uint32_t core_server2(const struct core *c);
int	core_is_client(const struct core *c);

/* qualify.c */
void	qualify_start(struct core *c, uint64_t now);
void	qualify_stop(struct core *c);
void	qualify_timer(struct core *c, uint64_t now);
void	qualify_netchange(struct core *c, uint64_t now);
/* 1 if the packet was an RA (accepted or counted as DROP_BAD_RA). */
int	qualify_input(struct core *c, uint64_t now, uint32_t ip,
	    uint16_t port, const struct teredo_packet *tp);

/* outbound.c */
void	outbound_packet(struct core *c, uint64_t now, const void *pkt,
	    size_t len);
void	outbound_probe(struct core *c, uint64_t now, struct peer *p);
void	outbound_timer(struct core *c, uint64_t now, struct peer *p);
void	outbound_trust(struct core *c, uint64_t now, struct peer *p,
	    uint32_t ip, uint16_t port);

/* inbound.c */
void	inbound_packet(struct core *c, uint64_t now, uint32_t ip,
	    uint16_t port, const struct teredo_packet *tp);
/* From a source that is not global but on our link (discovery.c). */
void	inbound_onlink(struct core *c, uint64_t now, uint32_t ip,
	    uint16_t port, const struct teredo_packet *tp);

/* rport.c (RFC 6081 5.4, 5.5) */
/* Whether the port-preserving or sequential extension is on for p. */
int	rport_active(const struct core *c, const struct peer *p);
/*
 * Before a probe's bubbles: open p's random port (and, sequential, run
 * the echo test).  0 if the indirect bubble must wait for the test.
 */
int	rport_probe(struct core *c, uint64_t now, struct peer *p);
/* The direct bubbles of 5.4.4.3 beyond the RFC 4380 one. */
void	rport_direct(struct core *c, uint64_t now, struct peer *p,
	    uint32_t ip, uint16_t port, const uint8_t *nonce);
/* An indirect bubble's Random Port trailer (5.4.4.4). */
void	rport_learn(struct core *c, uint64_t now, struct peer *p,
	    const struct teredo_packet *tp);
/* A datagram on a random-port socket; 1 if consumed. */
int	rport_input(struct core *c, uint64_t now, int sock, uint32_t ip,
	    uint16_t port, const struct teredo_packet *tp);
/* p is trusted now (through c->in_sock). */
void	rport_trusted(struct core *c, struct peer *p);
/* Send to p's mapping, from its random port if that is the path. */
void	rport_send(struct core *c, struct peer *p, const void *buf,
	    size_t len);
void	rport_close_all(struct core *c);

/* bubble.c */
void	bubble_src(const struct core *c, uint64_t epoch,
	    const struct in6_addr *peer, struct in6_addr *src);
int	bubble_check(const struct core *c, uint64_t now, const void *ip6);
void	bubble_send(struct core *c, uint64_t now, uint32_t ip, uint16_t port,
	    const struct in6_addr *src, const struct in6_addr *dst);
/* The same with an RFC 6081 Nonce trailer (nonce NULL: none). */
void	bubble_send_nonce(struct core *c, uint64_t now, uint32_t ip,
	    uint16_t port, const struct in6_addr *src,
	    const struct in6_addr *dst, const uint8_t *nonce);
/*
 * A bubble from socket sock (0: main) with optional Nonce and Random
 * Port (rport != 0) trailers.
 */
void	bubble_send_tr(struct core *c, uint64_t now, int sock, uint32_t ip,
	    uint16_t port, const struct in6_addr *src,
	    const struct in6_addr *dst, const uint8_t *nonce, uint16_t rport);
/* A direct bubble with a Neighbor Discovery Option trailer (5.7). */
void	bubble_send_nd(struct core *c, uint64_t now, int sock, uint32_t ip,
	    uint16_t port, const struct in6_addr *dst, uint8_t type);
/* RFC 6081 5.2.4.1 (and 5.4.4.2): the nonce-bearing indirect bubble. */
void	bubble_indirect(struct core *c, uint64_t now, struct peer *p);
/*
 * RFC 6081 5.7 (Server Load Reduction): answer a direct bubble that
 * solicits one.
 */
void	bubble_nd_answer(struct core *c, uint64_t now, struct peer *p,
	    uint32_t ip, uint16_t port, const struct teredo_packet *tp);
/*
 * RFC 6081 5.2.4.4: whether a direct bubble from a Teredo peer carries
 * the nonce of our last indirect bubble to it.
 */
int	bubble_nonce_ok(struct core *c, const struct peer *p,
	    const struct teredo_packet *tp);
void	bubble_probe(struct core *c, uint64_t now, struct peer *p);
void	bubble_ping(struct core *c, struct peer *p);
int	bubble_pong(const struct core *c, const struct peer *p,
	    const void *ip6, size_t len);
/*
 * 5.2.6 for a reply bubble to ip:port, then the global rate: 1 if it may
 * go (and counts it in both).
 */
int	bubble_reply_ok(struct core *c, uint64_t now, uint32_t ip,
	    uint16_t port, struct core_rate *global, unsigned int max);
/* Whether we sent a bubble to ip in the last 300 s. */
int	bubble_sent_to(const struct core *c, uint64_t now, uint32_t ip);

/* hairpin.c (RFC 6081 5.6) */
int	hairpin_on(const struct core *c);
size_t	hairpin_trailer(const struct core *c, const struct peer *p,
	    uint64_t now, uint8_t *buf, size_t len);
void	hairpin_learn(struct core *c, uint64_t now, struct peer *p,
	    const struct teredo_packet *tp);
int	hairpin_origin(const struct core *c, const struct peer *p);
int	hairpin_source(const struct core *c, uint32_t ip, uint16_t port);
int	hairpin_proof(struct core *c, const struct peer *p,
	    const struct teredo_packet *tp);

/* discovery.c */
void	discovery_start(struct core *c, uint64_t now);
void	discovery_stop(struct core *c);
void	discovery_timer(struct core *c, uint64_t now);
void	discovery_input(struct core *c, uint64_t now, uint32_t ip,
	    uint16_t port, const void *buf, size_t len);
/* Whether ip is on one of our links' subnets. */
int	discovery_onlink(const struct core *c, uint32_t ip);
/* p sent a discovery bubble in the last 600 s. */
int	discovery_is_local(const struct peer *p, uint64_t now);
/* p is local, proven at its local address and heard within 30 s. */
int	discovery_fresh(const struct peer *p, uint64_t now);
/* A packet from ip:port is p's at its local address (5.2.3 case 5). */
int	discovery_match(const struct peer *p, uint64_t now, uint32_t ip,
	    uint16_t port);
/* Accept tp from p's local address: trust it there, flush, deliver. */
void	discovery_accept(struct core *c, uint64_t now, struct peer *p,
	    const struct teredo_packet *tp);
/* 5.2.4 case 3: unicast bubble to the local address, discovery bubble. */
void	discovery_probe(struct core *c, uint64_t now, struct peer *p);

#endif /* CORE_IMPL_H */
