/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

/*
 * The command line of miredo and miredo-server, as miredo 1.2.6 has it
 * (SPEC section 1), so that init scripts keep working.  Exit codes: 0 for
 * -h and -V, 2 for any command-line error.
 */

static const struct option cmdline_longopts[] = {
	CMDLINE_LONGOPTS,
	{ NULL,		0,			NULL,	0 }
};

static const char *
cmdline_progname(enum cmdline_prog prog)
{
	return prog == CMDLINE_SERVER ? "miredo-server" : "miredo";
}

static void
cmdline_usage(enum cmdline_prog prog, FILE *fp)
{
	const char	*name = cmdline_progname(prog);

	(void)fprintf(fp, "usage: %s [-fhV] [-c file] [-p pidfile] "
	    "[-t chrootdir] [-u user] [%s]\n", name,
	    prog == CMDLINE_SERVER ? "server_ip" : "server_name");
	(void)fprintf(fp,
	    "  -c, --config FILE     configuration file (default %s)\n"
	    "  -f, --foreground      run in the foreground, logging to stderr\n"
	    "  -h, --help            show this help and exit\n"
	    "  -p, --pidfile FILE    pid file (default %s)\n"
	    "  -t, --chrootdir DIR   chroot directory of the unprivileged "
	    "process\n"
	    "  -u, --user USER       unprivileged user (default %s)\n"
	    "  -V, --version         show the version and exit\n",
	    prog == CMDLINE_SERVER ? CMDLINE_CONF_SERVER : CMDLINE_CONF_MIREDO,
	    prog == CMDLINE_SERVER ? CMDLINE_PID_SERVER : CMDLINE_PID_MIREDO,
	    MIREDO_USER);
}

static void
cmdline_bad(enum cmdline_prog prog, const char *what, const char *arg)
{
	if (what != NULL)
		(void)fprintf(stderr, "%s: %s%s%s\n", cmdline_progname(prog),
		    what, arg != NULL ? ": " : "", arg != NULL ? arg : "");
	cmdline_usage(prog, stderr);
	exit(2);
}

void
cmdline_print_version(const char *prog)
{
	if (prog != NULL)
		(void)printf("%s (%s) %s\n", prog, PACKAGE_NAME,
		    PACKAGE_VERSION);
	else
		(void)printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	(void)printf("Copyright (c) 2026 The miredo authors\n");
	(void)printf("Distributed under the ISC licence; "
	    "there is NO warranty.\n");
	(void)printf("OS backend: %s\n", OS_BACKEND);
}

static void
cmdline_version(enum cmdline_prog prog)
{
	cmdline_print_version(prog == CMDLINE_SERVER ? "miredo-server" :
	    NULL);
	exit(fflush(stdout) == 0 ? 0 : 1);
}

static void
cmdline_defaults(struct cmdline *cl, enum cmdline_prog prog)
{
	memset(cl, 0, sizeof(*cl));
	if (prog == CMDLINE_SERVER) {
		cl->config = CMDLINE_CONF_SERVER;
		cl->pidfile = CMDLINE_PID_SERVER;
	} else {
		cl->config = CMDLINE_CONF_MIREDO;
		cl->pidfile = CMDLINE_PID_MIREDO;
	}
	cl->user = MIREDO_USER;
}

/* Store an option's argument; a repeated or empty one is an error. */
static void
cmdline_set(enum cmdline_prog prog, const char **dst, int *seen,
    const char *arg, const char *name)
{
	if (*seen)
		cmdline_bad(prog, "option given twice", name);
	if (arg == NULL || arg[0] == '\0')
		cmdline_bad(prog, "empty argument to option", name);
	*seen = 1;
	*dst = arg;
}

void
cmdline_parse(struct cmdline *cl, enum cmdline_prog prog, int argc,
    char *argv[])
{
	int	 ch, seen_c = 0, seen_p = 0, seen_t = 0, seen_u = 0;

	cmdline_defaults(cl, prog);
	optind = 1;
	while ((ch = getopt_long(argc, argv, CMDLINE_SHORTOPTS,
	    cmdline_longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cmdline_set(prog, &cl->config, &seen_c, optarg, "-c");
			break;
		case 'f':
			if (cl->foreground)
				cmdline_bad(prog, "option given twice", "-f");
			cl->foreground = 1;
			break;
		case 'h':
			cmdline_usage(prog, stdout);
			exit(fflush(stdout) == 0 ? 0 : 1);
		case 'p':
			cmdline_set(prog, &cl->pidfile, &seen_p, optarg, "-p");
			break;
		case 't':
			cmdline_set(prog, &cl->chrootdir, &seen_t, optarg,
			    "-t");
			break;
		case 'u':
			cmdline_set(prog, &cl->user, &seen_u, optarg, "-u");
			break;
		case 'V':
			cmdline_version(prog);
			break;
		default:
			/* getopt_long(3) already said what was wrong */
			cmdline_bad(prog, NULL, NULL);
		}
	}
	if (optind < argc)
		cl->positional = argv[optind++];
	if (optind < argc)
		cmdline_bad(prog, "extra argument", argv[optind]);
	if (cl->positional != NULL && cl->positional[0] == '\0')
		cmdline_bad(prog, "empty argument", NULL);
}
