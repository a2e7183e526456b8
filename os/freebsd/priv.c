/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * NOT COMPILED HERE for FreeBSD: no FreeBSD sysroot is reachable from the
 * Linux build machine; tests/unit/test_bsd_priv.c compiles it on Linux
 * with fakes.  Written from FreeBSD's capsicum(4) and cap_enter(2).
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
	 * Capsicum does not fit a Teredo engine or server: in capability
	 * mode sendto(2) with a destination address fails with ECAPMODE
	 * (sys/kern/uipc_syscalls.c), and both send to peers they learn at
	 * run time from one unconnected UDP socket.  The unprivileged,
	 * chrooted process is the confinement here (DESIGN.md's table).
	 */
	return bsd_sandbox_none(role);
}

const char *
os_name(void)
{
	return "freebsd";
}
