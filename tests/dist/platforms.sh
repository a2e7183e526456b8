#!/bin/sh
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# The service files of the non-Linux platforms against what their
# service managers require.  Run from the top build directory.
#
# launchd (macOS): each plist is valid against the property-list DTD
# named in its DOCTYPE ("-//Apple//DTD PLIST 1.0//EN", resolved through
# an XML catalog to tests/dist/plist-1.0.dtd, never the network), and
# carries what launchd.plist(5) requires or we rely on: Label equal to
# the file's name, ProgramArguments whose first element is the absolute
# path of our program, and -f (launchd wants the job in the foreground).
#
# FreeBSD rc.d (rc.subr(8), rcorder(8), the rc-scripting article): the
# rcorder block ("# PROVIDE:", "# REQUIRE:", "# KEYWORD:" lines, one
# space, no other line in between) whose PROVIDE is the script's name;
# ". /etc/rc.subr"; name= the file's name; rcvar=${name}_enable;
# load_rc_config $name; ": ${<name>_enable:="NO"}" after it; command=;
# run_rc_command "$1" last.  Then the script runs against a stub rc.subr
# that records what run_rc_command sees.
#
# OpenBSD rc.d (rc.subr(8)): a name that is a ksh variable name;
# daemon= set before ". /etc/rc.d/rc.subr" (the stub checks it at
# source time, as the real rc.subr uses it there); rc_cmd $1 last.
fail=0
top=$(pwd)
src=${srcdir:-.}
case $src in /*) ;; *) src=$top/$src ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/platforms.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

nbad=0
bad() { echo "FAIL: $*"; fail=1; nbad=$((nbad + 1)); }

if ! command -v xmllint >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: xmllint missing (libxml2-utils)"
		exit 1
	fi
	echo "SKIP: xmllint missing (libxml2-utils)"
	exit 77
fi

# --- launchd -------------------------------------------------------------
cat >"$tmp/catalog.xml" <<EOF
<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <public publicId="-//Apple//DTD PLIST 1.0//EN"
      uri="file://$src/tests/dist/plist-1.0.dtd"/>
</catalog>
EOF
# plist_value FILE KEY: the text of the element after <key>KEY</key> at
# the top level.
plist_value()
{
	xmllint --nonet --xpath \
	    "string(/plist/dict/key[.='$2']/following-sibling::*[1])" "$1"
}
plist_args()
{
	xmllint --nonet --xpath \
	    "/plist/dict/key[.='ProgramArguments']/following-sibling::*[1]/string/text()" \
	    "$1" 2>/dev/null
	echo
}
for prog in miredo miredo-server; do
	f=dist/launchd/org.miredo.$prog.plist
	[ -f "$f" ] || { bad "$f was not built"; continue; }
	n0=$nbad
	if ! XML_CATALOG_FILES=$tmp/catalog.xml xmllint --nonet --noout \
	    --valid "$f"; then
		bad "$f is not valid against the plist DTD"
		continue
	fi
	label=$(plist_value "$f" Label)
	[ "$label" = "org.miredo.$prog" ] ||
	    bad "$f: Label '$label' is not the file's name"
	args=$(plist_args "$f")
	first=$(echo "$args" | sed -n 1p)
	case $first in
	/*/$prog) ;;
	*) bad "$f: ProgramArguments starts with '$first', not /.../$prog" ;;
	esac
	echo "$args" | grep -qx -- -f ||
	    bad "$f: no -f in ProgramArguments (launchd needs the foreground)"
	[ $nbad = "$n0" ] && echo "ok: $f"
done

