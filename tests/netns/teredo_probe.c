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
	struct in_addr		 want;
	char			 a[16], b[16];
	socklen_t		 sl = sizeof(from);
	int			 ch, auth = 0, cone = 0, ms = 2000, fd;
	ssize_t			 n;
	size_t			 len;

	while ((ch = getopt(argc, argv, "ab:cs:t:")) != -1) {
		switch (ch) {
		case 'a': auth = 1; break;
		case 'b': bindaddr = optarg; break;
		case 'c': cone = 1; break;
		case 's': primary = optarg; break;
		case 't': ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: teredo_probe [-ac] [-b addr] "
			    "[-s primary] [-t ms] server\n");
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
