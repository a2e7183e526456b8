/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "os.h"

/*
 * Dropping root on macOS, which has no setresuid(2): for the superuser,
 * setgid(2) and setuid(2) set the real, effective and saved IDs at once,
 * and the verification below proves that root cannot be regained.
 */

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

/*
 * getgroups(2) on macOS may report the user's directory memberships
 * rather than the list given to setgroups(2), so only the absence of
 * group 0 is checked there.
 */
static int
priv_verify(const struct passwd *pw)
{
	gid_t	 groups[64];
	int	 i, n;

	if (setuid(0) != -1 || seteuid(0) != -1)
		goto fail;
	if (pw->pw_gid != 0 && (setgid(0) != -1 || setegid(0) != -1))
		goto fail;
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getegid() != pw->pw_gid)
		goto fail;
	if ((n = getgroups(64, groups)) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (groups[i] == 0 && pw->pw_gid != 0)
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
	if (setgroups(1, &gid) == -1 || setgid(gid) == -1 ||
	    setegid(gid) == -1 || setuid(pw->pw_uid) == -1 ||
	    seteuid(pw->pw_uid) == -1)
		return -1;
	return priv_verify(pw);
}

int
os_sandbox(enum os_role role)
{
	/*
	 * No sandbox beyond the privilege drop on macOS (DESIGN.md): the
	 * sandbox_init(3) profiles are deprecated, undocumented API.
	 */
	switch (role) {
	case OS_ROLE_PRIV:
	case OS_ROLE_ENGINE:
	case OS_ROLE_SERVER:
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

const char *
os_name(void)
{
	return "darwin";
}
