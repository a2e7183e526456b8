/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

/*
 * Build the project's own fallbacks even where libc or libbsd has the
 * real ones, so that they are tested here and not first on musl.
 */
#define COMPAT_TEST 1
#include "../../compat/compat.c"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "t.h"

static void
test_strl(void)
{
	char	 b[8];

	CHECK(strlcpy(b, "abc", sizeof(b)) == 3 && strcmp(b, "abc") == 0);
	CHECK(strlcpy(b, "abcdefghij", sizeof(b)) == 10);
	CHECK(strcmp(b, "abcdefg") == 0);
	CHECK(strlcpy(b, "xyz", 0) == 3 && b[0] == 'a');
	(void)strlcpy(b, "ab", sizeof(b));
	CHECK(strlcat(b, "cd", sizeof(b)) == 4 && strcmp(b, "abcd") == 0);
	CHECK(strlcat(b, "efghij", sizeof(b)) == 10);
	CHECK(strcmp(b, "abcdefg") == 0);
	CHECK(strlcat(b, "zz", 4) == 4 + 2);	/* no NUL within dsize */
}

static void
test_strtonum(void)
{
	const char	*e;

	CHECK(strtonum("42", 0, 100, &e) == 42 && e == NULL);
	CHECK(strtonum("-5", -10, 10, &e) == -5 && e == NULL);
	CHECK(strtonum("101", 0, 100, &e) == 0 && strcmp(e, "too large") == 0);
	CHECK(strtonum("-1", 0, 100, &e) == 0 && strcmp(e, "too small") == 0);
	CHECK(strtonum("1x", 0, 100, &e) == 0 && strcmp(e, "invalid") == 0);
	CHECK(strtonum("", 0, 100, &e) == 0 && strcmp(e, "invalid") == 0);
	CHECK(strtonum("5", 10, 0, &e) == 0 && strcmp(e, "invalid") == 0);
	CHECK(strtonum("99999999999999999999", 0, 100, &e) == 0 &&
	    strcmp(e, "too large") == 0);
}

static void
test_misc(void)
{
	uint8_t		 r[32], z[32];
	int		*p, fd;
	volatile size_t	 huge = SIZE_MAX / 2;	/* hidden from the compiler */

	memset(r, 0, sizeof(r));
	memset(z, 0, sizeof(z));
	arc4random_buf(r, sizeof(r));
	CHECK(memcmp(r, z, sizeof(r)) != 0);
	explicit_bzero(r, sizeof(r));
	CHECK(memcmp(r, z, sizeof(r)) == 0);
	CHECK(reallocarray(NULL, huge, 4) == NULL && errno == ENOMEM);
	p = reallocarray(NULL, 4, sizeof(*p));
	CHECK(p != NULL);
	free(p);
	fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 3);
	closefrom(fd);
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);
}

int
main(void)
{
	test_strl();
	test_strtonum();
	test_misc();
	return T_DONE();
}
