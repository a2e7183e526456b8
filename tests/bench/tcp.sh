#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Relay throughput, ours against Debian's miredo 1.2.6, side by side in one
# run: the relay implementations alternate round by round on the same
# topology (tests/interop/topo.sh), so that the machine's noise hits both.
# Each round: Debian's server and client (behind a full cone NAT), one relay,
# a TCP transfer native host -> client through the relay (encapsulation),
# then client -> native host (decapsulation), timed.
#
# Usage: tests/bench/tcp.sh [-b BUILDDIR] [-r ROUNDS] [-m MB]
# Not part of `make check`: numbers, not pass/fail.  Root only.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/topo.sh" || exit 1
rounds=3
mb=200
while getopts b:r:m: o; do
	case $o in
	b) TOPO_BUILDDIR=$(cd "$OPTARG" && pwd) || exit 2 ;;
	r) rounds=$OPTARG ;;
	m) mb=$OPTARG ;;
	*) echo "usage: $0 [-b BUILDDIR] [-r ROUNDS] [-m MB]" >&2; exit 2 ;;
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

# xfer FROM TO_NS ADDR: seconds to send $mb MB over TCP, or "fail".
xfer()
{
	local from=$1 to=$2 addr=$3 port=5002 lpid t0 t
	nsx "$to" timeout 120 nc -6 -l "$port" </dev/null >/dev/null 2>&1 &
	lpid=$!
	topo_wait 3 topo_tcp_listening "$to" "$port" || { echo fail; return; }
	t0=$(topo_now)
	if ! head -c $((mb * 1048576)) /dev/zero |
	    nsx "$from" timeout 120 nc -6 -N -w 5 "$addr" "$port" 2>/dev/null; then
		topo_kill_listener "$to" "$port"
		wait "$lpid"
		echo fail
		return
	fi
	wait "$lpid"
	t=$(topo_since "$t0")
	awk -v t="$t" -v m="$mb" 'BEGIN { printf "%.0f\n", m * 8 * 1.048576 / t }'
}

# round IMPL: "enc dec" in Mbit/s through a relay of IMPL.
round()
{
	local a e d
	start_server debian >/dev/null || { echo "fail fail"; return; }
	start_relay "$1" || { stop_daemons; echo "fail fail"; return; }
	start_client debian 1
	wait_qualified 1 10 >/dev/null || { stop_daemons; echo "fail fail"; return; }
	a=$(teredo_addr 1)
	# Open the path (bubbles, connectivity test) before timing.
	check_ping v6 "$a" 56 && check_ping cl1 "$TOPO_V6" 56
	e=$(xfer v6 cl1 "$a")
	d=$(xfer cl1 v6 "$TOPO_V6")
	stop_daemons
	echo "$e $d"
}

topo_init
topo_up fullcone none || exit 1
echo "relay throughput, $mb MB TCP per transfer, $rounds rounds, Mbit/s"
printf '%-6s %-7s %10s %10s\n' round relay "enc(n>c)" "dec(c>n)"
res=""
for i in $(seq "$rounds"); do
	for impl in ours debian; do
		read -r e d < <(round "$impl")
		printf '%-6s %-7s %10s %10s\n' "$i" "$impl" "$e" "$d"
		res="$res$impl $e $d"$'\n'
	done
done
# Medians and ratios ours / Debian.
printf '%s' "$res" | awk '
function med(a, n,   i, j, t) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$2 != "fail" { e[$1, ++ne[$1]] = $2 }
$3 != "fail" { d[$1, ++nd[$1]] = $3 }
END {
	for (k in ne) { for (i = 1; i <= ne[k]; i++) x[i] = e[k, i]; me[k] = med(x, ne[k]) }
	for (k in nd) { for (i = 1; i <= nd[k]; i++) y[i] = d[k, i]; md[k] = med(y, nd[k]) }
	printf "median ours: enc %s dec %s; debian: enc %s dec %s\n", \
	    me["ours"], md["ours"], me["debian"], md["debian"]
	if (me["debian"] > 0 && me["ours"] > 0)
		printf "ratio ours/debian: encapsulation %.2f\n", me["ours"] / me["debian"]
	if (md["debian"] > 0 && md["ours"] > 0)
		printf "ratio ours/debian: decapsulation %.2f\n", md["ours"] / md["debian"]
}'
