/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * Machine-readable status (ctl.h): the JSON writer's escaping and
 * overflow, request parsing, the waiting clients of the status socket
 * (bad and oversized requests answered with an error, an old client that
 * sends nothing answered in text), and the paged walk of the peer table.
 */

#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "ctl.h"
#include "json.h"
#include "peer.h"
#include "t.h"

static void
test_escape(void)
{
	char buf[256];
	struct json j;
	size_t n;
	const char raw[] = "a\"b\\c\n\x01\x1f\x7f\xff/z";

	json_init(&j, buf, sizeof(buf));
	json_begin(&j, NULL, 0);
	json_strn(&j, "k\"", raw, sizeof(raw) - 1);
	json_u64(&j, "n", 18446744073709551615ULL);
	json_bool(&j, "t", 1);
	json_null(&j, "z");
	json_begin(&j, "a", 1);
	json_u64(&j, NULL, 1);
	json_str(&j, NULL, "");
	json_end(&j, 1);
	json_end(&j, 0);
	n = json_finish(&j);
	CHECK(n == strlen(buf));
	CHECK(strcmp(buf, "{\"k\\\"\":\"a\\\"b\\\\c\\u000a\\u0001\\u001f"
	    "\\u007f\\u00ff/z\",\"n\":18446744073709551615,\"t\":true,"
	    "\"z\":null,\"a\":[1,\"\"]}\n") == 0);
	/* Every byte is printable ASCII. */
	for (n = 0; buf[n] != '\0'; n++)
		CHECK((buf[n] >= 0x20 && buf[n] < 0x7f) || buf[n] == '\n');
}

static void
test_overflow(void)
{
	char buf[16];
	struct json j;
	size_t sz;

	/* Cut output is never offered as valid. */
	for (sz = 0; sz <= sizeof(buf); sz++) {
		json_init(&j, buf, sz);
		json_begin(&j, NULL, 0);
		json_str(&j, "key", "value");
		json_end(&j, 0);
		/* {"key":"value"}\n is 16 bytes, plus the NUL */
		CHECK(json_finish(&j) == 0);
	}
	json_init(&j, buf, 8);
	json_begin(&j, NULL, 0);
	json_end(&j, 0);
	CHECK(json_finish(&j) == 3 && strcmp(buf, "{}\n") == 0);
	/* Unbalanced nesting is refused too. */
	json_init(&j, buf, sizeof(buf));
	json_begin(&j, NULL, 1);
	CHECK(json_finish(&j) == 0);
}

/* A report that does not fit is refused whole, never cut. */
static void
test_reports(void)
{
	static char buf[CTL_REPORT_MAX];
	struct core_status st;
	struct ctl_engine eng;
	size_t full, sz;

	memset(&st, 0, sizeof(st));
	memset(&eng, 0, sizeof(eng));
	st.state = CORE_STATE_RELAY;
	st.mtu = 1280;
	full = ctl_json_core(buf, sizeof(buf), &st, &eng);
	CHECK(full > 100 && buf[0] == '{' && buf[full - 1] == '\n');
	CHECK(strstr(buf, "\"schema\":\"miredo-status\",\"version\":1,") !=
	    NULL);
	for (sz = 0; sz <= full; sz++)
		CHECK(ctl_json_core(buf, sz, &st, &eng) == 0);
	CHECK(ctl_json_core(buf, full + 1, &st, &eng) == full);
	full = ctl_prom_core(buf, sizeof(buf), &st, &eng);
	CHECK(full > 100 && strstr(buf,
	    "miredo_drops_total{reason=\"unknown-peer\"} 0\n") != NULL);
	for (sz = 0; sz <= full; sz++)
		CHECK(ctl_prom_core(buf, sz, &st, &eng) == 0);
	CHECK(ctl_prom_core(buf, full + 1, &st, &eng) == full);
}

