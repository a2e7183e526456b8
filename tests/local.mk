# SPDX-License-Identifier: ISC
# Tests: one fragment per layer.
include $(srcdir)/tests/unit/local.mk
include $(srcdir)/tests/conf/local.mk
include $(srcdir)/tests/sim/local.mk
include $(srcdir)/tests/netns/local.mk
include $(srcdir)/tests/interop/local.mk
include $(srcdir)/tests/fuzz/local.mk
include $(srcdir)/tests/dist/local.mk
include $(srcdir)/tests/hostile/local.mk
include $(srcdir)/tests/bench/local.mk
# Mutation testing, not part of make check (README: "more commands").
EXTRA_DIST += tests/mutate.sh tests/mutations.txt
# What make distcheck runs from the tarball (tests/all.sh): the tests
# that need no namespaces; the namespace tests ran on the same sources
# in build/, and tests/dist/tarball.sh checks that the tarball holds
# every file they need.
print-distcheck-tests:
	@echo $(filter-out tests/netns/% tests/interop/% tests/hostile/%,$(TESTS))
