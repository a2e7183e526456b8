/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * NOT COMPILED HERE: no OpenBSD sysroot is reachable from the Linux build
 * machine.  Written from OpenBSD's tun(4), sys/sys/sockio.h and
 * sys/sys/socket.h; packet I/O and SIOCIFDESTROY are os/bsd/tun.c, and
 * the header logic (os/tunhdr.c) is unit-tested.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os.h"
#include "tunhdr.h"
#include "bsd/bsd.h"

/*
 * OpenBSD tunnel: opening /dev/tunN creates tunN (tun(4)); every packet
 * carries a 4-byte address family.  OpenBSD cannot rename an interface,
 * so InterfaceName must be a "tunN" name; without one the first free
 * unit is taken.  os_tun_close destroys the interface.
 */

_Static_assert(AF_INET6 == TUNHDR_INET6_OPENBSD, "OpenBSD AF_INET6 is 24");

const int	 bsd_tun_destroy = 1;

#define TUN_MAXUNIT	255

static int
tun_open_unit(int unit, char *ifname)
{
	char	 dev[32];

	(void)snprintf(ifname, IFNAMSIZ, "tun%d", unit);
	(void)snprintf(dev, sizeof(dev), "/dev/%s", ifname);
	return open(dev, O_RDWR | O_CLOEXEC);
}

/* "tunN" gives N; anything else cannot be had on OpenBSD. */
static int
tun_unit(const char *want)
{
	const char	*errstr;
	int		 unit;

	if (strncmp(want, "tun", 3) != 0) {
		errno = EINVAL;
		return -1;
	}
	unit = (int)strtonum(want + 3, 0, TUN_MAXUNIT, &errstr);
	if (errstr != NULL) {
		errno = EINVAL;
		return -1;
	}
	return unit;
}

int
os_tun_open(const char *want, char *name, size_t namesz)
{
	char	 ifname[IFNAMSIZ];
	int	 fd = -1, unit;

	if (want != NULL && *want != '\0') {
		if ((unit = tun_unit(want)) == -1)
			return -1;
		fd = tun_open_unit(unit, ifname);
	} else {
		/* Units in use are busy; keep looking. */
		for (unit = 0; unit <= TUN_MAXUNIT; unit++)
			if ((fd = tun_open_unit(unit, ifname)) != -1 ||
			    errno != EBUSY)
				break;
	}
	if (fd == -1)
		return -1;
	if (name != NULL && strlcpy(name, ifname, namesz) >= namesz) {
		(void)os_tun_close(fd, ifname);
		errno = ENAMETOOLONG;
		return -1;
	}
	return fd;
}
