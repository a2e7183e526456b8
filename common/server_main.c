/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * miredo-server: a root supervisor that keeps the pid file, the
 * configuration and the native IPv6 output (a raw socket or a tunnel,
 * os.h), and a child that binds the two UDP sockets (port 3544) as root,
 * drops privileges, enters the sandbox and runs the sans-I/O server core.  SIGHUP re-reads the configuration
 * and restarts the child (sockets can only be bound again by root); a
 * child that dies is restarted with back-off.
 */

#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cmdline.h"
#include "conf.h"
#include "chan.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "os.h"
#include "server.h"
#include "server_child.h"
#include "teredo.h"

#define SUP_BACKOFF_MIN		1000	/* ms */
#define SUP_BACKOFF_MAX		64000
#define SUP_STABLE		60000	/* a child this old resets back-off */

struct sup {
	const struct cmdline	*cl;
	struct conf		 conf;
	struct server_config	 sc;
	struct passwd		*pw;
	struct os_native	 nat;		/* native IPv6 output */
	pid_t			 pid;		/* child, or -1 */
	int			 fd;		/* socket to it, or -1 */
	int			 log;		/* its log lines, or -1 */
	int			 ctl;		/* status socket, -1 */
	uint64_t		 started, restart_at, backoff;
};

static volatile sig_atomic_t srv_sig_term, srv_sig_hup, srv_sig_usr1,
    srv_sig_chld;
static int sup_wake[2] = { -1, -1 };	/* self-pipe of the supervisor */

static void
srv_signal(int sig)
{
	int	 save = errno;

	if (sig == SIGTERM || sig == SIGINT)
		srv_sig_term = 1;
	else if (sig == SIGHUP)
		srv_sig_hup = 1;
	else if (sig == SIGUSR1)
		srv_sig_usr1 = 1;
	else if (sig == SIGCHLD)
		srv_sig_chld = 1;
	if (sup_wake[1] != -1)
		(void)write(sup_wake[1], "", 1);
	errno = save;
}

static int
srv_check_addr(const char *what, uint32_t ip)
{
	char	 buf[16];

	if (ipv4_is_global(ip))
		return 0;
	log_warnx("%s %s is not a global unicast IPv4 address (a Teredo "
	    "server needs two of them, RFC 4380 5.3)", what,
	    ipv4_ntop(ip, buf));
	return -1;
}

/* Read the configuration; the positional address overrides the file. */
static int
srv_load(const struct cmdline *cl, struct conf *c, struct server_config *sc)
{
	struct in_addr	 a;
	int		 missing;

	conf_defaults(c, CONF_SERVER);
	missing = access(cl->config, F_OK) == -1 && errno == ENOENT;
	if (!(missing && cl->positional != NULL) &&
	    conf_parse(c, cl->config, 0) != 0)
		return -1;
	if (cl->positional != NULL) {
		if (inet_pton(AF_INET, cl->positional, &a) != 1) {
			log_warnx("%s: not an IPv4 address", cl->positional);
			return -1;
		}
		c->server_bind = a.s_addr;
		c->have_server_bind = 1;
	}
	if (conf_check(c, cl->config) != 0)
		return -1;
	if (!c->have_server_bind2)
		c->server_bind2 = htonl(ntohl(c->server_bind) + 1);
	if (srv_check_addr("ServerBindAddress", c->server_bind) != 0 ||
	    srv_check_addr("ServerBindAddress2", c->server_bind2) != 0)
		return -1;
	if (c->server_bind == c->server_bind2) {
		log_warnx("ServerBindAddress2 must differ from "
		    "ServerBindAddress");
		return -1;
	}
	memset(sc, 0, sizeof(*sc));
	sc->prefix = c->prefix;
	sc->addr[0] = c->server_bind;
	sc->addr[1] = c->server_bind2;
	sc->mtu = c->mtu;
	sc->icmp_max = c->icmp_max;
	/* ServerRateLimit; its default is justified in the man page. */
	server_config_rate(sc, c->srv_rate);
	return 0;
}


static int
sup_spawn(struct sup *sp)
{
	int	 sv[2], lv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		log_warn("socketpair");
		return -1;
	}
	if (chan_pair(lv) == -1) {
		log_warn("socketpair");
		(void)close(sv[0]);
		(void)close(sv[1]);
		return -1;
	}
	switch (sp->pid = fork()) {
	case -1:
		log_warn("fork");
		(void)close(sv[0]);
		(void)close(sv[1]);
		(void)close(lv[0]);
		(void)close(lv[1]);
		return -1;
	case 0:
		daemon_child();
		/* Its lines go through us: it needs no /dev/log (log.h). */
		(void)close(lv[0]);
		log_tofd(lv[1]);
		(void)close(sv[0]);
		(void)close(sup_wake[0]);
		(void)close(sup_wake[1]);
		sup_wake[0] = sup_wake[1] = -1;
		server_child_main(sv[1], sp->ctl, &sp->nat, &sp->sc, sp->pw,
		    sp->cl->chrootdir, sp->cl->foreground);
	default:
		break;
	}
	(void)close(sv[1]);
	(void)close(lv[1]);
	sp->log = lv[0];
	(void)fcntl(sp->log, F_SETFL, O_NONBLOCK);
	sp->fd = sv[0];
	sp->started = daemon_now_ms();
	sp->restart_at = 0;
	return 0;
}

