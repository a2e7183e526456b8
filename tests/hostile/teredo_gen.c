/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * teredo_gen: a hostile Teredo traffic generator for the namespace tests
 * (tests/hostile).  It crafts datagrams of one class with the project's
 * codec and sends them with sendmmsg(2), paced or as fast as possible.
 *
 *   teredo_gen [-F] [-6] [-b ip:port] [-s ip:port] [-d ip:port] [-n count]
 *       [-r pps] [-S server] [-T ipv6] [-L ipv4] class
 *
 * -d  outer destination (not with -6)
 * -b  bind the ordinary UDP socket to ip:port (our own mapping)
 * -s  spoof the outer source (raw IPv4 socket, IP_HDRINCL)
 * -F  flood: packet i comes from (-s address + i % 65536):(1024 + i / 65536)
 * -6  tunnel-side flood: native UDP to count distinct Teredo destinations
 *     (server -S, client -s address + i % 65536, port 1024 + i / 65536)
 * -S  the Teredo server embedded in addresses (198.51.100.10)
 * -T  the inner destination (a client's Teredo address, a native host)
 * -L  an IPv4 address a "loop" destination embeds (the relay's own)
 *
 * "Our mapping" is the outer source; a Teredo source built on it passes
 * the 5.2.3/5.4.2 source check, so that only the defect of the class is
 * what a daemon can drop the packet for.  Prints "sent N".
 */

#include "config.h"
#include "compat.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "packet.h"
#include "teredo.h"

#define GEN_BATCH	64
#define GEN_BUFSZ	(TEREDO_UDP_MAX + 28)
#define GEN_RAW_MAX	1400	/* raw packets are never fragmented */

struct gen {
	const char	*cls;
	int		 flood, tun6, raw, fd;
	struct sockaddr_in dst, src;
	unsigned long	 count, pps;
	uint32_t	 server, loop;
	struct in6_addr	 target;
	/* this packet's outer source */
	uint32_t	 sip;
	uint16_t	 sport;
};

static const struct in6_addr gen_ll = {{{ 0xfe, 0x80, [15] = 1 }}};

static void
gen_hostport(const char *s, struct sockaddr_in *sin)
{
	char	 h[64], *p;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (strlcpy(h, s, sizeof(h)) >= sizeof(h) ||
	    (p = strrchr(h, ':')) == NULL)
		errx(2, "%s: not ip:port", s);
	*p++ = '\0';
	if (inet_pton(AF_INET, h, &sin->sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", h);
	sin->sin_port = htons((uint16_t)strtonum(p, 0, 65535, NULL));
}

static void
gen_teredo(struct in6_addr *a, uint32_t server, uint32_t ip, uint16_t port)
{
	struct teredo_addr	t;

	t.prefix = TEREDO_PREFIX;
	t.server = server;
	t.flags = 0;
	t.port = port;
	t.client = ip;
	teredo_addr_build(a, &t);
}

/* An IPv6/UDP packet with 8 bytes of data (port 9, discard). */
static size_t
gen_udp6(uint8_t *b, size_t sz, const struct in6_addr *src,
    const struct in6_addr *dst)
{
	if (sz < IP6_HDR_LEN + 16)
		return 0;
	memset(b, 0, IP6_HDR_LEN + 16);
	b[0] = 0x60;
	b[5] = 16;
	b[6] = IP6_NXT_UDP;
	b[7] = 64;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
	b[IP6_HDR_LEN + 1] = 9;
	b[IP6_HDR_LEN + 3] = 9;
	b[IP6_HDR_LEN + 5] = 16;
	/* A wrong UDP checksum is the kernel's business, not Teredo's. */
	return IP6_HDR_LEN + 16;
}

/* Classes about the framing: parse errors whatever the daemon. */
static size_t
gen_malformed(const struct gen *g, unsigned long i, uint8_t *b, size_t sz,
    const struct in6_addr *me)
{
	size_t	n = gen_udp6(b, sz, me, &g->target);

	if (strcmp(g->cls, "trunc") == 0)
		return 1 + i % (n - 1);
	if (strcmp(g->cls, "version") == 0)
		b[0] = (i & 1) ? 0x40 : 0x00;
	else if (strcmp(g->cls, "plen") == 0)
		/* Longer than the datagram (shorter is a trailer, below). */
		b[5] = (uint8_t)(16 + 1 + i % 7);
	else if (strcmp(g->cls, "oversize") == 0) {
		/*
		 * Junk after the packet, up to the largest datagram UDP
		 * allows: an RFC 6081 trailer that does not parse (type
		 * and length 0xa5 do not tile it), which costs only itself.
		 */
		n = g->raw ? GEN_RAW_MAX : (i & 1) ? TEREDO_UDP_MAX : 2000;
		memset(b + IP6_HDR_LEN + 16, 0xa5, n - IP6_HDR_LEN - 16);
	} else if (strcmp(g->cls, "authlen") == 0) {
		/* Authentication header whose lengths overrun the datagram. */
		b[0] = 0;
		b[1] = 1;
		b[2] = (uint8_t)(i & 0xff);
		b[3] = 200;
	} else
		return 0;
	return n;
}

static size_t
gen_ra(const struct gen *g, uint8_t *b, size_t sz)
{
	uint8_t	 nonce[TEREDO_NONCE_LEN];
	size_t	 n;

	/* A nonce nobody asked for: 2^-64 to be right. */
	arc4random_buf(nonce, sizeof(nonce));
	n = build_auth(b, sz, nonce, 0);
	n += build_origin(b + n, sz - n, htonl(0xcb007163), 4242);
	return n + build_ra(b + n, sz - n, &gen_ll, &teredo_ll_client,
	    TEREDO_PREFIX, g->server, 0);
}

/* A router solicitation, or an echo request with a wrong checksum. */
static size_t
gen_icmp(const struct gen *g, unsigned long i, uint8_t *b, size_t sz,
    const struct in6_addr *me)
{
	uint8_t		 nonce[TEREDO_NONCE_LEN];
	size_t		 n;

	if (strcmp(g->cls, "rs") == 0) {
		arc4random_buf(nonce, sizeof(nonce));
		n = build_auth(b, sz, nonce, 0);
		return n + build_rs(b + n, sz - n, &teredo_ll_client);
	}
	n = build_echo(b, sz, 0, me, &g->target, 1, (uint16_t)i, "hostile", 7);
	b[IP6_HDR_LEN + 2] ^= 0x5a;
	return n;
}

/* Classes about the contents: each defect has its own drop reason. */
static size_t
gen_content(const struct gen *g, unsigned long i, uint8_t *b, size_t sz,
    const struct in6_addr *me)
{
	struct in6_addr	 a;
	uint8_t		 nonce[TEREDO_NONCE_LEN];
	size_t		 n;
	const char	*c = g->cls;

	if (strcmp(c, "data") == 0)
		return gen_udp6(b, sz, me, &g->target);
	if (strcmp(c, "bubble") == 0)
		return build_bubble(b, sz, me, &g->target);
	if (strcmp(c, "llbubble") == 0)
		return build_bubble(b, sz, &gen_ll, &g->target);
	if (strcmp(c, "lldata") == 0)
		return gen_udp6(b, sz, &gen_ll, &g->target);
	if (strcmp(c, "ra") == 0)
		return gen_ra(g, b, sz);
	if (strcmp(c, "rs") == 0 || strcmp(c, "cksum") == 0)
		return gen_icmp(g, i, b, sz, me);
	if (strcmp(c, "origin") == 0) {
		n = build_origin(b, sz, htonl(0xcb007163), 4242);
		return n + build_bubble(b + n, sz - n, me, &g->target);
	}
	if (strcmp(c, "auth") == 0) {
		/* Authentication on anything but an RS/RA. */
		arc4random_buf(nonce, sizeof(nonce));
		n = build_auth(b, sz, nonce, (uint8_t)i);
		return n + gen_udp6(b + n, sz - n, me, &g->target);
	}
	if (strcmp(c, "spoof") == 0) {
		/* Someone else's mapping: 203.0.113.77:(1000 + i). */
		gen_teredo(&a, g->server, htonl(0xcb00714d),
		    (uint16_t)(1000 + i % 60000));
		return gen_udp6(b, sz, &a, &g->target);
	}
	if (strcmp(c, "nonglobal") == 0) {
		/* CVE-2006-6264: 0.0.0.0:0 inside a Teredo address. */
		gen_teredo(&a, g->server, 0, 0);
		return gen_udp6(b, sz, &a, &g->target);
	}
	if (strcmp(c, "loop") == 0) {
		gen_teredo(&a, g->server, g->loop, TEREDO_PORT);
		return gen_udp6(b, sz, me, &a);
	}
	return gen_malformed(g, i, b, sz, me);
}

/* The outer IPv4/UDP header of a raw packet; the kernel sums the IP. */
static void
gen_outer(const struct gen *g, uint8_t *b, size_t len)
{
	size_t	 tot = len + 28;

	memset(b, 0, 28);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[6] = 0x40;		/* DF */
	b[8] = 64;
	b[9] = IPPROTO_UDP;
	memcpy(b + 12, &g->sip, 4);
	memcpy(b + 16, &g->dst.sin_addr, 4);
	b[20] = (uint8_t)(g->sport >> 8);
	b[21] = (uint8_t)g->sport;
	memcpy(b + 22, &g->dst.sin_port, 2);
	b[24] = (uint8_t)((len + 8) >> 8);
	b[25] = (uint8_t)(len + 8);
	/* UDP checksum 0: none (RFC 768). */
}

/* Packet i into b; its length, 0 if the class is unknown. */
static size_t
gen_packet(struct gen *g, unsigned long i, uint8_t *b, size_t sz)
{
	struct in6_addr	 me;
	size_t		 n, off = g->raw ? 28 : 0;

	if (g->flood) {
		g->sip = htonl(ntohl(g->src.sin_addr.s_addr) + (i & 0xffff));
		g->sport = (uint16_t)(1024 + (i >> 16));
	}
	if (g->tun6) {
		/* Only the destination matters (gen_batch). */
		memset(b, 0x5a, 8);
		return 8;
	}
	gen_teredo(&me, g->server, g->sip, g->sport);
	n = gen_content(g, i, b + off, sz - off, &me);
	if (n == 0)
		return 0;
	if (g->raw) {
		if (n > GEN_RAW_MAX)
			n = GEN_RAW_MAX;
		gen_outer(g, b, n);
	}
	return n + off;
}

static uint8_t			gen_bufs[GEN_BATCH][GEN_BUFSZ];

static void
gen_socket(struct gen *g, const char *bind_to)
{
	struct sockaddr_in	 b;
	socklen_t		 sl = sizeof(b);
	int			 one = 1;

	if (g->tun6)
		g->fd = socket(AF_INET6, SOCK_DGRAM, 0);
	else if (g->raw)
		g->fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	else
		g->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (g->fd == -1)
		err(2, "socket");
	if (g->raw && setsockopt(g->fd, IPPROTO_IP, IP_HDRINCL, &one,
	    sizeof(one)) == -1)
		err(2, "IP_HDRINCL");
	if (g->raw || g->tun6)
		return;
	memset(&b, 0, sizeof(b));
	b.sin_family = AF_INET;
	if (bind_to != NULL)
		gen_hostport(bind_to, &b);
	if (bind(g->fd, (struct sockaddr *)&b, sizeof(b)) == -1 ||
	    getsockname(g->fd, (struct sockaddr *)&b, &sl) == -1)
		err(2, "bind");
	g->sip = b.sin_addr.s_addr;
	g->sport = ntohs(b.sin_port);
}

/* Sleep until packet sent is due at pps packets per second. */
static void
gen_pace(const struct gen *g, const struct timespec *t0, unsigned long sent)
{
	struct timespec	 now, d;
	double		 due, el;

	if (g->pps == 0)
		return;
	due = (double)sent / (double)g->pps;
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	el = (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
	if (due <= el)
		return;
	d.tv_sec = (time_t)(due - el);
	d.tv_nsec = (long)((due - el - (double)d.tv_sec) * 1e9);
	(void)nanosleep(&d, NULL);
}

/* Fill one batch from packet i on; the number of messages. */
static unsigned int
gen_batch(struct gen *g, unsigned long i, struct mmsghdr *m,
    struct iovec *iov, struct sockaddr_in6 *names)
{
	unsigned int	 k;
	size_t		 n;

	memset(m, 0, sizeof(*m) * GEN_BATCH);
	for (k = 0; k < GEN_BATCH && i + k < g->count; k++) {
		n = gen_packet(g, i + k, gen_bufs[k], GEN_BUFSZ);
		if (n == 0)
			errx(2, "%s: unknown class", g->cls);
		iov[k].iov_base = gen_bufs[k];
		iov[k].iov_len = n;
		m[k].msg_hdr.msg_iov = &iov[k];
		m[k].msg_hdr.msg_iovlen = 1;
		if (g->tun6) {
			/* To the Teredo address of this packet's mapping. */
			memset(&names[k], 0, sizeof(names[k]));
			names[k].sin6_family = AF_INET6;
			names[k].sin6_port = htons(9);
			gen_teredo(&names[k].sin6_addr, g->server, g->sip,
			    g->sport);
			m[k].msg_hdr.msg_name = &names[k];
			m[k].msg_hdr.msg_namelen = sizeof(names[k]);
		} else {
			m[k].msg_hdr.msg_name = &g->dst;
			m[k].msg_hdr.msg_namelen = sizeof(g->dst);
		}
	}
	return k;
}

static unsigned long
gen_run(struct gen *g)
{
	static struct mmsghdr	 m[GEN_BATCH];
	static struct iovec	 iov[GEN_BATCH];
	static struct sockaddr_in6 names[GEN_BATCH];
	struct timespec		 t0;
	unsigned long		 i = 0, sent = 0;
	unsigned int		 k;
	int			 r;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	while (i < g->count) {
		k = gen_batch(g, i, m, iov, names);
		r = sendmmsg(g->fd, m, k, 0);
		if (r <= 0) {
			/* A full queue (ENOBUFS) or ICMP-induced error: skip. */
			r = 1;
		} else
			sent += (unsigned long)r;
		i += (unsigned long)r;
		gen_pace(g, &t0, i);
	}
	return sent;
}

static void
gen_usage(void)
{
	(void)fprintf(stderr, "usage: teredo_gen [-F6] [-b ip:port] "
	    "[-s ip:port] [-d ip:port] [-n count] [-r pps] [-S server] "
	    "[-T ipv6] [-L ipv4] class\n");
	exit(2);
}

/* One option into g; NULL, or what is wrong with its argument. */
static const char *
gen_option(struct gen *g, int ch, const char *arg, const char **bind_to)
{
	const char	*e = NULL;

	switch (ch) {
	case '6':
		g->tun6 = 1;
		break;
	case 'F':
		g->flood = 1;
		break;
	case 'b':
		*bind_to = arg;
		break;
	case 'd':
		gen_hostport(arg, &g->dst);
		break;
	case 'n':
		g->count = (unsigned long)strtonum(arg, 1, 100000000, &e);
		break;
	case 'r':
		g->pps = (unsigned long)strtonum(arg, 0, 10000000, &e);
		break;
	case 's':
		gen_hostport(arg, &g->src);
		g->raw = 1;
		g->sip = g->src.sin_addr.s_addr;
		g->sport = ntohs(g->src.sin_port);
		break;
	case 'L':
		return inet_pton(AF_INET, arg, &g->loop) == 1 ? NULL : "bad";
	case 'S':
		return inet_pton(AF_INET, arg, &g->server) == 1 ? NULL : "bad";
	case 'T':
		return inet_pton(AF_INET6, arg, &g->target) == 1 ? NULL : "bad";
	default:
		gen_usage();
	}
	return e;
}

int
main(int argc, char *argv[])
{
	struct gen	 g;
	const char	*bind_to = NULL, *e;
	int		 ch;

	memset(&g, 0, sizeof(g));
	g.count = 1;
	g.server = htonl(0xc633640a);	/* 198.51.100.10 */
	while ((ch = getopt(argc, argv, "6Fb:d:n:r:s:L:S:T:")) != -1) {
		if ((e = gen_option(&g, ch, optarg, &bind_to)) != NULL)
			errx(2, "-%c %s: %s", ch, optarg, e);
	}
	if (argc - optind != 1 && !g.tun6)
		gen_usage();
	g.cls = g.tun6 ? "data" : argv[optind];
	if (g.tun6)
		g.raw = 0;
	else if (g.dst.sin_family == 0)
		errx(2, "-d is required");
	gen_socket(&g, bind_to);
	(void)printf("sent %lu\n", gen_run(&g));
	return 0;
}
