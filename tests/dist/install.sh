#!/bin/sh
# SPDX-License-Identifier: ISC
# "make install DESTDIR=..." from the build directory installs the four
# programs, the six pages, the two samples (and the systemd units when
# configured) and nothing outside the configured directories; a second
# install keeps an edited sample; uninstall removes everything but the
# edited sample.  The systemd units pass "systemd-analyze verify" when
# that is available.  Run from the top build directory (make check).
: "${srcdir:=.}"
. ./tests/dist/dirs.sh || exit 1
tmp=`mktemp -d "${TMPDIR:-/tmp}/miredo-install.XXXXXX"` || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
root=$tmp/root
fail=0

# A nested make of this build directory, without the outer make's flags.
submake()
{
	(unset MAKEFLAGS MFLAGS MAKELEVEL
	    ${MAKE:-make} -s "$@" DESTDIR="$root") >>"$tmp/make.log" 2>&1
}

if ! submake install; then
	echo "FAIL: make install DESTDIR=$root"
	cat "$tmp/make.log"
	exit 1
fi

expect="$sbindir/miredo $sbindir/miredo-server $sbindir/miredo-checkconf
    $sbindir/miredo-status
    $mandir/man8/miredo.8 $mandir/man8/miredo-server.8
    $mandir/man8/miredo-checkconf.8 $mandir/man8/miredo-status.8
    $mandir/man5/miredo.conf.5
    $mandir/man5/miredo-server.conf.5
    $sysconfdir/miredo/miredo.conf $sysconfdir/miredo/miredo-server.conf"
test -n "$systemdsystemunitdir" && expect="$expect
    $systemdsystemunitdir/miredo.service
    $systemdsystemunitdir/miredo-server.service"
for f in $expect; do
	if ! test -f "$root$f"; then
		echo "FAIL: $f is not installed"
		fail=1
	fi
done
for p in miredo miredo-server miredo-checkconf miredo-status; do
	if ! test -x "$root$sbindir/$p"; then
		echo "FAIL: $sbindir/$p is not executable"
		fail=1
	fi
done

# Nothing outside the prefix (or sysconfdir and the unit directory, which
# configure may have put elsewhere).
find "$root" \( -type f -o -type l \) -print | sed "s|^$root||" >"$tmp/files"
while read -r f; do
	case $f in
	"$prefix"/*|"$sysconfdir"/*) ;;
	*)
		if test -z "$systemdsystemunitdir" ||
		    test "${f#"$systemdsystemunitdir"/}" = "$f"; then
			echo "FAIL: $f installed outside $prefix"
			fail=1
		fi ;;
	esac
done <"$tmp/files"

# The pages show the configured paths.
for p in "$root$mandir"/man*/miredo*; do
	if grep -n '@[A-Za-z_]*@' "$p"; then
		echo "FAIL: $p: placeholder left"
		fail=1
	fi
done
if ! grep -q "$sysconfdir/miredo/miredo.conf" "$root$mandir/man8/miredo.8"; then
	echo "FAIL: miredo.8 does not show $sysconfdir/miredo/miredo.conf"
	fail=1
fi

# The installed samples are identical to dist/ and valid for the
# installed miredo-checkconf.
for s in miredo.conf miredo-server.conf; do
	cmp "$srcdir/dist/$s" "$root$sysconfdir/miredo/$s" || fail=1
done
"$root$sbindir/miredo-checkconf" "$root$sysconfdir/miredo/miredo.conf" ||
    { echo "FAIL: installed miredo.conf rejected"; fail=1; }
"$root$sbindir/miredo-checkconf" -s \
    "$root$sysconfdir/miredo/miredo-server.conf" ||
    { echo "FAIL: installed miredo-server.conf rejected"; fail=1; }

# systemd units: checked against the installed programs.
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$tmp/units"
	for u in miredo.service miredo-server.service; do
		sed -e "s|$sbindir/|$root$sbindir/|g" \
		    -e "s|$sysconfdir/|$root$sysconfdir/|g" \
		    "dist/systemd/$u" >"$tmp/units/$u"
	done
	if ! SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
	    "$tmp/units/miredo.service" "$tmp/units/miredo-server.service" \
	    >"$tmp/verify" 2>&1 || test -s "$tmp/verify"; then
		echo "FAIL: systemd-analyze verify:"
		cat "$tmp/verify"
		fail=1
	else
		echo "ok: systemd-analyze verify"
	fi
else
	echo "SKIP: systemd-analyze not found: units not verified"
	# In CI nothing may skip (tests/all.sh).
	test "${CI:-}" = true && fail=1
fi

# An edited sample survives a second install and the uninstall.
echo "# edited" >>"$root$sysconfdir/miredo/miredo.conf"
cp "$root$sysconfdir/miredo/miredo.conf" "$tmp/edited"
if ! submake install || ! cmp -s "$tmp/edited" \
    "$root$sysconfdir/miredo/miredo.conf"; then
	echo "FAIL: a second install overwrote the edited miredo.conf"
	fail=1
fi
if ! submake uninstall; then
	echo "FAIL: make uninstall"
	cat "$tmp/make.log"
	exit 1
fi
find "$root" \( -type f -o -type l \) -print | sed "s|^$root||" >"$tmp/left"
if test "`cat "$tmp/left"`" != "$sysconfdir/miredo/miredo.conf"; then
	echo "FAIL: after uninstall, expected only the edited miredo.conf:"
	cat "$tmp/left"
	fail=1
fi
test $fail = 0 && echo "ok: install, reinstall, uninstall in $prefix"
exit $fail
