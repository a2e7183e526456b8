/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "os.h"
#include "bsd/bsd.h"

/*
 * The macOS part of the privilege drop (the rest is os/bsd/privdrop.c),
 * and no sandbox.  macOS has no setresuid(2): for the superuser,
 * setgid(2) and setuid(2) set the real, effective and saved IDs at once,
 * and the verification proves that root cannot be regained.
 */

int
bsd_priv_setids(const struct passwd *pw)
{
	if (setgid(pw->pw_gid) == -1 || setegid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1 || seteuid(pw->pw_uid) == -1)
		return -1;
	return 0;
}

/*
 * getgroups(2) on macOS may report the user's directory memberships
 * rather than the list given to setgroups(2), so only the absence of
 * group 0 is checked there.
 */
int
bsd_priv_checkids(const struct passwd *pw)
{
	gid_t	 groups[64];
	int	 i, n;

	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getegid() != pw->pw_gid)
		return -1;
	if ((n = getgroups(64, groups)) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (groups[i] == 0 && pw->pw_gid != 0)
			return -1;
	return 0;
}

int
os_sandbox_fd(int fd, enum os_fd_use use)
{
	(void)fd;
	(void)use;
	return 0;
}

int
os_sandbox(enum os_role role)
{
	/*
	 * No sandbox beyond the privilege drop on macOS (DESIGN.md): the
	 * sandbox_init(3) profiles are deprecated, undocumented API.
	 */
	return bsd_sandbox_none(role);
}

const char *
os_name(void)
{
	return "darwin";
}
