/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "rsock.h"

static int
rsock_one(uint32_t ip, uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		slen = sizeof(sin);
	int			fd, fl;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = ip;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		(void)close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

unsigned int
rsock_open(struct rsock_pool *r, uint32_t ip)
{
	int	i, fd;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < RSOCK_MAX; i++) {
		r->fd[i] = -1;
		if ((fd = rsock_one(ip, &r->port[i])) != -1) {
			r->fd[r->n] = fd;
			r->port[r->n] = r->port[i];
			r->n++;
		}
	}
	return r->n;
}

int
rsock_take(struct rsock_pool *r, uint16_t *port)
{
	unsigned int	i;

	for (i = 0; i < r->n; i++)
		if (!r->used[i]) {
			r->used[i] = 1;
			*port = r->port[i];
			return (int)i + 1;
		}
	return -1;
}

void
rsock_give(struct rsock_pool *r, int id)
{
	if (id >= 1 && (unsigned int)id <= r->n)
		r->used[id - 1] = 0;
}

void
rsock_send(struct rsock_pool *r, int id, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct sockaddr_in	sin;

	if (id < 1 || (unsigned int)id > r->n || !r->used[id - 1])
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = ip;
	sin.sin_port = htons(port);
	/* Lost like any datagram on failure: the core retries. */
	(void)sendto(r->fd[id - 1], buf, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin));
}

void
rsock_pollfd(const struct rsock_pool *r, struct pollfd *pfd)
{
	int	i;

	for (i = 0; i < RSOCK_MAX; i++) {
		pfd[i].fd = (unsigned int)i < r->n ? r->fd[i] : -1;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
}

void
rsock_input(struct rsock_pool *r, const struct pollfd *pfd, struct core *c,
    uint64_t now, void *buf, size_t bufsz)
{
	struct sockaddr_in	sin;
	socklen_t		slen;
	unsigned int		i;
	ssize_t			n;
	int			k;

	for (i = 0; i < r->n; i++) {
		if (pfd[i].revents == 0)
			continue;
		/* A bounded number per wake-up, like the main socket. */
		for (k = 0; k < 64; k++) {
			slen = sizeof(sin);
			n = recvfrom(r->fd[i], buf, bufsz, 0,
			    (struct sockaddr *)&sin, &slen);
			/* EAGAIN, or an ICMP error: the next socket. */
			if (n == -1)
				break;
			if (!r->used[i] || slen != sizeof(sin) ||
			    sin.sin_family != AF_INET)
				continue;	/* nobody's: dropped */
			core_udp_input_from(c, now, (int)i + 1,
			    sin.sin_addr.s_addr, ntohs(sin.sin_port), buf,
			    (size_t)n);
		}
	}
}
