#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Hostile traffic (issue 9) against our running server, relay and client
# (full-cone NAT, so that the attacker reaches the client's mapping) while
# the native host pings the client every 50 ms.  An attacker namespace
# sends, class by class, truncated and oversized datagrams, wrong IPv6
# versions and lengths, bad checksums, forged origin indications and
# authentication headers, router advertisements with wrong nonces, spoofed
# sources, loops, link-local sources and bubbles beyond the limits, to the
# client's mapping, the relay and the server (spoofed outer sources come
# from a raw socket).  Checks: the ping stream loses at most 1 %, every
# daemon still runs, and after each class (miredo-status reports) at least
# half of it reached the daemon and the drop counter of the class's reason
# grew by the number of packets sent (rate-limited classes: by at least
# the excess).
# Needs root; exit 77 (skip) otherwise.  HX_N=packets per class (200).

. "$(dirname "$0")/common.sh" || exit 99
hx_skip_unless_ready
N=${HX_N:-200}
RATE=${HX_RATE:-2000}
SLACK=${HX_SLACK:-3}

# The server at 100 packets/s per address (ServerRateLimit; the default
# is 1000), so that the rate-limit class below stays short.
TOPO_SERVER_CONF="ServerRateLimit 100"
hx_setup fullcone
eval "$(teredo_decode "$CADDR")"
MAPPING=$client:$port
echo "client $CADDR, mapping $MAPPING"
check_ping v6 "$CADDR" 56 || hx_fail "first ping native host -> client"

# A Teredo address of somebody else under our server, for wrong destinations.
OTHER=2001:0:c633:640a:0:fbdd:32ff:fe8c
RLY=$TOPO_RLY4:3545
SRV=$TOPO_SRV4:3544

hx_ping_start v6 "$CADDR" 0.05
sleep 1

# deltas BEFORE AFTER: "name n" for each counter of two miredo-status
# reports that grew.
deltas()
{
	awk 'NR == FNR { b[$1] = $2; next }
	    $2 ~ /^[0-9]+$/ && $2 > b[$1] + 0 {
		k = $1; sub(":$", "", k); printf "%s %d\n", k, $2 - b[$1] }' \
	    "$1" "$2"
}
# delta_of NAME DELTAS: the growth of one counter (0 if it did not grow).
delta_of()
{
	echo "$2" | awk -v k="$1" '$1 == k { n = $2 + 0 } END { print n + 0 }'
}

# expect ROLE REASON MIN MAX WHAT GEN-NS GEN-ARGS...: send a class and check,
# in the daemon's miredo-status report, that at least half of it (a
# quarter of the 64 kB oversize class) reached the daemon (its receive
# counter) and that the drop counter of REASON
# grew by MIN..MAX ("N" means the number sent, less what the target's
# kernel dropped before the daemon could see it: full buffers,
# reassembly).  The other counters that grew are printed.
expect()
{
	local role=$1 reason=$2 min=$3 max=$4 what=$5 ns=$6 sent d g rcv
	local kns k0 k1 rate=$RATE all others reach=2
	shift 6
	case $role in
	client1) kns=cl1 rcv=udp-rx-packets ;;
	relay) kns=rly rcv=udp-rx-packets ;;
	server) kns=srv rcv=rx-packets ;;
	esac
	# The relay's tunnel side: packets routed to it by the native host.
	[ "$ns" != v6 ] || rcv=tun-rx-packets
	# 64 kB datagrams (45 fragments each): slowly enough for the socket
	# buffers and reassembly.  Even so the kernel drops a third or more of
	# them (more with a daemon slowed down by ASan): a quarter must arrive.
	case " $* " in *" oversize "*) rate=40 reach=4 ;; esac
	k0=$(hx_kdrops "$kns")
	hx_report "$role" >"$TOPO_DIR/before"
	sent=$(hx_gen "$ns" -r "$rate" -n "$N" "$@")
	sleep 0.3
	hx_report "$role" >"$TOPO_DIR/after"
	k1=$(hx_kdrops "$kns")
	all=$(deltas "$TOPO_DIR/before" "$TOPO_DIR/after")
	d=$(delta_of "drop-$reason" "$all")
	g=$(delta_of "$rcv" "$all")
	others=$(echo "$all" | awk -v k="drop-$reason" \
	    '$1 ~ /^drop-/ && $1 != k { printf " %s +%s", $1, $2 }')
	[ "$min" = N ] && min=$((sent - (k1 - k0)))
	[ "$max" = N ] && max=$((sent + SLACK))
	what="$what: ${sent:-0} sent, $rcv +$g, drop-$reason +$d"
	[ "$k1" = "$k0" ] || what="$what, kernel dropped $((k1 - k0))"
	[ -z "$others" ] || what="$what (other drops:$others)"
	if ! grep -q "^drop-$reason:" "$TOPO_DIR/after"; then
		hx_fail "$role: $what: no drop-$reason in its miredo-status report"
	elif [ -n "$sent" ] && [ "$sent" -gt 0 ] &&
	    [ "$g" -ge $(((sent + reach - 1) / reach)) ] && [ "$d" -ge "$min" ] &&
	    [ "$d" -le "$max" ]; then
		hx_ok "$role: $what"
	else
		hx_fail "$role: $what (want $rcv >= $(((${sent:-0} + reach - 1) / reach)), drop-$reason $min..$max)"
	fi
}

