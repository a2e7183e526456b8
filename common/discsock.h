/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef DISCSOCK_H
#define DISCSOCK_H

/*
 * The engine's sockets for local client discovery (RFC 4380 5.2.8; the
 * protocol is in discovery.c).  Called before the sandbox: afterwards no
 * socket can be made nor an option set.
 */

#include <stdint.h>

#include "core.h"

/*
 * The IPv4 subnets of our multicast-capable links (only the one holding
 * bind_addr when it is not 0) into nets, and a non-blocking UDP socket
 * bound to 224.0.0.253:3544 and joined to that group on each of them.
 * Returns the socket (with *n the number of nets), or -1 with errno.
 */
int	discsock_open(uint32_t bind_addr, struct core_net *nets,
	    unsigned int *n);
/*
 * Those links alone, no socket (RFC 6081 hairpinning without local
 * discovery: our local addresses, hairpin.c).
 */
void	discsock_links(uint32_t bind_addr, struct core_net *nets,
	    unsigned int *n);
/*
 * On the Teredo socket: discovery bubbles leave with TTL 1, are not
 * looped back to us, and through bind_addr's link when it is set.
 */
int	discsock_sender(int fd, uint32_t bind_addr);

#endif /* DISCSOCK_H */
