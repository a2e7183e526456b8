# SPDX-License-Identifier: ISC
# offload: the tunnel's super-packets split and checksummed (common/gso.c)
UNIT_TESTS += tests/unit/test_gso
tests_unit_test_gso_SOURCES = tests/unit/test_gso.c common/gso.c common/gso.h
tests_unit_test_gso_LDADD = libcore.a
