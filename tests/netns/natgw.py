#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
"""A port-mapping gateway for tests/netns/upnp.sh: NAT-PMP (RFC 6886) or
a minimal UPnP IGD (SSDP, description, WANIPConnection:1 control).

Debian's miniupnpd refuses every mapping when its external address is in
a documentation or benchmark range (the only ones our tests may use): this
stands in for it.  It answers on the LAN side only and turns each UDP
mapping into nftables rules of its own table (ip natpmpgw): DNAT of
EXT:eport to the client, and SNAT of the client's port to EXT:eport, as a
port mapping on a Linux NAT does; it deletes the client's conntrack
entries so that the next packet takes the new rule.  The table is rebuilt
whole at every change; mappings expire after their lifetime.

usage: natgw.py natpmp|upnp LAN_IP EXT_IP EXT_IFNAME LOGFILE
Environment: NATGW_MAX_LIFE, the longest lifetime granted (s, 3600).
"""
import os
import http.server
import re
import select
import socket
import struct
import subprocess
import sys
import threading
import time

MODE, LAN, EXT, EXTIF, LOG = sys.argv[1:6]
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


IGD = "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
WANIP = "urn:schemas-upnp-org:service:WANIPConnection:1"
UUID = "uuid:3ded5aa4-3d4c-4f5a-8a5e-00000000beef"
DESC = f"""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>{IGD}</deviceType><friendlyName>test IGD</friendlyName>
<UDN>{UUID}</UDN><deviceList>
<device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
<UDN>{UUID}-1</UDN><serviceList><service>
<serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1\
</serviceType>
<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId>
<controlURL>/ctl/CmnIfCfg</controlURL><eventSubURL>/evt/CmnIfCfg</eventSubURL>
<SCPDURL>/WANCfg.xml</SCPDURL></service></serviceList><deviceList>
<device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1\
</deviceType>
<UDN>{UUID}-2</UDN><serviceList><service>
<serviceType>{WANIP}</serviceType>
<serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
<controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL>
<SCPDURL>/WANIPCn.xml</SCPDURL></service></serviceList></device>
</deviceList></device></deviceList></device></root>
"""


def soap(action, body):
    return ('<?xml version="1.0"?>\r\n<s:Envelope xmlns:s='
            '"http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle='
            '"http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
            f'<u:{action}Response xmlns:u="{WANIP}">{body}'
            f'</u:{action}Response></s:Body></s:Envelope>\r\n')


def fault(code):
    return ('<?xml version="1.0"?>\r\n<s:Envelope xmlns:s='
            '"http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
            '<faultcode>s:Client</faultcode><faultstring>UPnPError'
            '</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:'
            f'control-1-0"><errorCode>{code}</errorCode><errorDescription>'
            'error</errorDescription></UPnPError></detail></s:Fault>'
            '</s:Body></s:Envelope>\r\n')


def arg(body, name):
    m = re.search(f"<{name}>([^<]*)</{name}>", body)
    return m.group(1) if m else ""


class Http(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, text):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", 'text/xml; charset="utf-8"')
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/rootDesc.xml":
            self.reply(200, DESC)
        else:
            self.reply(404, "")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode(errors="replace")
        action = self.headers.get("SOAPAction", "").strip('"')
        action = action.split("#")[-1]
        log(f"soap {action} from {self.client_address[0]}")
        with lock:
            code, text = self.control(action, body)
        self.reply(code, text)

    def control(self, action, body):
        ip = self.client_address[0]
        if action == "GetStatusInfo":
            return 200, soap(action, "<NewConnectionStatus>Connected"
                             "</NewConnectionStatus><NewLastConnectionError>"
                             "ERROR_NONE</NewLastConnectionError>"
                             "<NewUptime>10</NewUptime>")
        if action == "GetExternalIPAddress":
            return 200, soap(action, f"<NewExternalIPAddress>{EXT}"
                             "</NewExternalIPAddress>")
        if action == "AddPortMapping":
            if (arg(body, "NewProtocol") != "UDP" or
                    arg(body, "NewInternalClient") != ip):
                return 500, fault(718)
            eport = int(arg(body, "NewExternalPort") or 0)
            iport = int(arg(body, "NewInternalPort") or 0)
            life = int(arg(body, "NewLeaseDuration") or 0)
            if eport in maps and maps[eport][:2] != (ip, iport):
                return 500, fault(718)
            add(ip, iport, eport, life)
            return 200, soap(action, "")
        if action == "DeletePortMapping":
            eport = int(arg(body, "NewExternalPort") or 0)
            if eport not in maps or maps[eport][0] != ip:
                return 500, fault(714)
            delete(ip, maps[eport][1], eport)
            return 200, soap(action, "")
        return 500, fault(401)


def ssdp_loop(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", 1900))
    mreq = socket.inet_aton("239.255.255.250") + socket.inet_aton(LAN)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    while True:
        data, src = s.recvfrom(2048)
        text = data.decode(errors="replace")
        if not text.startswith("M-SEARCH"):
            continue
        m = re.search(r"(?im)^ST:\s*(\S+)", text)
        st = m.group(1) if m else ""
        if st not in (IGD, WANIP, "upnp:rootdevice", "ssdp:all"):
            continue
        log(f"m-search {st} from {src[0]}")
        out = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\n"
               f"ST: {st}\r\nUSN: {UUID}::{st}\r\nEXT:\r\n"
               "SERVER: Linux UPnP/1.1 natgw/1\r\n"
               f"LOCATION: http://{LAN}:{port}/rootDesc.xml\r\n\r\n")
        s.sendto(out.encode(), src)


lock = threading.Lock()


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
    if MODE == "upnp":
        srv = http.server.ThreadingHTTPServer((LAN, 0), Http)
        threading.Thread(target=ssdp_loop, args=(srv.server_port,),
                         daemon=True).start()
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        log("ready")
        while True:
            time.sleep(1)
            with lock:
                expire()
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
