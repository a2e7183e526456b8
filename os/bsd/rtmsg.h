/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef OS_BSD_RTMSG_H
#define OS_BSD_RTMSG_H

/*
 * The bytes that the BSD and macOS backends hand the kernel, built by
 * OS-neutral code from a description of the OS's layout, so that
 * tests/unit/test_bsd_rtmsg.c checks them on Linux for each OS.
 * os/<os>/ifconf.c gives its layout from the real headers and pins the
 * constants below to them with static assertions (tests/cross, check.sh).
 *
 * - sockaddr_in6 (28 bytes, the same on all three): sin6_len,
 *   sin6_family, port, flowinfo, address at 8, scope id at 24.
 * - sockaddr_dl: sdl_len, sdl_family, sdl_index (16 bits) at 2, type,
 *   nlen, alen, slen, then sdl_data, whose size differs per OS.
 * - routing-socket sockaddrs follow the rt_msghdr in RTA_ bit order,
 *   each padded to the OS's boundary (route(4)).
 * - in6_aliasreq: name, address, (destination), prefix mask, flags and
 *   the lifetimes, at the OS's offsets.
 * Integers other than the address are in host byte order, as the kernel
 * reads them.
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct bsd_layout {
	uint8_t		 af_inet6;	/* AF_INET6 */
	uint8_t		 af_link;	/* AF_LINK */
	size_t		 rt_align;	/* routing-socket sockaddr padding */
	size_t		 sdl_size;	/* sizeof(struct sockaddr_dl) */
	size_t		 ifra_size;	/* sizeof(struct in6_aliasreq) */
	/* Offsets in in6_aliasreq (OpenBSD's ifra_addr is a macro). */
	size_t		 off_addr;	/* ifra_addr */
	size_t		 off_mask;	/* ifra_prefixmask */
	size_t		 off_flags;	/* ifra_flags */
	size_t		 off_vltime;	/* ifra_lifetime.ia6t_vltime */
	size_t		 off_pltime;	/* ifra_lifetime.ia6t_pltime */
};

#define BSD_SIN6_LEN		28
#define BSD_RTA_DST		0x1	/* net/route.h of all three */
#define BSD_RTA_GATEWAY		0x2
#define BSD_RTA_NETMASK		0x4
#define BSD_ND6_INFINITE	0xffffffffU	/* ND6_INFINITE_LIFETIME */

/*
 * A backend's own layout, from the real headers it includes (any
 * architecture); align is the OS's routing-socket padding.
 */
#define BSD_LAYOUT_REAL(align) { AF_INET6, AF_LINK, (align), \
	sizeof(struct sockaddr_dl), sizeof(struct in6_aliasreq), \
	offsetof(struct in6_aliasreq, ifra_addr), \
	offsetof(struct in6_aliasreq, ifra_prefixmask), \
	offsetof(struct in6_aliasreq, ifra_flags), \
	offsetof(struct in6_aliasreq, ifra_lifetime) + \
	offsetof(struct in6_addrlifetime, ia6t_vltime), \
	offsetof(struct in6_aliasreq, ifra_lifetime) + \
	offsetof(struct in6_addrlifetime, ia6t_pltime) }

/*
 * The layouts of the three OSes for an LP64 build (x86_64, arm64) that
 * the unit test expects, in the order of struct bsd_layout, as X-macros:
 * BSD_LAYOUT_x(BSD_LAYOUT_INIT) is an initializer; BSD_LAYOUT_x
 * (BSD_LAYOUT_CHECK), in a backend on an LP64 build, asserts every value
 * against the real headers (and thus against BSD_LAYOUT_REAL), so the
 * test's expectations are checked by every compile for that OS
 * (../shared/sysroots/check.sh).  Where each comes from:
 * tests/unit/test_bsd_rtmsg.c.
 */
#define BSD_LAYOUT_FREEBSD(X)	X(28, 18, 8, 54, 136, 16, 72, 100, 120, 124)
#define BSD_LAYOUT_OPENBSD(X)	X(24, 18, 8, 32, 128, 16, 72, 100, 120, 124)
#define BSD_LAYOUT_DARWIN(X)	X(30, 18, 4, 20, 128, 16, 72, 100, 120, 124)

