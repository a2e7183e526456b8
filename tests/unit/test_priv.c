/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "../fake/os_fake.h"
#include "hook.h"
#include "log.h"
#include "priv.h"
#include "resolve.h"
#include "t.h"
#include "tprivmsg.h"

static struct priv p;
static char ifname[IF_NAMESIZE];
static unsigned int ifindex;

static int
send_addr(uint32_t type, uint32_t idx, const char *addr, uint32_t plen)
{
	struct privmsg_addr m = maddr(type, idx, addr, plen);

	return priv_dispatch(&p, &m, sizeof(m));
}

static int
send_route(uint32_t type, const char *dst, uint32_t plen)
{
	struct privmsg_route m = mroute(type, ifindex, dst, plen,
	    PRIVMSG_CLIENT_METRIC);

	return priv_dispatch(&p, &m, sizeof(m));
}

static int
send_u32(uint32_t type, uint32_t idx, uint32_t val)
{
	struct privmsg_mtu m = { type, idx, val };

	return priv_dispatch(&p, &m, sizeof(m));
}

static int
send_state(int up, const char *addr)
{
	struct privmsg_state s;

	memset(&s, 0, sizeof(s));
	s.type = PRIV_MSG_STATE;
	s.ifindex = ifindex;
	s.up = (uint32_t)up;
	if (up) {
		s.mtu = 1280;
		s.addr = a6(addr);
	}
	return priv_dispatch(&p, &s, sizeof(s));
}

static void
setup(void)
{
	int fd;

	os_fake_reset();
	fd = os_tun_open("teredo", ifname, sizeof(ifname));
	CHECK(fd >= 0);
	ifindex = os_if_index(ifname);
	CHECK(ifindex != 0);
	priv_init(&p, ifname, ifindex, 0x20010000u, PRIVMSG_ROLE_CLIENT);
}

static void
test_relay(void)
{
	struct in6_addr ll = a6("fe80::ffff:ffff:ffff");
	struct in6_addr pfx = a6("2001::");

	setup();
	CHECK(priv_relay_up(&p, 1400) == 0);
	CHECK(os_fake_mtu(ifname) == 1400);
	CHECK(os_fake_is_up(ifname));
	CHECK(os_fake_find_addr(ifname, &ll, 64));
	CHECK(os_fake_find_route(ifname, &pfx, 32, PRIVMSG_RELAY_METRIC));
	priv_relay_down(&p);
	CHECK(!os_fake_is_up(ifname));
	CHECK(os_fake_naddrs(ifname) == 0);
	CHECK(os_fake_nroutes(ifname) == 0);
	/* a failure is reported, not ignored */
	os_fake_fail(OS_FAKE_MTU, EPERM);
	CHECK(priv_relay_up(&p, 1400) == -1);
}

static void
test_client(void)
{
	const char *ta = "2001:0:c000:201:8000:cfc6:3fff:fd74";
	struct in6_addr a = a6(ta), ll = a6("fe80::ffff:ffff:ffff");
	struct in6_addr def = a6("::");

	setup();
	CHECK(send_u32(PRIV_MSG_MTU, ifindex, 1280) == PRIV_MSG_MTU);
	CHECK(send_u32(PRIV_MSG_LINK, ifindex, 1) == PRIV_MSG_LINK);
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex, ta, 32) ==
	    PRIV_MSG_ADDR_ADD);
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex, "fe80::ffff:ffff:ffff",
	    64) == PRIV_MSG_ADDR_ADD);
	CHECK(send_route(PRIV_MSG_ROUTE_ADD, "::", 0) == PRIV_MSG_ROUTE_ADD);
	CHECK(send_state(1, ta) == PRIV_MSG_STATE);
	CHECK(os_fake_mtu(ifname) == 1280);
	CHECK(os_fake_is_up(ifname));
	CHECK(os_fake_find_addr(ifname, &a, 32));
	CHECK(os_fake_find_addr(ifname, &ll, 64));
	CHECK(os_fake_find_route(ifname, &def, 0, PRIVMSG_CLIENT_METRIC));
	CHECK(p.state.up == 1 && memcmp(&p.state.addr, &a, sizeof(a)) == 0);
	/* Adding twice is harmless; a kernel error is logged, not fatal. */
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex, ta, 32) ==
	    PRIV_MSG_ADDR_ADD);
	os_fake_fail(OS_FAKE_ADDR_ADD, EPERM);
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex, ta, 32) ==
	    PRIV_MSG_ADDR_ADD);
	/* The same STATE again changes nothing: no hook run (0). */
	CHECK(send_state(1, ta) == 0);
	/* One Teredo address at a time (M1). */
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex, "2001::2", 32) == -1);
	CHECK(!os_fake_find_addr(ifname, &(struct in6_addr){ .s6_addr =
	    { 0x20, 0x01, [15] = 2 } }, 32));
	/* The engine went away: everything it configured is removed. */
	CHECK(priv_clear(&p) == 1);
	CHECK(os_fake_naddrs(ifname) == 0);
	CHECK(os_fake_nroutes(ifname) == 0);
	CHECK(!os_fake_is_up(ifname));
	CHECK(p.state.up == 0 && p.old_state.up == 1);
	CHECK(priv_clear(&p) == 0);
}

