/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

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
#include "ctl.h"
#include "daemon.h"
#include "engine.h"
#include "hook.h"
#include "log.h"
#include "miredo.h"
#include "os.h"
#include "priv.h"
#include "privmsg.h"
#include "resolve.h"

/* How long the first engine may take to drop privileges. */
#define MIREDO_READY_MS	10000

/*
 * root runs the ClientHook: it must be a regular file of root's that
 * neither group nor others can write, in a directory they cannot write
 * either (L4 of the security review; the directories above are not
 * checked, so that a hook may live below /tmp in tests).
 */
static int
miredo_hook_ok(const char *path)
{
	char dir[PATH_MAX], *slash;
	struct stat sb;

	if (*path == '\0')
		return 0;
	if (stat(path, &sb) == -1) {
		log_warn("ClientHook %s", path);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_uid != 0 ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		log_warnx("ClientHook %s must be a regular file owned by root "
		    "and not writable by group or others", path);
		return -1;
	}
	(void)strlcpy(dir, path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	if (stat(dir, &sb) == -1 || sb.st_uid != 0 ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		log_warnx("the directory of ClientHook %s must be owned by "
		    "root and not writable by group or others", path);
		return -1;
	}
	return 0;
}

/* Parse the file; the command-line server name wins in client mode. */
static int
miredo_load_conf(const struct cmdline *cl, struct conf *c)
{
	conf_defaults(c, CONF_MIREDO);
	if (conf_parse(c, cl->config, 0) == -1)
		return -1;
	if (cl->positional != NULL) {
		if (c->relay_type == CONF_CLIENT) {
			(void)strlcpy(c->server_name, cl->positional,
			    sizeof(c->server_name));
			c->have_server_name = 1;
		} else
			log_warnx("ignoring server name %s in relay mode",
			    cl->positional);
	}
	if (conf_check(c, cl->config) == -1)
		return -1;
	return miredo_hook_ok(c->hook);
}

static void
miredo_user(struct miredo *m)
{
	struct passwd *pw;
	char real[PATH_MAX];
	int fallback;

	if ((pw = daemon_getpw(m->cl.user, &fallback)) == NULL)
		fatalx("unknown user %s", m->cl.user);
	if (fallback)
		log_warnx("no user %s: the engine runs as nobody, shared with "
		    "other services", m->cl.user);
	if (pw->pw_uid == 0)
		fatalx("user %s has uid 0: refusing to run the engine as root",
		    m->cl.user);
	m->pw = *pw;
	if ((m->pw.pw_name = strdup(pw->pw_name)) == NULL ||
	    (m->pw.pw_dir = strdup(pw->pw_dir)) == NULL)
		fatal("%s: strdup", __func__);
	m->pw.pw_passwd = m->pw.pw_gecos = m->pw.pw_shell = m->pw.pw_dir;
	/*
	 * An engine that could write its chroot could plant files (ntpd):
	 * check now, for a clear error at start, the whole real path (the
	 * engine's os_privdrop() checks it again).
	 */
	if (m->cl.chrootdir == NULL)
		return;
	if (realpath(m->cl.chrootdir, real) == NULL)
		fatal("chroot directory %s", m->cl.chrootdir);
	if (os_safe_dir(real) == -1) {
		if (errno != EPERM && errno != ENOTDIR)
			fatal("chroot directory %s", m->cl.chrootdir);
		fatalx("chroot directory %s (%s) and every directory above it "
		    "must be directories owned by root and not writable by "
		    "group or others (above it: unless sticky)",
		    m->cl.chrootdir, real);
	}
	if ((m->cl.chrootdir = strdup(real)) == NULL)
		fatal("%s: strdup", __func__);
}

static void
miredo_pidfile(const struct cmdline *cl)
{
	long other = -1;

	if (daemon_pidfile_open(cl->pidfile, &other) == 0)
		return;
	if (errno == EEXIST || errno == EWOULDBLOCK) {
		if (other > 0)
			fatalx("another miredo is running (pid %ld)", other);
		fatalx("another miredo is running (pid file %s is locked)",
		    cl->pidfile);
	}
	if (errno == ELOOP || errno == EPERM)
		fatalx("pid file %s is a symbolic link, or not a regular file "
		    "of root's with one link: refusing it", cl->pidfile);
	fatal("cannot open pid file %s", cl->pidfile);
}

/* The UDP socket, bound as root so that a BindPort below 1024 works. */
static int
miredo_bind(const struct conf *c)
{
	struct sockaddr_in sin;
	char a[INET_ADDRSTRLEN];
	int fd, save;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		log_warn("cannot create the UDP socket");
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = c->bind_addr;
	sin.sin_port = htons(c->bind_port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		save = errno;
		(void)inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a));
		log_warnx("cannot bind the UDP socket to %s:%u (BindAddress, "
		    "BindPort): %s", a, c->bind_port, strerror(save));
		(void)close(fd);
		return -1;
	}
	if (os_udp_nodf(fd) == -1)
		log_warn("cannot clear DF on the UDP socket");
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

