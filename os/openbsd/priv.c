/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * NOT COMPILED HERE: no OpenBSD sysroot is reachable from the Linux build
 * machine.  Written from OpenBSD's setresuid(2), chroot(2), pledge(2),
 * unveil(2).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "os.h"

/* Refuse a chroot directory that someone but root could fill (ntpd). */
static int
priv_chroot(const char *dir)
{
	struct stat	 st;

	if (stat(dir, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		errno = EPERM;
		return -1;
	}
	return chroot(dir);
}

/* The drop must be irreversible, and exactly what we asked for. */
static int
priv_verify(const struct passwd *pw)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg, groups[2];

	if (setuid(0) != -1 || seteuid(0) != -1)
		goto fail;
	if (pw->pw_gid != 0 && (setgid(0) != -1 || setegid(0) != -1))
		goto fail;
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		goto fail;
	if (ru != pw->pw_uid || eu != pw->pw_uid || su != pw->pw_uid ||
	    rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid)
		goto fail;
	if (getgroups(2, groups) != 1 || groups[0] != pw->pw_gid)
		goto fail;
	return 0;
fail:
	errno = EPERM;
	return -1;
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
	if (setgroups(1, &gid) == -1 ||
	    setresgid(gid, gid, gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return -1;
	return priv_verify(pw);
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