/* Every malformed or out-of-policy request is refused and not applied. */
static void
test_reject(void)
{
	unsigned char junk[PRIVMSG_BUFSZ];
	struct privmsg_mtu m = { PRIV_MSG_MTU, 0, 1400 };
	size_t calls;

	setup();
	calls = os_fake_calls();
	m.ifindex = ifindex;
	CHECK(priv_dispatch(&p, &m, sizeof(m) - 1) == -1);
	CHECK(priv_dispatch(&p, &m, sizeof(m) + 1) == -1);
	CHECK(send_u32(PRIV_MSG_MTU, ifindex, 1279) == -1);
	CHECK(send_u32(PRIV_MSG_MTU, ifindex, 65536) == -1);
	CHECK(send_u32(PRIV_MSG_MTU, ifindex + 1, 1400) == -1);
	CHECK(send_u32(PRIV_MSG_LINK, ifindex + 1, 1) == -1);
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex, "2001:db8::1", 32) == -1);
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex + 1, "2001::1", 32) == -1);
	CHECK(send_addr(PRIV_MSG_ADDR_DEL, ifindex, "fe80::1", 64) == -1);
	CHECK(send_route(PRIV_MSG_ROUTE_ADD, "2001:db8::", 32) == -1);
	CHECK(send_route(PRIV_MSG_ROUTE_ADD, "::", 1) == -1);
	CHECK(send_u32(PRIV_MSG_RESOLVED, 1, 2) == -1);
	CHECK(send_u32(99, ifindex, 1280) == -1);
	memset(junk, 0xa5, sizeof(junk));
	CHECK(priv_dispatch(&p, junk, sizeof(junk)) == -1);
	CHECK(priv_dispatch(&p, junk, 0) == -1);
	CHECK(os_fake_calls() == calls);	/* nothing reached the OS */
	/* An engine that piles up addresses is stopped too. */
	CHECK(send_u32(PRIV_MSG_LINK, ifindex, 1) == PRIV_MSG_LINK);
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex, "2001::1", 32) > 0);
	CHECK(send_addr(PRIV_MSG_ADDR_ADD, ifindex, "2001::2", 32) == -1);
	(void)priv_clear(&p);
	CHECK(os_fake_naddrs(ifname) == 0);
}

static void
test_resolve(void)
{
	struct resolve r;
	struct pollfd pfd;
	int st;

	static struct passwd pw = { .pw_name = (char *)"nobody",
	    .pw_uid = 65534, .pw_gid = 65534 };

	resolve_user(&pw);
	resolve_init(&r, "192.0.2.1", "192.0.2.2");
	CHECK(resolve_start(&r, 1000) == 1);
	CHECK(r.have && r.server == inet_addr("192.0.2.1") &&
	    r.server2 == inet_addr("192.0.2.2"));
	CHECK(resolve_fd(&r) == -1);
	/* A name goes through a child process. */
	resolve_init(&r, "localhost", "");
	CHECK(resolve_start(&r, 1000) == 0);
	CHECK(resolve_fd(&r) != -1);
	CHECK(resolve_start(&r, 1000) == 0 && r.again == 1);
	pfd.fd = resolve_fd(&r);
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 10000) == 1);
	CHECK(resolve_read(&r, 1000) == 1);
	CHECK(r.server == inet_addr("127.0.0.1") && r.server2 == 0);
	CHECK(waitpid(r.pid, &st, 0) == r.pid);
	CHECK(resolve_reaped(&r, r.pid) == 1);
	/* the network change seen meanwhile: resolve again at once */
	CHECK(r.retry_at != 0);
	CHECK(resolve_timer(&r, 1001) == 0 && r.pid > 0);
	resolve_stop(&r);
	(void)waitpid(r.pid, &st, 0);
}

static void
test_hook(void)
{
	char dir[] = "/tmp/test_priv.XXXXXX", path[64], out[64], buf[512];
	struct privmsg_state st, old;
	FILE *fp;
	size_t n;
	pid_t pid;
	int status;

	CHECK(mkdtemp(dir) != NULL);
	(void)snprintf(path, sizeof(path), "%s/hook", dir);
	(void)snprintf(out, sizeof(out), "%s/out", dir);
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	fprintf(fp, "#!/bin/sh\nenv | sort > %s\n", out);
	fclose(fp);
	CHECK(chmod(path, 0755) == 0);
	memset(&st, 0, sizeof(st));
	memset(&old, 0, sizeof(old));
	st.up = 1;
	st.ifindex = 3;
	st.mtu = 1280;
	st.addr = a6("2001:0:c000:201:8000:cfc6:3fff:fd74");
	hook_request(path, "teredo", &st, &old);
	pid = wait(&status);
	CHECK(hook_reaped(pid, status) == 1);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fp = fopen(out, "r");
	CHECK(fp != NULL);
	n = fp != NULL ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
	buf[n] = '\0';
	if (fp != NULL)
		fclose(fp);
	CHECK(strstr(buf, "STATE=up\n") != NULL);
	CHECK(strstr(buf, "IFACE=teredo\n") != NULL);
	CHECK(strstr(buf, "IFINDEX=3\n") != NULL);
	CHECK(strstr(buf,
	    "ADDRESS=2001:0:c000:201:8000:cfc6:3fff:fd74\n") != NULL);
	CHECK(strstr(buf, "LLADDRESS=fe80::ffff:ffff:ffff\n") != NULL);
	CHECK(strstr(buf, "MTU=1280\n") != NULL);
	CHECK(strstr(buf, "OLD_ADDRESS=\n") != NULL);
	CHECK(hook_reaped(12345, 0) == 0);
	(void)unlink(out);
	(void)unlink(path);
	(void)rmdir(dir);
}

int
main(void)
{
	log_init(1, 0, LOG_DAEMON);
	test_relay();
	test_client();
	test_reject();
	test_resolve();
	test_hook();
	return T_DONE();
}