static int
miredo_tun(struct miredo *m, const char *want)
{
	char name[IF_NAMESIZE];
	unsigned int idx, feat;
	int fd;

	/* Offloads where the kernel has them (os.h), else the plain path. */
	if ((fd = os_tun_open_offload(want, name, sizeof(name), &feat)) != -1)
		log_debug("%s: tunnel offloads: TCP%s", __func__,
		    (feat & OS_TUN_USO) ? ", UDP" : "");
	else if (errno != ENOTSUP)
		log_debug("%s: no tunnel offloads: %s", __func__,
		    strerror(errno));
	if (fd == -1 && (fd = os_tun_open(want, name, sizeof(name))) == -1) {
		log_warn("cannot create the tunnel%s%s", *want ? " " : "",
		    want);
		return -1;
	}
	if ((idx = os_if_index(name)) == 0) {
		log_warn("cannot find the index of %s", name);
		(void)os_tun_close(fd, name);
		return -1;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (m->tun != -1)
		(void)os_tun_close(m->tun, m->ifname);
	m->tun = fd;
	m->tun_offload = feat;
	m->ifindex = idx;
	(void)strlcpy(m->ifname, name, sizeof(m->ifname));
	return 0;
}

/* Static relay set-up, or the start of the client's name resolution. */
static int
miredo_configure(struct miredo *m)
{
	/* A client takes its prefix from its server's RA (RFC 4380 5.2.1). */
	priv_init(&m->pv, m->ifname, m->ifindex,
	    m->conf.relay_type == CONF_CLIENT ? 0 : m->conf.prefix,
	    m->conf.relay_type == CONF_CLIENT ? PRIVMSG_ROLE_CLIENT :
	    PRIVMSG_ROLE_RELAY);
	resolve_init(&m->rs, "", "");
	if (m->conf.relay_type != CONF_CLIENT)
		return priv_relay_up(&m->pv, m->conf.mtu);
	resolve_init(&m->rs, m->conf.server_name,
	    m->conf.have_server_name2 ? m->conf.server_name2 : "");
	(void)resolve_start(&m->rs, daemon_now_ms());
	if (m->conf.port_mapping)
		(void)portmap_start(&m->pm, m->udp, &m->pw);
	return 0;
}

static void
miredo_unconfigure(struct miredo *m)
{
	resolve_stop(&m->rs);
	portmap_stop(&m->pm);
	if (m->conf.relay_type != CONF_CLIENT)
		priv_relay_down(&m->pv);
	else
		(void)priv_clear(&m->pv);
}

/* Interface name or socket address changed: open the new ones first. */
static void
miredo_reopen(struct miredo *m, struct conf *nc)
{
	int fd;

	if (strcmp(nc->ifname, m->conf.ifname) != 0 &&
	    miredo_tun(m, nc->ifname) == -1) {
		log_warnx("keeping interface %s", m->ifname);
		(void)strlcpy(nc->ifname, m->conf.ifname, sizeof(nc->ifname));
	}
	if (nc->bind_addr == m->conf.bind_addr &&
	    nc->bind_port == m->conf.bind_port)
		return;
	if ((fd = miredo_bind(nc)) == -1) {
		log_warnx("keeping the old UDP socket");
		nc->bind_addr = m->conf.bind_addr;
		nc->bind_port = m->conf.bind_port;
		return;
	}
	(void)close(m->udp);
	m->udp = fd;
}

void
miredo_reload(struct miredo *m)
{
	struct conf nc;

	log_info("reloading %s", m->cl.config);
	if (miredo_load_conf(&m->cl, &nc) == -1) {
		log_warnx("%s is invalid: keeping the old configuration",
		    m->cl.config);
		return;
	}
	supervise_engine_stop(m);
	miredo_unconfigure(m);
	miredo_reopen(m, &nc);
	m->conf = nc;
	log_procinit(conf_logname(&m->conf));
	log_setfacility(m->conf.syslog_facility);
	if (miredo_configure(m) == -1)
		log_warnx("cannot configure %s", m->ifname);
	m->backoff = SUPERVISE_BACKOFF_MIN;
	supervise_engine_start(m);
}

/* Stop the engine, remove what we configured, destroy the tunnel, exit. */
static void __attribute__((noreturn))
miredo_teardown(struct miredo *m, int status)
{
	supervise_engine_stop(m);
	miredo_unconfigure(m);
	if (os_tun_close(m->tun, m->ifname) == -1)
		log_warn("cannot destroy %s", m->ifname);
	hook_flush();
	daemon_pidfile_remove();
	exit(status);
}

void
miredo_shutdown(struct miredo *m, int sig)
{
	log_info("signal %d: shutting down", sig);
	miredo_teardown(m, 0);
}

/*
 * Start-up has succeeded only once the first engine has dropped its
 * privileges and entered its sandbox (PRIV_MSG_READY): only then may the
 * launcher exit 0 (daemon_ready), so that init systems see a failure.
 */
static int
miredo_wait_ready(struct miredo *m)
{
	struct pollfd	pfd;
	uint64_t	now, deadline = daemon_now_ms() + MIREDO_READY_MS;
	const void	*msg;
	size_t		len;
	enum chan_rc	rc;

	pfd.fd = m->chan;
	pfd.events = POLLIN;
	/* The frame may come in pieces: poll until it is whole. */
	while ((rc = chan_read(m->chan, &m->chan_rd, &msg, &len)) ==
	    CHAN_AGAIN) {
		if ((now = daemon_now_ms()) >= deadline)
			return -1;
		if (poll(&pfd, 1, (int)(deadline - now)) == -1 &&
		    errno != EINTR)
			return -1;
	}
	if (rc != CHAN_MSG)
		return -1;
	return priv_dispatch(&m->pv, msg, len) == PRIV_MSG_READY ? 0 : -1;
}

/* The status socket (ctl.h); miredo runs without it if it cannot. */
static void
miredo_ctl(struct miredo *m)
{
	char path[PATH_MAX] = "";

	if (ctl_path(m->cl.pidfile, path, sizeof(path)) == -1 ||
	    atexit(ctl_cleanup) != 0 || (m->ctl = ctl_listen(path)) == -1)
		log_warn("no status socket %s", path);
}

static void
miredo_open(struct miredo *m)
{
	if (miredo_tun(m, m->conf.ifname) == -1)
		exit(1);
	if ((m->udp = miredo_bind(&m->conf)) == -1)
		exit(1);
	if ((m->mon = os_monitor_open()) == -1)
		log_warn("no network-change monitor");
	else
		(void)fcntl(m->mon, F_SETFD, FD_CLOEXEC);
	if (miredo_configure(m) == -1)
		exit(1);
	miredo_ctl(m);
	/* A no-op where the parent must keep configuring interfaces. */
	if (os_sandbox(OS_ROLE_PRIV) == -1)
		fatal("cannot enter the sandbox of the parent");
}

int
main(int argc, char *argv[])
{
	static struct miredo m;

	/*
	 * Nothing of the launcher's but stdio (M3): the engine and the hook
	 * inherit from us.  The working directory stays, for relative -c,
	 * -p and -t paths (used again on SIGHUP); the hook runs in /.
	 */
	daemon_fds_start();
	(void)umask(022);
	m.tun = m.udp = m.mon = m.chan = m.ctl = m.elog = -1;
	m.engine = -1;
	m.backoff = SUPERVISE_BACKOFF_MIN;
	resolve_init(&m.rs, "", "");
	portmap_init(&m.pm);
	cmdline_parse(&m.cl, CMDLINE_MIREDO, argc, argv);
	log_init(1, 0, LOG_DAEMON);
	log_procinit("miredo");	/* its role once the configuration is read */
	if (geteuid() != 0)
		fatalx("must be started as root");
	if (miredo_load_conf(&m.cl, &m.conf) == -1)
		fatalx("%s: invalid configuration", m.cl.config);
	log_procinit(conf_logname(&m.conf));
	log_setfacility(m.conf.syslog_facility);
	miredo_user(&m);
	resolve_user(&m.pw);
	miredo_pidfile(&m.cl);
	if (atexit(daemon_pidfile_remove) != 0 ||
	    daemon_detach(m.cl.foreground) == -1)
		fatal("cannot start the daemon");
	if (daemon_pidfile_write() == -1)
		log_warn("cannot write pid file %s", m.cl.pidfile);
	supervise_signals();
	miredo_open(&m);
	supervise_engine_start(&m);
	if (miredo_wait_ready(&m) == -1) {
		log_warnx("the engine did not start");
		daemon_ready(1);
		miredo_teardown(&m, 1);
	}
	log_info("started on %s (%s)", m.ifname,
	    m.conf.relay_type == CONF_CLIENT ? "client" : "relay");
	daemon_ready(0);
	supervise_loop(&m);
}
