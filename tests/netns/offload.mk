# SPDX-License-Identifier: ISC
# Tunnel offloads through the whole system: 100 MB of TCP each way intact
# with pings and small UDP alongside, super-packets split by the relay
# and the client (helper "offload"; root, skips with 77 otherwise).
dist_noinst_SCRIPTS += tests/netns/offload.sh tests/netns/udp_echo.py
if OS_LINUX
TESTS += tests/netns/offload.sh
endif
