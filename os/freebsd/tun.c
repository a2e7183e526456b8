/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * NOT COMPILED HERE: no FreeBSD sysroot is reachable from the Linux build
 * machine.  Written from the FreeBSD 14 headers (net/if_tun.h, sys/sockio.h)
 * and tun(4); packet I/O and SIOCIFDESTROY are os/bsd/tun.c, and the
 * header logic (os/tunhdr.c) is unit-tested.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sockio.h>

#include <net/if.h>
#include <net/if_tun.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "os.h"
#include "tunhdr.h"
#include "bsd/bsd.h"

/*
 * FreeBSD tunnel: opening /dev/tun clones a new tunN (tun(4)); TUNSIFHEAD
 * makes every packet carry a 4-byte address family, so IPv6 is told from
 * IPv4; SIOCSIFNAME renames it when InterfaceName asks for a name.  A
 * cloned tun outlives its descriptor, so os_tun_close destroys it.
 */

_Static_assert(AF_INET6 == TUNHDR_INET6_FREEBSD, "FreeBSD AF_INET6 is 28");

const int	 bsd_tun_destroy = 1;

/* Give the clone the wanted name; on failure the clone is destroyed. */
static int
tun_rename(struct ifreq *ifr, const char *want)
{
	char	 newname[IFNAMSIZ];
	int	 saved;

	if (strlcpy(newname, want, sizeof(newname)) >= sizeof(newname)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	ifr->ifr_data = newname;
	if (bsd_if_ioctl(SIOCSIFNAME, ifr) == -1)
		goto fail;
	memcpy(ifr->ifr_name, newname, sizeof(ifr->ifr_name));
	return 0;
fail:
	saved = errno;
	(void)bsd_if_destroy(ifr->ifr_name);
	errno = saved;
	return -1;
}

int
os_tun_open(const char *want, char *name, size_t namesz)
{
	struct ifreq	 ifr;
	int		 fd, on = 1, saved;

	if ((fd = open("/dev/tun", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGIFNAME, &ifr) == -1)
		goto fail;
	if (ioctl(fd, TUNSIFHEAD, &on) == -1)
		goto fail_destroy;
	if (want != NULL && *want != '\0' &&
	    strcmp(want, ifr.ifr_name) != 0 && tun_rename(&ifr, want) == -1)
		goto fail;
	if (name != NULL &&
	    strlcpy(name, ifr.ifr_name, namesz) >= namesz) {
		errno = ENAMETOOLONG;
		goto fail_destroy;
	}
	return fd;
fail_destroy:
	saved = errno;
	(void)bsd_if_destroy(ifr.ifr_name);
	errno = saved;
fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}
