/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "daemon.h"
#include "engine.h"
#include "hook.h"
#include "log.h"
#include "miredo.h"
#include "os.h"
#include "privmsg.h"

static int supervise_sigpipe[2] = { -1, -1 };

static void
supervise_sighandler(int sig)
{
	unsigned char c = (unsigned char)sig;
	int save = errno;

	(void)write(supervise_sigpipe[1], &c, 1);
	errno = save;
}

void
supervise_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGCHLD,
	    SIGUSR1, SIGUSR2 };
	struct sigaction sa;
	size_t i;

	if (pipe(supervise_sigpipe) == -1)
		fatal("%s: pipe", __func__);
	for (i = 0; i < 2; i++)
		if (fcntl(supervise_sigpipe[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(supervise_sigpipe[i], F_SETFD, FD_CLOEXEC) == -1)
			fatal("%s: fcntl", __func__);
	memset(&sa, 0, sizeof(sa));
	(void)sigemptyset(&sa.sa_mask);
	sa.sa_handler = supervise_sighandler;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
}

/* A malformed message, or a channel that cannot be trusted any more. */
static void
supervise_engine_kill(struct miredo *m)
{
	log_warnx("killing the engine (pid %ld)", (long)m->engine);
	(void)kill(m->engine, SIGKILL);
	(void)close(m->chan);
	m->chan = -1;
}

static void
supervise_send(struct miredo *m, const void *msg, size_t len)
{
	if (m->chan == -1 || chan_send(m->chan, msg, len) == 0)
		return;
	/* Part of a frame may be out: the stream is out of step. */
	log_warn("%s: engine channel", __func__);
	supervise_engine_kill(m);
}

void
supervise_send_resolved(struct miredo *m)
{
	struct privmsg_resolved r;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN] = "primary + 1";

	(void)inet_ntop(AF_INET, &m->rs.server, a, sizeof(a));
	if (m->rs.server2 != 0)
		(void)inet_ntop(AF_INET, &m->rs.server2, b, sizeof(b));
	log_info("server %s is %s, secondary %s", m->rs.name, a, b);
	memset(&r, 0, sizeof(r));
	r.type = PRIV_MSG_RESOLVED;
	r.server = m->rs.server;
	r.server2 = m->rs.server2;
	supervise_send(m, &r, sizeof(r));
}

/* The mapping the port-mapping child reported, to the engine's core. */
void
supervise_send_portmap(struct miredo *m)
{
	struct privmsg_portmap pm;

	memset(&pm, 0, sizeof(pm));
	pm.type = PRIV_MSG_PORTMAP;
	pm.method = (uint32_t)m->pm.last.method;
	pm.ext_ip = m->pm.last.ext_ip;
	pm.ext_port = m->pm.last.ext_port;
	pm.lifetime = m->pm.last.lifetime;
	supervise_send(m, &pm, sizeof(pm));
}

/*
 * In the new engine: nothing but its tunnel, socket, channel and status
 * listener, and stdin on /dev/null; in daemon mode stdout and stderr too,
 * so that it never holds the launcher's terminal (M3 of the review).
 * It logs through priv (log_tofd), with no syslog connection of its own.
 */
static void
supervise_engine_fds(const struct miredo *m, const struct engine_args *a)
{
	const int keep[] = { a->tun_fd, a->udp_fd, a->chan_fd, a->ctl_fd,
	    a->log_fd };

	if (daemon_keep_fds(keep, sizeof(keep) / sizeof(keep[0]),
	    !m->cl.foreground) == -1)
		_exit(1);
}

void
supervise_engine_start(struct miredo *m)
{
	struct engine_args a;
	int sv[2], lv[2];

	m->restart_at = 0;
	if (chan_pair(sv) == -1 || chan_pair(lv) == -1)
		fatal("%s: socketpair", __func__);
	chan_reader_init(&m->chan_rd);
	(void)fflush(NULL);
	if ((m->engine = fork()) == -1)
		fatal("%s: fork", __func__);
	if (m->engine == 0) {
		daemon_child();
		(void)close(sv[0]);
		(void)close(lv[0]);
		(void)close(supervise_sigpipe[0]);
		(void)close(supervise_sigpipe[1]);
		if (m->mon != -1)
			(void)close(m->mon);
		if (resolve_fd(&m->rs) != -1)
			(void)close(resolve_fd(&m->rs));
		if (portmap_fd(&m->pm) != -1)
			(void)close(portmap_fd(&m->pm));
		memset(&a, 0, sizeof(a));
		a.conf = &m->conf;
		a.tun_fd = m->tun;
		a.tun_offload = m->tun_offload;
		a.udp_fd = m->udp;
		a.chan_fd = sv[1];
		a.log_fd = lv[1];
		a.ctl_fd = m->ctl;
		a.ifindex = m->ifindex;
		a.pw = &m->pw;
		a.chrootdir = m->cl.chrootdir;
		supervise_engine_fds(m, &a);
		engine_main(&a);
	}
	(void)close(sv[1]);
	(void)close(lv[1]);
	m->elog = lv[0];
	(void)fcntl(m->elog, F_SETFL, O_NONBLOCK);
	m->chan = sv[0];
	(void)fcntl(m->chan, F_SETFL, O_NONBLOCK);
	m->engine_started = daemon_now_ms();
	log_debug("%s: engine is pid %ld", __func__, (long)m->engine);
	if (m->conf.relay_type == CONF_CLIENT && m->rs.have)
		supervise_send_resolved(m);
	if (m->pm.last.method != PORTMAP_NONE)
		supervise_send_portmap(m);
}

