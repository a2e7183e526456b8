/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * Shared by os/freebsd, os/openbsd and os/darwin.  Compiled here only for
 * macOS (tests/cross/darwin.sh, zig); no FreeBSD or OpenBSD sysroot is
 * reachable from the Linux build machine, so those builds are unchecked.
 * Written from the FreeBSD 14 and OpenBSD headers (netinet6/in6_var.h,
 * netinet6/nd6.h, net/route.h, net/if_dl.h) and route(4).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sockio.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet6/in6_var.h>
#include <netinet6/nd6.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "os.h"
#include "bsd.h"
#include "rtmsg.h"

/*
 * Interface configuration: ioctls on an AF_INET6 socket for MTU, flags
 * and addresses (SIOCAIFADDR_IN6 with the OS's bsd_addr_flags), and one
 * message on a routing socket per route.  The in6_aliasreq and the
 * routing message's sockaddrs are built by os/bsd/rtmsg.c from the OS's
 * bsd_layout, which tests/unit/test_bsd_rtmsg.c checks byte by byte.  What the OS makes of the metric
 * is its bsd_route_hdr(): OpenBSD has route priorities, FreeBSD and macOS
 * have nothing of the kind and ignore it.
 */

int
bsd_socket(int domain, int type, int protocol, int nonblock)
{
	int	 fd, saved;

	type |= bsd_sock_cloexec | (nonblock ? bsd_sock_nonblock : 0);
	if ((fd = socket(domain, type, protocol)) == -1)
		return -1;
	/* Where socket(2) cannot set them at once (macOS), fcntl(2) does. */
	if ((bsd_sock_cloexec == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) ||
	    (nonblock && bsd_sock_nonblock == 0 &&
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
bsd_if_ioctl(unsigned long req, void *arg)
{
	int	 s, rc, saved;

	if ((s = bsd_socket(AF_INET6, SOCK_DGRAM, 0, 0)) == -1)
		return -1;
	rc = ioctl(s, req, arg);
	saved = errno;
	(void)close(s);
	errno = saved;
	return rc;
}

/* The ioctls want a name: the one the index has now (dst: IFNAMSIZ). */
static int
if_name(char *dst, unsigned int ifindex)
{
	if (ifindex == 0 || if_indextoname(ifindex, dst) == NULL) {
		errno = ENXIO;
		return -1;
	}
	return 0;
}

unsigned int
os_if_index(const char *ifname)
{
	unsigned int	 idx;

	if ((idx = if_nametoindex(ifname)) == 0 && errno == 0)
		errno = ENXIO;
	return idx;
}

int
os_if_set_mtu(unsigned int ifindex, unsigned int mtu)
{
	struct ifreq	 ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (if_name(ifr.ifr_name, ifindex) == -1)
		return -1;
	ifr.ifr_mtu = (int)mtu;
	return bsd_if_ioctl(SIOCSIFMTU, &ifr);
}

int
os_if_set_up(unsigned int ifindex, int up)
{
	struct ifreq	 ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (if_name(ifr.ifr_name, ifindex) == -1 ||
	    bsd_if_ioctl(SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return bsd_if_ioctl(SIOCSIFFLAGS, &ifr);
}

/* The interface's index, checking plen on the way. */
static unsigned int
if_index_plen(unsigned int ifindex, unsigned int plen)
{
	if (plen > 128) {
		errno = EINVAL;
		return 0;
	}
	if (ifindex == 0)
		errno = ENXIO;
	return ifindex;
}

int
os_addr_add(unsigned int ifindex, const struct in6_addr *addr,
    unsigned int plen)
{
	union {
		struct in6_aliasreq	 r;
		unsigned char		 b[sizeof(struct in6_aliasreq)];
	} ifra;
	char			 name[IFNAMSIZ];
	unsigned int		 idx;

	if ((idx = if_index_plen(ifindex, plen)) == 0)
		return -1;
	if (if_name(name, idx) == -1)
		return -1;
	if (bsd_ifra(&bsd_layout, ifra.b, name, addr, plen, idx,
	    bsd_addr_flags) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return bsd_if_ioctl(SIOCAIFADDR_IN6, &ifra.r);
}

int
os_addr_del(unsigned int ifindex, const struct in6_addr *addr,
    unsigned int plen)
{
	struct in6_ifreq	 ifr;
	unsigned int		 idx = ifindex;

	(void)plen;	/* an IPv6 address is unique on its interface */
	memset(&ifr, 0, sizeof(ifr));
	if (if_name(ifr.ifr_name, idx) == -1)
		return -1;
	bsd_sin6(&bsd_layout, (unsigned char *)&ifr.ifr_addr, addr, idx);
	return bsd_if_ioctl(SIOCDIFADDR_IN6, &ifr);
}

/*
 * The kernel answers a bad request by failing the write (route(4)).
 * With reply != NULL (RTM_GET), read the kernel's answer to our message
 * (same type, seq and pid) into reply.
 */
static int
rt_send(const void *msg, size_t len, struct rt_msghdr *reply,
    size_t replylen)
{
	const struct rt_msghdr	*q = msg;
	ssize_t			 n;
	int			 s, saved, i;

	if ((s = bsd_socket(PF_ROUTE, SOCK_RAW, 0, 0)) == -1)
		return -1;
	n = write(s, msg, len);
	for (i = 0; n != -1 && reply != NULL && i < 64; i++) {
		n = read(s, reply, replylen);
		if (n >= (ssize_t)sizeof(*reply) &&
		    reply->rtm_type == q->rtm_type &&
		    reply->rtm_seq == q->rtm_seq &&
		    reply->rtm_pid == getpid())
			break;
	}
	if (reply != NULL && i == 64) {
		n = -1;
		errno = ESRCH;
	}
	saved = errno;
	(void)close(s);
	errno = saved;
	return n == -1 ? -1 : 0;
}

/* RTM_ADD or RTM_DELETE of dst/plen through the interface (no gateway). */
static int
route_msg(int type, unsigned int ifindex, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	struct {
		struct rt_msghdr rtm;
		unsigned char	 sa[512];
	} m;
	unsigned int		 idx;
	size_t			 off;
	int			 addrs;

	if ((idx = if_index_plen(ifindex, plen)) == 0)
		return -1;
	memset(&m, 0, sizeof(m));
	if ((off = bsd_rt_sockaddrs(&bsd_layout, m.sa, sizeof(m.sa), dst,
	    plen, idx, &addrs)) == 0) {
		errno = EINVAL;
		return -1;
	}
	m.rtm.rtm_version = RTM_VERSION;
	m.rtm.rtm_type = type;
	m.rtm.rtm_flags = RTF_UP | RTF_STATIC | (plen == 128 ? RTF_HOST : 0);
	m.rtm.rtm_addrs = addrs;
	m.rtm.rtm_index = idx;
	m.rtm.rtm_seq = 1;
	bsd_route_hdr(&m.rtm, metric);
	m.rtm.rtm_msglen = sizeof(m.rtm) + off;
	if (type != RTM_GET)
		return rt_send(&m, m.rtm.rtm_msglen, NULL, 0);
	/* RTM_GET: is the route to exactly dst/plen through ifindex? */
	if (rt_send(&m, m.rtm.rtm_msglen, &m.rtm, sizeof(m)) == -1)
		return -1;
	if (m.rtm.rtm_index != idx) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

/* RTM_ADD never replaces: an existing route makes it fail with EEXIST. */
int
os_route_add(unsigned int ifindex, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	return route_msg(RTM_ADD, ifindex, dst, plen, metric);
}

/*
 * Only a route through our interface: RTM_DELETE matches on destination
 * and mask (and, with multipath, on the gateway), so look first.
 */
int
os_route_del(unsigned int ifindex, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	if (route_msg(RTM_GET, ifindex, dst, plen, metric) == -1)
		return -1;
	return route_msg(RTM_DELETE, ifindex, dst, plen, metric);
}
