/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "../fake/os_fake.h"
#include "t.h"

/* The fake OS must behave as documented, or the tests built on it lie. */

static struct in6_addr
addr(const char *s)
{
	struct in6_addr	 a;

	memset(&a, 0, sizeof(a));
	CHECK(inet_pton(AF_INET6, s, &a) == 1);
	return a;
}

static void
test_tun(void)
{
	char		 name[IFNAMSIZ], buf[2048];
	unsigned char	 pkt[40] = { 0x60 }, v4[20] = { 0x45 };
	int		 fd, fd2, peer;

	os_fake_reset();
	fd = os_tun_open("teredo", name, sizeof(name));
	CHECK(fd >= 0);
	CHECK(strcmp(name, "teredo") == 0);
	CHECK(os_fake_exists("teredo"));
	CHECK(os_if_index("teredo") != 0);
	CHECK(os_if_index("eth0") == 0 && errno == ENODEV);
	/* The same name twice is busy; no name gives the kernel's. */
	CHECK(os_tun_open("teredo", name, sizeof(name)) == -1 &&
	    errno == EBUSY);
	fd2 = os_tun_open(NULL, name, sizeof(name));
	CHECK(fd2 >= 0 && strncmp(name, "tun", 3) == 0);
	CHECK(os_tun_open("averyveryverylongname", name, sizeof(name)) ==
	    -1 && errno == ENAMETOOLONG);

	peer = os_fake_tun_peer("teredo");
	CHECK(peer >= 0);
	/* Packets both ways, boundaries kept. */
	CHECK(os_tun_write(fd, pkt, sizeof(pkt)) == (ssize_t)sizeof(pkt));
	CHECK(recv(peer, buf, sizeof(buf), 0) == (ssize_t)sizeof(pkt));
	CHECK(send(peer, pkt, 10, 0) == 10);
	CHECK(send(peer, pkt, 20, 0) == 20);
	CHECK(os_tun_read(fd, buf, sizeof(buf)) == 10);
	CHECK(os_tun_read(fd, buf, sizeof(buf)) == 20);
	/* Not IPv6: refused like the real backends. */
	CHECK(send(peer, v4, sizeof(v4), 0) == (ssize_t)sizeof(v4));
	CHECK(os_tun_read(fd, buf, sizeof(buf)) == -1 &&
	    errno == EAFNOSUPPORT);

	CHECK(os_tun_close(fd, "teredo") == 0);
	CHECK(!os_fake_exists("teredo"));
	CHECK(os_tun_close(fd, "teredo") == -1 && errno == EBADF);
	CHECK(os_tun_close(fd2, "teredo") == -1 && errno == EBADF);
	CHECK(os_tun_close(fd2, NULL) == 0);
	CHECK(!os_fake_exists(name));
}

/* The calls take the index, resolved once by the caller (os.h). */
#define TI	os_if_index("teredo")

static void
test_ifconf(void)
{
	struct in6_addr	 a = addr("2001:0:c633:640a::1");
	struct in6_addr	 ll = addr("fe80::ffff:ffff:ffff");
	struct in6_addr	 any = addr("::"), pfx = addr("2001::");
	char		 name[IFNAMSIZ];
	int		 fd;

	os_fake_reset();
	CHECK(os_addr_add(TI, &a, 32) == -1 && errno == ENODEV);
	fd = os_tun_open("teredo", name, sizeof(name));
	CHECK(os_fake_mtu("teredo") == 1500 && !os_fake_is_up("teredo"));
	CHECK(os_if_set_mtu(TI, 1280) == 0);
	CHECK(os_if_set_mtu(TI, 65536) == -1 && errno == EINVAL);
	CHECK(os_fake_mtu("teredo") == 1280);
	CHECK(os_if_set_up(TI, 1) == 0 && os_fake_is_up("teredo"));

	CHECK(os_addr_add(TI, &a, 32) == 0);
	CHECK(os_addr_add(TI, &a, 32) == 0);	/* idempotent */
	CHECK(os_addr_add(TI, &ll, 64) == 0);
	CHECK(os_fake_naddrs("teredo") == 2);
	CHECK(os_fake_find_addr("teredo", &a, 32));
	CHECK(!os_fake_find_addr("teredo", &a, 64));
	CHECK(os_route_add(TI, &any, 0, 1029) == 0);
	CHECK(os_route_add(TI, &pfx, 32, 1029) == 0);
	/* a route is never replaced (NLM_F_EXCL) */
	CHECK(os_route_add(TI, &pfx, 32, 1029) == -1 && errno == EEXIST);
	CHECK(os_fake_find_route("teredo", &any, 0, 1029));
	CHECK(!os_fake_find_route("teredo", &any, 0, 1024));
	CHECK(os_route_add(TI, &pfx, 129, 1) == -1 && errno == EINVAL);

	CHECK(os_addr_del(TI, &a, 32) == 0);
	CHECK(os_addr_del(TI, &a, 32) == -1 && errno == EADDRNOTAVAIL);
	CHECK(os_route_del(TI, &any, 0, 1029) == 0);
	CHECK(os_route_del(TI, &any, 0, 1029) == -1 && errno == ESRCH);
	CHECK(os_fake_naddrs("teredo") == 1 && os_fake_nroutes("teredo") == 1);

	/* The text log, in order. */
	CHECK(strstr(os_fake_log(), "mtu teredo 1280\n") != NULL);
	CHECK(strstr(os_fake_log(),
	    "addr_add teredo 2001:0:c633:640a::1/32\n") != NULL);
	CHECK(strstr(os_fake_log(),
	    "route_add teredo ::/0 metric 1029\n") != NULL);
	CHECK(strstr(os_fake_log(), "route_del teredo ::/0 metric 1029 -> ")
	    != NULL);
	/* The first addr_add (before the tunnel existed) failed. */
	CHECK(os_fake_find_call(OS_FAKE_ADDR_ADD, 0) == 0);
	CHECK(os_fake_find_call(OS_FAKE_MTU, 0) <
	    os_fake_find_call(OS_FAKE_ADDR_ADD, 1));

	/* Closing destroys state: a new tunnel of that name starts empty. */
	CHECK(os_tun_close(fd, "teredo") == 0);
	fd = os_tun_open("teredo", name, sizeof(name));
	CHECK(os_fake_naddrs("teredo") == 0 && os_fake_mtu("teredo") == 1500);
	CHECK(os_tun_close(fd, "teredo") == 0);
}

