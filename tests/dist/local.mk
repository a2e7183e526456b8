# SPDX-License-Identifier: ISC
# Manual pages, samples, service files and installation (helper "docs").
# The scripts run from the top build directory with $srcdir set.
DOCS_TESTS = tests/dist/manlint.sh tests/dist/examples.sh \
	tests/dist/services.sh tests/dist/install.sh \
	tests/dist/seccomp_required.sh
TESTS += $(DOCS_TESTS)
EXTRA_DIST += $(DOCS_TESTS) tests/dist/dirs.sh.in
# The configured installation directories, for install.sh.
nodist_check_DATA = tests/dist/dirs.sh
CLEANFILES += tests/dist/dirs.sh
tests/dist/dirs.sh: $(srcdir)/tests/dist/dirs.sh.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tests/dist && \
	$(docs_subst) < $(srcdir)/tests/dist/dirs.sh.in > $@.tmp && \
	mv -f $@.tmp $@
# The launchd, FreeBSD and OpenBSD service files against what their
# service managers require (helper "srv"; own DTD of the plist format).
TESTS += tests/dist/platforms.sh
EXTRA_DIST += tests/dist/platforms.sh tests/dist/plist-1.0.dtd
# The FreeBSD port skeleton's pkg-plist against make install (helper "pkg").
TESTS += tests/dist/port.sh
EXTRA_DIST += tests/dist/port.sh dist/freebsd/port/Makefile \
	dist/freebsd/port/pkg-plist dist/freebsd/port/pkg-descr \
	dist/freebsd/port/distinfo
# The Debian package from the release tarball (run by tests/all.sh after
# make distcheck, with its tarball; it needs root and builds everything).
EXTRA_DIST += tests/dist/deb.sh tests/dist/tarball.sh
# Messages name the program and role (root; namespaces with only lo).
TESTS += tests/dist/messages.sh
EXTRA_DIST += tests/dist/messages.sh tests/dist/skip.sh
