/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * tbench: traffic tool for tests/bench/relay.sh.  Self-contained (built by
 * the script with plain cc, not by make), Linux only (sendmmsg, recvmmsg).
 *
 *   tbench peer MAP4 MAPPORT SRV4 MAXSEC
 *	A fake Teredo client (RFC 4380) with mapping MAP4:MAPPORT whose
 *	server is SRV4 (both addresses local): answers the relay's direct
 *	and indirect bubbles for its own Teredo address with a direct
 *	bubble from its mapping, and counts the data packets it receives.
 *   tbench flood MAP4 MAPPORT SRV4 RELAY4 RELAYPORT DST6 DPORT SEC SIZE
 *	The same client sending Teredo datagrams (IPv6/UDP inside, SIZE
 *	bytes of UDP payload) to the relay as fast as it can for SEC s.
 *   tbench send6 DST6 DPORT SEC SIZE	native UDP sender (SEC 0: one
 *					priming packet)
 *   tbench recv6 DPORT MAXSEC		native UDP counter
 *   tbench touch SRV4 NET4 COUNT SEC DPORT
 *	one small UDP packet to each of COUNT distinct Teredo addresses
 *	(server SRV4, mapping NET4 + i / 60000, port 1024 + i % 60000),
 *	paced over SEC seconds.
 *   tbench rs SRV4 NET4 NSRC SEC
 *	Teredo router solicitations (RFC 4380 5.2.1, with the
 *	authentication header) to SRV4:3544 as fast as it can for SEC s,
 *	from NSRC source addresses NET4, NET4 + 1, ... (all local, e.g. an
 *	"ip route add local" range), counting the answers.
 *
 * Data packets carry 'D' in their first payload byte, the priming packet
 * 'P'.  Every mode prints one result line on exit (SIGTERM, SIGINT or
 * its time limit).
 */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH		64
#define PKT_MAX		2048
#define IP6_HLEN	40
#define UDP_HLEN	8
#define NH_UDP		17
#define NH_NONE		59

static volatile sig_atomic_t stop;

struct counter {
	unsigned long	n;
	double		first;
	double		last;
};

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: wake up poll */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

static uint32_t
addr4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "tbench: bad IPv4 address %s\n", s);
		exit(2);
	}
	return a.s_addr;
}

static void
addr6(const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "tbench: bad IPv6 address %s\n", s);
		exit(2);
	}
}

