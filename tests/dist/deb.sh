#!/bin/bash
# SPDX-License-Identifier: ISC
# The release tarball packages the way Debian does it: dist/debian becomes
# debian/ in the unpacked tarball, dpkg-buildpackage builds the source and
# binary packages, lintian finds no error (warnings are printed), and the
# package is installed, run and purged inside a private mount namespace
# whose / is an overlay (writes go to a tmpfs), so that Debian's own miredo
# on this machine is never touched; the test checks that afterwards.
#
#   tests/dist/deb.sh [TARBALL]
#
# Without TARBALL it runs "make dist" in the current directory (a
# configured build directory).  Needs root, dpkg-buildpackage, debhelper,
# lintian, fakeroot, unshare; exits 77 (skip) without them unless CI=true.
# The daemons are started by hand from their units' ExecStart lines, in a
# network namespace of their own (systemd is not PID 1 in the chroot).
set -u
: "${srcdir:=.}"

. "$srcdir/tests/dist/skip.sh"

[ "$(id -u)" = 0 ] || skip "needs root"
for t in dpkg-buildpackage dh lintian fakeroot unshare ip; do
	command -v "$t" >/dev/null 2>&1 || skip "no $t"
done
[ -d /usr/share/perl5/Debian/Debhelper ] || skip "no debhelper"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/miredo-deb.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
t0=$(date +%s)

tarball=${1:-}
if [ -z "$tarball" ]; then
	(unset MAKEFLAGS MFLAGS MAKELEVEL; ${MAKE:-make} -s dist) \
	    >"$tmp/dist.log" 2>&1 || { cat "$tmp/dist.log"; echo "FAIL: make dist"; exit 1; }
	tarball=$(ls -t miredo-*.tar.gz | head -n 1)
fi
[ -f "$tarball" ] || { echo "FAIL: no tarball $tarball"; exit 1; }
base=$(basename "$tarball" .tar.gz)
version=${base#miredo-}
cp "$tarball" "$tmp/miredo_$version.orig.tar.gz" || exit 1
tar -C "$tmp" -xzf "$tarball" || exit 1
src=$tmp/$base
if [ ! -d "$src/dist/debian" ]; then
	echo "FAIL: dist/debian is not in $tarball"
	exit 1
fi
cp -R "$src/dist/debian" "$src/debian" || exit 1

# 1. Build (the unit tests in debian/rules are left to the CI's own runs).
echo "building the package from $base.tar.gz"
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
    nice dpkg-buildpackage -us -uc) >"$tmp/build.log" 2>&1; then
	tail -n 40 "$tmp/build.log"
	echo "FAIL: dpkg-buildpackage"
	exit 1
fi
deb=$(ls "$tmp"/miredo_"$version"-*_*.deb | head -n 1)
changes=$(ls "$tmp"/miredo_"$version"-*_*.changes | head -n 1)
echo "built $(basename "$deb") in $(( $(date +%s) - t0 )) s"
dpkg-deb -c "$deb" | awk '{ print $1, $6, $7, $8 }'

fail=0

# 2. lintian: no error; warnings and the rest are printed.
lintian --allow-root --fail-on error --display-info "$changes" \
    >"$tmp/lintian" 2>&1
lrc=$?
sed 's/^/lintian: /' "$tmp/lintian"
if [ $lrc -ne 0 ] || grep -q '^E: ' "$tmp/lintian"; then
	echo "FAIL: lintian reports errors (exit $lrc)"
	fail=1
else
	echo "ok: lintian, no errors ($(grep -c '^W: ' "$tmp/lintian") warnings)"
fi

# The conffiles: every file under /etc, with debhelper's compat 13.
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles >"$tmp/conffiles"
for c in /etc/miredo/miredo.conf /etc/miredo/miredo-server.conf; do
	grep -qx "$c" "$tmp/conffiles" ||
	    { echo "FAIL: $c is not a conffile"; fail=1; }
done

# 3. Install, run, purge in an overlay of /.
ref_owner=$(dpkg -S /usr/sbin/miredo 2>/dev/null)
ref_sum=$(md5sum /usr/sbin/miredo 2>/dev/null)

