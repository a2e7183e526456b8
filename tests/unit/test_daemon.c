/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "t.h"

/* Exit status of a launcher whose daemon reports st (or dies if st < 0). */
static int
launch(int st)
{
	pid_t pid;
	int status;

	if ((pid = fork()) == 0) {
		if (daemon_detach(0) == -1)
			_exit(99);
		/* the daemon */
		if (st < 0)
			_exit(5);
		usleep(100000);
		daemon_ready(st);
		_exit(0);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_detach(void)
{
	CHECK(daemon_detach(1) == 0);	/* foreground: nothing happens */
	daemon_ready(0);
	CHECK(launch(0) == 0);
	CHECK(launch(3) == 3);
	CHECK(launch(1) == 1);
	CHECK(launch(-1) == 1);		/* died before saying anything */
}

static void
test_pidfile(void)
{
	char dir[] = "/tmp/test_daemon.XXXXXX", path[64];
	long other = 0;
	pid_t pid;
	int status = 0;

	CHECK(mkdtemp(dir) != NULL);
	(void)snprintf(path, sizeof(path), "%s/miredo.pid", dir);
	CHECK(daemon_pidfile_open(path, &other) == 0);
	CHECK(daemon_pidfile_write() == 0);
	CHECK(access(path, F_OK) == 0);
	/* A second instance is refused and learns who runs. */
	if ((pid = fork()) == 0) {
		other = 0;
		if (daemon_pidfile_open(path, &other) != -1)
			_exit(1);
		if (errno != EEXIST && errno != EWOULDBLOCK)
			_exit(2);
		_exit(other == (long)getppid() ? 0 : 3);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A forked child closes it without removing it. */
	if ((pid = fork()) == 0) {
		daemon_child();
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(access(path, F_OK) == 0);
	daemon_pidfile_remove();
	CHECK(access(path, F_OK) == -1);
	/* Free again. */
	CHECK(daemon_pidfile_open(path, &other) == 0);
	daemon_pidfile_remove();
	(void)rmdir(dir);
}

/* The file's contents, "" if unreadable. */
static const char *
slurp(const char *path)
{
	static char buf[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY)) == -1)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	(void)close(fd);
	return buf;
}

/*
 * M4 of the security review: a pid file in a directory others can write
 * is a symbolic link, a hard link, a FIFO or someone else's file: refused,
 * and the file it leads to is untouched.
 */
static void
test_pidfile_unsafe(void)
{
	char dir[] = "/tmp/test_daemon.XXXXXX", path[64], victim[64];
	long other = 0;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	(void)snprintf(path, sizeof(path), "%s/miredo.pid", dir);
	(void)snprintf(victim, sizeof(victim), "%s/victim", dir);
	CHECK((fd = open(victim, O_WRONLY | O_CREAT, 0600)) != -1);
	CHECK(write(fd, "secret\n", 7) == 7);
	(void)close(fd);

	CHECK(symlink(victim, path) == 0);
	CHECK(daemon_pidfile_open(path, &other) == -1 && errno == ELOOP);
	CHECK(strcmp(slurp(victim), "secret\n") == 0);
	CHECK(unlink(path) == 0);

	CHECK(link(victim, path) == 0);
	CHECK(daemon_pidfile_open(path, &other) == -1 && errno == EPERM);
	CHECK(strcmp(slurp(victim), "secret\n") == 0);
	CHECK(unlink(path) == 0);

	CHECK(mkfifo(path, 0600) == 0);
	CHECK(daemon_pidfile_open(path, &other) == -1 && errno == EPERM);
	CHECK(unlink(path) == 0);

	if (geteuid() == 0) {	/* another user's file */
		CHECK(chown(victim, 65534, 65534) == 0);
		CHECK(rename(victim, path) == 0);
		CHECK(daemon_pidfile_open(path, &other) == -1 &&
		    errno == EPERM);
		CHECK(strcmp(slurp(path), "secret\n") == 0);
		CHECK(rename(path, victim) == 0);
	}
	CHECK(unlink(victim) == 0);
	(void)rmdir(dir);
}

/* L3: the configured default user, or nobody; nobody else. */
static void
test_getpw(void)
{
	struct passwd *pw;
	int fb = -1;

	pw = daemon_getpw("no-such-user.test-daemon", &fb);
	CHECK(pw == NULL && fb == 0);
	if (getpwnam(MIREDO_USER) != NULL) {
		pw = daemon_getpw(MIREDO_USER, &fb);
		CHECK(pw != NULL && strcmp(pw->pw_name, MIREDO_USER) == 0 &&
		    fb == 0);
	} else if (getpwnam("nobody") != NULL) {
		pw = daemon_getpw(MIREDO_USER, &fb);
		CHECK(pw != NULL && strcmp(pw->pw_name, "nobody") == 0 &&
		    fb == 1);
	}
}

static void
test_clock(void)
{
	uint64_t a, b;

	a = daemon_now_ms();
	usleep(20000);
	b = daemon_now_ms();
	CHECK(b >= a + 15 && b < a + 5000);
}

int
main(void)
{
	test_detach();
	test_pidfile();
	test_pidfile_unsafe();
	test_getpw();
	test_clock();
	return T_DONE();
}
