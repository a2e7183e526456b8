#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Relay benchmark: our miredo against Debian's miredo 1.2.6, alternating
# (ours, debian, ours, debian, ...) in one run on the same namespaces, so
# that the machine's noise hits both.  Per round and implementation:
#
#   enc  a native host sends SIZE-byte UDP/IPv6 datagrams as fast as it can
#        to the Teredo address of a fake Teredo peer (tbench peer), trusted
#        after it answered the relay's bubbles; packets/s received there
#   dec  the fake peer sends Teredo datagrams (IPv6/UDP inside, source =
#        its Teredo address, mapping = its real address) as fast as it can;
#        packets/s received by a UDP socket on the native host
#   cpu  utime+stime of all processes in the relay's namespace (ours: priv
#        and engine; Debian's: all of its processes), microseconds per
#        packet received
#   mem  VmRSS/VmHWM summed over those processes: idle, after enc+dec, and
#        after COUNT distinct Teredo destinations were touched
#
# Besides ours and Debian's, the same rounds run fwd.c, a minimal forwarder
# with no Teredo logic (IPv6 packet from the tunnel as it is in one UDP
# datagram to the fake peer's mapping; a datagram's payload to the
# tunnel), the ceiling of a relay on this kernel: fwd one packet per
# system call, fwdm with sendmmsg/recvmmsg, fwdg with UDP GSO and GRO too.
# They take part in enc and dec only (no COUNT destinations).
#
# Topology (namespaces only, nothing in the root namespace):
#   v6   2001:db8:1::2 -- rly 2001:db8:1::1, 192.0.2.1 (tunnel, 2001::/32)
#   rly 192.0.2.1 -- peer 192.0.2.2 (mapping :40000), 192.0.2.3 (its
#        "server" on 3544: receives indirect bubbles); 203.0.113/24
#        (mappings of the touched destinations) is dropped in peer
# With two or more CPUs the relay is pinned to CPU 1, the tools to CPU 0.
#
# Usage: tests/bench/relay.sh [-b BUILDDIR] [-r ROUNDS] [-s SECONDS]
#            [-n COUNT] [-z SIZE] [-u] [-N NICE] [-m] [-i "IMPL..."] [-f]
#   -i  the implementations of a round, in order, among ours debian fwd
#       fwdm fwdg (default: all five; -m: ours debian)
#   -f  measure even on a busy machine (see lib.sh, tb_idle_check: more
#       than TBENCH_BUSY_MAX=10 % of the CPUs busy before a run makes it
#       exit 3 otherwise); -m does not check (memory does not depend on it)
#   -m  memory only: no enc and dec, only the COUNT destinations touched
#       over SECONDS (tests/bench/peers.sh runs it for 10^4..10^6)
#   -u  unpinned: let the scheduler place the relay and the tools
#   -N  run the relay and the tools at this niceness (e.g. -10 on a
#       machine busy with other work; the default 0 leaves it alone)
# Not part of `make check`: numbers, not pass/fail.  Root only.

set -u
here=$(cd "$(dirname "$0")" && pwd)
builddir=$PWD
debian=${DEBIAN_MIREDO:-/usr/sbin/miredo}
rounds=5
secs=3
touch_n=100000
size=1200
pin=1
nice=0
memonly=0
impls=""
force=0
while getopts b:r:s:n:z:uN:mi:f o; do
	case $o in
	b) builddir=$OPTARG ;;
	r) rounds=$OPTARG ;;
	s) secs=$OPTARG ;;
	n) touch_n=$OPTARG ;;
	z) size=$OPTARG ;;
	u) pin=0 ;;
	N) nice=$OPTARG ;;
	m) memonly=1 ;;
	i) impls=$OPTARG ;;
	f) force=1 ;;
	*) echo "usage: $0 [-b BUILDDIR] [-r ROUNDS] [-s SECONDS]" \
	    "[-n COUNT] [-z SIZE] [-u] [-N NICE] [-m] [-i IMPLS] [-f]" >&2
	    exit 2 ;;
	esac
done
if [ -z "$impls" ]; then
	impls="ours debian fwd fwdm fwdg"
	[ "$memonly" = 0 ] || impls="ours debian"
