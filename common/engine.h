/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef ENGINE_H
#define ENGINE_H

/*
 * miredo's unprivileged engine: forked by priv with the tunnel, the UDP
 * socket and its end of the priv channel.  It drops privileges, enters
 * the sandbox and runs the core in a poll loop; it asks priv for every
 * change to the tunnel and exits when priv goes away.
 */

#include <pwd.h>
#include <stdint.h>

#include "conf.h"

struct engine_args {
	const struct conf	*conf;
	int			 tun_fd;
	unsigned int		 tun_offload;	/* OS_TUN_* (os.h), or 0 */
	int			 udp_fd;
	int			 chan_fd;
	int			 log_fd;	/* log_tofd(), log.h */
	int			 ctl_fd;	/* status listener, -1 = none */
	unsigned int		 ifindex;
	const struct passwd	*pw;
	const char		*chrootdir;	/* NULL = none */
};

void	engine_main(const struct engine_args *a) __attribute__((noreturn));

#endif /* ENGINE_H */
