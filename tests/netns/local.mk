# SPDX-License-Identifier: ISC
# Root tests of our daemons in network namespaces (skip with 77 when not root).
include $(srcdir)/tests/netns/daemon.mk
include $(srcdir)/tests/netns/server.mk
include $(srcdir)/tests/netns/os.mk
include $(srcdir)/tests/netns/procs.mk
include $(srcdir)/tests/netns/security.mk
include $(srcdir)/tests/netns/bgp.mk
include $(srcdir)/tests/netns/upnp.mk
include $(srcdir)/tests/netns/offload.mk