fi
for i in $impls; do
	case $i in
	ours|debian|fwd|fwdm|fwdg) ;;
	*) echo "relay.sh: unknown implementation $i" >&2; exit 2 ;;
	esac
done
# Memory does not depend on the machine's load: -m never refuses.
[ "$memonly" = 0 ] || TB_NOCHECK=1
ours=$builddir/miredo
. "$here/lib.sh" || exit 1
tb_require ip nft cc awk

P=tb$$
NS_V6=$P-v6
NS_R=$P-rly
NS_P=$P-peer
MAP4=192.0.2.2
MAPPORT=40000
SRV4=192.0.2.3
RLY4=192.0.2.1
RLYPORT=3545
V6=2001:db8:1::2
DPORT=9000
IFNAME=tbt0
# The fake peer's Teredo address: server SRV4, flags 0, MAPPORT, MAP4.
TADDR=$(printf '2001:0:c000:203:0:%x:3fff:fdfd' $((MAPPORT ^ 0xffff)))
HZ=$(getconf CLK_TCK)
relay_pid=""
tb_init "$NS_R" "$NS_P" "$NS_V6"

nsx()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

now()
{
	date +%s.%N
}

topology()
{
	ip netns add "$NS_V6" && ip netns add "$NS_R" &&
	    ip netns add "$NS_P" || return 1
	ip -n "$NS_R" link add rv6 type veth peer name v6r netns "$NS_V6" &&
	    ip -n "$NS_R" link add rp type veth peer name pr netns "$NS_P" ||
	    return 1
	nsx "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1
	nsx "$NS_V6" sysctl -qw net.ipv6.conf.all.accept_dad=0
	for ns in "$NS_V6" "$NS_R" "$NS_P"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_V6" link set v6r up
	ip -n "$NS_V6" addr add "$V6/64" dev v6r nodad
	ip -n "$NS_V6" route add 2001::/32 via 2001:db8:1::1
	ip -n "$NS_R" link set rv6 up
	ip -n "$NS_R" link set rp up
	ip -n "$NS_R" addr add 2001:db8:1::1/64 dev rv6 nodad
	ip -n "$NS_R" addr add "$RLY4/24" dev rp
	ip -n "$NS_R" route add default via "$MAP4"
	ip -n "$NS_P" link set pr up
	ip -n "$NS_P" addr add "$MAP4/24" dev pr
	ip -n "$NS_P" addr add "$SRV4/24" dev pr
	# Mappings of the touched destinations: dropped without ICMP.
	nsx "$NS_P" nft -f - <<EOF || return 1
table ip tbench {
	chain pre {
		type filter hook prerouting priority 0;
		ip daddr 203.0.113.0/24 counter drop
	}
}
EOF
}

ifstat()
{
	nsx "$NS_R" cat "/sys/class/net/$1/statistics/$2" 2>/dev/null || echo 0
}

# diag WHAT: with TBENCH_KEEP set, keep the counters for a post-mortem.
diag()
{
	[ -n "${TBENCH_KEEP:-}" ] || return 0
	{
		echo "== $1 $(now)"
		cat "$tmp/send.out" "$tmp/flood.out" "$tmp/touch.out" \
		    2>/dev/null
		for ns in "$NS_V6" "$NS_R" "$NS_P"; do
			echo "-- $ns"
			ip -n "$ns" -s -s link
			nsx "$ns" nstat -as 2>/dev/null |
			    grep -i "drop\|err\|Udp"
		done
		cat /proc/net/softnet_stat
		ps -L -o pid,tid,psr,pcpu,time,comm $(ip netns pids "$NS_R")
	} >>"$tmp/diag" 2>&1
}