/* The child's last lines, then its log socket closed. */
static void
sup_log_close(struct sup *sp)
{
	if (sp->log == -1)
		return;
	(void)log_relay(sp->log, "the server process");
	(void)close(sp->log);
	sp->log = -1;
}

/*
 * Stop the child and wait for it.  Closing its socket first makes it
 * leave by itself even where we may not signal it (no CAP_KILL: it runs
 * as another user); SIGTERM is the fast path.
 */
static void
sup_stop(struct sup *sp)
{
	if (sp->fd != -1)
		(void)close(sp->fd);
	sp->fd = -1;
	if (sp->pid > 0) {
		(void)kill(sp->pid, SIGTERM);
		while (waitpid(sp->pid, NULL, 0) == -1 && errno == EINTR)
			continue;
	}
	sp->pid = -1;
	sup_log_close(sp);
}

/*
 * The native IPv6 output (os.h) as ServerNativeOutput asks.  The
 * supervisor owns it: a tunnel lives as long as the daemon, across the
 * restarts of the child, and only root may destroy a BSD tun(4).
 */
static int
sup_native_open(struct os_native *nat, enum conf_native how)
{
	static const enum os_native_kind kinds[] = {
		[CONF_NATIVE_AUTO] = OS_NATIVE_AUTO,
		[CONF_NATIVE_RAW] = OS_NATIVE_RAW,
		[CONF_NATIVE_TUNNEL] = OS_NATIVE_TUNNEL
	};

	if (os_native_open(nat, kinds[how]) == -1) {
		log_warn("cannot open the native IPv6 output (%s)",
		    how == CONF_NATIVE_RAW ? "raw IPv6 socket" :
		    how == CONF_NATIVE_TUNNEL ? "tunnel" : "the OS's way");
		return -1;
	}
	if (nat->kind == OS_NATIVE_TUNNEL && nat->forwarding == 0)
		log_warnx("native IPv6 output through tunnel %s, but IPv6 "
		    "forwarding is off: the clients' echo tests to native "
		    "hosts will be dropped", nat->name);
	else if (nat->kind == OS_NATIVE_TUNNEL)
		log_info("native IPv6 output through tunnel %s (IPv6 "
		    "forwarding must be enabled)", nat->name);
	else
		log_info("native IPv6 output through a raw IPv6 socket");
	return 0;
}

static void
sup_reload(struct sup *sp)
{
	struct conf		 c;
	struct server_config	 sc;
	struct os_native	 nat;

	log_info("reloading %s", sp->cl->config);
	if (srv_load(sp->cl, &c, &sc) != 0) {
		log_warnx("reload failed: keeping the running configuration");
		return;
	}
	if (c.native != sp->conf.native) {
		if (sup_native_open(&nat, c.native) == -1) {
			log_warnx("reload failed: keeping the running "
			    "configuration");
			return;
		}
		sup_stop(sp);
		(void)os_native_close(&sp->nat);
		sp->nat = nat;
	}
	sp->conf = c;
	sp->sc = sc;
	log_setfacility(c.syslog_facility);
	sup_stop(sp);
	sp->backoff = SUP_BACKOFF_MIN;
	if (sup_spawn(sp) != 0)
		sp->restart_at = daemon_now_ms() + sp->backoff;
}

/* A child exited: schedule its restart with back-off. */
static void
sup_reap(struct sup *sp)
{
	int	 status;
	uint64_t now = daemon_now_ms();

	if (sp->pid <= 0 || waitpid(sp->pid, &status, WNOHANG) != sp->pid)
		return;
	sup_log_close(sp);
	log_child_status("server process", (long)sp->pid, status);
	if (now - sp->started >= SUP_STABLE)
		sp->backoff = SUP_BACKOFF_MIN;
	(void)close(sp->fd);
	sp->pid = -1;
	sp->fd = -1;
	sp->restart_at = now + sp->backoff;
	log_info("restarting in %llu ms", (unsigned long long)sp->backoff);
	sp->backoff = sp->backoff * 2 > SUP_BACKOFF_MAX ? SUP_BACKOFF_MAX :
	    sp->backoff * 2;
}

static int
sup_timeout(const struct sup *sp)
{
	uint64_t now = daemon_now_ms();

	if (sp->pid > 0 || sp->restart_at == 0)
		return -1;
	return sp->restart_at > now ? (int)(sp->restart_at - now) : 0;
}

