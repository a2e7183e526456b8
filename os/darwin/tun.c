/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/kern_control.h>
#include <sys/socket.h>

#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os.h"
#include "tunhdr.h"
#include "bsd/bsd.h"

/*
 * macOS tunnel: a utun interface is a kernel control socket (PF_SYSTEM,
 * "com.apple.net.utun_control"); connecting to unit N+1 creates utunN,
 * unit 0 lets the kernel pick.  Every packet carries a 4-byte address
 * family, handled by os/bsd/tun.c.  Closing the socket destroys the
 * interface.
 *
 * sys/sys_domain.h and net/if_utun.h are missing from some SDKs (and from
 * the zig toolchain used to cross-check this file), so the constants are
 * defined here when absent: they are part of the kernel ABI.
 */

#if defined(__has_include)
#if __has_include(<sys/sys_domain.h>)
#include <sys/sys_domain.h>
#endif
#if __has_include(<net/if_utun.h>)
#include <net/if_utun.h>
#endif
#endif
#ifndef SYSPROTO_CONTROL
#define SYSPROTO_CONTROL	2
#endif
#ifndef AF_SYS_CONTROL
#define AF_SYS_CONTROL		2
#endif
#ifndef UTUN_OPT_IFNAME
#define UTUN_OPT_IFNAME		2
#endif
#ifndef UTUN_CONTROL_NAME
#define UTUN_CONTROL_NAME	"com.apple.net.utun_control"
#endif

_Static_assert(AF_INET6 == TUNHDR_INET6_DARWIN, "macOS AF_INET6 is 30");

const int	 bsd_tun_destroy = 0;

/* "utunN" is unit N + 1; anything else cannot be had on macOS. */
static int
tun_unit(const char *want, unsigned int *unit)
{
	char		*end;
	unsigned long	 n;

	*unit = 0;
	if (want == NULL || *want == '\0')
		return 0;
	if (strncmp(want, "utun", 4) != 0 || want[4] < '0' || want[4] > '9')
		goto fail;
	errno = 0;
	n = strtoul(want + 4, &end, 10);
	if (errno != 0 || *end != '\0' || n >= UINT_MAX - 1)
		goto fail;
	*unit = (unsigned int)n + 1;
	return 0;
fail:
	errno = EINVAL;
	return -1;
}

static int
tun_connect(int fd, unsigned int unit)
{
	struct ctl_info		 info;
	struct sockaddr_ctl	 sc;

	memset(&info, 0, sizeof(info));
	if (strlcpy(info.ctl_name, UTUN_CONTROL_NAME, sizeof(info.ctl_name))
	    >= sizeof(info.ctl_name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (ioctl(fd, CTLIOCGINFO, &info) == -1)
		return -1;
	memset(&sc, 0, sizeof(sc));
	sc.sc_len = sizeof(sc);
	sc.sc_family = AF_SYSTEM;
	sc.ss_sysaddr = AF_SYS_CONTROL;
	sc.sc_id = info.ctl_id;
	sc.sc_unit = unit;
	return connect(fd, (struct sockaddr *)&sc, sizeof(sc));
}

int
os_tun_open(const char *want, char *name, size_t namesz)
{
	char		 ifname[IFNAMSIZ];
	socklen_t	 len = sizeof(ifname);
	unsigned int	 unit;
	int		 fd, saved;

	if (tun_unit(want, &unit) == -1)
		return -1;
	if ((fd = socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL)) == -1)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || tun_connect(fd, unit) == -1)
		goto fail;
	memset(ifname, 0, sizeof(ifname));
	if (getsockopt(fd, SYSPROTO_CONTROL, UTUN_OPT_IFNAME, ifname,
	    &len) == -1)
		goto fail;
	if (name != NULL && strlcpy(name, ifname, namesz) >= namesz) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}
