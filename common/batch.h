/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef BATCH_H
#define BATCH_H

/*
 * Batched UDP I/O for the engine (DESIGN.md "Data path"): datagrams are
 * received a batch at a time (recvmmsg where the system has it) and the
 * core's sends are copied into a ring and flushed in one call (sendmmsg),
 * in the order the core made them.  Without those calls the same interface
 * falls back to one recvfrom/sendto per datagram.
 */

#include <stddef.h>
#include <stdint.h>

#define BATCH_RX	32		/* datagrams per receive call */

struct batch_dgram {
	uint32_t	 ip;		/* source, network byte order */
	uint16_t	 port;		/* host order */
	size_t		 len;
	const unsigned char *buf;
};

struct batch;

/* Allocate before the sandbox; fd is the non-blocking UDP socket. */
struct batch *batch_new(int fd);
/*
 * Receive up to BATCH_RX datagrams into *d (valid until the next call);
 * returns how many.  A pending socket error is cleared.  *more is set when
 * the socket may hold more; 0 means it was drained.
 */
int	batch_recv(struct batch *b, const struct batch_dgram **d, int *more);
/* Queue one datagram to ip:port (flushing first when the ring is full). */
void	batch_send(struct batch *b, uint32_t ip, uint16_t port,
	    const void *buf, size_t len);
/* Send everything queued; call before sleeping. */
void	batch_flush(struct batch *b);
/* Runs sent with UDP GSO and the datagrams in them (0 without GSO). */
void	batch_gso_stats(const struct batch *b, uint64_t *runs,
	    uint64_t *dgrams);

#endif /* BATCH_H */
