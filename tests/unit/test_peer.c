/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "peer_impl.h"
#include "t.h"

static const uint8_t key[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
};

static struct in6_addr
addr_n(unsigned int n)
{
	struct in6_addr	a;

	memset(&a, 0, sizeof(a));
	a.s6_addr[0] = 0x20;
	a.s6_addr[1] = 0x01;
	a.s6_addr[12] = n >> 24;
	a.s6_addr[13] = n >> 16;
	a.s6_addr[14] = n >> 8;
	a.s6_addr[15] = n;
	return a;
}

static void
test_insert_lookup(void)
{
	struct peer_table	*t = peer_table_new(1000, 1 << 20, key);
	struct in6_addr		 a;
	unsigned int		 i;

	CHECK(t != NULL);
	for (i = 0; i < 1000; i++) {
		a = addr_n(i);
		CHECK(peer_find(t, &a, i) == NULL);
		CHECK(peer_add(t, &a, i) != NULL);
	}
	CHECK(peer_count(t) == 1000);
	for (i = 0; i < 1000; i++) {
		struct peer	*p;

		a = addr_n(i);
		p = peer_find(t, &a, 2000);
		CHECK(p != NULL && memcmp(&p->addr, &a, sizeof(a)) == 0);
	}
	a = addr_n(5000);
	CHECK(peer_find(t, &a, 3000) == NULL);
	CHECK(peer_evictions(t) == 0);
	peer_table_clear(t);
	CHECK(peer_count(t) == 0);
	a = addr_n(1);
	CHECK(peer_find(t, &a, 3000) == NULL);
	peer_table_free(t);
}

static void
test_lru(void)
{
	struct peer_table	*t = peer_table_new(3, 1 << 20, key);
	struct in6_addr		 a0 = addr_n(0), a1 = addr_n(1);
	struct in6_addr		 a2 = addr_n(2), a3 = addr_n(3);

	peer_add(t, &a0, 1);
	peer_add(t, &a1, 2);
	peer_add(t, &a2, 3);
	/* Using a0 makes a1 the least recently used. */
	CHECK(peer_find(t, &a0, 4) != NULL);
	CHECK(peer_oldest(t) != NULL &&
	    memcmp(&peer_oldest(t)->addr, &a1, sizeof(a1)) == 0);
	CHECK(peer_add(t, &a3, 5) != NULL);
	CHECK(peer_count(t) == 3);
	CHECK(peer_evictions(t) == 1);
	CHECK(peer_find(t, &a1, 6) == NULL);
	CHECK(peer_find(t, &a0, 6) != NULL);
	CHECK(peer_find(t, &a2, 6) != NULL);
	CHECK(peer_find(t, &a3, 6) != NULL);
	peer_table_free(t);
}

/*
 * A flood of new destinations must not evict a trusted peer: untrusted
 * entries give way first (the hostile flood test).  trusted is set the
 * way older callers did, then the peer is looked up, as inbound does.
 */
static void
test_flood_keeps_trusted(void)
{
	struct peer_table	*t = peer_table_new(64, 1 << 20, key);
	struct in6_addr		 good = addr_n(7), a;
	struct peer		*p;
	unsigned int		 i;

	CHECK((p = peer_add(t, &good, 1)) != NULL);
	p->trusted = 1;
	CHECK(peer_find(t, &good, 2) == p);
	for (i = 0; i < 10000; i++) {
		a = addr_n(1000 + i);
		CHECK(peer_add(t, &a, 3 + i) != NULL);
	}
	CHECK(peer_count(t) == 64);
	CHECK(peer_evictions(t) == 10000 - 63);
	p = peer_find(t, &good, 20000);
	CHECK(p != NULL && p->trusted);
	/* Untrusted peers still go in LRU order among themselves. */
	a = addr_n(1000 + 10000 - 63);
	CHECK(peer_find(t, &a, 20001) != NULL);
	a = addr_n(1000 + 10000 - 64);
	CHECK(peer_find(t, &a, 20001) == NULL);
	peer_table_free(t);
}

