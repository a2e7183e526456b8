/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * miredo-status: print the status report of a running miredo or
 * miredo-server (the protocol is in ctl.h: connect, send a request line,
 * read until the daemon closes): text, JSON (-j, with the peer list read
 * page by page with -P) or Prometheus (--prometheus).  Exit 0 with the
 * report on standard output, 1 with a message saying why not, 2 on a
 * command-line error.
 */

#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"	/* RUNSTATEDIR */
#include "ctl.h"		/* CTL_PAGE_MAX */

#define STATUS_SOCKET		RUNSTATEDIR "/miredo.ctl"
#define STATUS_SERVER_SOCKET	RUNSTATEDIR "/miredo-server.ctl"
#define STATUS_TIMEOUT		5000	/* ms of silence: no answer */
#define STATUS_ANSWER_MAX	(1024 * 1024)	/* one answer, bytes */

static void __attribute__((noreturn))
status_usage(int rc)
{
	fprintf(rc == 0 ? stdout : stderr,
	    "usage: miredo-status [-jPS] [--prometheus] [-s socket]\n"
	    "  -j            JSON (schema in miredo-status(8))\n"
	    "  -P            JSON with the peer list (implies -j)\n"
	    "  --prometheus  the counters in the Prometheus text format\n"
	    "  -S            ask miredo-server (default socket %s)\n"
	    "  -s socket     the daemon's status socket (default %s)\n",
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

struct answer {
	char	*buf;
	size_t	 len, size;
};

/* Send the request, read the whole answer (NUL-terminated). */
static void
status_ask(const char *path, const char *req, struct answer *an)
{
	struct pollfd pfd;
	size_t want;
	ssize_t n;
	int fd;

	fd = status_connect(path);
	want = strlen(req);
	if (send(fd, req, want, 0) != (ssize_t)want)
		status_fail(path, errno);
	(void)shutdown(fd, SHUT_WR);
	an->len = 0;
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (an->size - an->len < 4096 + 1) {
			if (an->size >= STATUS_ANSWER_MAX) {
				fprintf(stderr, "miredo-status: %s: answer "
				    "too long\n", path);
				exit(1);
			}
			an->size = an->size == 0 ? 65536 : an->size * 2;
			if ((an->buf = realloc(an->buf, an->size)) == NULL) {
				perror("miredo-status");
				exit(1);
			}
		}
		if (poll(&pfd, 1, STATUS_TIMEOUT) == 0)
			status_fail(path, ETIMEDOUT);
		n = read(fd, an->buf + an->len, an->size - an->len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			status_fail(path, errno);
		}
		if (n == 0)
			break;
		an->len += (size_t)n;
	}
	(void)close(fd);
	an->buf[an->len] = '\0';
	if (an->len == 0) {
		fprintf(stderr, "miredo-status: %s: empty answer\n", path);
		exit(1);
	}
	if (strncmp(an->buf, "error: ", 7) == 0) {
		char	 vis[256 * CTL_VIS_MAX + 1];
		size_t	 l = strlen(an->buf + 7);

		l = ctl_vis(vis, sizeof(vis), an->buf + 7, l < 256 ? l : 256);
		vis[l] = '\0';
		fprintf(stderr, "miredo-status: %s: the daemon says: %s", path,
		    vis);
		exit(1);
	}
}

static void
status_write(const char *s, size_t n)
{
	if (fwrite(s, 1, n, stdout) != n) {
		perror("miredo-status: standard output");
		exit(1);
	}
}

/*
 * The daemon's bytes are untrusted (a compromised engine writes them):
 * never an escape sequence to the terminal.  Text is made visible
 * (ctl_vis); JSON and Prometheus lines, which the daemon escapes itself,
 * must be printable ASCII already, or the answer is refused.
 */
static void
status_out(const char *path, const char *s, size_t n, int text)
{
	char	 vis[4096 * CTL_VIS_MAX + 1];
	size_t	 i, k, v;

	if (!text) {
		for (i = 0; i < n; i++)
			if ((s[i] < 0x20 || s[i] > 0x7e) && s[i] != '\n') {
				fprintf(stderr, "miredo-status: %s: a "
				    "non-printable byte in the answer\n", path);
				exit(1);
			}
		status_write(s, n);
		return;
	}
	for (i = 0; i < n; i += k) {
		k = n - i < 4096 ? n - i : 4096;
		v = ctl_vis(vis, sizeof(vis), s + i, k);
		status_write(vis, v);
	}
}

/*
 * The status object with "peer_list" added: the peers read a page at a
 * time (each page a separate request, so the daemon never works long on
 * one), each page's lines being JSON objects the daemon wrote.
 */
static void
status_peers(const char *path, struct answer *an)
{
	uint64_t cursor = 0, next;
	char req[64], *head, *p, *nl, *end;
	size_t hlen;
	int first = 1;

	/* The object without its closing "}\n". */
	if (an->len < 2 || strcmp(an->buf + an->len - 2, "}\n") != 0) {
		fprintf(stderr, "miredo-status: %s: not a JSON answer\n",
		    path);
		exit(1);
	}
	/* Printed once the first page came: an error leaves no half. */
	hlen = an->len - 2;
	if ((head = malloc(hlen)) == NULL) {
		perror("miredo-status");
		exit(1);
	}
	memcpy(head, an->buf, hlen);
	for (;;) {
		(void)snprintf(req, sizeof(req), "peers %" PRIu64 " %d\n",
		    cursor, CTL_PAGE_MAX);
		status_ask(path, req, an);
		if (strncmp(an->buf, "next end\n", 9) == 0) {
			next = UINT64_MAX;
			p = an->buf + 9;
		} else if (strncmp(an->buf, "next ", 5) == 0) {
			next = strtoull(an->buf + 5, &end, 10);
			/* The cursor only moves on: no endless listing. */
			if (*end != '\n' || next <= cursor)
				goto bad;
			p = end + 1;
		} else
			goto bad;
		if (head != NULL) {
			status_out(path, head, hlen, 0);
			status_write(",\"peer_list\":[", 14);
			free(head);
			head = NULL;
		}
		for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			if (!first)
				status_write(",\n", 2);
			status_out(path, p, (size_t)(nl - p), 0);
			first = 0;
		}
		if (*p != '\0')
			goto bad;
		if (next == UINT64_MAX)
			break;
		cursor = next;
	}
	status_write("]}\n", 3);
	return;
bad:
	fprintf(stderr, "miredo-status: %s: bad page of peers\n", path);
	exit(1);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "prometheus", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct answer an = { NULL, 0, 0 };
	const char *path = NULL, *req = "text\n";
	int ch, server = 0, json = 0, peers = 0, prom = 0;

	while ((ch = getopt_long(argc, argv, "hjPSs:", longopts, NULL)) != -1)
		switch (ch) {
		case 'h':
			status_usage(0);
		case 'j':
			json = 1;
			break;
		case 'P':
			json = peers = 1;
			break;
		case 'p':
			prom = 1;
			break;
		case 'S':
			server = 1;
			break;
		case 's':
			path = optarg;
			break;
		default:
			status_usage(2);
		}
	if (optind != argc || (json && prom))
		status_usage(2);
	if (path == NULL)
		path = server ? STATUS_SERVER_SOCKET : STATUS_SOCKET;
	if (json)
		req = "json\n";
	else if (prom)
		req = "prometheus\n";
	status_ask(path, req, &an);
	if (peers)
		status_peers(path, &an);
	else
		status_out(path, an.buf, an.len, !json && !prom);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("miredo-status: standard output");
		exit(1);
	}
	free(an.buf);
	return 0;
}
