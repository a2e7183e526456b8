# SPDX-License-Identifier: ISC
# The privilege boundary (issue 13; helper "sec2"): priv's real loop
# (supervise.c, priv.c, hook.c) against a fake engine that sends forbidden
# requests, with the in-memory OS backend, over the real channel
# (common/chan.c, in libcore).
UNIT_TESTS += tests/unit/test_supervise
tests_unit_test_supervise_SOURCES = tests/unit/test_supervise.c \
	common/supervise.c common/priv.c common/resolve.c common/hook.c \
	tests/fake/os_fake.c
tests_unit_test_supervise_LDADD = libcore.a
# supervise.c runs the port-mapping child
tests_unit_test_supervise_SOURCES += common/portmap.c common/portmap_child.c \
	common/portmap_pcp.c
tests_unit_test_supervise_LDADD += $(MINIUPNPC_LIBS) $(NATPMP_LIBS)
# miredo-status's copy of the engine's report (L5)
UNIT_TESTS += tests/unit/test_ctl_vis
tests_unit_test_ctl_vis_SOURCES = tests/unit/test_ctl_vis.c
tests_unit_test_ctl_vis_LDADD = libcore.a
# the chroot directory check, up to / (L10)
UNIT_TESTS += tests/unit/test_safedir
tests_unit_test_safedir_SOURCES = tests/unit/test_safedir.c
tests_unit_test_safedir_LDADD = libos.a $(SECCOMP_LIBS)
# a global budget for the path tests' bubbles (L6)
UNIT_TESTS += tests/unit/test_core_limits
tests_unit_test_core_limits_SOURCES = tests/unit/test_core_limits.c \
	tests/unit/core_fake.c tests/unit/core_fake.h
tests_unit_test_core_limits_LDADD = libcore.a
