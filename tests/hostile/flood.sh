#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# A flood of 10^6 spoofed peers (issue 9) against our relay and server,
# while the native host pings a client of ours through the relay:
#   A. relay, UDP side: data from 10^6 distinct Teredo sources, each from
#      the mapping its address embeds (198.19.0.0/16 x 16 ports, raw
#      socket), so that every one would be a valid new peer (the relay
#      drops them as unknown-peer since issue 14: it never sent to them);
#   B. relay, tunnel side: native packets to 10^6 distinct Teredo
#      destinations (each a new peer to open with bubbles);
#   C. server: router solicitations from 10^6 spoofed mappings
#   (in the order A, C, B: B leaves the relay busy for a while).
# Checks: what reached each daemon (miredo-status counters; about a third
# of the 10^6 sent gets past the kernel's socket buffers here): at least a
# tenth, and for the relay more than 2 x PeerMax; in A no peer is made or
# evicted and each datagram is dropped as unknown-peer; in B the relay's
# peer table stays within its cap and evicts; the
# relay engine's resident memory (sampled every 0.2 s; at least 5 samples)
# stays under baseline + PeerMax x 512 bytes + 2 x PeerQueueBytes + 4 MB
# (10^6 peers kept would take > 150 MB), the server's under baseline +
# 4 MB (it keeps no per-client state), both keep running, and the client
# answers the native host after each phase.
# Needs root; exit 77 (skip) otherwise.  HX_PEERS (1000000), HX_PPS
# (100000) and HX_PEERMAX (16384) scale it.

. "$(dirname "$0")/common.sh" || exit 99
hx_skip_unless_ready
PEERS=${HX_PEERS:-1000000}
PPS=${HX_PPS:-100000}
PEERMAX=${HX_PEERMAX:-16384}
QBYTES=${HX_QBYTES:-1048576}

hx_setup restricted "PeerMax $PEERMAX" "PeerQueueBytes $QBYTES"
check_ping v6 "$CADDR" 56 || hx_fail "first ping native host -> client"

ENGINE=$(hx_engine relay)
SRVCHILD=$(ps -o pid= --ppid "$(hx_pid server)" | head -n 1 | tr -d ' ')
[ -n "$ENGINE" ] && [ -n "$SRVCHILD" ] ||
    { echo "FAIL: no relay engine or server child"; exit 1; }
RELAY0=$(hx_rss "$ENGINE")
SERVER0=$(hx_rss "$SRVCHILD")
RELAYMAX=$((RELAY0 + PEERMAX * 512 / 1024 + 2 * QBYTES / 1024 + 4096))
SERVERMAX=$((SERVER0 + 4096))
echo "baseline: relay engine $RELAY0 kB (cap $RELAYMAX kB), server $SERVER0 kB (cap $SERVERMAX kB)"

# Sample the resident memory of both and the relay's peer count.
sampler()
{
	local r s
	while :; do
		r=$(hx_rss "$ENGINE")
		s=$(hx_rss "$SRVCHILD")
		echo "$r $s" >>"$TOPO_DIR/rss"
		sleep 0.2
	done
}
sampler &
SAMPLER=$!

# Up to 15 s: the relay may still be probing the flood's last peers.
ping_settled()
{
	local TOPO_PING_WAIT=15
	check_ping v6 "$CADDR" 56
}

# is_num VALUE...: every value is a non-empty decimal number.
is_num()
{
	local v
	for v in "$@"; do
		case $v in ''|*[!0-9]*) return 1 ;; esac
	done
}

