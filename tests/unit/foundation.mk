# SPDX-License-Identifier: ISC
# foundation unit tests: configuration parser, command line, logger, compat
UNIT_TESTS += tests/unit/test_conf tests/unit/test_cmdline tests/unit/test_compat \
	tests/unit/test_log
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c tests/unit/tcapture.h
tests_unit_test_conf_LDADD = libcore.a
tests_unit_test_cmdline_SOURCES = tests/unit/test_cmdline.c
tests_unit_test_cmdline_LDADD = libcore.a
tests_unit_test_compat_SOURCES = tests/unit/test_compat.c
tests_unit_test_compat_LDADD = libcore.a
tests_unit_test_log_SOURCES = tests/unit/test_log.c tests/unit/tcapture.h
tests_unit_test_log_LDADD = libcore.a
