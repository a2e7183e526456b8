/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * Compiled against OpenBSD 7.8's headers by ../shared/sysroots/check.sh
 * (not linked, not run), and on Linux against recorder fakes by
 * tests/unit/test_bsd_priv.c.  Written from OpenBSD's pledge(2) and
 * unveil(2).
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <unistd.h>

#include "os.h"

/* The privilege drop is os/bsd/privdrop.c and os/bsd/resid.c. */

/* pledge(2) is per process, not per descriptor. */
int
os_sandbox_fd(int fd, enum os_fd_use use)
{
	(void)fd;
	(void)use;
	return 0;
}

/*
 * The engine and the server open nothing after set-up.  unveil("/", "")
 * turns the veil on with the whole tree (the chroot, or the real root
 * without one) visible to no call; pledge(2) then drops the "unveil"
 * promise, so it cannot be lifted.  Without rpath/wpath/cpath pledge
 * already refuses paths: the veil is a second wall behind it (and behind
 * the chroot).
 *
 * The promises, against the Linux filter (os/linux/sandbox.c), which
 * allows I/O on existing descriptors, sendto to any peer, accept on the
 * status socket, poll, time, memory, and signals to itself:
 * - "stdio": read/write/recv/send on the descriptors we hold, poll,
 *   clock_gettime, getentropy (arc4random), sendsyslog(2) for syslog,
 *   kill(2) of ourselves;
 * - "inet": sendto(2) with a destination address (pledge_sendit() in
 *   kern_pledge.c wants "inet", "unix" or "dns" for that), needed for
 *   peers learnt at run time.  "unix" would pass there too, but only
 *   through that detail of the kernel; pledge(2) documents "inet".
 * The status socket (common/ctl.h) is an AF_UNIX listener opened before
 * pledge(2); accept(2) is allowed under "inet" or "unix" with no domain
 * check (pledge_socket with domain -1).  Untested on a real kernel:
 * should one refuse it, the promises become "stdio inet unix".
 */
static int
sandbox_engine(void)
{
	if (unveil("/", "") == -1)
		return -1;
	return pledge("stdio inet", NULL);
}

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
		return sandbox_engine();
	case OS_ROLE_RESOLVER:
		/*
		 * getaddrinfo(3) and nothing else (ntpd's DNS process):
		 * "dns" lets libc read resolv.conf and hosts and talk to
		 * the name servers, so no unveil(2) is needed.
		 */
		return pledge("stdio dns", NULL);
	case OS_ROLE_PORTMAP:
		/*
		 * SSDP, HTTP to the gateway, NAT-PMP: sockets of its own;
		 * "rpath" for libnatpmp's look at the routing table.
		 */
		return pledge("stdio inet rpath", NULL);
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
