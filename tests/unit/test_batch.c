/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "t.h"

/*
 * batch.c over two UDP sockets on the loopback: batches of the right
 * size, every datagram whole and in order, sources reported, the send
 * ring flushed when it fills up by count and by bytes.
 */

static unsigned char big[60000];

static int
udp_socket(struct sockaddr_in *sin)
{
	socklen_t slen = sizeof(*sin);
	int fd;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)sin, sizeof(*sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)sin, &slen) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		return -1;
	return fd;
}

/* Datagram i: its number in the first byte, length 1 + i % 300. */
static size_t
fill(unsigned int i, unsigned char *buf)
{
	size_t len = 1 + i % 300;

	memset(buf, (int)(i & 0xff), len);
	return len;
}

static int
same(unsigned int i, const unsigned char *buf, size_t len)
{
	unsigned char want[300];

	return len == fill(i, want) && memcmp(buf, want, len) == 0;
}

static void
test_recv(int a, const struct sockaddr_in *sa, int b,
    const struct sockaddr_in *sb)
{
	const struct batch_dgram *d;
	struct batch *bt;
	unsigned char buf[300];
	unsigned int i;
	int more, n, k;

	CHECK((bt = batch_new(b)) != NULL);
	CHECK(batch_recv(bt, &d, &more) == 0 && more == 0);
	for (i = 0; i < BATCH_RX + 8; i++)
		CHECK(sendto(a, buf, fill(i, buf), 0,
		    (const struct sockaddr *)sb, sizeof(*sb)) > 0);
	n = batch_recv(bt, &d, &more);
	CHECK(n == BATCH_RX && more == 1);
	for (k = 0; k < n; k++)
		CHECK(same((unsigned int)k, d[k].buf, d[k].len) &&
		    d[k].ip == sa->sin_addr.s_addr &&
		    d[k].port == ntohs(sa->sin_port));
	n = batch_recv(bt, &d, &more);
	CHECK(n == 8 && more == 0);
	for (k = 0; k < n; k++)
		CHECK(same((unsigned int)(BATCH_RX + k), d[k].buf, d[k].len));
	/* A datagram much larger than a page arrives whole. */
	CHECK(sendto(a, big, sizeof(big), 0, (const struct sockaddr *)sb,
	    sizeof(*sb)) == (ssize_t)sizeof(big));
	n = batch_recv(bt, &d, &more);
	CHECK(n == 1 && d[0].len == sizeof(big) &&
	    memcmp(d[0].buf, big, sizeof(big)) == 0);
	free(bt);
}

/* Read datagrams from..to-1 from fd, in order; then nothing more. */
static void
expect(int fd, unsigned int from, unsigned int to)
{
	unsigned char buf[300];
	unsigned int i;
	ssize_t r;

	for (i = from; i < to; i++) {
		r = recv(fd, buf, sizeof(buf), 0);
		CHECK(r > 0 && same(i, buf, (size_t)r));
	}
	CHECK(recv(fd, buf, sizeof(buf), 0) == -1 && errno == EAGAIN);
}

static void
test_send(int a, const struct sockaddr_in *sa, int b)
{
	static unsigned char rbuf[sizeof(big) + 1];
	struct batch *bt;
	unsigned char buf[300];
	unsigned int i;
	int k;

	CHECK((bt = batch_new(b)) != NULL);
	/* Nothing leaves before the flush (without sendmmsg: at once)... */
	for (i = 0; i < 10; i++)
		batch_send(bt, sa->sin_addr.s_addr, ntohs(sa->sin_port), buf,
		    fill(i, buf));
#ifdef HAVE_SENDMMSG
	CHECK(recv(a, rbuf, sizeof(rbuf), 0) == -1);
#endif
	batch_flush(bt);
	expect(a, 0, 10);
	/* ...except when the ring is full: 70 datagrams, all in order. */
	for (i = 0; i < 70; i++)
		batch_send(bt, sa->sin_addr.s_addr, ntohs(sa->sin_port), buf,
		    fill(i, buf));
	batch_flush(bt);
	expect(a, 0, 70);
	batch_flush(bt);
	expect(a, 0, 0);
	/* Full by bytes: three large datagrams. */
	for (k = 0; k < 3; k++) {
		big[0] = (unsigned char)k;
		batch_send(bt, sa->sin_addr.s_addr, ntohs(sa->sin_port), big,
		    sizeof(big));
	}
	batch_flush(bt);
	for (k = 0; k < 3; k++)
		CHECK(recv(a, rbuf, sizeof(rbuf), 0) == (ssize_t)sizeof(big) &&
		    rbuf[0] == k);
	free(bt);
}

