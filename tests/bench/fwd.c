/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * fwd: a minimal tunnel <-> UDP forwarder with no Teredo logic, the
 * ceiling that tests/bench/relay.sh sets our relay against.  Built by the
 * script with plain cc like tbench.c; Linux only.
 *
 *   fwd [-m|-g] IFNAME LOCAL4 LPORT PEER4 PPORT
 *
 * It creates the tunnel IFNAME (IFF_TUN, no packet information; the
 * script brings it up and routes to it), binds a UDP socket to
 * LOCAL4:LPORT, prints "ready", then in one poll loop:
 *
 *   tunnel -> UDP  each IPv6 packet read from the tunnel is sent, as it
 *                  is, as the payload of one UDP datagram to PEER4:PPORT
 *                  (sendto with the address, as a relay must: the socket
 *                  is not connected)
 *   UDP -> tunnel  the payload of each datagram received (from anyone)
 *                  is written to the tunnel if it starts like an IPv6
 *                  packet (version 6, 40 bytes at least), else counted
 *                  and dropped
 *
 * No Teredo header, no peer table, no bubbles, no checks of addresses.
 *   (plain)  one packet per system call: read/sendto, recvfrom/write
 *   -m       tunnel reads one per call (the tunnel has no batch read)
 *            gathered into one sendmmsg of up to 64 datagrams; recvmmsg
 *            of up to 64, each written to the tunnel with one write
 *   -g       as -m, and the gathered datagrams leave as one UDP GSO
 *            message (UDP_SEGMENT: runs of equal size, the last may be
 *            shorter) when the kernel takes it, as our engine does; and
 *            UDP GRO on the socket (UDP_GRO), each coalesced datagram cut
 *            at its segment size.  Falls back to -m when refused.
 *
 * SIGTERM or SIGINT ends it; it prints its counters then.
 */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif
#ifndef UDP_GRO
#define UDP_GRO		104
#endif

#define BATCH		64
#define PKT_MAX		2048		/* above any tunnel MTU used here */
#define GRO_MAX		65536
#define GSO_BYTES	65000		/* under 65535 - 20 - 8 */
#define IP6_HLEN	40

enum mode { PLAIN, MMSG, GSO };

static volatile sig_atomic_t stop;

static struct {
	unsigned long	tun_in, udp_out, udp_in, tun_out, bad, err;
	unsigned long	gso_msgs, gro_msgs;
} st;

static struct fwd {
	enum mode		mode;
	int			tun, udp;
	struct sockaddr_in	peer;
	int			gso, gro;	/* still allowed */
} f;

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

static void
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		die("fcntl");
}

static int
tun_open(const char *name)
{
	struct ifreq ifr;
	int fd;

	if (strlen(name) >= sizeof(ifr.ifr_name)) {
		fprintf(stderr, "fwd: interface name too long\n");
		exit(2);
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) == -1)
		die("/dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1)
		die("TUNSETIFF");
	nonblock(fd);
	return fd;
}

static void
sin4(struct sockaddr_in *sin, const char *ip, const char *port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1) {
		fprintf(stderr, "fwd: bad IPv4 address %s\n", ip);
		exit(2);
	}
}

static int
udp_open(const char *ip, const char *port)
{
	struct sockaddr_in sin;
	int fd, on = 1, sz = 4 << 20;

	sin4(&sin, ip, port);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* Buffers as a relay under load would ask for them. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("bind");
	nonblock(fd);
	return fd;
}

static int
is_ip6(const uint8_t *p, size_t n)
{
	return n >= IP6_HLEN && (p[0] >> 4) == 6;
}

static int
transient(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS ||
	    e == EINTR || e == ECONNREFUSED;
}

/* One datagram's payload to the tunnel. */
static void
to_tun(const uint8_t *p, size_t n)
{
	if (!is_ip6(p, n)) {
		st.bad++;
		return;
	}
	if (write(f.tun, p, n) == (ssize_t)n)
		st.tun_out++;
	else
		st.err++;
}

/* Plain: one read and one sendto per packet until the tunnel is empty. */
static void
tun_plain(void)
{
	uint8_t p[PKT_MAX];
	ssize_t n;

	while (!stop && (n = read(f.tun, p, sizeof(p))) > 0) {
		st.tun_in++;
		/* A full queue or any other error: a counted drop. */
		if (sendto(f.udp, p, n, 0, (struct sockaddr *)&f.peer,
		    sizeof(f.peer)) == n)
			st.udp_out++;
		else
			st.err++;
	}
}

static void
udp_plain(void)
{
	uint8_t p[PKT_MAX];
	ssize_t n;

	while (!stop && (n = recv(f.udp, p, sizeof(p), 0)) >= 0) {
		st.udp_in++;
		to_tun(p, n);
	}
}

/* The tunnel's packets of one batch, one after the other: a GSO run is
 * one stretch of memory, no copy. */
static uint8_t ring[BATCH * PKT_MAX];
static uint8_t *tptr[BATCH];
static size_t tlen[BATCH];

/* -g: runs of equal size (the last of a run may be shorter) in one
 * UDP_SEGMENT message each; returns how many datagrams it handled (fewer
 * than n when the kernel refused its first run: -m from then on). */
