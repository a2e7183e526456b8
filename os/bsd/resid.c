/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * Shared by os/freebsd and os/openbsd (macOS, which lacks setresuid(2),
 * has its own in os/darwin/priv.c).  Compiled here only against the
 * recorder fakes of tests/unit/test_bsd_priv.c; no FreeBSD or OpenBSD
 * sysroot is reachable from the Linux build machine.  Written from
 * setresuid(2) and getresuid(2) of both.
 */
#include "config.h"

#include <sys/types.h>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "bsd.h"

/* Real, effective and saved IDs in one call each: nothing is left. */
int
bsd_priv_setids(const struct passwd *pw)
{
	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return -1;
	return 0;
}

/* All six IDs are pw's, and the only group is pw's own. */
int
bsd_priv_checkids(const struct passwd *pw)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg, groups[2];

	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		return -1;
	if (ru != pw->pw_uid || eu != pw->pw_uid || su != pw->pw_uid ||
	    rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid)
		return -1;
	if (getgroups(2, groups) != 1 || groups[0] != pw->pw_gid)
		return -1;
	return 0;
}
