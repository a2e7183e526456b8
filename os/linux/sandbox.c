/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <stddef.h>

#include "os.h"

#ifdef HAVE_SECCOMP
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <seccomp.h>
#include <unistd.h>

/*
 * The engine's and the server's system-call allow-list (libseccomp).
 *
 * Unknown system calls fail with EPERM rather than kill the process: a
 * libc update that starts using a new call for something harmless (as
 * glibc did with clone3, rseq, statx, newfstatat) would otherwise crash
 * the daemon in the field, where a failing call is logged by the caller
 * and can be added here.  What would serve an attacker (exec, ptrace,
 * new network sockets, executable memory) is refused either way, and
 * exec and ptrace kill outright: nothing legitimate calls them here.
 */

static const char *const sandbox_allow[] = {
	/* I/O on descriptors opened before the sandbox */
	"read", "write", "readv", "writev", "close", "lseek", "fcntl",
	"recvfrom", "recvmsg", "recvmmsg", "sendto", "sendmsg", "sendmmsg",
	"getsockname", "getpeername", "getsockopt", "shutdown",
	/* syslog(3): connect(2) on its AF_UNIX socket (see socket below) */
	"connect",
	/*
	 * The status socket (common/ctl.h): clients of the listener that
	 * was bound before the sandbox.  bind and listen stay refused, so
	 * no new listener can be made.
	 */
	"accept", "accept4",
	/* the event loop and time */
	"poll", "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl",
	"epoll_wait", "epoll_pwait", "epoll_pwait2", "clock_gettime",
	"clock_nanosleep", "nanosleep", "gettimeofday", "time",
	"timerfd_create", "timerfd_settime", "timerfd_gettime",
	/* memory (mmap and mprotect below), randomness, stat */
	"brk", "munmap", "mremap", "madvise", "getrandom",
	"fstat", "newfstatat", "statx",
	/* process, signals, threads of libc */
	"exit", "exit_group", "rt_sigreturn", "rt_sigaction",
	"rt_sigprocmask", "sigaltstack", "restart_syscall", "getpid",
	"getppid", "gettid", "futex", "sched_yield", "rseq",
};

static const char *const sandbox_kill[] = {
	"execve", "execveat", "ptrace", "process_vm_writev",
};

static int
sandbox_names(scmp_filter_ctx ctx, uint32_t action, const char *const *names,
    size_t n)
{
	size_t	 i;
	int	 nr, rc;

	for (i = 0; i < n; i++) {
		/* A call this architecture lacks resolves negative: skip. */
		if ((nr = seccomp_syscall_resolve_name(names[i])) < 0)
			continue;
		if ((rc = seccomp_rule_add(ctx, action, nr, 0)) < 0)
			return rc;
	}
	return 0;
}

/* Calls allowed only with some arguments. */
static int
sandbox_args(scmp_filter_ctx ctx)
{
	scmp_datum_t	 self = (scmp_datum_t)getpid();
	int		 rc;

	/* No executable memory: no code injected at run time. */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) < 0)
		return rc;
	/* syslog(3) reconnects to /dev/log; no other socket may be made. */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0))) < 0)
		return rc;
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_EQ, FIONREAD, 0))) < 0)
		return rc;
	/* Signals only to ourselves (raise(3), abort(3)). */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    SCMP_A0(SCMP_CMP_EQ, self, 0))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, self, 0))) < 0)
		return rc;
	return 0;
}

static int
sandbox_seccomp(void)
{
	scmp_filter_ctx	 ctx;
	int		 rc;

	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* seccomp_load() sets no_new_privs first (the default attribute). */
	if ((rc = sandbox_names(ctx, SCMP_ACT_ALLOW, sandbox_allow,
	    sizeof(sandbox_allow) / sizeof(sandbox_allow[0]))) < 0 ||
	    (rc = sandbox_names(ctx, SCMP_ACT_KILL_PROCESS, sandbox_kill,
	    sizeof(sandbox_kill) / sizeof(sandbox_kill[0]))) < 0 ||
	    (rc = sandbox_args(ctx)) < 0 ||
	    (rc = seccomp_load(ctx)) < 0) {
		seccomp_release(ctx);
		errno = -rc;
		return -1;
	}
	seccomp_release(ctx);
	return 0;
}
#endif /* HAVE_SECCOMP */

/* The seccomp filter is per process, not per descriptor. */
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
	switch (role) {
	case OS_ROLE_PRIV:
		/* The parent configures interfaces: nothing to confine. */
		return 0;
	case OS_ROLE_ENGINE:
	case OS_ROLE_SERVER:
#ifdef HAVE_SECCOMP
		return sandbox_seccomp();
#else
		/* configure's summary says "seccomp: no". */
		return 0;
#endif
	default:
		errno = EINVAL;
		return -1;
	}
}
