/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "peer_impl.h"

#define PEER_BUCKETS_MAX	(1u << 20)

_Static_assert(sizeof(struct peer) <= PEER_SIZE_MAX,
    "struct peer outgrew the 128 bytes per peer budget (peer.h)");

uint32_t
peer_stamp(uint64_t now)
{
	return (uint32_t)now;
}

uint32_t
peer_age(uint32_t s, uint64_t now)
{
	uint32_t	d = (uint32_t)now - s;

	return d > INT32_MAX ? 0 : d;
}

int
peer_before(uint32_t a, uint32_t b)
{
	return (uint32_t)(a - b) > INT32_MAX;
}

/* The full time of stamp s, which is within 2^31 ms of clock. */
uint64_t
peer_abs(uint32_t s, uint64_t clock)
{
	uint32_t	d = s - (uint32_t)clock;

	if (d <= INT32_MAX)
		return clock + d;
	d = (uint32_t)0 - d;
	return d > clock ? 0 : clock - d;
}

struct peer *
peer_at(const struct peer_table *t, uint32_t n)
{
	if (n == PEER_NONE)
		return NULL;
	n--;
	return &t->chunks[n / PEER_CHUNK][n % PEER_CHUNK];
}

struct peer_table *
peer_table_new(unsigned int max, size_t queue_bytes, const uint8_t key[16])
{
	struct peer_table	*t;
	size_t			 n = 16;

	if (max == 0 || max >= UINT32_MAX / 2 ||
	    (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	/* About one entry per bucket at the cap. */
	while (n < max && n < PEER_BUCKETS_MAX)
		n <<= 1;
	t->maxchunks = (max + PEER_CHUNK - 1) / PEER_CHUNK;
	/* Untouched pages of a large calloc() cost no memory yet. */
	t->buckets = calloc(n, sizeof(*t->buckets));
	t->chunks = calloc(t->maxchunks, sizeof(*t->chunks));
	if (t->buckets == NULL || t->chunks == NULL) {
		free(t->buckets);
		free(t->chunks);
		free(t);
		return NULL;
	}
	t->nbuckets = n;
	t->level = 16;
	t->max = max;
	t->budget = queue_bytes;
	memcpy(t->key, key, sizeof(t->key));
	return t;
}

void
peer_table_free(struct peer_table *t)
{
	uint32_t	i;

	if (t == NULL)
		return;
	peer_table_clear(t);
	for (i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->buckets);
	free(t->queues);
	free(t);
}

void
peer_table_clear(struct peer_table *t)
{
	while (t->lru_head[0] != PEER_NONE)
		peer_del(t, peer_at(t, t->lru_head[0]));
	while (t->lru_head[1] != PEER_NONE)
		peer_del(t, peer_at(t, t->lru_head[1]));
}

static size_t
peer_index(const struct peer_table *t, const struct in6_addr *addr)
{
	uint64_t	h;
	size_t		b;

	h = siphash24(t->key, addr, sizeof(*addr));
	b = h & (t->level - 1);
	if (b < t->split)
		b = h & (2 * t->level - 1);
	return b;
}

static uint32_t *
peer_bucket(struct peer_table *t, const struct in6_addr *addr)
{
	return &t->buckets[peer_index(t, addr)];
}

/*
 * Split bucket t->split into itself and the first unused one, each in
 * its old order (a status listing paged inside the chain stays close).
 */
static void
peer_grow(struct peer_table *t)
{
	uint32_t	 n, next, *home, *from, *to;
	struct peer	*p;

	if (t->level + t->split >= t->nbuckets)
		return;
	home = from = &t->buckets[t->split];
	to = &t->buckets[t->split + t->level];
	n = *from;
	*from = PEER_NONE;
	if (++t->split == t->level) {
		t->level *= 2;
		t->split = 0;
	}
	for (; n != PEER_NONE; n = next) {
		p = peer_at(t, n);
		next = p->hnext;
		p->hnext = PEER_NONE;
		if (peer_bucket(t, &p->addr) == home) {
			*from = n;
			from = &p->hnext;
		} else {
			*to = n;
			to = &p->hnext;
		}
	}
}

static void
peer_lru_unlink(struct peer_table *t, struct peer *p)
{
	unsigned int	l = p->lru_list;

	if (p->lru_prev != PEER_NONE)
		peer_at(t, p->lru_prev)->lru_next = p->lru_next;
	else
		t->lru_head[l] = p->lru_next;
	if (p->lru_next != PEER_NONE)
		peer_at(t, p->lru_next)->lru_prev = p->lru_prev;
	else
		t->lru_tail[l] = p->lru_prev;
	p->lru_prev = p->lru_next = PEER_NONE;
}

/* Append p to the list its trust selects. */
static void
peer_lru_append(struct peer_table *t, struct peer *p)
{
	unsigned int	l = p->trusted != 0;

	p->lru_list = l;
	p->lru_next = PEER_NONE;
	p->lru_prev = t->lru_tail[l];
	if (t->lru_tail[l] != PEER_NONE)
		peer_at(t, t->lru_tail[l])->lru_next = p->id;
	else
		t->lru_head[l] = p->id;
	t->lru_tail[l] = p->id;
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

/* Stamp s moved up to PEER_OLD_MS behind c if it is older. */
static uint32_t
peer_clamp(uint32_t s, uint32_t c)
{
	uint32_t	age = c - s;

	return age > PEER_OLD_MS && age <= INT32_MAX ? c - PEER_OLD_MS : s;
}

static void
peer_clamp_all(struct peer *p, uint32_t c)
{
	p->last_rx = peer_clamp(p->last_rx, c);
	p->last_tx = peer_clamp(p->last_tx, c);
	p->window = peer_clamp(p->window, c);
	p->last_use = peer_clamp(p->last_use, c);
	p->local_seen = peer_clamp(p->local_seen, c);
	p->local_rx = peer_clamp(p->local_rx, c);
	p->local_reply = peer_clamp(p->local_reply, c);
}

/* A stamp made under the old clock, seen from now after a jump. */
static uint32_t
peer_rebase_one(uint32_t s, uint64_t old, uint64_t now)
{
	uint64_t	abs = peer_abs(s, old);

	return abs + PEER_OLD_MS < now ? peer_stamp(now - PEER_OLD_MS) : s;
}

/*
 * The clock jumped by more than PEER_OLD_MS (nobody called for 12 days:
 * a suspended host): stamps could wrap, so every one is moved up now.
 * O(n), once per such jump.
 */
static void
peer_rebase(struct peer_table *t, uint64_t now)
{
	struct peer	*p;
	unsigned int	 l;

	for (l = 0; l < 2; l++)
		for (p = peer_at(t, t->lru_head[l]); p != NULL;
		    p = peer_at(t, p->lru_next)) {
			p->last_rx = peer_rebase_one(p->last_rx, t->now, now);
			p->last_tx = peer_rebase_one(p->last_tx, t->now, now);
			p->window = peer_rebase_one(p->window, t->now, now);
			p->last_use = peer_rebase_one(p->last_use, t->now,
			    now);
			p->local_seen = peer_rebase_one(p->local_seen,
			    t->now, now);
			p->local_rx = peer_rebase_one(p->local_rx, t->now,
			    now);
			p->local_reply = peer_rebase_one(p->local_reply,
			    t->now, now);
			/* Still in order: the moved ones lead their list. */
			if (p->on_timer && peer_abs(p->deadline, t->now) < now)
				p->deadline = peer_stamp(now);
		}
}

void
peer_tick(struct peer_table *t, uint64_t now)
{
	if (now <= t->now)
		return;
	if (now - t->now > PEER_OLD_MS)
		peer_rebase(t, now);
	t->now = now;
}

uint64_t
peer_clock(const struct peer_table *t)
{
	return t->now;
}

struct peer *
peer_find(struct peer_table *t, const struct in6_addr *addr, uint64_t now)
{
	struct peer	*p;

	peer_tick(t, now);
	for (p = peer_at(t, *peer_bucket(t, addr)); p != NULL;
	    p = peer_at(t, p->hnext))
		if (memcmp(&p->addr, addr, sizeof(*addr)) == 0)
			break;
	if (p != NULL) {
		p->last_use = peer_stamp(now);
		peer_clamp_all(p, peer_stamp(t->now));
		if (t->lru_tail[p->lru_list] != p->id ||
		    p->lru_list != (p->trusted != 0)) {
			peer_lru_unlink(t, p);
			peer_lru_append(t, p);
		}
	}
	return p;
}

/* A zeroed entry from the free list or a new chunk, or NULL. */
static struct peer *
peer_slot_new(struct peer_table *t)
{
	struct peer	*p;
	uint32_t	 n, c;

	if (t->free != PEER_NONE) {
		n = t->free;
		t->free = peer_at(t, n)->hnext;
	} else {
		if (t->used % PEER_CHUNK == 0) {
			c = t->used / PEER_CHUNK;
			if (c >= t->maxchunks || (t->chunks[c] =
			    malloc(PEER_CHUNK * sizeof(struct peer))) == NULL)
				return NULL;
			t->nchunks++;
		}
		n = ++t->used;
	}
	p = peer_at(t, n);
	memset(p, 0, sizeof(*p));
	p->id = n;
	return p;
}

struct peer *
peer_add(struct peer_table *t, const struct in6_addr *addr, uint64_t now)
{
	struct peer	*p, *victim = NULL;
	uint32_t	*b, s = peer_stamp(now);

	peer_tick(t, now);
	/*
	 * A hard cap: the least recently used untrusted peer makes room, a
	 * trusted one only when all are trusted.
	 */
	if (t->count >= t->max && (victim = peer_at(t, t->lru_head[0])) == NULL)
		victim = peer_at(t, t->lru_head[1]);
	if (t->count >= t->max && victim != NULL) {
		peer_del(t, victim);
		t->evicted++;
	}
	if ((p = peer_slot_new(t)) == NULL)
		return NULL;
	memcpy(&p->addr, addr, sizeof(p->addr));
	p->last_rx = p->last_tx = p->window = s;
	p->last_use = p->local_seen = p->local_rx = p->local_reply = s;
	b = peer_bucket(t, addr);
	p->hnext = *b;
	*b = p->id;
	peer_lru_append(t, p);
	if (++t->count > t->level + t->split)
		peer_grow(t);
	return p;
}

void
peer_del(struct peer_table *t, struct peer *p)
{
	uint32_t	*b;

	for (b = peer_bucket(t, &p->addr); *b != PEER_NONE;
	    b = &peer_at(t, *b)->hnext)
		if (*b == p->id) {
			*b = p->hnext;
			break;
		}
	peer_lru_unlink(t, p);
	peer_timer_clear(t, p);
	peer_queue_drop(t, p);
	t->count--;
	p->hnext = t->free;
	t->free = p->id;
}

struct peer *
peer_oldest(const struct peer_table *t)
{
	struct peer	*u = peer_at(t, t->lru_head[0]);
	struct peer	*r = peer_at(t, t->lru_head[1]);

	if (u == NULL || (r != NULL && peer_before(r->last_use, u->last_use)))
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

size_t
peer_table_bytes(const struct peer_table *t)
{
	/* The buckets in use: the array's untouched pages cost nothing. */
	return sizeof(*t) + (t->level + t->split) * sizeof(*t->buckets) +
	    t->maxchunks * sizeof(*t->chunks) +
	    (size_t)t->nchunks * PEER_CHUNK * sizeof(struct peer) +
	    t->nqueues * sizeof(*t->queues) + t->pktbytes;
}

unsigned int
peer_expire(struct peer_table *t, uint64_t now, uint32_t idle_ms,
    unsigned int max)
{
	struct peer	*p;
	unsigned int	 n = 0;

	peer_tick(t, now);
	while (n < max && (p = peer_oldest(t)) != NULL && !p->on_timer &&
	    peer_age(p->last_use, now) >= idle_ms) {
		peer_del(t, p);
		n++;
	}
	return n;
}

uint64_t
peer_expire_next(const struct peer_table *t, uint32_t idle_ms)
{
	const struct peer *p = peer_oldest(t);

	/* One on the retry list: its deadline comes first. */
	if (p == NULL || p->on_timer)
		return UINT64_MAX;
	return peer_abs(p->last_use, t->now) + idle_ms;
}

/* cursor = bucket << 16 | position in its chain. */
uint64_t
peer_walk(const struct peer_table *t, uint64_t cursor, unsigned int max,
    peer_walk_fn *fn, void *arg)
{
	const struct peer *p;
	uint64_t b = cursor >> 16, skip = cursor & 0xffff, pos;
	unsigned int seen = 0, visited = 0;

	for (; b < t->level + t->split && visited < PEER_WALK_BUCKETS;
	    b++, skip = 0) {
		visited++;
		for (p = peer_at(t, t->buckets[b]), pos = 0; p != NULL;
		    p = peer_at(t, p->hnext), pos++) {
			if (pos < skip)
				continue;
			if (seen == max || pos > 0xffff)
				return b << 16 | pos;
			fn(arg, p);
			seen++;
		}
	}
	/* Buckets split off later are past b: they are still to come. */
	return b < t->level + t->split ? b << 16 : UINT64_MAX;
}
