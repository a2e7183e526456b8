#!/bin/sh
# SPDX-License-Identifier: ISC
# The generated service files: rc.d scripts parse as shell, launchd
# property lists are well-formed XML, and no @placeholder@ is left.
# (The systemd units are verified by install.sh against installed
# programs.)  Run from the top build directory.
fail=0
files="dist/systemd/miredo.service dist/systemd/miredo-server.service
    dist/launchd/org.miredo.miredo.plist
    dist/launchd/org.miredo.miredo-server.plist
    dist/freebsd/miredo dist/freebsd/miredo_server
    dist/openbsd/miredo dist/openbsd/miredo_server"
for f in $files; do
	if ! test -f "$f"; then
		echo "FAIL: $f was not built"
		fail=1
		continue
	fi
	if grep -n '@[A-Za-z_]*@' "$f"; then
		echo "FAIL: $f: placeholder left"
		fail=1
	fi
	case $f in
	dist/freebsd/*|dist/openbsd/*)
		if ! test -x "$f" || ! sh -n "$f"; then
			echo "FAIL: $f is not an executable shell script"
			fail=1
		fi ;;
	*.plist)
		if command -v xmllint >/dev/null 2>&1; then
			xmllint --noout "$f" || fail=1
		elif command -v python3 >/dev/null 2>&1; then
			python3 -c 'import sys, plistlib
plistlib.load(open(sys.argv[1], "rb"))' "$f" || fail=1
		else
			echo "SKIP: $f not checked (no xmllint, no python3)"
			# In CI nothing may skip (tests/all.sh).
			test "${CI:-}" = true && fail=1
		fi ;;
	esac
done
test $fail = 0 && echo "ok: service files"
exit $fail
