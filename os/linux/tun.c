/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/if_tun.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "os.h"

/*
 * Linux tunnel: /dev/net/tun with IFF_TUN | IFF_NO_PI, so the kernel hands
 * us bare IP packets with no packet-information header (tuntap.rst).  The
 * device is not made persistent: it disappears when its last fd closes.
 */

#define TUN_DEV		"/dev/net/tun"

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
