/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CTL_H
#define CTL_H

/*
 * The status interface (SPEC.md 5): a UNIX stream socket next to the pid
 * file ("miredo.pid" -> "miredo.ctl"), mode 0660, owned by root.  The
 * root process creates it before dropping privileges; the unprivileged
 * process that runs the core inherits the listening descriptor.
 *
 * Protocol: the client connects and sends one request line (at most
 * CTL_REQ_MAX bytes with its "\n"):
 *
 *	text | json | prometheus | peers CURSOR COUNT
 *
 * The daemon answers once and closes the connection.  A client that sends
 * nothing (an older miredo-status, or socat) gets the text report after
 * CTL_WAIT_MS or when it shuts down its side.  A request that is too long
 * or not understood gets one line "error: WHY\n".  Answers are small
 * (CTL_REPORT_MAX; a page of peers, CTL_PAGE_MAX of them, too) and written
 * once without blocking, so a slow client never stalls the data path.
 *
 * "peers" lists one page of the peer table: a line "next CURSOR\n" (or
 * "next end\n") then one JSON object per line.  The client asks again
 * with the cursor it got; a page costs a bounded walk of the table
 * (core_peer_page()), between two wake-ups of the event loop.
 */

#include <stddef.h>

#include "core.h"
#include "gso.h"
#include "server.h"

#define CTL_REPORT_MAX	32768
#define CTL_REQ_MAX	64	/* a request line, with its "\n" */
#define CTL_WAIT_MS	250	/* a client that sends no request: text */
#define CTL_CONNS	4	/* clients waited for at once */
#define CTL_PAGE_MAX	128	/* peers in one answer */

/*
 * miredo-status: the report comes from an unprivileged process and goes
 * to root's terminal.  Copy len bytes of it to out with every byte but
 * printable ASCII, newline and tab written as a backslash and three
 * octal digits (backslash itself as \\134), so that no escape sequence
 * reaches the terminal.  Stops while outsz > CTL_VIS_MAX * len would
 * not hold; returns the number of bytes written (not NUL-terminated).
 */
size_t	ctl_vis(char *out, size_t outsz, const char *in, size_t len);
#define CTL_VIS_MAX	4	/* output bytes per input byte */

/* path = pidfile with ".pid" replaced by (or, without it, + ".ctl"). */
int	ctl_path(const char *pidfile, char *path, size_t size);

/*
 * Root, at start: remove a stale socket at path (only a socket), bind a
 * new one mode 0660, listen.  Returns the non-blocking, close-on-exec
 * listening descriptor, or -1 with errno set.  ctl_cleanup() (an atexit
 * handler) removes it again, in the process that created it only.
 */
int	ctl_listen(const char *path);
void	ctl_cleanup(void);

/*
 * The listening descriptor is readable: accept one client, or -1 when
 * none is waiting.  ctl_reply() writes the report without blocking and
 * closes the client's descriptor.
 */
int	ctl_accept(int lfd);
void	ctl_reply(int fd, const char *report, size_t len);

/* What the engine knows beyond the core's status. */
struct ctl_engine {
	uint64_t	tun_non_ipv6;	/* refused by the OS backend */
	uint32_t	local_ip;	/* UDP socket's IPv4 (nbo), 0 = any */
	uint16_t	local_port;	/* its port, 0 = unknown */
	int64_t		state_since;	/* the state's start, UNIX time */
	unsigned int	offload;	/* the tunnel's OS_TUN_* (os.h) */
	struct gso_stats gso;		/* its super-packets (gso.h) */
	uint64_t	udp_gso_runs;	/* UDP GSO sends (batch.h) */
	uint64_t	udp_gso_dgrams;	/* datagrams in them */
};

enum ctl_format { CTL_TEXT, CTL_JSON, CTL_PROMETHEUS, CTL_PEERS };

struct ctl_request {
	enum ctl_format	 format;
	uint64_t	 cursor;	/* CTL_PEERS */
	unsigned int	 count;		/* CTL_PEERS, 1..CTL_PAGE_MAX */
};

/*
 * Parse one request line (without its "\n").  0, or -1 with *why saying
 * what is wrong.
 */
int	ctl_parse(const char *line, size_t len, struct ctl_request *rq,
	    const char **why);

/*
 * Clients of one listening socket, waited for without blocking.  The
 * event loop polls the descriptors ctl_server_pollfd() gives (CTL_POLLFDS
 * of them, negative when unused), sleeps at most ctl_server_timeout() ms,
 * and calls ctl_server_run() after each poll(): it accepts, reads requests
 * and answers each through fn (which fills buf, returns the length).
 */
#define CTL_POLLFDS	(1 + CTL_CONNS)

struct ctl_conn {
	int		 fd;		/* -1: free */
	uint64_t	 deadline;	/* ms: answer as text then */
	size_t		 len;
	char		 req[CTL_REQ_MAX];
};

struct ctl_server {
	int		 lfd;
	struct ctl_conn	 conn[CTL_CONNS];
};

struct pollfd;
typedef size_t	ctl_answer_fn(void *arg, const struct ctl_request *rq,
		    char *buf, size_t size);

void	ctl_server_init(struct ctl_server *s, int lfd);
void	ctl_server_pollfd(const struct ctl_server *s, struct pollfd *pfd);
int	ctl_server_timeout(const struct ctl_server *s, uint64_t now,
	    int timeout);
void	ctl_server_run(struct ctl_server *s, const struct pollfd *pfd,
	    uint64_t now, ctl_answer_fn *fn, void *arg);

/* One peer as a line of JSON (core_peer_page()). */
size_t	ctl_format_peer(char *buf, size_t size, const struct core_peer *p);

/*
 * Reports.  Return the length written to buf (NUL-terminated, truncated
 * to size - 1 if too small).
 */
size_t	ctl_format_core(char *buf, size_t size,
	    const struct core_status *st, const struct ctl_engine *eng);
size_t	ctl_format_server(char *buf, size_t size,
	    const struct server_config *sc, const struct server_counters *c);
/* The same in JSON (schema miredo-status, version 1: miredo-status(8)). */
size_t	ctl_json_core(char *buf, size_t size,
	    const struct core_status *st, const struct ctl_engine *eng);
size_t	ctl_json_server(char *buf, size_t size, int64_t since,
	    const struct server_config *sc, const struct server_counters *c);
/* The counters in the Prometheus text exposition format. */
size_t	ctl_prom_core(char *buf, size_t size,
	    const struct core_status *st, const struct ctl_engine *eng);
size_t	ctl_prom_server(char *buf, size_t size, int64_t since,
	    const struct server_config *sc, const struct server_counters *c);

#endif /* CTL_H */
