/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef DAEMON_H
#define DAEMON_H

#include <stddef.h>
#include <stdint.h>

/*
 * daemon_detach(): unless foreground, fork; the launching process waits
 * until the child calls daemon_ready() and exits with the status given
 * there (or 1 if the child died first).  The child calls setsid(),
 * redirects stdio to /dev/null only in daemon_ready(0).  Returns 0 in the
 * process that goes on, -1 on error.
 */
int	daemon_detach(int foreground);
void	daemon_ready(int status);

/*
 * Take the locked pid file (a second instance gets -1 and errno
 * EEXIST/EWOULDBLOCK, with the other pid in *otherpid if known).
 * daemon_pidfile_write() after detaching, daemon_pidfile_remove() at exit.
 */
int	daemon_pidfile_open(const char *path, long *otherpid);
int	daemon_pidfile_write(void);
void	daemon_pidfile_remove(void);
/*
 * In a forked child that goes on (e.g. miredo's engine): close the status
 * pipe and the pid file without touching them.
 */
void	daemon_child(void);
/*
 * Descriptor hygiene (M3 of the security review).  daemon_fds_start():
 * first thing in main(), close everything above stderr that the launcher
 * left open and make sure that 0, 1 and 2 are open (on /dev/null).
 * daemon_keep_fds(): in a forked child, stdin on /dev/null (stdout and
 * stderr too if all_null), and every other descriptor closed but the n
 * in keep.  Returns -1 if /dev/null cannot be opened.
 */
void	daemon_fds_start(void);
int	daemon_keep_fds(const int *keep, size_t n, int all_null);

/*
 * The unprivileged user: getpwnam(name), except that when name is the
 * configured default (configure --with-user, MIREDO_USER) and no such
 * user exists, "nobody" (then *fallback is set to 1).  NULL if neither.
 */
struct passwd;
struct passwd *daemon_getpw(const char *name, int *fallback);

/* Milliseconds on a monotonic clock, for the cores' timers. */
uint64_t daemon_now_ms(void);

/*
 * sigaction(2) for sig with handler fn (or SIG_IGN, SIG_DFL), no flags
 * (no SA_RESTART) and no other signal blocked while fn runs.
 */
void	daemon_signal(int sig, void (*fn)(int));

#endif /* DAEMON_H */
