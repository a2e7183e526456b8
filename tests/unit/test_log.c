/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <signal.h>
#include <syslog.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "log.h"
#include "t.h"
#include "tcapture.h"

/* The logger's stderr side (syslog is not observable here). */

static void
test_levels(void)
{
	log_init(1, 0, LOG_NOSYSLOG);
	tcap_begin();
	log_warnx("plain %d", 1);
	log_info("info %s", "x");
	log_debug("hidden");
	errno = ENOENT;
	log_warn("open %s", "/x");
	CHECK(errno == ENOENT);		/* the logger keeps errno */
	log_setverbose(1);
	log_debug("shown");
	CHECK(log_getverbose() == 1);
	log_setverbose(0);
	CHECK(strcmp(tcap_end(), "plain 1\ninfo x\nopen /x: No such file "
	    "or directory\nshown\n") == 0);
	log_procinit("engine");
	tcap_begin();
	log_warnx("w");
	CHECK(strcmp(tcap_end(), "engine: w\n") == 0);
	log_init(0, 0, LOG_NOSYSLOG);	/* not in the foreground: quiet */
	tcap_begin();
	log_warnx("nothing");
	CHECK(tcap_end()[0] == '\0');
}

static int
fatal_child(int x)
{
	pid_t	 pid;
	int	 status;

	(void)fflush(NULL);
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		log_init(1, 0, LOG_NOSYSLOG);
		errno = EACCES;
		if (x)
			fatalx("bad %s", "msg");
		fatal("bad");
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * A child's lines through its supervisor (log_tofd, log_relay): the
 * child writes nothing itself; the supervisor bounds the priority,
 * replaces control and non-ASCII bytes, names the child, and writes at
 * most 100 lines a second.
 */
#define R "miredo[relay]: "

static void
test_relay(void)
{
	static const char evil[] = "\0sshd[1]: ok\n\033]52;c;x\a\x80";
	char	 long_line[2000];
	const char *out;
	pid_t	 pid;
	int	 sv[2], i, n, st;

	CHECK(chan_pair(sv) == 0);
	log_init(1, 0, LOG_NOSYSLOG);
	tcap_begin();
	(void)fflush(NULL);
	if ((pid = fork()) == 0) {
		/* the child: its lines go to sv[1], nothing to its stderr */
		(void)close(sv[0]);
		log_procinit("engine");
		log_tofd(sv[1]);
		log_warnx("to priv %d", 1);
		memset(long_line, 'x', sizeof(long_line) - 1);
		long_line[sizeof(long_line) - 1] = '\0';
		log_info("%s", long_line);
		/* a forged priority and escapes, as a compromised child */
		(void)chan_send(sv[1], evil, sizeof(evil) - 1);
		log_tofd(-1);
		log_warnx("lost");
		for (i = 0; i < 250; i++)
			(void)chan_send(sv[1], "\6x", 2);
		_exit(0);
	}
	(void)close(sv[1]);
	i = pid > 0 && waitpid(pid, &st, 0) == pid && st == 0;
	out = tcap_end();
	CHECK(i);
	CHECK(out[0] == '\0');
	/* The relayed lines carry the supervisor's name, not the child's. */
	log_procinit("miredo[relay]");
	tcap_begin();
	/* 64 records a call, then -1: the child is gone (253 records) */
	for (i = 0; i < 10 && log_relay(sv[0], "the engine") == 0; i++)
		continue;
	out = tcap_end();
	CHECK(i == 3);
	CHECK(strncmp(out, R "to priv 1\n" R "xxx",
	    strlen(R "to priv 1\n" R "xxx")) == 0);
	/* the long line was cut at LOG_LINE_MAX */
	CHECK(strncmp(out + strlen(R "to priv 1\n" R) + LOG_LINE_MAX - 1,
	    "\n" R "sshd[1]: ok??]52;c;x??\n",
	    strlen("\n" R "sshd[1]: ok??]52;c;x??\n")) == 0);
	CHECK(strstr(out, "lost") == NULL);
	CHECK(strstr(out, "engine: ") == NULL);
	/*
	 * The flood: at most 100 lines a second pass, so of 253 at most
	 * 200 (should the clock's second change in between).
	 */
	for (n = 0; (out = strstr(out, R)) != NULL; out++)
		n++;
	CHECK(n >= 100 && n <= 200);
	(void)close(sv[0]);
	log_procinit("engine");
}

#undef R

static void
test_child_status(void)
{
	char	 want[256];

	/* Signal numbers are the host's (SIGSYS is 12 on MIPS, 31 on x86). */
	(void)snprintf(want, sizeof(want), "engine (pid 42) killed by signal "
	    "%d (SIGSYS): killed by the syscall filter (a forbidden system "
	    "call)\nresolver (pid 43) exited with status 3\n"
	    "engine (pid 44) killed by signal %d (SIGKILL)\n", SIGSYS, SIGKILL);
	log_init(1, 0, LOG_NOSYSLOG);
	log_procinit(NULL);
	tcap_begin();
	log_child_status("engine", 42, SIGSYS);		/* as waitpid() says */
	log_child_status("resolver", 43, 3 << 8);
	log_child_status("engine", 44, SIGKILL);
	CHECK(strcmp(tcap_end(), want) == 0);
	log_procinit("engine");
}

int
main(void)
{
	test_levels();
	test_relay();
	test_child_status();
	tcap_begin();
	CHECK(fatal_child(0) == 1);
	CHECK(strcmp(tcap_end(), "engine: bad: Permission denied\n") == 0);
	tcap_begin();
	CHECK(fatal_child(1) == 1);
	CHECK(strcmp(tcap_end(), "engine: bad msg\n") == 0);
	return T_DONE();
}