# 1. The client's mapping, from the attacker's own address.
C="-d $MAPPING -b $HX_ATK4:40000 -T $CADDR"
for cls in trunc version plen authlen; do
	expect client1 malformed N N "$cls" atk $C $cls
done
# Junk after the packet is a malformed RFC 6081 trailer: only it is dropped.
expect client1 bad-trailer N N "oversize (junk after the packet)" atk $C oversize
expect client1 bad-source N N "spoofed Teredo source" atk $C spoof
expect client1 non-global N N "source embeds 0.0.0.0:0" atk $C nonglobal
expect client1 link-local N N "link-local data" atk $C lldata
expect client1 bad-destination N N "packet to another address" \
    atk -d "$MAPPING" -b "$HX_ATK4:40000" -T "$OTHER" data
expect client1 bad-ra N N "RA not from the server" atk $C ra
# Spoofed from the server itself: the wrong nonce is all that is left.
S="-d $MAPPING -s $TOPO_SRV4:3544 -T $CADDR"
expect client1 bad-ra N N "RA from the server's address, wrong nonce" \
    atk $S ra
expect client1 bad-destination N N "forged origin from the server, wrong destination" \
    atk -d "$MAPPING" -s "$TOPO_SRV4:3544" -T "$OTHER" origin
# Challenges from an address the client never sent a bubble to: none
# answered (bad-source).
expect client1 bad-source N N "link-local bubbles from a stranger" \
    atk $C llbubble

# 2. The relay, UDP side.
R="-d $RLY -b $HX_ATK4:40001 -T $TOPO_V6"
for cls in trunc version plen authlen; do
	expect relay malformed N N "$cls" atk $R $cls
done
# Junk after the packet is a malformed RFC 6081 trailer (bad-trailer); the
# packet itself, from a client the relay never sent to, is unknown-peer.
expect relay bad-trailer N N "oversize (junk after the packet)" atk $R oversize
expect relay unknown-peer N N "oversize (a client never contacted)" atk $R oversize
# The relay contacted none of these clients (RFC 4380 5.4.2): unknown-peer.
expect relay unknown-peer N N "spoofed Teredo source" atk $R spoof
expect relay non-global N N "source embeds 0.0.0.0:0" atk $R nonglobal
expect relay link-local N N "link-local data" atk $R lldata
expect relay loop N N "Teredo destination from a Teredo source" \
    atk -d "$RLY" -b "$HX_ATK4:40001" -L "$TOPO_RLY4" loop
expect relay bad-destination N N "multicast destination" \
    atk -d "$RLY" -b "$HX_ATK4:40001" -T ff02::1 data
