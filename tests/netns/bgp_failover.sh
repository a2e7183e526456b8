#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Relays at scale (issue 17): two relay hosts announce 2001::/32 by BGP
# with BIRD 2, each only while our relay's tunnel route exists, and a
# router spreads 2001::/32 over both (ECMP).  The native host pings the
# Teredo client every 0.2 s; the relay carrying that flow is killed
# (SIGKILL), then, once both are back, stopped cleanly (SIGTERM), then,
# once both are back again, its host hangs (nftables drops everything;
# the BGP hold timer withdraws it).  Each time the route must be
# withdrawn and the pings must flow again through the other relay within
# $BGP_BOUND seconds; the figures are printed.
#
#   v6 (2001:db8:1::2) --+
#   srv (our server)   --+-- inet: router, BIRD AS 64496, ECMP
#   nat1 -- cl1 (ours) --+     |  BGP         |  BGP
#                           rly1 AS 64497   rly2 AS 64497
#                           192.0.2.10      192.0.2.20
#                           2001:db8:21::10 2001:db8:22::10
#                           BIRD + miredo   BIRD + miredo
#
# On each relay host BIRD's kernel protocol learns the 2001::/32 route our
# relay installs on its tunnel (scan time 1, and netlink notifications)
# and BGP exports only that route: when the relay dies its tunnel goes,
# the kernel drops the route, BIRD withdraws it.  BGP: hold time 3,
# keepalive time 1.  Documentation ranges and ASNs (RFC 5398) only.
# Root and BIRD 2 (Debian's bird2) are needed: 77 otherwise, except that
# with CI=true a missing bird is a failure.

srcdir=${srcdir:-$(dirname "$0")/../..}
export TOPO_BUILDDIR=${BUILDDIR:-$PWD}
export TOPO_P=bg$$
. "$srcdir/tests/interop/topo.sh"

BGP_BOUND=${BGP_BOUND:-10}
BIRD=$(command -v bird 2>/dev/null)
BIRDC=$(command -v birdc 2>/dev/null)
why=$(topo_require) || { echo "SKIP: $why"; exit 77; }
if [ -z "$BIRD" ] || [ -z "$BIRDC" ]; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: bird/birdc (bird2) not installed, and CI=true"
		exit 1
	fi
	echo "SKIP: no bird (apt-get install bird2)"
	exit 77
fi
for p in miredo miredo-server; do
	[ -x "$TOPO_BUILDDIR/$p" ] || { echo "FAIL: $p not built"; exit 1; }
done

fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

logs()
{
	local f
	for f in server relay1 relay2 client1 bird-inet bird-rly1 bird-rly2; do
		echo "--- $f.log"
		tail -n 20 "$TOPO_DIR/$f.log" 2>/dev/null
	done
	echo "--- router: 2001::/32"
	ip -n "$TOPO_P-inet" -6 route show 2001::/32
}

die()
{
	echo "FAIL: $*"
	logs
	exit 1
}

# The relay hosts: N, IPv4 /28 on the router side, IPv6 /64 (read
# through eval).
# shellcheck disable=SC2034
RLY4_1=192.0.2.10 RTR4_1=192.0.2.1
# shellcheck disable=SC2034
RLY4_2=192.0.2.20 RTR4_2=192.0.2.17
RLY6_1=2001:db8:21::10 RTR6_1=2001:db8:21::1
RLY6_2=2001:db8:22::10 RTR6_2=2001:db8:22::1

