/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "os.h"

/*
 * Linux tunnel: /dev/net/tun with IFF_TUN | IFF_NO_PI, so the kernel hands
 * us bare IP packets with no packet-information header (tuntap.rst).  The
 * device is not made persistent: it disappears when its last fd closes.
 */

#define TUN_DEV		"/dev/net/tun"

/* RTM_NEWLINK with IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE } } */
struct tun_genmode_req {
	struct nlmsghdr		 nh;
	struct ifinfomsg	 ifi;
	struct rtattr		 spec;		/* IFLA_AF_SPEC */
	struct rtattr		 inet6;		/* AF_INET6 */
	struct rtattr		 mode;		/* ...ADDR_GEN_MODE */
	uint8_t			 val;		/* ...MODE_NONE */
	uint8_t			 pad[3];
};

/* The kernel's answer: 0 on success, else -1 with errno from the ack. */
static int
tun_genmode_ack(int fd, uint32_t seq)
{
	union {
		struct nlmsghdr	 nh;
		char		 buf[1024];
	} u;
	const struct nlmsgerr	*err;
	ssize_t			 n;

	do
		n = recv(fd, &u, sizeof(u), 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n < NLMSG_LENGTH(sizeof(*err)) ||
	    u.nh.nlmsg_type != NLMSG_ERROR || u.nh.nlmsg_seq != seq) {
		errno = EPROTO;
		return -1;
	}
	err = (const struct nlmsgerr *)NLMSG_DATA(&u.nh);
	if (err->error == 0)
		return 0;
	errno = -err->error;
	return -1;
}

/*
 * Before the interface goes up, tell the kernel not to generate an IPv6
 * link-local of its own (EUI-64 or RFC 7217 stable-privacy): the only
 * link-local on a Teredo interface is the one miredo sets (RFC 4380
 * 5.2.1 leaves link-local addressing to the implementation).
 */
static int
tun_no_linklocal(const char *name)
{
	struct tun_genmode_req	 r;
	struct sockaddr_nl	 sa;
	unsigned int		 idx;
	int			 fd, rc, saved;

	if ((idx = if_nametoindex(name)) == 0)
		return -1;
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = sizeof(r);
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.nh.nlmsg_seq = 1;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = (int)idx;
	r.spec.rta_type = IFLA_AF_SPEC;
	r.spec.rta_len = RTA_LENGTH(2 * sizeof(struct rtattr) + 1);
	r.inet6.rta_type = AF_INET6;
	r.inet6.rta_len = RTA_LENGTH(sizeof(struct rtattr) + 1);
	r.mode.rta_type = IFLA_INET6_ADDR_GEN_MODE;
	r.mode.rta_len = RTA_LENGTH(1);
	r.val = IN6_ADDR_GEN_MODE_NONE;
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, &r, r.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1)
		rc = -1;
	else
		rc = tun_genmode_ack(fd, r.nh.nlmsg_seq);
	saved = errno;
	(void)close(fd);
	/* A kernel without IPv6 on the link generates nothing anyway. */
	if (rc == -1 && saved == EAFNOSUPPORT)
		rc = 0;
	errno = saved;
	return rc;
}

int
os_tun_open(const char *want, char *name, size_t namesz)
{
	struct ifreq	 ifr;
	size_t		 len;
	int		 fd, saved;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (want != NULL && *want != '\0') {
		len = strlen(want);
		if (len >= sizeof(ifr.ifr_name)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(ifr.ifr_name, want, len);
	}
	if ((fd = open(TUN_DEV, O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	/* An empty name lets the kernel pick "tun%d". */
	if (ioctl(fd, TUNSETIFF, &ifr) == -1)
		goto fail;
	if (tun_no_linklocal(ifr.ifr_name) == -1)
		goto fail;
	len = strnlen(ifr.ifr_name, sizeof(ifr.ifr_name));
	if (name != NULL) {
		if (len >= namesz) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(name, ifr.ifr_name, len);
		name[len] = '\0';
	}
	return fd;
fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}

int
os_tun_close(int fd, const char *name)
{
	/*
	 * We never set TUNSETPERSIST, so closing the only descriptor is
	 * what destroys the interface, with its addresses and routes.
	 */
	(void)name;
	return close(fd);
}

ssize_t
os_tun_read(int fd, void *pkt, size_t len)
{
	ssize_t	 n;

	if ((n = read(fd, pkt, len)) <= 0)
		return n;
	/*
	 * Without a PI header the version nibble is all that tells the
	 * family; anything but IPv6 (an IPv4 packet someone routed to us)
	 * is refused, as the BSD backends refuse a non-AF_INET6 header.
	 */
	if ((((const unsigned char *)pkt)[0] >> 4) != 6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return n;
}

ssize_t
os_tun_write(int fd, const void *pkt, size_t len)
{
	return write(fd, pkt, len);
}

int
os_udp_nodf(int fd)
{
	int	v = IP_PMTUDISC_DONT;

	/* Linux sets DF on UDP unless told otherwise (ip_no_pmtu_disc). */
	return setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
}
