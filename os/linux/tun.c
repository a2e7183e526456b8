/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/virtio_net.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "gso.h"
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

static int
tun_open_flags(const char *want, char *name, size_t namesz, short flags)
{
	struct ifreq	 ifr;
	size_t		 len;
	int		 fd, saved;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | flags;
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
os_tun_open(const char *want, char *name, size_t namesz)
{
	return tun_open_flags(want, name, namesz, 0);
}

/*
 * Offloads (tuntap.rst, "TUNSETOFFLOAD"): the kernel may then hand us TCP
 * super-packets and packets whose checksum it left to us, each behind a
 * struct virtio_net_hdr, which gso.h mirrors.  TSO_ECN too: gso.c sets CWR
 * on the first segment only.  UDP segmentation (USO, Linux 6.2) is asked
 * for where the kernel takes it; its flags are the kernel's ABI, defined
 * here when the headers predate them.
 */
#ifndef TUN_F_USO4
#define TUN_F_USO4	0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6	0x40
#endif

_Static_assert(sizeof(struct gso_hdr) == sizeof(struct virtio_net_hdr),
    "gso.h mirrors struct virtio_net_hdr");
_Static_assert(GSO_F_NEEDS_CSUM == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
    GSO_F_DATA_VALID == VIRTIO_NET_HDR_F_DATA_VALID &&
    GSO_TYPE_TCPV6 == VIRTIO_NET_HDR_GSO_TCPV6 &&
    GSO_TYPE_ECN == VIRTIO_NET_HDR_GSO_ECN, "gso.h constants");

int
os_tun_open_offload(const char *want, char *name, size_t namesz,
    unsigned int *feat)
{
	const unsigned int tso = TUN_F_CSUM | TUN_F_TSO6 | TUN_F_TSO_ECN;
	int	 fd, saved;

	*feat = 0;
	if ((fd = tun_open_flags(want, name, namesz, IFF_VNET_HDR)) == -1)
		return -1;
	if (ioctl(fd, TUNSETOFFLOAD, tso | TUN_F_USO4 | TUN_F_USO6) == 0)
		*feat = OS_TUN_TSO | OS_TUN_USO;
	else if (ioctl(fd, TUNSETOFFLOAD, tso) == 0)
		*feat = OS_TUN_TSO;
	else {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

ssize_t
os_tun_read_gso(int fd, struct gso_hdr *h, void *pkt, size_t len)
{
	struct iovec	 iov[2];
	ssize_t		 n;

	iov[0].iov_base = h;
	iov[0].iov_len = sizeof(*h);
	iov[1].iov_base = pkt;
	iov[1].iov_len = len;
	if ((n = readv(fd, iov, 2)) == -1)
		return -1;
	if ((size_t)n < sizeof(*h)) {
		errno = EPROTO;
		return -1;
	}
	n -= (ssize_t)sizeof(*h);
	/* As os_tun_read(): IPv6 only. */
	if (n > 0 && (((const unsigned char *)pkt)[0] >> 4) != 6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return n;
}

ssize_t
os_tun_write_gso(int fd, const struct gso_hdr *h, const void *pkt,
    size_t len)
{
	struct iovec	 iov[2];
	ssize_t		 n;

	iov[0].iov_base = (void *)(uintptr_t)h;
	iov[0].iov_len = sizeof(*h);
	iov[1].iov_base = (void *)(uintptr_t)pkt;
	iov[1].iov_len = len;
	if ((n = writev(fd, iov, 2)) == -1)
		return -1;
	return n < (ssize_t)sizeof(*h) ? 0 : n - (ssize_t)sizeof(*h);
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
