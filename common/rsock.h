/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef RSOCK_H
#define RSOCK_H

/*
 * The engine's random-port sockets for RFC 6081 5.4 and 5.5 (the core's
 * core_io.open_udp, rport.c): a small pool of UDP sockets bound before
 * the sandbox, each to a port the kernel picks (ephemeral ports are
 * drawn at random), lent to the core one per peer.  A socket given back
 * stays open (the sandbox allows no new one) and is lent again later.
 */

#include <stddef.h>
#include <stdint.h>
#include <poll.h>

#include "core.h"

#define RSOCK_MAX	8

struct rsock_pool {
	int		fd[RSOCK_MAX];		/* -1: none */
	uint16_t	port[RSOCK_MAX];
	int		used[RSOCK_MAX];
	unsigned int	n;
};

/* Open up to RSOCK_MAX sockets on ip (0: any); returns how many. */
unsigned int rsock_open(struct rsock_pool *r, uint32_t ip);
/* Lend one: its id (> 0) and port, or -1 if all are lent. */
int	rsock_take(struct rsock_pool *r, uint16_t *port);
void	rsock_give(struct rsock_pool *r, int id);
void	rsock_send(struct rsock_pool *r, int id, uint32_t ip, uint16_t port,
	    const void *buf, size_t len);
/* RSOCK_MAX poll entries (-1 where no socket). */
void	rsock_pollfd(const struct rsock_pool *r, struct pollfd *pfd);
/* Read what the polled sockets hold into the core (buf: scratch). */
void	rsock_input(struct rsock_pool *r, const struct pollfd *pfd,
	    struct core *c, uint64_t now, void *buf, size_t bufsz);

#endif /* RSOCK_H */
