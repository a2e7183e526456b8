/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/capsicum.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "t.h"

/*
 * FreeBSD's Capsicum limits (os/freebsd/sandbox.c) cannot run here: the
 * file is compiled against a recorder stand-in of <sys/capsicum.h>
 * (tests/fake/capsicum/) and this test checks which rights each kind of
 * descriptor gets, that nothing gets more (no ioctl, fcntl or bind), and
 * how failures come back.  That the names exist in FreeBSD's real header
 * is ../shared/sysroots/check.sh's part.
 */

static struct {
	int		calls;
	int		fd;
	uint64_t	bits;
	int		fail;		/* errno for cap_rights_limit, or 0 */
} rec;

cap_rights_t *
fake_cap_rights_init(cap_rights_t *rights, ...)
{
	va_list			ap;
	unsigned long long	r;

	rights->bits = 0;
	va_start(ap, rights);
	while ((r = va_arg(ap, unsigned long long)) != 0)
		rights->bits |= r;
	va_end(ap);
	return rights;
}

int
cap_rights_limit(int fd, const cap_rights_t *rights)
{
	rec.calls++;
	rec.fd = fd;
	rec.bits = rights->bits;
	if (rec.fail != 0) {
		errno = rec.fail;
		return -1;
	}
	return 0;
}

#include "../../os/freebsd/sandbox.c"

static uint64_t
limit(int fd, enum os_fd_use use)
{
	memset(&rec, 0, sizeof(rec));
	CHECK(os_sandbox_fd(fd, use) == 0);
	CHECK(rec.calls == 1 && rec.fd == fd);
	return rec.bits;
}

int
main(void)
{
	/* Exactly what each one is used for after set-up. */
	CHECK(limit(5, OS_FD_TUN) == (CAP_READ | CAP_WRITE | CAP_EVENT));
	/* sendto(2) to a peer is CAP_SEND and CAP_CONNECT in FreeBSD. */
	CHECK(limit(6, OS_FD_UDP) ==
	    (CAP_RECV | CAP_SEND | CAP_CONNECT | CAP_EVENT));
	CHECK(limit(7, OS_FD_CHAN) == (CAP_RECV | CAP_SEND | CAP_EVENT));
	/* Accepted clients inherit the listener's rights: a request, a report. */
	CHECK(limit(8, OS_FD_CTL) ==
	    (CAP_ACCEPT | CAP_RECV | CAP_SEND | CAP_EVENT));
	/* No descriptor (no status socket): nothing to limit. */
	memset(&rec, 0, sizeof(rec));
	CHECK(os_sandbox_fd(-1, OS_FD_CTL) == 0 && rec.calls == 0);
	/* An unknown use is refused, not given some default. */
	memset(&rec, 0, sizeof(rec));
	CHECK(os_sandbox_fd(5, (enum os_fd_use)42) == -1 && errno == EINVAL);
	CHECK(rec.calls == 0);
	/* A kernel without Capsicum (ENOSYS) runs; other errors do not. */
	memset(&rec, 0, sizeof(rec));
	rec.fail = ENOSYS;
	CHECK(os_sandbox_fd(5, OS_FD_TUN) == 0);
	rec.fail = EBADF;
	CHECK(os_sandbox_fd(5, OS_FD_TUN) == -1 && errno == EBADF);
	return T_DONE();
}
