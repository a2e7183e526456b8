# SPDX-License-Identifier: ISC
# Port mapping on the NAT (PortMapping): our client behind a NAT with
# Debian's miniupnpd (NAT-PMP, UPnP; coturn as its STUN server), another
# behind a symmetric NAT with a NAT-PMP gateway (natgw.py); and two of
# our clients behind symmetric NATs with Debian's miniupnpd-iptables
# (upnp_sym.sh).  Root, Linux and a build with libnatpmp (upnp.sh) or
# miniupnpc (upnp_sym.sh) only (77 otherwise; never with CI=true).
dist_noinst_SCRIPTS += tests/netns/upnp.sh tests/netns/natgw.py \
	tests/netns/upnp_lib.sh \
	tests/netns/upnp_sym.sh
if OS_LINUX
TESTS += tests/netns/upnp.sh tests/netns/upnp_sym.sh
endif
