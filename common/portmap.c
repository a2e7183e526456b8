/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/* priv's side of the port-mapping child (portmap.h). */

#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "daemon.h"
#include "log.h"
#include "os.h"
#include "portmap.h"

#define PORTMAP_STOP_MS	3000	/* for the child to delete its mapping */

static struct chan_reader portmap_rd;

void
portmap_init(struct portmap *p)
{
	memset(p, 0, sizeof(*p));
	p->pid = -1;
	p->fd = -1;
}

int
portmap_fd(const struct portmap *p)
{
	return p->fd;
}

/* In the child: nothing of priv's but the channel, then no root. */
static void __attribute__((noreturn))
portmap_confine(int fd, uint16_t port, const struct passwd *pw)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGCHLD, SIGUSR1,
	    SIGUSR2, SIGPIPE };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)signal(sigs[i], SIG_DFL);
	(void)signal(SIGPIPE, SIG_IGN);
	log_tofd(-1);
	if (daemon_keep_fds(&fd, 1, 1) == -1 || pw == NULL ||
	    os_privdrop(pw, NULL) == -1)
		_exit(2);
	/* Without seccomp (ENOTSUP) the engine has warned already. */
	if (os_sandbox(OS_ROLE_PORTMAP) == -1 && errno != ENOTSUP)
		_exit(3);
	portmap_child(fd, port);
}

int
portmap_start(struct portmap *p, int udp_fd, const struct passwd *pw)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			sv[2];

	if (p->pid != -1 || !portmap_built())
		return 0;
	if (getsockname(udp_fd, (struct sockaddr *)&sin, &len) == -1 ||
	    sin.sin_family != AF_INET) {
		log_warn("port mapping: cannot read the UDP port");
		return -1;
	}
	if (chan_pair(sv) == -1) {
		log_warn("port mapping: socketpair");
		return -1;
	}
	(void)fflush(NULL);
	if ((p->pid = fork()) == -1) {
		log_warn("port mapping: fork");
		(void)close(sv[0]);
		(void)close(sv[1]);
		return -1;
	}
	if (p->pid == 0) {
		daemon_child();
		(void)close(sv[0]);
		portmap_confine(sv[1], ntohs(sin.sin_port), pw);
	}
	(void)close(sv[1]);
	p->fd = sv[0];
	(void)fcntl(p->fd, F_SETFL, O_NONBLOCK);
	chan_reader_init(&portmap_rd);
	log_debug("port mapping: child is pid %ld, port %u", (long)p->pid,
	    ntohs(sin.sin_port));
	return 0;
}

static void
portmap_close(struct portmap *p)
{
	if (p->fd != -1)
		(void)close(p->fd);
	p->fd = -1;
}

int
portmap_read(struct portmap *p, uint64_t now)
{
	struct portmap_msg	 m;
	const void		*msg;
	const char		*why;
	char			 a[INET_ADDRSTRLEN];
	size_t			 len;

	switch (chan_read(p->fd, &portmap_rd, &msg, &len)) {
	case CHAN_AGAIN:
		return 0;
	case CHAN_MSG:
		break;
	case CHAN_BAD:
		log_warnx("port mapping: malformed frame from the child");
		portmap_close(p);
		return 0;
	default:
		portmap_close(p);
		return 0;
	}
	if (portmap_msg_parse(msg, len, &m, &why) == -1) {
		log_warnx("port mapping: bad message from the child: %s", why);
		return 0;
	}
	(void)inet_ntop(AF_INET, &m.ext_ip, a, sizeof(a));
	if (m.method == PORTMAP_NONE)
		log_info("port mapping: lost");
	else if (p->last.method != m.method || p->last.ext_ip != m.ext_ip ||
	    p->last.ext_port != m.ext_port)
		log_info("port mapping: %s:%u by %s for %u s", a, m.ext_port,
		    portmap_method_name(m.method), m.lifetime);
	p->last = m;
	p->last_at = now;
	return 1;
}

int
portmap_reaped(struct portmap *p, pid_t pid, int status)
{
	if (pid == -1 || pid != p->pid)
		return 0;
	p->pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_child_status("port mapping", (long)pid, status);
	return 1;
}

void
portmap_stop(struct portmap *p)
{
	pid_t	r = 0;
	int	st, i;

	portmap_close(p);
	if (p->pid == -1)
		return;
	(void)kill(p->pid, SIGTERM);
	for (i = 0; i < PORTMAP_STOP_MS / 10; i++) {
		r = waitpid(p->pid, &st, WNOHANG);
		if (r == p->pid || (r == -1 && errno != EINTR))
			break;
		(void)usleep(10000);
	}
	if (r != p->pid) {
		log_warnx("port mapping: the child does not stop: killing it");
		(void)kill(p->pid, SIGKILL);
		while (waitpid(p->pid, &st, 0) == -1 && errno == EINTR)
			continue;
	}
	p->pid = -1;
	memset(&p->last, 0, sizeof(p->last));
}