# wait_for FILE WORD TENTHS: poll FILE for WORD.
wait_for()
{
	local i
	for i in $(seq "$3"); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# tunnel_up: the relay's route to 2001::/32 through its tunnel.
tunnel_up()
{
	ip -n "$NS_R" -6 route show 2001::/32 2>/dev/null |
	    grep -q "dev $IFNAME"
}

# start_fwd IMPL: fwd.c on the relay's tunnel name, address and port,
# its peer the fake peer's mapping; the tunnel set up as a relay sets up
# its own (MTU 1280, 2001::/32).
start_fwd()
{
	local opt=""
	case $1 in
	fwdm) opt=-m ;;
	fwdg) opt=-g ;;
	esac
	ip netns exec "$NS_R" $dcpu "$tmp/fwd" $opt "$IFNAME" "$RLY4" \
	    "$RLYPORT" "$MAP4" "$MAPPORT" >"$log" 2>&1 &
	relay_pid=$!
	tb_wait_up "$relay_pid" "relay.sh: $1" grep -q ready "$log" &&
	    ip -n "$NS_R" link set "$IFNAME" mtu 1280 up &&
	    ip -n "$NS_R" -6 route add 2001::/32 dev "$IFNAME" &&
	    tb_wait_up "$relay_pid" "relay.sh: $1's tunnel" tunnel_up
}

# start_relay IMPL TAG [PEERMAX]: log in $tmp/TAG.log.
start_relay()
{
	local impl=$1 bin=$ours conf=$tmp/$2.conf
	[ "$impl" = debian ] && bin=$debian
	log=$tmp/$2.log
	case $impl in
	fwd*) start_fwd "$impl"; return ;;
	esac
	cat >"$conf" <<EOF
RelayType relay
InterfaceName $IFNAME
BindAddress $RLY4
BindPort $RLYPORT
EOF
	[ -z "${3:-}" ] || echo "PeerMax $3" >>"$conf"
	rm -f "$tmp/relay.pid"
	ip netns exec "$NS_R" $dcpu "$bin" -f -c "$conf" -p "$tmp/relay.pid" \
	    >"$log" 2>&1 &
	relay_pid=$!
	tb_wait_up "$relay_pid" "relay.sh: $impl relay" tunnel_up
}

stop_relay()
{
	local i
	[ -n "$relay_pid" ] || return 0
	tb_stop "$relay_pid"
	relay_pid=""
	# The tunnel must be gone before the next relay creates its own.
	for i in $(seq 30); do
		ip -n "$NS_R" link show "$IFNAME" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	ip -n "$NS_R" link del "$IFNAME" 2>/dev/null
}

# stop_tool PID: SIGTERM and wait (the tools print their result then).
stop_tool()
{
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# figures NAME N SPAN TICKS OUT0 OUT1 T0 T1: "NAME=pkt/s NAME_us=CPU us
# per packet NAME_out=interface pkt/s NAME_busy=relay CPU %".
figures()
{
	awk -v k="$1" -v n="$2" -v s="$3" -v c="$4" -v a="$5" -v b="$6" \
	    -v t0="$7" -v t1="$8" -v hz="$HZ" 'BEGIN {
		printf "%s=%.0f %s_us=%.2f %s_out=%.0f %s_busy=%.0f\n",
		    k, (s > 0 ? (n - 1) / s : 0),
		    k, (n > 0 ? c * 1e6 / hz / n : 0),
		    k, (b - a) / (t1 - t0), k, 100 * c / hz / (t1 - t0 + 0.2)
	}'
}

# udp_in NS: datagrams that reached NS's UDP layer (delivered, or dropped
# for a full buffer), counted after UDP GSO segmentation, unlike the veth
# counters, which count a GSO message once.
udp_in()
{
	nsx "$1" cat /proc/net/snmp | awk '$1 == "Udp:" && $2 ~ /^[0-9]/ {
	    print $2 + $4; exit }'
}

