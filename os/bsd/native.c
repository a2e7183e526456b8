/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/sysctl.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>

#include "os.h"
#include "native.h"

/*
 * miredo-server's native IPv6 output on FreeBSD, OpenBSD and macOS: only
 * through a tunnel interface (os/native_tun.c).  A raw IPv6 socket here
 * never takes a packet's header from the caller: "the buffer is not
 * examined for an IPv6 header: the kernel always constructs the header"
 * (ip6(4) of FreeBSD, OpenBSD and macOS), there is no IPV6_HDRINCL, and
 * the source address that IPV6_PKTINFO may set must be one of ours
 * (RFC 3542 6.1), never the Teredo client's.  OS_NATIVE_RAW is ENOTSUP.
 */

/* net.inet6.ip6.forwarding, by its MIB, the same on all three. */
int
native_ip6_forwarding(void)
{
	int	 mib[4] = { CTL_NET, PF_INET6, IPPROTO_IPV6, IPV6CTL_FORWARDING };
	int	 on = 0;
	size_t	 len = sizeof(on);

	if (sysctl(mib, 4, &on, &len, NULL, 0) == -1 || len != sizeof(on))
		return -1;
	return on != 0;
}

int
os_native_open(struct os_native *nat, enum os_native_kind kind)
{
	memset(nat, 0, sizeof(*nat));
	nat->fd = -1;
	switch (kind) {
	case OS_NATIVE_AUTO:
	case OS_NATIVE_TUNNEL:
		return native_tun_open(nat);
	case OS_NATIVE_RAW:
		errno = ENOTSUP;
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
}

ssize_t
os_native_send(const struct os_native *nat, const void *pkt, size_t len)
{
	return native_tun_send(nat, pkt, len);
}

int
os_native_close(struct os_native *nat)
{
	if (nat->fd == -1)
		return 0;
	return native_tun_close(nat);
}
