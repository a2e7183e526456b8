# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# lib.sh: what lifecycle.sh and status.sh share, sourced by bash once
# they have set NS and NSS (names unique per run, with $$): the clean-up
# of both namespaces, of what runs in them and of $TMPD; the set-up of a
# client namespace $NS joined to a server namespace $NSS by a veth pair
# (v0 192.0.2.10 in $NS, s0 192.0.2.20 and .21 in $NSS); and the check
# helpers, which count failures in $failures.

TMPD=

# netns_cleanup: kill what runs in $NS and $NSS, delete both, remove $TMPD.
netns_cleanup() {
	local p
	for p in $(ip netns pids "$NS" 2>/dev/null) \
	    $(ip netns pids "$NSS" 2>/dev/null); do
		kill -9 "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NSS" 2>/dev/null
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}

# netns_pair TAG: the two namespaces, the veth pair between them, and
# $TMPD=/tmp/TAG.XXXXXX (mode 755: the unprivileged engine reads it).
netns_pair() {
	ip netns add "$NS" || { echo "SKIP: cannot create a namespace"; exit 77; }
	ip netns add "$NSS" || exit 1
	TMPD=$(mktemp -d "/tmp/$1.XXXXXX") || exit 1
	chmod 755 "$TMPD"
	ip -n "$NS" link set lo up
	ip -n "$NSS" link set lo up
	ip -n "$NS" link add v0 type veth peer name s0 netns "$NSS"
	ip -n "$NS" addr add 192.0.2.10/24 dev v0
	ip -n "$NSS" addr add 192.0.2.20/24 dev s0
	ip -n "$NSS" addr add 192.0.2.21/24 dev s0
	ip -n "$NS" link set v0 up
	ip -n "$NSS" link set s0 up
}

. "$(dirname "$0")/checks.sh"
