/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef OS_NATIVE_H
#define OS_NATIVE_H

/*
 * The tunnel way of os_native_open() (os/os.h), written once on the
 * os_tun_* and os_if_* functions of whichever backend is built: every
 * backend's os_native_*() calls these for OS_NATIVE_TUNNEL.
 */

#include "os.h"

int	 native_tun_open(struct os_native *nat);
ssize_t	 native_tun_send(const struct os_native *nat, const void *pkt,
	    size_t len);
int	 native_tun_close(struct os_native *nat);
/* Per OS: 1 if IPv6 forwarding is on, 0 if off, -1 if unknown. */
int	 native_ip6_forwarding(void);

#endif /* OS_NATIVE_H */
