/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * Shared by os/freebsd, os/openbsd and os/darwin.  Compiled here for
 * macOS (tests/cross/darwin.sh, zig) and, against recorder fakes of the
 * system calls, for tests/unit/test_bsd_priv.c; no FreeBSD or OpenBSD
 * sysroot is reachable from the Linux build machine.  Written from
 * chroot(2), setgroups(2), setresuid(2) and setuid(2) of the three.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "os.h"
#include "bsd.h"

/*
 * The order is fixed: chroot while still root, then the supplementary
 * groups, then the gids, and the uids last (after them nothing else may
 * be changed).  The set*id calls and their check are per OS: setresuid(2)
 * on FreeBSD and OpenBSD (os/bsd/resid.c), setuid(2) on macOS.
 */

/* Refuse a chroot directory that someone but root could fill (ntpd). */
/* The whole path is checked (os_safe_dir). */
static int
priv_chroot(const char *dir)
{
	if (os_safe_dir(dir) == -1)
		return -1;
	return chroot(dir);
}

/* The drop must be irreversible, and exactly what we asked for. */
static int
priv_verify(const struct passwd *pw)
{
	if (setuid(0) != -1 || seteuid(0) != -1)
		goto fail;
	if (pw->pw_gid != 0 && (setgid(0) != -1 || setegid(0) != -1))
		goto fail;
	if (bsd_priv_checkids(pw) == -1)
		goto fail;
	return 0;
fail:
	errno = EPERM;
	return -1;
}

int
bsd_sandbox_none(enum os_role role)
{
	switch (role) {
	case OS_ROLE_PRIV:
	case OS_ROLE_ENGINE:
	case OS_ROLE_SERVER:
	case OS_ROLE_RESOLVER:
	case OS_ROLE_PORTMAP:
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

int
os_privdrop(const struct passwd *pw, const char *chrootdir)
{
	gid_t	 gid;

	if (pw == NULL || pw->pw_uid == 0) {
		errno = EINVAL;
		return -1;
	}
	gid = pw->pw_gid;
	if (chrootdir != NULL && *chrootdir != '\0' &&
	    priv_chroot(chrootdir) == -1)
		return -1;
	if (chdir("/") == -1)
		return -1;
	if (setgroups(1, &gid) == -1 || bsd_priv_setids(pw) == -1)
		return -1;
	return priv_verify(pw);
}
