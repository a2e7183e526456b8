/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef SERVER_CHILD_H
#define SERVER_CHILD_H

#include <pwd.h>

#include "os.h"
#include "server.h"

/*
 * The process forked by miredo-server's supervisor: closes every
 * descriptor but stdio, sup, ctl and nat's, binds its sockets as root,
 * drops privileges to pw (chroot to chrootdir if not NULL), writes one
 * status byte to sup (0 = serving) and serves until SIGTERM or until sup
 * is closed.  ctl is the status listener (ctl.h) it answers on, or -1;
 * nat is the supervisor's open native IPv6 output (os.h).  Never returns.
 */
void	server_child_main(int sup, int ctl, const struct os_native *nat,
	    const struct server_config *sc, const struct passwd *pw,
	    const char *chrootdir, int foreground)
	    __attribute__((noreturn));

#endif /* SERVER_CHILD_H */
