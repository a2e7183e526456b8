/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * NOT COMPILED HERE: no OpenBSD sysroot is reachable from the Linux build
 * machine.  Written from OpenBSD's sys/net/route.h, sys/net/rtsock.c,
 * sys/netinet6/in6.c and in6_var.h, and route(4).
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
#include <unistd.h>

#include "bsd/bsd.h"
#include "bsd/rtmsg.h"

/*
 * OpenBSD's share of the interface configuration in os/bsd/ifconf.c.
 * Routes go into the process's routing table, with the metric mapped to
 * OpenBSD's route priority (rtm_priority: lower wins, RTP_STATIC 8 is the
 * default of static routes, RTP_MAX 63 the least preferred).
 *
 * OpenBSD has no IN6_IFF_NODAD: the kernel runs DAD on tun(4) once it is
 * up and running (in6if_do_dad), so a new address is tentative for about
 * a second.  Nothing answers on a point-to-point tunnel, so it succeeds.
 */

const int	 bsd_sock_cloexec = SOCK_CLOEXEC;
const int	 bsd_sock_nonblock = SOCK_NONBLOCK;
const int	 bsd_addr_flags = 0;
/* sys/net/rtsock.c ROUNDUP(): sockaddrs padded to a long. */
const struct bsd_layout bsd_layout = BSD_LAYOUT_REAL(sizeof(long));
#ifdef __LP64__
/* What tests/unit/test_bsd_rtmsg.c expects of this OS. */
BSD_LAYOUT_OPENBSD(BSD_LAYOUT_CHECK);
_Static_assert(sizeof(long) == 8, "routing-socket padding");
#endif

/* miredo's metric 1029 ("after native routes") becomes RTP_MAX. */
static int
route_priority(unsigned int metric)
{
	if (metric == 0)
		return 0;	/* the kernel's default for RTF_STATIC */
	if (metric >= RTP_MAX)
		return RTP_MAX;
	if (metric <= RTP_LOCAL)	/* reserved for the kernel */
		return RTP_LOCAL + 1;
	return (int)metric;
}

void
bsd_route_hdr(struct rt_msghdr *rtm, unsigned int metric)
{
	rtm->rtm_hdrlen = sizeof(*rtm);
	rtm->rtm_tableid = getrtable();
	rtm->rtm_priority = route_priority(metric);
}
