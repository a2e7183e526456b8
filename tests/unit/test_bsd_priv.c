/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "t.h"

/*
 * The privilege drop of the BSD and macOS backends cannot run here, so it
 * runs against recorder fakes: this file defines chroot, stat, the set*id
 * calls and their getters over a simulated credential set (the POSIX
 * rules: root may set anything, others only their real or saved IDs), and
 * includes the shared os/bsd/privdrop.c with the backend's set*id part
 * (os/bsd/resid.c, or os/darwin/priv.c) and priv.c, chosen by PRIV_OS
 * (1 FreeBSD, 2 OpenBSD, 3 macOS).  It checks the order of the steps,
 * the chroot refusals, and that the verification catches a drop that left
 * a saved uid of 0.
 */

#if PRIV_OS == 2
int	 pledge(const char *, const char *);
int	 unveil(const char *, const char *);
#endif

static struct {
	uid_t	 ruid, euid, suid;
	gid_t	 rgid, egid, sgid;
	gid_t	 groups[4];
	int	 ngroups;
	int	 keep_suid;	/* a broken setresuid/setuid */
	int	 fail_setgroups;
	int	 fail_unveil;
	uid_t	 dir_uid;
	mode_t	 dir_mode;
	char	 trace[1024];
	char	 pledged[64];
} sim;

static void
rec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
rec(const char *fmt, ...)
{
	size_t	 len = strlen(sim.trace);
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(sim.trace + len, sizeof(sim.trace) - len, fmt, ap);
	va_end(ap);
	len = strlen(sim.trace);
	snprintf(sim.trace + len, sizeof(sim.trace) - len, ";");
}

static void
sim_reset(void)
{
	memset(&sim, 0, sizeof(sim));
	sim.ngroups = 2;
	sim.groups[1] = 5;
	sim.dir_mode = S_IFDIR | 0755;
}

static int
deny(void)
{
	errno = EPERM;
	return -1;
}

int
stat(const char *path, struct stat *st)
{
	rec("stat %s", path);
	memset(st, 0, sizeof(*st));
	st->st_uid = sim.dir_uid;
	st->st_mode = sim.dir_mode;
	return 0;
}

int
chroot(const char *path)
{
	rec("chroot %s", path);
	return sim.euid == 0 ? 0 : deny();
}

int
chdir(const char *path)
{
	rec("chdir %s", path);
	return 0;
}

int
setgroups(size_t n, const gid_t *g)
{
	rec("setgroups %zu", n);
	if (sim.euid != 0 || sim.fail_setgroups || n > 4)
		return deny();
	memcpy(sim.groups, g, n * sizeof(*g));
	sim.ngroups = (int)n;
	return 0;
}

int
getgroups(int n, gid_t *g)
{
	if (n < sim.ngroups) {
		errno = EINVAL;
		return -1;
	}
	memcpy(g, sim.groups, (size_t)sim.ngroups * sizeof(*g));
	return sim.ngroups;
}

static int
may_uid(uid_t u)
{
	return sim.euid == 0 || u == (uid_t)-1 || u == sim.ruid ||
	    u == sim.euid || u == sim.suid;
}

static int
may_gid(gid_t g)
{
	return sim.euid == 0 || g == (gid_t)-1 || g == sim.rgid ||
	    g == sim.egid || g == sim.sgid;
}

int
setresuid(uid_t r, uid_t e, uid_t s)
{
	rec("setresuid %d %d %d", (int)r, (int)e, (int)s);
	if (!may_uid(r) || !may_uid(e) || !may_uid(s))
		return deny();
	if (r != (uid_t)-1)
		sim.ruid = r;
	if (e != (uid_t)-1)
		sim.euid = e;
	if (s != (uid_t)-1 && !sim.keep_suid)
		sim.suid = s;
	return 0;
}

int
setresgid(gid_t r, gid_t e, gid_t s)
{
	rec("setresgid %d %d %d", (int)r, (int)e, (int)s);
	if (!may_gid(r) || !may_gid(e) || !may_gid(s))
		return deny();
	if (r != (gid_t)-1)
		sim.rgid = r;
	if (e != (gid_t)-1)
		sim.egid = e;
	if (s != (gid_t)-1)
		sim.sgid = s;
	return 0;
}