/* With only trusted peers left, the least recently used one goes. */
static void
test_all_trusted(void)
{
	struct peer_table	*t = peer_table_new(2, 1 << 20, key);
	struct in6_addr		 a0 = addr_n(0), a1 = addr_n(1);
	struct in6_addr		 a2 = addr_n(2), a3 = addr_n(3);
	struct peer		*p;

	peer_set_trusted(t, peer_add(t, &a0, 1));
	peer_set_trusted(t, peer_add(t, &a1, 2));
	CHECK(peer_oldest(t) != NULL &&
	    memcmp(&peer_oldest(t)->addr, &a0, sizeof(a0)) == 0);
	CHECK((p = peer_add(t, &a2, 3)) != NULL);
	CHECK(peer_find(t, &a0, 4) == NULL);
	CHECK(peer_evictions(t) == 1);
	/* a2 (untrusted) is now the victim, not a1. */
	CHECK(peer_add(t, &a3, 5) != NULL);
	CHECK(peer_find(t, &a2, 6) == NULL);
	CHECK(peer_find(t, &a1, 6) != NULL);
	/* The oldest across both lists: a3 (5) before a1 (6). */
	CHECK(peer_oldest(t) != NULL &&
	    memcmp(&peer_oldest(t)->addr, &a3, sizeof(a3)) == 0);
	peer_table_clear(t);
	CHECK(peer_count(t) == 0 && peer_oldest(t) == NULL);
	peer_table_free(t);
}

struct seen {
	int	n;
	int	order[64];
	int	inbound[64];
};

static void
collect(void *arg, struct peer *p, const void *pkt, size_t len,
    int inbound, uint32_t ip, uint16_t port)
{
	struct seen	*s = arg;

	(void)p;
	(void)ip;
	(void)port;
	if (s->n < 64) {
		s->order[s->n] = len > 0 ? ((const uint8_t *)pkt)[0] : -1;
		s->inbound[s->n] = inbound;
		s->n++;
	}
}

static void
collect_none(void *arg, struct peer *p, const void *pkt, size_t len,
    int inbound, uint32_t ip, uint16_t port)
{
	(void)arg;
	(void)p;
	(void)pkt;
	(void)len;
	(void)inbound;
	(void)ip;
	(void)port;
}

static void
test_fifo_budget(void)
{
	struct peer_table	*t = peer_table_new(8, 3000, key);
	struct in6_addr		 a = addr_n(7), b = addr_n(8);
	struct peer		*p, *q;
	uint8_t			 pkt[1000];
	struct seen		 s;
	int			 i;

	p = peer_add(t, &a, 0);
	q = peer_add(t, &b, 0);
	for (i = 0; i < 3; i++) {
		memset(pkt, i + 1, sizeof(pkt));
		CHECK(peer_enqueue(t, p, pkt, 900, i == 1, 1, 2) == 0);
	}
	/* 2700 of 3000 bytes used: 400 more do not fit, 300 do. */
	CHECK(peer_enqueue(t, q, pkt, 400, 0, 0, 0) == -1);
	CHECK(peer_enqueue(t, q, pkt, 300, 0, 0, 0) == 0);
	CHECK(peer_queued_bytes(t) == 3000);
	memset(&s, 0, sizeof(s));
	peer_flush(t, p, collect, &s);
	CHECK(s.n == 3);
	CHECK(s.order[0] == 1 && s.order[1] == 2 && s.order[2] == 3);
	CHECK(s.inbound[0] == 0 && s.inbound[1] == 1);
	CHECK(p->queue == 0 && peer_queue_len(t, p) == 0);
	CHECK(peer_queued_bytes(t) == 300);
	/* Deleting a peer gives its bytes back. */
	peer_del(t, q);
	CHECK(peer_queued_bytes(t) == 0);
	peer_table_free(t);
}

