#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# What a compromised unprivileged process of ours would hold (the security
# review's H1 and M2, issue 13).  Our client qualifies against our server
# in two namespaces (lib.sh), with ServerAddress a name served by a DNS
# stub (dns_stub) that holds the first queries, so that the resolver
# child can be looked at while it waits for its answer.  For the engine,
# the resolver and the server child:
#   - real, effective, saved and file uid are nobody's, CapEff and CapPrm
#     are 0, NoNewPrivs 1, Seccomp 2 (filter);
#   - every descriptor is one it needs, listed below by what it points to
#     (the peers of its sockets and pipes must be its supervisor's).
# Then code injected into each of them (intruder.so by LD_PRELOAD makes
# one forbidden call once the process is no longer root) must be killed
# by the filter, and the supervisor must log it.  Root only (77).

[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
for t in ip ss unshare mount; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
B=$(cd "${builddir:-.}" && pwd)
for p in miredo miredo-server tests/netns/dns_stub tests/netns/intruder.so; do
	[ -x "$B/$p" ] || [ -f "$B/$p" ] || { echo "FAIL: $B/$p not built"; exit 1; }
done
if ! grep -q '^#define HAVE_SECCOMP 1' "$B/config.h"; then
	# CI builds --with-seccomp: this skip cannot happen there.
	echo "SKIP: built --without-seccomp"
	exit 77
fi
MIREDO=$B/miredo
SERVER=$B/miredo-server
NOBODY=$(id -u nobody)

NS=mprc$$
NSS=mprc$$-srv
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
netns_pair mprc

# An ASan build must have its runtime first in LD_PRELOAD.
PRELOAD=$B/tests/netns/intruder.so
asan=$(ldd "$MIREDO" 2>/dev/null | awk '/libasan/ { print $3 }')
[ -n "$asan" ] && PRELOAD="$asan $PRELOAD"

# --- the DNS stub in the server's namespace, the client's resolv.conf ---
touch "$TMPD/hold"
ip netns exec "$NSS" "$B/tests/netns/dns_stub" 192.0.2.20 192.0.2.20 \
    "$TMPD/hold" > "$TMPD/dns.log" 2>&1 &
DNS=$!
printf 'nameserver 192.0.2.20\noptions timeout:3 attempts:5\n' \
    > "$TMPD/resolv.conf"
# An NSS module first (libnss_compat has no hosts functions: glibc loads
# it, finds nothing and goes on), so that the resolver's filter must let
# glibc map a module as code; then the files and DNS.
printf 'hosts: compat files dns\n' > "$TMPD/nsswitch.conf"
chmod 644 "$TMPD/resolv.conf" "$TMPD/nsswitch.conf"
# bare COMMAND...: exec COMMAND with only stdio open.  What the launcher
# leaks beyond that (make's and this shell's descriptors) is the review's
# M3, checked on its own; here only what the daemons open counts.
bare() {
	local f fd
	for f in /proc/"$BASHPID"/fd/*; do
		fd=${f##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
	done
	exec "$@"
}
# client_run NAME ENV...: miredo -f in $NS in a mount namespace of its
# own where /etc/resolv.conf and /etc/nsswitch.conf are ours.
client_run() {
	local name=$1
	shift
	bare ip netns exec "$NS" env "$@" unshare -m sh -c \
	    "mount --bind '$TMPD/resolv.conf' /etc/resolv.conf &&
	    mount --bind '$TMPD/nsswitch.conf' /etc/nsswitch.conf &&
	    exec '$MIREDO' -f -c '$TMPD/$name.conf' -p '$TMPD/$name.pid' \
	    -u nobody" < /dev/null > "$TMPD/$name.log" 2>&1 &
}

# --- what a process holds ---
# sock_kind PID INODE: udp, udp-dns (connected to port 53),
# udp-discovery (bound to 224.0.0.253:3544, local discovery), raw6,
# netlink, unix:PATH or unix-pair:PEER_INODE.
sock_kind() {
	local pid=$1 ino=$2 k
	k=$(awk -v i="$ino" 'NR > 1 && $10 == i {
		if ($3 ~ /:0035$/) print "udp-dns"
		else if ($2 ~ /^(FD0000E0|E00000FD):0DD8$/) print "udp-discovery"
		else print "udp" }' \
	    "/proc/$pid/net/udp" "/proc/$pid/net/udp6")
	[ -n "$k" ] && { echo "$k"; return; }
	awk -v i="$ino" 'NR > 1 && $10 == i { f = 1 } END { exit !f }' \
	    "/proc/$pid/net/raw6" && { echo raw6; return; }
	awk -v i="$ino" 'NR > 1 && $10 == i { f = 1 } END { exit !f }' \
	    "/proc/$pid/net/netlink" && { echo netlink; return; }
	k=$(awk -v i="$ino" 'NR > 1 && $7 == i { print ($8 == "") ? "-" : $8 }' \
	    "/proc/$pid/net/unix")
	if [ "$k" = - ]; then
		echo "unix-pair:$(ip netns exec "$NS" ss -xan 2>/dev/null |
		    awk -v i="$ino" '$6 == i { print $8 }')"
	elif [ -n "$k" ]; then
		echo "unix:$k"
	else
		echo "socket:[$ino]"
	fi
}
# inodes PID: the socket inodes it holds, and its pipes as INODE:r or
# INODE:w (the end it holds).
inodes() {
	local f l
	for f in /proc/"$1"/fd/*; do
		l=$(readlink "$f")
		case $l in
		socket:*) echo "$l" | tr -dc 0-9; echo ;;
		pipe:*)	echo "$(echo "$l" | tr -dc 0-9):$(pipe_end "$f")" ;;
		esac
	done
}
# pipe_end /proc/PID/fd/N: r or w (a pipe is one or the other).
pipe_end() {
	local flags
	flags=$(awk '$1 == "flags:" { print $2 }' "${1%/fd/*}/fdinfo/${1##*/}")
	[ $((0$flags & 3)) = 1 ] && echo w || echo r
}
# fd_kinds PID PARENT: one word per descriptor, sorted:
#   stdio-null, stdio-log   fd 0-2 on /dev/null or on the test's log
#   to-parent               a socketpair or pipe whose other end PARENT holds
#   ctl                     the status socket (bound by priv)
#   and the kinds of sock_kind(), or the link's target.
fd_kinds() {
	local pid=$1 parent=$2 f fd l k pk e
	pk=" $(inodes "$parent" | tr '\n' ' ') "
	for f in /proc/"$pid"/fd/*; do
		fd=${f##*/}
		l=$(readlink "$f") || continue
		case $l in
		socket:\[*\])
			k=$(sock_kind "$pid" "$(echo "$l" | tr -dc 0-9)")
			case $k in
			unix-pair:*)
				[ "${pk#* ${k#unix-pair:} }" != "$pk" ] &&
				    k=to-parent ;;
			unix:*.ctl) k=ctl ;;
			esac ;;
		pipe:\[*\])
			# Both ends have the same inode: the parent must hold
			# the other one.
			k=$l
			e=$(pipe_end "$f")
			[ "$e" = w ] && e=r || e=w
			[ "${pk#* $(echo "$l" | tr -dc 0-9):$e }" != "$pk" ] &&
			    k=to-parent ;;
		/dev/null)
			k=/dev/null
			[ "$fd" -le 2 ] && k=stdio-null ;;
		"$TMPD"/*.log)
			k=$l
			[ "$fd" -le 2 ] && k=stdio-log ;;
		*)	k=$l ;;
		esac
		echo "$k"
	done | sort | tr '\n' ' ' | sed 's/ $//'
}
# unprivileged NAME PID: ids, capabilities, no_new_privs, filter.
unprivileged() {
	local st=/proc/$2/status
	check "$1: uid $NOBODY (real, effective, saved, fs)" \
	    grep -q "^Uid:	$NOBODY	$NOBODY	$NOBODY	$NOBODY\$" "$st"
	check "$1: CapEff 0" grep -q '^CapEff:	0000000000000000$' "$st"
	check "$1: CapPrm 0" grep -q '^CapPrm:	0000000000000000$' "$st"
	check "$1: NoNewPrivs 1" grep -q '^NoNewPrivs:	1$' "$st"
	check "$1: Seccomp 2" grep -q '^Seccomp:	2$' "$st"
}
# fds_are NAME PID PARENT KINDS...: the descriptors are one of KINDS
# (each a sorted list, as fd_kinds prints it).
fds_are() {
	local name=$1 pid=$2 parent=$3 got want
	shift 3
	got=$(fd_kinds "$pid" "$parent")
	for want in "$@"; do
		[ "$got" = "$want" ] && { ok "$name: descriptors: $got"; return; }
	done
	fail "$name: descriptors: $got (wanted: $1)"
	ls -l /proc/"$pid"/fd
}
# child_with PARENT PATTERN [NOT]: the child of PARENT (but NOT) with a
# descriptor whose target matches PATTERN (grep -E).
child_with() {
	local c f
	for c in $(pgrep -P "$1"); do
		[ "$c" = "$3" ] && continue
		for f in /proc/"$c"/fd/*; do
			readlink "$f"
		done 2>/dev/null | grep -Eq -- "$2" && { echo "$c"; return 0; }
	done
	return 1
}
logged() { grep -Eq -- "$2" "$TMPD/$1.log"; }
has_query() { grep -q "^query teredo.test 1 held" "$TMPD/dns.log"; }
is_socket() { [ -S "$1" ]; }
qualified() {
	"$B/miredo-status" -s "$TMPD/client.ctl" 2>/dev/null |
	    grep -q '^state: qualified$'
}

# --- the server ---
printf 'ServerBindAddress 192.0.2.20\n' > "$TMPD/server.conf"
bare ip netns exec "$NSS" "$SERVER" -f -c "$TMPD/server.conf" \
    -p "$TMPD/server.pid" -u nobody < /dev/null > "$TMPD/server.log" 2>&1 &
if ! wait_for 10 is_socket "$TMPD/server.ctl"; then
	cat "$TMPD/server.log"
	echo "FAIL: miredo-server did not start"
	exit 1
fi
SUP=$(cat "$TMPD/server.pid")
SCHILD=$(pgrep -P "$SUP")
unprivileged "server child" "$SCHILD"
# Its two UDP sockets (3544), the status listener, its stream to the
# supervisor and its log socket (to-parent), and the raw IPv6 socket
# (the review's L8, kept unless the server child loses it).
fds_are "server child" "$SCHILD" "$SUP" \
    "ctl raw6 stdio-log stdio-log stdio-null to-parent to-parent udp udp" \
    "ctl stdio-log stdio-log stdio-null to-parent to-parent udp udp" \
    "ctl raw6 stdio-null stdio-null stdio-null to-parent to-parent udp udp" \
    "ctl stdio-null stdio-null stdio-null to-parent to-parent udp udp"

# --- the client, its resolver held by the DNS stub ---
cat > "$TMPD/client.conf" <<EOC
InterfaceName mprc0
ServerAddress teredo.test
BindAddress 192.0.2.10
EOC
client_run client
if ! wait_for 15 has_query; then
	cat "$TMPD/client.log" "$TMPD/dns.log"
	echo "FAIL: the resolver asked nothing"
	exit 1
fi
PRIV=$(cat "$TMPD/client.pid")
RES=$(child_with "$PRIV" 'pipe:') || RES=
ENG=$(child_with "$PRIV" '/dev/net/tun' "$RES") || ENG=
if [ -z "$RES" ] || [ -z "$ENG" ]; then
	ps -ef --forest | grep -A3 "[m]iredo -f -c $TMPD/client"
	echo "FAIL: no resolver ($RES) or engine ($ENG) under priv $PRIV"
	exit 1
fi
unprivileged resolver "$RES"
# The answer pipe and /dev/null, plus the UDP socket of its query while
# it waits: not the tunnel, the UDP socket, the monitor, the status
# socket or the signal pipe of priv.
fds_are resolver "$RES" "$PRIV" \
    "stdio-null stdio-null stdio-null to-parent udp-dns" \
    "stdio-null stdio-null stdio-null to-parent"
check "resolver: no chroot (resolv.conf stays readable)" \
    [ "$(readlink "/proc/$RES/root")" = / ]
check "resolver: glibc loaded an NSS module in the sandbox" \
    grep -q 'libnss_compat' "/proc/$RES/maps"
unprivileged engine "$ENG"
# The tunnel, its UDP socket, the local discovery socket (LocalDiscovery
# is on by default), the 8 random-port sockets of RFC 6081
# (SymmetricNATSupport, rsock.h), the status listener, the channel and log
# socket to priv; stdio is the launcher's (-f here) or /dev/null.
U9="udp udp udp udp udp udp udp udp udp"
fds_are engine "$ENG" "$PRIV" \
    "/dev/net/tun ctl stdio-log stdio-log stdio-null to-parent to-parent $U9 udp-discovery" \
    "/dev/net/tun ctl stdio-null stdio-null stdio-null to-parent to-parent $U9 udp-discovery"

# The answer comes: the name resolves in the sandbox, the client qualifies.
rm -f "$TMPD/hold"
if wait_for 30 qualified; then
	ok "the resolver's answer came through its sandbox: qualified"
else
	fail "no qualification after the DNS answer"
	tail -n 20 "$TMPD/client.log"
fi
check "priv logged the resolved server" \
    logged client 'server teredo.test is 192.0.2.20'
check "the resolver exited cleanly (no death logged)" \
    sh -c "! grep -q 'resolver (pid' '$TMPD/client.log'"
check "priv has relayed the engine's lines" logged client '^miredo\[client\]: engine started'
kill -TERM "$PRIV"
wait_for 10 sh -c "! kill -0 $PRIV 2>/dev/null"

# DNS over TCP in the sandbox: the stub truncates every UDP answer.
kill "$DNS"
wait "$DNS" 2>/dev/null
ip netns exec "$NSS" "$B/tests/netns/dns_stub" 192.0.2.20 192.0.2.20 - tcp \
    > "$TMPD/dns-tcp.log" 2>&1 &
wait_for 5 grep -q listening "$TMPD/dns-tcp.log"
sed 's/^InterfaceName .*/InterfaceName mprc2/' "$TMPD/client.conf" \
    > "$TMPD/tcp.conf"
