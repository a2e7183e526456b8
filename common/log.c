/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

/*
 * OpenBSD-style logger.  Every message goes to syslog; in the foreground
 * (debug) it is also written to stderr, so that users and tests see it.
 */

static int		 log_debug_mode = 1;	/* stderr until log_init() */
static int		 log_verbose;
static int		 log_facility = LOG_DAEMON;
static const char	*log_procname;

/* syslog(3) ident: the program name where libc or libbsd can tell it. */
static const char *
log_ident(void)
{
#ifdef HAVE_GETPROGNAME
	return getprogname();
#else
	return NULL;
#endif
}

void
log_init(int debug, int verbose, int facility)
{
	log_debug_mode = debug;
	log_verbose = verbose;
	log_facility = facility;
	closelog();
	tzset();
	if (facility != LOG_NOSYSLOG)
		openlog(log_ident(), LOG_PID | LOG_NDELAY, facility);
}

void
log_setfacility(int facility)
{
	log_facility = facility;
	closelog();
	if (facility != LOG_NOSYSLOG)
		openlog(log_ident(), LOG_PID | LOG_NDELAY, facility);
}

void
log_reopen(void)
{
	log_setfacility(log_facility);
}

void
log_procinit(const char *procname)
{
	log_procname = procname;
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 msg[1024];
	va_list	 ap2;

	va_copy(ap2, ap);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap2);
	va_end(ap2);
	if (log_debug_mode) {
		if (log_procname != NULL)
			(void)fprintf(stderr, "%s: %s\n", log_procname, msg);
		else
			(void)fprintf(stderr, "%s\n", msg);
		(void)fflush(stderr);
	}
	if (log_facility == LOG_NOSYSLOG)
		return;
	if (log_procname != NULL)
		syslog(pri | log_facility, "%s: %s", log_procname, msg);
	else
		syslog(pri | log_facility, "%s", msg);
}

static void	logit(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	log_errno(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

static void
logit(int pri, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* Append strerror(saved_errno) as OpenBSD's log_warn and fatal do. */
static void
log_errno(int pri, int saved_errno, const char *fmt, va_list ap)
{
	char	 buf[1024];

	if (fmt == NULL || vsnprintf(buf, sizeof(buf), fmt, ap) < 0)
		buf[0] = '\0';
	if (buf[0] == '\0')
		logit(pri, "%s", strerror(saved_errno));
	else
		logit(pri, "%s: %s", buf, strerror(saved_errno));
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, fmt);
	log_errno(LOG_ERR, saved_errno, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, fmt);
	log_errno(LOG_CRIT, saved_errno, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
