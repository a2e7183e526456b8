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
 * in deadline order; see peer_timer_set()), but peer_table_clear() and
 * the rebase after a clock jump (below).  No I/O, no clock.
 *
 * Memory (a public relay holds 10^6 peers): entries live in chunks of
 * PEER_CHUNK slots, allocated as the table fills and reused through a
 * free list, never one allocation per peer; links are 32-bit slot
 * numbers, times 32-bit stamps; a queue exists only while packets wait
 * (a side table); the hash table grows a bucket at a time (linear
 * hashing).  The table counts what it uses (peer_table_bytes()): 124
 * bytes per peer at 10^6, tests/unit/test_peer.c holds it to 128.
 *
 * Adding a field: the unit test and PEER_SIZE_MAX fail past 120 bytes
 * (sizeof(struct peer) is 120 today, with local discovery's and RFC
 * 6081's fields: the budget is spent; a new field must take the place of
 * one, or move state used only for a while to a side table).  Put it with the core's fields;
 * keep flags in uint8_t next to the others and times as peer_stamp()
 * values (uint32_t), never uint64_t, each also in peer_clamp_all() and
 * peer_rebase() (peer.c); state used only for a while (like the queue)
 * belongs in a side table referenced by a 32-bit index.
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* RFC 4380 5.2: an entry is valid 30 s after the last reception. */
#define PEER_VALID_MS	30000
#define PEER_QUEUE_MAX	65536	/* per-peer queue bytes */
#define PEER_NONCE_LEN	8
#define PEER_TRAILER_NONCE_LEN	4	/* RFC 6081 4.2 */
#define PEER_SIZE_MAX	120	/* sizeof(struct peer): see above */

/*
 * Times in a peer are the low 32 bits of the millisecond clock
 * (peer_stamp()), read back as an age (peer_age()).  The table keeps
 * every stamp of a live peer less than PEER_OLD_MS behind its clock (the
 * latest time it was given): older ones are moved up to PEER_OLD_MS when
 * the peer is looked up, and a clock jump of more than PEER_OLD_MS (a
 * suspended host) moves them all; so an age never wraps.  12 days is far
 * beyond any RFC 4380 interval (the longest is 300 s).
 */
#define PEER_OLD_MS	(UINT32_C(1) << 30)

uint32_t peer_stamp(uint64_t now);
/* Milliseconds since stamp s (0 if s is ahead of now). */
uint32_t peer_age(uint32_t s, uint64_t now);

struct peer {
	/* The core's (RFC 4380 state). */
	struct in6_addr	 addr;
	uint32_t	 ip;		/* mapping or relay (nbo), or 0 */
	uint16_t	 port;
	uint8_t		 trusted;
	uint8_t		 probes;	/* bubbles/echoes not answered */
	uint32_t	 last_rx;	/* last reception, if has_rx */
	uint32_t	 last_tx;	/* last transmission (5.2.6), if has_tx */
	uint32_t	 window;	/* start of the 5.2.6 300 s window */
	uint8_t		 nonce[PEER_NONCE_LEN];	/* echo test */
	/*
	 * Local discovery (RFC 4380 5.2.8, discovery.c): the on-link
	 * address its last discovery bubble came from, and whether a
	 * unicast packet from there proved it (5.2.3 case 5).  This trust
	 * is separate from the mapping's above and only ever lets us send
	 * to, and accept from, local_ip:local_port.  Stamps, when local_ip.
	 */
	uint32_t	 local_ip;	/* nbo, 0: not a local peer */
	uint32_t	 local_seen;	/* last discovery bubble */
	uint32_t	 local_rx;	/* last reception from local_ip */
	uint32_t	 local_reply;	/* last unicast reply bubble to it */
	/* RFC 6081 5.2.1: the nonce of our last indirect bubble to it. */
	uint8_t		 nonce_sent[PEER_TRAILER_NONCE_LEN];
	/*
	 * RFC 6081 5.4.1, 5.5.1 (random ports, rport.c); the echo test's
	 * state is the random-port socket's (struct core_rport).
	 */
	int		 rsock;		/* our random-port socket, or 0 */
	uint16_t	 local_port;
	uint16_t	 rport;		/* our predicted external port */
	uint16_t	 peer_rport;	/* the peer's, from its trailer */
	uint8_t		 local_trusted;
	uint8_t		 has_nonce_sent;
	uint8_t		 rx_random;	/* trusted through rsock */
	uint8_t		 x6081;		/* sent us an RFC 6081 trailer */
	uint8_t		 has_rx;
	uint8_t		 has_tx;
	/* Owned by the table: slot numbers, 0 for none. */
	uint8_t		 lru_list;	/* 1: on the trusted list */
	uint8_t		 on_timer;	/* retry list + 1, or 0 */
	uint32_t	 last_use;	/* stamp */
	uint32_t	 deadline;	/* stamp, while on_timer */
	uint32_t	 id;		/* this entry's slot */
	uint32_t	 hnext;
	uint32_t	 lru_prev, lru_next;
	uint32_t	 tm_prev, tm_next;
	uint32_t	 queue;		/* in the queue table, or 0 */
};

#define PEER_CHUNK	1024	/* entries per allocation */

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
/* Bytes queued for p. */
size_t	peer_queue_len(const struct peer_table *t, const struct peer *p);
/* Every byte the table has allocated (entries, buckets, queues). */
size_t	peer_table_bytes(const struct peer_table *t);
/* The latest time the table was given. */
uint64_t peer_clock(const struct peer_table *t);

/*
 * Idle expiry in bounded steps, so that forgetting 10^6 peers at once
 * does not stall the packets of the others: peer_expire() forgets at
 * most max peers unused for idle_ms or more, least recently used first,
 * stopping at one on the retry list, and returns how many.
 * peer_expire_next() says when it next has work: a time at or before
 * the clock if work is left, UINT64_MAX if the table is empty.
 */
unsigned int peer_expire(struct peer_table *t, uint64_t now,
	    uint32_t idle_ms, unsigned int max);
uint64_t peer_expire_next(const struct peer_table *t, uint32_t idle_ms);

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
 * The retry list.  Callers set deadlines of a few kinds (now + 2 s after
 * a probe, the next second when the probe budget is spent), each kind
 * increasing with time, so the list is kept as a few lists, each sorted,
 * and a deadline is appended to the one whose last deadline is the
 * latest not after it: O(1).  (One sorted list made each re-armed peer
 * walk past all those probed in the last 2 s: 150 ms per core_timer()
 * step in a flood of 10^5 new destinations.)  peer_timer_due() is the first peer whose deadline is at or before now,
 * peer_timer_next() the first deadline (UINT64_MAX: none).
 */
void	peer_timer_set(struct peer_table *t, struct peer *p, uint64_t when);
void	peer_timer_clear(struct peer_table *t, struct peer *p);
struct peer *peer_timer_first(const struct peer_table *t);
struct peer *peer_timer_due(struct peer_table *t, uint64_t now);
uint64_t peer_timer_next(const struct peer_table *t);

#endif /* PEER_H */