static int
send_gso(int n)
{
	union {
		char		buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr	align;
	} ctl;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *cm;
	int i = 0, j;
	size_t off;

	while (i < n) {
		off = 0;
		for (j = i; j < n && tlen[j] <= tlen[i] &&
		    (j == i || tlen[j - 1] == tlen[i]) &&
		    off + tlen[j] <= GSO_BYTES; j++)
			off += tlen[j];
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = tptr[i];
		iov.iov_len = off;
		mh.msg_name = &f.peer;
		mh.msg_namelen = sizeof(f.peer);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (j - i > 1) {
			mh.msg_control = ctl.buf;
			mh.msg_controllen = sizeof(ctl.buf);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_UDP;
			cm->cmsg_type = UDP_SEGMENT;
			cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
			*(uint16_t *)(void *)CMSG_DATA(cm) = tlen[i];
		}
		if (sendmsg(f.udp, &mh, 0) == (ssize_t)off) {
			st.udp_out += j - i;
			st.gso_msgs += j - i > 1;
		} else if (j - i > 1 && (errno == EINVAL || errno == EIO) &&
		    st.gso_msgs == 0) {
			f.gso = 0;
			fprintf(stderr, "fwd: UDP GSO refused, using "
			    "sendmmsg\n");
			return i;
		} else
			st.err += j - i;
		i = j;
	}
	return n;
}

static void
send_batch(int n)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	int i, k, r;

	k = f.gso ? send_gso(n) : 0;
	memset(msg, 0, sizeof(msg));
	for (i = k; i < n; i++) {
		iov[i].iov_base = tptr[i];
		iov[i].iov_len = tlen[i];
		msg[i].msg_hdr.msg_name = &f.peer;
		msg[i].msg_hdr.msg_namelen = sizeof(f.peer);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	for (; k < n; k += r) {
		if ((r = sendmmsg(f.udp, msg + k, n - k, 0)) > 0) {
			st.udp_out += r;
			continue;
		}
		if (transient(errno)) {
			st.err += n - k;	/* a full queue: all dropped */
			break;
		}
		st.err++;		/* this one refused: the next */
		r = 1;
	}
}

/* -m, -g: up to BATCH tunnel reads, then one send call. */
static void
tun_batch(void)
{
	ssize_t r;
	size_t off;
	int n;

	do {
		off = 0;
		for (n = 0; n < BATCH && !stop; n++) {
			tptr[n] = ring + off;
			if ((r = read(f.tun, tptr[n], PKT_MAX)) <= 0)
				break;
			tlen[n] = r;
			off += r;
			st.tun_in++;
		}
		if (n > 0)
			send_batch(n);
	} while (n == BATCH && !stop);
}

/* A datagram of recvmmsg: with UDP GRO, cut at its segment size. */
static void
rx_one(const uint8_t *p, size_t n, struct msghdr *mh)
{
	struct cmsghdr *cm;
	size_t seg = n, k;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO)
			seg = *(const int *)(const void *)CMSG_DATA(cm);
	if (seg == 0)
		seg = n;
	if (seg < n)
		st.gro_msgs++;
	for (k = 0; k < n; k += seg) {
		st.udp_in++;
		to_tun(p + k, n - k < seg ? n - k : seg);
	}
}

static void
udp_batch(void)
{
	static uint8_t rbuf[BATCH][GRO_MAX];
	static union {
		char		buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	align;
	} ctl[BATCH];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	size_t sz = f.gro ? GRO_MAX : PKT_MAX;
	int i, n;

	do {
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = rbuf[i];
			iov[i].iov_len = sz;
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			if (f.gro) {
				msg[i].msg_hdr.msg_control = ctl[i].buf;
				msg[i].msg_hdr.msg_controllen =
				    sizeof(ctl[i].buf);
			}
		}
		if ((n = recvmmsg(f.udp, msg, BATCH, 0, NULL)) <= 0)
			break;
		for (i = 0; i < n; i++)
			rx_one(rbuf[i], msg[i].msg_len, &msg[i].msg_hdr);
	} while (n == BATCH && !stop);
}

static void
loop(void)
{
	struct pollfd pfd[2];

	pfd[0].fd = f.tun;
	pfd[1].fd = f.udp;
	pfd[0].events = pfd[1].events = POLLIN;
	while (!stop) {
		if (poll(pfd, 2, -1) <= 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			if (f.mode == PLAIN)
				tun_plain();
			else
				tun_batch();
		}
		/* POLLERR too: the read takes the pending error. */
		if (pfd[1].revents & (POLLIN | POLLERR)) {
			if (f.mode == PLAIN)
				udp_plain();
			else
				udp_batch();
		}
	}
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	int on = 1, a = 1;

	f.mode = PLAIN;
	if (argc == 7 && strcmp(argv[1], "-m") == 0)
		f.mode = MMSG, a = 2;
	else if (argc == 7 && strcmp(argv[1], "-g") == 0)
		f.mode = GSO, a = 2;
	if (argc - a != 5) {
		fprintf(stderr, "usage: fwd [-m|-g] IFNAME LOCAL4 LPORT "
		    "PEER4 PPORT\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	f.tun = tun_open(argv[a]);
	f.udp = udp_open(argv[a + 1], argv[a + 2]);
	sin4(&f.peer, argv[a + 3], argv[a + 4]);
	if (f.mode == GSO) {
		f.gso = 1;
		f.gro = setsockopt(f.udp, SOL_UDP, UDP_GRO, &on,
		    sizeof(on)) == 0;
	}
	printf("fwd ready: mode %s gro %d\n",
	    f.mode == PLAIN ? "plain" : f.mode == MMSG ? "mmsg" : "gso",
	    f.gro);
	fflush(stdout);
	loop();
	printf("fwd tun_in %lu udp_out %lu udp_in %lu tun_out %lu bad %lu "
	    "err %lu gso_msgs %lu gro_msgs %lu\n", st.tun_in, st.udp_out,
	    st.udp_in, st.tun_out, st.bad, st.err, st.gso_msgs, st.gro_msgs);
	return 0;
}