net_up()
{
	local ns n r4 g4 r6 g6
	for ns in inet srv rly1 rly2 v6; do
		topo_addns "$ns" || return 1
	done
	topo_link inet srv srv inet
	topo_link inet v6 v6 inet
	topo_addr inet srv 198.51.100.1/24 2001:db8:10::1/64
	topo_addr srv inet 198.51.100.10/24 198.51.100.11/24 "$TOPO_SRV6/64"
	topo_addr inet v6 2001:db8:1::1/64
	topo_addr v6 inet "$TOPO_V6/64"
	for n in 1 2; do
		eval "r4=\$RLY4_$n g4=\$RTR4_$n r6=\$RLY6_$n g6=\$RTR6_$n"
		topo_link inet "rly$n" "rly$n" inet || return 1
		topo_addr inet "rly$n" "$g4/28" "$g6/64"
		topo_addr "rly$n" inet "$r4/28" "$r6/64"
		ip -n "$TOPO_P-rly$n" route add default via "$g4"
		ip -n "$TOPO_P-rly$n" -6 route add default via "$g6"
		nsx "rly$n" sysctl -qw net.ipv6.conf.all.forwarding=1
	done
	nsx inet sysctl -qw net.ipv4.ip_forward=1 \
	    net.ipv6.conf.all.forwarding=1
	# ECMP must keep a native host's packets to one Teredo client on one
	# relay: hash on the addresses only (policy 3, fields 0x3 = source and
	# destination address).  The default (policy 0) also hashes the flow
	# label, which differs between the pings and the native host's answer
	# to the client's connectivity test: the two would take different
	# relays and the client would keep switching.
	nsx inet sysctl -qw net.ipv6.fib_multipath_hash_policy=3 \
	    net.ipv6.fib_multipath_hash_fields=3 ||
	    { echo "router: no custom multipath hash"; return 1; }
	ip -n "$TOPO_P-srv" route add default via 198.51.100.1
	ip -n "$TOPO_P-srv" -6 route add default via 2001:db8:10::1
	ip -n "$TOPO_P-v6" -6 route add default via 2001:db8:1::1
	topo_nat 1 restricted
}

# The router: BGP to both relay hosts, best routes merged into one
# multipath kernel route (ECMP).
bird_router_conf()
{
	cat <<EOF
log stderr all;
router id 198.51.100.1;
protocol device { scan time 1; }
protocol kernel {
	ipv6 { import none; export all; };
	merge paths on;
	scan time 1;
}
protocol bgp rly1 {
	local $RTR6_1 as 64496;
	neighbor $RLY6_1 as 64497;
	hold time 3; keepalive time 1;
	connect retry time 1; error wait time 1, 2;
	ipv6 { import where net = 2001::/32; export none; };
}
protocol bgp rly2 {
	local $RTR6_2 as 64496;
	neighbor $RLY6_2 as 64497;
	hold time 3; keepalive time 1;
	connect retry time 1; error wait time 1, 2;
	ipv6 { import where net = 2001::/32; export none; };
}
EOF
}

# A relay host (the configuration README.md shows): the kernel protocol
# learns the relay's own 2001::/32 route; BGP exports only that.
bird_relay_conf()
{
	local n=$1 r4 r6 g6
	eval "r4=\$RLY4_$n r6=\$RLY6_$n g6=\$RTR6_$n"
	cat <<EOF
log stderr all;
router id $r4;
protocol device { scan time 1; }
protocol kernel teredo_route {
	ipv6 { import where net = 2001::/32 && ifname = "teredo"; export none; };
	learn;
	scan time 1;
}
protocol bgp upstream {
	local $r6 as 64497;
	neighbor $g6 as 64496;
	hold time 3; keepalive time 1;
	connect retry time 1; error wait time 1, 2;
	ipv6 { import none; export where net = 2001::/32; };
}
EOF
}

# start_bird NS: BIRD in the foreground (-f) with its own config, control
# socket and pid file; topo_down kills it with the namespace's processes.
start_bird()
{
	local ns=$1
	if [ "$ns" = inet ]; then
		bird_router_conf
	else
		bird_relay_conf "${ns#rly}"
	fi >"$TOPO_DIR/bird-$ns.conf"
	ip netns exec "$TOPO_P-$ns" "$BIRD" -f -c "$TOPO_DIR/bird-$ns.conf" \
	    -s "$TOPO_DIR/bird-$ns.ctl" -P "$TOPO_DIR/bird-$ns.pid" \
	    >"$TOPO_DIR/bird-$ns.log" 2>&1 &
	TOPO_PID["bird-$ns"]=$!
}

