/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"

int
chan_pair(int sv[2])
{
	int	i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(sv[i], F_SETFD, FD_CLOEXEC) == -1)
			goto fail;
	return 0;
fail:
	i = errno;
	(void)close(sv[0]);
	(void)close(sv[1]);
	errno = i;
	return -1;
}

/* Wait for room in a full socket buffer: 0, or -1 with errno. */
static int
chan_wait_out(int fd)
{
	struct pollfd	pfd;
	int		n;

	pfd.fd = fd;
	pfd.events = POLLOUT;
	do
		n = poll(&pfd, 1, CHAN_SEND_WAIT);
	while (n == -1 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0 ? 0 : -1;
}

int
chan_send(int fd, const void *msg, size_t len)
{
	unsigned char	frame[CHAN_HDRLEN + CHAN_MSGMAX];
	uint32_t	l = (uint32_t)len;
	size_t		off = 0, total = CHAN_HDRLEN + len;
	ssize_t		n;

	if (len == 0 || len > CHAN_MSGMAX) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(frame, &l, CHAN_HDRLEN);
	memcpy(frame + CHAN_HDRLEN, msg, len);
	while (off < total) {
		n = send(fd, frame + off, total - off, 0);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (chan_wait_out(fd) == -1)
				return -1;
			continue;
		}
		if (n == 0)
			errno = EPIPE;
		return -1;
	}
	return 0;
}

void
chan_reader_init(struct chan_reader *r)
{
	memset(r, 0, sizeof(*r));
}

enum chan_rc
chan_read(int fd, struct chan_reader *r, const void **msg, size_t *len)
{
	unsigned char	*dst;
	size_t		 want;
	ssize_t		 n;

	for (;;) {
		if (r->broken)
			return CHAN_BAD;
		if (r->have < CHAN_HDRLEN) {
			dst = r->hdr + r->have;
			want = CHAN_HDRLEN - r->have;
		} else {
			dst = r->body.buf + (r->have - CHAN_HDRLEN);
			want = CHAN_HDRLEN + r->len - r->have;
		}
		n = recv(fd, dst, want, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN || errno == EWOULDBLOCK ?
			    CHAN_AGAIN : CHAN_ERROR;
		if (n == 0 && r->have == 0)
			return CHAN_EOF;
		if (n == 0) {
			r->broken = 1;
			continue;
		}
		r->have += (size_t)n;
		if (r->have == CHAN_HDRLEN) {
			memcpy(&r->len, r->hdr, CHAN_HDRLEN);
			if (r->len == 0 || r->len > CHAN_MSGMAX)
				r->broken = 1;
		}
		if (r->have > CHAN_HDRLEN && r->have == CHAN_HDRLEN + r->len) {
			*msg = r->body.buf;
			*len = r->len;
			r->have = 0;
			return CHAN_MSG;
		}
	}
}
