# SPDX-License-Identifier: ISC
# Golden configuration tests (tests/conf/run.sh has the conventions).
TESTS += tests/conf/run.sh
dist_noinst_SCRIPTS += tests/conf/run.sh
EXTRA_DIST += \
	tests/conf/01-client.conf \
	tests/conf/01-client.ok \
	tests/conf/02-every.conf \
	tests/conf/02-every.ok \
	tests/conf/03-relay.conf \
	tests/conf/03-relay.ok \
	tests/conf/04-cone.conf \
	tests/conf/04-cone.ok \
	tests/conf/05-restricted.conf \
	tests/conf/05-restricted.ok \
	tests/conf/06-literal.conf \
	tests/conf/06-literal.ok \
	tests/conf/07-crlf.conf \
	tests/conf/07-crlf.ok \
	tests/conf/bad-bindaddress.conf \
	tests/conf/bad-facility.conf \
	tests/conf/bad-hex.conf \
	tests/conf/bad-hook.conf \
	tests/conf/bad-localdiscovery.conf \
	tests/conf/bad-ifname-chars.conf \
	tests/conf/bad-ifname-long.conf \
	tests/conf/bad-integer.conf \
	tests/conf/bad-long-line.conf \
	tests/conf/bad-missing-value.conf \
	tests/conf/bad-mtu-high.conf \
	tests/conf/bad-mtu-udp.conf \
	tests/conf/bad-mtu-low.conf \
	tests/conf/bad-negative.conf \
	tests/conf/bad-no-server.conf \
	tests/conf/bad-nul.conf \
	tests/conf/bad-octal.conf \
	tests/conf/bad-overflow.conf \
	tests/conf/bad-peermax.conf \
	tests/conf/bad-port.conf \
	tests/conf/bad-prefix-multicast.conf \
	tests/conf/bad-prefix.conf \
	tests/conf/bad-queue.conf tests/conf/bad-sns.conf \
	tests/conf/bad-hairpinning.conf \
	tests/conf/bad-refresh.conf \
	tests/conf/bad-relaytype.conf \
	tests/conf/bad-repeated.conf \
	tests/conf/bad-retries.conf \
	tests/conf/bad-serveraddress-ipv4.conf \
	tests/conf/bad-serveraddress-name.conf \
	tests/conf/bad-serveraddress-private.conf \
	tests/conf/bad-serveraddress2.conf \
	tests/conf/bad-srv-bind2.conf \
	tests/conf/bad-srv-directive.conf \
	tests/conf/bad-srv-icmp.conf \
	tests/conf/bad-srv-missing.conf \
	tests/conf/bad-srv-native.conf \
	tests/conf/bad-srv-private.conf \
	tests/conf/bad-srv-rate.conf \
	tests/conf/bad-srv-rate-word.conf \
	tests/conf/bad-timeout.conf \
	tests/conf/bad-trailing.conf \
	tests/conf/bad-typo.conf \
	tests/conf/bad-unknown.conf \
	tests/conf/srv-01.conf \
	tests/conf/srv-01.ok \
	tests/conf/srv-02.conf \
	tests/conf/srv-02.ok
# port mapping (helper "upnp")
EXTRA_DIST += tests/conf/08-portmap.conf tests/conf/08-portmap.ok \
	tests/conf/bad-portmapping.conf

check-conf: miredo-checkconf
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="tests/conf/run.sh"

# Rewrite the expected outputs from what miredo-checkconf prints now;
# review the diff before committing it.
update-golden: miredo-checkconf
	srcdir=$(srcdir) UPDATE_GOLDEN=1 $(SHELL) $(srcdir)/tests/conf/run.sh
.PHONY: check-conf update-golden