static void
test_fail_and_log(void)
{
	struct in6_addr			 a = addr("2001:0:c633:640a::1");
	const struct os_fake_call	*c;
	char				 name[IFNAMSIZ];
	int				 fd;

	os_fake_reset();
	CHECK(os_fake_calls() == 0 && os_fake_log()[0] == '\0');
	fd = os_tun_open("teredo", name, sizeof(name));
	os_fake_fail(OS_FAKE_ADDR_ADD, EPERM);
	CHECK(os_addr_add(TI, &a, 32) == -1 && errno == EPERM);
	CHECK(!os_fake_find_addr("teredo", &a, 32));
	CHECK(os_addr_add(TI, &a, 32) == 0);	/* only once */
	CHECK(os_fake_calls() == 3);
	c = os_fake_call(1);
	CHECK(c != NULL && c->op == OS_FAKE_ADDR_ADD && c->result == -1 &&
	    c->error == EPERM && c->plen == 32 &&
	    strcmp(c->ifname, "teredo") == 0 &&
	    memcmp(&c->addr, &a, sizeof(a)) == 0);
	CHECK(os_fake_call(3) == NULL);
	os_fake_fail(OS_FAKE_TUN_OPEN, EACCES);
	CHECK(os_tun_open("x", name, sizeof(name)) == -1 && errno == EACCES);
	CHECK(!os_fake_exists("x"));
	CHECK(os_tun_close(fd, "teredo") == 0);
}

static void
test_monitor(void)
{
	struct pollfd	 pfd;
	int		 fd;

	os_fake_reset();
	CHECK((fd = os_monitor_open()) >= 0);
	CHECK(os_monitor_read(fd) == 0);
	CHECK(os_fake_monitor_notify(0) == 0);
	CHECK(os_monitor_read(fd) == 0);
	CHECK(os_fake_monitor_notify(1) == 0);
	CHECK(os_fake_monitor_notify(0) == 0);
	pfd.fd = fd;
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 0) == 1);
	CHECK(os_monitor_read(fd) == 1);
	CHECK(poll(&pfd, 1, 0) == 0);
	CHECK(os_monitor_read(fd) == 0);
}

static void
test_priv(void)
{
	static char	 nobody[] = "nobody";
	struct passwd	 pw;
	int		 d, s;

	os_fake_reset();
	memset(&pw, 0, sizeof(pw));
	pw.pw_name = nobody;
	pw.pw_uid = 65534;
	pw.pw_gid = 65534;
	CHECK(os_sandbox(OS_ROLE_PRIV) == 0);
	CHECK(os_privdrop(&pw, "/var/empty") == 0);
	CHECK(os_sandbox(OS_ROLE_ENGINE) == 0);
	d = os_fake_find_call(OS_FAKE_PRIVDROP, 0);
	s = os_fake_find_call(OS_FAKE_SANDBOX, (size_t)d);
	CHECK(d == 1 && s == 2);
	CHECK(os_fake_call(1)->uid == 65534 &&
	    strcmp(os_fake_call(1)->chroot, "/var/empty") == 0);
	CHECK(os_fake_call(2)->value == OS_ROLE_ENGINE);
	CHECK(strstr(os_fake_log(), "sandbox priv\nprivdrop nobody uid 65534 "
	    "gid 65534 chroot /var/empty\nsandbox engine\n") != NULL);
	pw.pw_uid = 0;
	CHECK(os_privdrop(&pw, NULL) == -1 && errno == EINVAL);
	CHECK(strcmp(os_name(), "fake") == 0);
	/* The fake drops nothing: tests keep running as they were. */
	CHECK(getpid() > 0);
}

int
main(void)
{
	test_tun();
	test_ifconf();
	test_fail_and_log();
	test_monitor();
	test_priv();
	os_fake_reset();
	return T_DONE();
}