/* setuid(2): root sets all three; others only switch to real or saved. */
int
setuid(uid_t u)
{
	rec("setuid %d", (int)u);
	if (sim.euid == 0) {
		sim.ruid = sim.euid = u;
		if (!sim.keep_suid)
			sim.suid = u;
		return 0;
	}
	if (u != sim.ruid && u != sim.suid)
		return deny();
	sim.euid = u;
	return 0;
}

int
seteuid(uid_t u)
{
	rec("seteuid %d", (int)u);
	if (sim.euid != 0 && u != sim.ruid && u != sim.suid)
		return deny();
	sim.euid = u;
	return 0;
}

int
setgid(gid_t g)
{
	rec("setgid %d", (int)g);
	if (sim.euid == 0) {
		sim.rgid = sim.egid = sim.sgid = g;
		return 0;
	}
	if (g != sim.rgid && g != sim.sgid)
		return deny();
	sim.egid = g;
	return 0;
}

int
setegid(gid_t g)
{
	rec("setegid %d", (int)g);
	if (sim.euid != 0 && g != sim.rgid && g != sim.sgid)
		return deny();
	sim.egid = g;
	return 0;
}

uid_t
getuid(void)
{
	return sim.ruid;
}

uid_t
geteuid(void)
{
	return sim.euid;
}

gid_t
getgid(void)
{
	return sim.rgid;
}

gid_t
getegid(void)
{
	return sim.egid;
}

int
getresuid(uid_t *r, uid_t *e, uid_t *s)
{
	*r = sim.ruid;
	*e = sim.euid;
	*s = sim.suid;
	return 0;
}

int
getresgid(gid_t *r, gid_t *e, gid_t *s)
{
	*r = sim.rgid;
	*e = sim.egid;
	*s = sim.sgid;
	return 0;
}

#if PRIV_OS == 2
int
pledge(const char *promises, const char *execpromises)
{
	rec("pledge %s", promises);
	CHECK(execpromises == NULL);
	snprintf(sim.pledged, sizeof(sim.pledged), "%s", promises);
	return 0;
}

int
unveil(const char *path, const char *permissions)
{
	rec("unveil %s '%s'", path != NULL ? path : "NULL",
	    permissions != NULL ? permissions : "NULL");
	return sim.fail_unveil ? deny() : 0;
}
#endif

/* The shared drop, then the OS's set*id calls, sandbox and name. */
#include "../../os/bsd/privdrop.c"
#include "../../os/safedir.c"
#if PRIV_OS == 1
#include "../../os/bsd/resid.c"
#include "../../os/freebsd/priv.c"
#define OS_NAME		"freebsd"
#elif PRIV_OS == 2
#include "../../os/bsd/resid.c"
#include "../../os/openbsd/priv.c"
#define OS_NAME		"openbsd"
#elif PRIV_OS == 3
#include "../../os/darwin/priv.c"
#define OS_NAME		"darwin"
#else
#error "PRIV_OS must be 1, 2 or 3"
#endif

/* Position of step in the trace, or -1. */
static int
at(const char *step)
{
	const char	*p = strstr(sim.trace, step);

	return p != NULL ? (int)(p - sim.trace) : -1;
}

static void
test_drop(struct passwd *pw)
{
	sim_reset();
	CHECK(os_privdrop(pw, "/var/empty") == 0);
	fprintf(stderr, "%s trace: %s\n", OS_NAME, sim.trace);
	CHECK(sim.ruid == 65534 && sim.euid == 65534 && sim.suid == 65534);
	CHECK(sim.rgid == 65533 && sim.egid == 65533 && sim.sgid == 65533);
	CHECK(sim.ngroups == 1 && sim.groups[0] == 65533);
	/* chroot first (it needs root), then the groups, then the uid. */
	CHECK(at("stat /var/empty") == 0);
	CHECK(at("chroot /var/empty") < at("chdir /"));
	CHECK(at("chdir /") < at("setgroups 1"));
	CHECK(at("setgroups 1") < at("gid 65533"));
	CHECK(at("gid 65533") < at("uid 65534"));
	/* and verified: regaining root was tried, and failed. */
	CHECK(at("setuid 0") > at("uid 65534"));
	/* Without a chroot directory there is no chroot. */
	sim_reset();
	CHECK(os_privdrop(pw, NULL) == 0);
	CHECK(at("chroot") == -1 && at("chdir /") >= 0);
}

