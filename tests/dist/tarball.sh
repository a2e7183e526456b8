#!/bin/sh
# SPDX-License-Identifier: ISC
# The release tarball holds every file of the repository but the ones
# listed below (which only make sense in a git checkout), so that what
# make distcheck does not run from it (the namespace tests: tests/all.sh
# runs them in build/) still has everything it needs there.
# Usage: tests/dist/tarball.sh miredo-X.Y.Z.tar.gz   (from the top of a
# git checkout; tests/all.sh runs it after make distcheck).
not_shipped='.ci/run
.gitignore
m4/.keep'
tarball=$1
if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
	echo "usage: $0 TARBALL" >&2
	exit 2
fi
if ! git rev-parse --show-toplevel >/dev/null 2>&1; then
	echo "tarball.sh: not in a git checkout" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/miredo-tarball.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
tar -tzf "$tarball" >"$tmp/list" || exit 1
# Paths without the leading miredo-X.Y.Z/ directory, files only.
sed -n 's|^[^/]*/||; /[^/]$/p' "$tmp/list" | sort >"$tmp/shipped"
git ls-files | sort >"$tmp/tracked"
printf '%s\n' "$not_shipped" | sort >"$tmp/excluded"
comm -23 "$tmp/tracked" "$tmp/shipped" | comm -23 - "$tmp/excluded" \
    >"$tmp/missing"
fail=0
if [ -s "$tmp/missing" ]; then
	echo "FAIL: tracked files missing from $tarball (add them to EXTRA_DIST):"
	sed 's/^/  /' "$tmp/missing"
	fail=1
fi
# An exclusion that no longer exists, or is shipped after all, is stale.
comm -23 "$tmp/excluded" "$tmp/tracked" >"$tmp/stale"
comm -12 "$tmp/excluded" "$tmp/shipped" >>"$tmp/stale"
if [ -s "$tmp/stale" ]; then
	echo "FAIL: stale entries in tarball.sh's list of files not shipped:"
	sed 's/^/  /' "$tmp/stale"
	fail=1
fi
[ $fail = 0 ] && echo "ok: $(wc -l <"$tmp/tracked") tracked files, all shipped but $(wc -l <"$tmp/excluded")"
exit $fail
