/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The relay's peer table at 10^4..10^6 peers, in process (no root):
 *   peerbench N [N...]
 * For each N, a relay core (tests/unit/core_fake.c's I/O) learns N
 * Teredo peers the way a relay does (a packet from the tunnel, the
 * peer's bubble back from its mapping: trusted, nothing queued), then:
 *   bytes/peer  the table's own count (peer_table_bytes()) and the
 *               growth of this process's VmRSS, per peer
 *   create      microseconds of CPU per peer learned
 *   expiry      all N idle at once: core_timer() calls until they are
 *               gone (1 ms apart, as the engine makes them), the worst
 *               call and the total; between two calls a packet to a
 *               live trusted peer, its worst handling time (all times
 *               are this thread's CPU time)
 *   one pass    what expiring them in a single pass takes (the table
 *               before batching): the latency it would have added
 * Built and run by tests/bench/peers.sh; numbers, not pass/fail.
 */

#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "core_fake.h"
#include "packet.h"
#include "peer.h"
#include "teredo.h"

#define IDLE_MS	300000

static struct fake f;

/*
 * The thread's CPU time: the work a step does, without the time this
 * process waits for the CPU on a machine busy with other jobs (the
 * figures are meant to be taken there too).
 */
static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long
rss_kb(void)
{
	char	 line[256];
	long	 kb = -1;
	FILE	*fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

static struct in6_addr
peer_n(uint32_t srv, unsigned long i, uint32_t *ip, uint16_t *port)
{
	*ip = htonl(ntohl(fake_ip("203.0.113.1")) + i / 60000);
	*port = 1024 + i % 60000;
	return fake_teredo(srv, *ip, *port);
}

/* A packet to peer i from the native host, and its bubble back. */
static void
learn(struct core *c, uint64_t now, uint32_t srv, unsigned long i,
    const struct in6_addr *native)
{
	uint8_t			buf[256];
	struct in6_addr		a;
	uint32_t		ip;
	uint16_t		port;
	size_t			n;

	a = peer_n(srv, i, &ip, &port);
	n = build_echo(buf, sizeof(buf), 0, native, &a, 1, 1, "abc", 3);
	core_tun_input(c, now, buf, n);
	n = build_bubble(buf, sizeof(buf), &a, native);
	core_udp_input(c, now, ip, port, buf, n);
	fake_clear(&f);
}

static struct core *
relay(void)
{
	struct core_config	cfg;
	struct core_io		io;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_RELAY;
	cfg.cone = 1;
	cfg.prefix = TEREDO_PREFIX;
	cfg.mtu = 1280;
	cfg.local_ip = fake_ip("198.51.100.1");
	cfg.relay_src = fake_ip6("2001:db8:20::10");
	fake_init(&f, &io, 3);
	return core_new(&cfg, &io, 0);	/* PeerMax: the relay's default */
}

/* All n peers idle at once: expire them in core_timer() steps. */
static void
expire(struct core *c, unsigned long n, uint32_t srv,
    const struct in6_addr *native)
{
	struct core_status	st;
	uint8_t			buf[256];
	struct in6_addr		live;
	uint32_t		ip;
	uint16_t		port;
	uint64_t		now = 1000 + IDLE_MS, next;
	double			t, dt, worst = 0, total = 0, lw = 0;
	unsigned int		calls = 0;
	size_t			len;

	live = peer_n(srv, n, &ip, &port);
	len = build_echo(buf, sizeof(buf), 0, native, &live, 1, 2, "abc", 3);
	for (;;) {
		t = mono();
		core_timer(c, now);
		dt = mono() - t;
		total += dt;
		worst = dt > worst ? dt : worst;
		calls++;
		/* The live peer's packet, handled after the call. */
		t = mono();
		core_tun_input(c, now, buf, len);
		dt = mono() - t;
		lw = dt > lw ? dt : lw;
		fake_clear(&f);
		next = core_next_timer(c);
		if (next > now + 1000)
			break;
		now = next > now ? next : now + 1;
	}
	core_get_status(c, &st);
	printf("  expiry: %u calls, worst call %.3f ms, total %.1f ms,"
	    " live packet worst %.3f ms, %u peer(s) left\n", calls,
	    worst * 1e3, total * 1e3, lw * 1e3, st.peers);
}

/* The same n idle peers forgotten in one pass (before batching). */
static void
one_pass(unsigned long n)
{
	static const uint8_t	key[16] = { 1 };
	struct peer_table	*t = peer_table_new(1 << 20, 1 << 20, key);
	struct in6_addr		a;
	uint32_t		ip;
	uint16_t		port;
	unsigned long		i;
	double			t0;

	for (i = 0; i < n; i++) {
		a = peer_n(fake_ip("192.0.2.1"), i, &ip, &port);
		peer_add(t, &a, 1000);
	}
	t0 = mono();
	peer_expire(t, 1000 + IDLE_MS, IDLE_MS, ~0u);
	printf("  one pass: %.1f ms for %lu peers\n", (mono() - t0) * 1e3, n);
	peer_table_free(t);
}

/*
 * N destinations that never answer, at 50 000 new ones per second of the
 * fake clock, the core's timers run when due (their repeated bubbles
 * wait for the global budget, CORE_PROBE_PER_SEC): the worst call.
 */
static void
flood(unsigned long n)
{
	struct core		*c = relay();
	struct in6_addr		 native = fake_ip6("2001:db8:1::2"), a;
	uint32_t		 srv = fake_ip("192.0.2.1"), ip;
	uint16_t		 port;
	uint8_t			 buf[256];
	unsigned long		 i;
	uint64_t		 now = 1000, end;
	double			 t, dt, worst = 0, total = 0;
	size_t			 len;

	for (i = 0; i < n; i++) {
		now = 1000 + i / 50;
		a = peer_n(srv, i, &ip, &port);
		len = build_echo(buf, sizeof(buf), 0, &native, &a, 1, 1,
		    "abc", 3);
		core_tun_input(c, now, buf, len);
		fake_clear(&f);
		while (core_next_timer(c) <= now) {
			t = mono();
			core_timer(c, now);
			dt = mono() - t;
			total += dt;
			worst = dt > worst ? dt : worst;
			fake_clear(&f);
		}
	}
	for (end = now + 60000; now < end; now++) {
		if (core_next_timer(c) > now)
			continue;
		t = mono();
		core_timer(c, now);
		dt = mono() - t;
		total += dt;
		worst = dt > worst ? dt : worst;
		fake_clear(&f);
	}
	printf("  flood of %lu silent destinations at 50000/s: worst"
	    " core_timer() %.3f ms, total %.1f ms\n", n, worst * 1e3,
	    total * 1e3);
	core_free(c);
}

static void
bench(unsigned long n)
{
	struct core		*c = relay();
	struct core_status	 st;
	struct in6_addr		 native = fake_ip6("2001:db8:1::2");
	uint32_t		 srv = fake_ip("192.0.2.1");
	unsigned long		 i;
	long			 r0, r1;
	double			 t0, cpu;

	if (c == NULL) {
		fprintf(stderr, "core_new failed\n");
		exit(1);
	}
	r0 = rss_kb();
	t0 = (double)clock() / CLOCKS_PER_SEC;
	for (i = 0; i < n; i++)
		learn(c, 1000, srv, i, &native);
	cpu = (double)clock() / CLOCKS_PER_SEC - t0;
	/* One more, used later: it stays while the others expire. */
	learn(c, 200000, srv, n, &native);
	r1 = rss_kb();
	core_get_status(c, &st);
	printf("N=%lu peers=%u\n", n, st.peers);
	printf("  memory: %.1f bytes/peer (RSS growth %ld kB, %.1f per"
	    " peer), create %.2f us CPU/peer\n",
	    (double)core_peer_bytes(c) / st.peers, r1 - r0,
	    (r1 - r0) * 1024.0 / st.peers, cpu * 1e6 / n);
	expire(c, n, srv, &native);
	core_free(c);
	one_pass(n);
	flood(n);
}

int
main(int argc, char **argv)
{
	int	i;

	if (argc < 2) {
		fprintf(stderr, "usage: peerbench N [N...]\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		bench(strtoul(argv[i], NULL, 10));
	return 0;
}
