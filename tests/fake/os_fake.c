/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "os_fake.h"

/* The in-memory OS of os_fake.h.  Test code: plain, bounded, no malloc. */

#define FAKE_NIF	4
#define FAKE_NENT	16
#define FAKE_NMON	4
#define FAKE_LOGSZ	16384

struct fake_ent {
	struct in6_addr	 addr;
	unsigned int	 plen;
	unsigned int	 metric;
};

struct fake_if {
	int		 used;
	char		 name[IFNAMSIZ];
	int		 fd, peer;
	unsigned int	 mtu;
	int		 up;
	struct fake_ent	 addrs[FAKE_NENT];
	size_t		 naddrs;
	struct fake_ent	 routes[FAKE_NENT];
	size_t		 nroutes;
};

static struct fake_if		 fake_ifs[FAKE_NIF];
static int			 fake_mon[FAKE_NMON][2];
static int			 fake_nmon;
static struct os_fake_call	 fake_calls[OS_FAKE_MAXCALLS];
static size_t			 fake_ncalls;
static char			 fake_text[FAKE_LOGSZ];
static size_t			 fake_textlen;
static int			 fake_failerr[OS_FAKE_NOPS];
static unsigned int		 fake_next_unit;

static const char *const fake_opname[OS_FAKE_NOPS] = {
	"tun_open", "tun_close", "mtu", "up", "addr_add", "addr_del",
	"route_add", "route_del", "monitor_open", "privdrop", "sandbox"
};