static void
sup_events(struct sup *sp)
{
	char	 buf[64];

	while (read(sup_wake[0], buf, sizeof(buf)) > 0)
		continue;
	if (srv_sig_usr1) {
		srv_sig_usr1 = 0;
		if (sp->pid > 0)
			(void)kill(sp->pid, SIGUSR1);
	}
	if (srv_sig_chld) {
		srv_sig_chld = 0;
		sup_reap(sp);
	}
	if (srv_sig_hup) {
		srv_sig_hup = 0;
		sup_reload(sp);
	}
	if (sp->pid <= 0 && sp->restart_at != 0 &&
	    daemon_now_ms() >= sp->restart_at && sup_spawn(sp) != 0)
		sp->restart_at = daemon_now_ms() + sp->backoff;
}

static void
sup_loop(struct sup *sp)
{
	struct pollfd	 pfd[2];

	pfd[0].fd = sup_wake[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (!srv_sig_term) {
		pfd[1].fd = sp->log;
		pfd[1].revents = 0;
		(void)poll(pfd, 2, sup_timeout(sp));
		if (pfd[1].revents != 0 && sp->log != -1 &&
		    log_relay(sp->log, "the server process") == -1)
			sup_log_close(sp);
		sup_events(sp);
	}
	log_info("shutting down");
	sup_stop(sp);
}

/* The first child's verdict is the launcher's exit status. */
static int
sup_first(struct sup *sp)
{
	uint8_t	 st = 1;
	ssize_t	 n;

	if (sup_spawn(sp) != 0)
		return -1;
	do
		n = read(sp->fd, &st, 1);
	while (n == -1 && errno == EINTR);
	if (n == 1 && st == 0)
		return 0;
	log_warnx("the server process could not start");
	sup_stop(sp);
	return -1;
}

static void
sup_signals(void)
{
	if (pipe(sup_wake) == -1 ||
	    fcntl(sup_wake[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(sup_wake[1], F_SETFL, O_NONBLOCK) == -1)
		fatal("self-pipe");
	daemon_signal(SIGTERM, srv_signal);
	daemon_signal(SIGINT, srv_signal);
	daemon_signal(SIGHUP, srv_signal);
	daemon_signal(SIGUSR1, srv_signal);
	daemon_signal(SIGCHLD, srv_signal);
	daemon_signal(SIGUSR2, SIG_IGN);
	daemon_signal(SIGPIPE, SIG_IGN);
}

/* The status socket (ctl.h); the server runs without it if it cannot. */
static void
sup_ctl(struct sup *sp)
{
	char	 path[PATH_MAX] = "";

	if (ctl_path(sp->cl->pidfile, path, sizeof(path)) == -1 ||
	    atexit(ctl_cleanup) != 0 || (sp->ctl = ctl_listen(path)) == -1)
		log_warn("no status socket %s", path);
}

static struct passwd *
srv_user(const char *name)
{
	struct passwd	*pw;
	int		 fallback;

	if ((pw = daemon_getpw(name, &fallback)) == NULL)
		fatalx("unknown user %s", name);
	if (fallback)
		log_warnx("no user %s: the server's child runs as nobody, "
		    "shared with other services", name);
	if (pw->pw_uid == 0)
		fatalx("refusing to run as user %s: uid 0 is root", name);
	return pw;
}

int
main(int argc, char *argv[])
{
	struct cmdline	 cl;
	struct sup	 sp;
	long		 other = -1;

	daemon_fds_start();	/* nothing of the launcher's but stdio */
	cmdline_parse(&cl, CMDLINE_SERVER, argc, argv);
	log_init(1, 0, LOG_DAEMON);
	log_procinit("miredo-server");
	memset(&sp, 0, sizeof(sp));
	sp.cl = &cl;
	sp.pid = -1;
	sp.fd = -1;
	sp.log = -1;
	sp.ctl = -1;
	sp.nat.fd = -1;
	sp.backoff = SUP_BACKOFF_MIN;
	if (srv_load(&cl, &sp.conf, &sp.sc) != 0)
		exit(1);
	log_init(1, 0, sp.conf.syslog_facility);
	sp.pw = srv_user(cl.user);
	if (geteuid() != 0)
		fatalx("must be started as root (to bind port %d)",
		    TEREDO_PORT);
	if (daemon_pidfile_open(cl.pidfile, &other) == -1) {
		if (errno == EEXIST || errno == EWOULDBLOCK)
			fatalx("already running (pid %ld, %s)", other,
			    cl.pidfile);
		fatal("%s", cl.pidfile);
	}
	if (daemon_detach(cl.foreground) == -1)
		fatal("daemon_detach");
	(void)daemon_pidfile_write();
	sup_signals();
	sup_ctl(&sp);
	if (sup_native_open(&sp.nat, sp.conf.native) == -1 ||
	    sup_first(&sp) != 0) {
		(void)os_native_close(&sp.nat);
		daemon_pidfile_remove();
		daemon_ready(1);
		exit(1);
	}
	daemon_ready(0);
	if (!cl.foreground)
		log_init(0, 0, sp.conf.syslog_facility);
	sup_loop(&sp);
	if (os_native_close(&sp.nat) == -1)
		log_warn("cannot remove the native IPv6 tunnel");
	daemon_pidfile_remove();
	return 0;
}
