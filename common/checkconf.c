/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "log.h"

/*
 * miredo-checkconf [-sv] [file]: exit 0 only if the file is fully valid
 * (unknown and repeated directives are errors here).  Purely syntactic
 * and semantic: it never resolves a host name, so that an init system
 * can run it before the network (and DNS) is up.
 */

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

static const struct option checkconf_longopts[] = {
	{ "help",	no_argument,	NULL,	'h' },
	{ "server",	no_argument,	NULL,	's' },
	{ "verbose",	no_argument,	NULL,	'v' },
	{ "version",	no_argument,	NULL,	'V' },
	{ NULL,		0,		NULL,	0 }
};

static void
checkconf_usage(FILE *fp)
{
	(void)fprintf(fp, "usage: miredo-checkconf [-hsvV] [file]\n"
	    "  -h, --help      show this help and exit\n"
	    "  -s, --server    check a miredo-server.conf (default file %s)\n"
	    "  -v, --verbose   print the configuration in canonical form\n"
	    "  -V, --version   show the version and exit\n"
	    "The default file is %s.\n",
	    SYSCONFDIR "/miredo/miredo-server.conf",
	    SYSCONFDIR "/miredo/miredo.conf");
}

static void
checkconf_version(void)
{
	(void)printf("miredo-checkconf (%s) %s\n", PACKAGE_NAME,
	    PACKAGE_VERSION);
	(void)printf("Copyright (c) 2026 The miredo authors\n");
	(void)printf("Distributed under the ISC licence; "
	    "there is NO warranty.\n");
	(void)printf("OS backend: %s\n", OS_BACKEND);
}

int
main(int argc, char *argv[])
{
	struct conf	 c;
	const char	*path;
	int		 ch, verbose = 0, server = 0;

	log_init(1, 0, LOG_NOSYSLOG);
	while ((ch = getopt_long(argc, argv, "hsvV", checkconf_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			checkconf_usage(stdout);
			return 0;
		case 's':
			server = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'V':
			checkconf_version();
			return 0;
		default:
			checkconf_usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		(void)fprintf(stderr, "miredo-checkconf: extra argument: %s\n",
		    argv[optind + 1]);
		checkconf_usage(stderr);
		return 2;
	}
	if (optind < argc)
		path = argv[optind];
	else
		path = server ? SYSCONFDIR "/miredo/miredo-server.conf" :
		    SYSCONFDIR "/miredo/miredo.conf";
	conf_defaults(&c, server ? CONF_SERVER : CONF_MIREDO);
	if (conf_parse(&c, path, 1) == -1 || conf_check(&c, path) == -1)
		return 1;
	if (verbose)
		conf_print(&c, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
