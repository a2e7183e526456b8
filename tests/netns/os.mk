# SPDX-License-Identifier: ISC
# The OS backend against the real kernel (root; skips with 77 otherwise).
check_PROGRAMS += tests/netns/os_driver
tests_netns_os_driver_SOURCES = tests/netns/os_driver.c
tests_netns_os_driver_LDADD = libos.a $(SECCOMP_LIBS)
dist_noinst_SCRIPTS += tests/netns/os_linux.sh
if OS_LINUX
TESTS += tests/netns/os_linux.sh
endif
