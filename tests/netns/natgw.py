#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
"""A NAT-PMP gateway (RFC 6886) for tests/netns/upnp.sh, on a symmetric
NAT: what Debian's miniupnpd 2.3.1 (nftables) does not do.

miniupnpd maps a port with a DNAT rule only: on a NAT that takes a new
random port for every destination, the client's packets still leave
through those, and its Teredo address cannot carry the mapping.  This
gateway also sends the client's port out through the mapped one (SNAT),
and grants short lifetimes (NATGW_MAX_LIFE) so that the client's renewal
can be seen in seconds (miniupnpd grants NAT-PMP what is asked).  It
answers on the LAN side only and turns each UDP mapping into nftables
rules of its own table (ip natpmpgw): DNAT of EXT:eport to the client,
SNAT of the client's port to EXT:eport; it deletes the client's conntrack
entries so that the next packet takes the new rule.  The table is rebuilt
whole at every change; mappings expire after their lifetime.  A request of
another version (PCP's 2) gets "unsupported version" (RFC 6886 3.5), so
that a PCP client falls back to NAT-PMP.

usage: natgw.py LAN_IP EXT_IP EXT_IFNAME LOGFILE
Environment: NATGW_MAX_LIFE, the longest lifetime granted (s, 3600).
"""
import os
import select
import socket
import struct
import subprocess
import sys
import time

LAN, EXT, EXTIF, LOG = sys.argv[1:5]
MAXLIFE = int(os.environ.get("NATGW_MAX_LIFE", "3600"))
START = time.monotonic()
maps = {}       # eport -> (client ip, iport, expiry)


def log(msg):
    with open(LOG, "a") as f:
        f.write(msg + "\n")


def apply():
    pre = post = ""
    for eport, (ip, iport, _) in sorted(maps.items()):
        pre += (f"  iifname {EXTIF} udp dport {eport} "
                f"dnat to {ip}:{iport}\n")
        post += (f"  oifname {EXTIF} ip saddr {ip} udp sport {iport} "
                 f"snat to {EXT}:{eport}\n")
    rules = ("table ip natpmpgw\ndelete table ip natpmpgw\n"
             "table ip natpmpgw {\n"
             " chain pre { type nat hook prerouting priority -110;\n"
             + pre + " }\n"
             " chain post { type nat hook postrouting priority 90;\n"
             + post + " }\n}\n")
    subprocess.run(["nft", "-f", "-"], input=rules.encode(), check=True)


def forget_conntrack(ip, iport):
    subprocess.run(["conntrack", "-D", "-p", "udp", "-s", ip,
                    "--sport", str(iport)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def epoch():
    return int(time.monotonic() - START)


def add(ip, iport, want, life):
    """Map (or renew) ip:iport; the external port, or None."""
    mine = [e for e, m in maps.items() if m[0] == ip and m[1] == iport]
    life = min(life, MAXLIFE) if life else MAXLIFE
    eport = mine[0] if mine else want or iport
    while eport in maps and maps[eport][:2] != (ip, iport):
        eport = eport % 65535 + 1
    fresh = eport not in maps
    maps[eport] = (ip, iport, time.monotonic() + life)
    if fresh:
        apply()
        forget_conntrack(ip, iport)
        log(f"map {EXT}:{eport} -> {ip}:{iport} for {life} s")
    else:
        log(f"renew {EXT}:{eport} -> {ip}:{iport} for {life} s")
    return eport, life


def delete(ip, iport, eport=None):
    mine = [e for e, m in maps.items() if m[0] == ip and m[1] == iport
            and eport in (None, e)]
    for e in mine:
        del maps[e]
        log(f"delete {EXT}:{e} -> {ip}:{iport}")
    apply()
    forget_conntrack(ip, iport)
    return bool(mine)


def answer(req, src):
    if len(req) >= 2 and req[0] != 0 and req[1] < 128:
        # RFC 6886 §3.5: any other version (PCP's 2) gets "unsupported
        # version", which tells a PCP client to fall back to NAT-PMP.
        log(f"unsupported version {req[0]} from {src[0]}")
        return struct.pack("!BBHI", 0, 128 + (req[1] & 127), 1, epoch())
    if len(req) < 2 or req[0] != 0:
        return None
    op = req[1]
    if op == 0 and len(req) == 2:
        return struct.pack("!BBHI4s", 0, 128, 0, epoch(),
                           socket.inet_aton(EXT))
    if op != 1 or len(req) != 12:
        return struct.pack("!BBHI", 0, 128 + op, 5, epoch())
    iport, want, life = struct.unpack("!HHI", req[4:12])
    ip = src[0]
    if life == 0:
        delete(ip, iport)
        return struct.pack("!BBHIHHI", 0, 129, 0, epoch(), iport, 0, 0)
    eport, life = add(ip, iport, want, life)
    return struct.pack("!BBHIHHI", 0, 129, 0, epoch(), iport, eport, life)


def expire():
    now = time.monotonic()
    old = [e for e, m in maps.items() if m[2] <= now]
    for e in old:
        log(f"expired {EXT}:{e}")
        del maps[e]
    if old:
        apply()


def main():
    apply()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((LAN, 5351))
    log("ready")
    while True:
        r, _, _ = select.select([s], [], [], 1.0)
        expire()
        if r:
            req, src = s.recvfrom(64)
            out = answer(req, src)
            if out is not None:
                s.sendto(out, src)


main()
