/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>

#include "discsock.h"
#include "teredo.h"

/* Multicast-capable IPv4 links, up, not loopback nor point-to-point. */
static int
discsock_usable(const struct ifaddrs *ifa, uint32_t bind_addr)
{
	const struct sockaddr_in *a = (const void *)ifa->ifa_addr;
	const unsigned int want = IFF_UP | IFF_MULTICAST;

	if (a == NULL || ifa->ifa_netmask == NULL ||
	    a->sin_family != AF_INET || (ifa->ifa_flags & want) != want ||
	    (ifa->ifa_flags & (IFF_LOOPBACK | IFF_POINTOPOINT)) != 0)
		return 0;
	return bind_addr == 0 || a->sin_addr.s_addr == bind_addr;
}

/*
 * Join the group on each link (fd -1: none); the links joined go into
 * nets.
 */
static void
discsock_join(int fd, uint32_t bind_addr, struct core_net *nets,
    unsigned int *n)
{
	struct ifaddrs		*ifs, *ifa;
	const struct sockaddr_in *a, *m;
	struct ip_mreq		 mr;

	*n = 0;
	if (getifaddrs(&ifs) == -1)
		return;
	for (ifa = ifs; ifa != NULL && *n < CORE_LOCAL_NETS;
	    ifa = ifa->ifa_next) {
		if (!discsock_usable(ifa, bind_addr))
			continue;
		a = (const void *)ifa->ifa_addr;
		m = (const void *)ifa->ifa_netmask;
		if (m->sin_addr.s_addr == 0)
			continue;
		memset(&mr, 0, sizeof(mr));
		mr.imr_multiaddr.s_addr = htonl(CORE_DISC_ADDR);
		mr.imr_interface = a->sin_addr;
		if (fd != -1 && setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1)
			continue;
		nets[*n].mask = m->sin_addr.s_addr;
		nets[*n].net = a->sin_addr.s_addr & m->sin_addr.s_addr;
		nets[*n].addr = a->sin_addr.s_addr;
		(*n)++;
	}
	freeifaddrs(ifs);
}

int
discsock_open(uint32_t bind_addr, struct core_net *nets, unsigned int *n)
{
	struct sockaddr_in	sin;
	int			fd, on = 1, fl;

	*n = 0;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	/* Another Teredo client on this host may listen there too. */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(TEREDO_PORT);
	/* Bound to the group: a unicast datagram never reaches it. */
	sin.sin_addr.s_addr = htonl(CORE_DISC_ADDR);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		goto fail;
	discsock_join(fd, bind_addr, nets, n);
	if (*n == 0) {
		errno = ENETUNREACH;
		goto fail;
	}
	return fd;
fail:
	(void)close(fd);
	return -1;
}

void
discsock_links(uint32_t bind_addr, struct core_net *nets, unsigned int *n)
{
	discsock_join(-1, bind_addr, nets, n);
}

int
discsock_sender(int fd, uint32_t bind_addr)
{
	/* An unsigned char is what every system takes for these two. */
	unsigned char	ttl = 1, loop = 0;
	struct in_addr	ifaddr;

	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
	    sizeof(ttl)) == -1 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop,
	    sizeof(loop)) == -1)
		return -1;
	if (bind_addr == 0)
		return 0;
	ifaddr.s_addr = bind_addr;
	return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr,
	    sizeof(ifaddr));
}
