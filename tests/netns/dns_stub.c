/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A DNS server for namespace tests (tests/netns/procs.sh): on UDP port
 * 53 of ADDR, it answers every A query with IP (RFC 1035 4.1: the
 * question copied, one answer by a pointer to it) and every other query
 * with no answer.  While the file HOLD exists, queries are read, logged
 * and left unanswered, so that the resolver waits and can be looked at.
 * With "tcp", every UDP answer is truncated (TC, RFC 1035 4.2.1) and
 * the full one is given over TCP (4.2.2), as for a long answer.
 * One line per query on stdout: "query NAME TYPE [held] [tcp]".
 *
 *	dns_stub ADDR IP [HOLD|-] [tcp]
 */

static int
qname(const unsigned char *p, size_t len, size_t *off, char *out, size_t outsz)
{
	size_t	 o = 12, w = 0, l;

	while (o < len && p[o] != 0) {
		l = p[o++];
		if (l > 63 || o + l > len || w + l + 2 > outsz)
			return -1;
		if (w != 0)
			out[w++] = '.';
		memcpy(out + w, p + o, l);
		w += l;
		o += l;
	}
	if (o + 5 > len)
		return -1;
	out[w] = '\0';
	*off = o + 1;
	return 0;
}

/* The answer to query q (n bytes) in r; returns its length or 0. */
static size_t
answer(const unsigned char *q, size_t n, const struct in_addr *ip, int tc,
    int tcp, const char *hold, unsigned char *r)
{
	static const unsigned char a[] = {
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4
	};
	struct stat	 st;
	char		 name[256];
	size_t		 end, rl;
	unsigned int	 type;
	int		 held;

	if (n < 12 || (q[2] & 0x80) != 0 ||
	    qname(q, n, &end, name, sizeof(name)) == -1)
		return 0;
	type = (unsigned int)(q[end] << 8 | q[end + 1]);
	held = hold != NULL && stat(hold, &st) == 0;
	printf("query %s %u%s%s\n", name, type, held ? " held" : "",
	    tcp ? " tcp" : "");
	fflush(stdout);
	if (held)
		return 0;
	rl = end + 4;
	memcpy(r, q, rl);
	r[2] = 0x84 | (q[2] & 0x01) | (tc ? 0x02 : 0);	/* QR AA TC RD */
	r[3] = 0x80;			/* RA, NOERROR */
	r[4] = 0;
	r[5] = 1;			/* one question */
	r[6] = 0;
	r[7] = type == 1 && !tc ? 1 : 0;	/* answers */
	memset(r + 8, 0, 4);
	if (r[7] == 1) {
		memcpy(r + rl, a, sizeof(a));
		rl += sizeof(a);
		memcpy(r + rl, ip, 4);
		rl += 4;
	}
	return rl;
}

/* One query over a TCP connection (a 2-byte length before each). */
static void
tcp_one(int c, const struct in_addr *ip, const char *hold)
{
	unsigned char	 q[514], r[602];
	size_t		 got = 0, len, rl;
	ssize_t		 n;

	while (got < 2 || got < 2 + (size_t)(q[0] << 8 | q[1])) {
		if ((n = read(c, q + got, sizeof(q) - got)) <= 0)
			return;
		got += (size_t)n;
	}
	len = (size_t)(q[0] << 8 | q[1]);
	if ((rl = answer(q + 2, len, ip, 0, 1, hold, r + 2)) == 0)
		return;
	r[0] = (unsigned char)(rl >> 8);
	r[1] = (unsigned char)rl;
	(void)write(c, r, rl + 2);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin, from;
	struct in_addr	 ip;
	struct pollfd	 pfd[2];
	unsigned char	 q[512], r[600];
	const char	*hold = NULL;
	socklen_t	 fl;
	ssize_t		 n;
	size_t		 rl;
	int		 s, t = -1, c, tcp = 0, one = 1;

	if (argc < 3 || inet_pton(AF_INET, argv[2], &ip) != 1) {
		fprintf(stderr, "usage: dns_stub ADDR IP [HOLD|-] [tcp]\n");
		return 2;
	}
	if (argc > 3 && strcmp(argv[3], "-") != 0)
		hold = argv[3];
	tcp = argc > 4 && strcmp(argv[4], "tcp") == 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (s = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("dns_stub");
		return 1;
	}
	if (tcp && ((t = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(t, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(t, 8) == -1)) {
		perror("dns_stub: tcp");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	pfd[0].fd = s;
	pfd[1].fd = t;
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1)
			continue;
		if (pfd[1].revents & POLLIN) {
			if ((c = accept(t, NULL, NULL)) != -1) {
				tcp_one(c, &ip, hold);
				(void)close(c);
			}
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		fl = sizeof(from);
		n = recvfrom(s, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &fl);
		if (n <= 0 ||
		    (rl = answer(q, (size_t)n, &ip, tcp, 0, hold, r)) == 0)
			continue;
		(void)sendto(s, r, rl, 0, (struct sockaddr *)&from, fl);
	}
}
