/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "os.h"
#include "native.h"

/*
 * miredo-server's native IPv6 output through a tunnel interface of its
 * own, on every OS.  A packet written to a tunnel's descriptor is, for
 * the kernel, a packet received on that interface (Linux tuntap.rst,
 * FreeBSD and OpenBSD tun(4), macOS utun): with IPv6 forwarding on, the
 * kernel routes it on its destination like any packet it forwards, keeps
 * the source it has (the client's Teredo address) and decrements its hop
 * limit.  This is the one way that works the same everywhere: a raw
 * IPv6 socket takes a whole packet only on Linux; on the BSDs and macOS
 * the kernel always builds the header (ip6(4)) and IPV6_PKTINFO accepts
 * only a source address of our own (RFC 3542 6.1).
 *
 * The interface needs no address: nothing is routed to it, and what the
 * kernel itself sends on it (router or neighbour solicitations, if any)
 * is never read and dropped when the tunnel's queue is full.
 */

int
native_tun_open(struct os_native *nat)
{
	int	 saved;

	nat->name[0] = '\0';
	nat->kind = OS_NATIVE_TUNNEL;
	if ((nat->fd = os_tun_open(NULL, nat->name, sizeof(nat->name))) == -1)
		return -1;
	if (os_if_set_up(os_if_index(nat->name), 1) == -1) {
		saved = errno;
		(void)os_tun_close(nat->fd, nat->name);
		nat->fd = -1;
		nat->name[0] = '\0';
		errno = saved;
		return -1;
	}
	/* Without forwarding the kernel drops what we write: tell. */
	nat->forwarding = native_ip6_forwarding();
	return 0;
}

ssize_t
native_tun_send(const struct os_native *nat, const void *pkt, size_t len)
{
	return os_tun_write(nat->fd, pkt, len);
}

int
native_tun_close(struct os_native *nat)
{
	int	 rc;

	rc = os_tun_close(nat->fd, nat->name);
	nat->fd = -1;
	nat->name[0] = '\0';
	return rc;
}
