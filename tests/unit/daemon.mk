# SPDX-License-Identifier: ISC
# daemon unit tests: privsep messages, priv's request handling, daemonizing.
UNIT_TESTS += tests/unit/test_privmsg tests/unit/test_priv tests/unit/test_daemon
tests_unit_test_privmsg_SOURCES = tests/unit/test_privmsg.c tests/unit/tprivmsg.h
tests_unit_test_privmsg_LDADD = libcore.a
# priv.c against the in-memory OS backend
tests_unit_test_priv_SOURCES = tests/unit/test_priv.c tests/unit/tprivmsg.h \
	common/priv.c common/resolve.c common/hook.c tests/fake/os_fake.c
tests_unit_test_priv_LDADD = libcore.a
# pid file, detaching with a status pipe
tests_unit_test_daemon_SOURCES = tests/unit/test_daemon.c
tests_unit_test_daemon_LDADD = libcore.a
# status reports and the control socket (helper "status")
UNIT_TESTS += tests/unit/test_ctl
tests_unit_test_ctl_SOURCES = tests/unit/test_ctl.c
tests_unit_test_ctl_LDADD = libcore.a
# port: the priv<->engine channel's framing (common/chan.c)
UNIT_TESTS += tests/unit/test_chan
tests_unit_test_chan_SOURCES = tests/unit/test_chan.c
tests_unit_test_chan_LDADD = libcore.a
# machine-readable status: JSON writer, requests, paged peer walk
UNIT_TESTS += tests/unit/test_json
tests_unit_test_json_SOURCES = tests/unit/test_json.c
tests_unit_test_json_LDADD = libcore.a
# port mapping: the child's message, PRIV_MSG_PORTMAP, core_portmap()
UNIT_TESTS += tests/unit/test_portmap
tests_unit_test_portmap_SOURCES = tests/unit/test_portmap.c \
	tests/unit/core_fake.c tests/unit/core_fake.h
tests_unit_test_portmap_LDADD = libcore.a
# PCP (RFC 6887) MAP messages: build, every check of an answer
UNIT_TESTS += tests/unit/test_pcp
tests_unit_test_pcp_SOURCES = tests/unit/test_pcp.c
tests_unit_test_pcp_LDADD = libcore.a
