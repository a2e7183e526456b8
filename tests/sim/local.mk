# SPDX-License-Identifier: ISC
# The in-process simulation: client, NATs, server, relay and a native host
# on a fake clock over the real cores (no root).  Only in UNIT_TESTS:
# tests/unit/local.mk already adds UNIT_TESTS to check_PROGRAMS and TESTS
# (listing it there again would run and count it twice), and
# `make check-unit` runs it under ASan+UBSan.
SIM_TESTS = tests/sim/test_sim
UNIT_TESTS += $(SIM_TESTS)
tests_sim_test_sim_SOURCES = tests/sim/test_sim.c tests/sim/scen_maint.c \
	tests/sim/scen_limits.c tests/sim/scen_relay.c tests/sim/scen_sym.c \
	tests/sim/net.c \
	tests/sim/nodes.c tests/sim/echo.c tests/sim/sim.h tests/sim/scen.h
tests_sim_test_sim_LDADD = libcore.a