static void
bigbuf(int fd)
{
	int sz = 8 << 20;

	/* As root, beyond rmem_max: a burst must not be lost here. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

static int
udp4_bound(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin;
	int fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	bigbuf(fd);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = ip;
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("bind");
	return fd;
}

/* The Teredo address of RFC 4380 section 4: mapping obfuscated. */
static void
teredo_build(struct in6_addr *a, uint32_t srv, uint16_t flags,
    uint16_t port, uint32_t ip)
{
	uint8_t *b = a->s6_addr;

	b[0] = 0x20; b[1] = 0x01; b[2] = 0; b[3] = 0;
	memcpy(b + 4, &srv, 4);
	b[8] = flags >> 8; b[9] = flags & 0xff;
	b[10] = (port >> 8) ^ 0xff; b[11] = (port & 0xff) ^ 0xff;
	ip ^= 0xffffffffu;
	memcpy(b + 12, &ip, 4);
}

static void
ip6_header(uint8_t *p, const struct in6_addr *src,
    const struct in6_addr *dst, uint16_t plen, uint8_t nh)
{
	memset(p, 0, IP6_HLEN);
	p[0] = 0x60;
	p[4] = plen >> 8; p[5] = plen & 0xff;
	p[6] = nh;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* An IPv6/UDP packet with a correct checksum; returns its length. */
static size_t
ip6_udp(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst,
    uint16_t sport, uint16_t dport, size_t size, char mark)
{
	uint8_t *u = p + IP6_HLEN;
	uint16_t ulen = UDP_HLEN + size;
	uint32_t s;

	ip6_header(p, src, dst, ulen, NH_UDP);
	u[0] = sport >> 8; u[1] = sport & 0xff;
	u[2] = dport >> 8; u[3] = dport & 0xff;
	u[4] = ulen >> 8; u[5] = ulen & 0xff;
	u[6] = u[7] = 0;
	memset(u + UDP_HLEN, 0x5a, size);
	u[UDP_HLEN] = mark;
	s = sum16(p + 8, 32, 0) + ulen + NH_UDP;
	s = sum16(u, ulen, s);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	if (s == 0)
		s = 0xffff;
	u[6] = s >> 8; u[7] = s & 0xff;
	return IP6_HLEN + ulen;
}

/* Skips the authentication and origin indication headers (RFC 4380 5.1.1). */
static const uint8_t *
teredo_ip6(const uint8_t *p, size_t *len)
{
	size_t n = *len, skip;

	if (n >= 4 && p[0] == 0 && p[1] == 1) {
		skip = 13 + (size_t)p[2] + p[3];
		if (n < skip)
			return NULL;
		p += skip;
		n -= skip;
	}
	if (n >= 8 && p[0] == 0 && p[1] == 0) {
		p += 8;
		n -= 8;
	}
	if (n < IP6_HLEN || (p[0] >> 4) != 6)
		return NULL;
	*len = n;
	return p;
}

static void
count(struct counter *c)
{
	double t = now();

	if (c->n++ == 0)
		c->first = t;
	c->last = t;
}

static double
span(const struct counter *c)
{
	return c->n > 1 ? c->last - c->first : 0;
}

struct peer {
	int		fd_map;		/* bound to the mapping */
	int		fd_srv;		/* bound to SRV4:3544 */
	uint32_t	map_ip;
	uint16_t	map_port;
	struct counter	data;
	unsigned long	bubbles_direct;
	unsigned long	bubbles_indirect;
	unsigned long	answered;
	unsigned long	other;
	int		primed;
};

/* A bubble for our Teredo address: answer it directly from our mapping. */
static void
peer_bubble(struct peer *pr, const uint8_t *ip6, const struct sockaddr_in *from)
{
	uint8_t rep[IP6_HLEN];
	struct in6_addr src, dst;
	uint32_t ip;
	uint16_t port;

	memcpy(&ip, ip6 + 24 + 12, 4);
	ip ^= 0xffffffffu;
	port = (ip6[24 + 10] << 8 | ip6[24 + 11]) ^ 0xffff;
	if (ip6[24] != 0x20 || ip6[25] != 0x01 || ip6[26] != 0 ||
	    ip6[27] != 0 || ip != pr->map_ip || port != pr->map_port)
		return;
	memcpy(&src, ip6 + 24, 16);
	memcpy(&dst, ip6 + 8, 16);
	ip6_header(rep, &src, &dst, 0, NH_NONE);
	if (sendto(pr->fd_map, rep, sizeof(rep), 0,
	    (const struct sockaddr *)from, sizeof(*from)) == sizeof(rep))
		pr->answered++;
}

static void
peer_packet(struct peer *pr, const uint8_t *p, size_t n,
    const struct sockaddr_in *from, int indirect)
{
	const uint8_t *ip6;
	size_t plen;

	if ((ip6 = teredo_ip6(p, &n)) == NULL) {
		pr->other++;
		return;
	}
	plen = ip6[4] << 8 | ip6[5];
	if (ip6[6] == NH_NONE && plen == 0) {
		if (indirect)
			pr->bubbles_indirect++;
		else
			pr->bubbles_direct++;
		peer_bubble(pr, ip6, from);
	} else if (ip6[6] == NH_UDP && n > IP6_HLEN + UDP_HLEN) {
		if (ip6[IP6_HLEN + UDP_HLEN] == 'D')
			count(&pr->data);
		else if (ip6[IP6_HLEN + UDP_HLEN] == 'P' && !pr->primed) {
			pr->primed = 1;
			printf("primed\n");
			fflush(stdout);
		}
	} else
		pr->other++;
}

static char bufs[BATCH][PKT_MAX];

/* msg[] and iov[] over bufs for recvmmsg; with from, the senders too. */
static void
batch_init(struct mmsghdr *msg, struct iovec *iov, struct sockaddr_in *from)
{
	int i;

	memset(msg, 0, BATCH * sizeof(*msg));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = PKT_MAX;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		if (from != NULL) {
			msg[i].msg_hdr.msg_name = &from[i];
			msg[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
	}
}

/* Reads one batch from fd (non-blocking); returns the count. */
static int
peer_drain(struct peer *pr, int fd, int indirect)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in from[BATCH];
	int i, n;

	batch_init(msg, iov, from);
	n = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL);
	for (i = 0; i < n; i++)
		peer_packet(pr, (const uint8_t *)bufs[i], msg[i].msg_len,
		    &from[i], indirect);
	return n < 0 ? 0 : n;
}

static void
peer_init(struct peer *pr, const char *map, const char *port,
    const char *srv)
{
	memset(pr, 0, sizeof(*pr));
	pr->map_ip = addr4(map);
	pr->map_port = atoi(port);
	pr->fd_map = udp4_bound(pr->map_ip, pr->map_port);
	pr->fd_srv = srv != NULL ? udp4_bound(addr4(srv), 3544) : -1;
}

static int
cmd_peer(char **av)
{
	struct peer pr;
	struct pollfd pfd[2];
	double end;

	peer_init(&pr, av[0], av[1], av[2]);
	end = now() + atof(av[3]);
	pfd[0].fd = pr.fd_map;
	pfd[1].fd = pr.fd_srv;
	pfd[0].events = pfd[1].events = POLLIN;
	printf("ready\n");
	fflush(stdout);
	while (!stop && now() < end) {
		if (poll(pfd, 2, 100) <= 0)
			continue;
		while (peer_drain(&pr, pr.fd_map, 0) == BATCH && !stop)
			continue;
		while (peer_drain(&pr, pr.fd_srv, 1) == BATCH && !stop)
			continue;
	}
	printf("peer data %lu span %.6f bubbles_direct %lu "
	    "bubbles_indirect %lu answered %lu other %lu\n", pr.data.n,
	    span(&pr.data), pr.bubbles_direct, pr.bubbles_indirect,
	    pr.answered, pr.other);
	return 0;
}

/* Sends the same datagram as fast as possible on a connected socket. */
static unsigned long
blast(int fd, const void *pkt, size_t len, double sec, void (*idle)(void *),
    void *arg)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov;
	unsigned long sent = 0;
	double end = now() + sec;
	int i, n;

	iov.iov_base = (void *)(uintptr_t)pkt;
	iov.iov_len = len;
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		msg[i].msg_hdr.msg_iov = &iov;
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (!stop && now() < end) {
		n = sendmmsg(fd, msg, BATCH, 0);
		if (n > 0)
			sent += n;
		else if (errno != ENOBUFS && errno != EAGAIN &&
		    errno != ECONNREFUSED && errno != EINTR)
			die("sendmmsg");
		if (idle != NULL)
			idle(arg);
	}
	return sent;
}

