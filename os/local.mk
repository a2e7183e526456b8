# SPDX-License-Identifier: ISC
# The OS backend: exactly one is built, chosen by configure.
noinst_LIBRARIES += libos.a
libos_a_SOURCES = os/os.h
libos_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
if OS_LINUX
libos_a_SOURCES += os/linux/tun.c os/linux/ifconf.c os/linux/priv.c os/linux/monitor.c
endif
if OS_FREEBSD
libos_a_SOURCES += os/freebsd/tun.c os/freebsd/ifconf.c os/freebsd/priv.c
endif
if OS_DARWIN
libos_a_SOURCES += os/darwin/tun.c os/darwin/ifconf.c os/darwin/priv.c
endif
if OS_OPENBSD
libos_a_SOURCES += os/openbsd/tun.c os/openbsd/ifconf.c os/openbsd/priv.c
endif
EXTRA_DIST += os/freebsd os/darwin os/openbsd
