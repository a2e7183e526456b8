#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Interoperability matrix: every {client, server, relay} in {ours, Debian's
# miredo 1.2.6} behind each NAT kind, in network namespaces (topo.sh).
# Checks per cell: both clients qualify (time of client 1 shown, at most
# $MATRIX_QUAL_MAX s), ping6 native host -> client and client -> native host
# at 56 and 1200 bytes, client <-> client across two NATs, and a TCP
# transfer native host -> client whose sha256 must match.  A daemon that
# dies during a cell, or has to be killed because it ignores SIGTERM,
# fails the cell (noted as ROLE-died, ROLE-ignored-SIGTERM).
#
# Usage: matrix.sh [-v] [-k] [-b BUILDDIR] [NAT...] [ROLES...]
#   NAT    fullcone | restricted | symmetric        (env MATRIX_NATS)
#   ROLES  three letters client,server,relay, o = ours, d = Debian,
#          e.g. odd = our client with Debian's server and relay
#                                                   (env MATRIX_ROLES)
#   -b     where ./miredo and ./miredo-server are (default: cwd)
#   -k     keep the logs (path printed); -v  verbose
# Other knobs: MATRIX_TCP_MB (10), MATRIX_QUAL_MAX (5).
# Exit: 0 all cells pass, 1 a cell fails, 77 not root / tools missing,
# 99 our binaries not found.
#
# The second NAT is of the same kind, except for the symmetric column
# where it is a full cone: two clients both behind symmetric NATs cannot
# reach each other in Teredo (RFC 4380 §5.2.1), and neither can miredo.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/topo.sh" || exit 99

nats=${MATRIX_NATS:-}
roles=${MATRIX_ROLES:-}
tcp_mb=${MATRIX_TCP_MB:-10}
qual_max=${MATRIX_QUAL_MAX:-5}

while [ $# -gt 0 ]; do
	case $1 in
	-v) TOPO_VERBOSE=1 ;;
	-k) TOPO_KEEP_DIR=1 ;;
	-b) shift; TOPO_BUILDDIR=$(cd "$1" && pwd) || exit 2 ;;
	fullcone|restricted|symmetric) nats="$nats $1" ;;
	[od][od][od]) roles="$roles $1" ;;
	*) echo "usage: $0 [-v] [-k] [-b BUILDDIR] [NAT...] [ROLES...]" >&2
	   exit 2 ;;
	esac
	shift
done
nats=${nats:-fullcone restricted symmetric}
roles=${roles:-ddd odd dod ddo ood odo doo ooo}

if ! why=$(topo_require); then
	echo "SKIP: $why"
	exit 77
fi
for p in miredo miredo-server; do
	if [ ! -x "$TOPO_DEBIAN_SBIN/$p" ]; then
		echo "SKIP: Debian's $p is not installed (apt-get install miredo miredo-server)"
		exit 77
	fi
done

case " $roles" in
*o*)
	for p in miredo miredo-server; do
		if [ ! -x "$TOPO_BUILDDIR/$p" ]; then
			echo "ERROR: our $p is not in $TOPO_BUILDDIR (build it, or use -b BUILDDIR)"
			exit 99
		fi
	done
	;;
esac

impl()
{
	case $1 in o) echo ours ;; d) echo debian ;; esac
}

short()
{
	case $1 in o) echo ours ;; d) echo deb ;; esac
}

# mark CMD...: prints "ok" or "FAIL" (runs in a command substitution).
mark()
{
	if "$@"; then
		echo ok
	else
		echo FAIL
	fi
}

# cell_logs: the tails of the daemons' logs and of the checks, on failure.
cell_logs()
{
	local f
	for f in server relay client1 client2; do
		[ -s "$TOPO_DIR/$f.log" ] || continue
		echo "  --- $f.log"
		tail -n 8 "$TOPO_DIR/$f.log" | sed 's/^/  | /'
	done
	echo "  --- checks"
	tail -n 12 "$TOPO_DIR/topo.log" | sed 's/^/  | /'
}