client_run tcp
check "resolved over TCP in the sandbox" wait_for 20 logged tcp \
    'server teredo.test is 192.0.2.20'
check "... the stub saw the query over TCP" \
    grep -q '^query teredo.test 1 tcp$' "$TMPD/dns-tcp.log"
check "... and no resolver died" \
    sh -c "! grep -q 'resolver (pid' '$TMPD/tcp.log'"
kill -TERM "$(cat "$TMPD/tcp.pid")"
wait_for 10 test ! -e "$TMPD/tcp.pid"

# --- injected code: killed by the filter, and the supervisor says so ---
cat > "$TMPD/evil.conf" <<EOC
InterfaceName mprc1
ServerAddress teredo.test
BindAddress 192.0.2.10
BindPort 3600
EOC
client_run evil LD_PRELOAD="$PRELOAD" MIREDO_INTRUDER=socket
# (the resolver: a write open in getaddrinfo)
check "engine killed by SIGSYS, logged by priv" wait_for 15 logged evil \
    '^miredo\[client\]: engine \(pid [0-9]+\) killed by signal 31 \(SIGSYS\): killed by the syscall filter'
check "resolver killed by SIGSYS, logged by priv" wait_for 15 logged evil \
    '^miredo\[client\]: resolver \(pid [0-9]+\) killed by signal 31 \(SIGSYS\): killed by the syscall filter'
