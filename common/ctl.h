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
 * Protocol: the client connects and reads.  The daemon writes one text
 * report of "key: value" lines, in ASCII, and closes the connection; it
 * reads nothing, so a client needs to send nothing.  The report is small
 * (CTL_REPORT_MAX) and fits in one socket buffer: it is written once
 * without blocking, so a slow client never stalls the data path.
 */

#include <stddef.h>

#include "core.h"
#include "server.h"

#define CTL_REPORT_MAX	4096

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
};

/*
 * Reports.  Return the length written to buf (NUL-terminated, truncated
 * to size - 1 if too small).
 */
size_t	ctl_format_core(char *buf, size_t size,
	    const struct core_status *st, const struct ctl_engine *eng);
size_t	ctl_format_server(char *buf, size_t size,
	    const struct server_config *sc, const struct server_counters *c);

#endif /* CTL_H */
