/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "t.h"

/*
 * The framing of the priv<->engine channel (common/chan.c) over real
 * socketpairs: frames arriving a byte at a time, several at once, cut by
 * an end of file, with lengths out of range; and chan_send() through
 * short writes, EAGAIN and EINTR, which this file forces by standing in
 * for send(2) (the real one is reached through sendto(2)).
 */

static struct {
	int	on;		/* misbehave */
	size_t	max;		/* bytes per call at most */
	int	calls, eagain, eintr;
} fake;

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	if (!fake.on)
		return sendto(fd, buf, len, flags, NULL, 0);
	fake.calls++;
	/* Every third call is interrupted, every other one finds no room. */
	if (fake.calls % 3 == 0) {
		fake.eintr++;
		errno = EINTR;
		return -1;
	}
	if (fake.calls % 2 == 0) {
		fake.eagain++;
		errno = EAGAIN;
		return -1;
	}
	return sendto(fd, buf, len < fake.max ? len : fake.max, flags,
	    NULL, 0);
}

static void
pair(int sv[2])
{
	CHECK(chan_pair(sv) == 0);
	CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(fcntl(sv[1], F_SETFL, O_NONBLOCK) == 0);
}

/* A frame as the other end would write it. */
static size_t
frame(unsigned char *buf, uint32_t len, unsigned char fill)
{
	memcpy(buf, &len, 4);
	memset(buf + 4, fill, len <= CHAN_MSGMAX ? len : 0);
	return 4 + (len <= CHAN_MSGMAX ? len : 0);
}

static int
is_msg(const void *msg, size_t len, size_t want, unsigned char fill)
{
	const unsigned char	*p = msg;
	size_t			 i;

	if (len != want)
		return 0;
	for (i = 0; i < len; i++)
		if (p[i] != fill)
			return 0;
	return 1;
}

static void
test_bytewise(void)
{
	unsigned char		 buf[4 + CHAN_MSGMAX];
	struct chan_reader	 r;
	const void		*msg = NULL;
	size_t			 n, i, len = 0;
	int			 sv[2], again = 0;

	pair(sv);
	chan_reader_init(&r);
	n = frame(buf, 20, 0xa5);
	for (i = 0; i < n; i++) {
		CHECK(write(sv[1], buf + i, 1) == 1);
		if (i + 1 < n)
			again += chan_read(sv[0], &r, &msg, &len) ==
			    CHAN_AGAIN;
	}
	CHECK(again == (int)n - 1);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_MSG);
	CHECK(is_msg(msg, len, 20, 0xa5));
	/* Drained, and the reader is ready for the next frame. */
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_AGAIN);
	CHECK(chan_send(sv[1], "xy", 2) == 0);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_MSG);
	CHECK(len == 2 && memcmp(msg, "xy", 2) == 0);
	(void)close(sv[0]);
	(void)close(sv[1]);
}

static void
test_several(void)
{
	unsigned char		 buf[3 * (4 + CHAN_MSGMAX)];
	struct chan_reader	 r;
	const void		*msg;
	size_t			 n = 0, len;
	int			 sv[2];

	pair(sv);
	chan_reader_init(&r);
	n += frame(buf + n, 12, 1);
	n += frame(buf + n, CHAN_MSGMAX, 2);
	n += frame(buf + n, 1, 3);
	CHECK(write(sv[1], buf, n) == (ssize_t)n);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_MSG);
	CHECK(is_msg(msg, len, 12, 1));
	CHECK(((uintptr_t)msg & 3) == 0);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_MSG);
	CHECK(is_msg(msg, len, CHAN_MSGMAX, 2));
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_MSG);
	CHECK(is_msg(msg, len, 1, 3));
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_AGAIN);
	/* EOF between messages: clean. */
	(void)close(sv[1]);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_EOF);
	(void)close(sv[0]);
}

/* EOF after cut bytes of a frame of length flen: malformed. */
static void
test_cut(uint32_t flen, size_t cut)
{
	unsigned char		 buf[4 + CHAN_MSGMAX];
	struct chan_reader	 r;
	const void		*msg;
	size_t			 len;
	int			 sv[2];

	pair(sv);
	chan_reader_init(&r);
	(void)frame(buf, flen, 7);
	CHECK(write(sv[1], buf, cut) == (ssize_t)cut);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_AGAIN);
	(void)close(sv[1]);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_BAD);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_BAD);
	(void)close(sv[0]);
}

