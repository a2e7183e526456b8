#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# RFC 6081's symmetric NAT extensions in the daemon, in the topology of
# tests/interop/topo.sh (our server, no relay needed): client 1 (ours,
# BindPort 3545) behind a port-preserving (ppsym) and then a sequential
# (seqsym) symmetric NAT, client 2 (ours) behind a port-restricted NAT.
# With SymmetricNATSupport yes, client 1 must find its NAT symmetric
# (and port-preserving or not, miredo-status), use a random-port socket
# and reach client 2 directly (1200-byte pings: the server forwards no
# such packet); with SymmetricNATSupport no it must not reach it, nor
# must Debian's miredo 1.2.6 in both clients' place (if installed).  The
# two NAT kinds are emulations by nftables rules (topo_nat_sym in
# topo.sh): Linux allocates ports neither way by itself.
# Root only (77 otherwise; with CI=true a skip is a failure).

srcdir=${srcdir:-$(dirname "$0")/../..}
export TOPO_BUILDDIR=${BUILDDIR:-$PWD}
export TOPO_P=sy$$
. "$srcdir/tests/interop/topo.sh"

skip()
{
	echo "SKIP: $*"
	[ "${CI:-}" = true ] && exit 1
	exit 77
}

why=$(topo_require) || skip "$why"
for p in miredo miredo-server miredo-status; do
	[ -x "$TOPO_BUILDDIR/$p" ] || { echo "FAIL: $p not built"; exit 1; }
done

fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

status1()
{
	"$TOPO_BUILDDIR/miredo-status" -s "$TOPO_DIR/client1.ctl" 2>/dev/null
}

has_status()	# has_status REGEX: client 1's report has a matching line
{
	status1 | grep -Eq "$1"
}

# reach: client 1 pings client 2 at 1200 bytes; any answer will do (the
# first packets may be lost while the path opens).
reach()
{
	local a2
	a2=$(teredo_addr 2)
	[ -n "$a2" ] || return 1
	nsx cl1 ping -6 -n -c 10 -i 0.5 -w 5 -s 1200 "$a2" 2>&1 |
	    grep -q ' 0% packet loss\| [1-9][0-9]* received'
}

logs()
{
	local f
	for f in server client1 client2; do
		echo "--- $f.log"
		tail -n 15 "$TOPO_DIR/$f.log" 2>/dev/null
	done
	echo "--- client 1 status"
	status1
}

# round KIND SNS: one topology, both clients, the checks.  SNS "debian":
# Debian's miredo 1.2.6 as both clients (if installed), for comparison.
round()
{
	local kind=$1 sns=$2 pp what="$1, SymmetricNATSupport $2" impl=ours
	[ "$kind" = ppsym ] && pp=yes || pp=no
	if [ "$sns" = debian ]; then
		[ -x "$TOPO_DEBIAN_SBIN/miredo" ] || return 0
		impl=debian
		what="$kind, Debian's miredo"
	fi
	TOPO_CLIENT_CONF1="BindPort $TOPO_SYM_PORT"
	TOPO_CLIENT_CONF2=""
	if [ "$impl" = ours ]; then
		TOPO_CLIENT_CONF1="$TOPO_CLIENT_CONF1
SymmetricNATSupport $sns"
		TOPO_CLIENT_CONF2="SymmetricNATSupport $sns"
	fi
	start_server ours || fail "$what: server"
	start_client "$impl" 1
	start_client "$impl" 2
	if ! wait_qualified 1 10 >/dev/null || ! wait_qualified 2 10 >/dev/null
	then
		fail "$what: qualification"
		logs
		stop_daemons
		return
	fi
	if [ "$sns" = yes ]; then
		# The NAT test runs right after the qualification.
		if topo_wait 5 has_status "^nat-symmetric: yes" &&
		    has_status "^nat-port-preserving: $pp\$" &&
		    has_status "^rfc6081-symmetric-nat-support: on\$"; then
			ok "$what: NAT seen as symmetric, port-preserving $pp"
		else
			fail "$what: NAT test"
		fi
		if reach; then
			ok "$what: client 1 reaches client 2 (port-restricted)"
		else
			fail "$what: client 1 does not reach client 2"
			logs
		fi
		if [ "$kind" = ppsym ]; then
			has_status '^rfc6081-port-preserving: on$'
		else
			has_status '^rfc6081-sequential: on$'
		fi && has_status '^rfc6081-random-ports: [1-9]' &&
		    ok "$what: extension on, a random port in use" ||
		    fail "$what: extension state"
	else
		[ "$impl" = debian ] ||
		    { has_status '^nat-symmetric: unknown' &&
		    has_status '^rfc6081-symmetric-nat-support: off$'; } ||
		    fail "$what: NAT test made with the extension off"
		if reach; then
			fail "$what: client 1 reaches client 2 without the extension (the NAT emulation is not symmetric)"
			logs
		else
			ok "$what: client 1 cannot reach client 2"
		fi
	fi
	stop_daemons
}

topo_init
start=$(topo_now)
# One topology per NAT kind; the daemons restart between rounds (new
# ports for everything but client 1's BindPort, whose mappings stay).
for kind in ppsym seqsym; do
	if ! topo_up "$kind" restricted; then
		fail "$kind: topology"
		continue
	fi
	round "$kind" yes
	round "$kind" no
	# Debian's miredo 1.2.6 in the same places (README's table).
	round "$kind" debian
	topo_down
done
echo "$fails failed, in $(topo_since "$start") s"
[ "$fails" = 0 ]
