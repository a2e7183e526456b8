# SPDX-License-Identifier: ISC
# os unit tests.  The in-memory OS (tests/fake/os_fake.c) stands in for
# libos.a in engine and priv tests: link it, and never libos.a with it.
UNIT_TESTS += tests/unit/test_os_fake
tests_unit_test_os_fake_SOURCES = tests/unit/test_os_fake.c \
	tests/fake/os_fake.c tests/fake/os_fake.h
# The BSD/macOS tunnel header is OS-neutral code: tested on every OS.
UNIT_TESTS += tests/unit/test_tunhdr
tests_unit_test_tunhdr_SOURCES = tests/unit/test_tunhdr.c os/tunhdr.c os/tunhdr.h
# Cross-check of the macOS backend with zig (by hand, not in make check).
EXTRA_DIST += tests/cross/darwin.sh tests/cross/darwin-shim tests/cross/targets.sh
# The BSD/macOS privilege drop against recorder fakes of the set*id calls
# (one source, one program per backend: see the test's header comment).
UNIT_TESTS += tests/unit/test_priv_freebsd tests/unit/test_priv_openbsd \
	tests/unit/test_priv_darwin
tests_unit_test_priv_freebsd_SOURCES = tests/unit/test_bsd_priv.c
tests_unit_test_priv_freebsd_CPPFLAGS = $(AM_CPPFLAGS) -DPRIV_OS=1
tests_unit_test_priv_openbsd_SOURCES = tests/unit/test_bsd_priv.c
tests_unit_test_priv_openbsd_CPPFLAGS = $(AM_CPPFLAGS) -DPRIV_OS=2
tests_unit_test_priv_darwin_SOURCES = tests/unit/test_bsd_priv.c
tests_unit_test_priv_darwin_CPPFLAGS = $(AM_CPPFLAGS) -DPRIV_OS=3
# port: FreeBSD's Capsicum rights per descriptor, against a stand-in of
# <sys/capsicum.h> (tests/fake/capsicum)
UNIT_TESTS += tests/unit/test_capsicum
tests_unit_test_capsicum_SOURCES = tests/unit/test_capsicum.c
tests_unit_test_capsicum_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(srcdir)/tests/fake/capsicum
EXTRA_DIST += tests/fake/capsicum/sys/capsicum.h
# port: the OS-neutral tests against the BSD headers (tests/all.sh)
EXTRA_DIST += tests/cross/unit_headers.sh
# What the BSD/macOS backends hand the kernel (routing-socket sockaddrs,
# in6_aliasreq), byte by byte per OS: os/bsd/rtmsg.c is OS-neutral.
UNIT_TESTS += tests/unit/test_bsd_rtmsg
tests_unit_test_bsd_rtmsg_SOURCES = tests/unit/test_bsd_rtmsg.c \
	os/bsd/rtmsg.c os/bsd/rtmsg.h
