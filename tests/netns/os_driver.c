/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os.h"

/*
 * Drives the real OS backend (libos.a) for tests/netns/os_linux.sh: one
 * command per line on stdin, one reply line on stdout ("ok [value]" or
 * "err <errno text>"), so the script can check the kernel's state with
 * ip(8) and /proc between the steps.
 */

static char	 drv_name[IFNAMSIZ];
static int	 drv_tun = -1, drv_mon = -1;

static void
reply(int rc, const char *value)
{
	if (rc == -1)
		printf("err %s\n", strerror(errno));
	else
		printf("ok%s%s\n", value != NULL ? " " : "",
		    value != NULL ? value : "");
	fflush(stdout);
}

static int
parse_addr(const char *s, struct in6_addr *a)
{
	if (s == NULL || inet_pton(AF_INET6, s, a) != 1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int
cmd_ifconf(const char *cmd, char **av)
{
	struct in6_addr	 a;
	unsigned int	 plen, metric;

	if (av[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (strcmp(cmd, "mtu") == 0)
		return os_if_set_mtu(os_if_index(drv_name),
		    (unsigned int)atoi(av[0]));
	if (strcmp(cmd, "up") == 0)
		return os_if_set_up(os_if_index(drv_name), atoi(av[0]));
	if (parse_addr(av[0], &a) == -1 || av[1] == NULL)
		return -1;
	plen = (unsigned int)atoi(av[1]);
	metric = av[2] != NULL ? (unsigned int)atoi(av[2]) : 0;
	if (strcmp(cmd, "addr_add") == 0)
		return os_addr_add(os_if_index(drv_name), &a, plen);
	if (strcmp(cmd, "addr_del") == 0)
		return os_addr_del(os_if_index(drv_name), &a, plen);
	if (strcmp(cmd, "route_add") == 0)
		return os_route_add(os_if_index(drv_name), &a, plen, metric);
	if (strcmp(cmd, "route_del") == 0)
		return os_route_del(os_if_index(drv_name), &a, plen, metric);
	errno = ENOSYS;
	return -1;
}

static void
cmd_monitor_read(int ms)
{
	struct pollfd	 pfd;
	char		 v[16];
	int		 rc;

	pfd.fd = drv_mon;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) == -1) {
		reply(-1, NULL);
		return;
	}
	rc = os_monitor_read(drv_mon);
	snprintf(v, sizeof(v), "%d", rc);
	reply(rc == -1 ? -1 : 0, v);
}

static void
cmd_privdrop(char **av)
{
	struct passwd	*pw;

	if (av[0] == NULL || (pw = getpwnam(av[0])) == NULL) {
		errno = ENOENT;
		reply(-1, NULL);
		return;
	}
	reply(os_privdrop(pw, av[1]), NULL);
}

static void
cmd_sandbox(const char *role)
{
	enum os_role	 r = OS_ROLE_PRIV;

	if (role != NULL && strcmp(role, "engine") == 0)
		r = OS_ROLE_ENGINE;
	else if (role != NULL && strcmp(role, "server") == 0)
		r = OS_ROLE_SERVER;
	else if (role != NULL && strcmp(role, "resolver") == 0)
		r = OS_ROLE_RESOLVER;
	reply(os_sandbox(r), NULL);
}

/* setuid(0) must fail after the drop: "ok" means it failed. */
static void
cmd_setuid0(void)
{
	if (setuid(0) == 0) {
		errno = EEXIST;
		reply(-1, NULL);
	} else
		reply(0, NULL);
}

/*
 * The socket option that says whether the kernel sets DF on a UDP
 * socket, where 0 means it does not: Linux's IP_MTU_DISCOVER
 * (IP_PMTUDISC_DONT is 0), else IP_DONTFRAG (FreeBSD, macOS).  Elsewhere
 * the nodf command fails with ENOTSUP rather than guess.
 */
#if defined(IP_MTU_DISCOVER)
#define DRIVER_DF_OPT	IP_MTU_DISCOVER
#elif defined(IP_DONTFRAG)
#define DRIVER_DF_OPT	IP_DONTFRAG
#endif

static int
driver_df(int s, int *val)
{
#ifdef DRIVER_DF_OPT
	socklen_t	 len = sizeof(*val);

	return getsockopt(s, IPPROTO_IP, DRIVER_DF_OPT, val, &len);
#else
	(void)s;
	(void)val;
	errno = ENOTSUP;
	return -1;
#endif
}

/* os_udp_nodf on a UDP socket, then what the kernel says (0 = no DF). */
static void
cmd_nodf(void)
{
	char		 v[16];
	int		 s, val = -1;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    os_udp_nodf(s) == -1 || driver_df(s, &val) == -1) {
		reply(-1, NULL);
		if (s != -1)
			(void)close(s);
		return;
	}
	(void)close(s);
	snprintf(v, sizeof(v), "%d", val);
	reply(0, v);
}

static void
cmd_socket(const char *kind)
{
	int	 s;

	s = socket(kind != NULL && strcmp(kind, "unix") == 0 ? AF_UNIX :
	    AF_INET, SOCK_DGRAM, 0);
	if (s != -1)
		(void)close(s);
	reply(s == -1 ? -1 : 0, NULL);
}

/*
 * What a compromised process would do with AF_UNIX (the review's M2):
 * an address "@name" is abstract, anything else a path.
 */
static socklen_t
unix_addr(const char *name, struct sockaddr_un *sun)
{
	size_t	 len = strlen(name);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len >= sizeof(sun->sun_path))
		len = sizeof(sun->sun_path) - 1;
	memcpy(sun->sun_path, name, len);
	if (name[0] == '@')
		sun->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] == '@' ? 0 : 1));
}

