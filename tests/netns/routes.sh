#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# miredo never takes over or removes another interface's route (H2 of
# ../shared/reviews/security-2026-12-02.md).  The client namespace has a
# veth rt0 with a route to 2001::/32 (metric 1024, the relay's) and a
# default route (metric 1029, the client's) through 2001:db8::1.  A
# client (against our miredo-server in the server namespace) and then a
# relay start and stop: `ip -6 route show` must be the same before,
# during (for rt0) and after.  Without those routes, the client's default
# route and the relay's 2001::/32 are on the tunnel while it runs, and
# gone after it stops.  Root only (77 otherwise).

[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
command -v ip >/dev/null 2>&1 || { echo "SKIP: no ip"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
MIREDO=${MIREDO:-${builddir:-.}/miredo}
SERVER=${MIREDO_SERVER_OURS:-${builddir:-.}/miredo-server}
for p in "$MIREDO" "$SERVER"; do
	[ -x "$p" ] || { echo "FAIL: $p not built"; exit 1; }
done
MIREDO=$(cd "$(dirname "$MIREDO")" && pwd)/$(basename "$MIREDO")
SERVER=$(cd "$(dirname "$SERVER")" && pwd)/$(basename "$SERVER")

NS=mtrt$$
NSS=mtrt$$-srv
IF=teredo
. "$(dirname "$0")/lib.sh" || exit 99
SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID"
	netns_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM
netns_pair mtrt
PIDF=$TMPD/miredo.pid

nsrun() { ip netns exec "$NS" "$@"; }
routes() { ip -n "$NS" -6 route show; }
routes_rt0() { ip -n "$NS" -6 route show dev rt0; }
has_route() { ip -n "$NS" -6 route show | grep -q -- "$1"; }

# The other interface and its routes, with the metrics miredo uses.
foreign_routes() {
	ip -n "$NS" link add rt0 type veth peer name rt1
	ip -n "$NS" addr add 2001:db8::2/64 dev rt0 nodad
	ip -n "$NS" link set rt0 up
	ip -n "$NS" link set rt1 up
	ip -n "$NS" -6 route add 2001::/32 via 2001:db8::1 dev rt0 metric 1024
	ip -n "$NS" -6 route add default via 2001:db8::1 dev rt0 metric 1029
}

echo "ServerBindAddress 192.0.2.20" > "$TMPD/server.conf"
ip netns exec "$NSS" "$SERVER" -f -c "$TMPD/server.conf" \
    -p "$TMPD/server.pid" -u nobody > "$TMPD/server.log" 2>&1 &
SPID=$!
cat > "$TMPD/client.conf" <<EOC
InterfaceName $IF
ServerAddress 192.0.2.20
EOC
cat > "$TMPD/relay.conf" <<EOC
RelayType relay
InterfaceName $IF
BindAddress 192.0.2.10
EOC

# run ROLE: start miredo with ROLE.conf, in the foreground for its log;
# DPID is its pid.
run() {
	rm -f "$PIDF"
	ip netns exec "$NS" "$MIREDO" -f -c "$TMPD/$1.conf" -p "$PIDF" \
	    -u nobody > "$TMPD/$1.out" 2>&1 &
	DPID=$!
	wait_for 10 grep -q "started on" "$TMPD/$1.out" ||
	    fail "$1 did not start"
}
# stop: SIGTERM, and wait until it is gone (a zombie: our child) with
# its interface.
stop() {
	kill -TERM "$DPID"
	if wait_for 10 sh -c "! grep -q '^State:.*[RSDT]' \
	    /proc/$DPID/status 2>/dev/null && \
	    ! ip -n $NS link show $IF >/dev/null 2>&1"; then
		wait "$DPID"
	else
		fail "miredo (pid $DPID) did not stop"
	fi
}
qualified() {
	ip -n "$NS" -6 addr show dev "$IF" 2>/dev/null |
	    grep -q 'inet6 2001:0:c000:214:.*/32'
}

# 1. Our routes when nobody else has any: there while up, gone after.
run client
check "client qualifies" wait_for 15 qualified
check "client: default route metric 1029 via $IF" \
    has_route "^default dev $IF proto static metric 1029"
stop
check "client: no route via $IF after stop" sh -c "! ip -n $NS -6 route \
    show | grep -q 'dev $IF'"
run relay
check "relay: 2001::/32 metric 1024 via $IF" wait_for 5 \
    has_route "^2001::/32 dev $IF proto static metric 1024"
stop
check "relay: no route via $IF after stop" sh -c "! ip -n $NS -6 route \
    show | grep -q 'dev $IF'"

# 2. The same with the other interface's routes in place.
foreign_routes
before=$(routes)
before_rt0=$(routes_rt0)
echo "routes before:"
echo "$before" | sed 's/^/    /'
check "the other interface has both routes" sh -c \
    "echo '$before_rt0' | grep -q '^2001::/32 via 2001:db8::1 metric 1024' &&
    echo '$before_rt0' | grep -q '^default via 2001:db8::1 metric 1029'"

run client
check "client qualifies (other default route present)" wait_for 15 qualified
check "client: rt0's routes unchanged while it runs" \
    test "$(routes_rt0)" = "$before_rt0"
check "client: no default route via $IF (not taken over)" \
    sh -c "! ip -n $NS -6 route show default | grep -q 'dev $IF'"
stop
check "client: the client says why it has no default route" \
    grep -q "route to ::/0 with metric 1029 exists already" \
    "$TMPD/client.out"
after=$(routes)
check "client: ip -6 route show is the same after stop" \
    test "$after" = "$before"

run relay
check "relay: rt0's routes unchanged while it runs" wait_for 2 \
    sh -c "[ \"\$(ip -n $NS -6 route show dev rt0)\" = '$before_rt0' ] &&
    ip -n $NS -6 addr show dev $IF | grep -q fe80::ffff:ffff:ffff"
check "relay: no 2001::/32 via $IF (not taken over)" \
    sh -c "! ip -n $NS -6 route show | grep -q '^2001::/32 dev $IF'"
stop
check "relay: it says why it has no route to the prefix" \
    grep -q "route to 2001::/32 with metric 1024 exists already" \
    "$TMPD/relay.out"
after=$(routes)
check "relay: ip -6 route show is the same after stop" \
    test "$after" = "$before"

if [ "$failures" != 0 ]; then
	echo "routes after:"
	echo "$after" | sed 's/^/    /'
	for f in client.out relay.out server.log; do
		echo "--- $f"
		tail -n 20 "$TMPD/$f"
	done
	echo "$failures check(s) failed"
	exit 1
fi
echo "all route checks passed"