#if defined(HAVE_SENDMMSG) && HAVE_DECL_UDP_SEGMENT
/*
 * Whether this kernel takes a UDP GSO message at all (qemu-user, for
 * one, passes no UDP_SEGMENT): 200 bytes from b to a in segments of
 * 100 must arrive at a as two datagrams of 100.
 */
static int
gso_works(int a, int b, const struct sockaddr_in *sa)
{
	unsigned char	 data[200], rbuf[300];
	char		 cbuf[CMSG_SPACE(sizeof(uint16_t))];
	struct iovec	 iov;
	struct msghdr	 mh;
	struct cmsghdr	*cm;
	uint16_t	 seg = 100;

	memset(data, 7, sizeof(data));
	memset(&mh, 0, sizeof(mh));
	memset(cbuf, 0, sizeof(cbuf));
	iov.iov_base = data;
	iov.iov_len = sizeof(data);
	mh.msg_name = (void *)(uintptr_t)sa;
	mh.msg_namelen = sizeof(*sa);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	if (sendmsg(b, &mh, 0) != (ssize_t)sizeof(data))
		return 0;
	return recv(a, rbuf, sizeof(rbuf), 0) == 100 &&
	    recv(a, rbuf, sizeof(rbuf), 0) == 100;
}
#endif

/*
 * Runs of equal datagrams to one peer (one UDP GSO message where the
 * system has it): still every datagram whole, its own length, in order;
 * a shorter one ends a run, a longer one or another peer starts one.
 */
static void
test_runs(int a, const struct sockaddr_in *sa, int b, int c,
    const struct sockaddr_in *sc)
{
	static const size_t lens[] = { 1200, 1200, 1200, 1200, 700, 1200,
	    1200, 1300, 1300, 1 };
	unsigned char buf[1400], rbuf[1500];
	const struct sockaddr_in *to;
	struct batch *bt;
	unsigned int i, round;
#if defined(HAVE_SENDMMSG) && HAVE_DECL_UDP_SEGMENT
	uint64_t runs, dgrams;
#endif
	size_t len;
	ssize_t r;

	CHECK((bt = batch_new(b)) != NULL);
	for (round = 0; round < 2; round++) {
		/* 70 of 1200 (more than a run) and the list to a, the list to c */
		for (i = 0; i < 70 + 2 * 10; i++) {
			to = i >= 80 ? sc : sa;
			memset(buf, (int)i, sizeof(buf));
			batch_send(bt, to->sin_addr.s_addr, ntohs(to->sin_port),
			    buf, i < 70 ? 1200 : lens[(i - 70) % 10]);
		}
		batch_flush(bt);
		for (i = 0; i < 70 + 2 * 10; i++) {
			to = i >= 80 ? sc : sa;
			len = i < 70 ? 1200 : lens[(i - 70) % 10];
			r = recv(to == sa ? a : c, rbuf, sizeof(rbuf), 0);
			CHECK(r == (ssize_t)len &&
			    rbuf[0] == (unsigned char)i &&
			    rbuf[r > 0 ? r - 1 : 0] == (unsigned char)i);
		}
		CHECK(recv(a, rbuf, sizeof(rbuf), 0) == -1 && errno == EAGAIN);
		CHECK(recv(c, rbuf, sizeof(rbuf), 0) == -1 && errno == EAGAIN);
	}
#if defined(HAVE_SENDMMSG) && HAVE_DECL_UDP_SEGMENT
	if (!gso_works(a, b, sa)) {
		/* qemu-user passes no UDP_SEGMENT: the datagrams above. */
		fprintf(stderr, "UDP GSO refused here: runs not counted\n");
		free(bt);
		return;
	}
	/*
	 * Per round, to a: the ring's first 64 (BATCH_TX) as 54 of 1200 (the
	 * most in 65000 bytes) and 10; then 10 of 1200 and 700, 2 of 1200,
	 * 2 of 1300 and 1; to c: 4 of 1200 and 700, 2 of 1200, 2 of 1300 and
	 * 1.  Every datagram is in a run.
	 */
	batch_gso_stats(bt, &runs, &dgrams);
	CHECK(runs == 2 * 8 && dgrams == 2 * 90);
#endif
	free(bt);
}

int
main(void)
{
	struct sockaddr_in sa, sb, sc;
	int a, b, c, sz = 1 << 20;

	if ((a = udp_socket(&sa)) == -1 || (b = udp_socket(&sb)) == -1 ||
	    (c = udp_socket(&sc)) == -1) {
		fprintf(stderr, "no UDP on the loopback: skipped\n");
		return 77;
	}
	(void)setsockopt(a, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(b, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(big, 0xa5, sizeof(big));
	test_recv(a, &sa, b, &sb);
	test_send(a, &sa, b);
	(void)setsockopt(c, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	test_runs(a, &sa, b, c, &sc);
	(void)close(c);
	(void)close(a);
	(void)close(b);
	return T_DONE();
}