# --- FreeBSD -------------------------------------------------------------
cat >"$tmp/rc.subr.freebsd" <<'EOF'
load_rc_config()
{
	[ "$1" = "$name" ] || { echo "load_rc_config '$1', name '$name'"; exit 1; }
	loaded=1
}
run_rc_command()
{
	[ -n "$loaded" ] || { echo "run_rc_command before load_rc_config"; exit 1; }
	eval "en=\${${rcvar}-unset}"
	echo "arg=$1 name=$name rcvar=$rcvar enable=$en command=$command"
}
EOF
for s in miredo miredo_server; do
	f=dist/freebsd/$s
	[ -f "$f" ] || { bad "$f was not built"; continue; }
	n0=$nbad
	[ "$(sed -n 1p "$f")" = "#!/bin/sh" ] || bad "$f: not #!/bin/sh"
	# The rcorder block: contiguous, strict "# KEY: " form.
	block=$(awk '/^# (PROVIDE|REQUIRE|BEFORE|KEYWORD): / { p = 1; print; next }
	    p { exit }' "$f")
	echo "$block" | grep -qx "# PROVIDE: $s" ||
	    bad "$f: no '# PROVIDE: $s' in the rcorder block"
	echo "$block" | grep -q "^# REQUIRE: " ||
	    bad "$f: no '# REQUIRE:' in the rcorder block"
	grep -q "^# KEYWORD: .*shutdown" "$f" ||
	    bad "$f: no KEYWORD shutdown (the daemon would not be stopped)"
	grep -qx '\. /etc/rc\.subr' "$f" || bad "$f: does not source /etc/rc.subr"
	grep -qx "name=\"$s\"" "$f" || bad "$f: name is not \"$s\""
	grep -qx "rcvar=\"${s}_enable\"" "$f" ||
	    bad "$f: rcvar is not \"${s}_enable\""
	grep -qx 'load_rc_config \$name' "$f" || bad "$f: no load_rc_config \$name"
	l_load=$(grep -n '^load_rc_config' "$f" | cut -d: -f1)
	l_def=$(grep -n "^: \${${s}_enable:=\"NO\"}\$" "$f" | cut -d: -f1)
	[ -n "$l_def" ] && [ -n "$l_load" ] && [ "$l_def" -gt "$l_load" ] ||
	    bad "$f: no ': \${${s}_enable:=\"NO\"}' after load_rc_config"
	grep -q '^command="/' "$f" || bad "$f: no absolute command="
	[ "$(grep -v '^[[:space:]]*$' "$f" | tail -1)" = 'run_rc_command "$1"' ] ||
	    bad "$f: the last line is not run_rc_command \"\$1\""
	# Run it against the stub: the knob defaults to NO.
	sed "s|^\. /etc/rc\.subr\$|. $tmp/rc.subr.freebsd|" "$f" >"$tmp/$s.fb"
	out=$(sh "$tmp/$s.fb" start 2>&1)
	case $out in
	"arg=start name=$s rcvar=${s}_enable enable=NO command=/"*) ;;
	*) bad "$f under a stub rc.subr: $out" ;;
	esac
	[ $nbad = "$n0" ] && echo "ok: $f ($out)"
done

# --- OpenBSD -------------------------------------------------------------
cat >"$tmp/rc.subr.openbsd" <<'EOF'
[ -n "$daemon" ] || { echo "rc.subr sourced before daemon= was set"; exit 1; }
pexp="$daemon"
rc_cmd()
{
	echo "arg=$1 daemon=$daemon"
}
EOF
for s in miredo miredo_server; do
	f=dist/openbsd/$s
	[ -f "$f" ] || { bad "$f was not built"; continue; }
	n0=$nbad
	echo "$s" | grep -qx '[A-Za-z_][A-Za-z0-9_]*' ||
	    bad "$f: '$s' is not a ksh variable name"
	[ "$(sed -n 1p "$f")" = "#!/bin/ksh" ] || bad "$f: not #!/bin/ksh"
	grep -qx '\. /etc/rc\.d/rc\.subr' "$f" ||
	    bad "$f: does not source /etc/rc.d/rc.subr"
	[ "$(grep -v '^[[:space:]]*$' "$f" | tail -1)" = 'rc_cmd $1' ] ||
	    bad "$f: the last line is not rc_cmd \$1"
	sed "s|^\. /etc/rc\.d/rc\.subr\$|. $tmp/rc.subr.openbsd|" "$f" \
	    >"$tmp/$s.ob"
	out=$(sh "$tmp/$s.ob" start 2>&1)
	case $out in
	"arg=start daemon=/"*/"$(echo "$s" | tr _ -)") ;;
	*) bad "$f under a stub rc.subr: $out" ;;
	esac
	[ $nbad = "$n0" ] && echo "ok: $f ($out)"
done
exit $fail
