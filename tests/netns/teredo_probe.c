/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * teredo_probe: send one router solicitation to a Teredo server and check
 * the advertisement (RFC 4380 5.2.1) the way a client would.
 *
 *   teredo_probe [-a] [-c] [-b bindaddr] [-s primary] [-t ms] server
 *
 * -a: with an authentication header (random nonce, which must come back);
 * -c: from the cone link-local fe80::8000:ffff:ffff:ffff;
 * -s: the server address the prefix must carry (default: server).
 * Prints "ra from IP:PORT to IP:PORT prefix P server S mtu M origin
 * IP:PORT auth yes|no" and exits 0, or exits 1 on time-out or anything
 * invalid.
 *
 *   teredo_probe -B client [-k kind] -b bindaddr [-S server] [-t ms] server
 *
 * Bubble mode, as a Windows client would send it (RFC 6081): an indirect
 * bubble from our Teredo address (server field -S, default server; our
 * bound ip:port as the mapping) to the Teredo address client, through
 * server, followed by a trailer of kind: nonce, alt (alternate address),
 * nd (neighbor discovery option), port (random port), all (the four),
 * none or bad (a nonce trailer whose length runs past the datagram).
 * The client must answer with a direct bubble to our mapping (RFC 4380
 * 5.2.3); the bubble is sent again every second until then.  Prints
 * "answer from IP:PORT" and exits 0, or exits 1 on time-out.
 */

#include "config.h"
#include "compat.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packet.h"
#include "teredo.h"

