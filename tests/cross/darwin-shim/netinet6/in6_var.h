/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef MIREDO_SHIM_NETINET6_IN6_VAR_H
#define MIREDO_SHIM_NETINET6_IN6_VAR_H

/*
 * CHECK-ONLY stand-in for macOS <netinet6/in6_var.h>, which the zig
 * toolchain lacks.  tests/cross/darwin.sh puts this directory after the
 * real include path (-idirafter), so a real SDK header always wins.
 * Written from the layout the kernel expects; os/darwin/ifconf.c pins it
 * with static assertions (sizes, offsets, ioctl numbers), so a mistake
 * here fails the cross build instead of passing silently.
 */

#include <sys/types.h>
#include <sys/ioccom.h>
#include <net/if.h>
#include <netinet/in.h>

struct in6_addrlifetime {
	time_t		 ia6t_expire;
	time_t		 ia6t_preferred;
	u_int32_t	 ia6t_vltime;
	u_int32_t	 ia6t_pltime;
};

struct in6_aliasreq {
	char			 ifra_name[IFNAMSIZ];
	struct sockaddr_in6	 ifra_addr;
	struct sockaddr_in6	 ifra_dstaddr;
	struct sockaddr_in6	 ifra_prefixmask;
	int			 ifra_flags;
	struct in6_addrlifetime	 ifra_lifetime;
};

/* The real union also holds statistics: 272 bytes, 64-bit aligned. */
struct in6_ifreq {
	char	 ifr_name[IFNAMSIZ];
	union {
		struct sockaddr_in6	 ifru_addr;
		u_int64_t		 ifru_align;
		u_int8_t		 ifru_pad[272];
	} ifr_ifru;
};

#define IN6_IFF_NODAD		0x0020
#define SIOCDIFADDR_IN6		_IOW('i', 25, struct in6_ifreq)
#define SIOCAIFADDR_IN6		_IOW('i', 26, struct in6_aliasreq)

#endif /* MIREDO_SHIM_NETINET6_IN6_VAR_H */
