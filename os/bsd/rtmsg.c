/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>

#include <string.h>

#include "rtmsg.h"

/*
 * OS-neutral: nothing here includes a BSD header or tests an OS macro;
 * the OS is the struct bsd_layout (rtmsg.h).  Built into the BSD and
 * macOS backends and into tests/unit/test_bsd_rtmsg on every OS.
 */

#define IFNAMSIZ_BSD	16	/* IFNAMSIZ of all three (net/if.h) */
#define SDL_INDEX_OFF	2	/* sdl_len, sdl_family, sdl_index */
#define SIN6_ADDR_OFF	8
#define SIN6_SCOPE_OFF	24

/* route(4): 1 + ((len - 1) | (align - 1)), and align for a length of 0. */
size_t
bsd_rt_roundup(const struct bsd_layout *lo, size_t len)
{
	return len > 0 ? 1 + ((len - 1) | (lo->rt_align - 1)) : lo->rt_align;
}

static int
is_linklocal(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

void
bsd_sin6(const struct bsd_layout *lo, unsigned char *out,
    const struct in6_addr *addr, uint32_t scope)
{
	memset(out, 0, BSD_SIN6_LEN);
	out[0] = BSD_SIN6_LEN;
	out[1] = lo->af_inet6;
	memcpy(out + SIN6_ADDR_OFF, addr, sizeof(*addr));
	if (is_linklocal(addr))
		memcpy(out + SIN6_SCOPE_OFF, &scope, sizeof(scope));
}

void
bsd_sin6_mask(const struct bsd_layout *lo, unsigned char *out,
    unsigned int plen)
{
	struct in6_addr	 m;
	unsigned int	 i;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < plen / 8 && i < 16; i++)
		m.s6_addr[i] = 0xff;
	if (i < 16 && plen % 8 != 0)
		m.s6_addr[i] = (unsigned char)(0xff00 >> (plen % 8));
	bsd_sin6(lo, out, &m, 0);
}

/* Append one sockaddr, padded; 0 when it does not fit. */
static size_t
rt_put(const struct bsd_layout *lo, unsigned char *out, size_t cap,
    size_t off, const unsigned char *sa, size_t len)
{
	size_t	 n = bsd_rt_roundup(lo, len);

	if (off > cap || cap - off < n)
		return 0;
	memset(out + off, 0, n);
	memcpy(out + off, sa, len);
	return off + n;
}

size_t
bsd_rt_sockaddrs(const struct bsd_layout *lo, unsigned char *out,
    size_t cap, const struct in6_addr *dst, unsigned int plen,
    unsigned int idx, int *addrs)
{
	unsigned char	 sa[256];
	uint16_t	 index = (uint16_t)idx;
	size_t		 off;

	if (plen > 128 || lo->sdl_size > sizeof(sa) || lo->sdl_size < 8)
		return 0;
	*addrs = BSD_RTA_DST | BSD_RTA_GATEWAY;
	bsd_sin6(lo, sa, dst, idx);
	if ((off = rt_put(lo, out, cap, 0, sa, BSD_SIN6_LEN)) == 0)
		return 0;
	/* The gateway is the interface itself: its link-level address. */
	memset(sa, 0, lo->sdl_size);
	sa[0] = (unsigned char)lo->sdl_size;
	sa[1] = lo->af_link;
	memcpy(sa + SDL_INDEX_OFF, &index, sizeof(index));
	if ((off = rt_put(lo, out, cap, off, sa, lo->sdl_size)) == 0)
		return 0;
	if (plen < 128) {
		*addrs |= BSD_RTA_NETMASK;
		bsd_sin6_mask(lo, sa, plen);
		off = rt_put(lo, out, cap, off, sa, BSD_SIN6_LEN);
	}
	return off;
}

int
bsd_ifra(const struct bsd_layout *lo, unsigned char *out,
    const char *ifname, const struct in6_addr *addr, unsigned int plen,
    uint32_t scope, int flags)
{
	uint32_t	 inf = BSD_ND6_INFINITE;
	size_t		 n;

	memset(out, 0, lo->ifra_size);
	if (ifname == NULL || (n = strlen(ifname)) >= IFNAMSIZ_BSD ||
	    plen > 128)
		return -1;
	memcpy(out, ifname, n);
	bsd_sin6(lo, out + lo->off_addr, addr, scope);
	bsd_sin6_mask(lo, out + lo->off_mask, plen);
	memcpy(out + lo->off_flags, &flags, sizeof(flags));
	memcpy(out + lo->off_vltime, &inf, sizeof(inf));
	memcpy(out + lo->off_pltime, &inf, sizeof(inf));
	return 0;
}
