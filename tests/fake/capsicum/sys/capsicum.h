/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef FAKE_SYS_CAPSICUM_H
#define FAKE_SYS_CAPSICUM_H

/*
 * A stand-in for FreeBSD's <sys/capsicum.h>, for tests/unit/test_capsicum.c
 * on Linux: the names os/freebsd/sandbox.c uses, as plain bits (FreeBSD's
 * rights are two-word bit sets with an index, which does not matter to
 * what the test checks), and cap_rights_limit() as a recorder the test defines.
 * As in FreeBSD, CAP_RECV is CAP_READ and CAP_SEND is CAP_WRITE.
 */

#include <stdint.h>

typedef struct {
	uint64_t	bits;
} cap_rights_t;

#define CAP_READ	(1ULL << 0)
#define CAP_WRITE	(1ULL << 1)
#define CAP_ACCEPT	(1ULL << 2)
#define CAP_CONNECT	(1ULL << 3)
#define CAP_EVENT	(1ULL << 4)
#define CAP_BIND	(1ULL << 5)
#define CAP_IOCTL	(1ULL << 6)
#define CAP_FCNTL	(1ULL << 7)
#define CAP_RECV	CAP_READ
#define CAP_SEND	CAP_WRITE

/* The list ends with 0, as FreeBSD's macro of the same name does. */
cap_rights_t	*fake_cap_rights_init(cap_rights_t *rights, ...);
#define cap_rights_init(...)	fake_cap_rights_init(__VA_ARGS__, 0ULL)
int	 cap_rights_limit(int fd, const cap_rights_t *rights);

#endif /* FAKE_SYS_CAPSICUM_H */
