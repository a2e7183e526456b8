# SPDX-License-Identifier: ISC
# Manual pages, sample configurations and service files (helper "docs").
# Pages and service files are generated from *.in at build time so that
# they show the configured paths; the .in files are what gets shipped.

# The [@] keeps config.status from substituting these patterns here.
docs_subst = sed \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@runstatedir[@]|$(runstatedir)|g' \
	-e 's|@localstatedir[@]|$(localstatedir)|g' \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@prefix[@]|$(prefix)|g' \
	-e 's|@exec_prefix[@]|$(exec_prefix)|g' \
	-e 's|@mandir[@]|$(mandir)|g' \
	-e 's|@systemdsystemunitdir[@]|$(systemdsystemunitdir)|g' \
	-e 's|@miredo_user[@]|$(miredo_user)|g' \
	-e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g'

man_MANS = man/miredo.8 man/miredo-server.8 man/miredo-checkconf.8 \
	man/miredo.conf.5 man/miredo-server.conf.5
# miredo-status(8) (helper "status")
man_MANS += man/miredo-status.8
EXTRA_DIST += $(man_MANS:=.in)
CLEANFILES += $(man_MANS)

include $(srcdir)/dist/local.mk

# Every generated file depends on all the .in files and on Makefile (the
# paths); regenerating all of them is cheap.
docs_generated = $(man_MANS) $(docs_dist_generated)
$(docs_generated): $(docs_generated:=.in) Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	$(docs_subst) < $(srcdir)/$@.in > $@.tmp && \
	if test -x $(srcdir)/$@.in; then chmod +x $@.tmp; fi && \
	mv -f $@.tmp $@
