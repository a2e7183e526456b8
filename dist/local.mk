# SPDX-License-Identifier: ISC
# Sample configurations and service files (included from man/local.mk).

docs_samples = dist/miredo.conf dist/miredo-server.conf
docs_dist_generated = dist/systemd/miredo.service \
	dist/systemd/miredo-server.service \
	dist/launchd/org.miredo.miredo.plist \
	dist/launchd/org.miredo.miredo-server.plist \
	dist/freebsd/miredo dist/freebsd/miredo_server \
	dist/openbsd/miredo dist/openbsd/miredo_server
# the engines' user for systemd-sysusers (helper "sec2"): for packagers,
# not installed by make install
docs_dist_generated += dist/systemd/miredo.sysusers
EXTRA_DIST += $(docs_samples) $(docs_dist_generated:=.in)
CLEANFILES += $(docs_dist_generated)
# Built with the programs so that tests and packagers find them.
nodist_noinst_DATA = $(docs_dist_generated)

# systemd units only with ./configure --with-systemdsystemunitdir[=DIR].
if HAVE_SYSTEMD
nodist_systemdsystemunit_DATA = dist/systemd/miredo.service \
	dist/systemd/miredo-server.service
endif

# Sample configurations: installed only where no file exists yet (an
# administrator's file is never overwritten), and uninstalled only when
# unchanged, so that distcheck's uninstall check passes and edited files
# survive.
install-data-local: install-docs-samples
uninstall-local: uninstall-docs-samples

install-docs-samples:
	$(MKDIR_P) '$(DESTDIR)$(sysconfdir)/miredo'
	@for f in $(docs_samples); do \
	  b=`basename $$f`; \
	  d='$(DESTDIR)$(sysconfdir)/miredo/'$$b; \
	  if test -f "$$d"; then \
	    echo "$$d exists: not overwritten (sample: $(srcdir)/$$f)"; \
	  else \
	    echo " $(INSTALL_DATA) $$f '$$d'"; \
	    $(INSTALL_DATA) $(srcdir)/$$f "$$d" || exit 1; \
	  fi; \
	done

uninstall-docs-samples:
	@for f in $(docs_samples); do \
	  b=`basename $$f`; \
	  d='$(DESTDIR)$(sysconfdir)/miredo/'$$b; \
	  if test -f "$$d" && cmp -s $(srcdir)/$$f "$$d"; then \
	    echo " rm -f '$$d'"; rm -f "$$d"; \
	  elif test -f "$$d"; then \
	    echo "$$d changed: kept"; \
	  fi; \
	done
	rmdir '$(DESTDIR)$(sysconfdir)/miredo' 2>/dev/null || :

.PHONY: install-docs-samples uninstall-docs-samples

# distcheck also installs the units, inside its own prefix.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$${libdir}/systemd/system'

# Debian packaging recipe (copied to debian/ by packagers and by
# tests/dist/deb.sh, which builds, lintians, installs and purges it).
EXTRA_DIST += dist/debian/changelog dist/debian/control \
	dist/debian/copyright dist/debian/rules dist/debian/source/format \
	dist/debian/miredo.postinst dist/debian/miredo.postrm
