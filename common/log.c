/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "chan.h"
#include "log.h"

_Static_assert(CHAN_MSGMAX >= LOG_LINE_MAX + 1,
    "a log line and its priority byte make one frame of the log relay");

/* macOS has none; every process that logs to a socket ignores SIGPIPE. */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL	0
#endif

/*
 * OpenBSD-style logger.  Every message goes to syslog; in the foreground
 * (debug) it is also written to stderr, so that users and tests see it.
 */

static int		 log_debug_mode = 1;	/* stderr until log_init() */
static int		 log_verbose;
static int		 log_facility = LOG_DAEMON;
static const char	*log_procname;
static int		 log_fd = -1;	/* log_tofd(): to the supervisor */
static int		 log_quiet;	/* log_tofd(-1): nowhere */

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

/* One line, to stderr in the foreground and to syslog. */
static void
log_emit(int pri, const char *procname, const char *msg)
{
	if (log_debug_mode) {
		if (procname != NULL)
			(void)fprintf(stderr, "%s: %s\n", procname, msg);
		else
			(void)fprintf(stderr, "%s\n", msg);
		(void)fflush(stderr);
	}
	if (log_facility == LOG_NOSYSLOG)
		return;
	if (procname != NULL)
		syslog(pri | log_facility, "%s: %s", procname, msg);
	else
		syslog(pri | log_facility, "%s", msg);
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX + 1];
	va_list	 ap2;
	int	 n;

	if (log_quiet)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(msg + 1, sizeof(msg) - 1, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if (log_fd != -1) {
		/* One frame (chan.h): the priority byte, then the text. */
		msg[0] = (char)pri;
		if ((size_t)n > sizeof(msg) - 2)	/* what vsnprintf wrote */
			n = (int)sizeof(msg) - 2;
		/* A supervisor that does not read for seconds: go quiet. */
		if (chan_send(log_fd, msg, (size_t)n + 1) == -1)
			log_tofd(-1);
		return;
	}
	log_emit(pri, log_procname, msg + 1);
}

int
log_getfd(void)
{
	return log_fd;
}

void
log_tofd(int fd)
{
	closelog();
	log_fd = fd;
	log_quiet = fd == -1;
}

/*
 * Lines from a child's log_tofd().  The child is not trusted: the
 * priority is bounded, control and non-ASCII bytes become '?', the name
 * in front is ours (log_procinit()), and at most LOG_RELAY_PER_SEC lines
 * a second are written; "who" names the child in the count of dropped
 * lines.
 */
#define LOG_RELAY_PER_SEC	100

int
log_relay(int fd, const char *who)
{
	static struct chan_reader rd;
	static int	 rd_fd = -1;
	static time_t	 second;
	static unsigned int count, dropped;
	char		 buf[CHAN_MSGMAX + 1];
	const void	*msg;
	size_t		 n, i;
	time_t		 now;
	int		 pri, lines;

	if (fd != rd_fd) {
		chan_reader_init(&rd);
		rd_fd = fd;
	}
	for (lines = 0; lines < 64; lines++) {
		switch (chan_read(fd, &rd, &msg, &n)) {
		case CHAN_AGAIN:
			return 0;
		case CHAN_MSG:
			break;
		default:	/* the child has gone, or broke the framing */
			rd_fd = -1;
			return -1;
		}
		now = time(NULL);
		if (now != second) {
			if (dropped != 0)
				log_warnx("%u log lines of %s dropped (more "
				    "than %d a second)", dropped, who,
				    LOG_RELAY_PER_SEC);
			second = now;
			count = dropped = 0;
		}
		if (++count > LOG_RELAY_PER_SEC) {
			dropped++;
			continue;
		}
		memcpy(buf, msg, n);
		pri = (unsigned char)buf[0];
		if (pri < LOG_CRIT || pri > LOG_DEBUG)
			pri = LOG_ERR;
		buf[n] = '\0';
		for (i = 1; i < n; i++)
			if (buf[i] < 0x20 || buf[i] > 0x7e)
				buf[i] = '?';
		log_emit(pri, log_procname, buf + 1);
	}
	return 0;
}

static const char *
log_signame(int sig)
{
	switch (sig) {
	case SIGHUP:	return "SIGHUP";
	case SIGINT:	return "SIGINT";
	case SIGQUIT:	return "SIGQUIT";
	case SIGILL:	return "SIGILL";
	case SIGTRAP:	return "SIGTRAP";
	case SIGABRT:	return "SIGABRT";
	case SIGBUS:	return "SIGBUS";
	case SIGFPE:	return "SIGFPE";
	case SIGKILL:	return "SIGKILL";
	case SIGSEGV:	return "SIGSEGV";
	case SIGPIPE:	return "SIGPIPE";
	case SIGALRM:	return "SIGALRM";
	case SIGTERM:	return "SIGTERM";
	case SIGUSR1:	return "SIGUSR1";
	case SIGUSR2:	return "SIGUSR2";
	case SIGSYS:	return "SIGSYS";
	case SIGXCPU:	return "SIGXCPU";
	default:	return "?";
	}
}

void
log_child_status(const char *who, long pid, int status)
{
	int	 sig;

	if (!WIFSIGNALED(status)) {
		log_warnx("%s (pid %ld) exited with status %d", who, pid,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	sig = WTERMSIG(status);
	log_warnx("%s (pid %ld) killed by signal %d (%s)%s", who, pid, sig,
	    log_signame(sig), sig == SIGSYS ? ": killed by the syscall "
	    "filter (a forbidden system call)" : "");
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
