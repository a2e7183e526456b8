/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef RESOLVE_H
#define RESOLVE_H

/*
 * Asynchronous resolution of ServerAddress and ServerAddress2 for priv:
 * each attempt runs getaddrinfo() in a forked child that writes the
 * result to a pipe, so neither start-up nor the loop ever blocks on DNS.
 * Failures are retried with back-off (1 s doubling to 60 s).
 */

#include <sys/types.h>
#include <pwd.h>
#include <stdint.h>

#include "conf.h"

struct resolve {
	char		name[CONF_NAME_MAX];
	char		name2[CONF_NAME_MAX];
	pid_t		pid;		/* resolver child, -1 if none */
	int		fd;		/* its pipe, -1 if none */
	int		again;		/* redo when the current one ends */
	uint64_t	retry_at;	/* 0 = no retry scheduled */
	unsigned int	backoff;	/* ms */
	int		have;		/* a result is known */
	uint32_t	server, server2;	/* nbo, server2 0 = primary+1 */
};

void	resolve_init(struct resolve *r, const char *name, const char *name2);
/*
 * The user the resolver child becomes (the engine's): it closes every
 * descriptor but its answer pipe, drops root with os_privdrop() (no
 * chroot) and enters os_sandbox(OS_ROLE_RESOLVER) before getaddrinfo().
 * Without a user it refuses to resolve.
 */
void	resolve_user(const struct passwd *pw);
/*
 * Start (or redo after a network change) a resolution now.  Returns 1 if
 * the result is already known (IPv4 literals), 0 if it comes later.
 */
int	resolve_start(struct resolve *r, uint64_t now);
/* The pipe to poll, or -1. */
int	resolve_fd(const struct resolve *r);
/* The pipe is readable: returns 1 if a new result is in r->server*. */
int	resolve_read(struct resolve *r, uint64_t now);
/*
 * Start a due retry (r->retry_at, 0 = none); returns 1 if that gave a
 * result at once, as resolve_start().
 */
int	resolve_timer(struct resolve *r, uint64_t now);
/* A child was reaped: returns 1 if it was the resolver. */
int	resolve_reaped(struct resolve *r, pid_t pid);
/* Kill a running resolver and close its pipe. */
void	resolve_stop(struct resolve *r);

#endif /* RESOLVE_H */
