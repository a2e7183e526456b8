/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef HOOK_H
#define HOOK_H

/*
 * The optional ClientHook, run by priv after it configured the tunnel,
 * asynchronously (fork + exec, reaped from SIGCHLD): it never stalls the
 * data path.  One hook runs at a time; a newer request waits for it.
 * Environment as miredo's client hook: STATE (up/down), IFACE, IFINDEX,
 * ADDRESS, LLADDRESS, MTU and OLD_ADDRESS, OLD_MTU, OLD_STATE.
 */

#include <sys/types.h>

#include "privmsg.h"

void	hook_request(const char *path, const char *ifname,
	    const struct privmsg_state *st, const struct privmsg_state *old);
/* A child was reaped: 1 if it was the hook (then a pending one starts). */
int	hook_reaped(pid_t pid, int status);
/* At exit: let the running and the pending hook finish (at most ~5 s). */
void	hook_flush(void);

#endif /* HOOK_H */
