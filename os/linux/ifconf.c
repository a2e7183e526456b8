/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
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
 * Interface configuration through rtnetlink (rtnetlink(7)): one request,
 * one acknowledgement, on a fresh socket each time, so there is no state
 * to keep and no reply of an earlier request to confuse with ours.
 */

#define NL_BUFSZ	512
/*
 * Adding an address that is already there succeeds: addresses are keyed
 * by interface, so replacing one touches nothing but ours.
 */
#define NL_F_ADDR_ADD	(NLM_F_CREATE | NLM_F_REPLACE)
/*
 * Never replace a route: the IPv6 FIB keys a replacement on destination
 * and metric only, so NLM_F_REPLACE would take over another interface's
 * route (and deleting "ours" later would lose it for good).  EXCL makes
 * an existing route of the same destination and metric an EEXIST.
 */
#define NL_F_ROUTE_ADD	(NLM_F_CREATE | NLM_F_EXCL)

struct nl_req {
	struct nlmsghdr	 nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg	 rtm;
	} u;
	char		 attrs[256];
};

static void
nl_init(struct nl_req *r, uint16_t type, uint16_t flags, size_t bodylen)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(bodylen);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
}

static int
nl_attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr	*rta;
	size_t		 off = NLMSG_ALIGN(r->nh.nlmsg_len);

	if (off + RTA_SPACE(len) > sizeof(*r)) {
		errno = ENOBUFS;
		return -1;
	}
	rta = (struct rtattr *)(void *)((char *)r + off);
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = off + RTA_SPACE(len);
	return 0;
}

/* Our reply is the NLMSG_ERROR with our sequence number, from the kernel. */
static int
nl_check_ack(const char *buf, ssize_t n, uint32_t seq)
{
	const struct nlmsghdr	*nh;
	const struct nlmsgerr	*err;
	size_t			 len = (size_t)n;

	for (nh = (const struct nlmsghdr *)(const void *)buf;
	    NLMSG_OK(nh, len); nh = NL_NEXT(nh, len)) {
		if (nh->nlmsg_seq != seq || nh->nlmsg_type != NLMSG_ERROR)
			continue;
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*err)))
			break;
		err = (const struct nlmsgerr *)NL_DATA(nh);
		if (err->error == 0)
			return 0;
		errno = -err->error;
		return -1;
	}
	return 1;
}

static int
nl_talk(struct nl_req *r)
{
	static uint32_t		 seq;
	struct sockaddr_nl	 sa;
	socklen_t		 salen;
	char			 buf[NL_BUFSZ];
	ssize_t			 n;
	int			 fd, rc = -1, saved;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		return -1;
	r->nh.nlmsg_seq = ++seq;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1)
		goto out;
	for (;;) {
		salen = sizeof(sa);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa,
		    &salen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EPROTO;
			goto out;
		}
		if (sa.nl_pid != 0)	/* not from the kernel */
			continue;
		if ((rc = nl_check_ack(buf, n, r->nh.nlmsg_seq)) != 1)
			break;
	}
out:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rc;
}

/* An interface index as rtnetlink wants it; 0 is no interface. */
static int
nl_ifindex(unsigned int ifindex, int *idx)
{
	if (ifindex == 0 || ifindex > INT32_MAX) {
		errno = ENODEV;
		return -1;
	}
	*idx = (int)ifindex;
	return 0;
}

unsigned int
os_if_index(const char *ifname)
{
	unsigned int	 idx;

	if (ifname == NULL || *ifname == '\0') {
		errno = ENODEV;
		return 0;
	}
	if ((idx = if_nametoindex(ifname)) == 0 && errno == 0)
		errno = ENODEV;
	return idx;
}

static int
link_change(unsigned int ifindex, unsigned int flags, unsigned int change,
    const uint32_t *mtu)
{
	struct nl_req	 r;

	nl_init(&r, RTM_NEWLINK, 0, sizeof(r.u.ifi));
	r.u.ifi.ifi_family = AF_UNSPEC;
	if (nl_ifindex(ifindex, &r.u.ifi.ifi_index) == -1)
		return -1;
	r.u.ifi.ifi_flags = flags;
	r.u.ifi.ifi_change = change;
	if (mtu != NULL && nl_attr(&r, IFLA_MTU, mtu, sizeof(*mtu)) == -1)
		return -1;
	return nl_talk(&r);
}