static void
test_refusals(struct passwd *pw)
{
	/* A chroot directory others could write to, or not root's. */
	sim_reset();
	sim.dir_mode = S_IFDIR | 0775;
	CHECK(os_privdrop(pw, "/var/empty") == -1 && errno == EPERM);
	CHECK(at("chroot") == -1 && at("setgroups") == -1);
	sim_reset();
	sim.dir_mode = S_IFDIR | 0757;
	CHECK(os_privdrop(pw, "/var/empty") == -1 && errno == EPERM);
	sim_reset();
	sim.dir_uid = 1000;
	CHECK(os_privdrop(pw, "/var/empty") == -1 && errno == EPERM);
	sim_reset();
	sim.dir_mode = S_IFREG | 0755;
	CHECK(os_privdrop(pw, "/var/empty") == -1 && errno == ENOTDIR);
	/* A failing step stops the drop with its errno. */
	sim_reset();
	sim.fail_setgroups = 1;
	CHECK(os_privdrop(pw, NULL) == -1 && errno == EPERM);
	CHECK(at("uid 65534") == -1);
	/* A kernel that kept saved uid 0: caught by the verification. */
	sim_reset();
	sim.keep_suid = 1;
	CHECK(os_privdrop(pw, NULL) == -1 && errno == EPERM);
	/* Dropping "to root" is refused before anything is done. */
	sim_reset();
	pw->pw_uid = 0;
	CHECK(os_privdrop(pw, NULL) == -1 && errno == EINVAL);
	CHECK(sim.trace[0] == '\0');
	pw->pw_uid = 65534;
}

static void
test_sandbox(void)
{
	sim_reset();
	CHECK(os_sandbox(OS_ROLE_PRIV) == 0);
	CHECK(sim.pledged[0] == '\0');
	CHECK(os_sandbox(OS_ROLE_ENGINE) == 0);
#if PRIV_OS == 2
	/*
	 * The whole tree veiled with no permission, then the pledge (which
	 * leaves out "unveil", so the veil stays); the parent gets neither.
	 */
	CHECK(strcmp(sim.trace, "unveil / '';pledge stdio inet;") == 0);
	sim_reset();
	CHECK(os_sandbox(OS_ROLE_SERVER) == 0);
	CHECK(strcmp(sim.trace, "unveil / '';pledge stdio inet;") == 0);
	/* A veil that cannot be set stops there, with its errno. */
	sim_reset();
	sim.fail_unveil = 1;
	CHECK(os_sandbox(OS_ROLE_ENGINE) == -1 && errno == EPERM);
	CHECK(at("pledge") == -1);
	/* pledge and unveil are per process: descriptors are left alone. */
	sim_reset();
	CHECK(os_sandbox_fd(3, OS_FD_UDP) == 0 && sim.trace[0] == '\0');
	/* The resolver: pledged for DNS, no veil (libc reads resolv.conf). */
	sim_reset();
	CHECK(os_sandbox(OS_ROLE_RESOLVER) == 0);
	CHECK(strcmp(sim.trace, "pledge stdio dns;") == 0);
#else
	CHECK(os_sandbox(OS_ROLE_SERVER) == 0);
	CHECK(os_sandbox(OS_ROLE_RESOLVER) == 0);
#endif
	CHECK(os_sandbox((enum os_role)42) == -1 && errno == EINVAL);
	CHECK(strcmp(os_name(), OS_NAME) == 0);
}

int
main(void)
{
	static char	 name[] = "nobody";
	struct passwd	 pw;

	memset(&pw, 0, sizeof(pw));
	pw.pw_name = name;
	pw.pw_uid = 65534;
	pw.pw_gid = 65533;
	test_drop(&pw);
	test_refusals(&pw);
	test_sandbox();
	return T_DONE();
}