static void
test_parse(void)
{
	struct ctl_request rq;
	const char *why;
	static const char *const bad[] = {
		"", "json ", "jsonx", "JSON", "text json", "peers",
		"peers 0", "peers 0 0", "peers 0 129", "peers x 1",
		"peers 0 1 2", "peers  0 1", "peers 18446744073709551616 1",
		"peers 0 99999999999999999999999", "prometheus\r",
	};
	size_t i;

#define PARSE(s) ctl_parse(s, strlen(s), &rq, &why)
	CHECK(PARSE("text") == 0 && rq.format == CTL_TEXT);
	CHECK(PARSE("json") == 0 && rq.format == CTL_JSON);
	CHECK(PARSE("prometheus") == 0 && rq.format == CTL_PROMETHEUS);
	CHECK(PARSE("peers 0 128") == 0 && rq.format == CTL_PEERS &&
	    rq.cursor == 0 && rq.count == 128);
	CHECK(PARSE("peers 18446744073709551615 1") == 0 &&
	    rq.cursor == UINT64_MAX && rq.count == 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK(PARSE(bad[i]) == -1 && why != NULL);
	}
	/* A NUL inside is not the end of the line. */
	CHECK(ctl_parse("json\0x", 6, &rq, &why) == -1);
#undef PARSE
}

static int answers;

static size_t
answer(void *arg, const struct ctl_request *rq, char *buf, size_t size)
{
	(void)arg;
	answers++;
	return (size_t)snprintf(buf, size, "format %d\n", (int)rq->format);
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* Run the server's loop until fd has its whole answer; time in ms. */
static void
serve(struct ctl_server *s, uint64_t *now, int fd, char *got, size_t size)
{
	struct pollfd pfd[CTL_POLLFDS];
	size_t len = 0;
	ssize_t n;
	int i;

	got[0] = '\0';
	for (i = 0; i < 100; i++) {
		ctl_server_pollfd(s, pfd);
		(void)poll(pfd, CTL_POLLFDS, 10);
		ctl_server_run(s, pfd, *now, answer, NULL);
		*now += 10;
		while ((n = recv(fd, got + len, size - 1 - len,
		    MSG_DONTWAIT)) > 0)
			len += (size_t)n;
		got[len] = '\0';
		if (n == 0)
			break;
	}
	(void)close(fd);
}

static void
test_server(void)
{
	char dir[] = "/tmp/test_json.XXXXXX", path[64], got[256];
	char big[CTL_REQ_MAX * 4];
	struct ctl_server s;
	uint64_t now = 1000, t0;
	int lfd, c, i;

	if (mkdtemp(dir) == NULL)
		abort();
	(void)snprintf(path, sizeof(path), "%s/x.ctl", dir);
	CHECK((lfd = ctl_listen(path)) != -1);
	ctl_server_init(&s, lfd);

	/* Each format. */
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, "json\n", 5) == 5);
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "format 1\n") == 0);
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, "peers 5 3\n", 10) == 10);
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "format 3\n") == 0);

	/* A request in pieces. */
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, "prom", 4) == 4);
	{
		struct pollfd pfd[CTL_POLLFDS];

		for (i = 0; i < 3; i++) {
			ctl_server_pollfd(&s, pfd);
			(void)poll(pfd, CTL_POLLFDS, 10);
			ctl_server_run(&s, pfd, now, answer, NULL);
		}
	}
	CHECK(write(c, "etheus\n", 7) == 7);
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "format 2\n") == 0);

	/* Bad requests: an error, the answer function never called. */
	answers = 0;
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, "status please\n", 14) == 14);
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "error: unknown request\n") == 0);
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, "peers 0 100000\n", 15) == 15);
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strncmp(got, "error: peers:", 13) == 0);
	/* Oversized: cut at CTL_REQ_MAX, whatever follows. */
	memset(big, 'j', sizeof(big));
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, big, sizeof(big)) == (ssize_t)sizeof(big));
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "error: request too long\n") == 0);
	/* Binary junk with a newline. */
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, "\xff\x00\x01\n", 4) == 4);
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "error: unknown request\n") == 0);
	/* A line never finished, the client shut down. */
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, "json", 4) == 4);
	(void)shutdown(c, SHUT_WR);
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "error: request without a newline\n") == 0);
	/* A half line and then silence: answered at the deadline. */
	CHECK((c = connect_to(path)) != -1);
	CHECK(write(c, "js", 2) == 2);
	t0 = now;
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "error: request too slow\n") == 0);
	CHECK(now - t0 >= CTL_WAIT_MS);
	CHECK(answers == 0);

	/* An older client that sends nothing: text after CTL_WAIT_MS. */
	CHECK((c = connect_to(path)) != -1);
	t0 = now;
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "format 0\n") == 0);
	CHECK(now - t0 >= CTL_WAIT_MS && now - t0 <= CTL_WAIT_MS + 30);
	CHECK(answers == 1);
	/* ... or that shuts down its side: text at once. */
	CHECK((c = connect_to(path)) != -1);
	(void)shutdown(c, SHUT_WR);
	t0 = now;
	serve(&s, &now, c, got, sizeof(got));
	CHECK(strcmp(got, "format 0\n") == 0 && now - t0 < CTL_WAIT_MS);

	/* The timeout asked for covers a waiting client. */
	CHECK(ctl_server_timeout(&s, now, 1000) == 1000);
	CHECK(ctl_server_timeout(&s, now, -1) == -1);
	ctl_cleanup();
	(void)close(lfd);
	(void)rmdir(dir);
}

