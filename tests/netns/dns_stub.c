/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

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
 * One line per query on stdout: "query NAME TYPE".
 *
 *	dns_stub ADDR IP [HOLD]
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

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin, from;
	struct in_addr	 ip;
	struct stat	 st;
	unsigned char	 q[512], r[600];
	char		 name[256];
	socklen_t	 fl;
	ssize_t		 n;
	size_t		 end, rl;
	unsigned int	 type;
	int		 s;

	if (argc < 3 || inet_pton(AF_INET, argv[2], &ip) != 1) {
		fprintf(stderr, "usage: dns_stub ADDR IP [HOLD]\n");
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (s = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("dns_stub");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		fl = sizeof(from);
		n = recvfrom(s, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &fl);
		if (n < 12 || (q[2] & 0x80) != 0 ||
		    qname(q, (size_t)n, &end, name, sizeof(name)) == -1)
			continue;
		type = (unsigned int)(q[end] << 8 | q[end + 1]);
		printf("query %s %u%s\n", name, type,
		    argc > 3 && stat(argv[3], &st) == 0 ? " held" : "");
		fflush(stdout);
		if (argc > 3 && stat(argv[3], &st) == 0)
			continue;
		rl = end + 4;
		memcpy(r, q, rl);
		r[2] = 0x84 | (q[2] & 0x01);	/* QR, AA, RD copied */
		r[3] = 0x80;			/* RA, NOERROR */
		r[4] = 0;
		r[5] = 1;			/* one question */
		r[6] = 0;
		r[7] = type == 1 ? 1 : 0;	/* answers */
		memset(r + 8, 0, 4);
		if (type == 1) {
			static const unsigned char a[] = {
				0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4
			};
			memcpy(r + rl, a, sizeof(a));
			rl += sizeof(a);
			memcpy(r + rl, &ip, 4);
			rl += 4;
		}
		(void)sendto(s, r, rl, 0, (struct sockaddr *)&from, fl);
	}
}