bgp_established()	# bgp_established NS PROTO
{
	"$BIRDC" -s "$TOPO_DIR/bird-$1.ctl" show protocols "$2" 2>/dev/null |
	    grep -q Established
}

start_relay_n()
{
	local n=$1
	cat >"$TOPO_DIR/relay$n.conf" <<EOF
RelayType relay
InterfaceName teredo
EOF
	topo_start "relay$n" "rly$n" ours miredo || return 1
	topo_wait_role "relay$n" 5 relay_route "$n"
}

relay_route()	# our relay's tunnel route is in rly$1's kernel
{
	ip -n "$TOPO_P-rly$1" -6 route show 2001::/32 2>/dev/null |
	    grep -q 'dev teredo'
}

# Next hops of 2001::/32 in the router's kernel table.
router_hops()
{
	ip -n "$TOPO_P-inet" -6 route show 2001::/32 2>/dev/null |
	    grep -o 'via [0-9a-f:]*' | awk '{ print $2 }' | sort | tr '\n' ' '
}

router_has()	# router_has "HOP..." : exactly these next hops
{
	[ "$(router_hops)" = "$1" ]
}

tun_tx()	# packets our relay on rly$1 took from its tunnel
{
	nsx "rly$1" cat /sys/class/net/teredo/statistics/tx_packets \
	    2>/dev/null || echo 0
}

# carrier: waits until 5 packets of the flow went through a tunnel and
# prints which relay (1 or 2) carried them.
CARRY0_1=0 CARRY0_2=0
carry_moved()
{
	local d1 d2
	d1=$(( $(tun_tx 1) - CARRY0_1 ))
	d2=$(( $(tun_tx 2) - CARRY0_2 ))
	[ $((d1 + d2)) -ge 5 ]
}
carrier()
{
	local d1 d2
	CARRY0_1=$(tun_tx 1) CARRY0_2=$(tun_tx 2)
	topo_wait 10 carry_moved || return 1
	d1=$(( $(tun_tx 1) - CARRY0_1 ))
	d2=$(( $(tun_tx 2) - CARRY0_2 ))
	if [ "$d1" -gt "$d2" ]; then echo 1; else echo 2; fi
}

# Replies in ping's output ("-D": each line starts [epoch]) received
# after time $2 (epoch seconds, fractional).
replies_after()	# replies_after FILE T
{
	awk -v t="$2" '/bytes from/ && /icmp_seq=/ {
		ts = $1; gsub(/[][]/, "", ts)
		if (ts + 0 > t + 0) n++ } END { print n + 0 }' "$1"
}

enough_replies()	# enough_replies FILE T N
{
	[ "$(replies_after "$1" "$2")" -ge "$3" ]
}

# hang N: relay host N stops answering (nftables drops everything in,
# out and through it); its relay and BIRD keep running, so only the
# router's BGP hold timer (3 s) can withdraw its route.
hang()
{
	nsx "rly$1" nft -f - <<EOF2
table inet hang {
	chain i { type filter hook input priority filter; policy drop; }
	chain o { type filter hook output priority filter; policy drop; }
	chain f { type filter hook forward priority filter; policy drop; }
}
EOF2
}

