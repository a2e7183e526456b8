# SPDX-License-Identifier: ISC
# Interoperability matrix against Debian's miredo 1.2.6 (root; skips with 77).
# The test runs in the build directory, where it finds ./miredo and
# ./miredo-server; the library is sourced from next to the script.
# A subset: make check TESTS=tests/interop/matrix.sh MATRIX_NATS=symmetric
# MATRIX_ROLES="ooo odd" (roles: client, server, relay; o ours, d Debian).
TESTS += tests/interop/matrix.sh
EXTRA_DIST += tests/interop/matrix.sh tests/interop/topo.sh tests/demo.sh
