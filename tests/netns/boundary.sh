#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# The privilege boundary seen from outside (issue 13,
# ../shared/reviews/security-2026-12-02.md), with the real miredo:
#  1. the launcher exits 0 only after the engine dropped its privileges:
#     without CAP_SETUID and CAP_SETGID in the bounding set, priv starts
#     but its engine cannot drop them: exit 1, no pid file, no interface;
#  2. a pid file that is a symbolic link is refused, its target untouched
#     (M4); a chroot directory below a world-writable one is refused (L10),
#     and so is a ClientHook that others may write (L4);
#  3. descriptors (M3): a client started in daemon mode with a file on
#     stdin, others on stdout and stderr and an extra descriptor 7: its
#     engine holds none of them (0-2 on /dev/null), only the descriptors
#     listed below, and every process but priv runs with a uid other than
#     0, no capability, no_new_privs and seccomp; its hook gets 0-2 only,
#     SIGPIPE not ignored, / as its working directory and miredo's
#     variables and PATH only (L4).
# Root only (77 otherwise); our miredo-server is the client's server.

[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
for t in ip setpriv; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
MIREDO=${MIREDO:-${builddir:-.}/miredo}
SERVER=${MIREDO_SERVER_OURS:-${builddir:-.}/miredo-server}
for p in "$MIREDO" "$SERVER"; do
	[ -x "$p" ] || { echo "FAIL: $p not built"; exit 1; }
done
MIREDO=$(cd "$(dirname "$MIREDO")" && pwd)/$(basename "$MIREDO")
SERVER=$(cd "$(dirname "$SERVER")" && pwd)/$(basename "$SERVER")

NS=mtbd$$
NSS=mtbd$$-srv
IF=teredo
. "$(dirname "$0")/lib.sh" || exit 99
SPID=
DPID=
cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID"
	netns_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM
netns_pair mtbd
PIDF=$TMPD/miredo.pid
nsrun() { ip netns exec "$NS" "$@"; }
no_trace() {	# no pid file, no interface, no process in the namespace
	[ ! -e "$PIDF" ] && ! ip -n "$NS" link show "$IF" >/dev/null 2>&1 &&
	    [ -z "$(ip netns pids "$NS")" ]
}

cat > "$TMPD/relay.conf" <<EOC
RelayType relay
InterfaceName $IF
BindAddress 192.0.2.10
EOC

# 1. The engine's privilege drop fails after the fork.
nsrun setpriv --bounding-set -setuid,-setgid "$MIREDO" -c "$TMPD/relay.conf" \
    -p "$PIDF" -u nobody > "$TMPD/log1" 2>&1
rc=$?
check "engine cannot drop privileges: launcher exits 1 (got $rc)" [ $rc = 1 ]
check "engine cannot drop privileges: priv saw no READY" \
    grep -q "the engine did not start" "$TMPD/log1"
check "engine cannot drop privileges: no pid file, no interface" \
    wait_for 5 no_trace
# In the foreground the engine keeps stderr: its reason shows.
nsrun setpriv --bounding-set -setuid,-setgid "$MIREDO" -f \
    -c "$TMPD/relay.conf" -p "$PIDF" -u nobody > "$TMPD/log1f" 2>&1
rc=$?
check "engine cannot drop privileges (-f): exit 1 (got $rc)" [ $rc = 1 ]
check "engine cannot drop privileges (-f): the engine says why" \
    grep -q "^miredo\[relay\]: cannot drop privileges to nobody" "$TMPD/log1f"
check "engine cannot drop privileges (-f): nothing left" wait_for 5 no_trace

# 2. A pid file that is a symbolic link, in a directory others can write.
mkdir "$TMPD/run" && chmod 1777 "$TMPD/run"
printf 'secret\n' > "$TMPD/victim"
chmod 600 "$TMPD/victim"
ln -s "$TMPD/victim" "$TMPD/run/miredo.pid"
nsrun "$MIREDO" -c "$TMPD/relay.conf" -p "$TMPD/run/miredo.pid" -u nobody \
    > "$TMPD/log2" 2>&1
rc=$?
check "symbolic link as pid file: refused (exit $rc)" [ $rc = 1 ]
check "symbolic link as pid file: the message says so" \
    grep -q "symbolic link" "$TMPD/log2"
check "symbolic link as pid file: its target is untouched" \
    test "$(cat "$TMPD/victim")" = secret
check "symbolic link as pid file: no interface" no_trace

# 2b. A chroot directory of root's, 755, inside a directory others can
# write (L10): refused at start, before any engine.
mkdir -p "$TMPD/ww/root" && chmod 777 "$TMPD/ww" && chmod 755 "$TMPD/ww/root"
nsrun "$MIREDO" -c "$TMPD/relay.conf" -p "$PIDF" -u nobody \
    -t "$TMPD/ww/root" > "$TMPD/log3" 2>&1
rc=$?
check "chroot below a world-writable directory: refused (exit $rc)" \
    [ $rc = 1 ]
check "chroot below a world-writable directory: the message says so" \
    grep -q "every directory above it" "$TMPD/log3"
check "chroot below a world-writable directory: nothing left" no_trace

# 2c. root runs the hook: one that others may write is refused (L4).
printf '#!/bin/sh\n' > "$TMPD/badhook" && chmod 775 "$TMPD/badhook"
printf 'InterfaceName %s\nServerAddress 192.0.2.20\nClientHook %s\n' \
    "$IF" "$TMPD/badhook" > "$TMPD/badhook.conf"
nsrun "$MIREDO" -c "$TMPD/badhook.conf" -p "$PIDF" -u nobody \
    > "$TMPD/log4" 2>&1
rc=$?
check "group-writable ClientHook: refused (exit $rc)" [ $rc = 1 ]
check "group-writable ClientHook: the message says so" \
    grep -q "ClientHook .* must be a regular file owned by root" "$TMPD/log4"

# 3. Descriptors of the engine and the hook.
echo "ServerBindAddress 192.0.2.20" > "$TMPD/server.conf"
ip netns exec "$NSS" "$SERVER" -f -c "$TMPD/server.conf" \
    -p "$TMPD/server.pid" -u nobody > "$TMPD/server.log" 2>&1 &
SPID=$!
# The hook's descriptors as its children see them (ls -l in a child:
# its own 3 is the /proc directory it reads; the shell's own script
# descriptor is close-on-exec).
cat > "$TMPD/hook" <<EOC
#!/bin/sh
d=$TMPD/hook.\$STATE
ls -l /proc/self/fd | awk '\$9 ~ /^[0-9]+\$/ { print \$9, \$11 }' > \$d.fd
env > \$d.env
pwd > \$d.cwd
awk '\$1 == "SigIgn:" { print \$2 }' /proc/\$\$/status > \$d.sigign
EOC
chmod 755 "$TMPD/hook"
cat > "$TMPD/client.conf" <<EOC
InterfaceName $IF
ServerAddress 192.0.2.20
ClientHook $TMPD/hook
EOC
echo "typed at the terminal" > "$TMPD/stdin"
# The launcher's stdio are files, 7 is one more.
HOME=/root LD_BIND_NOW=1 nsrun "$MIREDO" -c "$TMPD/client.conf" \
    -p "$PIDF" -u nobody < "$TMPD/stdin" > "$TMPD/out" 2> "$TMPD/err" \
    7> "$TMPD/extra"
rc=$?
check "client started (exit $rc)" [ $rc = 0 ]
DPID=$(cat "$PIDF" 2>/dev/null)
ENGINE=$(ps -o pid= --ppid "$DPID" 2>/dev/null | head -n 1 | tr -d ' ')
check "engine found" test -n "$ENGINE"
fds() {	# fds PID: "fd target" per line
	local f
	for f in /proc/"$1"/fd/*; do
		echo "${f##*/} $(readlink "$f")"
	done
}
fds "$ENGINE" > "$TMPD/engine.fd"
echo "engine's descriptors:"
sed 's/^/    /' "$TMPD/engine.fd"
check "engine: 0, 1 and 2 on /dev/null" sh -c "grep -qx '0 /dev/null' \
    $TMPD/engine.fd && grep -qx '1 /dev/null' $TMPD/engine.fd && \
    grep -qx '2 /dev/null' $TMPD/engine.fd"