static void
walk_count(void *arg, const struct peer *p)
{
	unsigned int *seen = arg;
	unsigned int i;

	memcpy(&i, &p->addr.s6_addr[12], sizeof(i));
	seen[i]++;
}

/* Pages: every peer once, none over the page size, the cursor moving. */
static void
test_walk(void)
{
	static const uint8_t key[16];
	static unsigned int seen[5000];
	struct peer_table *t;
	struct in6_addr a;
	uint64_t cur, next;
	unsigned int i, pages, bad;

	CHECK((t = peer_table_new(5000, 1 << 20, key)) != NULL);
	if (t == NULL)
		return;
	/* Empty table: one page, the end. */
	CHECK(peer_walk(t, 0, 7, walk_count, seen) == UINT64_MAX);
	memset(&a, 0, sizeof(a));
	a.s6_addr[0] = 0x20;
	a.s6_addr[1] = 0x01;
	for (i = 0; i < 5000; i++) {
		memcpy(&a.s6_addr[12], &i, sizeof(i));
		CHECK(peer_add(t, &a, 1) != NULL);
	}
	for (cur = 0, pages = 0; pages < 10000; pages++, cur = next) {
		unsigned int before = 0, after = 0;

		for (i = 0; i < 5000; i++)
			before += seen[i];
		next = peer_walk(t, cur, 7, walk_count, seen);
		for (i = 0; i < 5000; i++)
			after += seen[i];
		CHECK(after - before <= 7);
		if (next == UINT64_MAX)
			break;
		CHECK(next > cur);
		if (next <= cur)
			break;
	}
	for (i = 0, bad = 0; i < 5000; i++)
		bad += seen[i] != 1;
	CHECK(bad == 0);
	CHECK(pages >= 5000 / 7 && pages < 10000);
	/* A cursor past the end is the end. */
	CHECK(peer_walk(t, UINT64_MAX - 1, 7, walk_count, seen) ==
	    UINT64_MAX);
	peer_table_free(t);
}

/* A sparse big table: a page visits a bounded number of buckets. */
static void
test_walk_sparse(void)
{
	static const uint8_t key[16];
	static unsigned int seen[1];
	struct peer_table *t;
	struct in6_addr a;
	uint64_t cur = 0;
	unsigned int i, pages = 0;

	CHECK((t = peer_table_new(1 << 20, 1 << 20, key)) != NULL);
	if (t == NULL)
		return;
	/* The table grows its buckets with its peers and keeps them. */
	memset(&a, 0, sizeof(a));
	for (i = 0; i < 300000; i++) {
		memcpy(&a.s6_addr[12], &i, sizeof(i));
		CHECK(peer_add(t, &a, 1) != NULL);
	}
	peer_table_clear(t);
	while ((cur = peer_walk(t, cur, 128, walk_count, seen)) !=
	    UINT64_MAX && pages < 1000)
		pages++;
	/* Empty, but many buckets: more than one bounded page. */
	CHECK(pages >= 1 && pages < 1000);
	CHECK(seen[0] == 0);
	peer_table_free(t);
}

int
main(void)
{
	(void)signal(SIGPIPE, SIG_IGN);
	test_escape();
	test_overflow();
	test_reports();
	test_parse();
	test_server();
	test_walk();
	test_walk_sparse();
	return T_DONE();
}