static int	 drv_unix = -1;	/* an AF_UNIX socket made before a sandbox */

/* connect(2) the early socket (or a new one) to a path, e.g. /dev/log. */
static void
cmd_connect(const char *name)
{
	struct sockaddr_un sun;
	socklen_t	 sl;
	int		 s = drv_unix;

	if (name == NULL) {
		errno = EINVAL;
		reply(-1, NULL);
		return;
	}
	sl = unix_addr(name, &sun);
	if (s == -1 && (s = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1) {
		reply(-1, NULL);
		return;
	}
	reply(connect(s, (struct sockaddr *)&sun, sl), NULL);
}

/*
 * A datagram to NAME by sendmsg(2), from the socket made before the
 * sandbox or else a new one: "passfd" carries the tunnel (or stdin) by
 * SCM_RIGHTS, "sendlog" a forged syslog line.
 */
static void
cmd_sendunix(const char *cmd, const char *name)
{
	char		 text[] = "<38>sshd[1]: Accepted password for root";
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct sockaddr_un sun;
	struct msghdr	 msg;
	struct iovec	 iov;
	int		 s, fd = drv_tun != -1 ? drv_tun : 0;

	if (name == NULL) {
		errno = EINVAL;
		reply(-1, NULL);
		return;
	}
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sun;
	msg.msg_namelen = unix_addr(name, &sun);
	iov.iov_base = text;
	iov.iov_len = sizeof(text) - 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (strcmp(cmd, "passfd") == 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		cm.hdr.cmsg_level = SOL_SOCKET;
		cm.hdr.cmsg_type = SCM_RIGHTS;
		cm.hdr.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.hdr), &fd, sizeof(int));
	}
	if ((s = drv_unix) == -1 && (s = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1) {
		reply(-1, NULL);
		return;
	}
	reply(sendmsg(s, &msg, 0) == -1 ? -1 : 0, NULL);
	if (s != drv_unix)
		(void)close(s);
}

