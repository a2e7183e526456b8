/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * LD_PRELOAD for tests/netns/procs.sh: plays code injected into an
 * unprivileged process of miredo or miredo-server.  Once a process has
 * loaded its seccomp filter (seccomp_load() of libseccomp succeeded: the
 * engine, the resolver, the server child; priv and the supervisor never
 * do), and when MIREDO_INTRUDER is set, its next poll(2) (engine, server
 * child) first makes the forbidden
 * call it names: "socket" (a new AF_UNIX socket) or "connect" (to
 * /dev/log); its getaddrinfo(3) (the resolver, which may make inet
 * sockets and connect) first opens a file for writing.  The syscall
 * filter must kill the process (SIGSYS) and its supervisor must say so.
 * With MIREDO_INTRUDER_EARLY also set, the engine intrudes at its first
 * send(2), the PRIV_MSG_READY that tells priv it is set up.
 * Nothing here runs in a normal build.
 */

static int	intruder_armed;	/* in the sandbox: no system call to ask */

int	seccomp_load(void *);
int	poll(struct pollfd *, nfds_t, int);
ssize_t	send(int, const void *, size_t, int);
int	getaddrinfo(const char *, const char *, const struct addrinfo *,
	    struct addrinfo **);

static void
intrude(const char *what)
{
	struct sockaddr_un sun;

	if (getenv("MIREDO_INTRUDER") == NULL || !intruder_armed)
		return;
	if (strcmp(what, "open") == 0)
		(void)open("/dev/null", O_WRONLY);
	else if (strcmp(what, "socket") == 0)
		(void)socket(AF_UNIX, SOCK_DGRAM, 0);
	else if (strcmp(what, "connect") == 0) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		strcpy(sun.sun_path, "/dev/log");
		(void)connect(STDIN_FILENO, (struct sockaddr *)&sun,
		    sizeof(sun));
	}
}

/* libseccomp's, wrapped: the filter is on once it returns 0. */
int
seccomp_load(void *ctx)
{
	int (*real)(void *);
	int rc;

	*(void **)&real = dlsym(RTLD_NEXT, "seccomp_load");
	if ((rc = real(ctx)) == 0)
		intruder_armed = 1;
	return rc;
}

int
poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int (*real)(struct pollfd *, nfds_t, int);

	intrude(getenv("MIREDO_INTRUDER"));
	*(void **)&real = dlsym(RTLD_NEXT, "poll");
	return real(fds, n, timeout);
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	ssize_t (*real)(int, const void *, size_t, int);

	if (getenv("MIREDO_INTRUDER_EARLY") != NULL)
		intrude(getenv("MIREDO_INTRUDER"));
	*(void **)&real = dlsym(RTLD_NEXT, "send");
	return real(fd, buf, len, flags);
}

int
getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	int (*real)(const char *, const char *, const struct addrinfo *,
	    struct addrinfo **);

	intrude("open");
	*(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo");
	return real(node, service, hints, res);
}
