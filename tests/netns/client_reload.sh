#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Our client changes servers on SIGHUP (issue 4): it qualifies against our
# miredo-server A (198.51.100.10/.11, tests/interop/topo.sh topology, our
# relay, one restricted NAT); ServerAddress is then changed to server B,
# Debian's miredo-server on 198.51.100.20/.21 in the same namespace, and
# SIGHUP must give an address whose server field is B, with the old
# address gone, one Teredo address and one default route on the tunnel,
# and ping6 to the native host working.  SIGTERM must then leave no
# tunnel, Teredo address, default route, pid file or process behind.
# Root only, and Debian's miredo-server is needed (77 otherwise).

srcdir=${srcdir:-$(dirname "$0")/../..}
export TOPO_BUILDDIR=${BUILDDIR:-$PWD}
export TOPO_P=mr$$
. "$srcdir/tests/interop/topo.sh"

SRV_B=198.51.100.20
why=$(topo_require) || { echo "SKIP: $why"; exit 77; }
[ -x "$TOPO_DEBIAN_SBIN/miredo-server" ] ||
    { echo "SKIP: no Debian miredo-server"; exit 77; }
for p in miredo miredo-server; do
	[ -x "$TOPO_BUILDDIR/$p" ] || { echo "FAIL: $p not built"; exit 1; }
done

fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() {	# check DESCRIPTION command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}

# server_of ADDR: the server field of a Teredo address.
server_of()
{
	teredo_decode "$1" | sed -n 's/.* server=\([^ ]*\) .*/\1/p'
}

# has_server IPV4: the client's (first) Teredo address names IPV4.
has_server()
{
	local a
	a=$(teredo_addr 1)
	[ -n "$a" ] && [ "$(server_of "$a")" = "$1" ]
}

# tunnel_addrs: the 2001::/32 addresses on the client's tunnel.
tunnel_addrs()
{
	ip -n "$TOPO_P-cl1" -6 addr show dev teredo 2>/dev/null |
	    awk '$1 == "inet6" && $2 ~ /^2001:/ { sub("/.*", "", $2); print $2 }'
}

# default_routes: default routes of the client's namespace via the tunnel.
default_routes()
{
	ip -n "$TOPO_P-cl1" -6 route show default 2>/dev/null | grep -c 'dev teredo'
}

logs()
{
	local f
	for f in server serverB relay client1; do
		echo "--- $f.log"
		tail -n 15 "$TOPO_DIR/$f.log" 2>/dev/null
	done
}

topo_init
t0=$(topo_now)
topo_up restricted none || { echo "FAIL: topology"; exit 1; }
start_server ours || { logs; echo "FAIL: our server did not start"; exit 1; }
start_relay ours || { logs; echo "FAIL: our relay did not start"; exit 1; }

# Server B: two more consecutive addresses in the server's namespace.
topo_addr srv inet "$SRV_B/24" 198.51.100.21/24 || exit 1
cat >"$TOPO_DIR/serverB.conf" <<EOF
ServerBindAddress $SRV_B
EOF
topo_start serverB srv debian miredo-server || exit 1
topo_wait_role serverB 5 sh -c "ip netns exec $TOPO_P-srv ss -Hlun \
    'src $SRV_B:3544' | grep -q ." ||
    { logs; echo "FAIL: Debian's server B did not start"; exit 1; }

# 1. Qualification against A.
start_client ours 1
if ! q=$(wait_qualified 1 10); then
	logs
	echo "FAIL: no qualification against server A"
	exit 1
fi
old=$(teredo_addr 1)
ok "qualified against A in $q s: $old"
check "address names server A ($(server_of "$old"))" has_server "$TOPO_SRV4"

# 2. ServerAddress changed to B, SIGHUP.
sed -i "s/^ServerAddress .*/ServerAddress $SRV_B/" "$TOPO_DIR/client1.conf"
pid=${TOPO_PID[client1]}
t1=$(topo_now)
kill -HUP "$pid"
if topo_wait_role client1 15 has_server "$SRV_B"; then
	new=$(teredo_addr 1)
	ok "re-qualified against B in $(topo_since "$t1") s: $new"
	echo "   $(teredo_decode "$new")"
else
	fail "no address with server B 15 s after SIGHUP"
	new=
fi
check "client still running" topo_alive client1
addrs=$(tunnel_addrs)
check "old address $old removed" \
    sh -c "! echo '$addrs' | grep -qx '$old'"
check "one Teredo address on the tunnel ($(echo $addrs))" \
    test "$(echo "$addrs" | grep -c .)" = 1
check "one default route via the tunnel" test "$(default_routes)" = 1
check "no route left for A's prefix" sh -c "! ip -n $TOPO_P-cl1 -6 route \
    show | grep -q '^2001:0:c633:640a:'"
check "ping6 client -> native host" check_ping cl1 "$TOPO_V6" 56
[ -z "$new" ] || check "ping6 native host -> client" check_ping v6 "$new" 56

# 3. SIGTERM: everything removed, by the daemon itself.
kill -TERM "$pid"
gone=0
for _ in $(seq 50); do
	kill -0 "$pid" 2>/dev/null || { gone=1; break; }
	sleep 0.1
done
if [ "$gone" = 1 ]; then
	wait "$pid"
	rc=$?
	check "exit status 0 after SIGTERM (got $rc)" test "$rc" = 0
	unset "TOPO_PID[client1]"
else
	fail "client still running 5 s after SIGTERM"
fi
check "no tunnel interface" sh -c "! ip -n $TOPO_P-cl1 link show teredo \
    >/dev/null 2>&1"
check "no Teredo address" sh -c "! ip -n $TOPO_P-cl1 -6 addr show |
    grep -q 'inet6 2001:'"
check "no default route via the tunnel" test "$(default_routes)" = 0
check "no pid file" test ! -e "$TOPO_DIR/client1.pid"
check "no process left in the client namespace" \
    test -z "$(ip netns pids "$TOPO_P-cl1")"

[ "$fails" = 0 ] || logs
stop_daemons
echo "$fails failed, in $(topo_since "$t0") s"
[ "$fails" = 0 ]