static void
test_per_peer_cap(void)
{
	struct peer_table	*t = peer_table_new(8, 1 << 22, key);
	struct in6_addr		 a = addr_n(9);
	struct peer		*p;
	static uint8_t		 pkt[1280];
	int			 i, ok = 0;

	p = peer_add(t, &a, 0);
	for (i = 0; i < 100; i++)
		ok += peer_enqueue(t, p, pkt, sizeof(pkt), 0, 0, 0) == 0;
	CHECK(ok == PEER_QUEUE_MAX / 1280);
	CHECK(peer_queued_bytes(t) == (size_t)ok * sizeof(pkt));
	/* Eviction frees a queued peer's packets: 8 newer peers fill the
	 * table, p (the least recently used) makes room for the last. */
	for (i = 10; i < 18; i++) {
		a = addr_n(i);
		CHECK(peer_add(t, &a, 1) != NULL);
	}
	CHECK(peer_evictions(t) == 1);
	CHECK(peer_queued_bytes(t) == 0);
	peer_table_free(t);
}

static void
test_timers(void)
{
	struct peer_table	*t = peer_table_new(8, 4096, key);
	struct in6_addr		 a = addr_n(1), b = addr_n(2);
	struct in6_addr		 d = addr_n(3);
	struct peer		*p, *q, *r;

	p = peer_add(t, &a, 0);
	q = peer_add(t, &b, 0);
	r = peer_add(t, &d, 0);
	peer_timer_set(t, p, 2000);
	peer_timer_set(t, q, 2500);
	peer_timer_set(t, r, 1000);
	CHECK(peer_timer_first(t) == r);
	peer_timer_clear(t, r);
	CHECK(peer_timer_first(t) == p);
	peer_timer_set(t, p, 3000);
	CHECK(peer_timer_first(t) == q);
	peer_del(t, q);
	CHECK(peer_timer_first(t) == p);
	peer_table_free(t);
}

/*
 * A public relay's table: 10^6 peers in at most 128 bytes each, counting
 * everything the table allocated (buckets, entries, queue table), and
 * memory taken as peers come, not for the cap up front.
 */
#define MILLION	1000000u
#define IDLE_MS	300000u
#define BATCH	1024u

static void
test_memory(struct peer_table *t)
{
	struct peer_table	*small;
	struct in6_addr		 a;
	size_t			 empty, bytes;
	unsigned int		 i, missed;
	uint8_t			 pkt[100];

	CHECK(sizeof(struct peer) <= PEER_SIZE_MAX);
	empty = peer_table_bytes(t);
	/* Nothing for the cap up front (the chunk pointers: 8 kB). */
	CHECK(empty < 16384);
	for (i = 0; i < 1000; i++) {
		a = addr_n(i);
		CHECK(peer_add(t, &a, 1000) != NULL);
	}
	/* One chunk of entries, and buckets as they are used. */
	CHECK(peer_table_bytes(t) - empty <=
	    PEER_CHUNK * sizeof(struct peer) + 2 * 1000 * sizeof(uint32_t));
	for (; i < MILLION; i++) {
		a = addr_n(i);
		CHECK(peer_add(t, &a, 1000) != NULL);
	}
	CHECK(peer_count(t) == MILLION && peer_evictions(t) == 0);
	/* Every bucket split moved its peers where lookups go. */
	for (i = 0, missed = 0; i < MILLION; i += 7)
		a = addr_n(i), missed += peer_find(t, &a, 1000) == NULL;
	CHECK(missed == 0);
	bytes = peer_table_bytes(t);
	printf("# %zu bytes for %u peers: %.1f per peer (struct peer %zu)\n",
	    bytes, MILLION, (double)bytes / MILLION, sizeof(struct peer));
	CHECK(bytes / MILLION <= 128);
	/* Queues are counted while they exist, and given back. */
	memset(pkt, 0, sizeof(pkt));
	for (i = 0; i < 100; i++) {
		a = addr_n(i);
		CHECK(peer_enqueue(t, peer_find(t, &a, 1000), pkt, sizeof(pkt),
		    0, 0, 0) == 0);
	}
	CHECK(peer_table_bytes(t) >= bytes + 100 * sizeof(pkt));
	for (i = 0; i < 100; i++) {
		a = addr_n(i);
		peer_flush(t, peer_find(t, &a, 1000), collect_none, NULL);
	}
	CHECK(peer_queued_bytes(t) == 0);
	/* The queue table stays (a few entries); the packets are gone. */
	CHECK(peer_table_bytes(t) < bytes + 4096);
	/* A client's default cap: no relay-sized allocation. */
	CHECK((small = peer_table_new(4096, 1 << 20, key)) != NULL);
	CHECK(peer_table_bytes(small) < 32768);
	peer_table_free(small);
}