#define BSD_LAYOUT_INIT(inet6, link, align, sdl, size, addr, mask, flags, \
	    vl, pl) { inet6, link, align, sdl, size, addr, mask, flags, vl, pl }

/* rt_align has no header of its own (it is in the kernel): see callers. */
#define BSD_LAYOUT_CHECK(inet6, link, align, sdl, size, addr, mask, flags, \
	    vl, pl) \
	_Static_assert(AF_INET6 == (inet6), "AF_INET6"); \
	_Static_assert(AF_LINK == (link), "AF_LINK"); \
	_Static_assert(sizeof(struct sockaddr_dl) == (sdl), "sockaddr_dl"); \
	_Static_assert(offsetof(struct sockaddr_dl, sdl_index) == 2, "sdl"); \
	_Static_assert(sizeof(struct sockaddr_in6) == BSD_SIN6_LEN, "sin6"); \
	_Static_assert(offsetof(struct sockaddr_in6, sin6_addr) == 8, "sin6"); \
	_Static_assert(offsetof(struct sockaddr_in6, sin6_scope_id) == 24, \
	    "sin6_scope_id"); \
	_Static_assert(sizeof(struct in6_aliasreq) == (size), "ifra"); \
	_Static_assert(offsetof(struct in6_aliasreq, ifra_addr) == (addr), \
	    "ifra_addr"); \
	_Static_assert(offsetof(struct in6_aliasreq, ifra_prefixmask) == \
	    (mask), "ifra_prefixmask"); \
	_Static_assert(offsetof(struct in6_aliasreq, ifra_flags) == (flags), \
	    "ifra_flags"); \
	_Static_assert(offsetof(struct in6_aliasreq, ifra_lifetime) + \
	    offsetof(struct in6_addrlifetime, ia6t_vltime) == (vl), "vltime"); \
	_Static_assert(offsetof(struct in6_aliasreq, ifra_lifetime) + \
	    offsetof(struct in6_addrlifetime, ia6t_pltime) == (pl), "pltime"); \
	_Static_assert(IFNAMSIZ == 16, "IFNAMSIZ"); \
	_Static_assert(RTA_DST == BSD_RTA_DST && RTA_GATEWAY == \
	    BSD_RTA_GATEWAY && RTA_NETMASK == BSD_RTA_NETMASK, "RTA_"); \
	_Static_assert(ND6_INFINITE_LIFETIME == BSD_ND6_INFINITE, "ND6")

/* A sockaddr of len bytes takes this many in a routing message. */
size_t	 bsd_rt_roundup(const struct bsd_layout *lo, size_t len);
/* A sockaddr_in6 (BSD_SIN6_LEN bytes) of addr, scope id if link-local. */
void	 bsd_sin6(const struct bsd_layout *lo, unsigned char *out,
	    const struct in6_addr *addr, uint32_t scope);
/* The same as a prefix mask of plen bits (<= 128). */
void	 bsd_sin6_mask(const struct bsd_layout *lo, unsigned char *out,
	    unsigned int plen);
/*
 * The sockaddrs of an RTM_ADD or RTM_DELETE of dst/plen through the
 * interface of index idx, no gateway: DST, GATEWAY (the interface's
 * sockaddr_dl), NETMASK unless plen is 128.  Writes them to out (at most
 * cap bytes, zero-padded), sets *addrs to the RTA_ bits, returns the
 * length, or 0 if cap is too small or plen > 128.
 */
size_t	 bsd_rt_sockaddrs(const struct bsd_layout *lo, unsigned char *out,
	    size_t cap, const struct in6_addr *dst, unsigned int plen,
	    unsigned int idx, int *addrs);
/*
 * The in6_aliasreq of SIOCAIFADDR_IN6 (lo->ifra_size bytes): the name,
 * addr/plen with its scope, flags, infinite lifetimes.  -1 if the name
 * is too long or plen > 128.
 */
int	 bsd_ifra(const struct bsd_layout *lo, unsigned char *out,
	    const char *ifname, const struct in6_addr *addr, unsigned int plen,
	    uint32_t scope, int flags);

#endif /* OS_BSD_RTMSG_H */