# failover CASE SIGNAL: one measured failover of the flow v6 -> client;
# SIGNAL HANG: the host hangs instead (see hang).
failover()
{
	local case=$1 sig=$2 addr out n other pid t_fail
	local first_ts conv lost late worst wd hops_left t_wd
	addr=$(teredo_addr 1)
	out=$TOPO_DIR/ping-$case.txt
	# The native host pings the client every 0.2 s, one line per reply
	# (-D: receive time) and per unanswered request (-O).
	ip netns exec "$TOPO_P-v6" ping -6 -n -D -O -i 0.2 "$addr" >"$out" 2>&1 &
	local ppid=$!
	if ! topo_wait 15 enough_replies "$out" 0 5; then
		kill -INT "$ppid"; wait "$ppid"
		fail "$case: no steady flow v6 -> client before the failure"
		return 1
	fi
	n=$(carrier) || { kill -INT "$ppid"; wait "$ppid";
	    fail "$case: no relay carries the flow"; return 1; }
	other=$((3 - n))
	eval "hops_left=\"\$RLY6_$other \""
	if [ "$sig" = HANG ]; then
		echo "$case: the flow goes through relay $n; its host hangs"
	else
		echo "$case: the flow goes through relay $n; $sig to it"
	fi
	CARRY0_1=$(tun_tx 1) CARRY0_2=$(tun_tx 2)
	t_fail=$(topo_now)
	pid=${TOPO_PID[relay$n]}
	if [ "$sig" = HANG ]; then
		hang "$n" || fail "$case: nft on rly$n"
	else
		kill -"$sig" "$pid"
	fi
	# Withdrawal: the router's 2001::/32 keeps only the other relay.
	if topo_wait 15 router_has "$hops_left"; then
		t_wd=$(topo_now)
		wd=$(topo_since "$t_fail")
	else
		t_wd=$t_fail
		wd=""
		fail "$case: the router still routes 2001::/32 via $(router_hops)"
	fi
	# 5 answers must come after the withdrawal, through the other
	# relay's tunnel.
	if ! topo_wait $((BGP_BOUND + 5)) enough_replies "$out" "$t_wd" 5
	then
		kill -INT "$ppid"; wait "$ppid"
		fail "$case: the flow did not come back"
		logs
		return 1
	fi
	kill -INT "$ppid"
	wait "$ppid"
	if [ "$sig" != HANG ]; then
		wait "$pid" 2>/dev/null
		unset "TOPO_PID[relay$n]"
	fi
	if [ $(( $(tun_tx "$other") - $(eval echo "\$CARRY0_$other") )) -lt 5 ]
	then
		fail "$case: the flow did not go through relay $other" \
		    "(tunnel tx $(eval echo "\$CARRY0_$other") -> $(tun_tx "$other"))"
	fi
	# Lost: requests up to the last one answered that got no answer
	# (before the failure every request is answered); late: answers
	# received after the failure that took over 0.1 s (queued while the
	# new relay and the client exchanged bubbles and tested the path).
	# Flowing again: the first answer to a request sent once the router
	# had withdrawn the route (it cannot have gone through the old relay).
	first_ts=$(awk -v t="$t_wd" '/bytes from/ {
		ts = $1; gsub(/[][]/, "", ts)
		r = $0; sub(/.*time=/, "", r); sub(/ .*/, "", r)
		if (ts - r / 1000 > t + 0) { print ts; exit } }' "$out")
	[ -n "$first_ts" ] || first_ts=$(topo_now)
	read -r lost late worst < <(awk -v t="$t_fail" '/bytes from/ {
		ts = $1; gsub(/[][]/, "", ts)
		s = $0; sub(/.*icmp_seq=/, "", s); sub(/ .*/, "", s)
		got[s + 0] = 1; if (s + 0 > max) max = s + 0
		r = $0; sub(/.*time=/, "", r); sub(/ .*/, "", r)
		if (ts + 0 > t + 0 && r + 0 > 100) { late++
		    if (r + 0 > worst) worst = r + 0 } }
		END { for (i = 1; i <= max; i++) if (!(i in got)) lost++
		printf "%d %d %.2f\n", lost, late, worst / 1000 }' "$out")
	conv=$(awk -v a="$t_fail" -v b="$first_ts" 'BEGIN { printf "%.2f", b - a }')
	echo "$case: withdrawn at the router after ${wd:-?} s;" \
	    "pings flow again through relay $other after $conv s;" \
	    "$lost pings lost, $late answered late (up to $worst s)" \
	    "(one ping every 0.2 s;" \
	    "bound $BGP_BOUND s)"
	if [ -z "$wd" ]; then
		fail "$case: no convergence without the withdrawal"
	elif awk -v c="$conv" -v b="$BGP_BOUND" 'BEGIN { exit !(c <= b) }'; then
		ok "$case: converged in $conv s <= $BGP_BOUND s"
	else
		fail "$case: converged in $conv s > $BGP_BOUND s"
	fi
	# The other direction, client -> native host, works too.
	if check_ping cl1 "$TOPO_V6" 56; then
		ok "$case: client -> native host"
	else
		fail "$case: client -> native host after the failover"
	fi
	FAILED_RELAY=$n
	return 0
}