/* The other end: bind NAME, wait ms, report the text and fds passed. */
static void
cmd_recvunix(const char *name, int ms)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(4 * sizeof(int))];
	} cm;
	struct sockaddr_un sun;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct pollfd	 pfd;
	char		 text[256], v[300];
	ssize_t		 n;
	int		 s, nfd = 0;

	if (name == NULL || (s = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sun, unix_addr(name, &sun)) == -1) {
		reply(-1, NULL);
		return;
	}
	printf("bound\n");
	fflush(stdout);
	pfd.fd = s;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) != 1) {
		errno = ETIMEDOUT;
		reply(-1, NULL);
		return;
	}
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = text;
	iov.iov_len = sizeof(text) - 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	if ((n = recvmsg(s, &msg, 0)) == -1) {
		reply(-1, NULL);
		return;
	}
	text[n] = '\0';
	if (msg.msg_controllen > 0 && cm.hdr.cmsg_type == SCM_RIGHTS)
		nfd = (int)((cm.hdr.cmsg_len - CMSG_LEN(0)) / sizeof(int));
	snprintf(v, sizeof(v), "fds=%d %s", nfd, text);
	reply(0, v);
}

/*
 * Executable memory: "anon-x" (anonymous, R|X), "file-x" (this program
 * opened read-only, R|X, as a library is loaded), "file-wx" (the same,
 * writable: a private copy injected code could fill).
 */
static void
cmd_mmap(const char *kind)
{
	void	*p;
	int	 fd = -1, prot = PROT_READ | PROT_EXEC, flags = MAP_PRIVATE;

	if (kind == NULL) {
		errno = EINVAL;
		reply(-1, NULL);
		return;
	}
	if (strcmp(kind, "anon-x") == 0)
		flags |= MAP_ANONYMOUS;
	else if ((fd = open("/proc/self/exe", O_RDONLY)) == -1) {
		reply(-1, NULL);
		return;
	}
	if (strcmp(kind, "file-wx") == 0)
		prot |= PROT_WRITE;
	p = mmap(NULL, 4096, prot, flags, fd, 0);
	reply(p == MAP_FAILED ? -1 : 0, NULL);
	if (p != MAP_FAILED)
		(void)munmap(p, 4096);
	if (fd != -1)
		(void)close(fd);
}

