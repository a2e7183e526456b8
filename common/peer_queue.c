/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The peers' packet queues and the retry list (peer.h).  A queue exists
 * only while packets wait: a peer holds the 32-bit index of one in a
 * side table that grows by doubling and keeps its free entries chained,
 * so that the 10^6 idle peers of a relay pay 4 bytes for it, not 24.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "peer_impl.h"

#define PEER_QUEUES_MIN	16

static struct peer_queue *
peer_queue_of(const struct peer_table *t, const struct peer *p)
{
	return p->queue != 0 ? &t->queues[p->queue] : NULL;
}

/* Chain entries from..n-1 of the queue table onto its free list. */
static void
peer_queue_chain(struct peer_table *t, uint32_t from, uint32_t n)
{
	uint32_t	i;

	for (i = n; i-- > from;) {
		memset(&t->queues[i], 0, sizeof(t->queues[i]));
		t->queues[i].next = t->qfree;
		t->qfree = i;
	}
}

/* p's queue, made if it has none; NULL: ENOMEM. */
static struct peer_queue *
peer_queue_get(struct peer_table *t, struct peer *p)
{
	struct peer_queue	*q;
	uint32_t		 n;

	if (p->queue != 0)
		return &t->queues[p->queue];
	if (t->qfree == 0) {
		/* At most one queue per peer: count <= max < 2^31. */
		n = t->nqueues == 0 ? PEER_QUEUES_MIN : t->nqueues * 2;
		if ((q = realloc(t->queues, (size_t)n * sizeof(*q))) == NULL)
			return NULL;
		t->queues = q;
		peer_queue_chain(t, t->nqueues == 0 ? 1 : t->nqueues, n);
		t->nqueues = n;
	}
	p->queue = t->qfree;
	q = &t->queues[p->queue];
	t->qfree = q->next;
	memset(q, 0, sizeof(*q));
	return q;
}

/* Give p's queue entry back (its packets are gone or detached). */
static void
peer_queue_put(struct peer_table *t, struct peer *p)
{
	struct peer_queue	*q = &t->queues[p->queue];

	t->queued -= q->bytes;
	memset(q, 0, sizeof(*q));
	q->next = t->qfree;
	t->qfree = p->queue;
	p->queue = 0;
}

static void
peer_pkt_free(struct peer_table *t, struct peer_pkt *k)
{
	t->pktbytes -= sizeof(*k) + k->len;
	free(k);
}

void
peer_queue_drop(struct peer_table *t, struct peer *p)
{
	struct peer_queue	*q;
	struct peer_pkt		*k, *next;

	if ((q = peer_queue_of(t, p)) == NULL)
		return;
	for (k = q->head; k != NULL; k = next) {
		next = k->next;
		peer_pkt_free(t, k);
	}
	peer_queue_put(t, p);
}

size_t
peer_queue_len(const struct peer_table *t, const struct peer *p)
{
	const struct peer_queue	*q = peer_queue_of(t, p);

	return q != NULL ? q->bytes : 0;
}

int
peer_enqueue(struct peer_table *t, struct peer *p, const void *pkt,
    size_t len, int inbound, uint32_t ip, uint16_t port)
{
	struct peer_queue	*q;
	struct peer_pkt		*k;

	if (len > PEER_QUEUE_MAX - peer_queue_len(t, p) ||
	    len > t->budget - t->queued)
		return -1;
	if ((k = malloc(sizeof(*k) + len)) == NULL)
		return -1;
	if ((q = peer_queue_get(t, p)) == NULL) {
		free(k);
		return -1;
	}
	k->next = NULL;
	k->len = len;
	k->ip = ip;
	k->port = port;
	k->inbound = inbound != 0;
	memcpy(k->data, pkt, len);
	/* FIFO: append at the tail (miredo replayed them in reverse). */
	if (q->tail != NULL)
		q->tail->next = k;
	else
		q->head = k;
	q->tail = k;
	q->bytes += len;
	t->queued += len;
	t->pktbytes += sizeof(*k) + len;
	return 0;
}

