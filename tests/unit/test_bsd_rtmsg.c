/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include "bsd/rtmsg.h"
#include "t.h"

/*
 * What the FreeBSD, OpenBSD and macOS backends hand the kernel, checked
 * byte by byte on any OS (os/bsd/rtmsg.c is OS-neutral): the sockaddrs
 * of a routing-socket RTM_ADD/RTM_DELETE and the in6_aliasreq of
 * SIOCAIFADDR_IN6.  The expected bytes are written here from the OSes'
 * headers (../shared/sysroots: FreeBSD 14.2, OpenBSD 7.8; macOS 13 from
 * zig 0.11's any-macos.13-any and the sysroot's darwin/include):
 *
 *   AF_INET6   FreeBSD 28 (sys/socket.h:255), OpenBSD 24 (sys/socket.h:193),
 *              macOS 30 (sys/socket.h:398)
 *   AF_LINK    18 on all three (FreeBSD sys/socket.h:243, OpenBSD :187,
 *              macOS :385)
 *   sockaddr_in6: len, family, port, flowinfo, addr at 8, scope id at 24,
 *              28 bytes (FreeBSD netinet6/in6.h:130-137, OpenBSD
 *              netinet6/in6.h:106-113, macOS netinet6/in6.h:170-177)
 *   sockaddr_dl: len, family, index (16 bits) at 2, type, nlen, alen,
 *              slen, then sdl_data[46] FreeBSD (net/if_dl.h:58-68: 54
 *              bytes), [24] OpenBSD (net/if_dl.h:59-70: 32), [12] macOS
 *              (net/if_dl.h:98-107, DLIL_SDLDATACOUNT 12: 20)
 *   padding    FreeBSD SA_SIZE(): to a long (net/route.h:365-371);
 *              OpenBSD rtsock.c ROUNDUP(): a long; macOS xnu rtsock.c
 *              ROUNDUP32(): 32 bits.  LP64: 8, 8, 4.
 *   RTA_DST 1, RTA_GATEWAY 2, RTA_NETMASK 4, in that order (FreeBSD
 *              net/route.h:320-322, OpenBSD :278-280, macOS :232-234)
 *   in6_aliasreq: name[16], addr at 16, dstaddr 44, prefixmask 72,
 *              flags 100, lifetime 104 {expire, preferred (time_t),
 *              vltime 120, pltime 124}; FreeBSD adds ifra_vhid: 136
 *              bytes (netinet6/in6_var.h:296-304, lifetime :91-96);
 *              OpenBSD 128 (in6_var.h:244-257, :82-87); macOS 128
 *              (in6_var.h:372-379, :116-121)
 *   ND6_INFINITE_LIFETIME 0xffffffff (FreeBSD netinet6/nd6.h:178,
 *              OpenBSD :76, macOS :493)
 *
 * The same numbers are the BSD_LAYOUT_* tables of os/bsd/rtmsg.h, which
 * each backend asserts against the real headers when it is compiled
 * (../shared/sysroots/check.sh), so these expectations cannot drift from
 * the headers unnoticed.  Integers other than addresses are in the
 * kernel's (the host's) byte order: put16/put32 write them so.
 */

static const struct bsd_layout lo_freebsd = BSD_LAYOUT_FREEBSD(BSD_LAYOUT_INIT);
static const struct bsd_layout lo_openbsd = BSD_LAYOUT_OPENBSD(BSD_LAYOUT_INIT);
static const struct bsd_layout lo_darwin = BSD_LAYOUT_DARWIN(BSD_LAYOUT_INIT);

static void
put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void
put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* A sockaddr_in6 as the headers lay it out. */
static void
exp_sin6(unsigned char *p, uint8_t af, const unsigned char *addr,
    uint32_t scope)
{
	memset(p, 0, 28);
	p[0] = 28;
	p[1] = af;
	memcpy(p + 8, addr, 16);
	put32(p + 24, scope);
}

static const unsigned char a_2001[16] = { 0x20, 0x01 };
static const unsigned char m_32[16] = { 0xff, 0xff, 0xff, 0xff };
static const unsigned char m_33[16] = { 0xff, 0xff, 0xff, 0xff, 0x80 };
static const unsigned char a_ll[16] = { 0xfe, 0x80, [15] = 1 };
static const unsigned char a_teredo[16] = { 0x20, 0x01, 0, 0, 0xc6, 0x33,
	0x64, 0x0a, 0x80, 0, 0xfb, 0xf6, 0xcb, 0x00, 0x71, 0xff };

/*
 * 2001::/32 through interface 7, as each OS wants it.  dl is the
 * sockaddr_dl size, pad the boundary.
 */
