/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * NOT COMPILED HERE: no FreeBSD sysroot is reachable from the Linux build
 * machine.  Written from the FreeBSD 14 headers (netinet6/in6_var.h,
 * net/route.h) and route(4).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet6/in6_var.h>

#include "bsd/bsd.h"

/*
 * FreeBSD's share of the interface configuration in os/bsd/ifconf.c.
 * IN6_IFF_NODAD makes a new address usable at once.  FreeBSD routes have
 * no metric or priority: the metric is ignored, and a second default
 * route is refused by the kernel with EEXIST.
 */

const int	 bsd_sock_cloexec = SOCK_CLOEXEC;
const int	 bsd_sock_nonblock = SOCK_NONBLOCK;
const int	 bsd_addr_flags = IN6_IFF_NODAD;
/* route(4): sockaddrs in routing messages are padded to a long. */
const size_t	 bsd_rt_align = sizeof(long);

void
bsd_route_hdr(struct rt_msghdr *rtm, unsigned int metric)
{
	(void)rtm;
	(void)metric;
}