static void
flood_idle(void *arg)
{
	struct peer *pr = arg;

	/* Keep answering bubbles while flooding. */
	peer_drain(pr, pr->fd_map, 0);
}

static int
cmd_flood(char **av)
{
	struct peer pr;
	struct sockaddr_in rl;
	struct in6_addr src, dst;
	uint8_t pkt[PKT_MAX];
	size_t len, size = atoi(av[8]);
	unsigned long sent;
	double t0;

	if (size < 1 || size > PKT_MAX - IP6_HLEN - UDP_HLEN)
		size = 1200;
	peer_init(&pr, av[0], av[1], NULL);
	teredo_build(&src, addr4(av[2]), 0, pr.map_port, pr.map_ip);
	addr6(av[5], &dst);
	len = ip6_udp(pkt, &src, &dst, 5000, atoi(av[6]), size, 'D');
	memset(&rl, 0, sizeof(rl));
	rl.sin_family = AF_INET;
	rl.sin_addr.s_addr = addr4(av[3]);
	rl.sin_port = htons(atoi(av[4]));
	if (connect(pr.fd_map, (struct sockaddr *)&rl, sizeof(rl)) == -1)
		die("connect");
	t0 = now();
	sent = blast(pr.fd_map, pkt, len, atof(av[7]), flood_idle, &pr);
	printf("flood sent %lu secs %.6f answered %lu\n", sent, now() - t0,
	    pr.answered);
	return 0;
}

