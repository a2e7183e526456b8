#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Tunnel offloads (Linux, common/gso.c) through the whole system: a native
# host, our relay, a NAT and our client (tests/interop/topo.sh), both
# tunnels opened with IFF_VNET_HDR and TSO.  A TCP transfer of $MB MB
# (default 100) in each direction must arrive intact (sha256) while pings
# of several sizes and small UDP datagrams cross at the same time; the
# status of the daemon that encapsulates it (the relay one way, the client
# the other) must show super-packets split into segments, and every TCP
# retransmission must be explained by a counted socket-buffer overflow.
# Runs of datagrams sent with UDP GSO; a UDP GSO socket's sends where the
# kernel has USO on the tunnel.  Then a kernel that refuses the
# offloads (tests/netns/old_tun.so): both fall back to the plain tunnel.
# Root only (77).

here=$(cd "$(dirname "$0")" && pwd)
TOPO_P=off$$
TOPO_BUILDDIR=$(cd "${builddir:-.}" && pwd)
TOPO_TOOLS="ip nft ping nc sha256sum timeout awk ss python3"
. "$here/../interop/topo.sh" || exit 99
MB=${MB:-100}
STATUS=$TOPO_BUILDDIR/miredo-status

if ! why=$(topo_require); then
	echo "SKIP: $why"
	exit 77
fi
for p in miredo miredo-server miredo-status tests/netns/old_tun.so; do
	[ -x "$TOPO_BUILDDIR/$p" ] || { echo "FAIL: $p not built"; exit 1; }
done

