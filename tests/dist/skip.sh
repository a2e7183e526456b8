# SPDX-License-Identifier: ISC
# Sourced by tests/dist scripts: skip "REASON" exits 77, or 1 with CI=true
# (in CI nothing may skip).
skip()
{
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $* (and CI=true)"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}
