# SPDX-License-Identifier: ISC
# server unit tests
UNIT_TESTS += tests/unit/test_server
tests_unit_test_server_SOURCES = tests/unit/test_server.c
tests_unit_test_server_LDADD = libcore.a
