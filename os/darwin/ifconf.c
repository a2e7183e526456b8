/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sockio.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet6/in6_var.h>
#include <netinet6/nd6.h>

#include <stddef.h>
#include <stdint.h>

#include "bsd/bsd.h"
#include "bsd/rtmsg.h"

/*
 * macOS's share of the interface configuration in os/bsd/ifconf.c.
 * IN6_IFF_NODAD makes a new address usable at once.  macOS routes have
 * no metric or priority: the metric is ignored.  socket(2) has neither
 * SOCK_CLOEXEC nor SOCK_NONBLOCK: bsd_socket() uses fcntl(2) instead.
 *
 * The zig toolchain that cross-checks os/bsd/ifconf.c lacks
 * netinet6/in6_var.h and nd6.h; tests/cross/darwin.sh supplies a
 * check-only stand-in after the real headers, and the assertions below
 * pin it (and the real SDK) to the kernel ABI.
 */

_Static_assert(sizeof(struct in6_aliasreq) == 128, "in6_aliasreq ABI");
_Static_assert(offsetof(struct in6_aliasreq, ifra_addr) == 16, "ABI");
_Static_assert(offsetof(struct in6_aliasreq, ifra_prefixmask) == 72, "ABI");
_Static_assert(offsetof(struct in6_aliasreq, ifra_lifetime) == 104, "ABI");
_Static_assert(SIOCAIFADDR_IN6 == 0x8080691a, "SIOCAIFADDR_IN6 ABI");
_Static_assert(SIOCDIFADDR_IN6 == 0x81206919, "SIOCDIFADDR_IN6 ABI");
_Static_assert(ND6_INFINITE_LIFETIME == 0xffffffff, "ND6 ABI");

const int	 bsd_sock_cloexec = 0;
const int	 bsd_sock_nonblock = 0;
const int	 bsd_addr_flags = IN6_IFF_NODAD;
/* xnu bsd/net/rtsock.c ROUNDUP32(): padded to 32 bits. */
const struct bsd_layout bsd_layout = BSD_LAYOUT_REAL(sizeof(uint32_t));
#ifdef __LP64__
/* What tests/unit/test_bsd_rtmsg.c expects of this OS. */
BSD_LAYOUT_DARWIN(BSD_LAYOUT_CHECK);
_Static_assert(sizeof(uint32_t) == 4, "routing-socket padding");
#endif

void
bsd_route_hdr(struct rt_msghdr *rtm, unsigned int metric)
{
	(void)rtm;
	(void)metric;
}