cp "$deb" "$tmp/pkg.deb"
cat >"$tmp/inside.sh" <<'EOF'
#!/bin/bash
# Runs chrooted in the overlay.  $1: the .deb.
set -u
deb=$1
fail=0
export DEBIAN_FRONTEND=noninteractive

# What a package may touch, without what dpkg and the logs own.  The
# overlay's lower layer is the live /, so other users' work in /tmp, /work,
# /home, /root, /run/netns or /etc/netns (ip netns) would show through:
# those are left out.
snapshot()
{
	find /etc /usr /lib /var /opt /srv /nonexistent -xdev \( \
	    -path /etc/netns -o -path /var/tmp -o -path /var/log -o -path /var/cache \
	    -o -path /var/lib/dpkg -o -path /var/lib/apt \
	    -o -path /var/lib/systemd/deb-systemd-helper-enabled \
	    -o -path /var/lib/systemd/deb-systemd-helper-masked \) -prune \
	    -o -print 2>/dev/null | LC_ALL=C sort >"$1"
	find /run -maxdepth 1 -name '*miredo*' | LC_ALL=C sort >>"$1"
	find /etc -xdev -type f ! -name 'passwd*' ! -name 'group*' \
	    ! -name 'shadow*' ! -name 'gshadow*' ! -name 'subuid*' \
	    ! -name 'subgid*' ! -name ld.so.cache -exec md5sum {} + |
	    LC_ALL=C sort -k 2 >"$1.etc"
}

# Invoke-rc.d and deb-systemd-invoke must not start anything.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
# Debian's miredo and miredo-server leave the overlay (ours replaces them).
dpkg --purge miredo miredo-server >/tmp/purge-ref.log 2>&1 ||
    { cat /tmp/purge-ref.log; echo "FAIL: purge Debian's miredo"; exit 1; }
snapshot /tmp/before

if ! dpkg -i "$deb" >/tmp/install.log 2>&1; then
	cat /tmp/install.log
	echo "FAIL: dpkg -i"
	exit 1
fi
echo "ok: dpkg -i $(dpkg-query -W -f='${Package} ${Version}' miredo)"
if ! getent passwd _miredo >/dev/null; then
	echo "FAIL: postinst made no _miredo user"
	fail=1
fi
for f in /usr/sbin/miredo /usr/sbin/miredo-server /usr/sbin/miredo-checkconf \
    /usr/sbin/miredo-status /lib/systemd/system/miredo.service \
    /lib/systemd/system/miredo-server.service \
    /etc/miredo/miredo.conf /etc/miredo/miredo-server.conf; do
	[ -f "$f" ] || { echo "FAIL: $f not installed"; fail=1; }
done
# Enabled: the client, like Debian's; not the server (needs addresses).
[ -L /etc/systemd/system/multi-user.target.wants/miredo.service ] ||
    { echo "FAIL: miredo.service not enabled"; fail=1; }
[ -e /etc/systemd/system/multi-user.target.wants/miredo-server.service ] &&
    { echo "FAIL: miredo-server.service enabled"; fail=1; }
# The daemons running with this overlay as their root (not the host's).
ours_running()
{
	local p
	for p in $(pgrep -x miredo) $(pgrep -x miredo-server); do
		[ /proc/$p/root -ef / ] && echo $p
	done
}
# Nothing was started (policy-rc.d said no, and systemd is not running).
if [ -n "$(ours_running)" ]; then
	echo "FAIL: a daemon was started at installation: $(ours_running)"
	fail=1
fi

# The command line of a unit's Exec line.
unit_cmd()
{
	sed -n "s|^$2=||p" "/lib/systemd/system/$1" | head -n 1
}