/* The engine is gone: undo its configuration and tell the hook. */
static void
supervise_engine_gone(struct miredo *m)
{
	m->engine = -1;
	if (m->chan != -1)
		(void)close(m->chan);
	m->chan = -1;
	if (m->elog != -1) {
		/* Its last words (a fatal error) come before its exit. */
		(void)log_relay(m->elog, "the engine");
		(void)close(m->elog);
	}
	m->elog = -1;
	if (priv_clear(&m->pv))
		hook_request(m->conf.hook, m->ifname, &m->pv.state,
		    &m->pv.old_state);
}

void
supervise_engine_stop(struct miredo *m)
{
	pid_t	r;
	int	st, i;

	if (m->engine == -1)
		return;
	/*
	 * Closing the channel makes the engine exit by itself: that needs no
	 * permission to signal another user (a unit without CAP_KILL would
	 * otherwise hang here).  SIGTERM is the fast path, SIGKILL the last
	 * resort after SUPERVISE_STOP_MS.
	 */
	if (m->chan != -1)
		(void)close(m->chan);
	m->chan = -1;
	(void)kill(m->engine, SIGTERM);
	for (i = 0; i < SUPERVISE_STOP_MS / 10; i++) {
		r = waitpid(m->engine, &st, WNOHANG);
		if (r == m->engine || (r == -1 && errno != EINTR))
			break;
		(void)usleep(10000);
	}
	if (i == SUPERVISE_STOP_MS / 10) {
		log_warnx("engine (pid %ld) does not stop: killing it",
		    (long)m->engine);
		(void)kill(m->engine, SIGKILL);
		while (waitpid(m->engine, &st, 0) == -1 && errno == EINTR)
			continue;
	} else if (r == m->engine && !(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
	    !(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM))
		/* It had died already (before it was ready, say): how. */
		log_child_status("engine", (long)m->engine, st);
	supervise_engine_gone(m);
}

static void
supervise_engine_died(struct miredo *m, int st)
{
	uint64_t now = daemon_now_ms();

	log_child_status("engine", (long)m->engine, st);
	supervise_engine_gone(m);
	/* A long-lived engine starts the back-off afresh. */
	if (now - m->engine_started >= SUPERVISE_BACKOFF_MAX)
		m->backoff = SUPERVISE_BACKOFF_MIN;
	log_info("restarting the engine in %u s", m->backoff / 1000);
	m->restart_at = now + m->backoff;
	m->backoff *= 2;
	if (m->backoff > SUPERVISE_BACKOFF_MAX)
		m->backoff = SUPERVISE_BACKOFF_MAX;
}

static void
supervise_reap(struct miredo *m)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == m->engine)
			supervise_engine_died(m, st);
		else if (portmap_reaped(&m->pm, pid, st))
			continue;
		else if (resolve_reaped(&m->rs, pid)) {
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				log_child_status("resolver", (long)pid, st);
		} else
			(void)hook_reaped(pid, st);
	}
}

static void
supervise_signal(struct miredo *m)
{
	unsigned char c;

	while (read(supervise_sigpipe[0], &c, 1) == 1)
		switch (c) {
		case SIGHUP:
			miredo_reload(m);
			break;
		case SIGINT:
		case SIGTERM:
			miredo_shutdown(m, c);
		case SIGCHLD:
			supervise_reap(m);
			break;
		case SIGUSR1:
			/* The status line comes from the engine. */
			if (m->engine != -1)
				(void)kill(m->engine, SIGUSR1);
			break;
		default:
			break;
		}
}