/* A length out of range is refused before its body is read. */
static void
test_badlen(uint32_t flen)
{
	unsigned char		 buf[8];
	struct chan_reader	 r;
	const void		*msg;
	size_t			 len;
	int			 sv[2];

	pair(sv);
	chan_reader_init(&r);
	memcpy(buf, &flen, 4);
	memcpy(buf + 4, "body", 4);
	CHECK(write(sv[1], buf, 8) == 8);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_BAD);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_BAD);
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 4);
	(void)close(sv[0]);
	(void)close(sv[1]);
}

static void
test_send_limits(void)
{
	unsigned char		 big[CHAN_MSGMAX + 1];
	struct chan_reader	 r;
	const void		*msg;
	size_t			 len, n;
	int			 sv[2], ok = 1;

	pair(sv);
	chan_reader_init(&r);
	memset(big, 9, sizeof(big));
	errno = 0;
	CHECK(chan_send(sv[1], big, 0) == -1 && errno == EMSGSIZE);
	errno = 0;
	CHECK(chan_send(sv[1], big, sizeof(big)) == -1 && errno == EMSGSIZE);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_AGAIN);
	/* Every size in range goes through intact. */
	for (n = 1; n <= CHAN_MSGMAX; n++) {
		if (chan_send(sv[1], big, n) != 0 ||
		    chan_read(sv[0], &r, &msg, &len) != CHAN_MSG ||
		    !is_msg(msg, len, n, 9))
			ok = 0;
	}
	CHECK(ok);
	/* The peer is gone: an error (SIGPIPE is ignored), not a hang. */
	(void)close(sv[0]);
	CHECK(chan_send(sv[1], big, 8) == -1 && errno == EPIPE);
	(void)close(sv[1]);
}

static void
test_send_partial(void)
{
	unsigned char		 msg1[40];
	struct chan_reader	 r;
	const void		*msg;
	size_t			 len;
	int			 sv[2];

	pair(sv);
	chan_reader_init(&r);
	memset(msg1, 0x3c, sizeof(msg1));
	memset(&fake, 0, sizeof(fake));
	fake.on = 1;
	fake.max = 3;
	CHECK(chan_send(sv[1], msg1, sizeof(msg1)) == 0);
	CHECK(chan_send(sv[1], "z", 1) == 0);
	fake.on = 0;
	/* 44 + 5 bytes, 3 at a time, around the EAGAINs and EINTRs. */
	CHECK(fake.eagain > 0 && fake.eintr > 0);
	CHECK(fake.calls - fake.eagain - fake.eintr == 15 + 2);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_MSG);
	CHECK(is_msg(msg, len, sizeof(msg1), 0x3c));
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_MSG);
	CHECK(len == 1 && memcmp(msg, "z", 1) == 0);
	CHECK(chan_read(sv[0], &r, &msg, &len) == CHAN_AGAIN);
	(void)close(sv[0]);
	(void)close(sv[1]);
}

/* A reader that never reads: chan_send() gives up, it does not hang. */
static void
test_send_full(void)
{
	unsigned char	 m[CHAN_MSGMAX];
	int		 sv[2], i, rc = 0, sz = 4096;

	pair(sv);
	(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(m, 1, sizeof(m));
	for (i = 0; i < 100000 && (rc = chan_send(sv[1], m, sizeof(m))) == 0;
	    i++)
		continue;
	CHECK(rc == -1 && errno == ETIMEDOUT);
	(void)close(sv[0]);
	(void)close(sv[1]);
}

static void
test_pair(void)
{
	socklen_t	 tl = sizeof(int);
	int		 sv[2], type = 0;

	CHECK(chan_pair(sv) == 0);
	CHECK((fcntl(sv[0], F_GETFD) & FD_CLOEXEC) != 0);
	CHECK((fcntl(sv[1], F_GETFD) & FD_CLOEXEC) != 0);
	/* A stream (as macOS has), so frames need their length prefix. */
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &tl) == 0);
	CHECK(type == SOCK_STREAM);
	(void)close(sv[0]);
	(void)close(sv[1]);
}

int
main(void)
{
	(void)signal(SIGPIPE, SIG_IGN);
	test_pair();
	test_bytewise();
	test_several();
	test_cut(20, 2);	/* inside the length */
	test_cut(20, 4);	/* after the length */
	test_cut(20, 13);	/* inside the body */
	test_badlen(0);
	test_badlen(CHAN_MSGMAX + 1);
	test_badlen(UINT32_MAX);
	test_send_limits();
	test_send_partial();
	test_send_full();
	return T_DONE();
}