# enc: the native host's datagrams to the fake peer's Teredo address;
# _out is the relay's UDP output (the datagrams reaching the peer's UDP).
measure_enc()
{
	local pid i c0 c1 t0 t1 o0 o1
	ip netns exec "$NS_P" $tcpu "$tmp/tbench" peer "$MAP4" "$MAPPORT" \
	    "$SRV4" 60 >"$tmp/peer.out" 2>&1 &
	pid=$!
	wait_for "$tmp/peer.out" ready 30
	# The first packet is queued while the relay's bubbles are answered.
	for i in $(seq 20); do
		nsx "$NS_V6" "$tmp/tbench" send6 "$TADDR" "$DPORT" 0 "$size" \
		    >/dev/null
		wait_for "$tmp/peer.out" primed 3 && break
	done
	if ! grep -q primed "$tmp/peer.out"; then
		stop_tool "$pid"
		echo "enc: no trust: $(tail -1 "$tmp/peer.out")" >&2
		echo "enc_fail=no-trust"
		return
	fi
	c0=$(cpu_ticks); o0=$(udp_in "$NS_P"); t0=$(now)
	nsx "$NS_V6" $tcpu "$tmp/tbench" send6 "$TADDR" "$DPORT" "$secs" \
	    "$size" >"$tmp/send.out"
	t1=$(now); o1=$(udp_in "$NS_P")
	diag enc
	sleep 0.2
	c1=$(cpu_ticks)
	stop_tool "$pid"
	figures enc "$(field "$tmp/peer.out" data)" \
	    "$(field "$tmp/peer.out" span)" $((c1 - c0)) "$o0" "$o1" \
	    "$t0" "$t1"
}

# dec: the fake peer's Teredo datagrams to the native host; _out is what
# the relay wrote to its tunnel (tunnel counter).
measure_dec()
{
	local pid c0 c1 t0 t1 o0 o1
	ip netns exec "$NS_V6" $tcpu "$tmp/tbench" recv6 "$DPORT" 60 \
	    >"$tmp/recv.out" 2>&1 &
	pid=$!
	wait_for "$tmp/recv.out" ready 30
	c0=$(cpu_ticks); o0=$(ifstat "$IFNAME" rx_packets); t0=$(now)
	nsx "$NS_P" $tcpu "$tmp/tbench" flood "$MAP4" "$MAPPORT" "$SRV4" \
	    "$RLY4" "$RLYPORT" "$V6" "$DPORT" "$secs" "$size" \
	    >"$tmp/flood.out"
	t1=$(now); o1=$(ifstat "$IFNAME" rx_packets)
	diag dec
	sleep 0.2
	c1=$(cpu_ticks)
	stop_tool "$pid"
	figures dec "$(field "$tmp/recv.out" recv)" \
	    "$(field "$tmp/recv.out" span)" $((c1 - c0)) "$o0" "$o1" \
	    "$t0" "$t1"
}

# Packets dropped in peer for the touched destinations' mappings.
nft_dropped()
{
	nsx "$NS_P" nft list chain ip tbench pre 2>/dev/null |
	    awk '{ for (i = 1; i < NF; i++)
		if ($i == "packets") print $(i + 1) }'
}

# touch: after touch_n destinations, "seen=" what the relay read from its
# tunnel, "bubbles=" what it sent towards those destinations' mappings
# (direct) and their server (indirect), and its memory.
measure_touch()
{
	local pid s0 s1 b0 b1 s i stall
	ip netns exec "$NS_P" $tcpu "$tmp/tbench" peer "$MAP4" "$MAPPORT" \
	    "$SRV4" 60 >"$tmp/peer.out" 2>&1 &
	pid=$!
	wait_for "$tmp/peer.out" ready 30
	# A tunnel queue longer than the touched set, so that every address
	# reaches the relay even when it does not get the CPU (both alike).
	ip -n "$NS_R" link set "$IFNAME" txqueuelen $((touch_n + 1024))
	s0=$(ifstat "$IFNAME" tx_packets)
	b0=$(nft_dropped)
	nsx "$NS_V6" $tcpu "$tmp/tbench" touch "$SRV4" 203.0.113.1 \
	    "$touch_n" "$secs" "$DPORT" >"$tmp/touch.out"
	# Until the relay has read its whole queue (the tunnel counts a
	# packet sent when the relay reads it), or made no progress for 1 s.
	s1=$(ifstat "$IFNAME" tx_packets)
	stall=0
	for i in $(seq 30); do
		[ $((s1 - s0)) -lt "$touch_n" ] && [ "$stall" -lt 2 ] || break
		sleep 0.5
		s=$(ifstat "$IFNAME" tx_packets)
		if [ "$s" = "$s1" ]; then
			stall=$((stall + 1))
		else
			stall=0
		fi
		s1=$s
	done
	sleep 0.3
	b1=$(nft_dropped)
	diag touch
	stop_tool "$pid"
	echo "touched=$(field "$tmp/touch.out" touched) seen=$((s1 - s0))" \
	    "bubbles=$((b1 - b0 + $(field "$tmp/peer.out" bubbles_indirect)))" \
	    "$(mem N)"
}