check "engine: none of the launcher's files" \
    sh -c "! grep -q '$TMPD' $TMPD/engine.fd"
# What it needs: the tunnel, the UDP socket, the local discovery socket
# (LocalDiscovery is on by default), RFC 6081's 8 random-port sockets
# (SymmetricNATSupport, rsock.h), the channel, the status listener and the
# log socket (sockets, 13 in all), nothing else.
extra=$(awk '$1 > 2 && $2 != "/dev/net/tun" && $2 !~ /^socket:/' \
    "$TMPD/engine.fd")
check "engine: nothing but the tunnel and sockets above 2 ($extra)" \
    test -z "$extra"
check "engine: one tunnel, at most 13 sockets" sh -c "[ \$(grep -c \
    /dev/net/tun $TMPD/engine.fd) = 1 ] && [ \$(grep -c socket: \
    $TMPD/engine.fd) -le 13 ]"
# Every process of the running client but priv (and the hook, root's by
# design, if it happens to run now): unprivileged and sandboxed.
field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
for p in $(ip netns pids "$NS"); do
	[ "$p" = "$DPID" ] && continue
	[ "$(readlink "/proc/$p/exe")" = "$MIREDO" ] || continue
	check "pid $p ($(tr '\0' ' ' < /proc/$p/cmdline | cut -c1-40)): uid \
$(field "$p" Uid), CapEff $(field "$p" CapEff), NoNewPrivs \
$(field "$p" NoNewPrivs), Seccomp $(field "$p" Seccomp)" sh -c \
	    "[ '$(field "$p" Uid)' != 0 ] && \
	    [ '$(field "$p" CapEff)' = 0000000000000000 ] && \
	    [ '$(field "$p" NoNewPrivs)' = 1 ] && \
	    [ '$(field "$p" Seccomp)' = 2 ]"
