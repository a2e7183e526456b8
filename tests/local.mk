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
# The tests, for tests/all.sh: make distcheck runs those that need no
# namespaces from the tarball (the namespace tests ran on the same
# sources in build/, and tests/dist/tarball.sh checks that the tarball
# holds every file they need).
print-tests:
	@for t in $(TESTS); do echo "$$t"; done
