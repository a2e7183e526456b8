/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef COMPAT_H
#define COMPAT_H

/*
 * The one place for shims: prototypes for what compat/ provides where
 * libc (or libbsd) lacks it, and no-op stand-ins for OpenBSD calls, so
 * that code elsewhere calls them unconditionally.  Include after config.h.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef HAVE_STRLCPY
size_t	strlcpy(char *, const char *, size_t);
#endif
#ifndef HAVE_STRLCAT
size_t	strlcat(char *, const char *, size_t);
#endif
#ifndef HAVE_STRTONUM
long long strtonum(const char *, long long, long long, const char **);
#endif
#ifndef HAVE_ARC4RANDOM_BUF
void	arc4random_buf(void *, size_t);
#endif
#ifndef HAVE_EXPLICIT_BZERO
void	explicit_bzero(void *, size_t);
#endif
#ifndef HAVE_REALLOCARRAY
void	*reallocarray(void *, size_t, size_t);
#endif
#ifndef HAVE_CLOSEFROM
void	closefrom(int);
#endif
#ifndef HAVE_PLEDGE
#define pledge(p, e)	0
#endif
#ifndef HAVE_UNVEIL
#define unveil(p, f)	0
#endif

#endif /* COMPAT_H */