/*
 * Mass expiry in bounded steps: 10^6 peers idle since the same instant
 * go BATCH per call, the peer in use stays, and peer_expire_next() says
 * work is left (a time at or before the clock) until the last step.
 */
static void
test_mass_expiry(struct peer_table *t)
{
	struct in6_addr	 live = addr_n(MILLION / 2), a;
	uint64_t	 now = 1000 + IDLE_MS;
	unsigned int	 n, calls = 0, total = 0;

	CHECK(peer_find(t, &live, 200000) != NULL);
	CHECK(peer_expire(t, now - 1, IDLE_MS, BATCH) == 0);
	CHECK(peer_expire_next(t, IDLE_MS) == now);
	while ((n = peer_expire(t, now, IDLE_MS, BATCH)) > 0) {
		CHECK(n <= BATCH);
		total += n;
		calls++;
		if (peer_count(t) > 1)
			CHECK(peer_expire_next(t, IDLE_MS) <= now);
	}
	CHECK(total == MILLION - 1 && peer_count(t) == 1);
	CHECK(calls == (MILLION - 1 + BATCH - 1) / BATCH);
	CHECK(peer_find(t, &live, now) != NULL);
	CHECK(peer_expire_next(t, IDLE_MS) == now + IDLE_MS);
	/* Slots are reused, not allocated again. */
	a = addr_n(MILLION + 1);
	total = peer_table_bytes(t);
	CHECK(peer_add(t, &a, now) != NULL);
	CHECK(peer_table_bytes(t) == total);
}

/* Stamps and deadlines across the 2^32 ms wrap of the 32-bit clock. */
static void
test_wrap(void)
{
	struct peer_table	*t = peer_table_new(8, 4096, key);
	struct in6_addr		 a = addr_n(1), b = addr_n(2);
	struct peer		*p, *q;
	uint64_t		 t0 = (UINT64_C(3) << 32) - 5000;

	CHECK((p = peer_add(t, &a, t0)) != NULL);
	CHECK((q = peer_add(t, &b, t0)) != NULL);
	p->last_rx = peer_stamp(t0);
	CHECK(peer_age(p->last_rx, t0 + 7000) == 7000);
	CHECK(peer_age(p->last_rx, t0 - 10) == 0);
	peer_timer_set(t, q, t0 + 7000);
	peer_timer_set(t, p, t0 + 2000);
	CHECK(peer_timer_first(t) == p);
	CHECK(peer_timer_next(t) == t0 + 2000);
	CHECK(peer_timer_due(t, t0 + 1999) == NULL);
	CHECK(peer_timer_due(t, t0 + 2000) == p);
	peer_timer_clear(t, p);
	CHECK(peer_timer_next(t) == t0 + 7000);
	CHECK(peer_timer_due(t, t0 + 6999) == NULL);
	CHECK(peer_timer_due(t, t0 + 7000) == q);
	peer_timer_clear(t, q);
	/* Idle expiry across the wrap, to the millisecond. */
	CHECK(peer_find(t, &a, t0 + 6000) == p);
	CHECK(peer_expire_next(t, IDLE_MS) == t0 + IDLE_MS);
	CHECK(peer_expire(t, t0 + IDLE_MS - 1, IDLE_MS, BATCH) == 0);
	CHECK(peer_expire(t, t0 + IDLE_MS, IDLE_MS, BATCH) == 1);
	CHECK(peer_oldest(t) == p);
	CHECK(peer_expire(t, t0 + 6000 + IDLE_MS, IDLE_MS, BATCH) == 1);
	CHECK(peer_count(t) == 0);
	peer_table_free(t);
}

/*
 * A peer in use for 60 days whose last reception is from day 0: its age
 * must never come back under 30 s when the 32-bit stamp wraps (every
 * 49.7 days), or the relay would send to a stale mapping as if fresh.
 */
