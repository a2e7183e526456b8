/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

void
json_init(struct json *j, char *buf, size_t size)
{
	memset(j, 0, sizeof(*j));
	j->buf = buf;
	j->size = size;
	j->first[0] = 1;
	if (size == 0)
		j->overflow = 1;
	else
		buf[0] = '\0';
}

static void
json_put(struct json *j, const char *s, size_t n)
{
	if (j->overflow)
		return;
	/* Room for the NUL too. */
	if (n >= j->size - j->len) {
		j->overflow = 1;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
json_puts(struct json *j, const char *s)
{
	json_put(j, s, strlen(s));
}

static void
json_escaped(struct json *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t i, run;

	json_put(j, "\"", 1);
	for (i = 0; i < n; i += run) {
		unsigned char c = (unsigned char)s[i];

		/* Plain printable ASCII goes out in runs. */
		for (run = 0; i + run < n; run++) {
			c = (unsigned char)s[i + run];
			if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
				break;
		}
		if (run > 0) {
			json_put(j, s + i, run);
			continue;
		}
		if (c == '"')
			json_put(j, "\\\"", 2);
		else if (c == '\\')
			json_put(j, "\\\\", 2);
		else {
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			json_put(j, u, sizeof(u));
		}
		run = 1;
	}
	json_put(j, "\"", 1);
}

/* The comma and the key before a value. */
static void
json_key(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		json_put(j, ",", 1);
	j->first[j->depth] = 0;
	if (key != NULL) {
		json_escaped(j, key, strlen(key));
		json_put(j, ":", 1);
	}
}

void
json_begin(struct json *j, const char *key, int array)
{
	json_key(j, key);
	json_put(j, array ? "[" : "{", 1);
	if (j->depth + 1 >= JSON_DEPTH) {
		j->overflow = 1;
		return;
	}
	j->first[++j->depth] = 1;
}

void
json_end(struct json *j, int array)
{
	json_put(j, array ? "]" : "}", 1);
	if (j->depth > 0)
		j->depth--;
}

void
json_strn(struct json *j, const char *key, const char *s, size_t n)
{
	json_key(j, key);
	json_escaped(j, s, n);
}

void
json_str(struct json *j, const char *key, const char *s)
{
	if (s == NULL) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, s, strlen(s));
}

void
json_u64(struct json *j, const char *key, uint64_t v)
{
	char b[24];

	json_key(j, key);
	(void)snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	json_puts(j, b);
}

void
json_bool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_puts(j, v ? "true" : "false");
}

void
json_null(struct json *j, const char *key)
{
	json_key(j, key);
	json_puts(j, "null");
}

size_t
json_finish(struct json *j)
{
	json_put(j, "\n", 1);
	if (j->overflow || j->depth != 0)
		return 0;
	return j->len;
}
