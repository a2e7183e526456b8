/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * Capsicum for the engine: each descriptor it keeps is limited to the
 * rights it uses (cap_rights_limit(2)).  Compiled against FreeBSD 14.2's
 * headers by ../shared/sysroots/check.sh (not linked, not run), and on
 * Linux against a recorder stand-in of <sys/capsicum.h> by
 * tests/unit/test_capsicum.c.  Written from rights(4), capsicum(4) and
 * cap_rights_limit(2).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/capsicum.h>

#include <errno.h>

#include "os.h"

/*
 * No ioctl and no fcntl right anywhere (CAP_IOCTL, CAP_FCNTL): both are
 * done before the limits (TUNSIFHEAD, O_NONBLOCK), and nothing after.
 * CAP_RECV and CAP_SEND are CAP_READ and CAP_WRITE; CAP_EVENT is poll(2).
 */
int
os_sandbox_fd(int fd, enum os_fd_use use)
{
	cap_rights_t	 rights;

	if (fd < 0)
		return 0;
	switch (use) {
	case OS_FD_TUN:
		/* readv(2), writev(2): the 4-byte header, then the packet */
		cap_rights_init(&rights, CAP_READ, CAP_WRITE, CAP_EVENT);
		break;
	case OS_FD_UDP:
		/* sendto(2) with an address wants CAP_CONNECT as well */
		cap_rights_init(&rights, CAP_RECV, CAP_SEND, CAP_CONNECT,
		    CAP_EVENT);
		break;
	case OS_FD_CHAN:
		cap_rights_init(&rights, CAP_RECV, CAP_SEND, CAP_EVENT);
		break;
	case OS_FD_CTL:
		/*
		 * An accepted socket inherits these: the request is a
		 * recv, the report a send.
		 */
		cap_rights_init(&rights, CAP_ACCEPT, CAP_RECV, CAP_SEND,
		    CAP_EVENT);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	/* A kernel built without options CAPABILITIES: no limits to set. */
	if (cap_rights_limit(fd, &rights) == -1 && errno != ENOSYS)
		return -1;
	return 0;
}