expect relay unknown-peer N N "spoofed source (raw), other mapping" \
    atk -d "$RLY" -s 198.19.1.1:5000 -T "$TOPO_V6" spoof
# Tunnel side: destinations that embed the relay itself (loop).
expect relay loop N N "tunnel: Teredo destination embeds the relay" \
    v6 -6 -s "$TOPO_RLY4:3545"
expect relay non-global N N "tunnel: destination embeds 0.0.0.0" \
    v6 -6 -s 0.0.0.0:0

# In the background: native packets to an unreachable Teredo peer
# (198.19.3.3:7000, in the attacker's hands): RFC 4380 5.2.6 allows the
# relay 4 bubbles (each direct and through the server) in 300 s, however
# many packets wait.  Counted at the attacker at the end.
hx_gen v6 -6 -s 198.19.3.3:7000 -r 20 -n 200 >"$TOPO_DIR/probes.sent" &
PROBES=$!

# 3. The server: each class from its own spoofed source (the rate limit,
# ServerRateLimit 100 above: 200 packets of burst, is a class of its own).
srvx()	# srvx REASON WHAT SPOOF-SRC ARGS...
{
	local reason=$1 what=$2 src=$3
	shift 3
	expect server "$reason" N N "$what" atk -d "$SRV" -s "$src" "$@"
}
srvx malformed "truncated" 198.19.2.1:4000 trunc
srvx malformed "IPv6 version" 198.19.2.2:4000 version
srvx malformed "IPv6 length" 198.19.2.3:4000 plen
srvx bad-trailer "oversized (1400 bytes of junk)" 198.19.2.4:4000 oversize
srvx malformed "auth lengths overrun" 198.19.2.5:4000 authlen
srvx malformed "forged origin indication" 198.19.2.6:4000 -T "$CADDR" origin
srvx malformed "auth header on a data packet" 198.19.2.7:4000 -T "$CADDR" auth
srvx malformed "bad ICMPv6 checksum" 198.19.2.8:4000 -T "$TOPO_V6" cksum
srvx bad-source "spoofed Teredo source" 198.19.2.9:4000 -T "$CADDR" spoof
srvx not-allowed "data to a native host" 198.19.2.10:4000 -T "$TOPO_V6" data
srvx own-address "from the server's own address" "$TOPO_SRV4:3544" \
    -T "$CADDR" bubble
srvx own-address "from its secondary address" 198.51.100.11:3544 \
    -T "$CADDR" bubble
srvx non-global "to a Teredo address embedding 0.0.0.0" 198.19.2.11:4000 \
    -T 2001:0:c633:640a::ffff:ffff bubble
expect server rate-limit $((N * 3 - 200 - 100)) $((N * 3)) \
    "bubbles from one source beyond 100/s" \
    atk -d "$SRV" -s 198.19.2.12:4000 -T "$CADDR" -n $((N * 3)) bubble

wait "$PROBES"
sleep 2.5
b=$(hx_answers probes)
if [ -n "$b" ] && [ "$b" -ge 1 ] && [ "$b" -le 8 ]; then
	hx_ok "relay: $(cat "$TOPO_DIR/probes.sent") packets to an unreachable peer: $b bubbles (at most 4 pairs)"
else
	hx_fail "relay: $(cat "$TOPO_DIR/probes.sent") packets to an unreachable peer: ${b:-?} bubbles (want 1..8)"
fi
hx_ping_stop v6
tx=${HX_TX:-0} rx=${HX_RX:-0}
loss=$(( (tx - rx) * 1000 / (tx > 0 ? tx : 1) ))
if [ -n "$tx" ] && [ "$tx" -gt 100 ] && [ "$loss" -le 10 ]; then
	hx_ok "ping stream native host -> client: $rx/$tx received"
else
	hx_fail "ping stream native host -> client: $rx/$tx received"
fi
for r in server relay client1; do
	hx_check "$r still running" topo_alive "$r"
done
hx_check "client still qualified with $CADDR" \
    test "$(teredo_addr 1)" = "$CADDR"
check_ping v6 "$CADDR" 1200 || hx_fail "ping after the attack"
hx_summary
