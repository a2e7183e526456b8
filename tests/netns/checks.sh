# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# checks.sh: the check helpers of the namespace tests (sourced by bash):
# ok, fail (counts in $failures), check DESCRIPTION COMMAND..., and
# wait_for SECONDS COMMAND... (polls every 0.1 s until COMMAND succeeds).

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
check() {	# check DESCRIPTION command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
