/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef FUZZ_CORE_H
#define FUZZ_CORE_H

/*
 * Shared driver of the client and relay harnesses (fuzz_client.c,
 * fuzz_relay.c, fuzz_tun.c): one core per role lives across inputs, on a
 * fake clock, with a fake struct core_io that checks what the core sends.
 *
 * An input is a sequence of events.  Each starts with an op byte:
 *	bits 0-2  kind (FZ_*)
 *	bit 3     FZ_FIX: recompute the inner ICMPv6 checksum
 *	bit 4     FZ_SELF: UDP to a client: inner destination := our
 *		  address; UDP to a relay: inner source := the Teredo address
 *		  of the outer ip:port; tunnel: inner source := our address
 *	bits 5-7  argument (a source index for UDP, a shift for FZ_TIME)
 * followed by the kind's bytes (big-endian; ip is in network order):
 *	FZ_UDP	[ip(4) port(2) if source 7] len(2) payload
 *	FZ_TUN	len(2) payload
 *	FZ_TIME	delta(2): the clock moves delta << arg ms (up to 2.3 h)
 *	FZ_RA	ip(4) port(2) mtu(2): the server answers the last RS
 *	FZ_PONG	answer the last connectivity test, from source arg
 *	FZ_NET	arg 0: network change; else new server (arg & 1 picks)
 *	FZ_BUB	the peer answers the last bubble (from source arg; 0 = from
 *		the peer's mapping)
 * A length runs to the end of the input when it is longer.
 */

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define FZ_UDP		0
#define FZ_TUN		1
#define FZ_TIME		2
#define FZ_RA		3
#define FZ_PONG		4
#define FZ_NET		5
#define FZ_BUB		6
#define FZ_UDP2		7	/* same as FZ_UDP */
#define FZ_FIX		0x08
#define FZ_SELF		0x10
#define FZ_ARG(n)	((n) << 5)

/* Source table (FZ_ARG index), nbo addresses as strings for seeds. */
#define FZ_SERVER	"192.0.2.1"
#define FZ_SERVER2	"192.0.2.2"
#define FZ_PEER_A	"198.51.100.20"		/* port 5555 */
#define FZ_PEER_B	"203.0.113.7"		/* port 40000 */
#define FZ_RELAY	"198.51.100.99"		/* port 3544 */
#define FZ_NONGLOBAL	"10.1.2.3"		/* port 1234 */
#define FZ_MAPPED	"203.0.113.200"		/* port 40000: client's NAT */
						/* (a relay: FZ_RELAY_IP) */
#define FZ_RELAY_IP	"198.51.100.1"		/* the relay's own IPv4 */
#define FZ_NSRC		8

#define FZ_PEER_MAX	8
#define FZ_QUEUE_BYTES	8192

struct fz;

/* The harness's core of that role, created and qualified on first use. */
struct fz *fz_get(enum core_role role);
/* Run the events of one input. */
void	fz_run(struct fz *z, const uint8_t *data, size_t size);
/* One tunnel packet with FZ_* flags (fuzz_tun.c). */
void	fz_tun(struct fz *z, unsigned int flags, const uint8_t *pkt,
	    size_t len);
/* Client: the server answers the last RS with the usual mapping. */
void	fz_requalify(struct fz *z);
/* Move the clock by ms and run the due timers. */
void	fz_advance(struct fz *z, uint64_t ms);

#endif /* FUZZ_CORE_H */
