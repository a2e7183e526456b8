# SPDX-License-Identifier: ISC
# The privilege boundary (issue 13, ../shared/reviews/security-2026-12-02.md;
# helper "sec2"): routes of other interfaces are never taken over (H2);
dist_noinst_SCRIPTS += tests/netns/routes.sh
if OS_LINUX
TESTS += tests/netns/routes.sh
endif
# the launcher's exit status when the engine cannot drop privileges, a
# pid file that is a symbolic link, the descriptors of engine and hook
dist_noinst_SCRIPTS += tests/netns/boundary.sh
if OS_LINUX
TESTS += tests/netns/boundary.sh
endif
