#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
"""Small UDP over IPv6 for tests/netns/offload.sh.

udp_echo.py server PORT          echo every datagram back
udp_echo.py client ADDR PORT N   send N datagrams of 1..N bytes (0.02 s
                                 apart), print how many came back intact
udp_echo.py gso ADDR PORT N      N sends of 3500 bytes with UDP_SEGMENT
                                 1000 (Linux UDP GSO: 4 datagrams each),
                                 print how many datagrams came back intact
"""
import socket
import sys
import time


def server(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(("::", port))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def payload(i):
    return bytes((i * 31 + k) & 0xFF for k in range(i))


def client(addr, port, n):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.settimeout(0.02)
    want = {payload(i) for i in range(1, n + 1)}
    got = set()
    for i in range(1, n + 1):
        s.sendto(payload(i), (addr, port))
        try:
            got.add(s.recv(65535))
        except socket.timeout:
            pass
    end = time.monotonic() + 3
    while time.monotonic() < end and len(got & want) < n:
        try:
            got.add(s.recv(65535))
        except socket.timeout:
            pass
    print(len(got & want))


UDP_SEGMENT = 103  # linux/udp.h


def gso(addr, port, n):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, 1000)
    s.settimeout(0.05)
    want, got = set(), set()
    for i in range(n):
        buf = bytes((i * 7 + k // 1000 + k) & 0xFF for k in range(3500))
        want |= {buf[k:k + 1000] for k in range(0, 3500, 1000)}
        s.sendto(buf, (addr, port))
        try:
            got.add(s.recv(65535))
        except socket.timeout:
            pass
    end = time.monotonic() + 3
    while time.monotonic() < end and len(got & want) < len(want):
        try:
            got.add(s.recv(65535))
        except socket.timeout:
            pass
    print(len(got & want))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    elif sys.argv[1] == "gso":
        gso(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
