/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "peer.h"
#include "siphash.h"

#define PEER_BUCKETS_MAX	(1u << 20)

struct peer_pkt {
	struct peer_pkt	*next;
	size_t		 len;
	uint32_t	 ip;
	uint16_t	 port;
	uint8_t		 inbound;
	uint8_t		 pad;		/* data 8-byte aligned */
	uint8_t		 data[];
};

struct peer_table {
	struct peer	**buckets;
	size_t		 nbuckets;	/* a power of two */
	unsigned int	 max, count;
	size_t		 budget, queued;
	uint64_t	 evicted;
	/*
	 * Two LRU lists, head least recent: [0] peers that never answered,
	 * [1] trusted ones.  At the cap the untrusted list gives way first,
	 * so that a flood of new destinations cannot push out a peer we
	 * talk to (and 5.2.6 would then keep it unreachable for 300 s).
	 */
	struct peer	*lru_head[2], *lru_tail[2];
	struct peer	*tm_head, *tm_tail;	/* head: earliest */
	uint8_t		 key[SIPHASH_KEY_LEN];
};

struct peer_table *
peer_table_new(unsigned int max, size_t queue_bytes, const uint8_t key[16])
{
	struct peer_table	*t;
	size_t			 n = 16;

	if (max == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	/* About one entry per bucket at the cap. */
	while (n < max && n < PEER_BUCKETS_MAX)
		n <<= 1;
	if ((t->buckets = calloc(n, sizeof(*t->buckets))) == NULL) {
		free(t);
		return NULL;
	}
	t->nbuckets = n;
	t->max = max;
	t->budget = queue_bytes;
	memcpy(t->key, key, sizeof(t->key));
	return t;
}

void
peer_table_free(struct peer_table *t)
{
	if (t == NULL)
		return;
	peer_table_clear(t);
	free(t->buckets);
	free(t);
}

void
peer_table_clear(struct peer_table *t)
{
	while (t->lru_head[0] != NULL)
		peer_del(t, t->lru_head[0]);
	while (t->lru_head[1] != NULL)
		peer_del(t, t->lru_head[1]);
}

static struct peer **
peer_bucket(struct peer_table *t, const struct in6_addr *addr)
{
	uint64_t	h;

	h = siphash24(t->key, addr, sizeof(*addr));
	return &t->buckets[h & (t->nbuckets - 1)];
}

static void
peer_lru_unlink(struct peer_table *t, struct peer *p)
{
	unsigned int	l = p->lru_list;

	if (p->lru_prev != NULL)
		p->lru_prev->lru_next = p->lru_next;
	else
		t->lru_head[l] = p->lru_next;
	if (p->lru_next != NULL)
		p->lru_next->lru_prev = p->lru_prev;
	else
		t->lru_tail[l] = p->lru_prev;
	p->lru_prev = p->lru_next = NULL;
}

/* Append p to the list its trust selects. */
static void
peer_lru_append(struct peer_table *t, struct peer *p)
{
	unsigned int	l = p->trusted != 0;

	p->lru_list = l;
	p->lru_next = NULL;
	p->lru_prev = t->lru_tail[l];
	if (t->lru_tail[l] != NULL)
		t->lru_tail[l]->lru_next = p;
	else
		t->lru_head[l] = p;
	t->lru_tail[l] = p;
}

void
peer_set_trusted(struct peer_table *t, struct peer *p)
{
	p->trusted = 1;
	if (p->lru_list != 1) {
		peer_lru_unlink(t, p);
		peer_lru_append(t, p);
	}
}

struct peer *
peer_find(struct peer_table *t, const struct in6_addr *addr, uint64_t now)
{
	struct peer	*p;

	for (p = *peer_bucket(t, addr); p != NULL; p = p->hnext)
		if (memcmp(&p->addr, addr, sizeof(*addr)) == 0)
			break;
	if (p != NULL) {
		p->last_use = now;
		if (t->lru_tail[p->lru_list] != p ||
		    p->lru_list != (p->trusted != 0)) {
			peer_lru_unlink(t, p);
			peer_lru_append(t, p);
		}
	}
	return p;
}

struct peer *
peer_add(struct peer_table *t, const struct in6_addr *addr, uint64_t now)
{
	struct peer	*p, **b, *victim = NULL;

	/*
	 * A hard cap: the least recently used untrusted peer makes room, a
	 * trusted one only when all are trusted.
	 */
	if (t->count >= t->max && (victim = t->lru_head[0]) == NULL)
		victim = t->lru_head[1];
	if (t->count >= t->max && victim != NULL) {
		peer_del(t, victim);
		t->evicted++;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	memcpy(&p->addr, addr, sizeof(p->addr));
	p->last_use = now;
	b = peer_bucket(t, addr);
	p->hnext = *b;
	*b = p;
	peer_lru_append(t, p);
	t->count++;
	return p;
}

static void
peer_queue_free(struct peer_table *t, struct peer *p)
{
	struct peer_pkt	*q, *next;

	for (q = p->qhead; q != NULL; q = next) {
		next = q->next;
		free(q);
	}
	t->queued -= p->qbytes;
	p->qhead = p->qtail = NULL;
	p->qbytes = 0;
	p->qlen = 0;
}

void
peer_del(struct peer_table *t, struct peer *p)
{
	struct peer	**b;

	for (b = peer_bucket(t, &p->addr); *b != NULL; b = &(*b)->hnext)
		if (*b == p) {
			*b = p->hnext;
			break;
		}
	peer_lru_unlink(t, p);
	peer_timer_clear(t, p);
	peer_queue_free(t, p);
	t->count--;
	free(p);
}

struct peer *
peer_oldest(const struct peer_table *t)
{
	struct peer	*u = t->lru_head[0], *r = t->lru_head[1];

	if (u == NULL || (r != NULL && r->last_use < u->last_use))
		return r;
	return u;
}

unsigned int
peer_count(const struct peer_table *t)
{
	return t->count;
}

uint64_t
peer_evictions(const struct peer_table *t)
{
	return t->evicted;
}

size_t
peer_queued_bytes(const struct peer_table *t)
{
	return t->queued;
}

int
peer_enqueue(struct peer_table *t, struct peer *p, const void *pkt,
    size_t len, int inbound, uint32_t ip, uint16_t port)
{
	struct peer_pkt	*q;

	if (len > PEER_QUEUE_MAX - p->qbytes || len > t->budget - t->queued)
		return -1;
	if ((q = malloc(sizeof(*q) + len)) == NULL)
		return -1;
	q->next = NULL;
	q->len = len;
	q->ip = ip;
	q->port = port;
	q->inbound = inbound != 0;
	memcpy(q->data, pkt, len);
	/* FIFO: append at the tail (miredo replayed them in reverse). */
	if (p->qtail != NULL)
		p->qtail->next = q;
	else
		p->qhead = q;
	p->qtail = q;
	p->qbytes += len;
	p->qlen++;
	t->queued += len;
	return 0;
}

void
peer_flush(struct peer_table *t, struct peer *p, peer_flush_fn *fn,
    void *arg)
{
	struct peer_pkt	*q, *next;

	/* Detach first: fn may queue again or look the peer up. */
	q = p->qhead;
	t->queued -= p->qbytes;
	p->qhead = p->qtail = NULL;
	p->qbytes = 0;
	p->qlen = 0;
	for (; q != NULL; q = next) {
		next = q->next;
		fn(arg, p, q->data, q->len, q->inbound, q->ip, q->port);
		free(q);
	}
}

void
peer_timer_clear(struct peer_table *t, struct peer *p)
{
	if (!p->on_timer)
		return;
	if (p->tm_prev != NULL)
		p->tm_prev->tm_next = p->tm_next;
	else
		t->tm_head = p->tm_next;
	if (p->tm_next != NULL)
		p->tm_next->tm_prev = p->tm_prev;
	else
		t->tm_tail = p->tm_prev;
	p->tm_prev = p->tm_next = NULL;
	p->on_timer = 0;
}

void
peer_timer_set(struct peer_table *t, struct peer *p, uint64_t when)
{
	struct peer	*after;

	peer_timer_clear(t, p);
	p->deadline = when;
	after = t->tm_tail;
	while (after != NULL && after->deadline > when)
		after = after->tm_prev;
	p->tm_prev = after;
	p->tm_next = after != NULL ? after->tm_next : t->tm_head;
	if (p->tm_next != NULL)
		p->tm_next->tm_prev = p;
	else
		t->tm_tail = p;
	if (after != NULL)
		after->tm_next = p;
	else
		t->tm_head = p;
	p->on_timer = 1;
}

struct peer *
peer_timer_first(const struct peer_table *t)
{
	return t->tm_head;
}

/* cursor = bucket << 16 | position in its chain. */
uint64_t
peer_walk(const struct peer_table *t, uint64_t cursor, unsigned int max,
    peer_walk_fn *fn, void *arg)
{
	const struct peer *p;
	uint64_t b = cursor >> 16, skip = cursor & 0xffff, pos;
	unsigned int seen = 0, visited = 0;

	for (; b < t->nbuckets && visited < PEER_WALK_BUCKETS; b++, skip = 0) {
		visited++;
		for (p = t->buckets[b], pos = 0; p != NULL; p = p->hnext, pos++) {
			if (pos < skip)
				continue;
			if (seen == max || pos > 0xffff)
				return b << 16 | pos;
			fn(arg, p);
			seen++;
		}
	}
	return b < t->nbuckets ? b << 16 : UINT64_MAX;
}