# run_cell NAT ROLES: prints one row of the table.
run_cell()
{
	local nat=$1 c=${2:0:1} s=${2:1:1} r=${2:2:1}
	local q1 q2 qual n56=- n1200=- c56=- c1200=- c2c=- tcp=- note=""
	local a1 d cell_fail=0
	rm -f "$TOPO_DIR"/*.log
	start_server "$(impl "$s")" || note="$note server-not-listening"
	start_relay "$(impl "$r")" || note="$note relay-no-route"
	start_client "$(impl "$c")" 1
	start_client "$(impl "$c")" 2
	q1=$(wait_qualified 1 10)
	q2=$(wait_qualified 2 10)
	if [ -n "$q1" ] && [ -n "$q2" ] &&
	    awk -v a="$q1" -v b="$q2" -v m="$qual_max" \
		'BEGIN { exit !(a <= m && b <= m) }'; then
		qual="ok"
	else
		qual="FAIL"
		cell_fail=1
	fi
	a1=$(teredo_addr 1)
	if [ -n "$a1" ] && ! topo_alive relay; then
		# No relay: the native host cannot be reached; save the time.
		n56=FAIL n1200=FAIL c56=FAIL c1200=FAIL tcp=FAIL
		c2c=$(mark check_c2c)
	elif [ -n "$a1" ]; then
		n56=$(mark check_ping v6 "$a1" 56)
		n1200=$(mark check_ping v6 "$a1" 1200)
		c56=$(mark check_ping cl1 "$TOPO_V6" 56)
		c1200=$(mark check_ping cl1 "$TOPO_V6" 1200)
		c2c=$(mark check_c2c)
		tcp=$(mark check_tcp "$tcp_mb" 1)
	fi
	# mark ran in subshells: recount the failures from the results.
	for d in $n56 $n1200 $c56 $c1200 $c2c $tcp; do
		[ "$d" != FAIL ] || cell_fail=1
	done
	# A daemon that died during the cell, or ignores SIGTERM, fails it.
	for d in server relay client1 client2; do
		topo_alive "$d" || { note="$note $d-died"; cell_fail=1; }
	done
	# Stopped before the logs are read: our daemons log their counters
	# when they exit.
	if ! stop_daemons; then
		for d in $TOPO_NO_TERM; do
			note="$note $d-ignored-SIGTERM"
		done
		cell_fail=1
	fi
	printf '%-10s %-4s %-4s %-4s | %-4s %6s | %-4s %-4s | %-4s %-4s | %-4s %-4s |%s\n' \
	    "$nat" "$(short "$c")" "$(short "$s")" "$(short "$r")" \
	    "$qual" "${q1:-none}" "$n56" "$n1200" "$c56" "$c1200" "$c2c" \
	    "$tcp" "$note"
	if [ "$cell_fail" != 0 ]; then
		echo "== $nat: client $(impl "$c"), server $(impl "$s"), relay $(impl "$r")" >>"$TOPO_DIR/failures.txt"
		cell_logs >>"$TOPO_DIR/failures.txt"
	fi
	return "$cell_fail"
}

topo_init
start=$(topo_now)
failed=0
passed=0
header='NAT        cli  srv  rly  | qual   secs | n>c  n>c  | c>n  c>n  | c2c  tcp |'
header2='                          |             | 56   1200 | 56   1200 |           |'
echo "$header"
echo "$header2"
rows=""
for nat in $nats; do
	nat2=$nat
	[ "$nat" != symmetric ] || nat2=fullcone
	if ! topo_up "$nat" "$nat2"; then
		echo "topology for $nat could not be built" >&2
		exit 99
	fi
	for cell in $roles; do
		if run_cell "$nat" "$cell" >"$TOPO_DIR/row"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
		cat "$TOPO_DIR/row"
		rows="$rows$(cat "$TOPO_DIR/row")"$'\n'
	done
	topo_down
done

if [ -s "$TOPO_DIR/failures.txt" ]; then
	echo
	echo "Failure details (daemon logs and checks):"
	cat "$TOPO_DIR/failures.txt"
	echo
	echo "$header"
	printf '%s' "$rows"
fi
echo
echo "$passed cells passed, $failed failed, in $(topo_since "$start") s"
[ -z "${TOPO_KEEP_DIR:-}" ] || echo "logs kept in $TOPO_DIR"
[ "$failed" = 0 ]
