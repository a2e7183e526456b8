/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef PEER_IMPL_H
#define PEER_IMPL_H

/*
 * Internals shared by peer.c (the table, its lists and clock) and
 * peer_queue.c (the queues and the retry list).  Not part of the
 * contract: only peer.h is.
 */

#include "peer.h"
#include "siphash.h"

#define PEER_NONE	0	/* slot number of no entry */
#define PEER_TIMER_LISTS 4

struct peer_pkt {
	struct peer_pkt	*next;
	size_t		 len;
	uint32_t	 ip;
	uint16_t	 port;
	uint8_t		 inbound;
	uint8_t		 pad;		/* data 8-byte aligned */
	uint8_t		 data[];
};

/* A queue, only while packets wait; free ones are chained by next. */
struct peer_queue {
	struct peer_pkt	*head, *tail;
	uint32_t	 bytes;
	uint32_t	 next;
};

struct peer_table {
	/*
	 * Linear hashing: buckets[0..level + split - 1] are in use, the
	 * rest of the array (sized for the cap) untouched until the table
	 * grows into it, one bucket split per insertion past one peer per
	 * bucket, so memory follows the peers and no insertion rehashes
	 * the table.
	 */
	uint32_t	*buckets;	/* slot numbers */
	size_t		 nbuckets;	/* the array: a power of two */
	size_t		 level;		/* a power of two, <= nbuckets */
	size_t		 split;		/* next bucket to split, < level */
	/* Entry n (from 1) is chunks[(n - 1) / PEER_CHUNK]. */
	struct peer	**chunks;
	uint32_t	 nchunks, maxchunks;
	uint32_t	 used;		/* slots ever handed out */
	uint32_t	 free;		/* free slots, chained by hnext */
	unsigned int	 max, count;
	size_t		 budget, queued, pktbytes;
	uint64_t	 evicted;
	uint64_t	 now;		/* the clock: latest time given */
	/*
	 * Two LRU lists, head least recent: [0] peers that never answered,
	 * [1] trusted ones.  At the cap the untrusted list gives way first,
	 * so that a flood of new destinations cannot push out a peer we
	 * talk to (and 5.2.6 would then keep it unreachable for 300 s).
	 */
	uint32_t	 lru_head[2], lru_tail[2];
	/* The retry lists, each in deadline order (peer_timer_set()). */
	uint32_t	 tm_head[PEER_TIMER_LISTS], tm_tail[PEER_TIMER_LISTS];
	uint64_t	 tm_steps;	/* insertion walk steps (tests) */
	struct peer_queue *queues;	/* [0] unused */
	uint32_t	 nqueues, qfree;
	uint8_t		 key[SIPHASH_KEY_LEN];
};

struct peer	*peer_at(const struct peer_table *t, uint32_t n);
/* Whether stamp a is before stamp b (both near the clock). */
int		 peer_before(uint32_t a, uint32_t b);
/* The full time of stamp s, which is within 2^31 ms of clock. */
uint64_t	 peer_abs(uint32_t s, uint64_t clock);
/* Advance the clock to now (it never goes back). */
void		 peer_tick(struct peer_table *t, uint64_t now);
void		 peer_queue_drop(struct peer_table *t, struct peer *p);

#endif /* PEER_IMPL_H */
