/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "hook.h"
#include "log.h"

#define HOOK_VARS	10
#define HOOK_VARLEN	80

struct hook_job {
	char			path[256];
	char			ifname[32];
	struct privmsg_state	st, old;
};

static pid_t hook_pid = -1;
static int hook_pending;
static struct hook_job hook_next;
static uint64_t hook_started;	/* daemon_now_ms() of the last start */

static void
hook_setaddr(char *buf, const char *name, const struct privmsg_state *st)
{
	char a[INET6_ADDRSTRLEN] = "";

	if (st->up)
		(void)inet_ntop(AF_INET6, &st->addr, a, sizeof(a));
	(void)snprintf(buf, HOOK_VARLEN, "%s=%s", name, a);
}

/* Build the environment of miredo's client hook. */
static void
hook_env(const struct hook_job *j, char env[HOOK_VARS][HOOK_VARLEN],
    char *envp[HOOK_VARS + 1])
{
	size_t n = 0;

	(void)snprintf(env[n++], HOOK_VARLEN, "STATE=%s",
	    j->st.up ? "up" : "down");
	(void)snprintf(env[n++], HOOK_VARLEN, "IFACE=%s", j->ifname);
	(void)snprintf(env[n++], HOOK_VARLEN, "IFINDEX=%u",
	    (unsigned int)j->st.ifindex);
	hook_setaddr(env[n++], "ADDRESS", &j->st);
	(void)snprintf(env[n++], HOOK_VARLEN, "LLADDRESS=%s",
	    "fe80::ffff:ffff:ffff");
	(void)snprintf(env[n++], HOOK_VARLEN, "MTU=%u",
	    (unsigned int)j->st.mtu);
	hook_setaddr(env[n++], "OLD_ADDRESS", &j->old);
	(void)snprintf(env[n++], HOOK_VARLEN, "OLD_MTU=%u",
	    (unsigned int)j->old.mtu);
	(void)snprintf(env[n++], HOOK_VARLEN, "OLD_STATE=%s",
	    j->old.up ? "up" : "down");
	(void)snprintf(env[n++], HOOK_VARLEN, "%s",
	    "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	for (n = 0; n < HOOK_VARS; n++)
		envp[n] = env[n];
	envp[HOOK_VARS] = NULL;
}

static void
hook_spawn(const struct hook_job *j)
{
	char env[HOOK_VARS][HOOK_VARLEN];
	char *envp[HOOK_VARS + 1];
	char *argv[2];
	sigset_t none;
	pid_t pid;
	int sig;

	hook_env(j, env, envp);
	hook_started = daemon_now_ms();
	(void)fflush(NULL);
	if ((pid = fork()) == -1) {
		log_warn("%s: fork", __func__);
		return;
	}
	if (pid == 0) {
		daemon_child();
		/* priv's descriptors, SIGPIPE ignored and cwd stay home. */
		if (daemon_keep_fds(NULL, 0, 0) == -1 || chdir("/") == -1)
			_exit(127);
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				(void)signal(sig, SIG_DFL);
		(void)sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		argv[0] = (char *)(uintptr_t)j->path;
		argv[1] = NULL;
		execve(j->path, argv, envp);
		_exit(127);
	}
	log_debug("%s: %s started (pid %ld, STATE=%s)", __func__, j->path,
	    (long)pid, j->st.up ? "up" : "down");
	hook_pid = pid;
}

void
hook_request(const char *path, const char *ifname,
    const struct privmsg_state *st, const struct privmsg_state *old)
{
	if (path == NULL || *path == '\0')
		return;
	(void)strlcpy(hook_next.path, path, sizeof(hook_next.path));
	(void)strlcpy(hook_next.ifname, ifname, sizeof(hook_next.ifname));
	hook_next.st = *st;
	hook_next.old = *old;
	hook_pending = 1;
	(void)hook_timer(daemon_now_ms());
}

int
hook_timer(uint64_t now)
{
	if (!hook_pending)
		return -1;
	if (hook_pid != -1)
		return -1;	/* hook_reaped() calls again */
	if (hook_started != 0 && now < hook_started + HOOK_MIN_MS)
		return (int)(hook_started + HOOK_MIN_MS - now);
	hook_pending = 0;
	hook_spawn(&hook_next);
	return -1;
}

int
hook_reaped(pid_t pid, int status)
{
	if (pid != hook_pid || pid == -1)
		return 0;
	hook_pid = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		log_warnx("client hook %s could not be run", hook_next.path);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_warnx("client hook %s failed (status %d)",
		    hook_next.path, status);
	(void)hook_timer(daemon_now_ms());
	return 1;
}

void
hook_flush(void)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < 100 && (hook_pid != -1 || hook_pending); i++) {
		if (hook_pid == -1) {	/* the last state, without waiting */
			hook_pending = 0;
			hook_spawn(&hook_next);
			continue;
		}
		pid = waitpid(hook_pid, &status, WNOHANG);
		if (pid == hook_pid)
			(void)hook_reaped(pid, status);
		else if (pid == -1 && errno != EINTR)
			hook_pid = -1;
		else
			(void)usleep(50000);
	}
	if (hook_pid != -1)
		log_warnx("client hook %s still running at exit",
		    hook_next.path);
}