check "priv restarts the engine" wait_for 15 logged evil \
    'restarting the engine'
kill -TERM "$(cat "$TMPD/evil.pid")"
wait_for 10 test ! -e "$TMPD/evil.pid"
# Killed before it says it is ready: start-up fails, and priv says why.
cp "$TMPD/evil.conf" "$TMPD/early.conf"
client_run early LD_PRELOAD="$PRELOAD" MIREDO_INTRUDER=socket \
    MIREDO_INTRUDER_EARLY=1
wait $!
rc=$?
check "engine killed before ready: miredo exits 1 (got $rc)" [ "$rc" = 1 ]
check "... and priv logged the engine's death by SIGSYS" logged early \
    '^miredo\[client\]: engine \(pid [0-9]+\) killed by signal 31 \(SIGSYS\): killed by the syscall filter'
check "... and that the engine did not start" logged early \
    'the engine did not start'

kill -TERM "$SUP"
wait_for 10 sh -c "! kill -0 $SUP 2>/dev/null"
bare ip netns exec "$NSS" env LD_PRELOAD="$PRELOAD" MIREDO_INTRUDER=connect \
    "$SERVER" -f -c "$TMPD/server.conf" -p "$TMPD/evil-server.pid" \
    -u nobody < /dev/null > "$TMPD/evil-server.log" 2>&1 &
check "server child killed by SIGSYS, logged by its supervisor" \
    wait_for 15 logged evil-server \
    '^miredo-server: server process \(pid [0-9]+\) killed by signal 31 \(SIGSYS\): killed by the syscall filter'
kill -TERM "$(cat "$TMPD/evil-server.pid" 2>/dev/null)" 2>/dev/null

if [ "$failures" != 0 ]; then
	for f in server client tcp evil early evil-server dns dns-tcp; do
		echo "--- $f.log"
		tail -n 15 "$TMPD/$f.log"
	done
fi
echo "procs: $failures failed"
[ "$failures" = 0 ]