static int
udp6_socket(void)
{
	int fd;

	if ((fd = socket(AF_INET6, SOCK_DGRAM, 0)) == -1)
		die("socket");
	bigbuf(fd);
	return fd;
}

static int
cmd_send6(char **av)
{
	struct sockaddr_in6 sin6;
	char pkt[PKT_MAX];
	size_t size = atoi(av[3]);
	double sec = atof(av[2]), t0;
	unsigned long sent;
	int fd = udp6_socket();

	if (size < 1 || size > sizeof(pkt))
		size = 1200;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	addr6(av[0], &sin6.sin6_addr);
	sin6.sin6_port = htons(atoi(av[1]));
	if (connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1)
		die("connect");
	memset(pkt, 0x5a, size);
	pkt[0] = sec > 0 ? 'D' : 'P';
	t0 = now();
	if (sec > 0)
		sent = blast(fd, pkt, size, sec, NULL, NULL);
	else
		sent = send(fd, pkt, size, 0) == (ssize_t)size;
	printf("sent %lu secs %.6f\n", sent, now() - t0);
	return 0;
}

static int
cmd_recv6(char **av)
{
	struct sockaddr_in6 sin6;
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct pollfd pfd;
	struct counter c;
	double end = now() + atof(av[1]);
	int fd = udp6_socket(), i, n;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(atoi(av[0]));
	if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1)
		die("bind");
	memset(&c, 0, sizeof(c));
	batch_init(msg, iov, NULL);
	pfd.fd = fd;
	pfd.events = POLLIN;
	printf("ready\n");
	fflush(stdout);
	while (!stop && now() < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		while ((n = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL)) > 0)
			for (i = 0; i < n; i++)
				if (msg[i].msg_len > 0 && bufs[i][0] == 'D')
					count(&c);
	}
	printf("recv %lu span %.6f\n", c.n, span(&c));
	return 0;
}