fail=0
pass() { echo "PASS: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# counter ROLE NAME: a number from the daemon's status report.
counter() {
	"$STATUS" -s "$TOPO_DIR/$1.ctl" 2>/dev/null |
	    awk -v k="$2:" '$1 == k { print $2 }'
}

reports() { "$STATUS" -s "$TOPO_DIR/$1.ctl" >/dev/null 2>&1; }

# The feature is the kernel's: without it both daemons run plain.
offloaded() {
	"$STATUS" -s "$TOPO_DIR/$1.ctl" 2>/dev/null |
	    grep -Eq '^tun-offload: tcp'
}

# tcpstat NS NAME: a kernel counter of the namespace (fresh: from zero).
tcpstat() {
	nsx "$1" nstat -asz "$2" 2>/dev/null | awk -v k="$2" '$1 == k { print $2 }'
}

# clean_mark FROM DECAP / clean FROM TO DECAP: between the two, every
# TCP retransmission (but a few) is explained by a datagram the daemon
# that decapsulates (in DECAP) had no room for: a segment cut wrong is
# dropped or ignored by the receiver and sent again, so the data would
# still arrive intact, only slowly.  And the receiver saw no checksum
# error.
clean_mark() {
	R0=$(tcpstat "$1" TcpRetransSegs)
	D0=$(tcpstat "$2" UdpRcvbufErrors)
}
clean() {
	local r d c
	r=$(( $(tcpstat "$1" TcpRetransSegs) - R0 ))
	d=$(( $(tcpstat "$3" UdpRcvbufErrors) - D0 ))
	c=$(tcpstat "$2" TcpInCsumErrors)
	echo "$1 -> $2: $r segments retransmitted, $d datagrams over" \
	    "the decapsulator's socket buffer, ${c:-?} checksum errors"
	[ "${c:-1}" = 0 ] && [ "$r" -le "$((d + MB * 2))" ]
}

# xfer FROM TO ADDR: $MB MB of random data over TCP, compared by sha256.
xfer() {
	local from=$1 to=$2 addr=$3 port=5003 lpid rc=0
	rm -f "$TOPO_DIR/recv"
	nsx "$to" timeout 120 nc -6 -l "$port" </dev/null \
	    >"$TOPO_DIR/recv" 2>/dev/null &
	lpid=$!
	if ! topo_wait 5 topo_tcp_listening "$to" "$port"; then
		kill "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
		return 1
	fi
	nsx "$from" timeout 120 nc -6 -N -w 10 "$addr" "$port" \
	    <"$DATA" 2>>"$TOPO_DIR/topo.log" || rc=1
	[ "$rc" = 0 ] || topo_kill_listener "$to" "$port"
	wait "$lpid" || rc=1
	echo "$(stat -c %s "$TOPO_DIR/recv") bytes received" >>"$TOPO_DIR/topo.log"
	[ "$rc" = 0 ] &&
	    [ "$(sha256sum <"$DATA")" = "$(sha256sum <"$TOPO_DIR/recv")" ]
}

# Small traffic alongside: pings of three sizes, and 200 UDP datagrams of
# 1 to 200 bytes to an echo server; counts in $TOPO_DIR/small.$FROM.
small_start() {
	local from=$1 to=$2 addr=$3
	nsx "$to" python3 "$here/udp_echo.py" server 5004 \
	    >/dev/null 2>&1 &
	echo $! >"$TOPO_DIR/echo.pid"
	(
		nsx "$from" ping -6 -q -c 20 -i 0.1 -s 8 "$addr"
		nsx "$from" ping -6 -q -c 20 -i 0.1 -s 1000 "$addr"
		nsx "$from" ping -6 -q -c 10 -i 0.1 -s 3000 "$addr"
	) >"$TOPO_DIR/ping.$from" 2>&1 &
	echo $! >"$TOPO_DIR/ping.pid"
	nsx "$from" python3 "$here/udp_echo.py" client "$addr" 5004 200 \
	    >"$TOPO_DIR/udp.$from" 2>&1 &
	echo $! >"$TOPO_DIR/udp.pid"
}

# small_check FROM: most pings and datagrams answered, and intact.
small_check() {
	local from=$1 got
	wait "$(cat "$TOPO_DIR/ping.pid")"
	wait "$(cat "$TOPO_DIR/udp.pid")"
	kill "$(cat "$TOPO_DIR/echo.pid")" 2>/dev/null
	wait "$(cat "$TOPO_DIR/echo.pid")" 2>/dev/null
	got=$(awk '/packets transmitted/ { s += $4 } END { print s + 0 }' \
	    "$TOPO_DIR/ping.$from")
	# Under load a few may be lost, as on any path; not most.
	[ "$got" -ge 35 ] || { echo "pings answered: $got of 50"; return 1; }
	got=$(cat "$TOPO_DIR/udp.$from")
	[ "${got:-0}" -ge 150 ] 2>/dev/null ||
	    { echo "UDP echoes intact: $got of 200"; return 1; }
}

topo_init
topo_up fullcone none || { echo "FAIL: topology"; exit 1; }
DATA=$TOPO_DIR/data
head -c $((MB * 1048576)) /dev/urandom >"$DATA"
start_server ours || { echo "FAIL: server"; exit 1; }
start_relay ours || { echo "FAIL: relay"; exit 1; }
start_client ours 1
wait_qualified 1 15 >/dev/null || { echo "FAIL: not qualified"; exit 1; }
addr=$(teredo_addr 1)
topo_wait 5 check_ping v6 "$addr" 56 || bad "ping native -> client"
topo_wait 5 check_ping cl1 "$TOPO_V6" 56 || bad "ping client -> native"
for r in relay client1; do
	if ! offloaded "$r"; then
		echo "SKIP: no tunnel offloads in the $r (kernel)"
		exit 77
	fi
done

# native -> client: the relay's tunnel hands it super-packets.
s0=$(counter relay tun-gso-segments)
clean_mark v6 cl1
small_start v6 cl1 "$addr"
if xfer v6 cl1 "$addr"; then pass "$MB MB native -> client intact"
else bad "$MB MB native -> client"; fi
small_check v6 && pass "pings and UDP native -> client" ||
    bad "pings and UDP native -> client"
clean v6 cl1 cl1 && pass "native -> client: TCP clean" ||
    bad "native -> client: retransmissions or checksum errors"
s1=$(counter relay tun-gso-segments)
sp=$(counter relay tun-gso-super)
echo "relay: $sp super-packets, $((s1 - s0)) segments"
[ "$((s1 - s0))" -gt "$((MB * 100))" ] && [ "${sp:-0}" -gt 0 ] &&
    pass "the relay split super-packets" || bad "the relay split nothing"
g=$(counter relay udp-gso-datagrams)
echo "relay: $(counter relay udp-gso-sends) UDP GSO sends of $g datagrams"
[ "${g:-0}" -gt "$((MB * 100))" ] && pass "the relay sent runs with UDP GSO" ||
    bad "the relay sent no runs with UDP GSO"

# client -> native: the client's tunnel does.
s0=$(counter client1 tun-gso-segments)
clean_mark cl1 rly
small_start cl1 v6 "$TOPO_V6"
if xfer cl1 v6 "$TOPO_V6"; then pass "$MB MB client -> native intact"
else bad "$MB MB client -> native"; fi
small_check cl1 && pass "pings and UDP client -> native" ||
    bad "pings and UDP client -> native"
clean cl1 v6 rly && pass "client -> native: TCP clean" ||
    bad "client -> native: retransmissions or checksum errors"
s1=$(counter client1 tun-gso-segments)
sp=$(counter client1 tun-gso-super)
echo "client: $sp super-packets, $((s1 - s0)) segments"
[ "$((s1 - s0))" -gt "$((MB * 100))" ] && [ "${sp:-0}" -gt 0 ] &&
    pass "the client split super-packets" || bad "the client split nothing"
g=$(counter client1 udp-gso-datagrams)
echo "client: $(counter client1 udp-gso-sends) UDP GSO sends of $g datagrams"
[ "${g:-0}" -gt "$((MB * 100))" ] && pass "the client sent runs with UDP GSO" ||
    bad "the client sent no runs with UDP GSO"
# UDP segmentation (Linux 6.2 and later): a socket's UDP_SEGMENT sends of
# 4 datagrams each reach the tunnel as one packet, which the daemon must
# cut into 4 datagrams with their own lengths and checksums.
uso() {
	local from=$1 to=$2 addr=$3 role=$4 s0 s1 got
	nsx "$to" python3 "$here/udp_echo.py" server 5005 >/dev/null 2>&1 &
	echo $! >"$TOPO_DIR/echo.pid"
	topo_wait 5 topo_listening "$to" 5005 || return 1
	s0=$(counter "$role" tun-gso-super)
	got=$(nsx "$from" python3 "$here/udp_echo.py" gso "$addr" 5005 20)
	s1=$(counter "$role" tun-gso-super)
	kill "$(cat "$TOPO_DIR/echo.pid")" 2>/dev/null
	wait "$(cat "$TOPO_DIR/echo.pid")" 2>/dev/null
	echo "$role: UDP GSO: $got of 80 datagrams back, $((s1 - s0)) super-packets"
	[ "${got:-0}" -ge 60 ] 2>/dev/null && [ "$((s1 - s0))" -ge 10 ]
}
if "$STATUS" -s "$TOPO_DIR/client1.ctl" | grep -q '^tun-offload: tcp udp$'
then
	uso cl1 v6 "$TOPO_V6" client1 && pass "UDP GSO client -> native" ||
	    bad "UDP GSO client -> native"
else
	echo "no UDP segmentation offload in this kernel: not tested"
fi
for r in relay client1; do
	d=$(counter "$r" drop-tun-gso-bad)
	[ "${d:-x}" = 0 ] && pass "$r: no offload drops" ||
	    bad "$r: offload drops: ${d:-none reported}"
done

# A kernel that refuses offloads (old_tun.so fails TUNSETOFFLOAD): both
# daemons fall back to the plain tunnel, and 10 MB cross each way.
stop_daemon client1
stop_daemon relay
LD_PRELOAD=$TOPO_BUILDDIR/tests/netns/old_tun.so start_relay ours ||
    { echo "FAIL: relay without offloads"; exit 1; }
LD_PRELOAD=$TOPO_BUILDDIR/tests/netns/old_tun.so start_client ours 1
wait_qualified 1 15 >/dev/null || { echo "FAIL: not qualified (plain)"; exit 1; }
addr=$(teredo_addr 1)
for r in relay client1; do
	topo_wait 5 reports "$r"
	"$STATUS" -s "$TOPO_DIR/$r.ctl" 2>/dev/null |
	    grep -q '^tun-offload: none$' && pass "$r: plain tunnel" ||
	    bad "$r: offloads despite the kernel's refusal"
done
DATA=$TOPO_DIR/data.plain
head -c 10485760 "$TOPO_DIR/data" >"$DATA"
topo_wait 5 check_ping v6 "$addr" 56 || bad "ping native -> client (plain)"
xfer v6 cl1 "$addr" && pass "10 MB native -> client intact (plain)" ||
    bad "10 MB native -> client (plain)"
xfer cl1 v6 "$TOPO_V6" && pass "10 MB client -> native intact (plain)" ||
    bad "10 MB client -> native (plain)"
for r in relay client1; do
	[ "$(counter "$r" tun-gso-super)" = 0 ] &&
	    [ "$(counter "$r" tun-rx-packets)" -gt 7000 ] &&
	    pass "$r: packets, no super-packets (plain)" ||
	    bad "$r: plain tunnel counters"
done
stop_daemons
[ "$fail" = 0 ] || { cat "$TOPO_DIR/topo.log"; exit 1; }
exit 0