# round IMPL TAG [PEERMAX]: one line of KEY=VALUE results.
round()
{
	local impl=$1 tag=$2 pm=${3:-} out st=ok
	if ! start_relay "$impl" "$tag" "$pm"; then
		stop_relay	# whatever half started: the next run's tunnel
		echo "status=no-start"
		return
	fi
	out="$(mem 0)"
	if [ -z "$pm" ] && [ "$memonly" = 0 ]; then
		out="$out $(measure_enc) $(measure_dec)"
	fi
	out="$out $(mem 1)"
	case $impl in
	fwd*) ;;	# no peer table to fill
	*) [ "$touch_n" -gt 0 ] && out="$out $(measure_touch)" ;;
	esac
	# Ours restarts a dead engine: count the starts.
	[ "$(grep -c "engine started" "$log")" -le 1 ] || st=ENGINE-RESTARTED
	kill -0 "$relay_pid" 2>/dev/null || st=DIED
	stop_relay
	echo "$out status=$st"
}

tb_setup relay.sh
cc -O2 -o "$tmp/fwd" "$here/fwd.c" || exit 1
TB_IMPLS=$impls

echo "relay benchmark: ours=$ours debian=$debian"
echo "$rounds rounds alternating, ${secs}s per direction, $size-byte UDP" \
    "payload, $touch_n destinations touched, relay: ${dcpu:-unpinned}"
tb_rounds
# Ours again with a peer table as large as the touched set, if the
# relay's default (1048576) is smaller.
if [ "$touch_n" -gt $((1048576 - 1024)) ] && [ "$memonly" = 0 ]; then
	echo "round=x impl=ours/pm $(round ours ourspm $((touch_n + 1024)))" \
	    >>"$res"
fi
vs=""
for i in $impls; do
	case $i in fwd*) vs="$vs $i" ;; esac
done
awk -v cols="busy0 enc enc_us enc_busy dec dec_us dec_busy rss0 hwm1 seen
    bubbles rssN hwmN status" \
    -v titles="busy0% enc/s us/pkt busy% dec/s us/pkt busy% rss0 hwm1 seen
    bubbl rssN hwmN status" \
    -v vs="$vs" -v vsmetrics="enc enc_us dec dec_us" \
    -v vsnames="encap_pkt/s encap_us/pkt decap_pkt/s decap_us/pkt" \
    -v metrics="enc enc_us enc_out dec dec_us dec_out rss0 hwm1 seen bubbles
    rssN hwmN" \
    -v names="encap_pkt/s encap_us/pkt encap_out/s decap_pkt/s decap_us/pkt
    decap_out/s rss_idle_kB hwm_runs_kB seen_N bubbles_N rss_N_kB hwm_N_kB" \
    -f "$here/report.awk" "$res"
echo "rss0: idle; rss1/hwm1: after enc+dec; seen/bubbl/rssN/hwmN: after" \
    "touching $touch_n destinations (kB); busy0%: the machine before the run."
[ -z "$vs" ] || echo "fwd, fwdm, fwdg: minimal forwarders (fwd.c), no" \
    "Teredo logic: one packet per call; sendmmsg/recvmmsg; with UDP GSO/GRO."
tb_loaded_note
[ "$touch_n" -le $((1048576 - 1024)) ] ||
    echo "ours/pm: ours with PeerMax $((touch_n + 1024)) (default 1048576)."
[ -z "${TBENCH_KEEP:-}" ] || echo "results kept in $tmp"
# Anything alarming in the daemons' logs.
for l in "$tmp"/*.log; do
	grep -i "error\|fatal\|crit\|abort\|assert\|overflow" "$l" |
	    grep -v "with no error" | sed "s|^|$(basename "$l" .log): |"
done | sort | uniq -c | head -10