done
fds "$DPID" > "$TMPD/priv.fd"
check "priv: none of the launcher's files (its pid file aside)" \
    sh -c "! grep -v '$PIDF\$' $TMPD/priv.fd | grep -q '$TMPD'"

check "client qualified, hook ran" wait_for 15 test -s "$TMPD/hook.up.sigign"
fdnums=$(awk '{ print $1 }' "$TMPD/hook.up.fd" | sort -n | tr '\n' ' ')
check "hook: descriptors 0, 1, 2 (and ls's 3) only ($fdnums)" \
    test "$fdnums" = "0 1 2 3 "
check "hook: stdin /dev/null, nothing of the launcher's" sh -c \
    "grep -qx '0 /dev/null' $TMPD/hook.up.fd && \
    ! grep -q '$TMPD/[^h]' $TMPD/hook.up.fd"
check "hook: working directory /" test "$(cat "$TMPD/hook.up.cwd")" = /
# Signals 1-31 (bits 0-30); libc keeps 32 and 33 for itself.
check "hook: no signal ignored, SIGPIPE default ($(cat \
    "$TMPD/hook.up.sigign"))" test $((0x$(cat "$TMPD/hook.up.sigign") & \
    0x7fffffff)) = 0
vars=$(sed 's/=.*//' "$TMPD/hook.up.env" | grep -v '^PWD$' | sort | tr '\n' ' ')
check "hook: miredo's variables and PATH only ($vars)" test "$vars" = \
    "ADDRESS IFACE IFINDEX LLADDRESS MTU OLD_ADDRESS OLD_MTU OLD_STATE \
PATH STATE "

kill -TERM "$DPID"
check "client stops" wait_for 10 no_trace
DPID=

if [ "$failures" != 0 ]; then
	for f in log1 log1f log2 log3 log4 out err server.log priv.fd \
	    hook.up.fd; do
		echo "--- $f"
		tail -n 20 "$TMPD/$f"
	done
	echo "$failures check(s) failed"
	exit 1
fi
echo "all boundary checks passed"
