/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmdline.h"
#include "conf.h"
#include "log.h"

/*
 * miredo-checkconf [-sv] [file]: exit 0 only if the file is fully valid
 * (unknown and repeated directives are errors here).  Purely syntactic
 * and semantic: it never resolves a host name, so that an init system
 * can run it before the network (and DNS) is up.
 */

static const struct option checkconf_longopts[] = {
	/* before "version": getopt_long(3) lists ambiguous ones in order */
	{ "server",	no_argument,		NULL,	's' },
	{ "verbose",	no_argument,		NULL,	'v' },
	CMDLINE_LONGOPTS,
	{ NULL,		0,			NULL,	0 }
};

static void
checkconf_usage(FILE *fp)
{
	(void)fprintf(fp, "usage: miredo-checkconf [-hsvV] [-c file | file]\n"
	    "  -c, --config    the file to check (as with miredo)\n"
	    "  -h, --help      show this help and exit\n"
	    "  -s, --server    check a miredo-server.conf (default file %s)\n"
	    "  -v, --verbose   print the configuration in canonical form\n"
	    "  -V, --version   show the version and exit\n"
	    "The default file is %s.\n"
	    "miredo's -f, -p, -t and -u are accepted and ignored, so that\n"
	    "init scripts can pass the daemon's options.\n",
	    CMDLINE_CONF_SERVER, CMDLINE_CONF_MIREDO);
}

/*
 * Parse the options.  miredo's own options are accepted so that init
 * scripts can run "miredo-checkconf $DAEMON_ARGS" (Debian's does, and its
 * unit passes -f): -c names the file, -f -p -t -u are ignored.
 * Returns -1 after printing usage or version (with *rc set).
 */
static int
checkconf_options(int argc, char *argv[], const char **path, int *verbose,
    int *server, int *rc)
{
	int	ch;

	while ((ch = getopt_long(argc, argv, CMDLINE_SHORTOPTS "sv",
	    checkconf_longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			*path = optarg;
			break;
		case 'f': case 'p': case 't': case 'u':
			break;
		case 'h':
			checkconf_usage(stdout);
			*rc = 0;
			return -1;
		case 's':
			*server = 1;
			break;
		case 'v':
			*verbose = 1;
			break;
		case 'V':
			cmdline_print_version("miredo-checkconf");
			*rc = 0;
			return -1;
		default:
			checkconf_usage(stderr);
			*rc = 2;
			return -1;
		}
	}
	if (argc - optind > (*path == NULL ? 1 : 0)) {
		(void)fprintf(stderr, "miredo-checkconf: extra argument: %s\n",
		    argv[argc - 1]);
		checkconf_usage(stderr);
		*rc = 2;
		return -1;
	}
	if (optind < argc)
		*path = argv[optind];
	return 0;
}

int
main(int argc, char *argv[])
{
	struct conf	 c;
	const char	*path = NULL;
	int		 verbose = 0, server = 0, rc = 0;

	log_init(1, 0, LOG_NOSYSLOG);
	if (checkconf_options(argc, argv, &path, &verbose, &server, &rc) == -1)
		return rc;
	if (path == NULL)
		path = server ? CMDLINE_CONF_SERVER : CMDLINE_CONF_MIREDO;
	conf_defaults(&c, server ? CONF_SERVER : CONF_MIREDO);
	if (conf_parse(&c, path, 1) == -1 || conf_check(&c, path) == -1)
		return 1;
	if (verbose)
		conf_print(&c, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