int
os_if_set_mtu(unsigned int ifindex, unsigned int mtu)
{
	uint32_t	 m = mtu;

	return link_change(ifindex, 0, 0, &m);
}

int
os_if_set_up(unsigned int ifindex, int up)
{
	return link_change(ifindex, up ? IFF_UP : 0, IFF_UP, NULL);
}

/*
 * The interface index for an address or route request on a /plen, which
 * has to be a valid IPv6 prefix length.
 */
static int
nl_ifindex6(unsigned int ifindex, unsigned int plen, int *idx)
{
	if (plen > 128) {
		errno = EINVAL;
		return -1;
	}
	return nl_ifindex(ifindex, idx);
}

static int
addr_change(uint16_t type, uint16_t flags, unsigned int ifindex,
    const struct in6_addr *addr, unsigned int plen)
{
	struct nl_req	 r;
	int		 idx;

	if (nl_ifindex6(ifindex, plen, &idx) == -1)
		return -1;
	nl_init(&r, type, flags, sizeof(r.u.ifa));
	r.u.ifa.ifa_family = AF_INET6;
	r.u.ifa.ifa_prefixlen = plen;
	/* No duplicate address detection: usable at once (RFC 4380 5.2). */
	r.u.ifa.ifa_flags = IFA_F_NODAD;
	r.u.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.u.ifa.ifa_index = (unsigned int)idx;
	if (nl_attr(&r, IFA_LOCAL, addr, sizeof(*addr)) == -1 ||
	    nl_attr(&r, IFA_ADDRESS, addr, sizeof(*addr)) == -1)
		return -1;
	return nl_talk(&r);
}

int
os_addr_add(unsigned int ifindex, const struct in6_addr *addr,
    unsigned int plen)
{
	return addr_change(RTM_NEWADDR, NL_F_ADDR_ADD, ifindex, addr, plen);
}

int
os_addr_del(unsigned int ifindex, const struct in6_addr *addr,
    unsigned int plen)
{
	return addr_change(RTM_DELADDR, 0, ifindex, addr, plen);
}

static int
route_change(uint16_t type, uint16_t flags, unsigned int ifindex,
    const struct in6_addr *dst, unsigned int plen, unsigned int metric)
{
	struct nl_req	 r;
	uint32_t	 oif, prio = metric;
	int		 idx;

	if (nl_ifindex6(ifindex, plen, &idx) == -1)
		return -1;
	oif = (uint32_t)idx;
	nl_init(&r, type, flags, sizeof(r.u.rtm));
	r.u.rtm.rtm_family = AF_INET6;
	r.u.rtm.rtm_dst_len = plen;
	r.u.rtm.rtm_table = RT_TABLE_MAIN;
	r.u.rtm.rtm_protocol = RTPROT_STATIC;
	r.u.rtm.rtm_scope = RT_SCOPE_UNIVERSE;
	r.u.rtm.rtm_type = RTN_UNICAST;
	if ((plen > 0 && nl_attr(&r, RTA_DST, dst, sizeof(*dst)) == -1) ||
	    nl_attr(&r, RTA_OIF, &oif, sizeof(oif)) == -1 ||
	    nl_attr(&r, RTA_PRIORITY, &prio, sizeof(prio)) == -1)
		return -1;
	return nl_talk(&r);
}

int
os_route_add(unsigned int ifindex, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	return route_change(RTM_NEWROUTE, NL_F_ROUTE_ADD, ifindex, dst, plen,
	    metric);
}

/* RTA_OIF: the kernel deletes only a route through our interface. */
int
os_route_del(unsigned int ifindex, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	return route_change(RTM_DELROUTE, 0, ifindex, dst, plen, metric);
}