static void
test_route(const struct bsd_layout *lo, uint8_t af, size_t dl, size_t pad,
    size_t total)
{
	unsigned char	 exp[256], got[256];
	struct in6_addr	 dst;
	size_t		 n, off = 0, sin6_sz, dl_sz;
	int		 addrs = 0;

	sin6_sz = (28 + pad - 1) / pad * pad;
	dl_sz = (dl + pad - 1) / pad * pad;
	CHECK(sin6_sz * 2 + dl_sz == total);
	memset(exp, 0, sizeof(exp));
	exp_sin6(exp, af, a_2001, 0);		/* RTA_DST, global: no scope */
	off += sin6_sz;
	exp[off] = (unsigned char)dl;		/* RTA_GATEWAY: sockaddr_dl */
	exp[off + 1] = 18;
	put16(exp + off + 2, 7);
	off += dl_sz;
	exp_sin6(exp + off, af, m_32, 0);	/* RTA_NETMASK */
	off += sin6_sz;

	memcpy(&dst, a_2001, 16);
	memset(got, 0xaa, sizeof(got));
	n = bsd_rt_sockaddrs(lo, got, sizeof(got), &dst, 32, 7, &addrs);
	CHECK(n == total);
	CHECK(addrs == 7);
	CHECK(memcmp(got, exp, total) == 0);
	CHECK(bsd_rt_roundup(lo, 0) == pad);
	CHECK(bsd_rt_roundup(lo, 1) == pad);
	CHECK(bsd_rt_roundup(lo, pad + 1) == 2 * pad);

	/* A host route (plen 128): no netmask; too small a buffer: 0. */
	n = bsd_rt_sockaddrs(lo, got, sizeof(got), &dst, 128, 7, &addrs);
	CHECK(n == sin6_sz + dl_sz);
	CHECK(addrs == 3);
	CHECK(bsd_rt_sockaddrs(lo, got, total - 1, &dst, 32, 7, &addrs) == 0);
	CHECK(bsd_rt_sockaddrs(lo, got, sizeof(got), &dst, 129, 7,
	    &addrs) == 0);

	/* A link-local destination carries the interface as scope id. */
	memcpy(&dst, a_ll, 16);
	n = bsd_rt_sockaddrs(lo, got, sizeof(got), &dst, 64, 9, &addrs);
	exp_sin6(exp, af, a_ll, 9);
	CHECK(n == total);
	CHECK(memcmp(got, exp, 28) == 0);

	/* A mask that is not whole bytes. */
	memcpy(&dst, a_2001, 16);
	n = bsd_rt_sockaddrs(lo, got, sizeof(got), &dst, 33, 7, &addrs);
	exp_sin6(exp, af, m_33, 0);
	CHECK(n == total);
	CHECK(memcmp(got + sin6_sz + dl_sz, exp, 28) == 0);
}

/* SIOCAIFADDR_IN6 of the Teredo address/32 on "teredo", flags given. */
static void
test_ifra(const struct bsd_layout *lo, uint8_t af, size_t size, int flags)
{
	unsigned char	 exp[256], got[256];
	struct in6_addr	 a;
	size_t		 i;

	CHECK(lo->ifra_size == size);
	memset(exp, 0, sizeof(exp));
	memcpy(exp, "teredo", 6);
	exp_sin6(exp + 16, af, a_teredo, 0);
	/* ifra_dstaddr (44..71) stays zero: a point-to-point peer unset. */
	exp_sin6(exp + 72, af, m_32, 0);
	memcpy(exp + 100, &flags, sizeof(flags));
	/* expire and preferred (104..119) zero; vltime, pltime infinite */
	for (i = 120; i < 128; i++)
		exp[i] = 0xff;
	memcpy(&a, a_teredo, 16);
	memset(got, 0xaa, sizeof(got));
	CHECK(bsd_ifra(lo, got, "teredo", &a, 32, 5, flags) == 0);
	CHECK(memcmp(got, exp, size) == 0);
	/* Nothing written past the structure. */
	CHECK(got[size] == 0xaa);

	/* A link-local address gets its scope id. */
	memcpy(&a, a_ll, 16);
	CHECK(bsd_ifra(lo, got, "teredo", &a, 64, 5, flags) == 0);
	exp_sin6(exp + 16, af, a_ll, 5);
	CHECK(memcmp(got + 16, exp + 16, 28) == 0);

	/* IFNAMSIZ is 16 with its NUL: 15 characters fit, 16 do not. */
	CHECK(bsd_ifra(lo, got, "teredo456789abc", &a, 64, 5, flags) == 0);
	CHECK(bsd_ifra(lo, got, "teredo456789abcd", &a, 64, 5, flags) == -1);
	CHECK(bsd_ifra(lo, got, "teredo", &a, 129, 5, flags) == -1);
}

int
main(void)
{
	/* FreeBSD: AF_INET6 28, sockaddr_dl 54 -> 56, padding 8. */
	test_route(&lo_freebsd, 28, 54, 8, 32 + 56 + 32);
	/* OpenBSD: AF_INET6 24, sockaddr_dl 32, padding 8. */
	test_route(&lo_openbsd, 24, 32, 8, 32 + 32 + 32);
	/* macOS: AF_INET6 30, sockaddr_dl 20, padding 4: no padding here. */
	test_route(&lo_darwin, 30, 20, 4, 28 + 20 + 28);
	/*
	 * IN6_IFF_NODAD is 0x20 on FreeBSD (netinet6/in6_var.h:499) and macOS
	 * (in6_var.h:800); OpenBSD has none.
	 */
	test_ifra(&lo_freebsd, 28, 136, 0x20);
	test_ifra(&lo_openbsd, 24, 128, 0);
	test_ifra(&lo_darwin, 30, 128, 0x20);
	return T_DONE();
}
