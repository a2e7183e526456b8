/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "os.h"

/*
 * NLMSG_DATA and NLMSG_NEXT without the kernel macros' casts to char *,
 * which drop const (clang warns about it even in system-header macros).
 */
#define NL_AT(nh, off)	((const void *)((const char *)(nh) + (off)))
#define NL_DATA(nh)	NL_AT(nh, NLMSG_HDRLEN)
#define NL_NEXT(nh, len)	((len) -= NLMSG_ALIGN((nh)->nlmsg_len),	\
	(const struct nlmsghdr *)NL_AT(nh, NLMSG_ALIGN((nh)->nlmsg_len)))

/*
 * Network-change monitor: the kernel multicasts IPv4 address and route
 * changes to the rtnetlink groups we join.  A Teredo client's mapping
 * depends on its IPv4 connectivity, so any such change is a reason to
 * qualify again (RFC 4380 5.2.2 says nothing finer, nor do we).
 */

int
os_monitor_open(void)
{
	struct sockaddr_nl	 sa;
	int			 fd, saved;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_ROUTE);
	if (fd == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int
monitor_relevant(const struct nlmsghdr *nh)
{
	const struct ifaddrmsg	*ifa;
	const struct rtmsg	*rtm;

	switch (nh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
			return 0;
		ifa = (const struct ifaddrmsg *)NL_DATA(nh);
		return ifa->ifa_family == AF_INET;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
			return 0;
		rtm = (const struct rtmsg *)NL_DATA(nh);
		return rtm->rtm_family == AF_INET;
	default:
		return 0;
	}
}

static int
monitor_parse(const char *buf, size_t len)
{
	const struct nlmsghdr	*nh;
	int			 changed = 0;

	for (nh = (const struct nlmsghdr *)(const void *)buf;
	    NLMSG_OK(nh, len); nh = NL_NEXT(nh, len))
		changed |= monitor_relevant(nh);
	return changed;
}

int
os_monitor_read(int fd)
{
	struct sockaddr_nl	 sa;
	socklen_t		 salen;
	char			 buf[8192]
	    __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t			 n;
	int			 changed = 0;

	for (;;) {
		salen = sizeof(sa);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa,
		    &salen);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return changed;
			/* The queue overflowed: we lost events, assume one. */
			if (errno == ENOBUFS) {
				changed = 1;
				continue;
			}
			return -1;
		}
		if (n == 0)
			return changed;
		/* Only the kernel speaks for the routing tables. */
		if (salen < sizeof(sa) || sa.nl_pid != 0)
			continue;
		changed |= monitor_parse(buf, (size_t)n);
	}
}