static int
cmd_touch(char **av)
{
	struct sockaddr_in6 to[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov;
	char pkt[64];
	uint32_t srv = addr4(av[0]), net = ntohl(addr4(av[1]));
	unsigned long total = strtoul(av[2], NULL, 10), i = 0, sent = 0;
	double sec = atof(av[3]), t0 = now(), due;
	int fd = udp6_socket(), j, k, n;

	memset(pkt, 'T', sizeof(pkt));
	iov.iov_base = pkt;
	iov.iov_len = sizeof(pkt);
	memset(msg, 0, sizeof(msg));
	memset(to, 0, sizeof(to));
	while (!stop && i < total) {
		for (k = 0; k < BATCH && i < total; k++, i++) {
			to[k].sin6_family = AF_INET6;
			to[k].sin6_port = htons(atoi(av[4]));
			teredo_build(&to[k].sin6_addr, srv, 0,
			    1024 + i % 60000, htonl(net + i / 60000));
			msg[k].msg_hdr.msg_name = &to[k];
			msg[k].msg_hdr.msg_namelen = sizeof(to[k]);
			msg[k].msg_hdr.msg_iov = &iov;
			msg[k].msg_hdr.msg_iovlen = 1;
		}
		for (j = 0; j < k; j += n)
			if ((n = sendmmsg(fd, msg + j, k - j, 0)) <= 0)
				break;
			else
				sent += n;
		/* Pace: the relay must see every address, not a burst. */
		due = t0 + sec * i / total;
		while (now() < due && !stop)
			usleep(200);
	}
	printf("touched %lu secs %.6f\n", sent, now() - t0);
	return 0;
}

#define NH_ICMP6	58
#define AUTH_LEN	13

/* A Teredo RS: authentication header, then IPv6 + ICMPv6 type 133. */
static size_t
rs_packet(uint8_t *p)
{
	static const uint8_t nonce[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct in6_addr src, dst;
	uint8_t *ip6 = p + AUTH_LEN, *ic = ip6 + IP6_HLEN;
	uint32_t s;

	memset(p, 0, AUTH_LEN);
	p[1] = 1;			/* indicator 0x0001, no id, no auth */
	memcpy(p + 4, nonce, 8);
	memset(&src, 0, sizeof(src));
	src.s6_addr[0] = 0xfe;
	src.s6_addr[1] = 0x80;
	memset(src.s6_addr + 10, 0xff, 6);	/* fe80::ffff:ffff:ffff */
	memset(&dst, 0, sizeof(dst));
	dst.s6_addr[0] = 0xff;
	dst.s6_addr[1] = 0x02;
	dst.s6_addr[15] = 2;			/* ff02::2 */
	ip6_header(ip6, &src, &dst, 8, NH_ICMP6);
	ip6[7] = 255;
	memset(ic, 0, 8);
	ic[0] = 133;
	s = sum16(ip6 + 8, 32, 0) + 8 + NH_ICMP6;
	s = sum16(ic, 8, s);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	ic[2] = s >> 8; ic[3] = s & 0xff;
	return AUTH_LEN + IP6_HLEN + 8;
}

static unsigned long
rs_drain(int fd, struct counter *c)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	const uint8_t *ip6;
	unsigned long got = 0;
	size_t len;
	int i, n;

	batch_init(msg, iov, NULL);
	while ((n = recvmmsg(fd, msg, BATCH, MSG_DONTWAIT, NULL)) > 0) {
		for (i = 0; i < n; i++) {
			len = msg[i].msg_len;
			ip6 = teredo_ip6((const uint8_t *)bufs[i], &len);
			/* Only a router advertisement counts. */
			if (ip6 != NULL && len > IP6_HLEN &&
			    ip6[6] == NH_ICMP6 && ip6[IP6_HLEN] == 134)
				count(c);
		}
		got += n;
	}
	return got;
}

static int
cmd_rs(char **av)
{
	static union {
		char		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr	align;
	} ctl[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov;
	struct sockaddr_in srv;
	struct in_pktinfo *pi[BATCH];
	struct cmsghdr *cm;
	struct counter c;
	uint8_t pkt[128];
	uint32_t net = ntohl(addr4(av[1]));
	unsigned long nsrc = strtoul(av[2], NULL, 10), k = 0, sent = 0;
	double end = now() + atof(av[3]), t0 = now();
	int fd = udp4_bound(INADDR_ANY, 0), i, n;

	if (nsrc == 0)
		nsrc = 1;
	memset(&srv, 0, sizeof(srv));
	srv.sin_family = AF_INET;
	srv.sin_addr.s_addr = addr4(av[0]);
	srv.sin_port = htons(3544);
	iov.iov_base = pkt;
	iov.iov_len = rs_packet(pkt);
	memset(msg, 0, sizeof(msg));
	memset(&c, 0, sizeof(c));
	for (i = 0; i < BATCH; i++) {
		msg[i].msg_hdr.msg_name = &srv;
		msg[i].msg_hdr.msg_namelen = sizeof(srv);
		msg[i].msg_hdr.msg_iov = &iov;
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_control = ctl[i].buf;
		msg[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
		cm = CMSG_FIRSTHDR(&msg[i].msg_hdr);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		pi[i] = (struct in_pktinfo *)(void *)CMSG_DATA(cm);
		memset(pi[i], 0, sizeof(*pi[i]));
	}
	while (!stop && now() < end) {
		/* Each datagram from the next source: per-source limits. */
		for (i = 0; i < BATCH; i++, k++)
			pi[i]->ipi_spec_dst.s_addr = htonl(net + k % nsrc);
		n = sendmmsg(fd, msg, BATCH, 0);
		if (n > 0)
			sent += n;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			die("sendmmsg");
		rs_drain(fd, &c);
	}
	usleep(200000);
	rs_drain(fd, &c);
	printf("rs sent %lu secs %.6f answers %lu span %.6f\n", sent,
	    now() - t0, c.n, span(&c));
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		argc;
		int		(*fn)(char **);
	} cmds[] = {
		{ "peer", 4, cmd_peer },
		{ "flood", 9, cmd_flood },
		{ "send6", 4, cmd_send6 },
		{ "recv6", 2, cmd_recv6 },
		{ "touch", 5, cmd_touch },
		{ "rs", 4, cmd_rs },
	};
	size_t i;

	signals();
	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0 &&
		    argc - 2 == cmds[i].argc)
			return cmds[i].fn(argv + 2);
	fprintf(stderr, "usage: tbench peer|flood|send6|recv6|touch|rs ARGS "
	    "(see the source)\n");
	return 2;
}
