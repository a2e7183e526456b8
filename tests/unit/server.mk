# SPDX-License-Identifier: ISC
# server unit tests: UNIT_TESTS += tests/unit/test_x; tests_unit_test_x_SOURCES = ...; tests_unit_test_x_LDADD = libcore.a
