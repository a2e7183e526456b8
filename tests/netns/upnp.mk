# SPDX-License-Identifier: ISC
# Port mapping on the NAT (PortMapping): our client behind a NAT with
# Debian's miniupnpd (NAT-PMP, UPnP; coturn as its STUN server), another
# behind a symmetric NAT with a NAT-PMP gateway (natgw.py).  Root, Linux
# and a build with libnatpmp only (77 otherwise; never with CI=true).
dist_noinst_SCRIPTS += tests/netns/upnp.sh tests/netns/natgw.py
if OS_LINUX
TESTS += tests/netns/upnp.sh
endif
