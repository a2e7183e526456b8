/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef OS_TUNHDR_H
#define OS_TUNHDR_H

/*
 * The 4-byte header in front of every packet on a BSD tun(4) device (with
 * TUNSIFHEAD on FreeBSD) and on a macOS utun socket: the address family as
 * a 32-bit integer in network byte order.  Its value for IPv6 is each
 * OS's AF_INET6, which differs; the backends pin theirs to this table with
 * a static assertion, and tests/unit/test_tunhdr.c checks the encoding.
 * Only the backends see this header: os_tun_read/os_tun_write hide it.
 */

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#define TUNHDR_LEN		4
#define TUNHDR_INET6_FREEBSD	28
#define TUNHDR_INET6_OPENBSD	24
#define TUNHDR_INET6_DARWIN	30

void	 tunhdr_set(unsigned char *hdr, uint32_t af);
uint32_t tunhdr_get(const unsigned char *hdr);
/* One packet of family af; another family is -1 with EAFNOSUPPORT. */
ssize_t	 tunhdr_read(int fd, uint32_t af, void *pkt, size_t len);
ssize_t	 tunhdr_write(int fd, uint32_t af, const void *pkt, size_t len);

#endif /* OS_TUNHDR_H */
