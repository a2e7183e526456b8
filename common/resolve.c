/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "os.h"
#include "resolve.h"

#define RESOLVE_BACKOFF_MIN	1000
#define RESOLVE_BACKOFF_MAX	60000

/* What the child writes. */
struct resolve_answer {
	int		ok;
	int		gai_err;
	int		stage;		/* RESOLVE_STAGE_* where it failed */
	int		sys_err;	/* errno there */
	uint32_t	server, server2;
};

#define RESOLVE_STAGE_DNS	0	/* getaddrinfo(): see gai_err */
#define RESOLVE_STAGE_PRIVDROP	1
#define RESOLVE_STAGE_SANDBOX	2

/* The child's answer channel, once alone in its descriptor table. */
#define RESOLVE_CHILD_FD	3

/* Who the child runs as (never root), set once by priv. */
static const struct passwd *resolve_pw;

void
resolve_user(const struct passwd *pw)
{
	resolve_pw = pw;
}

void
resolve_init(struct resolve *r, const char *name, const char *name2)
{
	memset(r, 0, sizeof(*r));
	(void)strlcpy(r->name, name, sizeof(r->name));
	(void)strlcpy(r->name2, name2, sizeof(r->name2));
	r->pid = -1;
	r->fd = -1;
	r->backoff = RESOLVE_BACKOFF_MIN;
}

static int
resolve_one(const char *name, uint32_t *ip)
{
	struct addrinfo hints, *res;
	int err;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if ((err = getaddrinfo(name, NULL, &hints, &res)) != 0)
		return err;
	/* LINTED: getaddrinfo() returns aligned addresses */
	*ip = ((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

/*
 * The child parses DNS replies, so it is treated like the engine: it
 * keeps nothing of priv's but its answer pipe (stdio on /dev/null),
 * drops root for good as the engine's user, without chroot since
 * resolv.conf, hosts and nsswitch.conf must stay readable, and enters
 * a sandbox of its own (OpenNTPD's DNS process is the model).  It never
 * logs: a failure is part of the answer, and priv logs it.
 */
static int
resolve_confine(int *fd, struct resolve_answer *a)
{
	int	 null;

	/*
	 * First: closelog() closes syslog's descriptor by number, and the
	 * dup2 below may have reused that number for the answer pipe.
	 */
	log_tofd(-1);
	if (*fd != RESOLVE_CHILD_FD) {
		if (dup2(*fd, RESOLVE_CHILD_FD) == -1)
			_exit(1);
		*fd = RESOLVE_CHILD_FD;
	}
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(null, STDIN_FILENO);
		(void)dup2(null, STDOUT_FILENO);
		(void)dup2(null, STDERR_FILENO);
	}
	closefrom(RESOLVE_CHILD_FD + 1);
	a->stage = RESOLVE_STAGE_PRIVDROP;
	if (resolve_pw == NULL) {
		a->sys_err = EINVAL;
		return -1;
	}
	if (os_privdrop(resolve_pw, NULL) == -1) {
		a->sys_err = errno;
		return -1;
	}
	a->stage = RESOLVE_STAGE_SANDBOX;
	/* Without seccomp (ENOTSUP) the engine has warned already. */
	if (os_sandbox(OS_ROLE_RESOLVER) == -1 && errno != ENOTSUP) {
		a->sys_err = errno;
		return -1;
	}
	a->stage = RESOLVE_STAGE_DNS;
	return 0;
}

static void
resolve_child(const struct resolve *r, int fd)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGCHLD,
	    SIGUSR1, SIGUSR2, SIGPIPE };
	struct resolve_answer a;
	size_t i;

	/* Signals are for priv, not for this short-lived child. */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)signal(sigs[i], SIG_DFL);
	memset(&a, 0, sizeof(a));
	if (resolve_confine(&fd, &a) == -1) {
		(void)write(fd, &a, sizeof(a));
		_exit(1);
	}
	a.gai_err = resolve_one(r->name, &a.server);
	if (a.gai_err == 0 && r->name2[0] != '\0')
		a.gai_err = resolve_one(r->name2, &a.server2);
	a.ok = a.gai_err == 0;
	(void)write(fd, &a, sizeof(a));
	_exit(0);
}

