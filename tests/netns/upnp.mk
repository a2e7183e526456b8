# SPDX-License-Identifier: ISC
# Port mapping on the NAT (PortMapping): our client behind symmetric NATs
# with Debian's miniupnpd and NAT-PMP and UPnP gateways (natgw.py).  Root,
# Linux and a build with libnatpmp only (77 otherwise; never with CI=true).
dist_noinst_SCRIPTS += tests/netns/upnp.sh tests/netns/natgw.py
if OS_LINUX
TESTS += tests/netns/upnp.sh
endif
