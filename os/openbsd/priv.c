/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * NOT COMPILED HERE for OpenBSD: no OpenBSD sysroot is reachable from the
 * Linux build machine; tests/unit/test_bsd_priv.c compiles it on Linux
 * with fakes.  Written from OpenBSD's pledge(2) and unveil(2).
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <unistd.h>

#include "os.h"

/* The privilege drop is os/bsd/privdrop.c and os/bsd/resid.c. */

int
os_sandbox(enum os_role role)
{
	switch (role) {
	case OS_ROLE_PRIV:
		/*
		 * Known gap: the parent cannot be pledged, since no promise
		 * allows SIOCAIFADDR_IN6, SIOCSIFMTU or route messages
		 * (bgpd and slaacd keep such a process unpledged too).  It
		 * is not unveiled either: what it must reach (configuration
		 * for SIGHUP, pid file, client hook) is known to the caller,
		 * not here.
		 */
		return 0;
	case OS_ROLE_ENGINE:
	case OS_ROLE_SERVER:
		/*
		 * Its sockets are open: "stdio" for I/O on them and syslog,
		 * "inet" for sendto(2) to peers learnt at run time.  Without
		 * rpath/wpath/cpath no path can be opened, so no unveil(2)
		 * is needed on top.
		 * The status socket (common/ctl.h) is an AF_UNIX listener
		 * opened before pledge(2); accept(2) on it needs no "unix":
		 * pledge lets "inet" or "unix" call accept and makes no
		 * domain check for it (kern_pledge.c, pledge_socket with
		 * domain -1).  Untested here (see above); should a kernel
		 * refuse it, the promises become "stdio inet unix".
		 */
		return pledge("stdio inet", NULL);
	case OS_ROLE_RESOLVER:
		/*
		 * getaddrinfo(3) and nothing else (ntpd's DNS process):
		 * "dns" lets libc read resolv.conf and hosts and talk to
		 * the name servers, so no unveil(2) is needed.
		 */
		return pledge("stdio dns", NULL);
	default:
		errno = EINVAL;
		return -1;
	}
}

const char *
os_name(void)
{
	return "openbsd";
}
