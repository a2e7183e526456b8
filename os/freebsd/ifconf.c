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
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet6/in6_var.h>
#include <netinet6/nd6.h>
#include <stddef.h>

#include "bsd/bsd.h"
#include "bsd/rtmsg.h"

/*
 * FreeBSD's share of the interface configuration in os/bsd/ifconf.c.
 * IN6_IFF_NODAD makes a new address usable at once.  FreeBSD routes have
 * no metric or priority: the metric is ignored, and a second default
 * route is refused by the kernel with EEXIST.
 */

const int	 bsd_sock_cloexec = SOCK_CLOEXEC;
const int	 bsd_sock_nonblock = SOCK_NONBLOCK;
const int	 bsd_addr_flags = IN6_IFF_NODAD;
/* net/route.h SA_SIZE(): sockaddrs padded to a long. */
const struct bsd_layout bsd_layout = BSD_LAYOUT_REAL(sizeof(long));
#ifdef __LP64__
/* What tests/unit/test_bsd_rtmsg.c expects of this OS. */
BSD_LAYOUT_FREEBSD(BSD_LAYOUT_CHECK);
_Static_assert(sizeof(long) == 8, "routing-socket padding");
#endif

void
bsd_route_hdr(struct rt_msghdr *rtm, unsigned int metric)
{
	(void)rtm;
	(void)metric;
}