static void
fake_text_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
fake_text_add(const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (fake_textlen >= sizeof(fake_text) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(fake_text + fake_textlen,
	    sizeof(fake_text) - fake_textlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		fake_textlen += (size_t)n;
	if (fake_textlen >= sizeof(fake_text))
		fake_textlen = sizeof(fake_text) - 1;
}

/* Append a call to the log; returns the entry for the caller to fill. */
static struct os_fake_call *
fake_record(enum os_fake_op op, const char *ifname)
{
	static struct os_fake_call	 overflow;
	struct os_fake_call		*c = &overflow;

	if (fake_ncalls < OS_FAKE_MAXCALLS)
		c = &fake_calls[fake_ncalls++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	if (ifname != NULL)
		snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	return c;
}

/* Finish a logged call: the text line, and the injected failure if any. */
static int
fake_done(struct os_fake_call *c, const char *detail)
{
	char	 a[INET6_ADDRSTRLEN];

	fake_text_add("%s", fake_opname[c->op]);
	if (c->ifname[0] != '\0')
		fake_text_add(" %s", c->ifname);
	if (c->op >= OS_FAKE_ADDR_ADD && c->op <= OS_FAKE_ROUTE_DEL &&
	    inet_ntop(AF_INET6, &c->addr, a, sizeof(a)) != NULL)
		fake_text_add(" %s/%u", a, c->plen);
	if (detail != NULL)
		fake_text_add(" %s", detail);
	if (c->result == -1)
		fake_text_add(" -> %s", strerror(c->error));
	fake_text_add("\n");
	if (c->result == -1)
		errno = c->error;
	return c->result;
}

static int
fake_set_err(struct os_fake_call *c, int err)
{
	c->result = -1;
	c->error = err;
	return -1;
}

/* The injected failure of op, consumed; 0 if none. */
static int
fake_injected(struct os_fake_call *c)
{
	int	 err = fake_failerr[c->op];

	fake_failerr[c->op] = 0;
	if (err != 0)
		fake_set_err(c, err);
	return err != 0;
}

static struct fake_if *
fake_if_find(const char *ifname)
{
	int	 i;

	for (i = 0; ifname != NULL && i < FAKE_NIF; i++)
		if (fake_ifs[i].used && strcmp(fake_ifs[i].name, ifname) == 0)
			return &fake_ifs[i];
	return NULL;
}

void
os_fake_reset(void)
{
	int	 i;

	for (i = 0; i < FAKE_NIF; i++)
		if (fake_ifs[i].used) {
			(void)close(fake_ifs[i].fd);
			(void)close(fake_ifs[i].peer);
		}
	for (i = 0; i < fake_nmon; i++) {
		(void)close(fake_mon[i][0]);
		(void)close(fake_mon[i][1]);
	}
	memset(fake_ifs, 0, sizeof(fake_ifs));
	memset(fake_failerr, 0, sizeof(fake_failerr));
	fake_nmon = 0;
	fake_ncalls = 0;
	fake_textlen = 0;
	fake_text[0] = '\0';
	fake_next_unit = 0;
}

size_t
os_fake_calls(void)
{
	return fake_ncalls;
}

const struct os_fake_call *
os_fake_call(size_t i)
{
	return i < fake_ncalls ? &fake_calls[i] : NULL;
}

const char *
os_fake_log(void)
{
	return fake_text;
}

int
os_fake_find_call(enum os_fake_op op, size_t from)
{
	size_t	 i;

	for (i = from; i < fake_ncalls; i++)
		if (fake_calls[i].op == op)
			return (int)i;
	return -1;
}

void
os_fake_fail(enum os_fake_op op, int err)
{
	if (op < OS_FAKE_NOPS)
		fake_failerr[op] = err;
}

int
os_fake_tun_peer(const char *ifname)
{
	struct fake_if	*f = fake_if_find(ifname);

	return f != NULL ? f->peer : -1;
}

int
os_fake_exists(const char *ifname)
{
	return fake_if_find(ifname) != NULL;
}

unsigned int
os_fake_mtu(const char *ifname)
{
	struct fake_if	*f = fake_if_find(ifname);

	return f != NULL ? f->mtu : 0;
}

int
os_fake_is_up(const char *ifname)
{
	struct fake_if	*f = fake_if_find(ifname);

	return f != NULL && f->up;
}

/* Index of an entry in a set, or -1; metric compared when want_metric. */
static int
fake_ent_find(const struct fake_ent *set, size_t n, const struct in6_addr *a,
    unsigned int plen, int want_metric, unsigned int metric)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (memcmp(&set[i].addr, a, sizeof(*a)) == 0 &&
		    set[i].plen == plen &&
		    (!want_metric || set[i].metric == metric))
			return (int)i;
	return -1;
}

int
os_fake_find_addr(const char *ifname, const struct in6_addr *addr,
    unsigned int plen)
{
	struct fake_if	*f = fake_if_find(ifname);

	return f != NULL &&
	    fake_ent_find(f->addrs, f->naddrs, addr, plen, 0, 0) >= 0;
}

int
os_fake_find_route(const char *ifname, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	struct fake_if	*f = fake_if_find(ifname);

	return f != NULL &&
	    fake_ent_find(f->routes, f->nroutes, dst, plen, 1, metric) >= 0;
}

size_t
os_fake_naddrs(const char *ifname)
{
	struct fake_if	*f = fake_if_find(ifname);

	return f != NULL ? f->naddrs : 0;
}

size_t
os_fake_nroutes(const char *ifname)
{
	struct fake_if	*f = fake_if_find(ifname);

	return f != NULL ? f->nroutes : 0;
}

int
os_fake_monitor_notify(int relevant)
{
	char	 b = relevant ? '1' : '0';
	int	 i;

	for (i = 0; i < fake_nmon; i++)
		if (write(fake_mon[i][1], &b, 1) != 1)
			return -1;
	return 0;
}

/* The os.h implementation. */

int
os_tun_open(const char *want, char *name, size_t namesz)
{
	struct os_fake_call	*c = fake_record(OS_FAKE_TUN_OPEN, want);
	struct fake_if		*f = NULL;
	char			 n[IFNAMSIZ];
	int			 i, sv[2];

	if (want != NULL && *want != '\0')
		snprintf(n, sizeof(n), "%s", want);
	else
		snprintf(n, sizeof(n), "tun%u", fake_next_unit);
	for (i = 0; i < FAKE_NIF && f == NULL; i++)
		if (!fake_ifs[i].used)
			f = &fake_ifs[i];
	snprintf(c->ifname, sizeof(c->ifname), "%s", n);
	if (fake_injected(c))
		return fake_done(c, NULL);
	if (want != NULL && strlen(want) >= IFNAMSIZ)
		fake_set_err(c, ENAMETOOLONG);
	else if (fake_if_find(n) != NULL)
		fake_set_err(c, EBUSY);
	else if (f == NULL)
		fake_set_err(c, ENFILE);
	else if (name != NULL && strlen(n) >= namesz)
		fake_set_err(c, ENAMETOOLONG);
	else if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		fake_set_err(c, errno);
	if (fake_done(c, NULL) == -1)
		return -1;
	memset(f, 0, sizeof(*f));
	f->used = 1;
	snprintf(f->name, sizeof(f->name), "%s", n);
	f->fd = sv[0];
	f->peer = sv[1];
	f->mtu = 1500;
	fake_next_unit++;
	if (name != NULL)
		memcpy(name, n, strlen(n) + 1);
	return f->fd;
}

int
os_udp_nodf(int fd)
{
	(void)fd;
	return 0;
}

int
os_tun_close(int fd, const char *name)
{
	struct os_fake_call	*c = fake_record(OS_FAKE_TUN_CLOSE, name);
	struct fake_if		*f = NULL;
	int			 i;

	for (i = 0; i < FAKE_NIF; i++)
		if (fake_ifs[i].used && fake_ifs[i].fd == fd)
			f = &fake_ifs[i];
	/* The name may be NULL (the real backends do not need it). */
	if (f == NULL || (name != NULL && strcmp(name, f->name) != 0)) {
		fake_set_err(c, EBADF);
		return fake_done(c, NULL);
	}
	/* Like Linux: closing destroys the interface, addresses, routes. */
	(void)close(f->fd);
	(void)close(f->peer);
	memset(f, 0, sizeof(*f));
	return fake_done(c, NULL);
}

ssize_t
os_tun_read(int fd, void *pkt, size_t len)
{
	ssize_t	 n;

	if ((n = recv(fd, pkt, len, 0)) <= 0)
		return n;
	/* The same refusal of non-IPv6 as os/linux/tun.c. */
	if ((((const unsigned char *)pkt)[0] >> 4) != 6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return n;
}

ssize_t
os_tun_write(int fd, const void *pkt, size_t len)
{
	return send(fd, pkt, len, MSG_NOSIGNAL);
}

unsigned int
os_if_index(const char *ifname)
{
	struct fake_if	*f = fake_if_find(ifname);

	if (f == NULL) {
		errno = ENODEV;
		return 0;
	}
	return 100 + (unsigned int)(f - fake_ifs);
}

/* The name of the fake interface with this index ("" if none). */
static const char *
fake_if_name(unsigned int ifindex)
{
	if (ifindex < 100 || ifindex - 100 >= FAKE_NIF ||
	    !fake_ifs[ifindex - 100].used)
		return "";
	return fake_ifs[ifindex - 100].name;
}

/* Common start of the interface calls: log, injected failure, lookup. */
static struct fake_if *
fake_if_call(struct os_fake_call *c)
{
	struct fake_if	*f;

	if (fake_injected(c))
		return NULL;
	if ((f = fake_if_find(c->ifname)) == NULL)
		fake_set_err(c, ENODEV);
	return f;
}

int
os_if_set_mtu(unsigned int ifindex, unsigned int mtu)
{
	struct os_fake_call	*c = fake_record(OS_FAKE_MTU,
	    fake_if_name(ifindex));
	struct fake_if		*f;
	char			 d[16];

	c->value = mtu;
	snprintf(d, sizeof(d), "%u", mtu);
	if ((f = fake_if_call(c)) != NULL) {
		if (mtu < 68 || mtu > 65535)
			fake_set_err(c, EINVAL);
		else
			f->mtu = mtu;
	}
	return fake_done(c, d);
}

int
os_if_set_up(unsigned int ifindex, int up)
{
	struct os_fake_call	*c = fake_record(OS_FAKE_UP,
	    fake_if_name(ifindex));
	struct fake_if		*f;

	c->value = up != 0;
	if ((f = fake_if_call(c)) != NULL)
		f->up = up != 0;
	return fake_done(c, up ? "1" : "0");
}

/* Add to or delete from a set; Linux's errno when absent or full. */
static void
fake_ent_change(struct os_fake_call *c, struct fake_ent *set, size_t *n,
    int add, int want_metric, int absent_err)
{
	int	 i;

	if (c->plen > 128) {
		fake_set_err(c, EINVAL);
		return;
	}
	i = fake_ent_find(set, *n, &c->addr, c->plen, want_metric, c->value);
	if (add && i >= 0 && want_metric) {
		/* Routes are added with NLM_F_EXCL (os/linux/ifconf.c). */
		fake_set_err(c, EEXIST);
		return;
	}
	if (add && i < 0) {
		if (*n == FAKE_NENT) {
			fake_set_err(c, ENOSPC);
			return;
		}
		set[*n].addr = c->addr;
		set[*n].plen = c->plen;
		set[(*n)++].metric = c->value;
	} else if (!add && i < 0)
		fake_set_err(c, absent_err);
	else if (!add)
		set[i] = set[--*n];
}

static int
fake_addr(enum os_fake_op op, unsigned int ifindex, const struct in6_addr *a,
    unsigned int plen)
{
	struct os_fake_call	*c = fake_record(op, fake_if_name(ifindex));
	struct fake_if		*f;

	c->addr = *a;
	c->plen = plen;
	if ((f = fake_if_call(c)) != NULL)
		fake_ent_change(c, f->addrs, &f->naddrs, op == OS_FAKE_ADDR_ADD,
		    0, EADDRNOTAVAIL);
	return fake_done(c, NULL);
}

int
os_addr_add(unsigned int ifindex, const struct in6_addr *addr,
    unsigned int plen)
{
	return fake_addr(OS_FAKE_ADDR_ADD, ifindex, addr, plen);
}

int
os_addr_del(unsigned int ifindex, const struct in6_addr *addr,
    unsigned int plen)
{
	return fake_addr(OS_FAKE_ADDR_DEL, ifindex, addr, plen);
}

static int
fake_route(enum os_fake_op op, unsigned int ifindex,
    const struct in6_addr *a, unsigned int plen, unsigned int metric)
{
	struct os_fake_call	*c = fake_record(op, fake_if_name(ifindex));
	struct fake_if		*f;
	char			 d[24];

	c->addr = *a;
	c->plen = plen;
	c->value = metric;
	snprintf(d, sizeof(d), "metric %u", metric);
	if ((f = fake_if_call(c)) != NULL)
		fake_ent_change(c, f->routes, &f->nroutes,
		    op == OS_FAKE_ROUTE_ADD, 1, ESRCH);
	return fake_done(c, d);
}

int
os_route_add(unsigned int ifindex, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	return fake_route(OS_FAKE_ROUTE_ADD, ifindex, dst, plen, metric);
}

int
os_route_del(unsigned int ifindex, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	return fake_route(OS_FAKE_ROUTE_DEL, ifindex, dst, plen, metric);
}

int
os_monitor_open(void)
{
	struct os_fake_call	*c = fake_record(OS_FAKE_MONITOR_OPEN, NULL);

	if (fake_injected(c))
		return fake_done(c, NULL);
	if (fake_nmon == FAKE_NMON)
		fake_set_err(c, EMFILE);
	else if (pipe2(fake_mon[fake_nmon], O_NONBLOCK | O_CLOEXEC) == -1)
		fake_set_err(c, errno);
	if (fake_done(c, NULL) == -1)
		return -1;
	return fake_mon[fake_nmon++][0];
}

int
os_monitor_read(int fd)
{
	char	 buf[64];
	ssize_t	 n, i;
	int	 changed = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			changed |= buf[i] == '1';
	if (n == -1 && errno != EAGAIN)
		return -1;
	return changed;
}

int
os_privdrop(const struct passwd *pw, const char *chrootdir)
{
	struct os_fake_call	*c = fake_record(OS_FAKE_PRIVDROP, NULL);
	char			 d[128];

	if (chrootdir != NULL)
		snprintf(c->chroot, sizeof(c->chroot), "%s", chrootdir);
	if (pw != NULL) {
		c->uid = pw->pw_uid;
		c->gid = pw->pw_gid;
	}
	snprintf(d, sizeof(d), "%s uid %u gid %u chroot %s",
	    pw != NULL && pw->pw_name != NULL ? pw->pw_name : "-",
	    (unsigned int)c->uid, (unsigned int)c->gid,
	    c->chroot[0] != '\0' ? c->chroot : "-");
	if (!fake_injected(c) && (pw == NULL || pw->pw_uid == 0))
		fake_set_err(c, EINVAL);
	return fake_done(c, d);
}

int
os_sandbox_fd(int fd, enum os_fd_use use)
{
	(void)fd;
	(void)use;
	return 0;
}

int
os_sandbox(enum os_role role)
{
	struct os_fake_call	*c = fake_record(OS_FAKE_SANDBOX, NULL);
	static const char *const names[] = { "priv", "engine", "server",
	    "resolver" };

	c->value = (unsigned int)role;
	if (!fake_injected(c) && (unsigned int)role > OS_ROLE_RESOLVER)
		fake_set_err(c, EINVAL);
	return fake_done(c, (unsigned int)role <= OS_ROLE_RESOLVER ?
	    names[role] : "?");
}

const char *
os_name(void)
{
	return "fake";
}
