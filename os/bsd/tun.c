/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * Shared by os/freebsd, os/openbsd and os/darwin.  Compiled here only for
 * macOS (tests/cross/darwin.sh, zig); no FreeBSD or OpenBSD sysroot is
 * reachable from the Linux build machine, so those builds are unchecked.
 * The header logic it uses (os/tunhdr.c) is unit-tested on every OS.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/sockio.h>

#include <net/if.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "os.h"
#include "tunhdr.h"
#include "bsd.h"

/*
 * Reading and writing the tunnel: every packet carries a 4-byte address
 * family (tun(4), with TUNSIFHEAD on FreeBSD; utun on macOS), whose IPv6
 * value is this OS's AF_INET6.  Opening it is per OS (os/<os>/tun.c).
 */

ssize_t
os_tun_read(int fd, void *pkt, size_t len)
{
	return tunhdr_read(fd, AF_INET6, pkt, len);
}

ssize_t
os_tun_write(int fd, const void *pkt, size_t len)
{
	return tunhdr_write(fd, AF_INET6, pkt, len);
}

/* No offloads on these tunnels: the plain path (os.h). */
int
os_tun_open_offload(const char *want, char *name, size_t namesz,
    unsigned int *feat)
{
	(void)want;
	(void)name;
	(void)namesz;
	*feat = 0;
	errno = ENOTSUP;
	return -1;
}

ssize_t
os_tun_read_gso(int fd, struct gso_hdr *h, void *pkt, size_t len)
{
	(void)fd;
	(void)h;
	(void)pkt;
	(void)len;
	errno = ENOTSUP;
	return -1;
}

ssize_t
os_tun_write_gso(int fd, const struct gso_hdr *h, const void *pkt,
    size_t len)
{
	(void)fd;
	(void)h;
	(void)pkt;
	(void)len;
	errno = ENOTSUP;
	return -1;
}

/*
 * A cloned tun(4) outlives its descriptor and is destroyed here; one that
 * is already gone (ENXIO: with its descriptor, or by the administrator)
 * is fine.  A macOS utun goes away with its control socket.
 */
int
os_tun_close(int fd, const char *name)
{
	int	 rc = close(fd);

	if (bsd_tun_destroy && name != NULL && bsd_if_destroy(name) == -1 &&
	    errno != ENXIO)
		rc = -1;
	return rc;
}

/* Destroy a cloned interface (FreeBSD and OpenBSD tun). */
int
bsd_if_destroy(const char *ifname)
{
	struct ifreq	 ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name)) >=
	    sizeof(ifr.ifr_name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return bsd_if_ioctl(SIOCIFDESTROY, &ifr);
}

int
os_udp_nodf(int fd)
{
	/* The BSDs and macOS set DF on UDP only when IP_DONTFRAG asks. */
	(void)fd;
	return 0;
}
