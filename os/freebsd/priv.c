/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * Compiled against FreeBSD 14.2's headers by ../shared/sysroots/check.sh
 * (not linked, not run), and on Linux with fakes by
 * tests/unit/test_bsd_priv.c.  Written from FreeBSD's capsicum(4) and
 * cap_enter(2).
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>

#include "os.h"
#include "bsd/bsd.h"

/* The privilege drop is os/bsd/privdrop.c and os/bsd/resid.c. */

int
os_sandbox(enum os_role role)
{
	/*
	 * Capsicum here is the rights of each descriptor the engine keeps
	 * (os_sandbox_fd(), os/freebsd/sandbox.c), without capability
	 * mode: after cap_enter(2), sendto(2) with a destination address
	 * fails with ECAPMODE (sendit() in sys/kern/uipc_syscalls.c), and
	 * the engine and the server send to peers they learn at run time
	 * from one unconnected UDP socket.  So a compromised engine can
	 * still make new sockets; it is unprivileged and chrooted, and its
	 * descriptors do only what they are for (no ioctl, no bind, no
	 * connect on the tunnel, the channel or the status socket).
	 */
	return bsd_sandbox_none(role);
}

const char *
os_name(void)
{
	return "freebsd";
}
