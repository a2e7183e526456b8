/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef HOOK_H
#define HOOK_H

/*
 * The optional ClientHook, run by priv after it configured the tunnel,
 * asynchronously (fork + exec, reaped from SIGCHLD): it never stalls the
 * data path.  One hook runs at a time, and a new one starts at most once
 * per HOOK_MIN_MS: a newer request waits, and replaces one that waited.
 * The hook gets stdin on /dev/null, priv's stdout and stderr, no other
 * descriptor, default signal dispositions, the working directory / and
 * only the variables below and PATH.
 * Environment as miredo's client hook: STATE (up/down), IFACE, IFINDEX,
 * ADDRESS, LLADDRESS, MTU and OLD_ADDRESS, OLD_MTU, OLD_STATE.
 */

#include <sys/types.h>
#include <stdint.h>

#include "privmsg.h"

void	hook_request(const char *path, const char *ifname,
	    const struct privmsg_state *st, const struct privmsg_state *old);
/* A child was reaped: 1 if it was the hook (then a pending one starts). */
int	hook_reaped(pid_t pid, int status);
#define HOOK_MIN_MS	1000
/*
 * Start the waiting hook if it is due: returns the milliseconds until it
 * is, or -1 if none waits (for priv's poll timeout).
 */
int	hook_timer(uint64_t now);
/* At exit: let the running and the pending hook finish (at most ~5 s). */
void	hook_flush(void);

#endif /* HOOK_H */
