/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/ioctl.h>

#include <linux/if_tun.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>

/*
 * LD_PRELOAD shim for tests/netns/offload.sh: a kernel whose tunnel has
 * no offloads, as before Linux 2.6.27, refuses TUNSETOFFLOAD with EINVAL.
 * miredo must then fall back to a plain tunnel.  Every other ioctl goes
 * to the C library.
 */

/* The C library's prototype: glibc's request is unsigned long, musl's int. */
#ifdef __GLIBC__
typedef unsigned long	ioctl_req;
#else
typedef int		ioctl_req;
#endif

int
ioctl(int fd, ioctl_req req, ...)
{
	int (*real)(int, ioctl_req, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == (ioctl_req)TUNSETOFFLOAD) {
		errno = EINVAL;
		return -1;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "ioctl");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(fd, req, arg);
}
