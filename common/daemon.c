/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "daemon.h"

/* Write end of the status pipe to the launcher, -1 when none. */
static int daemon_status_fd = -1;

int
daemon_detach(int foreground)
{
	int fds[2];
	unsigned char st;
	pid_t pid;
	ssize_t n;

	if (foreground)
		return 0;
	if (pipe(fds) == -1)
		return -1;
	(void)fflush(NULL);
	switch (pid = fork()) {
	case -1:
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -1;
	case 0:
		(void)close(fds[0]);
		daemon_status_fd = fds[1];
		if (setsid() == -1)
			return -1;
		return 0;
	default:
		break;
	}
	/* The launcher: wait for the verdict of the daemon. */
	(void)close(fds[1]);
	do
		n = read(fds[0], &st, 1);
	while (n == -1 && errno == EINTR);
	if (n == 1)
		_exit(st);
	(void)waitpid(pid, NULL, 0);
	_exit(1);
}

void
daemon_ready(int status)
{
	unsigned char st = (unsigned char)status;
	int fd;

	if (daemon_status_fd == -1)
		return;
	if (status == 0 && (fd = open(_PATH_DEVNULL, O_RDWR)) != -1) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			(void)close(fd);
	}
	(void)write(daemon_status_fd, &st, 1);
	(void)close(daemon_status_fd);
	daemon_status_fd = -1;
}

static int daemon_pid_fd = -1;
static char daemon_pid_path[1024];

static long
daemon_pidfile_read(int fd)
{
	char buf[32];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * A pid file is opened as root, maybe in a directory others can write
 * (M4 of the security review): never through a symbolic link (O_NOFOLLOW,
 * ELOOP), and never a file that is not a regular file of ours with one
 * link (a hard link to another file, a FIFO, a device): EPERM.  Nothing
 * is truncated or written before these checks.
 */
int
daemon_pidfile_open(const char *path, long *otherpid)
{
	struct stat sb;
	int fd;

	if (strlen(path) >= sizeof(daemon_pid_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_NONBLOCK | O_CLOEXEC |
	    O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != geteuid() || sb.st_nlink != 1) {
		(void)close(fd);
		errno = EPERM;
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (otherpid != NULL)
			*otherpid = daemon_pidfile_read(fd);
		(void)close(fd);
		errno = EEXIST;
		return -1;
	}
	daemon_pid_fd = fd;
	(void)strcpy(daemon_pid_path, path);
	return 0;
}

int
daemon_pidfile_write(void)
{
	char buf[32];
	int len;

	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(daemon_pid_fd, 0) == -1 ||
	    pwrite(daemon_pid_fd, buf, (size_t)len, 0) != len)
		return -1;
	return 0;
}

void
daemon_pidfile_remove(void)
{
	if (daemon_pid_fd == -1)
		return;
	(void)unlink(daemon_pid_path);
	(void)close(daemon_pid_fd);
	daemon_pid_fd = -1;
}

static void
daemon_pidfile_close(void)
{
	if (daemon_pid_fd != -1)
		(void)close(daemon_pid_fd);
	daemon_pid_fd = -1;
}

void
daemon_child(void)
{
	if (daemon_status_fd != -1)
		(void)close(daemon_status_fd);
	daemon_status_fd = -1;
	daemon_pidfile_close();
}

void
daemon_fds_start(void)
{
	int fd;

	closefrom(STDERR_FILENO + 1);
	while ((fd = open(_PATH_DEVNULL, O_RDWR)) != -1 && fd <= STDERR_FILENO)
		continue;
	if (fd > STDERR_FILENO)
		(void)close(fd);
}

static int
daemon_kept(int fd, const int *keep, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keep[i] == fd)
			return 1;
	return 0;
}

int
daemon_keep_fds(const int *keep, size_t n, int all_null)
{
	int fd, max = STDERR_FILENO;
	size_t i;

	if ((fd = open(_PATH_DEVNULL, O_RDWR)) == -1)
		return -1;
	(void)dup2(fd, STDIN_FILENO);
	if (all_null) {
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
	}
	if (fd > STDERR_FILENO && !daemon_kept(fd, keep, n))
		(void)close(fd);
	for (i = 0; i < n; i++)
		if (keep[i] > max)
			max = keep[i];
	for (fd = STDERR_FILENO + 1; fd < max; fd++)
		if (!daemon_kept(fd, keep, n))
			(void)close(fd);
	closefrom(max + 1);
	return 0;
}

struct passwd *
daemon_getpw(const char *name, int *fallback)
{
	struct passwd *pw;

	*fallback = 0;
	if ((pw = getpwnam(name)) != NULL || strcmp(name, MIREDO_USER) != 0 ||
	    strcmp(name, "nobody") == 0)
		return pw;
	*fallback = 1;
	return getpwnam("nobody");
}

uint64_t
daemon_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
daemon_signal(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
}