static int
probe_socket(const char *bindaddr, struct sockaddr_in *me)
{
	socklen_t	 sl = sizeof(*me);
	int		 fd;

	memset(me, 0, sizeof(*me));
	me->sin_family = AF_INET;
	if (bindaddr != NULL && inet_pton(AF_INET, bindaddr,
	    &me->sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", bindaddr);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)me, sizeof(*me)) == -1 ||
	    getsockname(fd, (struct sockaddr *)me, &sl) == -1)
		err(2, "socket");
	return fd;
}

static size_t
probe_rs(uint8_t *buf, size_t sz, int auth, int cone, uint8_t *nonce)
{
	size_t	 n = 0;

	if (auth) {
		arc4random_buf(nonce, TEREDO_NONCE_LEN);
		n = build_auth(buf, sz, nonce, 0);
	}
	return n + build_rs(buf + n, sz - n,
	    cone ? &teredo_ll_cone : &teredo_ll_client);
}

/*
 * RFC 6081 section 4 / MS-TERE 2.2: each trailer option is Type (1 byte),
 * Length (1 byte, the bytes of the value that follow), Value.
 */
static size_t
probe_trailer(uint8_t *b, const char *kind)
{
	static const uint8_t nonce[] = { 0x01, 4, 0x4e, 0x6f, 0x6e, 0x63 };
	/* Reserved, then one entry: 192.0.2.99 port 40000. */
	static const uint8_t alt[] = { 0x03, 8, 0, 0, 192, 0, 2, 99,
	    0x9c, 0x40 };
	static const uint8_t nd[] = { 0x04, 1, 0x00 };	/* solicitation */
	static const uint8_t port[] = { 0x05, 2, 0xd4, 0x31 };
	static const uint8_t bad[] = { 0x01, 9, 1, 2, 3, 4 };
	size_t	n = 0;
	int	all = strcmp(kind, "all") == 0;

#define PUT(t)	(memcpy(b + n, (t), sizeof(t)), n += sizeof(t))
	if (all || strcmp(kind, "nonce") == 0)
		PUT(nonce);
	if (all || strcmp(kind, "alt") == 0)
		PUT(alt);
	if (all || strcmp(kind, "nd") == 0)
		PUT(nd);
	if (all || strcmp(kind, "port") == 0)
		PUT(port);
	if (strcmp(kind, "bad") == 0)
		PUT(bad);
#undef PUT
	if (n == 0 && strcmp(kind, "none") != 0)
		errx(2, "%s: unknown trailer kind", kind);
	return n;
}

/* Bubble mode: see the top of the file. */
static int
probe_bubble(int fd, const struct sockaddr_in *me, const struct sockaddr_in *to,
    const char *client, const char *kind, uint32_t srvfield, int ms)
{
	struct teredo_addr	 t;
	struct teredo_packet	 p;
	struct in6_addr		 src, dst;
	struct sockaddr_in	 from;
	struct pollfd		 pfd;
	socklen_t		 sl;
	uint8_t			 buf[2048];
	size_t			 len;
	ssize_t			 n;
	char			 a[16];
	int			 waited;

	if (inet_pton(AF_INET6, client, &dst) != 1)
		errx(2, "%s: not an IPv6 address", client);
	t.prefix = TEREDO_PREFIX;
	t.server = srvfield;
	t.flags = 0;
	t.port = ntohs(me->sin_port);
	t.client = me->sin_addr.s_addr;
	teredo_addr_build(&src, &t);
	len = build_bubble(buf, sizeof(buf), &src, &dst);
	len += probe_trailer(buf + len, kind);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (waited = 0; waited < ms; waited += 1000) {
		if (sendto(fd, buf, len, 0, (const struct sockaddr *)to,
		    sizeof(*to)) == -1)
			err(1, "sendto");
		while (poll(&pfd, 1, 1000) == 1) {
			uint8_t	r[2048];

			sl = sizeof(from);
			n = recvfrom(fd, r, sizeof(r), 0,
			    (struct sockaddr *)&from, &sl);
			if (n <= 0 || teredo_parse(&p, r, (size_t)n) != 0 ||
			    !ip6_is_bubble(p.ip6, p.ip6_len) ||
			    memcmp(ip6_src(p.ip6), &dst, 16) != 0 ||
			    memcmp(ip6_dst(p.ip6), &src, 16) != 0)
				continue;
			printf("answer from %s:%u\n",
			    ipv4_ntop(from.sin_addr.s_addr, a),
			    ntohs(from.sin_port));
			return 0;
		}
	}
	errx(1, "no answer within %d ms", ms);
}

/* Check the answer as SPEC section 3 says a client must. */
static int
probe_check(const uint8_t *buf, size_t n, int auth, const uint8_t *nonce,
    uint32_t server)
{
	struct teredo_packet	 p;
	uint32_t		 prefix, srv;
	unsigned int		 mtu;
	char			 a[16], b[16];

	if (teredo_parse(&p, buf, n) != 0)
		errx(1, "unparsable answer");
	if (p.has_auth != auth || (auth && (memcmp(p.nonce, nonce,
	    TEREDO_NONCE_LEN) != 0 || p.confirmation != 0)))
		errx(1, "bad authentication header");
	if (!p.has_origin)
		errx(1, "no origin indication");
	if (parse_ra(p.ip6, p.ip6_len, &prefix, &srv, &mtu) != 0)
		errx(1, "not a valid router advertisement");
	if (prefix != TEREDO_PREFIX || srv != server)
		errx(1, "wrong prefix %08x server %s", prefix,
		    ipv4_ntop(srv, a));
	printf("prefix %08x server %s mtu %u origin %s:%u auth %s\n",
	    prefix, ipv4_ntop(srv, a), mtu, ipv4_ntop(p.origin_ip, b),
	    p.origin_port, auth ? "yes" : "no");
	return 0;
}

static void
probe_target(struct sockaddr_in *to, const char *server)
{
	memset(to, 0, sizeof(*to));
	to->sin_family = AF_INET;
	to->sin_port = htons(TEREDO_PORT);
	if (inet_pton(AF_INET, server, &to->sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", server);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 me, to, from;
	struct pollfd		 pfd;
	uint8_t			 buf[2048], nonce[TEREDO_NONCE_LEN];
	const char		*bindaddr = NULL, *primary = NULL;
	const char		*bubble = NULL, *kind = "none";
	const char		*srvfield = NULL;
	struct in_addr		 sf;
	struct in_addr		 want;
	char			 a[16], b[16];
	socklen_t		 sl = sizeof(from);
	int			 ch, auth = 0, cone = 0, ms = 2000, fd;
	ssize_t			 n;
	size_t			 len;

	while ((ch = getopt(argc, argv, "aB:b:ck:S:s:t:")) != -1) {
		switch (ch) {
		case 'a': auth = 1; break;
		case 'B': bubble = optarg; break;
		case 'k': kind = optarg; break;
		case 'S': srvfield = optarg; break;
		case 'b': bindaddr = optarg; break;
		case 'c': cone = 1; break;
		case 's': primary = optarg; break;
		case 't': ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: teredo_probe [-ac] [-b addr] "
			    "[-s primary] [-t ms] server\n"
			    "       teredo_probe -B client [-k kind] -b addr "
			    "[-S server] [-t ms] server\n");
			return 2;
		}
	}
	if (optind + 1 != argc)
		errx(2, "one server address expected");
	probe_target(&to, argv[optind]);
	if (inet_pton(AF_INET, primary != NULL ? primary : argv[optind],
	    &want) != 1)
		errx(2, "%s: not an IPv4 address", primary);
	fd = probe_socket(bindaddr, &me);
	if (bubble != NULL) {
		if (bindaddr == NULL)
			errx(2, "-B needs -b (our mapping)");
		if (inet_pton(AF_INET, srvfield != NULL ? srvfield :
		    argv[optind], &sf) != 1)
			errx(2, "bad -S");
		return probe_bubble(fd, &me, &to, bubble, kind, sf.s_addr,
		    ms);
	}
	len = probe_rs(buf, sizeof(buf), auth, cone, nonce);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) == -1)
		err(1, "sendto");
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) != 1)
		errx(1, "no answer within %d ms", ms);
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &sl);
	if (n <= 0)
		err(1, "recvfrom");
	printf("ra from %s:%u to %s:%u ", ipv4_ntop(from.sin_addr.s_addr, a),
	    ntohs(from.sin_port), ipv4_ntop(me.sin_addr.s_addr, b),
	    ntohs(me.sin_port));
	return probe_check(buf, (size_t)n, auth, nonce, want.s_addr);
}