# phase NAME NS TARGET GEN-ARGS...: one flood with a ping stream alongside.
# TARGET: relay-udp, relay-tun or server, the counter of what the daemon
# received.  Checks what reached it (at least a tenth of what was sent;
# for the relay, more than 2 x PeerMax, so that the cap is really tested),
# that the relay's peer table reached its cap without passing it (A) and
# evicted (A, B), and prints the figures.
phase()
{
	local name=$1 ns=$2 target=$3 t0 sent tx rx line peers rcv
	local r0 r1 e0 e1 p0 p1 u0=0 u1=0 got ev
	shift 3
	case $target in
	relay-udp) rcv=udp-rx-packets ;;
	relay-tun) rcv=tun-rx-packets ;;
	server) rcv=rx-packets ;;
	esac
	if [ "$target" = server ]; then
		r0=$(hx_counter server "$rcv")
		e0=0
	else
		read -r r0 e0 p0 u0 <<<"$(hx_counters relay "$rcv" \
		    peers-evicted peers drop-unknown-peer)"
	fi
	hx_ping_start v6 "$CADDR" 0.1
	t0=$(topo_now)
	sent=$(hx_gen "$ns" -r "$PPS" -n "$PEERS" "$@")
	hx_ping_stop v6
	tx=${HX_TX:-0} rx=${HX_RX:-0}
	line=$(hx_status relay)
	echo "$name: ${sent:-0} sent in $(topo_since "$t0") s; relay: $line"
	echo "$name: ping during the flood: $rx/$tx"
	hx_check "$name: all $PEERS sent" test "${sent:-0}" = "$PEERS"
	if [ "$target" = server ]; then
		r1=$(hx_counter server "$rcv")
		e1=0 p1=0
	else
		read -r r1 e1 p1 u1 <<<"$(hx_counters relay "$rcv" \
		    peers-evicted peers drop-unknown-peer)"
	fi
	if ! is_num "$r0" "$r1" "$e0" "$e1" "$p1" "$u0" "$u1"; then
		hx_fail "$name: no counters from miredo-status (before: '$r0 $e0 $p0 $u0', after: '$r1 $e1 $p1 $u1')"
		return
	fi
	got=$((r1 - r0)) ev=$((e1 - e0))
	echo "$name: the daemon received $got of ${sent:-0} ($((got * 100 / (${sent:-0} > 0 ? sent : 1))) %; the kernel dropped the rest)"
	hx_check "$name: at least a tenth of the flood reached the daemon ($got)" \
	    test "$got" -ge $((PEERS / 10))
	if [ "$target" != server ]; then
		echo "$name: relay peers $p1 (PeerMax $PEERMAX), $ev evicted during the phase"
		hx_check "$name: more than 2 x PeerMax reached the relay ($got)" \
		    test "$got" -gt $((2 * PEERMAX))
		hx_check "$name: relay peers $p1 <= PeerMax $PEERMAX" \
		    test "$p1" -le "$PEERMAX"
	fi
	# Data from Teredo sources the relay never sent to (RFC 4380 5.4.2):
	# none becomes a peer, none evicts one (the client, a trusted peer,
	# stays), each is dropped as unknown-peer (1 % slack: the client's own
	# traffic is in the count).
	if [ "$target" = relay-udp ]; then
		echo "$name: unknown-peer drops +$((u1 - u0))"
		hx_check "$name: no new peer ($p0 -> $p1)" test "$p1" -le $((p0 + 1))
		hx_check "$name: nothing evicted ($ev)" test "$ev" = 0
		hx_check "$name: each dropped as unknown-peer ($((u1 - u0)) >= $got - 1 %)" \
		    test $((u1 - u0)) -ge $((got - got / 100))
	fi
	# Native packets to new Teredo destinations: each a new peer, so the
	# table fills up and evicts.
	if [ "$target" = relay-tun ]; then
		hx_check "$name: the relay evicted peers ($ev)" test "$ev" -gt 0
	fi
	hx_check "$name: relay and server still running" \
	    sh -c "kill -0 $ENGINE && kill -0 $SRVCHILD"
	hx_check "$name: the client answers the native host after the flood" \
	    ping_settled
}

phase "A (relay, UDP side)" atk relay-udp -F -s "$HX_SPOOF:0" \
    -d "$TOPO_RLY4:3545" -T "$TOPO_V6" data
phase "C (server, RS)" atk server -F -s "$HX_SPOOF:0" -d "$TOPO_SRV4:3544" rs
echo "server: $(hx_status server)"
# Last: the relay probes every new destination (2 s apart, 4 times), so
# give it the time to give up on the flood's peers before the last check.
phase "B (relay, tunnel side)" v6 relay-tun -6 -F -s "$HX_SPOOF:0"
echo "server: $(hx_status server)"

kill "$SAMPLER"
wait "$SAMPLER" 2>/dev/null
# Only complete samples (both processes read); there must be some.
read -r nsamp rmax smax <<<"$(awk 'NF == 2 && $1 ~ /^[0-9]+$/ &&
    $2 ~ /^[0-9]+$/ { n++; if ($1 > r) r = $1; if ($2 > s) s = $2 }
    END { print n + 0, r + 0, s + 0 }' "$TOPO_DIR/rss" 2>/dev/null)"
hx_check "memory sampled ($nsamp samples of both processes)" \
    test "${nsamp:-0}" -ge 5
hx_check "relay engine peak RSS $rmax kB <= $RELAYMAX kB (baseline $RELAY0)" \
    test "$rmax" -le "$RELAYMAX"
hx_check "server peak RSS $smax kB <= $SERVERMAX kB (baseline $SERVER0)" \
    test "$smax" -le "$SERVERMAX"
echo "answers the spoofed sources got: $(hx_answers)"
hx_summary