static void
supervise_chan_input(struct miredo *m)
{
	const void *msg;
	size_t len;
	int i;

	for (i = 0; i < 32 && m->chan != -1; i++) {
		switch (chan_read(m->chan, &m->chan_rd, &msg, &len)) {
		case CHAN_AGAIN:
			return;
		case CHAN_MSG:
			break;
		case CHAN_BAD:
			log_warnx("%s: malformed frame from the engine",
			    __func__);
			supervise_engine_kill(m);
			return;
		default:
			/* EOF or error: the engine is going; SIGCHLD next. */
			(void)close(m->chan);
			m->chan = -1;
			return;
		}
		switch (priv_dispatch(&m->pv, msg, len)) {
		case -1:
			supervise_engine_kill(m);
			return;
		case PRIV_MSG_STATE:
			hook_request(m->conf.hook, m->ifname, &m->pv.state,
			    &m->pv.old_state);
			/*
			 * The server is lost: resolve its name again (as
			 * miredo), it may have moved.  The same address
			 * changes nothing in the engine.
			 */
			if (m->conf.relay_type == CONF_CLIENT &&
			    m->pv.old_state.up && !m->pv.state.up &&
			    resolve_start(&m->rs, daemon_now_ms()))
				supervise_send_resolved(m);
			break;
		default:
			break;
		}
	}
}

static void
supervise_netchange(struct miredo *m)
{
	struct privmsg_netchange nc;
	int rc;

	if ((rc = os_monitor_read(m->mon)) == -1 && errno != EINTR) {
		/* A broken monitor would make poll() spin: do without. */
		log_warn("network-change monitor failed; closing it");
		(void)close(m->mon);
		m->mon = -1;
	}
	if (rc != 1 || m->conf.relay_type != CONF_CLIENT)
		return;
	log_info("network change: qualifying again");
	nc.type = PRIV_MSG_NETCHANGE;
	supervise_send(m, &nc, sizeof(nc));
	if (resolve_start(&m->rs, daemon_now_ms()))
		supervise_send_resolved(m);
}

/*
 * After a crash.  supervise_engine_gone() undid everything, the relay's
 * static set-up included (the link went down, and with it the kernel
 * dropped the link-local and the 2001::/32 route): a relay's set-up does
 * not depend on the engine, so apply it again before the new engine
 * starts, as miredo_configure() did at start-up.  A client's set-up
 * comes back from its new engine once it has qualified.
 */
static void
supervise_engine_restart(struct miredo *m)
{
	if (m->conf.relay_type != CONF_CLIENT &&
	    priv_relay_up(&m->pv, m->conf.mtu) == -1)
		log_warnx("cannot configure %s again", m->ifname);
	supervise_engine_start(m);
}

static int
supervise_timers(struct miredo *m)
{
	uint64_t now = daemon_now_ms(), next = 0;
	int hook;

	if (m->restart_at != 0 && now >= m->restart_at)
		supervise_engine_restart(m);
	if (m->conf.relay_type == CONF_CLIENT && resolve_timer(&m->rs, now))
		supervise_send_resolved(m);
	if (m->restart_at != 0)
		next = m->restart_at;
	if (m->rs.retry_at != 0 && (next == 0 || m->rs.retry_at < next))
		next = m->rs.retry_at;
	if ((hook = hook_timer(now)) != -1 &&
	    (next == 0 || now + (uint64_t)hook < next))
		next = now + (uint64_t)hook;
	if (next == 0)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

/* The loop; with once, one round of it (supervise_once()). */
static void
supervise_run(struct miredo *m, int once)
{
	struct pollfd pfd[6];
	int timeout;

	do {
		timeout = supervise_timers(m);
		pfd[0].fd = supervise_sigpipe[0];
		pfd[1].fd = m->chan;
		pfd[2].fd = m->mon;
		pfd[3].fd = resolve_fd(&m->rs);
		pfd[0].events = pfd[1].events = POLLIN;
		pfd[2].events = pfd[3].events = POLLIN;
		pfd[4].fd = m->elog;
		pfd[4].events = POLLIN;
		pfd[5].fd = portmap_fd(&m->pm);
		pfd[5].events = POLLIN;
		if (poll(pfd, 6, timeout) == -1 && errno != EINTR)
			fatal("%s: poll", __func__);
		if (pfd[4].fd != -1 && pfd[4].revents != 0 &&
		    log_relay(m->elog, "the engine") == -1) {
			(void)close(m->elog);
			m->elog = -1;
		}
		if (pfd[1].fd != -1 && pfd[1].revents != 0)
			supervise_chan_input(m);
		if (pfd[2].fd != -1 && pfd[2].revents != 0)
			supervise_netchange(m);
		if (pfd[3].fd != -1 && pfd[3].revents != 0 &&
		    resolve_read(&m->rs, daemon_now_ms()))
			supervise_send_resolved(m);
		if (pfd[5].fd != -1 && pfd[5].revents != 0 &&
		    portmap_read(&m->pm, daemon_now_ms()))
			supervise_send_portmap(m);
		if (pfd[0].revents != 0)
			supervise_signal(m);
	} while (!once);
}

void
supervise_once(struct miredo *m)
{
	supervise_run(m, 1);
}

void
supervise_loop(struct miredo *m)
{
	for (;;)
		supervise_run(m, 0);
}
