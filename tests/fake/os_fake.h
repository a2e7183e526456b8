/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef OS_FAKE_H
#define OS_FAKE_H

/*
 * An in-memory os.h for unit tests of engine and priv code, without root.
 * Link tests/fake/os_fake.c (never libos.a) and include "../fake/os_fake.h".
 *
 * - A tunnel is one end of an AF_UNIX SOCK_SEQPACKET socketpair: what the
 *   code under test writes with os_tun_write() is read from
 *   os_fake_tun_peer(), and what the test sends there comes out of
 *   os_tun_read(), one packet per message.
 * - Interface calls change an in-memory state (MTU, up, address and route
 *   sets) that behaves like Linux: adding twice succeeds, deleting what is
 *   not there fails (EADDRNOTAVAIL, ESRCH), an unknown interface is ENODEV.
 * - Every call is appended to a log, as a struct and as one text line
 *   (e.g. "addr_add teredo 2001:0:c633:640a::1/32"), so order is checkable.
 * - os_fake_fail() makes the next call of one kind fail with an errno.
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <net/if.h>

#include "os.h"

enum os_fake_op {
	OS_FAKE_TUN_OPEN,
	OS_FAKE_TUN_CLOSE,
	OS_FAKE_MTU,
	OS_FAKE_UP,
	OS_FAKE_ADDR_ADD,
	OS_FAKE_ADDR_DEL,
	OS_FAKE_ROUTE_ADD,
	OS_FAKE_ROUTE_DEL,
	OS_FAKE_MONITOR_OPEN,
	OS_FAKE_PRIVDROP,
	OS_FAKE_SANDBOX,
	OS_FAKE_NOPS
};

struct os_fake_call {
	enum os_fake_op	 op;
	int		 result;	/* 0 or -1 */
	int		 error;		/* errno when result is -1 */
	char		 ifname[IFNAMSIZ];
	struct in6_addr	 addr;		/* address or route destination */
	unsigned int	 plen;
	unsigned int	 value;		/* MTU, up flag, metric or role */
	uid_t		 uid;		/* privdrop */
	gid_t		 gid;
	char		 chroot[64];	/* privdrop; "" for none */
};

#define OS_FAKE_MAXCALLS	256

/* Forget everything: close the fake tunnels and monitors, empty the log. */
void	 os_fake_reset(void);

/* The log: number of calls, one call (NULL past the end), the text. */
size_t	 os_fake_calls(void);
const struct os_fake_call *os_fake_call(size_t i);
const char *os_fake_log(void);
/* Index of the first call of op at or after from, or -1. */
int	 os_fake_find_call(enum os_fake_op op, size_t from);

/* The next call of op fails with err (once). */
void	 os_fake_fail(enum os_fake_op op, int err);

/* The test's end of the tunnel named ifname, or -1. */
int	 os_fake_tun_peer(const char *ifname);

/* Current state of a fake interface. */
int	 os_fake_exists(const char *ifname);
unsigned int os_fake_mtu(const char *ifname);
int	 os_fake_is_up(const char *ifname);
int	 os_fake_find_addr(const char *ifname, const struct in6_addr *addr,
	    unsigned int plen);
int	 os_fake_find_route(const char *ifname, const struct in6_addr *dst,
	    unsigned int plen, unsigned int metric);
size_t	 os_fake_naddrs(const char *ifname);
size_t	 os_fake_nroutes(const char *ifname);

/* Make the monitors readable: relevant 1 = an IPv4 change, 0 = noise. */
int	 os_fake_monitor_notify(int relevant);

#endif /* OS_FAKE_H */
