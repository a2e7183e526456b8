/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef JSON_H
#define JSON_H

/*
 * A small JSON writer into a fixed buffer (RFC 8259).  Strings are
 * escaped: '"', '\\' and every byte below 0x20 or 0x7f and above (the
 * engine's bytes are not trusted to be UTF-8) are written as \uXXXX, so
 * the output is always ASCII.  Values inside an object take a key;
 * inside an array the key is NULL.  Output that does not fit sets
 * overflow and is cut: the caller must then not use it.
 */

#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH	8

struct json {
	char	*buf;
	size_t	 size, len;
	int	 overflow;
	int	 depth;
	int	 first[JSON_DEPTH];
};

void	json_init(struct json *j, char *buf, size_t size);
void	json_begin(struct json *j, const char *key, int array);
void	json_end(struct json *j, int array);
void	json_str(struct json *j, const char *key, const char *s);
void	json_strn(struct json *j, const char *key, const char *s, size_t n);
void	json_u64(struct json *j, const char *key, uint64_t v);
void	json_bool(struct json *j, const char *key, int v);
void	json_null(struct json *j, const char *key);
/* Terminate with "\n"; the length, or 0 on overflow. */
size_t	json_finish(struct json *j);

#endif /* JSON_H */
