/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "t.h"

/*
 * cmdline_parse() exits for -h, -V and errors, so each case runs in a
 * child; a parse that returns prints the result and exits 3.
 */

static char	 out[4096], err[4096];

static void
slurp(FILE *fp, char *buf, size_t len)
{
	size_t	 n;

	rewind(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	(void)fclose(fp);
}

static void
child(enum cmdline_prog prog, int argc, char *argv[])
{
	struct cmdline	 cl;

	cmdline_parse(&cl, prog, argc, argv);
	printf("c=%s p=%s t=%s u=%s f=%d pos=%s\n", cl.config, cl.pidfile,
	    cl.chrootdir ? cl.chrootdir : "-", cl.user, cl.foreground,
	    cl.positional ? cl.positional : "-");
	exit(fflush(stdout) == 0 ? 3 : 4);
}

/* Run the parser on the NULL-terminated arguments; return the exit code. */
static int
run(enum cmdline_prog prog, ...)
{
	char	*argv[16];
	int	 argc = 0, status;
	FILE	*fo, *fe;
	pid_t	 pid;
	va_list	 ap;

	argv[argc++] = prog == CMDLINE_SERVER ? "miredo-server" : "miredo";
	va_start(ap, prog);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	if ((fo = tmpfile()) == NULL || (fe = tmpfile()) == NULL)
		abort();
	(void)fflush(NULL);
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		if (dup2(fileno(fo), 1) == -1 || dup2(fileno(fe), 2) == -1)
			_exit(99);
		child(prog, argc, argv);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		abort();
	slurp(fo, out, sizeof(out));
	slurp(fe, err, sizeof(err));
	return WEXITSTATUS(status);
}

static void
test_defaults(void)
{
	char	 want[512];

	CHECK(run(CMDLINE_MIREDO, NULL) == 3);
	(void)snprintf(want, sizeof(want), "c=%s p=%s t=- u=%s f=0 pos=-\n",
	    SYSCONFDIR "/miredo/miredo.conf", RUNSTATEDIR "/miredo.pid",
	    MIREDO_USER);
	CHECK(strcmp(out, want) == 0);
	CHECK(run(CMDLINE_SERVER, NULL) == 3);
	(void)snprintf(want, sizeof(want), "c=%s p=%s t=- u=%s f=0 pos=-\n",
	    SYSCONFDIR "/miredo/miredo-server.conf",
	    RUNSTATEDIR "/miredo-server.pid", MIREDO_USER);
	CHECK(strcmp(out, want) == 0);
}

static void
test_options(void)
{
	CHECK(run(CMDLINE_MIREDO, "-c", "/a.conf", "-f", "-p", "/p", "-t",
	    "/var/empty", "-u", "teredo", "teredo.example", NULL) == 3);
	CHECK(strcmp(out, "c=/a.conf p=/p t=/var/empty u=teredo f=1 "
	    "pos=teredo.example\n") == 0);
	CHECK(run(CMDLINE_SERVER, "--config", "/b", "--foreground",
	    "--pidfile=/q", "--chrootdir", "/c", "--user=u2", "198.51.100.10",
	    NULL) == 3);
	CHECK(strcmp(out, "c=/b p=/q t=/c u=u2 f=1 pos=198.51.100.10\n") == 0);
	CHECK(run(CMDLINE_MIREDO, "-fc/x", NULL) == 3);
	CHECK(strcmp(out, "c=/x p=" RUNSTATEDIR "/miredo.pid t=- u="
	    MIREDO_USER " f=1 pos=-\n") == 0);
	CHECK(run(CMDLINE_MIREDO, "--", "-name", NULL) == 3);
	CHECK(strstr(out, "pos=-name\n") != NULL);
}

static void
test_errors(void)
{
	CHECK(run(CMDLINE_MIREDO, "--bogus", NULL) == 2);
	CHECK(out[0] == '\0' && strstr(err, "usage: miredo ") != NULL);
	CHECK(run(CMDLINE_MIREDO, "-x", NULL) == 2);
	CHECK(run(CMDLINE_MIREDO, "-c", NULL) == 2);
	CHECK(run(CMDLINE_MIREDO, "-c", "a", "--config", "b", NULL) == 2);
	CHECK(strstr(err, "option given twice: -c") != NULL);
	CHECK(run(CMDLINE_MIREDO, "-f", "-f", NULL) == 2);
	CHECK(run(CMDLINE_SERVER, "-u", "a", "-u", "a", NULL) == 2);
	CHECK(run(CMDLINE_MIREDO, "-p", "a", "-p", "b", NULL) == 2);
	CHECK(run(CMDLINE_MIREDO, "-t", "a", "--chrootdir=b", NULL) == 2);
	CHECK(run(CMDLINE_MIREDO, "a", "b", NULL) == 2);
	CHECK(strstr(err, "extra argument: b") != NULL);
	CHECK(strstr(err, "usage: miredo ") != NULL);
	CHECK(run(CMDLINE_SERVER, "198.51.100.1", "-f", "x", NULL) == 2);
	CHECK(strstr(err, "usage: miredo-server ") != NULL);
	CHECK(run(CMDLINE_MIREDO, "-u", "", NULL) == 2);
	CHECK(run(CMDLINE_MIREDO, "", NULL) == 2);
}

static void
test_help_version(void)
{
	CHECK(run(CMDLINE_MIREDO, "-h", NULL) == 0);
	CHECK(strncmp(out, "usage: miredo [", 15) == 0 && err[0] == '\0');
	CHECK(strstr(out, "--chrootdir") != NULL);
	CHECK(run(CMDLINE_SERVER, "--help", NULL) == 0);
	CHECK(strncmp(out, "usage: miredo-server [", 22) == 0);
	CHECK(run(CMDLINE_MIREDO, "-V", NULL) == 0);
	CHECK(strncmp(out, PACKAGE_NAME " " PACKAGE_VERSION "\n",
	    strlen(PACKAGE_NAME " " PACKAGE_VERSION "\n")) == 0);
	CHECK(strstr(out, "Copyright") != NULL);
	CHECK(strstr(out, "ISC licence") != NULL);
	CHECK(strstr(out, "OS backend: " OS_BACKEND "\n") != NULL);
	CHECK(run(CMDLINE_SERVER, "--version", NULL) == 0);
	CHECK(strncmp(out, "miredo-server (miredo) ", 23) == 0);
	CHECK(strstr(out, "OS backend: " OS_BACKEND "\n") != NULL);
}

int
main(void)
{
	test_defaults();
	test_options();
	test_errors();
	test_help_version();
	return T_DONE();
}
