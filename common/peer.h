/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef PEER_H
#define PEER_H

/*
 * The Teredo peer list (RFC 4380 5.2, 5.4): a hash table keyed by IPv6
 * address (SipHash with a secret key, so that nobody can aim collisions
 * at one bucket), with a hard cap and LRU eviction (untrusted peers
 * first, then trusted ones: see peer_add()), a bounded FIFO queue
 * per peer under a global byte budget, and a list of peers with a pending
 * retry deadline.  Every operation is O(1) (the retry list is appended to
 * in deadline order; see peer_timer_set()).  No I/O, no clock.
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* RFC 4380 5.2: an entry is valid 30 s after the last reception. */
#define PEER_VALID_MS	30000
#define PEER_QUEUE_MAX	65536	/* per-peer queue bytes */
#define PEER_NONCE_LEN	8
#define PEER_TRAILER_NONCE_LEN	4	/* RFC 6081 4.2 */

struct peer_pkt;

struct peer {
	struct in6_addr	 addr;
	uint32_t	 ip;		/* mapping or relay (nbo), or 0 */
	uint16_t	 port;
	uint8_t		 trusted;
	uint8_t		 probes;	/* bubbles/echoes not answered */
	uint64_t	 last_rx;	/* last reception (0: never) */
	uint64_t	 last_probe;	/* last bubble or echo sent */
	uint64_t	 last_tx;	/* last transmission to it (5.2.6) */
	uint8_t		 has_tx;	/* last_tx is set */
	uint64_t	 window;	/* start of the 5.2.6 300 s window */
	uint64_t	 deadline;	/* retry time, on the timer list */
	uint8_t		 nonce[PEER_NONCE_LEN];	/* echo test */
	/*
	 * Local discovery (RFC 4380 5.2.8, discovery.c): the on-link
	 * address its last discovery bubble came from, and whether a
	 * unicast packet from there proved it (5.2.3 case 5).  This trust
	 * is separate from the mapping's above and only ever lets us send
	 * to, and accept from, local_ip:local_port.
	 */
	uint32_t	 local_ip;	/* nbo, 0: not a local peer */
	uint16_t	 local_port;
	uint8_t		 local_trusted;
	uint64_t	 local_seen;	/* last discovery bubble */
	uint64_t	 local_rx;	/* last reception from local_ip */
	uint64_t	 local_reply;	/* last unicast reply bubble to it */
	/* RFC 6081 5.2.1: the nonce of our last indirect bubble to it. */
	uint8_t		 nonce_sent[PEER_TRAILER_NONCE_LEN];
	uint8_t		 has_nonce_sent;
	/* RFC 6081 5.4.1, 5.5.1 (random ports, rport.c). */
	int		 rsock;		/* our random-port socket, or 0 */
	uint16_t	 rport;		/* our predicted external port */
	uint16_t	 peer_rport;	/* the peer's, from its trailer */
	uint8_t		 rx_random;	/* trusted through rsock */
	uint8_t		 x6081;		/* sent us an RFC 6081 trailer */
	uint8_t		 echo_tries;
	uint16_t	 echo_lo, echo_hi;
	uint8_t		 echo_nonce1[PEER_NONCE_LEN];
	uint8_t		 echo_nonce2[PEER_NONCE_LEN];
	/* Owned by the table. */
	uint64_t	 last_use;
	struct peer	*hnext;
	struct peer	*lru_prev, *lru_next;
	uint8_t		 lru_list;	/* 1: on the trusted list */
	struct peer	*tm_prev, *tm_next;
	int		 on_timer;
	struct peer_pkt	*qhead, *qtail;
	size_t		 qbytes;
	unsigned int	 qlen;
};

struct peer_table;

/* Called by peer_flush() for each queued packet, oldest first. */
typedef void	peer_flush_fn(void *arg, struct peer *p, const void *pkt,
		    size_t len, int inbound, uint32_t ip, uint16_t port);

struct peer_table *peer_table_new(unsigned int max, size_t queue_bytes,
	    const uint8_t key[16]);
void	peer_table_free(struct peer_table *t);
/* Forget every peer (new address: 5.2 says the list is reset). */
void	peer_table_clear(struct peer_table *t);

/* Look up addr; a hit becomes the most recently used entry. */
struct peer *peer_find(struct peer_table *t, const struct in6_addr *addr,
	    uint64_t now);
/*
 * Add addr (not present); at the cap evicts the LRU untrusted entry, or
 * the LRU trusted one if there is no untrusted one.  NULL: ENOMEM.
 */
struct peer *peer_add(struct peer_table *t, const struct in6_addr *addr,
	    uint64_t now);
void	peer_del(struct peer_table *t, struct peer *p);
/*
 * Mark p trusted (it answered): it moves to the trusted LRU list, which
 * is evicted from only when no untrusted peer is left.
 */
void	peer_set_trusted(struct peer_table *t, struct peer *p);
/* The least recently used peer (of either list), or NULL. */
struct peer *peer_oldest(const struct peer_table *t);
unsigned int peer_count(const struct peer_table *t);
uint64_t peer_evictions(const struct peer_table *t);
size_t	peer_queued_bytes(const struct peer_table *t);

/*
 * A page of the table for the status socket: calls fn for at most max
 * peers from cursor on (0: the start), visiting at most PEER_WALK_BUCKETS
 * buckets, and returns the cursor of the next page, or UINT64_MAX at the
 * end.  Not a snapshot: a peer added or removed between two pages may be
 * missed or listed twice; one present throughout is listed.
 */
#define PEER_WALK_BUCKETS	65536
typedef void	peer_walk_fn(void *arg, const struct peer *p);
uint64_t peer_walk(const struct peer_table *t, uint64_t cursor,
	    unsigned int max, peer_walk_fn *fn, void *arg);

/*
 * Append a copy of pkt to p's queue; inbound packets remember the
 * ip:port they came from.  -1 when the peer's queue or the global budget
 * is full (nothing queued).
 */
int	peer_enqueue(struct peer_table *t, struct peer *p, const void *pkt,
	    size_t len, int inbound, uint32_t ip, uint16_t port);
/* Detach p's queue, hand each packet to fn in FIFO order, free them. */
void	peer_flush(struct peer_table *t, struct peer *p, peer_flush_fn *fn,
	    void *arg);

/*
 * The retry list.  Deadlines are appended in order: callers only ever set
 * now + a constant, so the insertion walk from the tail is O(1).
 */
void	peer_timer_set(struct peer_table *t, struct peer *p, uint64_t when);
void	peer_timer_clear(struct peer_table *t, struct peer *p);
struct peer *peer_timer_first(const struct peer_table *t);

#endif /* PEER_H */