# Run a unit's ExecStartPre and ExecStart in a network namespace made by
# the caller's script $2; wait for its pid file and status socket, stop
# it with SIGTERM (what systemd does) and wait for it to exit.
run_unit()
{
	local unit=$1 setup=$2 pidfile=$3 pre start pid i
	pre=$(unit_cmd "$unit" ExecStartPre)
	start=$(unit_cmd "$unit" ExecStart)
	if ! $pre; then
		echo "FAIL: $unit: ExecStartPre $pre"
		fail=1
		return
	fi
	unshare -n sh -c "$setup && exec $start" >/tmp/$unit.log 2>&1 &
	pid=$!
	for i in $(seq 100); do
		[ -s "$pidfile" ] && [ "$(head -n 1 "$pidfile")" = "$pid" ] &&
		    break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if ! kill -0 $pid 2>/dev/null || [ "$(head -n 1 "$pidfile" 2>/dev/null)" != "$pid" ]; then
		echo "FAIL: $unit: $start did not start (pid $pid):"
		cat /tmp/$unit.log
		fail=1
		kill $pid 2>/dev/null
		wait $pid 2>/dev/null
		return
	fi
	echo "ok: $unit: $start runs (pid $pid, $pidfile)"
	# The detector used after dpkg -i sees a daemon of this overlay.
	case " $(ours_running | tr '\n' ' ') " in
	*" $pid "*) ;;
	*) echo "FAIL: ours_running does not see pid $pid"; fail=1 ;;
	esac
	kill -TERM $pid
	for i in $(seq 100); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 $pid 2>/dev/null; then
		echo "FAIL: $unit: still running 10 s after SIGTERM"
		kill -KILL $pid
		fail=1
	fi
	wait $pid 2>/dev/null
	echo "ok: $unit: stopped by SIGTERM (exit $?)"
	sed "s/^/  $unit: /" /tmp/$unit.log
}

if [ -c /dev/net/tun ]; then
	run_unit miredo.service 'ip link set lo up' /run/miredo.pid
else
	echo "no /dev/net/tun: miredo.service not started"
fi
# The sample's ServerBindAddress 192.0.2.1 and the next address, on a
# veth pair inside the namespace.
run_unit miredo-server.service 'ip link set lo up &&
    ip link add s0 type veth peer name s1 && ip link set s0 up &&
    ip link set s1 up && ip addr add 192.0.2.1/24 dev s0 &&
    ip addr add 192.0.2.2/24 dev s0' /run/miredo-server.pid

if ! dpkg --purge miredo >/tmp/purge.log 2>&1; then
	cat /tmp/purge.log
	echo "FAIL: dpkg --purge miredo"
	exit 1
fi
echo "ok: dpkg --purge miredo"
snapshot /tmp/after
if ! diff -u /tmp/before /tmp/after; then
	echo "FAIL: files left or removed by install+purge (above)"
	fail=1
elif ! diff -u /tmp/before.etc /tmp/after.etc; then
	echo "FAIL: files in /etc changed by install+purge (above)"
	fail=1
else
	echo "ok: after purge, the same files as before ($(wc -l </tmp/before) paths)"
fi
exit $fail
EOF

(
	unshare -m --propagation private bash -c '
	set -e
	ov=$1/ov
	mkdir "$ov"
	mount -t tmpfs -o size=512m tmpfs "$ov"
	mkdir "$ov/up" "$ov/work" "$ov/root"
	mount -t overlay overlay \
	    -o lowerdir=/,upperdir="$ov/up",workdir="$ov/work" "$ov/root"
	mount -t proc proc "$ov/root/proc"
	mount --rbind /dev "$ov/root/dev"
	mount --rbind /sys "$ov/root/sys"
	mount -t tmpfs tmpfs "$ov/root/tmp"
	cp "$1/inside.sh" "$1/pkg.deb" "$ov/root/tmp/"
	set +e
	chroot "$ov/root" /bin/bash /tmp/inside.sh /tmp/pkg.deb
	' sh "$tmp"
) || fail=1

# Debian's miredo is still the one on this machine.
if [ -n "$ref_owner" ]; then
	if [ "$(dpkg -S /usr/sbin/miredo 2>/dev/null)" != "$ref_owner" ] ||
	    [ "$(md5sum /usr/sbin/miredo)" != "$ref_sum" ]; then
		echo "FAIL: /usr/sbin/miredo changed outside the overlay"
		fail=1
	else
		echo "ok: /usr/sbin/miredo is still $ref_owner's"
	fi
fi
echo "$(( $(date +%s) - t0 )) s in all"
[ $fail = 0 ] && echo "ok: Debian package built, lintian-clean, installed, run, purged"
exit $fail
