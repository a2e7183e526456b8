#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# TCP through the whole system, ours against Debian's miredo 1.2.6, side by
# side in one run: the implementations alternate round by round on the
# same topology (tests/interop/topo.sh), so that the machine's noise hits
# both.  Each round and implementation IMPL: Debian's server (not on the
# data path), a relay of IMPL and a client of IMPL behind a full cone NAT
# (-R: Debian's client for both, the relay alone compared), then for each
# stream count P of -P, MB megabytes over TCP split into P parallel
# connections (nc), timed:
#   encP  native host -> client, through the relay (encapsulation there,
#         decapsulation in the client), Mbit/s
#   decP  client -> native host (the client encapsulates, the relay
#         decapsulates), Mbit/s
#   _ns   utime+stime of the relay's and the client's processes (all of
#         them, nc excepted) per byte carried, in ns; _rly_ns: the relay's
# Unpinned: relay, client, NAT, both ends and the kernel share the CPUs.
#
# Usage: tests/bench/tcp.sh [-b BUILDDIR] [-r ROUNDS] [-m MB] [-P "N..."]
#            [-R] [-f]
#   -m  MB per transfer, all streams together (200)
#   -P  stream counts, each measured every round ("1 4")
#   -R  relay only: Debian's client in both implementations' rounds
#   -f  measure even on a busy machine (lib.sh, tb_idle_check: exit 3
#       otherwise when over TBENCH_BUSY_MAX=10 % of the CPUs were busy in
#       the second before a round)
# Not part of `make check`: numbers, not pass/fail.  Root only.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/topo.sh" || exit 1
. "$here/lib.sh" || exit 1
rounds=3
mb=200
streams="1 4"
relayonly=0
force=0
while getopts b:r:m:P:Rf o; do
	case $o in
	b) TOPO_BUILDDIR=$(cd "$OPTARG" && pwd) || exit 2 ;;
	r) rounds=$OPTARG ;;
	m) mb=$OPTARG ;;
	P) streams=$OPTARG ;;
	R) relayonly=1 ;;
	f) force=1 ;;
	*) echo "usage: $0 [-b BUILDDIR] [-r ROUNDS] [-m MB] [-P \"N...\"]" \
	    "[-R] [-f]" >&2; exit 2 ;;
	esac
done
for p in $streams; do
	case $p in
	[1-9]|[1-9][0-9]) ;;
	*) echo "tcp.sh: bad stream count $p" >&2; exit 2 ;;
	esac
done
if ! why=$(topo_require); then
	echo "SKIP: $why"
	exit 77
fi
for b in "$TOPO_DEBIAN_SBIN/miredo" "$TOPO_DEBIAN_SBIN/miredo-server" \
    "$TOPO_BUILDDIR/miredo"; do
	[ -x "$b" ] || { echo "SKIP: $b missing"; exit 77; }
done
HZ=$(getconf CLK_TCK)

# daemon_ticks NS...: utime+stime of the processes in our namespaces NS
# but the transfer's own (nc, timeout).
daemon_ticks()
{
	local ns p t=0
	for ns; do
		for p in $(ip netns pids "$TOPO_P-$ns"); do
			case $(cat "/proc/$p/comm" 2>/dev/null) in
			nc|timeout|"") continue ;;
			esac
			t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' \
			    "/proc/$p/stat" 2>/dev/null || echo 0)))
		done
	done
	echo "$t"
}

