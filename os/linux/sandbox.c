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

#include <fcntl.h>
#include <seccomp.h>
#include <unistd.h>

/*
 * One system-call allow-list per role (libseccomp), for what the process
 * does once it is set up.  Anything else kills the whole process
 * (SIGSYS), and its supervisor logs that: a call missing here shows at
 * once in testing instead of failing quietly in the field.
 *
 * The engine and the server child have no call left that takes a path
 * (no open, stat, connect or bind), so a chroot would take nothing more
 * from them here; it stays the -t option.  No role may create an
 * AF_UNIX socket, or connect(2) or bind(2) one: logs go to the
 * supervisor over a socketpair made before the sandbox (log.h), so no
 * process holds a /dev/log connection whose lines it could forge, nor
 * can it hand a descriptor (the tunnel) to another local process by
 * SCM_RIGHTS: sendmsg(2) is refused, and the only AF_UNIX peers it has
 * are its supervisor, which discards passed descriptors, and the status
 * socket's clients, which only root can be.
 */

/* Every role: I/O on what it holds, memory, time, libc internals. */
static const char *const sandbox_base[] = {
	"read", "write", "close", "lseek", "fcntl", "fstat",
	"recvfrom", "sendto",
	"poll", "ppoll", "clock_gettime", "gettimeofday", "time",
	"brk", "munmap", "mremap", "madvise", "getrandom",
	"exit", "exit_group", "rt_sigreturn", "rt_sigprocmask",
	"rt_sigaction", "sigaltstack", "restart_syscall", "getpid",
	"gettid", "futex", "sched_yield", "rseq",
};

/*
 * The engine: batched UDP (the tunnel is read and write, its channels
 * send and recv; readv and writev with the offload header, os.h), and
 * the status socket's clients (accept4 is how some libcs and
 * architectures accept).
 */
static const char *const sandbox_engine[] = {
	"recvmmsg", "sendmmsg", "accept", "accept4", "readv", "writev",
};

/* The server child: batched UDP (common/batch.c); status clients. */
static const char *const sandbox_server[] = {
	"recvmmsg", "sendmmsg", "accept", "accept4",
};

/*
 * The resolver: what glibc's getaddrinfo() needs to read resolv.conf,
 * host.conf, hosts and nsswitch.conf (stat by path included), load an
 * NSS module (ld.so.cache, the module), and ask a DNS server over UDP
 * (connect, sendto or sendmmsg, poll, FIONREAD, recvfrom) or TCP
 * (connect, writev, read).  Seen with strace for glibc 2.36; sendmmsg,
 * recvmmsg, getsockopt, getsockname, statx and pread64 are the same
 * work in other versions or architectures.  Sockets and opens are
 * checked in sandbox_resolver_args().
 */
static const char *const sandbox_resolver[] = {
	"writev", "sendmmsg", "recvmmsg", "connect", "setsockopt",
	"getsockopt", "getsockname", "newfstatat", "statx", "uname",
	"pread64",
};

/*
 * The port-mapping child (UPnP IGD by SSDP and HTTP, NAT-PMP by UDP):
 * the resolver's calls and checks, bind(2) for its SSDP socket, and
 * dup(2), which perror(3) makes (miniupnpc reports socket errors so, to
 * /dev/null here).
 */
static const char *const sandbox_portmap[] = {
	"bind", "select", "pselect6", "getpeername", "dup",
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

#define SANDBOX_NAMES(ctx, list) \
	sandbox_names((ctx), SCMP_ACT_ALLOW, (list), \
	    sizeof(list) / sizeof((list)[0]))

/* Calls every role may make with some arguments only. */
static int
sandbox_base_args(scmp_filter_ctx ctx, int exec_files)
{
	scmp_datum_t	 self = (scmp_datum_t)getpid();
	int		 rc;

	/* No executable memory: no code injected at run time. */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0))) < 0)
		return rc;
	/*
	 * The resolver may map a file it opened read-only as code (an NSS
	 * module that glibc loads), never anonymous memory, and never
	 * writable code (a private copy it could fill).
	 */
	if (exec_files && (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
	    SCMP_SYS(mmap), 2,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE, 0),
	    SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, 0))) < 0)
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

/* The resolver's sockets and opens. */
static int
sandbox_resolver_args(scmp_filter_ctx ctx)
{
	/* Whatever says "write": access mode, create, truncate, append. */
	const scmp_datum_t wr = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC |
	    O_APPEND;
	int		 rc;

	/* DNS over UDP or TCP (type carries SOCK_CLOEXEC/NONBLOCK). */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
	    SCMP_A0(SCMP_CMP_EQ, AF_INET, 0),
	    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
	    SCMP_A0(SCMP_CMP_EQ, AF_INET, 0),
	    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_STREAM))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
	    SCMP_A0(SCMP_CMP_EQ, AF_INET6, 0),
	    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
	    SCMP_A0(SCMP_CMP_EQ, AF_INET6, 0),
	    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_STREAM))) < 0)
		return rc;
	/*
	 * glibc tries nscd (and NSS modules try D-Bus, varlink, avahi) over
	 * AF_UNIX, and AI_ADDRCONFIG would ask netlink: refused, not fatal,
	 * so that it falls back to the files and DNS itself.  No AF_UNIX
	 * socket means no /dev/log and no descriptor passing.
	 */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
	    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
	    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_NETLINK, 0))) < 0)
		return rc;
	/* Read-only opens: resolv.conf, hosts, nsswitch.conf, modules. */
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, wr, 0))) < 0)
		return rc;
	if (seccomp_syscall_resolve_name("open") >= 0 &&
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, wr, 0))) < 0)
		return rc;
	return 0;
}

static int
sandbox_seccomp(enum os_role role)
{
	scmp_filter_ctx	 ctx;
	int		 rc;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* A call of another ABI (i386, x32) is killed as well. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0) {
		seccomp_release(ctx);
		errno = -rc;
		return -1;
	}
	/* seccomp_load() sets no_new_privs first (the default attribute). */
	rc = SANDBOX_NAMES(ctx, sandbox_base);
	if (rc >= 0)
		rc = sandbox_base_args(ctx, role == OS_ROLE_RESOLVER);
	if (rc >= 0)
		switch (role) {
		case OS_ROLE_ENGINE:
			rc = SANDBOX_NAMES(ctx, sandbox_engine);
			break;
		case OS_ROLE_SERVER:
			rc = SANDBOX_NAMES(ctx, sandbox_server);
			break;
		case OS_ROLE_PORTMAP:
			if ((rc = SANDBOX_NAMES(ctx, sandbox_portmap)) < 0)
				break;
			/* FALLTHROUGH */
		default:
			if ((rc = SANDBOX_NAMES(ctx, sandbox_resolver)) >= 0)
				rc = sandbox_resolver_args(ctx);
			break;
		}
	if (rc >= 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
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
	case OS_ROLE_RESOLVER:
	case OS_ROLE_PORTMAP:
#ifdef HAVE_SECCOMP
		return sandbox_seccomp(role);
#else
		/* Built with --without-seccomp: the caller warns. */
		errno = ENOTSUP;
		return -1;
#endif
	default:
		errno = EINVAL;
		return -1;
	}
}
