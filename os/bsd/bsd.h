/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef OS_BSD_BSD_H
#define OS_BSD_BSD_H

/*
 * Internal to the FreeBSD, OpenBSD and macOS backends.  The files in
 * os/bsd/ hold what the three do the same way (SIOCAIFADDR_IN6, routing
 * socket, monitor, privilege drop, tunnel I/O); what differs is a
 * constant or a small function defined once per OS in os/<os>/ and
 * declared here.  Nothing in os/bsd/ tests an OS macro.
 */

#include <sys/types.h>
#include <pwd.h>
#include <stddef.h>

#include "os.h"

struct rt_msghdr;

/*
 * Defined in os/<os>/ifconf.c.
 */
/* SOCK_CLOEXEC and SOCK_NONBLOCK, or 0 where socket(2) lacks them. */
extern const int	 bsd_sock_cloexec;
extern const int	 bsd_sock_nonblock;
/* ifra_flags of a new address: IN6_IFF_NODAD where the OS has it. */
extern const int	 bsd_addr_flags;
/*
 * The OS's layout of what os/bsd/rtmsg.c builds (AF_ values, padding of
 * routing-socket sockaddrs, sockaddr_dl and in6_aliasreq), pinned to the
 * real headers by static assertions next to its definition.
 */
extern const struct bsd_layout bsd_layout;
/* Fill the OS's own rt_msghdr fields (priority, table) for a route. */
void	 bsd_route_hdr(struct rt_msghdr *rtm, unsigned int metric);

/*
 * Defined in os/<os>/tun.c: 1 where the interface outlives its descriptor
 * (a cloned tun(4)) and os_tun_close() destroys it, 0 where it goes away
 * with its descriptor (macOS utun).
 */
extern const int	 bsd_tun_destroy;

/*
 * The set*id calls of the privilege drop and their check: os/bsd/resid.c
 * (setresuid(2), FreeBSD and OpenBSD) or os/darwin/priv.c.
 */
int	 bsd_priv_setids(const struct passwd *pw);
int	 bsd_priv_checkids(const struct passwd *pw);
/* os_sandbox() of an OS with no sandbox: checks role (privdrop.c). */
int	 bsd_sandbox_none(enum os_role role);

/*
 * Shared helpers (os/bsd/ifconf.c unless said).
 */
/* A close-on-exec socket, non-blocking if asked. */
int	 bsd_socket(int domain, int type, int protocol, int nonblock);
/* One interface ioctl on a throw-away AF_INET6 datagram socket. */
int	 bsd_if_ioctl(unsigned long req, void *arg);
/* Destroy a cloned interface (os/bsd/tun.c). */
int	 bsd_if_destroy(const char *ifname);

#endif /* OS_BSD_BSD_H */
