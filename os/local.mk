# SPDX-License-Identifier: ISC
# The OS backend: exactly one is built, chosen by configure.
noinst_LIBRARIES += libos.a
libos_a_SOURCES = os/os.h
libos_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
if OS_LINUX
libos_a_SOURCES += os/linux/tun.c os/linux/ifconf.c os/linux/priv.c \
	os/linux/monitor.c os/linux/sandbox.c
endif
# The BSDs and macOS share only the 4-byte tunnel header code.
if OS_FREEBSD
libos_a_SOURCES += os/freebsd/tun.c os/freebsd/ifconf.c os/freebsd/priv.c \
	os/freebsd/monitor.c os/tunhdr.c os/tunhdr.h
endif
if OS_DARWIN
libos_a_SOURCES += os/darwin/tun.c os/darwin/ifconf.c os/darwin/priv.c \
	os/darwin/monitor.c os/tunhdr.c os/tunhdr.h
endif
if OS_OPENBSD
libos_a_SOURCES += os/openbsd/tun.c os/openbsd/ifconf.c os/openbsd/priv.c \
	os/openbsd/monitor.c os/tunhdr.c os/tunhdr.h
endif
EXTRA_DIST += os/freebsd os/darwin os/openbsd
