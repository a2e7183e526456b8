# SPDX-License-Identifier: ISC
# The OS backend: exactly one is built, chosen by configure.
noinst_LIBRARIES += libos.a
libos_a_SOURCES = os/os.h
# miredo-server's native IPv6 output through a tunnel: every backend has
# it (os/native_tun.c); Linux adds its raw socket (os/linux/native.c).
libos_a_SOURCES += os/native.h os/native_tun.c
libos_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
if OS_LINUX
libos_a_SOURCES += os/linux/tun.c os/linux/ifconf.c os/linux/priv.c \
	os/linux/monitor.c os/linux/sandbox.c
libos_a_SOURCES += os/linux/native.c
endif
# The BSDs and macOS share os/bsd/ (addresses, routes, monitor, privilege
# drop, tunnel I/O) and the 4-byte tunnel header code; os/<os>/ holds what
# differs, through the per-OS hooks declared in os/bsd/bsd.h.
BSD_COMMON = os/bsd/bsd.h os/bsd/ifconf.c os/bsd/monitor.c \
	os/bsd/privdrop.c os/bsd/tun.c os/tunhdr.c os/tunhdr.h \
	os/bsd/native.c os/bsd/rtmsg.c os/bsd/rtmsg.h
if OS_FREEBSD
libos_a_SOURCES += os/freebsd/tun.c os/freebsd/ifconf.c os/freebsd/priv.c \
	os/freebsd/sandbox.c $(BSD_COMMON) os/bsd/resid.c
endif
if OS_DARWIN
libos_a_SOURCES += os/darwin/tun.c os/darwin/ifconf.c os/darwin/priv.c \
	$(BSD_COMMON)
endif
if OS_OPENBSD
libos_a_SOURCES += os/openbsd/tun.c os/openbsd/ifconf.c os/openbsd/priv.c \
	$(BSD_COMMON) os/bsd/resid.c
endif
# the chroot directory check, the same on every OS (helper "sec2")
libos_a_SOURCES += os/safedir.c
# automake ships the sources of every branch above, built or not, so the
# tarball has all backends; no EXTRA_DIST of whole directories, which
# would also pick up the build tree's os/*/.deps.
