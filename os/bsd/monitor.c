/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * Shared by os/freebsd, os/openbsd and os/darwin.  Compiled here only for
 * macOS (tests/cross/darwin.sh, zig); no FreeBSD or OpenBSD sysroot is
 * reachable from the Linux build machine, so those builds are unchecked.
 * Written from the FreeBSD 14 and OpenBSD net/route.h and route(4).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/route.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "os.h"
#include "bsd.h"

/*
 * Network-change monitor on a routing socket.  Its third argument makes
 * the kernel send only messages about AF_INET (route(4)), so any address
 * or route message that arrives is an IPv4 change.
 */

int
os_monitor_open(void)
{
	return bsd_socket(PF_ROUTE, SOCK_RAW, AF_INET, 1);
}

/*
 * Every routing message (rt_msghdr, ifa_msghdr, ...) starts with length,
 * version and type; an address message is shorter than an rt_msghdr.
 */
#define MSG_MINLEN	(offsetof(struct rt_msghdr, rtm_type) + 1)

static int
monitor_relevant(const char *buf, size_t len)
{
	const struct rt_msghdr	*rtm;
	size_t			 off;

	for (off = 0; off + MSG_MINLEN <= len; off += rtm->rtm_msglen) {
		rtm = (const struct rt_msghdr *)(const void *)(buf + off);
		if (rtm->rtm_msglen < MSG_MINLEN ||
		    rtm->rtm_msglen > len - off ||
		    rtm->rtm_version != RTM_VERSION)
			break;
		switch (rtm->rtm_type) {
		case RTM_ADD:
		case RTM_DELETE:
		case RTM_CHANGE:
		case RTM_NEWADDR:
		case RTM_DELADDR:
			return 1;
		}
	}
	return 0;
}

int
os_monitor_read(int fd)
{
	char	 buf[2048] __attribute__((aligned(sizeof(long))));
	ssize_t	 n;
	int	 changed = 0;

	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return changed;
			/* Messages were dropped: assume one mattered. */
			if (errno == ENOBUFS) {
				changed = 1;
				continue;
			}
			return -1;
		}
		if (n == 0)
			return changed;
		changed |= monitor_relevant(buf, (size_t)n);
	}
}