void
peer_flush(struct peer_table *t, struct peer *p, peer_flush_fn *fn,
    void *arg)
{
	struct peer_queue	*q;
	struct peer_pkt		*k, *next;

	if ((q = peer_queue_of(t, p)) == NULL)
		return;
	/* Detach first: fn may queue again or look the peer up. */
	k = q->head;
	peer_queue_put(t, p);
	for (; k != NULL; k = next) {
		next = k->next;
		fn(arg, p, k->data, k->len, k->inbound, k->ip, k->port);
		peer_pkt_free(t, k);
	}
}

void
peer_timer_clear(struct peer_table *t, struct peer *p)
{
	unsigned int	l;

	if (!p->on_timer)
		return;
	l = p->on_timer - 1;
	if (p->tm_prev != PEER_NONE)
		peer_at(t, p->tm_prev)->tm_next = p->tm_next;
	else
		t->tm_head[l] = p->tm_next;
	if (p->tm_next != PEER_NONE)
		peer_at(t, p->tm_next)->tm_prev = p->tm_prev;
	else
		t->tm_tail[l] = p->tm_prev;
	p->tm_prev = p->tm_next = PEER_NONE;
	p->on_timer = 0;
}

/*
 * The list to put deadline s in: the one whose last deadline is the
 * latest not after s (an append), else an empty one, else list 0, where
 * it is sorted in from the tail.
 */
static unsigned int
peer_timer_pick(const struct peer_table *t, uint32_t s)
{
	const struct peer *tail, *best = NULL;
	unsigned int	 l, pick = PEER_TIMER_LISTS;

	for (l = 0; l < PEER_TIMER_LISTS; l++) {
		if ((tail = peer_at(t, t->tm_tail[l])) == NULL) {
			if (pick == PEER_TIMER_LISTS)
				pick = l;
		} else if (!peer_before(s, tail->deadline) && (best == NULL ||
		    peer_before(best->deadline, tail->deadline))) {
			best = tail;
			pick = l;
		}
	}
	if (best != NULL)
		return best->on_timer - 1;
	return pick == PEER_TIMER_LISTS ? 0 : pick;
}

void
peer_timer_set(struct peer_table *t, struct peer *p, uint64_t when)
{
	struct peer	*after, *next;
	uint32_t	 s = peer_stamp(when);
	unsigned int	 l;

	peer_timer_clear(t, p);
	p->deadline = s;
	l = peer_timer_pick(t, s);
	after = peer_at(t, t->tm_tail[l]);
	while (after != NULL && peer_before(s, after->deadline)) {
		after = peer_at(t, after->tm_prev);
		t->tm_steps++;
	}
	p->tm_prev = after != NULL ? after->id : PEER_NONE;
	p->tm_next = after != NULL ? after->tm_next : t->tm_head[l];
	if ((next = peer_at(t, p->tm_next)) != NULL)
		next->tm_prev = p->id;
	else
		t->tm_tail[l] = p->id;
	if (after != NULL)
		after->tm_next = p->id;
	else
		t->tm_head[l] = p->id;
	p->on_timer = l + 1;
}

/* The earliest deadline of all lists; the lower list on a tie. */
struct peer *
peer_timer_first(const struct peer_table *t)
{
	struct peer	*p, *first = NULL;
	unsigned int	 l;

	for (l = 0; l < PEER_TIMER_LISTS; l++)
		if ((p = peer_at(t, t->tm_head[l])) != NULL &&
		    (first == NULL || peer_before(p->deadline, first->deadline)))
			first = p;
	return first;
}

struct peer *
peer_timer_due(struct peer_table *t, uint64_t now)
{
	struct peer	*p;

	peer_tick(t, now);
	p = peer_timer_first(t);
	if (p == NULL || peer_before(peer_stamp(now), p->deadline))
		return NULL;
	return p;
}

uint64_t
peer_timer_next(const struct peer_table *t)
{
	const struct peer *p = peer_timer_first(t);

	return p != NULL ? peer_abs(p->deadline, t->now) : UINT64_MAX;
}
