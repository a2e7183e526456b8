/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

/* tests/unit/test_compat builds every fallback, to test them on any host. */
#ifdef COMPAT_TEST
#undef HAVE_STRLCPY
#undef HAVE_STRLCAT
#undef HAVE_STRTONUM
#undef HAVE_ARC4RANDOM_BUF
#undef HAVE_EXPLICIT_BZERO
#undef HAVE_REALLOCARRAY
#undef HAVE_CLOSEFROM
#endif

#include <sys/types.h>
#include <sys/resource.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef COMPAT_TEST
/*
 * Under their own names, so that they clash neither with libc's
 * declarations nor with its macros (macOS's _FORTIFY_SOURCE turns
 * strlcpy and strlcat into __builtin___*_chk calls).
 */
#undef strlcpy
#undef strlcat
#define strlcpy		compat_test_strlcpy
#define strlcat		compat_test_strlcat
#define strtonum	compat_test_strtonum
#define arc4random_buf	compat_test_arc4random_buf
#define explicit_bzero	compat_test_explicit_bzero
#define reallocarray	compat_test_reallocarray
#define closefrom	compat_test_closefrom
#endif

#include "compat.h"

/*
 * Only what neither libc nor libbsd provides on the build host; each
 * function is compiled only when configure did not find it.  Written
 * from the OpenBSD manual pages' descriptions.
 */

#ifndef HAVE_STRLCPY
size_t
strlcpy(char *dst, const char *src, size_t dsize)
{
	size_t	 len = strlen(src);

	if (dsize != 0) {
		size_t	 n = len < dsize - 1 ? len : dsize - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
#endif

#ifndef HAVE_STRLCAT
size_t
strlcat(char *dst, const char *src, size_t dsize)
{
	size_t	 dlen = strnlen(dst, dsize);

	if (dlen == dsize)
		return dlen + strlen(src);
	return dlen + strlcpy(dst + dlen, src, dsize - dlen);
}
#endif

#ifndef HAVE_STRTONUM
long long
strtonum(const char *s, long long minval, long long maxval,
    const char **errstrp)
{
	long long	 v = 0;
	char		*end;
	const char	*err = NULL;
	int		 saved_errno = errno;

	if (minval > maxval) {
		err = "invalid";
		errno = EINVAL;
		goto out;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (s == end || *end != '\0') {
		err = "invalid";
		errno = EINVAL;
	} else if ((v == LLONG_MIN && errno == ERANGE) || v < minval) {
		err = "too small";
		errno = ERANGE;
	} else if ((v == LLONG_MAX && errno == ERANGE) || v > maxval) {
		err = "too large";
		errno = ERANGE;
	} else
		errno = saved_errno;
out:
	if (errstrp != NULL)
		*errstrp = err;
	return err != NULL ? 0 : v;
}
#endif

#ifndef HAVE_EXPLICIT_BZERO
/* A volatile function pointer keeps the compiler from eliding the call. */
static void *(*const volatile compat_memset)(void *, int, size_t) = memset;

void
explicit_bzero(void *p, size_t n)
{
	(void)compat_memset(p, 0, n);
}
#endif

#ifndef HAVE_ARC4RANDOM_BUF
/*
 * The kernel CSPRNG, never /dev/random: getrandom() without GRND_RANDOM
 * blocks only until the pool is first seeded, /dev/urandom never.
 */
static int
compat_getentropy(void *buf, size_t len)
{
	uint8_t	*p = buf;
	ssize_t	 r;

	while (len > 0) {
#ifdef HAVE_GETRANDOM
		r = getrandom(p, len, 0);
#else
		int	 fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		if (fd == -1)
			return -1;
		r = read(fd, p, len);
		(void)close(fd);
#endif
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

void
arc4random_buf(void *buf, size_t len)
{
	/* Like arc4random_buf(3), this cannot fail: abort rather than leak. */
	if (compat_getentropy(buf, len) == -1)
		abort();
}
#endif

#ifndef HAVE_REALLOCARRAY
void *
reallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, nmemb * size);
}
#endif

#ifndef HAVE_CLOSEFROM
void
closefrom(int lowfd)
{
	struct rlimit	 rl;
	int		 fd, maxfd = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
	    && rl.rlim_cur < INT_MAX)
		maxfd = (int)rl.rlim_cur;
	for (fd = lowfd < 0 ? 0 : lowfd; fd < maxfd; fd++)
		(void)close(fd);
}
#endif
