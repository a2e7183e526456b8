/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef OS_OS_H
#define OS_OS_H

/*
 * The only interface between common/ and the kernel.  One implementation
 * per OS under os/<os>/, chosen by configure.  These functions never log:
 * they return -1 with errno set and the caller logs with context.  A
 * feature an OS lacks returns 0 (harmless no-op) or -1 with ENOTSUP.
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stddef.h>

enum os_role {
	OS_ROLE_PRIV,		/* the root parent of miredo */
	OS_ROLE_ENGINE,		/* miredo's unprivileged engine */
	OS_ROLE_SERVER,		/* miredo-server after its sockets are open */
	OS_ROLE_RESOLVER,	/* miredo's DNS child: getaddrinfo() only */
	OS_ROLE_PORTMAP		/* miredo's port-mapping child: UPnP, NAT-PMP */
};

/* Tunnel.  want may be NULL or "" for a kernel-chosen name. */
int	 os_tun_open(const char *want, char *name, size_t namesz);
int	 os_tun_close(int fd, const char *name);	/* also destroys it */
/* One bare IPv6 packet: no AF/PI header ever reaches the caller. */
ssize_t	 os_tun_read(int fd, void *pkt, size_t len);
ssize_t	 os_tun_write(int fd, const void *pkt, size_t len);

/*
 * A tunnel with offloads (Linux: IFF_VNET_HDR and TUNSETOFFLOAD): opened
 * as by os_tun_open(), but every packet read or written carries a struct
 * gso_hdr (common/gso.h) in front; read, the packet may be a TCP (or UDP)
 * super-packet or lack its checksum, which gso_input() fixes.  *feat gets
 * the OS_TUN_* the kernel took.  Where the OS or the kernel has none: -1
 * (ENOTSUP where the OS has none): open a plain tunnel instead.
 */
#define OS_TUN_TSO	0x1		/* TCP segmentation and checksums */
#define OS_TUN_USO	0x2		/* UDP segmentation */
struct gso_hdr;
int	 os_tun_open_offload(const char *want, char *name, size_t namesz,
	    unsigned int *feat);
ssize_t	 os_tun_read_gso(int fd, struct gso_hdr *h, void *pkt, size_t len);
ssize_t	 os_tun_write_gso(int fd, const struct gso_hdr *h, const void *pkt,
	    size_t len);

/*
 * Never set DF on our UDP datagrams (RFC 4380 5.1.1: a Teredo datagram
 * may be fragmented on its way; a 1280-byte IPv6 packet must get
 * through whatever the IPv4 path MTU).  Where the kernel does not set DF
 * on UDP by default this is a no-op.
 */
int	 os_udp_nodf(int fd);

/*
 * Interface configuration (privileged), by interface index: the caller
 * resolves the name once (os_if_index) and keeps the index, so that a
 * request cannot reach another interface that took the name since.
 * Routes are added without replacing: a route to the same destination
 * with the same metric that exists already (on any interface) makes
 * os_route_add() fail with EEXIST and is left alone.  os_route_del()
 * removes only a route through ifindex.
 */
unsigned int os_if_index(const char *ifname);	/* 0 with errno on failure */
int	 os_if_set_mtu(unsigned int ifindex, unsigned int mtu);
int	 os_if_set_up(unsigned int ifindex, int up);
int	 os_addr_add(unsigned int ifindex, const struct in6_addr *addr,
	    unsigned int plen);
int	 os_addr_del(unsigned int ifindex, const struct in6_addr *addr,
	    unsigned int plen);
int	 os_route_add(unsigned int ifindex, const struct in6_addr *dst,
	    unsigned int plen, unsigned int metric);
int	 os_route_del(unsigned int ifindex, const struct in6_addr *dst,
	    unsigned int plen, unsigned int metric);

/*
 * Network-change monitor: a descriptor that becomes readable when an IPv4
 * address or route changes.  os_monitor_read() drains it and returns 1 if
 * something relevant changed, 0 if not, -1 on error.
 */
int	 os_monitor_open(void);
int	 os_monitor_read(int fd);

/*
 * Drop privileges for good: optional chroot (chrootdir may be NULL),
 * setgroups, setresgid, setresuid to pw, then verify that uid 0 cannot be
 * regained.  Returns -1 with errno on any failure.
 */
int	 os_privdrop(const struct passwd *pw, const char *chrootdir);
/*
 * The check of a chroot directory (os/safedir.c, all OSes): an absolute
 * path whose every directory up to / is root's and not writable by group
 * or others.  -1 with EINVAL (relative), ENOTDIR, EPERM or stat's errno.
 */
int	 os_safe_dir(const char *path);
/*
 * Enter the sandbox for a role (after privdrop, sockets already open).
 * Where the OS has a sandbox but this build lacks it (Linux without
 * libseccomp), returns -1 with ENOTSUP: the caller warns and goes on.
 */
int	 os_sandbox(enum os_role role);
/*
 * Before os_sandbox(): what a kept descriptor is still used for, where
 * the sandbox limits each descriptor's rights (Capsicum on FreeBSD).  A
 * negative fd is ignored.  Elsewhere a no-op returning 0.
 */
enum os_fd_use {
	OS_FD_TUN,		/* read and write packets */
	OS_FD_UDP,		/* send to and receive from any peer */
	OS_FD_CHAN,		/* the channel to priv */
	OS_FD_CTL		/* a listener: accept, send a reply */
};
int	 os_sandbox_fd(int fd, enum os_fd_use use);

/*
 * miredo-server's output to native IPv6: whole IPv6 packets, header
 * included, whose source is a Teredo client's address and not one of
 * ours (RFC 4380 5.3.1 and 5.2.9: a client's echo test to a native host;
 * the answer goes to the client through a relay, not back to us).  Two
 * ways, opened as root before the privilege drop:
 *  - OS_NATIVE_RAW: a raw AF_INET6 socket that takes the whole packet.
 *    Only Linux's IPPROTO_RAW does; on the BSDs and macOS the kernel
 *    always builds the IPv6 header itself (ip6(4)), so there it is
 *    ENOTSUP.
 *  - OS_NATIVE_TUNNEL: a tunnel interface of our own, brought up; a
 *    packet written to it enters the IP stack as if received on it, and
 *    the kernel forwards it, so IPv6 forwarding must be enabled.  Every
 *    OS has it (os/native_tun.c, on the os_tun_* functions above).
 * OS_NATIVE_AUTO is the OS's choice: RAW on Linux, TUNNEL elsewhere.
 */
enum os_native_kind {
	OS_NATIVE_AUTO,
	OS_NATIVE_RAW,
	OS_NATIVE_TUNNEL
};

struct os_native {
	int			 fd;		/* -1 when closed */
	enum os_native_kind	 kind;		/* RAW or TUNNEL once open */
	char			 name[32];	/* the tunnel's, or "" */
	/* TUNNEL: 1 if the kernel forwards IPv6, 0 if not, -1 unknown. */
	int			 forwarding;
};

/* Fills nat (fd -1 on failure).  Privileged. */
int	 os_native_open(struct os_native *nat, enum os_native_kind kind);
/* One packet; the kernel routes it on its destination. */
ssize_t	 os_native_send(const struct os_native *nat, const void *pkt,
	    size_t len);
/* Closes; a tunnel is also destroyed (privileged where the OS wants). */
int	 os_native_close(struct os_native *nat);

/* The backend's name, e.g. "linux", for -V. */
const char *os_name(void);

#endif /* OS_OS_H */
