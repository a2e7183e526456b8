/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int
main(void)
{
	test_levels();
	tcap_begin();
	CHECK(fatal_child(0) == 1);
	CHECK(strcmp(tcap_end(), "engine: bad: Permission denied\n") == 0);
	tcap_begin();
	CHECK(fatal_child(1) == 1);
	CHECK(strcmp(tcap_end(), "engine: bad msg\n") == 0);
	return T_DONE();
}
