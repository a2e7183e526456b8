#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# The life cycle of miredo as a client in a network namespace, with
# Debian's miredo-server as its server in another: a client that starts
# before its server's name resolves, qualifies once it does, is configured
# by priv (address /32, link-local, default route metric 1029), runs its
# hook, re-qualifies on an IPv4 change, survives a crashed engine and
# removes everything on SIGTERM.  (Split out of lifecycle.sh, so that a
# missing miredo-server is a visible skip, not a pass.)
# Needs root and Debian's miredo-server (MIREDO_SERVER=path overrides
# /usr/sbin/miredo-server); exit 77 (skip) otherwise.  MIREDO=path
# overrides ./miredo.

[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
for t in ip ps; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
MIREDO_SERVER=${MIREDO_SERVER:-/usr/sbin/miredo-server}
[ -x "$MIREDO_SERVER" ] ||
    { echo "SKIP: $MIREDO_SERVER not installed (apt-get install miredo-server)"; exit 77; }
MIREDO=${MIREDO:-${builddir:-.}/miredo}
[ -x "$MIREDO" ] || { echo "FAIL: $MIREDO not built"; exit 1; }
MIREDO=$(cd "$(dirname "$MIREDO")" && pwd)/$(basename "$MIREDO")

NS=mtcl$$
NSS=mtcl$$-srv
IF=teredo
. "$(dirname "$0")/lib.sh" || exit 99
cleanup() {
	netns_cleanup
	rm -rf "/etc/netns/$NS"
}
trap cleanup EXIT; [ -n "$KEEP" ] && trap "" EXIT
trap 'exit 1' INT TERM
netns_pair mtcl

nsrun() { ip netns exec "$NS" "$@"; }
engine_of() { ps -o pid= --ppid "$1" 2>/dev/null | head -n 1 | tr -d ' '; }
have_engine() { ENGINE=$(engine_of "$PRIV"); [ -n "$ENGINE" ]; }
new_engine() { have_engine && [ "$ENGINE" != "$1" ]; }
PIDF=$TMPD/miredo.pid

# A client that starts before its server's name resolves.
client_checks() {
	local hosts=/etc/netns/$NS/hosts addr
	mkdir -p "/etc/netns/$NS" || return 1
	echo "127.0.0.1 localhost" > "$hosts"
	echo "ServerBindAddress 192.0.2.20" > "$TMPD/server.conf"
	ip netns exec "$NSS" "$MIREDO_SERVER" -f -c "$TMPD/server.conf" \
	    -p "$TMPD/server.pid" > "$TMPD/server.log" 2>&1 &
	cat > "$TMPD/hook" <<EOC
#!/bin/sh
env > $TMPD/hook.\$STATE
EOC
	chmod 755 "$TMPD/hook"
	cat > "$TMPD/client.conf" <<EOC
InterfaceName $IF
ServerAddress teredo-server.test
ClientHook $TMPD/hook
EOC
	# ip netns exec bind-mounts /etc/netns/$NS/hosts on /etc/hosts.
	# In the foreground, so that the log shows the network change.
	nsrun "$MIREDO" -f -c "$TMPD/client.conf" -p "$PIDF" -u nobody \
	    > "$TMPD/log6" 2>&1 &
	check "client without a resolvable server starts" \
	    wait_for 5 test -s "$PIDF"
	DPID=$(cat "$PIDF" 2>/dev/null)
	sleep 1.5
	check "client logs the failed resolution" \
	    grep -q "cannot resolve server teredo-server.test" "$TMPD/log6"
	check "client without a resolvable server keeps running" \
	    sh -c "[ -n '$DPID' ] && kill -0 $DPID"
	check "client is not configured yet" \
	    sh -c "! ip -n $NS -6 route show default | grep -q $IF"
	# The name appears (same inode: the bind mount sees it).
	echo "192.0.2.20 teredo-server.test" >> "$hosts"
	check "client qualifies once the name resolves" wait_for 15 \
	    sh -c "ip -n $NS -6 addr show dev $IF |
	    grep -q '2001:0:c000:214:.*/32'"
	addr=$(ip -n "$NS" -6 addr show dev "$IF" | awk '/2001:0:c000:214:/ {
	    sub("/32", "", $2); print $2 }')
	check "client link-local fe80::ffff:ffff:ffff/64" \
	    sh -c "ip -n $NS -6 addr show dev $IF |
	    grep -q 'fe80::ffff:ffff:ffff/64'"
	check "client default route metric 1029" \
	    sh -c "ip -n $NS -6 route show default |
	    grep -q 'dev $IF .*metric 1029'"
	check "client hook ran with STATE=up ADDRESS=$addr IFACE=$IF" \
	    wait_for 5 sh -c "grep -q '^ADDRESS=$addr\$' $TMPD/hook.up && \
	    grep -q '^IFACE=$IF\$' $TMPD/hook.up && \
	    grep -q '^LLADDRESS=fe80::ffff:ffff:ffff\$' $TMPD/hook.up"
	ip -n "$NS" addr add 192.0.2.11/24 dev v0
	check "an IPv4 change makes the client qualify again" \
	    wait_for 5 grep -q "network change" "$TMPD/log6"
	check "client still qualified after the change" wait_for 10 \
	    sh -c "ip -n $NS -6 route show default |
	    grep -q 'dev $IF .*metric 1029'"
	# A crashed engine: its configuration goes, a new one qualifies.
	PRIV=$DPID
	have_engine
	E4=$ENGINE
	kill -9 "$E4"
	check "crashed client engine: configuration removed (hook down)" \
	    wait_for 5 test -e "$TMPD/hook.down"
	check "crashed client engine: restarted and qualified again" \
	    wait_for 10 sh -c "ip -n $NS -6 route show default |
	    grep -q 'dev $IF .*metric 1029'"
	check "restarted client engine is a new process" new_engine "$E4"
	# RFC 5991: a new address (new random bits) after the restart
	addr=$(ip -n "$NS" -6 addr show dev "$IF" | awk '/2001:0:c000:214:/ {
	    sub("/32", "", $2); print $2 }')
	rm -f "$TMPD/hook.down"
	kill -TERM "$DPID"
	wait_for 5 sh -c "! kill -0 $DPID 2>/dev/null"
	check "client: nothing left after SIGTERM" \
	    sh -c "[ ! -e $PIDF ] && ! ip -n $NS link show $IF >/dev/null 2>&1"
	check "client hook ran with STATE=down OLD_ADDRESS=$addr" \
	    wait_for 5 grep -q "^OLD_ADDRESS=$addr\$" "$TMPD/hook.down"
	kill "$(cat "$TMPD/server.pid")" 2>/dev/null
}
client_checks || fail "client set-up (/etc/netns/$NS/hosts)"

if [ $failures -ne 0 ]; then
	for f in log6 server.log; do
		echo "--- $f"
		cat "$TMPD/$f" 2>/dev/null
	done
	echo "$failures check(s) failed"
	exit 1
fi
echo "all client life-cycle checks passed"
exit 0
