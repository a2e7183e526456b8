/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <string.h>

#include "core_fake.h"
#include "teredo.h"

static void
fake_send_udp(void *arg, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	struct fake	*f = arg;
	struct fake_pkt	*p;

	if (f->nudp >= FAKE_MAX || len > FAKE_PKT)
		return;
	p = &f->udp[f->nudp++];
	p->ip = ip;
	p->port = port;
	p->len = len;
	memcpy(p->buf, buf, len);
}

static void
fake_send_tun(void *arg, const void *buf, size_t len)
{
	struct fake	*f = arg;
	struct fake_pkt	*p;

	if (f->ntun >= FAKE_MAX || len > FAKE_PKT)
		return;
	p = &f->tun[f->ntun++];
	p->len = len;
	memcpy(p->buf, buf, len);
}

static void
fake_random(void *arg, void *buf, size_t len)
{
	struct fake	*f = arg;
	uint8_t		*b = buf;
	size_t		 i;

	/* xorshift64: deterministic, good enough to vary the bits. */
	for (i = 0; i < len; i++) {
		f->rnd ^= f->rnd << 13;
		f->rnd ^= f->rnd >> 7;
		f->rnd ^= f->rnd << 17;
		b[i] = f->rnd & 0xff;
	}
}

static void
fake_up(void *arg, const struct in6_addr *addr, unsigned int mtu)
{
	struct fake	*f = arg;

	f->ups++;
	f->addr = *addr;
	f->mtu = mtu;
}

static void
fake_down(void *arg)
{
	struct fake	*f = arg;

	f->downs++;
}

void
fake_init(struct fake *f, struct core_io *io, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	f->rnd = seed != 0 ? seed : 0x9e3779b97f4a7c15ull;
	memset(io, 0, sizeof(*io));
	io->arg = f;
	io->send_udp = fake_send_udp;
	io->send_tun = fake_send_tun;
	io->random = fake_random;
	io->up = fake_up;
	io->down = fake_down;
}

void
fake_clear(struct fake *f)
{
	f->nudp = 0;
	f->ntun = 0;
}

void
fake_run(struct core *c, uint64_t *now, uint64_t until)
{
	uint64_t	next;
	unsigned int	guard = 0;

	/* The guard catches a timer that never moves forward. */
	while ((next = core_next_timer(c)) <= until && guard++ < 100000) {
		if (next > *now)
			*now = next;
		core_timer(c, *now);
	}
	*now = until;
}

uint64_t
fake_drop(const struct core *c, enum core_drop d)
{
	struct core_status	st;

	core_get_status(c, &st);
	return st.counters.drop[d];
}

uint32_t
fake_ip(const char *s)
{
	struct in_addr	a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

struct in6_addr
fake_ip6(const char *s)
{
	struct in6_addr	a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

struct in6_addr
fake_teredo(uint32_t srv, uint32_t ip, uint16_t port)
{
	struct teredo_addr	ta;
	struct in6_addr		a;

	ta.prefix = TEREDO_PREFIX;
	ta.server = srv;
	ta.flags = 0;
	ta.port = port;
	ta.client = ip;
	teredo_addr_build(&a, &ta);
	return a;
}

unsigned int
fake_count_to(const struct fake *f, uint32_t ip, uint16_t port)
{
	unsigned int	i, n = 0;

	for (i = 0; i < f->nudp; i++)
		if (f->udp[i].ip == ip && f->udp[i].port == port)
			n++;
	return n;
}
