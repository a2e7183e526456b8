/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>

#include "tunhdr.h"

/*
 * readv/writev keep the packet where the caller wants it: no copy to strip
 * or prepend the header (the approach of miredo's tun_head_t, rewritten).
 */

void
tunhdr_set(unsigned char *hdr, uint32_t af)
{
	hdr[0] = (unsigned char)(af >> 24);
	hdr[1] = (unsigned char)(af >> 16);
	hdr[2] = (unsigned char)(af >> 8);
	hdr[3] = (unsigned char)af;
}

uint32_t
tunhdr_get(const unsigned char *hdr)
{
	return (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | (uint32_t)hdr[3];
}

ssize_t
tunhdr_read(int fd, uint32_t af, void *pkt, size_t len)
{
	unsigned char	 hdr[TUNHDR_LEN];
	struct iovec	 iov[2];
	ssize_t		 n;

	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = pkt;
	iov[1].iov_len = len;
	if ((n = readv(fd, iov, 2)) <= 0)
		return n;
	if (n < TUNHDR_LEN) {
		errno = EPROTO;
		return -1;
	}
	if (tunhdr_get(hdr) != af) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return n - TUNHDR_LEN;
}

ssize_t
tunhdr_write(int fd, uint32_t af, const void *pkt, size_t len)
{
	unsigned char	 hdr[TUNHDR_LEN];
	struct iovec	 iov[2];
	ssize_t		 n;

	tunhdr_set(hdr, af);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	/* writev's iovec is not const; the kernel only reads it. */
	iov[1].iov_base = (void *)(uintptr_t)pkt;
	iov[1].iov_len = len;
	if ((n = writev(fd, iov, 2)) == -1)
		return -1;
	if (n < TUNHDR_LEN) {
		errno = EIO;
		return -1;
	}
	return n - TUNHDR_LEN;
}
