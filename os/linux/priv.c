/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/capability.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "os.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>

static volatile int priv_dropped;

/*
 * LeakSanitizer's check at exit ptraces the process's threads, which a
 * process that dropped root (not dumpable, no capability) and entered
 * the sandbox (no clone, no ptrace) cannot do: skip the check there
 * rather than fail the exit (sanitizer builds only).
 */
__attribute__((used)) int
__lsan_is_turned_off(void)
{
	return priv_dropped;
}
#define PRIV_DROPPED()	(priv_dropped = 1)
#else
#define PRIV_DROPPED()	((void)0)
#endif

/*
 * Dropping root for good on Linux: chroot, groups, gids, uids, then the
 * capabilities (bounding set, ambient set, and the three process sets, so
 * that neither this process nor anything it could exec gets one back) and
 * no_new_privs.  No libcap: the two system calls are enough.
 */

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT			47
#define PR_CAP_AMBIENT_CLEAR_ALL	4
#endif

/* Refuse a chroot directory that someone but root could fill (ntpd). */
/* The whole path is checked (os_safe_dir). */
static int
priv_chroot(const char *dir)
{
	if (os_safe_dir(dir) == -1)
		return -1;
	return chroot(dir);
}

/* Needs CAP_SETPCAP, so it runs while we are still root. */
static int
priv_drop_bounding(void)
{
	int	 cap;

	/* PR_CAPBSET_READ fails with EINVAL past the kernel's last cap. */
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1)
			return -1;
	if (errno != EINVAL)
		return -1;
	/* Ambient capabilities appeared in Linux 4.3. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return -1;
	return 0;
}

static int
priv_capset_zero(void)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];

	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	data[0].effective = data[0].permitted = data[0].inheritable = 0;
	data[1] = data[0];
	return (int)syscall(SYS_capset, &hdr, data);
}

static int
priv_capget_empty(void)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[2];
	int				 i;

	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	if (syscall(SYS_capget, &hdr, data) == -1)
		return 0;
	for (i = 0; i < 2; i++)
		if (data[i].effective != 0 || data[i].permitted != 0 ||
		    data[i].inheritable != 0)
			return 0;
	return 1;
}

/* The drop must be irreversible, and exactly what we asked for. */
static int
priv_verify(const struct passwd *pw)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg, groups[2];

	if (setuid(0) != -1 || setresuid((uid_t)-1, 0, (uid_t)-1) != -1)
		goto fail;
	if (pw->pw_gid != 0 && (setgid(0) != -1 || setegid(0) != -1))
		goto fail;
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		goto fail;
	if (ru != pw->pw_uid || eu != pw->pw_uid || su != pw->pw_uid ||
	    rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid)
		goto fail;
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid)
		goto fail;
	if (getgroups(2, groups) != 1 || groups[0] != pw->pw_gid)
		goto fail;
	if (!priv_capget_empty())
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
	if (priv_drop_bounding() == -1)
		return -1;
	PRIV_DROPPED();
	if (setgroups(1, &gid) == -1 ||
	    setresgid(gid, gid, gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return -1;
	/* setresuid cleared the sets already, unless KEEPCAPS was set. */
	if (priv_capset_zero() == -1)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return priv_verify(pw);
}

const char *
os_name(void)
{
	return "linux";
}
