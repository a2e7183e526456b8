#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Server benchmark: our miredo-server against Debian's miredo-server 1.2.6,
# alternating round by round on the same namespaces.  A fake client floods
# the server with Teredo router solicitations (authentication header,
# non-cone link-local source) from NSRC source addresses, as fast as it
# can for SECONDS; per round and implementation:
#   ra/s    answers received per second
#   us/ra   utime+stime of all the server's processes per answer
#   busy%   the server's CPU share during the flood
#   rss/hwm VmRSS/VmHWM summed over its processes, after the flood (kB)
# Ours runs once per ServerRateLimit of -l in each round, Debian's (which
# has no limit) once: by default ours-0 (limit off), debian, ours-def
# (the default, 1000/s in bursts of 2000 per address), and the summary
# compares each of ours with Debian's of the same round.  With the
# default 4096 sources a flood of ~4M/s would stay within the limit; -n 1
# floods from one source, to see the limit at work.
#
#   srv  198.51.100.10 + .11 (UDP 3544) -- cli 198.51.100.2, with
#        198.18.0.0/20 routed to its loopback ("local"): the sources
# With two or more CPUs the server is pinned to CPU 1, the client to CPU 0.
#
# Usage: tests/bench/server.sh [-b BUILDDIR] [-r ROUNDS] [-s SECONDS]
#            [-n NSRC] [-l "LIMIT..."] [-u] [-N NICE] [-f]
#   LIMIT: a ServerRateLimit value for ours, or "def" (none given).
#   -f  measure even on a busy machine (lib.sh, tb_idle_check: it exits 3
#       otherwise when over TBENCH_BUSY_MAX=10 % of the CPUs were busy
#       in the second before a run)
# Not part of `make check`: numbers, not pass/fail.  Root only.

set -u
here=$(cd "$(dirname "$0")" && pwd)
builddir=$PWD
debian=${DEBIAN_MIREDO_SERVER:-/usr/sbin/miredo-server}
rounds=5
secs=3
nsrc=4096
pin=1
nice=0
limits="0 def"
force=0
while getopts b:r:s:n:l:uN:f o; do
	case $o in
	b) builddir=$OPTARG ;;
	r) rounds=$OPTARG ;;
	s) secs=$OPTARG ;;
	n) nsrc=$OPTARG ;;
	l) limits=$OPTARG ;;
	u) pin=0 ;;
	N) nice=$OPTARG ;;
	f) force=1 ;;
	*) echo "usage: $0 [-b BUILDDIR] [-r ROUNDS] [-s SECONDS] [-n NSRC]" \
	    "[-l \"LIMIT...\"] [-u] [-N NICE] [-f]" >&2; exit 2 ;;
	esac
done
ours=$builddir/miredo-server
. "$here/lib.sh" || exit 1
tb_require ip cc awk

P=tbs$$
NS_S=$P-srv
NS_C=$P-cli
SRV4=198.51.100.10
HZ=$(getconf CLK_TCK)
srv_pid=""
tb_init "$NS_S" "$NS_C"

topology()
{
	ip netns add "$NS_S" && ip netns add "$NS_C" || return 1
	ip -n "$NS_S" link add sc type veth peer name cs netns "$NS_C" ||
	    return 1
	ip -n "$NS_S" link set lo up
	ip -n "$NS_C" link set lo up
	ip -n "$NS_S" link set sc up
	ip -n "$NS_C" link set cs up
	ip -n "$NS_S" addr add "$SRV4/24" dev sc
	ip -n "$NS_S" addr add 198.51.100.11/24 dev sc
	ip -n "$NS_S" route add 198.18.0.0/15 via 198.51.100.2
	ip -n "$NS_C" addr add 198.51.100.2/24 dev cs
	ip -n "$NS_C" route add local 198.18.0.0/20 dev lo
}

# listening: the server's port is open.
listening()
{
	ip netns exec "$NS_S" ss -Hlun "sport = :3544" 2>/dev/null | grep -q .
}

# start_server IMPL TAG: debian, or ours-LIMIT (ServerRateLimit LIMIT,
# none for "def").
start_server()
{
	local impl=$1 bin=$ours
	[ "$impl" = debian ] && bin=$debian
	echo "ServerBindAddress $SRV4" >"$tmp/$2.conf"
	case $impl in
	ours-def) ;;
	ours-*) echo "ServerRateLimit ${impl#ours-}" >>"$tmp/$2.conf" ;;
	esac
	log=$tmp/$2.log
	ip netns exec "$NS_S" $dcpu "$bin" -f -c "$tmp/$2.conf" \
	    -p "$tmp/server.pid" >"$log" 2>&1 &
	srv_pid=$!
	tb_wait_up "$srv_pid" "server.sh: $impl server" listening
}

stop_server()
{
	tb_stop "$srv_pid"
	srv_pid=""
}

round()
{
	local impl=$1 tag=$2 out c0 c1 t0 t1 st=ok
	if ! start_server "$impl" "$tag"; then
		echo "status=no-start"
		return
	fi
	out="$(mem 0)"
	c0=$(cpu_ticks); t0=$(date +%s.%N)
	ip netns exec "$NS_C" $tcpu "$tmp/tbench" rs "$SRV4" 198.18.0.1 \
	    "$nsrc" "$secs" >"$tmp/rs.out"
	t1=$(date +%s.%N); c1=$(cpu_ticks)
	out="$out $(mem 1)"
	out="$out $(awk -v s="$(field "$tmp/rs.out" sent)" \
	    -v n="$(field "$tmp/rs.out" answers)" -v c=$((c1 - c0)) \
	    -v sec="$secs" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN {
		printf "rs=%.0f ra=%.0f ra_us=%.2f busy=%.0f", s / sec,
		    n / sec, (n > 0 ? c * 1e6 / hz / n : 0),
		    100 * c / hz / (t1 - t0)
	}')"
	kill -0 "$srv_pid" 2>/dev/null || st=DIED
	stop_server
	echo "$out status=$st"
}

# ours-0 debian ours-def: Debian's between ours, once per round.
TB_IMPLS=""
set -- $limits
for l; do
	case $l in
	def|[0-9]*) ;;
	*) echo "server.sh: bad limit $l" >&2; exit 2 ;;
	esac
	TB_IMPLS="$TB_IMPLS ours-$l"
	[ "$l" != "$1" ] || TB_IMPLS="$TB_IMPLS debian"
done

tb_setup server.sh

echo "server benchmark: ours=$ours debian=$debian"
echo "$rounds rounds of$TB_IMPLS, ${secs}s of RS flood from $nsrc" \
    "sources, server: ${dcpu:-unpinned}"
tb_rounds
notable=0
for l in $limits; do
	awk -v cols="busy0 rs ra ra_us busy rss0 rss1 hwm1 status" \
	    -v titles="busy0% rs/s ra/s us/ra busy% rss0 rss1 hwm1 status" \
	    -v metrics="rs ra ra_us busy rss0 hwm1" \
	    -v names="rs_sent/s ra/s us/ra busy% rss_idle_kB hwm_kB" \
	    -v ours="ours-$l" -v notable=$notable \
	    -f "$here/report.awk" "$res"
	notable=1
done
echo "rs/s: solicitations sent; ra/s: answers received (per second of" \
    "flood); us/ra: server CPU per answer; ours-N: ServerRateLimit N" \
    "(def: the default); busy0%: the machine before the run."
tb_loaded_note
[ -z "${TBENCH_KEEP:-}" ] || echo "results kept in $tmp"
