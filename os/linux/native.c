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

#include "os.h"
#include "native.h"

/*
 * miredo-server's native IPv6 output on Linux.  By default a raw
 * AF_INET6 socket of protocol IPPROTO_RAW: Linux takes the buffer as the
 * whole packet, header included (raw(7), ipv6(7)), and sends it as
 * locally made, without IPv6 forwarding.  OS_NATIVE_TUNNEL
 * (ServerNativeOutput tunnel) takes the portable way of the other OSes
 * instead (os/native_tun.c), so that it is run and tested here too.
 */

#define IP6_DST_OFF	24	/* offset of the destination address */
#define IP6_HDR_LEN	40

/* net.ipv6.conf.all.forwarding (ip-sysctl.rst). */
int
native_ip6_forwarding(void)
{
	char	 c = 0;
	int	 fd;
	ssize_t	 n;

	fd = open("/proc/sys/net/ipv6/conf/all/forwarding",
	    O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, &c, 1);
	(void)close(fd);
	if (n != 1 || (c != '0' && c != '1'))
		return -1;
	return c == '1';
}

int
os_native_open(struct os_native *nat, enum os_native_kind kind)
{
	memset(nat, 0, sizeof(*nat));
	nat->fd = -1;
	switch (kind) {
	case OS_NATIVE_AUTO:
	case OS_NATIVE_RAW:
		nat->kind = OS_NATIVE_RAW;
		nat->fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC,
		    IPPROTO_RAW);
		return nat->fd == -1 ? -1 : 0;
	case OS_NATIVE_TUNNEL:
		return native_tun_open(nat);
	default:
		errno = EINVAL;
		return -1;
	}
}

ssize_t
os_native_send(const struct os_native *nat, const void *pkt, size_t len)
{
	struct sockaddr_in6 sin6;

	if (nat->kind == OS_NATIVE_TUNNEL)
		return native_tun_send(nat, pkt, len);
	if (len < IP6_HDR_LEN) {
		errno = EINVAL;
		return -1;
	}
	/* The kernel routes on sin6_addr: the packet's own destination. */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	memcpy(&sin6.sin6_addr, (const unsigned char *)pkt + IP6_DST_OFF,
	    sizeof(sin6.sin6_addr));
	return sendto(nat->fd, pkt, len, 0, (struct sockaddr *)&sin6,
	    sizeof(sin6));
}

int
os_native_close(struct os_native *nat)
{
	int	 rc;

	if (nat->fd == -1)
		return 0;
	if (nat->kind == OS_NATIVE_TUNNEL)
		return native_tun_close(nat);
	rc = close(nat->fd);
	nat->fd = -1;
	return rc;
}
