# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# lib.sh: what relay.sh and server.sh share, sourced by bash once their
# options are parsed ($ours, $debian, $pin, $nice, $here, $force).  Both run ours
# and Debian's daemon in turn in namespaces of their own, measure it with
# tbench (built in $tmp) and print the figures with report.awk.  The
# script defines topology() and round IMPL TAG (one line of KEY=VALUE).

tmp=""
dcpu=""		# the daemon's command prefix: CPU 1, niceness
tcpu=""		# the tools' command prefix: CPU 0, niceness

# tb_require TOOL...: root, the tools, $ours and $debian (or exit 77).
tb_require()
{
	local t b
	[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
	for t in "$@"; do
		command -v "$t" >/dev/null ||
		    { echo "SKIP: $t missing"; exit 77; }
	done
	for b in "$ours" "$debian"; do
		[ -x "$b" ] || { echo "SKIP: $b missing"; exit 77; }
	done
}

# tb_init DAEMON_NS OTHER_NS...: the namespaces (removed on exit, with
# whatever runs in them and $tmp unless TBENCH_KEEP is set) and $dcpu,
# $tcpu: pinned with two CPUs or more unless -u, niced with -N.
tb_init()
{
	TB_DNS=$1
	TB_NS="$*"
	if [ "$pin" = 1 ] && [ "$(nproc)" -ge 2 ] &&
	    command -v taskset >/dev/null; then
		dcpu="taskset -c 1"
		tcpu="taskset -c 0"
	fi
	if [ "$nice" != 0 ]; then
		dcpu="nice -n $nice $dcpu"
		tcpu="nice -n $nice $tcpu"
	fi
	trap tb_cleanup EXIT
	trap 'exit 1' INT TERM
}

tb_cleanup()
{
	local ns p
	trap - EXIT INT TERM
	for ns in $TB_NS; do
		p=$(ip netns pids "$ns" 2>/dev/null)
		[ -z "$p" ] || kill -KILL $p 2>/dev/null
	done
	for ns in $TB_NS; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -z "$tmp" ] || [ -n "${TBENCH_KEEP:-}" ] || rm -rf "$tmp"
}

# tb_setup NAME: $tmp, tbench built in it, and the script's topology.
tb_setup()
{
	tmp=$(mktemp -d "/tmp/tbench$$.XXXXXX") || exit 1
	cc -O2 -o "$tmp/tbench" "$here/tbench.c" || exit 1
	topology || { echo "$1: topology set-up failed" >&2; exit 1; }
}

# tb_rounds: $rounds rounds of ours then Debian's (or of the
# implementations in $TB_IMPLS, in that order), appended to $res; each
# run after tb_idle_check, its busy% there in the line (busy0=).
tb_rounds()
{
	local r impl
	res=$tmp/results
	for r in $(seq "$rounds"); do
		for impl in ${TB_IMPLS:-ours debian}; do
			tb_idle_check "round $r ($impl)"
			echo "round=$r impl=$impl busy0=$TB_BUSY" \
			    "$(round "$impl" "$impl$r")" >>"$res"
		done
	done
}

# The machine's load, checked before each run: the share of all CPUs'
# time (/proc/stat: user, nice, system, irq, softirq, steal) that was not
# idle over one second while the benchmark itself was at rest.  The load
# average is no use here: it lags a minute and counts our own runs.
TB_BUSY_MAX=${TBENCH_BUSY_MAX:-10}
TB_BUSY=""
TB_LOADED=0

# tb_busy SECONDS: that percentage over SECONDS.
tb_busy()
{
	local a b
	a=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9,
	    $5 + $6 }' /proc/stat)
	sleep "$1"
	b=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9,
	    $5 + $6 }' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
		t = y[1] - x[1]
		printf "%.0f\n", (t > 0 ? 100 * (1 - (y[2] - x[2]) / t) : 0) }'
}

# tb_idle_check WHEN: sets TB_BUSY; above TB_BUSY_MAX percent, exit 3
# with a message, or with -f ($force = 1) a warning and go on.  Nothing
# with TB_NOCHECK=1 (figures that do not depend on the load).
tb_idle_check()
{
	TB_BUSY=-
	[ "${TB_NOCHECK:-0}" = 0 ] || return 0
	TB_BUSY=$(tb_busy 1)
	[ "$TB_BUSY" -gt "$TB_BUSY_MAX" ] || return 0
	if [ "${force:-0}" = 1 ]; then
		echo "WARNING: $TB_BUSY% of the CPUs busy before $1" \
		    "(limit $TB_BUSY_MAX%); going on (-f)" >&2
		TB_LOADED=$((TB_LOADED + 1))
		return 0
	fi
	echo "${0##*/}: refusing to measure: $TB_BUSY% of the CPUs were busy" \
	    "over 1 s before $1 (limit $TB_BUSY_MAX%, TBENCH_BUSY_MAX)." >&2
	echo "Other work would set the figures.  Run it on an idle machine," \
	    "or give -f to measure anyway (figures then not comparable)." >&2
	exit 3
}

# tb_loaded_note: after the runs, a reminder of the runs made under load.
tb_loaded_note()
{
	[ "$TB_LOADED" = 0 ] ||
	    echo "WARNING: $TB_LOADED run(s) started on a busy machine (over" \
	    "$TB_BUSY_MAX% busy, forced with -f; busy0 column): the figures" \
	    "measure that machine's load too, not for the README."
}

# Per-process figures, summed over every process in the daemon's namespace.
cpu_ticks()
{
	local p t=0
	for p in $(ip netns pids "$TB_DNS"); do
		t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' \
		    "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	echo "$t"
}

# mem SUFFIX: "rssSUFFIX=kB hwmSUFFIX=kB" (VmRSS, VmHWM).
mem()
{
	local p r=0 h=0 a b
	for p in $(ip netns pids "$TB_DNS"); do
		read -r a b < <(awk '$1 == "VmRSS:" { r = $2 }
		    $1 == "VmHWM:" { h = $2 } END { print r + 0, h + 0 }' \
		    "/proc/$p/status" 2>/dev/null)
		r=$((r + ${a:-0}))
		h=$((h + ${b:-0}))
	done
	echo "rss$1=$r hwm$1=$h"
}

# tb_wait_up PID WHAT CMD...: until CMD succeeds (then 0.3 s more), for
# at most 5 s while PID lives; else WHAT and the tail of $log on stderr.
tb_wait_up()
{
	local pid=$1 what=$2 i
	shift 2
	for i in $(seq 50); do
		if "$@"; then
			sleep 0.3
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "$what did not come up; log:" >&2
	tail -5 "$log" >&2
	return 1
}

# tb_stop PID: SIGTERM, up to 5 s to go, then SIGKILL to whatever is left
# in the daemon's namespace.
tb_stop()
{
	local i p
	kill -TERM "$1" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	p=$(ip netns pids "$TB_DNS")
	[ -z "$p" ] || kill -KILL $p 2>/dev/null
	wait "$1" 2>/dev/null
}

# field FILE KEY: the word after KEY on FILE's last result line.
field()
{
	awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) }
	    END { print v + 0 }' "$1"
}
