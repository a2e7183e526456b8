# SPDX-License-Identifier: ISC
# Unit tests: each area has its own fragment.  Tests listed in UNIT_TESTS
# are also run under ASan+UBSan by `make check-unit`.
UNIT_TESTS =
EXTRA_DIST += tests/unit/t.h
include $(srcdir)/tests/unit/foundation.mk
include $(srcdir)/tests/unit/codec.mk
include $(srcdir)/tests/unit/core.mk
include $(srcdir)/tests/unit/server.mk
include $(srcdir)/tests/unit/daemon.mk
include $(srcdir)/tests/unit/os.mk
include $(srcdir)/tests/unit/perf.mk
include $(srcdir)/tests/unit/security.mk
include $(srcdir)/tests/unit/offload.mk
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

check-unit: $(UNIT_TESTS)
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(UNIT_TESTS)"
.PHONY: check-unit
