/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef MIREDO_H
#define MIREDO_H

/*
 * The root "priv" process of miredo (DESIGN.md, Processes): miredo.c
 * acquires and configures the resources, supervise.c runs the loop that
 * applies the engine's requests, restarts it and handles signals.
 */

#include <sys/types.h>
#include <net/if.h>
#include <pwd.h>
#include <stdint.h>

#include "chan.h"
#include "cmdline.h"
#include "conf.h"
#include "portmap.h"
#include "priv.h"
#include "resolve.h"

#define SUPERVISE_BACKOFF_MIN	1000	/* engine restart back-off, ms */
#define SUPERVISE_BACKOFF_MAX	60000
#define SUPERVISE_STOP_MS	5000	/* engine stop, then SIGKILL */

struct miredo {
	struct cmdline	cl;
	struct conf	conf;
	struct passwd	pw;
	char		ifname[IF_NAMESIZE];
	unsigned int	ifindex;
	int		tun, udp, mon;
	unsigned int	tun_offload;	/* OS_TUN_* (os.h), 0: plain tunnel */
	int		ctl;		/* status listener (ctl.h), or -1 */
	pid_t		engine;		/* -1 when not running */
	int		chan;		/* priv end of the channel (chan.h) */
	struct chan_reader chan_rd;	/* the frame being read from it */
	int		elog;		/* the engine's log lines (log.h), or -1 */
	uint64_t	engine_started, restart_at;
	unsigned int	backoff;
	struct priv	pv;
	struct resolve	rs;
	struct portmap	pm;		/* port-mapping child (client) */
};

/* miredo.c */
void	miredo_reload(struct miredo *m);
void	miredo_shutdown(struct miredo *m, int sig) __attribute__((noreturn));

/* supervise.c */
void	supervise_signals(void);
void	supervise_engine_start(struct miredo *m);
void	supervise_engine_stop(struct miredo *m);
void	supervise_send_resolved(struct miredo *m);
void	supervise_send_portmap(struct miredo *m);
/* One round of supervise_loop(): wait (poll), then handle what came. */
void	supervise_once(struct miredo *m);
void	supervise_loop(struct miredo *m) __attribute__((noreturn));

#endif /* MIREDO_H */