topo_init
# The relay host's configuration README.md shows must be valid for bird.
{
	echo "router id 192.0.2.10;"
	sed -n '/^protocol device { scan time 1; }$/,/^```$/p' \
	    "$srcdir/README.md" | sed '$d'
} >"$TOPO_DIR/readme.conf"
if grep -q '^protocol bgp upstream' "$TOPO_DIR/readme.conf" &&
    "$BIRD" -p -c "$TOPO_DIR/readme.conf" >"$TOPO_DIR/readme.out" 2>&1; then
	ok "README.md's BIRD configuration parses"
else
	fail "README.md's BIRD configuration: $(cat "$TOPO_DIR/readme.out")"
fi
net_up || die "topology"
start_bird inet
start_bird rly1
start_bird rly2
topo_wait_role bird-rly1 15 bgp_established rly1 upstream ||
    die "BGP rly1 <-> router not established"
topo_wait_role bird-rly2 15 bgp_established rly2 upstream ||
    die "BGP rly2 <-> router not established"
ok "BGP sessions established"

# Nothing is announced while no relay runs.
if [ -n "$(router_hops)" ]; then
	fail "2001::/32 announced before any relay runs: $(router_hops)"
fi
start_server ours || die "server"
start_relay_n 1 || die "relay 1"
start_relay_n 2 || die "relay 2"
topo_wait 15 router_has "$RLY6_1 $RLY6_2 " ||
    die "router: 2001::/32 not via both relays ($(router_hops))"
ok "router: 2001::/32 via both relays (ECMP): $(router_hops)"
start_client ours 1
wait_qualified 1 10 >/dev/null || die "client not qualified"
check_ping v6 "$(teredo_addr 1)" 56 || die "native host -> client"
ok "native host -> client through the relays"

FAILED_RELAY=""
failover kill KILL
if [ -n "$FAILED_RELAY" ]; then
	# The killed relay comes back and is announced again.
	start_relay_n "$FAILED_RELAY" || die "relay $FAILED_RELAY restart"
	if topo_wait 15 router_has "$RLY6_1 $RLY6_2 "; then
		ok "relay $FAILED_RELAY restarted: announced again"
	else
		fail "relay $FAILED_RELAY restarted but not announced again"
	fi
	FAILED_RELAY=""
	failover stop TERM
fi
if [ -n "$FAILED_RELAY" ]; then
	start_relay_n "$FAILED_RELAY" || die "relay $FAILED_RELAY restart"
	if topo_wait 15 router_has "$RLY6_1 $RLY6_2 "; then
		ok "relay $FAILED_RELAY restarted: announced again"
	else
		fail "relay $FAILED_RELAY restarted but not announced again"
	fi
	FAILED_RELAY=""
	failover hang HANG
fi

if [ "$fails" -ne 0 ]; then
	logs
	echo "FAIL: $fails check(s) failed"
	exit 1
fi
echo "PASS: bgp_failover"