/* RFC 4443 section 2.3: the checksum over the pseudo-header and message. */
static uint16_t
icmp6_cksum(const unsigned char *ip6, size_t icmplen)
{
	uint32_t	 sum = 58 + (uint32_t)icmplen;
	size_t		 i;

	for (i = 8; i < 40; i += 2)	/* source and destination */
		sum += (uint32_t)(ip6[i] << 8 | ip6[i + 1]);
	for (i = 0; i < icmplen; i += 2)
		sum += (uint32_t)(ip6[40 + i] << 8 |
		    (i + 1 < icmplen ? ip6[40 + i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An ICMPv6 echo request from src to dst, written to the tunnel. */
static void
cmd_echo6(char **av)
{
	unsigned char	 p[56];
	struct in6_addr	 src, dst;
	uint16_t	 ck;
	char		 v[16];
	ssize_t		 n;

	if (parse_addr(av[0], &src) == -1 || parse_addr(av[1], &dst) == -1) {
		reply(-1, NULL);
		return;
	}
	memset(p, 0, sizeof(p));
	p[0] = 0x60;
	p[5] = 16;			/* payload length */
	p[6] = 58;			/* ICMPv6 */
	p[7] = 64;
	memcpy(p + 8, &src, 16);
	memcpy(p + 24, &dst, 16);
	p[40] = 128;			/* echo request */
	p[44] = 0x12;			/* identifier, sequence 1 */
	p[45] = 0x34;
	p[47] = 1;
	memcpy(p + 48, "miredoOS", 8);
	ck = icmp6_cksum(p, 16);
	p[42] = ck >> 8;
	p[43] = ck & 0xff;
	n = os_tun_write(drv_tun, p, sizeof(p));
	snprintf(v, sizeof(v), "%zd", n);
	reply(n == -1 ? -1 : 0, v);
}

/*
 * Read from the tunnel for up to ms, skipping packets that are not an
 * echo reply (the kernel also sends MLD reports there): "read_echo"
 * reports the first echo reply, "read_err" the first read error.
 */
static void
cmd_read(const char *cmd, int ms)
{
	unsigned char	 p[2048];
	struct pollfd	 pfd;
	char		 v[64];
	ssize_t		 n;

	pfd.fd = drv_tun;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, ms) == 1) {
		if ((n = os_tun_read(drv_tun, p, sizeof(p))) == -1) {
			reply(-1, NULL);
			return;
		}
		if (strcmp(cmd, "read_echo") == 0 && n >= 48 && p[6] == 58 &&
		    p[40] == 129) {
			snprintf(v, sizeof(v), "%zd nh=%u type=%u", n, p[6],
			    p[40]);
			reply(0, v);
			return;
		}
	}
	errno = ETIMEDOUT;
	reply(-1, NULL);
}

static void
cmd_tun(const char *cmd, char **av)
{
	char	 v[32];

	if (strcmp(cmd, "open") == 0) {
		drv_tun = os_tun_open(av[0], drv_name, sizeof(drv_name));
		reply(drv_tun == -1 ? -1 : 0, drv_name);
	} else if (strcmp(cmd, "close") == 0) {
		reply(os_tun_close(drv_tun, drv_name), NULL);
		drv_tun = -1;
	} else {
		snprintf(v, sizeof(v), "%u", os_if_index(drv_name));
		reply(strcmp(v, "0") == 0 ? -1 : 0, v);
	}
}

static void
dispatch(const char *cmd, char **av)
{
	char	 v[32];

	if (strcmp(cmd, "open") == 0 || strcmp(cmd, "close") == 0 ||
	    strcmp(cmd, "index") == 0)
		cmd_tun(cmd, av);
	else if (strcmp(cmd, "echo6") == 0)
		cmd_echo6(av);
	else if (strcmp(cmd, "read_echo") == 0 || strcmp(cmd, "read_err") == 0)
		cmd_read(cmd, av[0] != NULL ? atoi(av[0]) : 0);
	else if (strcmp(cmd, "monitor_open") == 0)
		reply((drv_mon = os_monitor_open()) == -1 ? -1 : 0, NULL);
	else if (strcmp(cmd, "monitor_read") == 0)
		cmd_monitor_read(av[0] != NULL ? atoi(av[0]) : 0);
	else if (strcmp(cmd, "privdrop") == 0)
		cmd_privdrop(av);
	else if (strcmp(cmd, "sandbox") == 0)
		cmd_sandbox(av[0]);
	else if (strcmp(cmd, "setuid0") == 0)
		cmd_setuid0();
	else if (strcmp(cmd, "socket") == 0)
		cmd_socket(av[0]);
	else if (strcmp(cmd, "mmap") == 0)
		cmd_mmap(av[0]);
	else if (strcmp(cmd, "unixsock") == 0)
		reply((drv_unix = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ?
		    -1 : 0, NULL);
	else if (strcmp(cmd, "connect") == 0)
		cmd_connect(av[0]);
	else if (strcmp(cmd, "passfd") == 0 || strcmp(cmd, "sendlog") == 0)
		cmd_sendunix(cmd, av[0]);
	else if (strcmp(cmd, "recvunix") == 0)
		cmd_recvunix(av[0], av[1] != NULL ? atoi(av[1]) : 0);
	else if (strcmp(cmd, "nodf") == 0)
		cmd_nodf();
	else if (strcmp(cmd, "pid") == 0) {
		snprintf(v, sizeof(v), "%ld", (long)getpid());
		reply(0, v);
	} else if (strcmp(cmd, "name") == 0)
		reply(0, os_name());
	else
		reply(cmd_ifconf(cmd, av), NULL);
}

int
main(void)
{
	char	 line[256], *av[8], *p, *cmd;
	int	 n;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		memset(av, 0, sizeof(av));
		if ((cmd = strtok(line, " \t\n")) == NULL)
			continue;
		if (strcmp(cmd, "quit") == 0)
			break;
		for (n = 0; n < 7 && (p = strtok(NULL, " \t\n")) != NULL; n++)
			av[n] = p;
		dispatch(cmd, av);
	}
	return 0;
}
