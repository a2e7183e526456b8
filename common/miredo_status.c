/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * miredo-status: print the status report of a running miredo or
 * miredo-server (the protocol is in ctl.h: connect, read until the
 * daemon closes).  Exit 0 with the report on standard output, 1 with a
 * message saying why not, 2 on a command-line error.
 */

#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"	/* RUNSTATEDIR */
#include "ctl.h"

#define STATUS_SOCKET		RUNSTATEDIR "/miredo.ctl"
#define STATUS_SERVER_SOCKET	RUNSTATEDIR "/miredo-server.ctl"
#define STATUS_TIMEOUT		5000	/* ms of silence: no answer */

static void __attribute__((noreturn))
status_usage(int rc)
{
	fprintf(rc == 0 ? stdout : stderr,
	    "usage: miredo-status [-S] [-s socket]\n"
	    "  -S         ask miredo-server (default socket %s)\n"
	    "  -s socket  the daemon's status socket (default %s)\n",
	    STATUS_SERVER_SOCKET, STATUS_SOCKET);
	exit(rc);
}

/* Say in words what the usual failures mean. */
static void __attribute__((noreturn))
status_fail(const char *path, int err)
{
	const char *why;

	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		why = "the daemon is not running";
		break;
	case EACCES:
	case EPERM:
		why = "permission denied (the socket is for root only)";
		break;
	case ETIMEDOUT:
		why = "the daemon did not answer";
		break;
	default:
		why = strerror(err);
		break;
	}
	fprintf(stderr, "miredo-status: %s: %s\n", path, why);
	exit(1);
}

static int
status_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd, save;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		status_fail(path, ENAMETOOLONG);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		status_fail(path, errno);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		save = errno;
		(void)close(fd);
		status_fail(path, save);
	}
	return fd;
}

/* Copy the report to stdout; a daemon that never answers is an error. */
static void
status_copy(int fd, const char *path)
{
	char buf[4096], vis[sizeof(buf) * CTL_VIS_MAX + 1];
	struct pollfd pfd;
	size_t total = 0, v;
	ssize_t n;
	int got = 0;

	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, STATUS_TIMEOUT) == 0)
			status_fail(path, ETIMEDOUT);
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			status_fail(path, errno);
		}
		if (n == 0)
			break;
		got = 1;
		/* Untrusted bytes: no escapes to the terminal, no flood. */
		if ((total += (size_t)n) > CTL_REPORT_MAX) {
			fprintf(stderr, "miredo-status: %s: report longer "
			    "than %d bytes: cut\n", path, CTL_REPORT_MAX);
			n -= (ssize_t)(total - CTL_REPORT_MAX);
		}
		v = ctl_vis(vis, sizeof(vis), buf, (size_t)n);
		if (fwrite(vis, 1, v, stdout) != v || total > CTL_REPORT_MAX)
			break;
	}
	if (!got) {
		fprintf(stderr, "miredo-status: %s: empty answer\n", path);
		exit(1);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("miredo-status: standard output");
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	const char *path = NULL;
	int ch, server = 0;

	while ((ch = getopt(argc, argv, "hSs:")) != -1)
		switch (ch) {
		case 'h':
			status_usage(0);
		case 'S':
			server = 1;
			break;
		case 's':
			path = optarg;
			break;
		default:
			status_usage(2);
		}
	if (optind != argc)
		status_usage(2);
	if (path == NULL)
		path = server ? STATUS_SERVER_SOCKET : STATUS_SOCKET;
	status_copy(status_connect(path), path);
	return 0;
}
