# SPDX-License-Identifier: ISC
# Relays at scale (issue 17): two relay hosts announce 2001::/32 by BGP
# with BIRD 2 while our relay runs; the one carrying the flow is killed,
# then stopped, and the flow must move to the other within a bound
# (root and bird2; skips with 77 otherwise, fails without bird in CI).
dist_noinst_SCRIPTS += tests/netns/bgp_failover.sh
if OS_LINUX
TESTS += tests/netns/bgp_failover.sh
endif