/* A literal address needs no child. */
static int
resolve_literal(struct resolve *r)
{
	struct in_addr a, b;

	if (inet_pton(AF_INET, r->name, &a) != 1)
		return 0;
	b.s_addr = 0;
	if (r->name2[0] != '\0' && inet_pton(AF_INET, r->name2, &b) != 1)
		return 0;
	r->server = a.s_addr;
	r->server2 = b.s_addr;
	return 1;
}

int
resolve_start(struct resolve *r, uint64_t now)
{
	int fds[2];

	if (r->pid != -1 || r->fd != -1) {
		r->again = 1;
		return 0;
	}
	r->retry_at = 0;
	r->again = 0;
	if (resolve_literal(r)) {
		r->have = 1;
		return 1;
	}
	if (pipe(fds) == -1) {
		log_warn("%s: pipe", __func__);
		r->retry_at = now + r->backoff;
		return 0;
	}
	(void)fflush(NULL);
	if ((r->pid = fork()) == -1) {
		log_warn("%s: fork", __func__);
		(void)close(fds[0]);
		(void)close(fds[1]);
		r->retry_at = now + r->backoff;
		r->pid = -1;
		return 0;
	}
	if (r->pid == 0) {
		daemon_child();
		(void)close(fds[0]);
		resolve_child(r, fds[1]);
	}
	(void)close(fds[1]);
	(void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	r->fd = fds[0];
	log_debug("%s: resolving %s (pid %ld)", __func__, r->name,
	    (long)r->pid);
	return 0;
}

/* A network change came during the attempt: redo it at once. */
static void
resolve_done(struct resolve *r)
{
	if (r->again && r->pid == -1 && r->fd == -1) {
		r->again = 0;
		r->retry_at = 1;
	}
}

int
resolve_fd(const struct resolve *r)
{
	return r->fd;
}

static void
resolve_failed(struct resolve *r, uint64_t now, const char *why)
{
	log_warnx("cannot resolve server %s%s%s: %s; retrying in %u s",
	    r->name, r->name2[0] != '\0' ? " or " : "", r->name2, why,
	    r->backoff / 1000);
	r->retry_at = now + r->backoff;
	r->backoff *= 2;
	if (r->backoff > RESOLVE_BACKOFF_MAX)
		r->backoff = RESOLVE_BACKOFF_MAX;
}

int
resolve_read(struct resolve *r, uint64_t now)
{
	struct resolve_answer a;
	ssize_t n;
	int changed;

	do
		n = read(r->fd, &a, sizeof(a));
	while (n == -1 && errno == EINTR);
	(void)close(r->fd);
	r->fd = -1;
	if (n != (ssize_t)sizeof(a) || !a.ok) {
		resolve_failed(r, now, n != (ssize_t)sizeof(a) ?
		    "resolver failed" :
		    a.stage == RESOLVE_STAGE_PRIVDROP ?
		    "the resolver cannot drop privileges" :
		    a.stage == RESOLVE_STAGE_SANDBOX ?
		    "the resolver cannot enter its sandbox" :
		    gai_strerror(a.gai_err));
		if (n == (ssize_t)sizeof(a) && a.stage != RESOLVE_STAGE_DNS)
			log_warnx("resolver: %s", strerror(a.sys_err));
		resolve_done(r);
		return 0;
	}
	resolve_done(r);
	r->backoff = RESOLVE_BACKOFF_MIN;
	changed = !r->have || a.server != r->server ||
	    a.server2 != r->server2;
	r->server = a.server;
	r->server2 = a.server2;
	r->have = 1;
	return changed;
}

int
resolve_timer(struct resolve *r, uint64_t now)
{
	if (r->retry_at != 0 && now >= r->retry_at && r->pid == -1 &&
	    r->fd == -1)
		return resolve_start(r, now) ? 1 : 0;
	return 0;
}

int
resolve_reaped(struct resolve *r, pid_t pid)
{
	if (pid == -1 || pid != r->pid)
		return 0;
	r->pid = -1;
	resolve_done(r);
	return 1;
}

void
resolve_stop(struct resolve *r)
{
	if (r->pid != -1)
		(void)kill(r->pid, SIGKILL);
	if (r->fd != -1)
		(void)close(r->fd);
	r->fd = -1;
	r->again = 0;
	r->retry_at = 0;
}