static void
test_long_life(void)
{
	struct peer_table	*t = peer_table_new(8, 4096, key);
	struct in6_addr		 a = addr_n(1);
	struct peer		*p;
	uint64_t		 now = 5000, day0 = 5000;
	unsigned int		 bad = 0;

	CHECK((p = peer_add(t, &a, now)) != NULL);
	p->last_rx = p->last_tx = p->window = peer_stamp(now);
	for (now = day0; now < day0 + UINT64_C(60) * 86400000;
	    now += 200000) {
		CHECK(peer_find(t, &a, now) == p);
		if (now - day0 >= PEER_VALID_MS &&
		    (peer_age(p->last_rx, now) < PEER_VALID_MS ||
		    peer_age(p->last_tx, now) < PEER_VALID_MS ||
		    peer_age(p->window, now) < PEER_VALID_MS))
			bad++;
		CHECK(peer_expire(t, now, IDLE_MS, BATCH) == 0);
	}
	CHECK(bad == 0);
	CHECK(peer_age(p->last_rx, now) >= PEER_OLD_MS);
	peer_table_free(t);
}

/*
 * Nobody called for 2^32 ms plus a little (a host suspended 50 days):
 * the stamps would read as a few ms old; the table notices the jump and
 * the peers expire, and a pending retry is due.
 */
static void
test_jump(void)
{
	struct peer_table	*t = peer_table_new(8, 4096, key);
	struct in6_addr		 a = addr_n(1), b = addr_n(2);
	struct peer		*p, *q;
	uint64_t		 now = 1000, later = 1000 + (UINT64_C(1) << 32) + 5;

	CHECK((p = peer_add(t, &a, now)) != NULL);
	CHECK((q = peer_add(t, &b, now)) != NULL);
	p->last_rx = peer_stamp(now);
	peer_timer_set(t, q, now + 2000);
	CHECK(peer_timer_due(t, later) == q);
	CHECK(peer_age(p->last_rx, later) >= PEER_OLD_MS);
	peer_timer_clear(t, q);
	CHECK(peer_expire(t, later, IDLE_MS, BATCH) == 2);
	peer_table_free(t);
}

/*
 * A flood of silent destinations: each gets a probe and a deadline 2 s
 * later, and those past the probe budget are re-armed for the next
 * second, while new ones keep coming.  Each insertion is O(1) (no walk
 * past the peers probed in the last 2 s), and the deadlines come out in
 * order.
 */
static void
test_timer_streams(void)
{
	struct peer_table	*t = peer_table_new(1 << 17, 4096, key);
	struct in6_addr		 a;
	struct peer		*p;
	uint64_t		 now, last = 0;
	unsigned int		 i, fired = 0, bad = 0;

	for (i = 0; i < 100000; i++) {
		now = 1000 + i / 20;		/* 20 new peers per ms */
		a = addr_n(i);
		CHECK((p = peer_add(t, &a, now)) != NULL);
		peer_timer_set(t, p, now + 2000);
		/* Due ones: re-armed at the next second, as over budget. */
		while ((p = peer_timer_due(t, now)) != NULL) {
			if (peer_timer_next(t) < last)
				bad++;
			last = peer_timer_next(t);
			peer_timer_set(t, p, (now / 1000 + 1) * 1000);
			fired++;
		}
	}
	CHECK(fired > 100000 && bad == 0);
	printf("# %u re-arms, %llu walk steps\n", fired,
	    (unsigned long long)t->tm_steps);
	CHECK(t->tm_steps <= 100000 + fired);
	/* All of them in deadline order. */
	for (last = 0, i = 0; (p = peer_timer_first(t)) != NULL; i++) {
		if (peer_timer_next(t) < last)
			bad++;
		last = peer_timer_next(t);
		peer_timer_clear(t, p);
	}
	CHECK(i == 100000 && bad == 0);
	peer_table_free(t);
}

int
main(void)
{
	struct peer_table	*big;

	test_insert_lookup();
	test_lru();
	test_flood_keeps_trusted();
	test_all_trusted();
	test_fifo_budget();
	test_per_peer_cap();
	test_timers();
	test_timer_streams();
	test_wrap();
	test_long_life();
	test_jump();
	CHECK((big = peer_table_new(1 << 20, 1 << 20, key)) != NULL);
	test_memory(big);
	test_mass_expiry(big);
	peer_table_free(big);
	return T_DONE();
}