# xfer KEY FROM TO_NS ADDR P: $mb MB in P connections FROM -> TO_NS,
# "KEY=Mbit/s KEY_ns=ns/B KEY_rly_ns=ns/B", or "KEY=fail".
xfer()
{
	local key=$1 from=$2 to=$3 addr=$4 n=$5 bytes i port t0 t r0 r1 c0 c1
	local lpids="" spids="" ok=1
	bytes=$((mb * 1048576 / n))
	for i in $(seq "$n"); do
		port=$((5001 + i))
		nsx "$to" timeout 120 nc -6 -l "$port" </dev/null >/dev/null \
		    2>&1 &
		lpids="$lpids $!"
		topo_wait 3 topo_tcp_listening "$to" "$port" || ok=0
	done
	if [ "$ok" = 1 ]; then
		c0=$(daemon_ticks rly cl1); r0=$(daemon_ticks rly)
		t0=$(topo_now)
		for i in $(seq "$n"); do
			head -c "$bytes" /dev/zero |
			    nsx "$from" timeout 120 nc -6 -N -w 5 "$addr" \
			    $((5001 + i)) 2>/dev/null &
			spids="$spids $!"
		done
		for i in $spids; do
			wait "$i" || ok=0
		done
	fi
	if [ "$ok" = 1 ]; then
		for i in $lpids; do
			wait "$i"
		done
		t=$(topo_since "$t0")
		c1=$(daemon_ticks rly cl1); r1=$(daemon_ticks rly)
		awk -v k="$key" -v t="$t" -v b=$((bytes * n)) \
		    -v c=$((c1 - c0)) -v r=$((r1 - r0)) -v hz="$HZ" 'BEGIN {
			printf "%s=%.0f %s_ns=%.2f %s_rly_ns=%.2f\n",
			    k, b * 8 / t / 1e6, k, c * 1e9 / hz / b,
			    k, r * 1e9 / hz / b }'
		return
	fi
	for i in $(seq "$n"); do
		topo_kill_listener "$to" $((5001 + i))
	done
	wait $lpids 2>/dev/null
	echo "$key=fail"
}

# round IMPL: one line of KEY=VALUE, transfers through IMPL's relay and
# client.
round()
{
	local cl=$1 a p line=""
	[ "$relayonly" = 0 ] || cl=debian
	start_server debian >/dev/null || { echo "status=no-server"; return; }
	start_relay "$1" || { stop_daemons; echo "status=no-relay"; return; }
	start_client "$cl" 1
	if ! wait_qualified 1 10 >/dev/null; then
		stop_daemons
		echo "status=no-qualification"
		return
	fi
	a=$(teredo_addr 1)
	# Open the path (bubbles, connectivity test) before timing.
	check_ping v6 "$a" 56 && check_ping cl1 "$TOPO_V6" 56
	for p in $streams; do
		line="$line $(xfer "enc$p" v6 cl1 "$a" "$p")"
		line="$line $(xfer "dec$p" cl1 v6 "$TOPO_V6" "$p")"
	done
	stop_daemons
	echo "$line status=ok"
}

topo_init
topo_up fullcone none || exit 1
res=$TOPO_DIR/results
if [ "$relayonly" = 1 ]; then
	what="relay IMPL, Debian's client"
else
	what="relay and client IMPL"
fi
echo "TCP through the whole system ($what, Debian's server), $mb MB per" \
    "transfer, streams: $streams, $rounds rounds, Mbit/s"
for r in $(seq "$rounds"); do
	for impl in ours debian; do
		tb_idle_check "round $r ($impl)"
		echo "round=$r impl=$impl busy0=$TB_BUSY $(round "$impl")" \
		    >>"$res"
	done
done
cols="busy0" titles="busy0%" metrics="" names=""
for p in $streams; do
	cols="$cols enc$p dec$p"
	titles="$titles enc$p dec$p"
	metrics="$metrics enc$p enc${p}_ns enc${p}_rly_ns dec$p dec${p}_ns"
	metrics="$metrics dec${p}_rly_ns"
	names="$names enc${p}_Mbit/s enc${p}_ns/B enc${p}_rly_ns dec${p}_Mbit/s"
	names="$names dec${p}_ns/B dec${p}_rly_ns"
done
awk -v cols="$cols status" -v titles="$titles status" -v metrics="$metrics" \
    -v names="$names" -f "$here/report.awk" "$res"
echo "encP: native host -> client, decP: client -> native host, P streams" \
    "(Mbit/s); _ns/B: CPU of relay and client per byte; _rly_ns: the relay's."
tb_loaded_note
